//! The validated catalogue: products with their variants, categories and pages,
//! with texts per locale. Built once by the generator's loader and shared, read-only,
//! by every render.

use serde::{Deserialize, Serialize};

use crate::locale::Locale;
use crate::money::{Currency, Money};
use crate::sorted_vec_map::SortedVecMap;

/// How stock limits orders of a sku.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StockPolicy {
    /// Stock is counted; nothing can be ordered beyond it.
    #[default]
    Track,
    /// Stock is not counted; always orderable.
    Untracked,
    /// Stock is counted; beyond it the sku is orderable with a longer delay.
    Backorder,
    /// Stock is counted and may go below zero (made to order).
    Negative,
}

impl StockPolicy {
    /// The names written in files, for error messages.
    pub const NAMES: &'static str = "track, untracked, backorder, negative";
}

/// Text of an entity in one locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Title.
    pub title: String,
    /// Short description for listings and meta tags.
    pub description: Option<String>,
    /// Path segment, unique among its kind in its locale.
    pub slug: String,
    /// Body rendered from Markdown to HTML.
    pub body_html: String,
}

/// Texts per locale; the content locale is always present.
pub type Texts = SortedVecMap<Locale, Text>;

/// Looks up the text for `locale`, falling back to the content locale.
pub fn text_for<'a>(texts: &'a Texts, locale: &Locale, content_locale: &Locale) -> &'a Text {
    texts
        .get(locale)
        .or_else(|| texts.get(content_locale))
        .or_else(|| texts.values().next())
        .unwrap_or_else(|| {
            static EMPTY: std::sync::OnceLock<Text> = std::sync::OnceLock::new();
            EMPTY.get_or_init(Text::default)
        })
}

/// Explicit prices: per price list, per currency.
pub type PriceTable = SortedVecMap<String, SortedVecMap<Currency, Money>>;

/// An option a product's variants choose from, such as a size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    /// Option name, e.g. `taille`.
    pub name: String,
    /// Allowed values in display order.
    pub values: Vec<String>,
}

/// A product, sold under its own sku or through its variants.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Product {
    /// Stock keeping unit, unique in the shop.
    pub sku: String,
    /// File the product came from, relative to the shop (`content/products/x.md` or
    /// `content/catalog/x.csv:12`), for messages.
    pub source: String,
    /// Texts per locale.
    pub texts: Texts,
    /// Explicit prices; the `price` field is under the shop's price list and currency.
    pub prices: PriceTable,
    /// Tax class, a key of the store country's VAT rates.
    pub tax_class: String,
    /// Category ids.
    pub categories: Vec<String>,
    /// Image paths or URLs.
    pub images: Vec<String>,
    /// Stock policy of the product and of variants that set none.
    pub stock: StockPolicy,
    /// Delay in days shown for backorders.
    pub backorder_days: Option<u32>,
    /// Weight in grams.
    pub weight: Option<u32>,
    /// Options the variants choose from.
    pub options: Vec<ProductOption>,
    /// Variants; empty when the product is sold under its own sku.
    pub variants: Vec<Variant>,
    /// Free fields from `[extra]`, for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Product {
    /// Skus that can be put in a cart: the variants', or the product's own.
    pub fn sellable_skus(&self) -> Vec<&str> {
        if self.variants.is_empty() {
            vec![self.sku.as_str()]
        } else {
            self.variants.iter().map(|variant| variant.sku.as_str()).collect()
        }
    }
}

/// One sellable combination of a product's options.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    /// Its own sku.
    pub sku: String,
    /// Option values, by option name.
    pub options: SortedVecMap<String, String>,
    /// Titles per locale, when the options alone do not say it.
    pub titles: SortedVecMap<Locale, String>,
    /// Explicit prices that shadow the product's for the same list and currency.
    pub prices: PriceTable,
    /// Stock policy (the product's unless set).
    pub stock: StockPolicy,
    /// Weight in grams (the product's unless set).
    pub weight: Option<u32>,
}

/// A category; its id is its path under `content/categories/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Category {
    /// Path id such as `cuisine/tasses`.
    pub id: String,
    /// Parent id, `cuisine` for `cuisine/tasses`.
    pub parent: Option<String>,
    /// File the category came from.
    pub source: String,
    /// Texts per locale.
    pub texts: Texts,
    /// Sort order among siblings, smaller first.
    pub weight: i64,
    /// Image path or URL.
    pub image: Option<String>,
    /// Free fields.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A content page: CGV, mentions légales, about…
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// File stem, such as `cgv`; menus refer to pages by it.
    pub id: String,
    /// File the page came from.
    pub source: String,
    /// Template, `page.html` unless set.
    pub template: String,
    /// Texts per locale.
    pub texts: Texts,
    /// Free fields.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The whole validated catalogue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalogue {
    /// Published products, in sku order.
    pub products: Vec<Product>,
    /// Categories in id order (a parent comes before its children).
    pub categories: Vec<Category>,
    /// Published pages in id order.
    pub pages: Vec<Page>,
}

impl Catalogue {
    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories
            .binary_search_by(|category| category.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.categories[index])
    }

    /// The product with this sku.
    pub fn product(&self, sku: &str) -> Option<&Product> {
        self.products
            .binary_search_by(|product| product.sku.as_str().cmp(sku))
            .ok()
            .map(|index| &self.products[index])
    }

    /// The page with this id.
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.id == id)
    }

    /// Sorts products, categories and pages so lookups by id work.
    pub fn sort(&mut self) {
        self.products.sort_by(|a, b| a.sku.cmp(&b.sku));
        self.categories.sort_by(|a, b| a.id.cmp(&b.id));
        self.pages.sort_by(|a, b| a.id.cmp(&b.id));
    }
}
