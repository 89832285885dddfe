//! `site.toml`: parsed with [`Settings::parse`], checked with [`Settings::validate`],
//! and, once the catalogue is loaded, its menu checked against it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use commerce::settings::{MenuItem, SettingsProblem};
use commerce::{Catalogue, Locale, Settings};
use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use super::content::{split_locale, written_sku};
use super::files::{ContentKind, files_with_problems, read_text};
use super::source::{Location, SourceText};
use super::toml_text::{
    Accepts, Repaired, TomlFile, TomlProblem, ValueRule, deserialize_all, deserialize_repaired, key_span,
    syntax_problems,
};
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
    root: PathBuf,
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

    // The recoverable parser finds every syntax mistake, where serde stops at the
    // first one.
    let (document, syntax_errors) = DeTable::parse_recoverable(&text);
    if !syntax_errors.is_empty() {
        for (span, message) in syntax_problems(TomlFile::Settings, &text) {
            let location = match span {
                Some(span) => source.locate(span),
                None => Location::file(source.file),
            };
            diagnostics.push(location.diagnostic(message));
        }
        return None;
    }
    // `Settings::parse` is `toml::from_str`; on failure every key is checked on its
    // own, so all the typos of the file are reported at once.
    let rules = value_rules(document.get_ref());
    let settings = match deserialize_all::<Settings>(TomlFile::Settings, &text, document.get_ref(), &rules) {
        Ok(settings) => settings,
        Err(problems) => {
            // The checks of `Settings::validate` (SIRET, email…) still run on the
            // settings without the wrong keys, when serde then accepts them.
            let repaired = deserialize_repaired::<Settings>(&text, document.get_ref(), &problems);
            if let Some(repaired) = &repaired {
                let follow_ons = follow_on_problems(repaired, &problems);
                for problem in repaired.value.validate() {
                    let blamed = repaired
                        .blamed
                        .iter()
                        .any(|(_, range, _)| range.contains(&problem.span.start));
                    if !blamed && !follow_ons.contains(&(problem.id, problem.args.clone())) {
                        diagnostics.push(problem_diagnostic(&source, document.get_ref(), &problem));
                    }
                }
            }
            for (span, message) in problems {
                let location = match span {
                    Some(span) => source.locate(span),
                    None => Location::file(source.file),
                };
                diagnostics.push(location.diagnostic(message));
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
        root: root.to_path_buf(),
    })
}

/// Reads `[shop] content_locale` from a `site.toml` that failed to load, so that
/// content files are still read in their language: with another one, translations
/// and CSV columns would be reported wrongly. `None` when it cannot be read.
pub(crate) fn written_content_locale(root: &Path) -> Option<Locale> {
    let text = std::fs::read_to_string(root.join("site.toml")).ok()?;
    let (document, _) = DeTable::parse_recoverable(&text);
    let shop = document.get_ref().get("shop")?;
    let DeValue::Table(shop) = shop.get_ref() else {
        return None;
    };
    match shop.get("content_locale").map(|value| value.get_ref()) {
        Some(DeValue::String(tag)) => Locale::parse(tag).ok(),
        _ => None,
    }
}

/// Lists what the `site.toml` keys checked by `Settings::validate` accept, so that a
/// value of the wrong type gets an example that these checks accept too. Keys of
/// enums need no rule, because serde lists their words.
fn value_rules(document: &DeTable<'_>) -> Vec<ValueRule> {
    let price_lists = Accepts::Words(declared_price_lists(document));
    let rule = |keys: &'static str, accepts: &Accepts| ValueRule {
        keys,
        accepts: accepts.clone(),
    };
    vec![
        rule("shop.price_list", &price_lists),
        rule("stores.price_list", &price_lists),
        rule("price_lists.*.fallback", &price_lists),
        rule("shop.content_locale", &Accepts::Locale),
        rule("stores.locales", &Accepts::Locale),
        rule("shop.address.country", &Accepts::Country),
        rule("stores.country", &Accepts::Country),
        rule("shipping.*.countries", &Accepts::Country),
        // `Settings::validate` accepts no other card provider.
        rule("payment.*.provider", &Accepts::words("stripe")),
        rule(
            "consent.services.*.preset",
            &Accepts::Words(
                commerce::consent::presets::preset_ids()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            ),
        ),
    ]
}

/// Lists the price lists a store may use: the `[price_lists]` tables, or the shop's
/// own list when there are none, as `Settings::has_price_list` accepts them.
fn declared_price_lists(document: &DeTable<'_>) -> Vec<String> {
    if let Some(DeValue::Table(lists)) = document.get("price_lists").map(|value| value.get_ref())
        && !lists.is_empty()
    {
        return lists.iter().map(|(key, _)| key.get_ref().to_string()).collect();
    }
    let shop_list = match document.get("shop").map(|value| value.get_ref()) {
        Some(DeValue::Table(shop)) => match shop.get("price_list").map(|value| value.get_ref()) {
            Some(DeValue::String(list)) => Some(list.to_string()),
            _ => None,
        },
        _ => None,
    };
    vec![shop_list.unwrap_or_else(|| "retail".to_owned())]
}

/// A settings problem as its message id and arguments, which do not depend on where
/// the text puts it.
type ProblemKey = (&'static str, Vec<(&'static str, String)>);

