//! `site.toml`: parsed with [`Settings::parse`], checked with [`Settings::validate`],
//! and, once the catalogue is loaded, its menu checked against it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use commerce::settings::{MenuItem, SettingsProblem};
use commerce::{Catalogue, Settings};
use serde_spanned::Spanned;
use toml::de::DeTable;

use super::files::read_text;
use super::source::{Location, SourceText};
use super::toml_text::{TomlFile, deserialize_all, deserialize_repaired, key_span, toml_error_message};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::messages::Message;
use crate::msg;

/// `site.toml` read and parsed, with its text kept for locating later problems.
#[derive(Debug)]
pub(crate) struct LoadedSettings {
    /// The parsed settings.
    pub settings: Settings,
    /// Whether [`Settings::validate`] found no problem; checks that rely on the
    /// settings (prices, VAT) only run when it did, so one settings mistake does not
    /// come back once per product.
    pub valid: bool,
    text: String,
    file: Arc<Path>,
}

/// Reads, parses and validates `site.toml`. `None` when it cannot be parsed; every
/// problem is added to `diagnostics`.
pub(crate) fn load_settings(root: &Path, diagnostics: &mut Diagnostics) -> Option<LoadedSettings> {
    let file: Arc<Path> = Arc::from(PathBuf::from("site.toml"));
    let path = root.join("site.toml");
    if !path.is_file() {
        diagnostics.push(Diagnostic::file(
            file.to_path_buf(),
            msg!("settings-missing", root = root.display()),
        ));
        return None;
    }
    let text = match read_text(root, &path) {
        Ok(text) => text,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let source = SourceText {
        file: &file,
        text: &text,
        offset: 0,
    };

    // The recoverable parser reports every syntax error, where serde stops at the
    // first one.
    let (document, syntax_errors) = DeTable::parse_recoverable(&text);
    if !syntax_errors.is_empty() {
        for error in &syntax_errors {
            push_toml_error(&source, error, diagnostics);
        }
        return None;
    }
    // `Settings::parse` is `toml::from_str`; on failure every key is checked on its
    // own, so all the typos of the file are reported at once.
    let settings = match deserialize_all::<Settings>(TomlFile::Settings, &text, document.get_ref()) {
        Ok(settings) => settings,
        Err(problems) => {
            // The checks of `Settings::validate` (SIRET, email…) still run on the
            // settings without the wrong keys, when serde then accepts them.
            let repaired = deserialize_repaired::<Settings>(&text, document.get_ref(), &problems);
            for (span, message) in problems {
                let location = match span {
                    Some(span) => source.locate(span),
                    None => Location::file(source.file),
                };
                diagnostics.push(location.diagnostic(message));
            }
            if let Some((settings, blanked)) = repaired {
                for problem in settings.validate() {
                    let blamed = blanked.iter().any(|range| range.contains(&problem.span.start));
                    if !blamed {
                        diagnostics.push(problem_diagnostic(&source, document.get_ref(), &problem));
                    }
                }
            }
            return None;
        }
    };

    let problems = settings.validate();
    for problem in &problems {
        diagnostics.push(problem_diagnostic(&source, document.get_ref(), problem));
    }
    Some(LoadedSettings {
        settings,
        valid: problems.is_empty(),
        text,
        file,
    })
}

fn push_toml_error(source: &SourceText<'_>, error: &toml::de::Error, diagnostics: &mut Diagnostics) {
    let message = toml_error_message(TomlFile::Settings, error);
    let location = match error.span() {
        Some(span) => source.locate(span),
        None => Location::file(source.file),
    };
    diagnostics.push(location.diagnostic(message));
}

/// A settings problem at the span it carries, else at the key its path names.
fn problem_diagnostic(
    source: &SourceText<'_>,
    document: &DeTable<'_>,
    problem: &SettingsProblem,
) -> Diagnostic {
    let message = Message {
        id: problem.id,
        args: problem.args.clone(),
    };
    let span = if problem.span.is_empty() {
        key_span(document, &problem.path)
    } else {
        Some(problem.span.clone())
    };
    let location = match span {
        Some(span) => source.locate(span),
        None => Location::file(source.file),
    };
    location.diagnostic(message)
}

impl LoadedSettings {
    /// Checks that every menu entry points at a published category, page or product.
    pub fn check_menu(&self, catalogue: &Catalogue, diagnostics: &mut Diagnostics) {
        self.check_menu_items(&self.settings.menu, catalogue, diagnostics);
    }

    fn check_menu_items(&self, items: &[MenuItem], catalogue: &Catalogue, diagnostics: &mut Diagnostics) {
        for item in items {
            if let Some(category) = &item.category
                && catalogue.category(category.get_ref()).is_none()
            {
                let valid = short_list(catalogue.categories.iter().map(|c| c.id.as_str()));
                let message = msg!("menu-unknown-category", value = category.get_ref(), valid = valid);
                diagnostics.push(self.at(category, message));
            }
            if let Some(page) = &item.page
                && catalogue.page(page.get_ref()).is_none()
            {
                let valid = short_list(catalogue.pages.iter().map(|p| p.id.as_str()));
                let message = msg!("menu-unknown-page", value = page.get_ref(), valid = valid);
                diagnostics.push(self.at(page, message));
            }
            if let Some(product) = &item.product
                && catalogue.product(product.get_ref()).is_none()
            {
                let message = msg!("menu-unknown-product", value = product.get_ref());
                diagnostics.push(self.at(product, message));
            }
            self.check_menu_items(&item.children, catalogue, diagnostics);
        }
    }

    fn at(&self, value: &Spanned<String>, message: Message) -> Diagnostic {
        let source = SourceText {
            file: &self.file,
            text: &self.text,
            offset: 0,
        };
        source.locate(value.span()).diagnostic(message)
    }
}

/// Joins ids for a message, keeping the first 20 so a catalogue of thousands does
/// not flood the terminal.
pub(crate) fn short_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 20;
    let items: Vec<&str> = items.into_iter().collect();
    if items.is_empty() {
        return "—".to_owned();
    }
    let mut text = items[..items.len().min(SHOWN)].join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(", … (+{})", items.len() - SHOWN));
    }
    text
}
