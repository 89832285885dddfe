//! The price book: what one build of one store sells, at which price, with which
//! VAT and stock policy. The generator writes it to `public/<store>/_comptoir/
//! pricebook.json`; the edge of the same deployment prices every cart from it and
//! never from a figure a client sends.
//!
//! Beside it, [`StoreManifest`] (`_comptoir/store.json`) carries the store settings
//! the edge needs: shipping and payment methods, order statuses, the shop's legal
//! identity for emails.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::StockPolicy;
use crate::locale::Locale;
use crate::money::Currency;
use crate::settings::{Address, CustomStatus, LocalizedText, PaymentKind, TaxDisplay};
use crate::tax::TaxRate;

/// Version of the price book's JSON layout; the edge rejects others.
pub const PRICE_BOOK_FORMAT: u32 = 1;

/// Where the price book is published inside a store's output.
pub const PRICE_BOOK_PATH: &str = "_comptoir/pricebook.json";

/// Where the store manifest is published inside a store's output.
pub const STORE_MANIFEST_PATH: &str = "_comptoir/store.json";

/// Every sellable sku of one store in one build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceBook {
    /// Layout version, [`PRICE_BOOK_FORMAT`].
    pub format: u32,
    /// Id of the build that wrote it: a hash of its inputs.
    pub build_id: String,
    /// Store id.
    pub store: String,
    /// Whether the amounts include VAT (the store's price list).
    pub prices_include_tax: bool,
    /// True when the shop charges no VAT (art. 293 B du CGI): every rate is 0.
    pub vat_exempt: bool,
    /// Currencies sold, the default first.
    pub currencies: Vec<Currency>,
    /// Skus and what the edge needs to price them.
    pub items: BTreeMap<String, PriceBookItem>,
}

/// One sellable sku.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceBookItem {
    /// The product's sku (the same as the item's for a product without variants).
    pub product: String,
    /// Title per locale, variant options included, for cart lines and emails.
    pub titles: BTreeMap<Locale, String>,
    /// Unit price per currency, in minor units, counted as `prices_include_tax` says.
    pub prices: BTreeMap<Currency, i64>,
    /// Tax class.
    pub tax_class: String,
    /// VAT rate of the class in the store's country.
    pub tax_rate: TaxRate,
    /// Stock policy.
    pub stock: StockPolicy,
    /// Delay in days for backorders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backorder_days: Option<u32>,
    /// Weight in grams, for weight-band shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Product page path per locale in the default currency.
    #[serde(default)]
    pub urls: BTreeMap<Locale, String>,
    /// First image, for cart lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// The store settings the edge needs, published beside the price book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreManifest {
    /// Layout version, [`PRICE_BOOK_FORMAT`].
    pub format: u32,
    /// Id of the build that wrote it.
    pub build_id: String,
    /// Store id.
    pub store: String,
    /// Store name.
    pub name: String,
    /// Public URL.
    pub base_url: String,
    /// Origins allowed to write to the edge: the base URL's and any extra ones.
    pub allowed_origins: Vec<String>,
    /// Locales, the default first.
    pub locales: Vec<Locale>,
    /// Currencies, the default first.
    pub currencies: Vec<Currency>,
    /// TTC or HT display.
    pub tax_display: TaxDisplay,
    /// Country whose VAT applies.
    pub country: String,
    /// The shop's legal identity, for emails and invoices.
    pub shop: ShopIdentity,
    /// Shipping methods offered, in order.
    pub shipping_methods: Vec<ShippingOffer>,
    /// Payment methods offered, in order.
    pub payment_methods: Vec<PaymentOffer>,
    /// Order statuses added to the standard ones.
    pub custom_statuses: Vec<CustomStatus>,
    /// Prefix of order numbers.
    pub order_number_prefix: String,
    /// Paths of the cart, checkout and home pages per locale, for links in emails.
    pub pages: BTreeMap<Locale, StorePages>,
    /// Retention periods and request deadlines of the shop (`[privacy]`). Absent
    /// from manifests of older builds, which then get the French defaults.
    #[serde(default)]
    pub privacy: crate::retention::PrivacySettings,
}

/// The shop's legal identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopIdentity {
    /// Registered name.
    pub legal_name: String,
    /// Legal form and capital.
    pub legal_form: String,
    /// SIRET.
    pub siret: String,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Registered address.
    pub address: Address,
    /// Contact and sender email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// No VAT charged (art. 293 B du CGI).
    pub vat_exempt: bool,
}

/// A shipping method with its prices resolved in each of the store's currencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingOffer {
    /// Id from `[shipping]`.
    pub id: String,
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// Detail shown under the name.
    pub description: Option<LocalizedText>,
    /// Countries delivered.
    pub countries: Vec<String>,
    /// Price rule with amounts in minor units per currency.
    pub rate: ShippingOfferRate,
}

/// A shipping price rule with amounts per currency, in minor units, tax included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShippingOfferRate {
    /// One price, free from `free_above`.
    Flat {
        /// Price per currency.
        price: BTreeMap<Currency, i64>,
        /// Items total from which shipping is free, per currency.
        free_above: Option<BTreeMap<Currency, i64>>,
    },
    /// Weight bands.
    Weight {
        /// (up to grams, price per currency), by increasing weight.
        bands: Vec<(u32, BTreeMap<Currency, i64>)>,
        /// Items total from which shipping is free, per currency.
        free_above: Option<BTreeMap<Currency, i64>>,
    },
    /// Collected in store.
    Pickup {
        /// Where.
        address: String,
    },
}

/// A payment method offered by a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentOffer {
    /// Id from `[payment]`.
    pub id: String,
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// How the customer pays.
    pub kind: PaymentKind,
}

/// Page paths of one locale, in the default currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorePages {
    /// Home.
    pub home: String,
    /// Cart.
    pub cart: String,
    /// Checkout.
    pub checkout: String,
    /// The "my data" page, where visitors ask for an export or an erasure and
    /// confirm it. Empty in manifests of older builds, which had no such page.
    #[serde(default)]
    pub data_requests: String,
}