/// Finds the problems of the repaired settings that follow from a blanked value of
/// the wrong type, whose default stood in for it (`exempt = "oui"` read as `false`
/// makes a tracker need consent). A problem follows from such a value when it goes
/// away once the value is one of those its message suggests.
fn follow_on_problems(repaired: &Repaired<Settings>, problems: &[TomlProblem]) -> HashSet<ProblemKey> {
    let found: Vec<ProblemKey> = repaired
        .value
        .validate()
        .into_iter()
        .map(|problem| (problem.id, problem.args))
        .collect();
    let mut follow_ons = HashSet::new();
    for (index, (_, message)) in problems.iter().enumerate() {
        for value in suggested_values(message) {
            let Some(text) = repaired.with_value(index, &value) else {
                continue;
            };
            let Ok(settings) = toml::from_str::<Settings>(&text) else {
                continue;
            };
            let remaining: HashSet<ProblemKey> = settings
                .validate()
                .into_iter()
                .map(|problem| (problem.id, problem.args))
                .collect();
            follow_ons.extend(found.iter().filter(|key| !remaining.contains(*key)).cloned());
        }
    }
    follow_ons
}

/// Lists the values a wrong-type message suggests: the value of its example line,
/// and each word when it names a fixed set.
fn suggested_values(message: &Message) -> Vec<String> {
    let arg = |name: &str| {
        message
            .args
            .iter()
            .find(|(arg, _)| *arg == name)
            .map(|(_, value)| value.as_str())
    };
    let mut values: Vec<String> = arg("example")
        .and_then(|line| line.split_once(" = "))
        .map(|(_, value)| value.to_owned())
        .into_iter()
        .collect();
    if message.id == "toml-wrong-type-choice"
        && values.first().is_some_and(|value| value.starts_with('"'))
        && let Some(valid) = arg("valid")
    {
        values.extend(valid.split(", ").map(|word| format!("\"{word}\"")));
    }
    values
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

/// The content that failed to load, so that menu entries pointing at it are not
/// reported: its own problems are.
struct Unloaded {
    /// Files with problems.
    files: HashSet<PathBuf>,
    /// The skus written in product files with problems that are not in the
    /// catalogue; `None` for a file whose sku cannot be read.
    skus: Vec<Option<String>>,
}

impl Unloaded {
    fn new(root: &Path, catalogue: &Catalogue, problems: &[Diagnostic]) -> Self {
        let files = files_with_problems(problems);
        let products = Path::new("content/products");
        let product_files: Vec<&PathBuf> = files
            .iter()
            .filter(|file| file.starts_with(products))
            .filter(|file| file.extension().is_some_and(|extension| extension == "md"))
            .filter(|file| {
                let stem = file
                    .file_stem()
                    .map(|stem| stem.to_string_lossy())
                    .unwrap_or_default();
                split_locale(&stem).1.is_none()
            })
            .collect();
        // Most loads have no broken product file, and a catalogue may contain many
        // products, so their files are only listed when needed.
        let mut skus = Vec::new();
        if !product_files.is_empty() {
            let loaded: HashSet<&Path> = catalogue
                .products
                .iter()
                .map(|product| Path::new(&product.source))
                .collect();
            skus = product_files
                .into_iter()
                .filter(|file| !loaded.contains(file.as_path()))
                .map(|file| {
                    let text = std::fs::read_to_string(root.join(file)).ok()?;
                    written_sku(&text)
                })
                .collect();
        }
        Unloaded { files, skus }
    }

    /// Tells whether the file of `id` failed to load, or for a category, the file of
    /// a category above it, which hides it.
    fn failed(&self, kind: ContentKind, id: &str) -> bool {
        let mut id = id;
        loop {
            if self.files.contains(&kind.path(id)) {
                return true;
            }
            match id.rsplit_once('/') {
                Some((parent, _)) if kind == ContentKind::Category => id = parent,
                _ => return false,
            }
        }
    }

    fn may_contain_sku(&self, sku: &str) -> bool {
        self.skus
            .iter()
            .any(|written| written.as_deref().is_none_or(|written| written == sku))
    }
}

impl LoadedSettings {
    /// Checks that every menu entry points at a published category, page or product.
    /// An entry pointing at a file that failed to load is left out, since that
    /// file's problems are reported.
    pub fn check_menu(&self, catalogue: &Catalogue, diagnostics: &mut Diagnostics) {
        let unloaded = Unloaded::new(&self.root, catalogue, &diagnostics.0);
        self.check_menu_items(&self.settings.menu, catalogue, &unloaded, diagnostics);
    }

    fn check_menu_items(
        &self,
        items: &[MenuItem],
        catalogue: &Catalogue,
        unloaded: &Unloaded,
        diagnostics: &mut Diagnostics,
    ) {
        for item in items {
            if let Some(category) = &item.category
                && catalogue.category(category.get_ref()).is_none()
                && !unloaded.failed(ContentKind::Category, category.get_ref())
            {
                let valid = short_list(catalogue.categories.iter().map(|c| c.id.as_str()));
                let message = msg!("menu-unknown-category", value = category.get_ref(), valid = valid);
                diagnostics.push(self.at(category, message));
            }
            if let Some(page) = &item.page
                && catalogue.page(page.get_ref()).is_none()
                && !unloaded.failed(ContentKind::Page, page.get_ref())
            {
                let valid = short_list(catalogue.pages.iter().map(|p| p.id.as_str()));
                let message = msg!("menu-unknown-page", value = page.get_ref(), valid = valid);
                diagnostics.push(self.at(page, message));
            }
            if let Some(product) = &item.product
                && catalogue.product(product.get_ref()).is_none()
                && !unloaded.may_contain_sku(product.get_ref())
            {
                let message = msg!("menu-unknown-product", value = product.get_ref());
                diagnostics.push(self.at(product, message));
            }
            self.check_menu_items(&item.children, catalogue, unloaded, diagnostics);
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
