//! Drafts: the catalogue value one file (or CSV row) yields, with the locations of
//! its fields, before the checks that span files. Also the helpers that Markdown and
//! CSV parsing share (amounts, stock policies, images, variants).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use commerce::catalogue::{PriceTable, Text};
use commerce::settings::{RawAmount, amount_error_message};
use commerce::sorted_vec_map::SortedVecMap;
use commerce::{Category, Currency, Locale, Page, Product, Settings, StockPolicy};
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use super::files::ContentKind;
use super::source::Location;
use crate::diagnostics::Diagnostic;
use crate::messages::Message;
use crate::msg;

/// The shop settings and paths that parsing reads.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    /// The shop root.
    pub root: &'a Path,
    /// The settings, when `site.toml` could be parsed. Without them amounts and
    /// price lists are not checked, since their currency and lists are unknown.
    pub settings: Option<&'a Settings>,
    /// Language of `foo.md` files.
    pub content_locale: Locale,
    /// Files and rows parsed so far, read by the progress bar.
    pub counts: &'a crate::progress::LoadCounts,
    /// Lookup of image paths in `static/`.
    pub images: ImageLookup,
}

/// Strategy of [`Context::check_image`] for finding the files of `static/`.
#[derive(Debug)]
pub(crate) enum ImageLookup {
    /// One `stat` per image: cheapest for a few files, as when `serve` parses the one
    /// product that changed.
    Stat,
    /// One walk of `static/`, made on the first image checked. Each image is then
    /// looked up in the walk's list of files, which saves a `stat` per image in a
    /// large catalogue.
    Listing(OnceLock<HashSet<PathBuf>>),
}

impl ImageLookup {
    /// Creates a lookup that walks `static/` once, for a whole shop.
    pub fn listing() -> Self {
        ImageLookup::Listing(OnceLock::new())
    }
}

/// Lists the files under `static_dir`, relative to it, following symbolic links
/// as `Path::is_file` does. Entries the walk cannot read are left out, so the
/// images under them are checked with a `stat` of their own.
fn list_static_files(static_dir: &Path) -> HashSet<PathBuf> {
    WalkDir::new(static_dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(static_dir).ok()?;
            Some(relative.to_path_buf())
        })
        .collect()
}

