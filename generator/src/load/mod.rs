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
use crate::progress::LoadCounts;
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
    load_shop_counted(root, &LoadCounts::default())
}

/// Loads the shop as [`load_shop`] does, counting the files and rows parsed in
/// `counts` for a progress bar.
pub fn load_shop_counted(root: &Path, counts: &LoadCounts) -> Result<LoadedShop, Diagnostics> {
    let mut diagnostics = Diagnostics::new();

    let started = Instant::now();
    let loaded_settings = settings::load_settings(root, &mut diagnostics);
    tracing::debug!(millis = started.elapsed().as_millis(), "read site.toml");

    let context = Context {
        root,
        settings: loaded_settings.as_ref().map(|loaded| &loaded.settings),
        content_locale: loaded_settings.as_ref().map_or_else(
            // Broken settings still name the language of the content files.
            || settings::written_content_locale(root).unwrap_or_else(default_content_locale),
            |loaded| loaded.settings.shop.content_locale.clone(),
        ),
        counts,
        images: draft::ImageLookup::listing(),
    };
    let files = files::walk_content(root, &mut diagnostics);
    counts.set_markdown_total(files.markdown.len());

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

/// Applies edits of product files to a shop already loaded, without loading it
/// again: `serve` calls it so that a change to one product of a large catalogue
/// costs one file's parse. `paths` are the changed files.
///
/// Returns the catalogue indices of the products replaced, or `None` when some
/// change needs a full load. That is the case of a file that is not a product's
/// own Markdown file or that has any problem. It is also the case of an edit that
/// changes what other products or pages see of the product (sku, slug,
/// categories, variants' skus, publication), and of a product that a translation
/// completes.
pub fn patch_products(shop: &mut LoadedShop, paths: &[PathBuf]) -> Option<Vec<usize>> {
    let context = Context {
        root: &shop.root,
        settings: Some(&shop.settings),
        content_locale: shop.settings.shop.content_locale.clone(),
        counts: &LoadCounts::default(),
        images: draft::ImageLookup::Stat,
    };
    // The watcher reports absolute paths, possibly several times each, and the
    // temporary files editors and `sed -i` write then rename; the shop's root may be
    // relative. Only Markdown and CSV files are content.
    let root = std::fs::canonicalize(&shop.root).ok()?;
    let mut canonical = paths
        .iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "md" || extension == "csv")
        })
        .map(|path| std::fs::canonicalize(shop.root.join(path)).ok())
        .collect::<Option<Vec<PathBuf>>>()?;
    if canonical.is_empty() {
        return None;
    }
    canonical.sort();
    canonical.dedup();

    let mut replacements = Vec::with_capacity(canonical.len());
    for path in &canonical {
        let file = files::content_file(&root, path)?;
        if file.kind != files::ContentKind::Product || file.stem.contains('.') {
            return None;
        }
        let mut problems = Vec::new();
        let Some(draft::Draft::Product(draft)) = content::parse_file(&context, &file, &mut problems) else {
            return None;
        };
        problems.extend(assemble::check_product_alone(&shop.settings, &draft));
        if !problems.is_empty() || !draft.published {
            return None;
        }
        let new = draft.product;
        let index = shop
            .catalogue
            .products
            .binary_search_by(|product| product.sku.as_str().cmp(&new.sku))
            .ok()?;
        let old = &shop.catalogue.products[index];
        let slugs = |product: &commerce::Product| -> Vec<(Locale, String)> {
            product
                .texts
                .iter()
                .map(|(locale, text)| (locale.clone(), text.slug.clone()))
                .collect()
        };
        let variant_skus = |product: &commerce::Product| -> Vec<String> {
            product.variants.iter().map(|v| v.sku.clone()).collect()
        };
        let same_shape = old.source == new.source
            && old.texts.len() == 1
            && slugs(old) == slugs(&new)
            && old.categories == new.categories
            && variant_skus(old) == variant_skus(&new);
        if !same_shape || replacements.iter().any(|(other, _)| *other == index) {
            return None;
        }
        replacements.push((index, new));
    }

    let mut indices = Vec::with_capacity(replacements.len());
    for (index, product) in replacements {
        shop.catalogue.products[index] = product;
        indices.push(index);
    }
    indices.sort_unstable();
    Some(indices)
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
