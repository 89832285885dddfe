//! Drafts: the catalogue value one file (or CSV row) yields, with the locations of
//! its fields, before the checks that span files. Also the helpers that Markdown and
//! CSV parsing share (amounts, stock policies, images, variants).

use std::collections::BTreeMap;
use std::path::{Component, Path};

use commerce::catalogue::{PriceTable, Text};
use commerce::settings::{RawAmount, amount_error_message};
use commerce::{Category, Currency, Locale, Page, Product, Settings, StockPolicy};

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
        if escapes || !self.root.join("static").join(relative).is_file() {
            problems.push(at.diagnostic(msg!(
                "content-image-missing",
                value = image,
                path = format!("static/{inside}")
            )));
        }
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
                let previous = prices.entry(list.to_owned()).or_default().insert(currency, money);
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
#[derive(Debug, Clone)]
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
    pub slug_at: BTreeMap<Locale, Location>,
    /// Where each variant's sku was written, in `product.variants` order.
    pub variants_at: Vec<Location>,
    /// Whether an amount, price list or currency of the product was already
    /// reported, so the missing prices that follow from it are not.
    pub price_problems: bool,
}

/// A category with the locations its checks report at.
#[derive(Debug, Clone)]
pub(crate) struct CategoryDraft {
    /// The category.
    pub category: Category,
    /// False hides the category and the categories under it.
    pub published: bool,
    /// The file.
    pub at: Location,
    /// Where each locale's slug comes from.
    pub slug_at: BTreeMap<Locale, Location>,
}

/// A page with the locations its checks report at.
#[derive(Debug, Clone)]
pub(crate) struct PageDraft {
    /// The page.
    pub page: Page,
    /// False keeps it out of the catalogue.
    pub published: bool,
    /// Where each locale's slug comes from.
    pub slug_at: BTreeMap<Locale, Location>,
}

/// A `foo.<locale>.md` file, merged into its base file's texts.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