impl Context<'_> {
    /// Checks that an image is an absolute URL or a file under `static/`.
    pub fn check_image(&self, image: &str, at: &Location, problems: &mut Vec<Diagnostic>) {
        if image.starts_with("https://") || image.starts_with("http://") {
            return;
        }
        let Some(inside) = image.strip_prefix('/') else {
            problems.push(at.diagnostic(msg!("content-image-relative", value = image)));
            return;
        };
        let relative = Path::new(inside);
        let escapes = relative
            .components()
            .any(|component| !matches!(component, Component::Normal(_)));
        if escapes || !self.is_static_file(relative) {
            problems.push(at.diagnostic(msg!(
                "content-image-missing",
                value = image,
                path = format!("static/{inside}")
            )));
        }
    }

    /// Returns whether `static/<relative>` is a file, following symbolic links.
    /// `relative` has only normal components.
    fn is_static_file(&self, relative: &Path) -> bool {
        let static_dir = self.root.join("static");
        if let ImageLookup::Listing(files) = &self.images {
            let files = files.get_or_init(|| list_static_files(&static_dir));
            // `Path` equality ignores a trailing `/`, but `stat` rejects `a.png/`,
            // so such a path is left to `stat`.
            let path = relative.as_os_str().as_encoded_bytes();
            if !path.ends_with(b"/") && files.contains(relative) {
                return true;
            }
        }
        // Without a listing, and for a path the listing lacks, `stat` decides: the
        // walk skips unreadable entries and link loops that `stat` may still resolve.
        static_dir.join(relative).is_file()
    }

    /// Reads an amount of price list `list` in `currency` into `prices`. `field`
    /// names where it was written, for the message.
    pub fn add_amount(
        &self,
        prices: &mut PriceTable,
        (list, currency): (&str, Currency),
        amount: &RawAmount,
        field: &str,
        at: &Location,
        problems: &mut Vec<Diagnostic>,
    ) {
        match amount.to_money(currency) {
            Ok(money) => {
                let previous = match prices.get_mut(list) {
                    Some(amounts) => amounts.insert(currency, money),
                    None => {
                        prices.insert(list.to_owned(), SortedVecMap::from([(currency, money)]));
                        None
                    }
                };
                if previous.is_some() {
                    let message = msg!("price-set-twice", field = field, list = list, currency = currency);
                    problems.push(at.diagnostic(message));
                }
            }
            Err(error) => {
                let (id, args) = amount_error_message(field, &error);
                problems.push(at.diagnostic(Message { id, args }));
            }
        }
    }

    /// Checks that a price list is declared in `site.toml`.
    pub fn check_price_list(
        &self,
        list: &str,
        field: &str,
        at: &Location,
        problems: &mut Vec<Diagnostic>,
    ) -> bool {
        let Some(settings) = self.settings else {
            return false;
        };
        if settings.has_price_list(list) {
            return true;
        }
        let valid: Vec<String> = if settings.price_lists.is_empty() {
            vec![settings.shop.price_list.clone()]
        } else {
            settings.price_lists.keys().cloned().collect()
        };
        let message = msg!(
            "price-unknown-list",
            field = field,
            list = list,
            valid = valid.join(", ")
        );
        problems.push(at.diagnostic(message));
        false
    }

    /// Reads a currency code of a price table.
    pub fn parse_currency(
        &self,
        code: &str,
        field: &str,
        at: &Location,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Currency> {
        match Currency::parse(code) {
            Ok(currency) => Some(currency),
            Err(_) => {
                problems.push(at.diagnostic(msg!("price-unknown-currency", field = field, code = code)));
                None
            }
        }
    }
}

