//! Loading a shop: `site.toml`, content files and CSV catalogues become validated
//! [`Settings`] and a [`Catalogue`], or the list of every problem found.
//!
//! The steps, in order: parse and validate `site.toml`; list `content/`; parse the
//! Markdown files in parallel; parse the CSV catalogues, rows in parallel; run the
//! checks that span files (skus, slugs, translations, categories, VAT, prices);
//! check the menu against the catalogue. Content is read even when `site.toml` is
//! broken, so one run reports the problems of both.

mod assemble;
mod content;
mod csv_catalog;
mod draft;
mod embeds;
mod files;
mod markdown;
mod settings;
mod source;
mod toml_text;

pub(crate) use files::walk_failed;

use std::path::{Path, PathBuf};
use std::time::Instant;

use commerce::{Catalogue, Locale, Settings};

use crate::diagnostics::{Diagnostic, Diagnostics};
use assemble::{Drafts, assemble};
use draft::Context;

/// A shop read from disk and validated.
#[derive(Debug, Clone)]
pub struct LoadedShop {
    /// Folder holding `site.toml`.
    pub root: PathBuf,
    /// Validated settings.
    pub settings: Settings,
    /// Validated catalogue.
    pub catalogue: Catalogue,
}

/// Loads and validates the shop in `root`, reporting every problem at once, sorted
/// by file, line and column.
pub fn load_shop(root: &Path) -> Result<LoadedShop, Diagnostics> {
    let mut diagnostics = Diagnostics::new();

    let started = Instant::now();
    let loaded_settings = settings::load_settings(root, &mut diagnostics);
    tracing::debug!(millis = started.elapsed().as_millis(), "read site.toml");

    let context = Context {
        root,
        settings: loaded_settings.as_ref().map(|loaded| &loaded.settings),
        content_locale: loaded_settings
            .as_ref()
            .map_or_else(default_content_locale, |loaded| {
                loaded.settings.shop.content_locale.clone()
            }),
    };
    let files = files::walk_content(root, &mut diagnostics);

    let started = Instant::now();
    let (markdown, mut problems) = content::parse_all(&context, &files.markdown);
    tracing::debug!(
        files = files.markdown.len(),
        millis = started.elapsed().as_millis(),
        "parsed Markdown"
    );

    let started = Instant::now();
    let csv_products = csv_catalog::load_all(&context, &files.csv, &mut problems);
    tracing::debug!(
        rows = csv_products.len(),
        millis = started.elapsed().as_millis(),
        "parsed CSV catalogues"
    );

    let started = Instant::now();
    let check_prices = loaded_settings.as_ref().is_some_and(|loaded| loaded.valid);
    let catalogue = assemble(
        &context,
        Drafts::new(markdown, csv_products),
        check_prices,
        &mut problems,
    );
    tracing::debug!(millis = started.elapsed().as_millis(), "checked the catalogue");

    push_all(&mut diagnostics, problems);
    let Some(loaded_settings) = loaded_settings else {
        return Err(sorted(diagnostics));
    };
    loaded_settings.check_menu(&catalogue, &mut diagnostics);

    diagnostics.into_result(LoadedShop {
        root: root.to_path_buf(),
        settings: loaded_settings.settings,
        catalogue,
    })
}

/// Loads and validates `site.toml` alone, for commands that need the settings but
/// not the catalogue, such as `comptoir deploy --prepare`.
pub fn load_settings(root: &Path) -> Result<Settings, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let loaded = settings::load_settings(root, &mut diagnostics);
    match loaded {
        Some(loaded) => diagnostics.into_result(loaded.settings),
        None => Err(sorted(diagnostics)),
    }
}

fn default_content_locale() -> Locale {
    Locale::parse("fr").unwrap_or_else(|_| unreachable!("`fr` is a valid locale"))
}

fn push_all(diagnostics: &mut Diagnostics, problems: Vec<Diagnostic>) {
    for problem in problems {
        diagnostics.push(problem);
    }
}

fn sorted(mut diagnostics: Diagnostics) -> Diagnostics {
    diagnostics.sort();
    diagnostics
}