/// Reads a stock policy as written in files.
pub(crate) fn parse_stock(
    value: &str,
    field: &str,
    at: &Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<StockPolicy> {
    match value {
        "track" => Some(StockPolicy::Track),
        "untracked" => Some(StockPolicy::Untracked),
        "backorder" => Some(StockPolicy::Backorder),
        "negative" => Some(StockPolicy::Negative),
        _ => {
            let message = msg!(
                "content-invalid-stock",
                field = field,
                value = value,
                valid = StockPolicy::NAMES
            );
            problems.push(at.diagnostic(message));
            None
        }
    }
}

/// Checks a sku: letters, digits, `-`, `_` and `.`, as carts and URLs carry it.
pub(crate) fn check_sku(sku: &str, at: &Location, problems: &mut Vec<Diagnostic>) {
    let valid = !sku.is_empty()
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !valid {
        problems.push(at.diagnostic(msg!("content-invalid-sku", value = sku)));
    }
}

/// Checks an explicit slug; the suggestion is what the rule would make of it.
pub(crate) fn check_slug(slug: &str, at: &Location, problems: &mut Vec<Diagnostic>) {
    if !commerce::slug::is_valid_slug(slug) {
        let suggestion = commerce::slug::slug_or(slug, "page");
        problems.push(at.diagnostic(msg!(
            "content-invalid-slug",
            value = slug,
            suggestion = suggestion
        )));
    }
}

/// Returns whether the product or one of its variants is sold on backorder, which
/// is what `backorder_days` is for.
pub(crate) fn uses_backorder(product: &Product) -> bool {
    product.stock == StockPolicy::Backorder
        || product
            .variants
            .iter()
            .any(|variant| variant.stock == StockPolicy::Backorder)
}

/// Checks a product's options and variants: declared options with distinct
/// values, every variant setting every option to an allowed value, and no two
/// variants with the same options. `variant_at` contains each variant's location.
pub(crate) fn check_variants(
    product: &Product,
    product_at: &Location,
    variant_at: &[Location],
    problems: &mut Vec<Diagnostic>,
) {
    for (index, option) in product.options.iter().enumerate() {
        if product.options[..index]
            .iter()
            .any(|other| other.name == option.name)
        {
            problems.push(product_at.diagnostic(msg!("option-duplicate-name", option = &option.name)));
        }
        if option.values.is_empty() {
            problems.push(product_at.diagnostic(msg!("option-without-values", option = &option.name)));
        }
        for (position, value) in option.values.iter().enumerate() {
            if option.values[..position].contains(value) {
                let message = msg!("option-duplicate-value", option = &option.name, value = value);
                problems.push(product_at.diagnostic(message));
            }
        }
    }
    if !product.options.is_empty() && product.variants.is_empty() {
        problems.push(product_at.diagnostic(msg!("option-without-variants", sku = &product.sku)));
    }

    for (index, variant) in product.variants.iter().enumerate() {
        let at = variant_at.get(index).unwrap_or(product_at);
        for (name, value) in &variant.options {
            match product.options.iter().find(|option| &option.name == name) {
                None => {
                    let valid: Vec<&str> = product.options.iter().map(|o| o.name.as_str()).collect();
                    let message = msg!(
                        "variant-unknown-option",
                        sku = &variant.sku,
                        option = name,
                        valid = if valid.is_empty() {
                            "—".to_owned()
                        } else {
                            valid.join(", ")
                        }
                    );
                    problems.push(at.diagnostic(message));
                }
                Some(option) if !option.values.contains(value) => {
                    let message = msg!(
                        "variant-invalid-option-value",
                        sku = &variant.sku,
                        option = name,
                        value = value,
                        valid = option.values.join(", ")
                    );
                    problems.push(at.diagnostic(message));
                }
                Some(_) => {}
            }
        }
        for option in &product.options {
            if !variant.options.contains_key(&option.name) {
                let message = msg!(
                    "variant-missing-option",
                    sku = &variant.sku,
                    option = &option.name
                );
                problems.push(at.diagnostic(message));
            }
        }
        if let Some(first) = product.variants[..index]
            .iter()
            .find(|other| other.options == variant.options)
        {
            let options: Vec<String> = variant
                .options
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            let message = msg!(
                "variant-duplicate-options",
                sku = &variant.sku,
                other = &first.sku,
                options = if options.is_empty() {
                    "—".to_owned()
                } else {
                    options.join(", ")
                }
            );
            problems.push(at.diagnostic(message));
        }
    }
}

/// A product with the locations its checks report at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProductDraft {
    /// The product. Its `texts` contain only the content locale until translations merge.
    pub product: Product,
    /// False keeps it out of the catalogue.
    pub published: bool,
    /// Path under `content/products/` without `.md`, which translations refer to;
    /// `None` for a CSV row.
    pub key: Option<String>,
    /// Location of the product: its sku for Markdown, its row for CSV.
    pub at: Location,
    /// Where each category reference was written, in `product.categories` order.
    pub categories_at: Vec<Location>,
    /// Where the tax class was written, or the product's place.
    pub tax_class_at: Location,
    /// Where each locale's slug comes from: the `slug` key, else the title.
    pub slug_at: SortedVecMap<Locale, Location>,
    /// Where each variant's sku was written, in `product.variants` order.
    pub variants_at: Vec<Location>,
    /// Whether an amount, price list or currency of the product was already
    /// reported, so the missing prices that follow from it are not.
    pub price_problems: bool,
}

/// A category with the locations its checks report at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CategoryDraft {
    /// The category.
    pub category: Category,
    /// False hides the category and the categories under it.
    pub published: bool,
    /// The file.
    pub at: Location,
    /// Where each locale's slug comes from.
    pub slug_at: SortedVecMap<Locale, Location>,
}

/// A page with the locations its checks report at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PageDraft {
    /// The page.
    pub page: Page,
    /// False keeps it out of the catalogue.
    pub published: bool,
    /// Where each locale's slug comes from.
    pub slug_at: SortedVecMap<Locale, Location>,
}

/// A `foo.<locale>.md` file, merged into its base file's texts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TranslationDraft {
    /// Kind of the base file.
    pub kind: ContentKind,
    /// The base file's path under its kind's folder, without `.md`.
    pub base: String,
    /// The translation's locale.
    pub locale: Locale,
    /// Title, description and body; the slug is empty until merged, unless set.
    pub text: Text,
    /// Where the slug comes from.
    pub slug_at: Location,
    /// The file.
    pub at: Location,
    /// Variant titles by sku, with where each was written.
    pub variant_titles: Vec<(String, String, Location)>,
}

/// What one Markdown file yields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Draft {
    /// A product.
    Product(Box<ProductDraft>),
    /// A category.
    Category(CategoryDraft),
    /// A page.
    Page(PageDraft),
    /// A translation of one of them.
    Translation(TranslationDraft),
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::progress::LoadCounts;

    /// Checks `image` with both lookups and returns the message ids, after
    /// asserting that the two agree.
    fn check(root: &Path, image: &str) -> Vec<&'static str> {
        let file: Arc<Path> = Arc::from(Path::new("content/products/a.md"));
        let at = Location::at(&file, 3, 1);
        let counts = LoadCounts::default();
        let mut results = Vec::new();
        for images in [ImageLookup::Stat, ImageLookup::listing()] {
            let context = Context {
                root,
                settings: None,
                content_locale: Locale::parse("fr").expect("locale"),
                counts: &counts,
                images,
            };
            let mut problems = Vec::new();
            context.check_image(image, &at, &mut problems);
            let ids: Vec<&'static str> = problems.iter().map(|problem| problem.message.id).collect();
            results.push(ids);
        }
        assert_eq!(results[0], results[1], "stat and listing differ on {image}");
        results.pop().unwrap_or_default()
    }

    #[test]
    fn image_lookups_agree() {
        let shop = tempfile::tempdir().expect("temporary folder");
        let root = shop.path();
        std::fs::create_dir_all(root.join("static/images/sub")).expect("folders");
        std::fs::write(root.join("static/images/a.png"), b"png").expect("image");
        std::fs::write(root.join("static/images/sub/b.png"), b"png").expect("image");
        std::fs::write(root.join("outside.png"), b"png").expect("image");

        assert!(check(root, "/images/a.png").is_empty());
        // `Path::components` drops doubled `/` and an inner `.`.
        assert!(check(root, "/images//sub/b.png").is_empty());
        assert!(check(root, "/images/./a.png").is_empty());
        assert!(check(root, "https://cdn.example/a.png").is_empty());
        assert_eq!(check(root, "images/a.png"), ["content-image-relative"]);
        assert_eq!(check(root, "/images/missing.png"), ["content-image-missing"]);
        // A folder, a file named as a folder, and a path leaving `static/`.
        assert_eq!(check(root, "/images/sub"), ["content-image-missing"]);
        assert_eq!(check(root, "/images/a.png/"), ["content-image-missing"]);
        assert_eq!(check(root, "/../outside.png"), ["content-image-missing"]);
    }

    #[cfg(unix)]
    #[test]
    fn image_lookups_follow_links() {
        let shop = tempfile::tempdir().expect("temporary folder");
        let root = shop.path();
        std::fs::create_dir_all(root.join("static")).expect("folder");
        std::fs::create_dir_all(root.join("assets/photos")).expect("folder");
        std::fs::write(root.join("assets/photos/c.png"), b"png").expect("image");
        std::os::unix::fs::symlink(root.join("assets/photos"), root.join("static/photos")).expect("link");
        std::os::unix::fs::symlink(root.join("assets/photos/c.png"), root.join("static/c.png"))
            .expect("link");
        std::os::unix::fs::symlink(root.join("assets/gone.png"), root.join("static/gone.png")).expect("link");

        assert!(check(root, "/photos/c.png").is_empty());
        assert!(check(root, "/c.png").is_empty());
        assert_eq!(check(root, "/gone.png"), ["content-image-missing"]);

        let mut listed: Vec<PathBuf> = list_static_files(&root.join("static")).into_iter().collect();
        listed.sort();
        assert_eq!(listed, [PathBuf::from("c.png"), PathBuf::from("photos/c.png")]);
    }
}
