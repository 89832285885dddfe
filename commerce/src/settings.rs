//! The schema of `site.toml`: the shop, its stores, price lists, currencies, VAT,
//! menu, shipping and payment methods.
//!
//! Every table rejects unknown keys, so a typo fails with the list of valid keys.
//! [`Settings::parse`] checks the syntax and the types; [`Settings::validate`] checks
//! what refers to what (a store's price list exists, a currency has a rate…) and
//! returns every problem at once, each with the byte span of the value at fault.

use std::collections::BTreeMap;
use std::ops::Range;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use serde_spanned::Spanned;

use crate::locale::Locale;
use crate::money::{Currency, Money};
use crate::tax::{self, TaxRate};

/// The whole `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The legal entity behind every store.
    pub shop: Shop,
    /// The storefronts rendered from the one catalogue.
    #[serde(default)]
    pub stores: Vec<Store>,
    /// Price lists by id: `retail`, `pro`…
    #[serde(default)]
    pub price_lists: BTreeMap<String, PriceList>,
    /// How prices are converted into currencies other than the shop currency.
    #[serde(default)]
    pub currencies: BTreeMap<String, CurrencyRule>,
    /// VAT rates.
    #[serde(default)]
    pub tax: TaxSettings,
    /// The navigation menu, in order.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// Shipping methods by id; each store lists the ones it offers.
    #[serde(default)]
    pub shipping: BTreeMap<String, ShippingMethod>,
    /// Payment methods by id; each store lists the ones it offers.
    #[serde(default)]
    pub payment: BTreeMap<String, PaymentMethod>,
    /// Order statuses beyond the standard ones.
    #[serde(default)]
    pub orders: OrderSettings,
    /// Rendering options.
    #[serde(default)]
    pub build: BuildSettings,
}

/// The legal entity: what the legal pages, emails and invoices name.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shop {
    /// Registered name, e.g. "Atelier Brume SARL".
    pub legal_name: String,
    /// Legal form and capital, e.g. "SARL au capital de 8 000 €".
    pub legal_form: String,
    /// SIRET number: 14 digits.
    pub siret: Spanned<String>,
    /// Intra-community VAT number, absent for a business exempt under art. 293 B.
    #[serde(default)]
    pub vat_number: Option<String>,
    /// Trade register entry, e.g. "RCS Lyon 123 456 789".
    #[serde(default)]
    pub rcs: Option<String>,
    /// Registered address.
    pub address: Address,
    /// Contact email shown to visitors and used as the sender of emails.
    pub email: Spanned<String>,
    /// Contact phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Publication director named in the mentions légales.
    #[serde(default)]
    pub publication_director: Option<String>,
    /// Web host named in the mentions légales.
    #[serde(default)]
    pub host: Option<Host>,
    /// Language of `foo.md` files; translations are `foo.<locale>.md`.
    #[serde(default = "default_content_locale")]
    pub content_locale: Locale,
    /// Currency of the `price` field of products.
    #[serde(default = "default_currency")]
    pub currency: Currency,
    /// Price list of the `price` field of products.
    #[serde(default = "default_price_list")]
    pub price_list: String,
    /// True for a micro business that charges no VAT: prices carry the mention
    /// "TVA non applicable, art. 293 B du CGI" and no tax is computed.
    #[serde(default)]
    pub vat_exempt: bool,
}

/// A postal address.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number, possibly several lines.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `FR`.
    pub country: String,
}

/// The web host, which French law requires the mentions légales to name.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Host's name.
    pub name: String,
    /// Host's address, on one line.
    pub address: String,
    /// Host's phone or web site.
    #[serde(default)]
    pub contact: Option<String>,
}

fn default_content_locale() -> Locale {
    Locale::parse("fr").unwrap_or_else(|_| unreachable!("`fr` is a valid locale"))
}

fn default_currency() -> Currency {
    Currency::EUR
}

fn default_price_list() -> String {
    "retail".to_owned()
}

/// Whether prices are shown with tax (TTC, for consumers) or without (HT, for
/// businesses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxDisplay {
    /// Prices include VAT (TTC).
    Incl,
    /// Prices exclude VAT (HT).
    Excl,
}

/// One storefront: a domain, its languages, currencies and prices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Short id, used as the output folder `public/<id>/`.
    pub id: Spanned<String>,
    /// Name shown to visitors.
    pub name: String,
    /// Public URL of the store, e.g. `https://atelier-brume.fr`.
    pub base_url: Spanned<String>,
    /// Languages, the default first.
    pub locales: Spanned<Vec<Locale>>,
    /// Currencies, the default first.
    pub currencies: Spanned<Vec<Currency>>,
    /// Price list the store sells at.
    #[serde(default = "spanned_default_price_list")]
    pub price_list: Spanned<String>,
    /// TTC or HT display.
    pub tax_display: TaxDisplay,
    /// ISO 3166-1 alpha-2 country whose VAT rates apply.
    pub country: Spanned<String>,
    /// Theme folder under `themes/`.
    #[serde(default = "spanned_default_theme")]
    pub theme: Spanned<String>,
    /// Values for the settings the theme declares in `theme.toml`.
    #[serde(default)]
    pub theme_settings: toml::Table,
    /// Ids of the `[shipping]` methods offered, in order.
    #[serde(default = "spanned_empty")]
    pub shipping_methods: Spanned<Vec<String>>,
    /// Ids of the `[payment]` methods offered, in order.
    #[serde(default = "spanned_empty")]
    pub payment_methods: Spanned<Vec<String>>,
    /// Extra origins allowed to call the edge (the base URL's origin always is).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

fn spanned_default_price_list() -> Spanned<String> {
    Spanned::new(0..0, default_price_list())
}

fn spanned_empty() -> Spanned<Vec<String>> {
    Spanned::new(0..0, Vec::new())
}

fn spanned_default_theme() -> Spanned<String> {
    Spanned::new(0..0, "comptoir".to_owned())
}

impl Store {
    /// The default locale (first of `locales`).
    pub fn default_locale(&self) -> &Locale {
        &self.locales.get_ref()[0]
    }

    /// The default currency (first of `currencies`).
    pub fn default_currency(&self) -> Currency {
        self.currencies.get_ref()[0]
    }

    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.get_ref().trim_end_matches('/')
    }
}

/// A price list: the amounts one kind of customer pays.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceList {
    /// Whether the amounts written in this list include VAT (TTC).
    #[serde(default = "yes")]
    pub includes_tax: bool,
    /// List whose price is used, converted between TTC and HT if needed, when a
    /// product has none in this one.
    #[serde(default)]
    pub fallback: Option<String>,
}

fn yes() -> bool {
    true
}

/// How amounts in the shop currency become amounts in another currency.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyRule {
    /// Units of this currency for one unit of the shop currency.
    pub rate: DecimalValue,
    /// How the converted amount is rounded.
    #[serde(default)]
    pub rounding: Rounding,
}

/// Rounding applied after a currency conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum Rounding {
    /// To the minor unit, half up.
    #[default]
    #[serde(rename = "minor")]
    Minor,
    /// To the nearest 0.05, half up (Swiss francs).
    #[serde(rename = "0.05")]
    Nickel,
    /// To the nearest whole unit, half up.
    #[serde(rename = "whole")]
    Whole,
    /// Up to the next amount ending in .90.
    #[serde(rename = "0.90")]
    Ninety,
    /// Up to the next amount ending in .99.
    #[serde(rename = "0.99")]
    NinetyNine,
}

/// A decimal number written as a string (`"0.94"`) or a TOML number (`0.94`),
/// read exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DecimalValue(pub Decimal);

impl<'de> Deserialize<'de> for DecimalValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = RawAmount::deserialize(deserializer)?;
        Decimal::from_str(&text.0.replace(',', "."))
            .map(DecimalValue)
            .map_err(|_| serde::de::Error::custom(format!("`{}` is not a decimal number", text.0)))
    }
}

/// An amount as written in a file, before its currency is known: a string, an
/// integer or a float, kept as the exact decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RawAmount(pub String);

impl<'de> Deserialize<'de> for RawAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Integer(i64),
            Float(f64),
        }
        Ok(RawAmount(match Written::deserialize(deserializer)? {
            Written::Text(text) => text,
            Written::Integer(integer) => integer.to_string(),
            // The shortest text that reads back as the same float is the decimal the
            // merchant typed, as long as it had at most 15 significant digits.
            Written::Float(float) => format!("{float}"),
        }))
    }
}

impl RawAmount {
    /// Reads the amount in `currency`.
    pub fn to_money(&self, currency: Currency) -> Result<Money, crate::money::AmountError> {
        Money::parse_decimal(&self.0, currency)
    }
}

/// VAT settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxSettings {
    /// Rates per country (ISO 3166-1 alpha-2), per tax class, as percentages. France's
    /// standard classes (20, 10, 5.5, 2.1, 0) are there unless overridden.
    #[serde(default)]
    pub rates: BTreeMap<String, BTreeMap<String, DecimalValue>>,
}

impl TaxSettings {
    /// The rate of `class` in `country`, French defaults included.
    pub fn rate(&self, country: &str, class: &str) -> Option<TaxRate> {
        if let Some(value) = self.rates.get(country).and_then(|classes| classes.get(class)) {
            return TaxRate::parse_percent(&value.0.to_string()).ok();
        }
        if country == "FR" {
            return tax::french_defaults()
                .into_iter()
                .find(|(name, _)| *name == class)
                .map(|(_, rate)| rate);
        }
        None
    }

    /// Tax classes known for `country`, sorted.
    pub fn classes(&self, country: &str) -> Vec<String> {
        let mut classes: Vec<String> = self
            .rates
            .get(country)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        if country == "FR" {
            classes.extend(
                tax::french_defaults()
                    .into_iter()
                    .map(|(name, _)| name.to_owned()),
            );
        }
        classes.sort();
        classes.dedup();
        classes
    }
}

/// Text a person reads: one string for every locale, or one per locale.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum LocalizedText {
    /// The same text in every locale.
    Same(String),
    /// Text per locale; a missing locale falls back to the content locale, then any.
    PerLocale(BTreeMap<String, String>),
}

impl LocalizedText {
    /// The text for `locale`, falling back to `fallback`, then to any text.
    pub fn get(&self, locale: &Locale, fallback: &Locale) -> &str {
        match self {
            LocalizedText::Same(text) => text,
            LocalizedText::PerLocale(texts) => texts
                .get(locale.as_str())
                .or_else(|| texts.get(fallback.as_str()))
                .or_else(|| texts.values().next())
                .map_or("", String::as_str),
        }
    }
}

/// A menu entry: a link to a category, a page, a product or any URL, possibly with
/// children.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// Label; defaults to the title of what it links to.
    #[serde(default)]
    pub label: Option<LocalizedText>,
    /// A category id such as `cuisine/tasses`.
    #[serde(default)]
    pub category: Option<Spanned<String>>,
    /// A page file name without `.md`, such as `cgv`.
    #[serde(default)]
    pub page: Option<Spanned<String>>,
    /// A product sku.
    #[serde(default)]
    pub product: Option<Spanned<String>>,
    /// Any URL; a path starting with `/` is inside the store, under the locale.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Sub-entries.
    #[serde(default)]
    pub children: Vec<MenuItem>,
    /// Store ids that show this entry; all stores when empty.
    #[serde(default)]
    pub stores: Vec<String>,
}

/// Prices per currency: one amount in the shop currency, or a table per currency.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PriceMap {
    /// One amount per currency, e.g. `{ EUR = "4.90", CHF = "6.00" }`.
    PerCurrency(BTreeMap<String, RawAmount>),
    /// One amount in the shop currency, converted for the others.
    Single(RawAmount),
}

/// A shipping method.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingMethod {
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// Delay or detail shown under the name.
    #[serde(default)]
    pub description: Option<LocalizedText>,
    /// Countries delivered (ISO 3166-1 alpha-2); empty means the store's country.
    #[serde(default)]
    pub countries: Vec<String>,
    /// How the price is computed.
    #[serde(flatten)]
    pub rate: ShippingRate,
}

/// How a shipping price is computed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ShippingRate {
    /// One price per order, free from `free_above` (items total, tax included) if set.
    Flat {
        /// The price.
        price: PriceMap,
        /// Items total from which shipping is free.
        #[serde(default)]
        free_above: Option<PriceMap>,
    },
    /// A price per weight band: the first band whose `up_to` (grams) holds the
    /// order's weight applies.
    Weight {
        /// Bands in increasing weight.
        bands: Vec<WeightBand>,
        /// Items total from which shipping is free.
        #[serde(default)]
        free_above: Option<PriceMap>,
    },
    /// Collected in store: free.
    Pickup {
        /// Where to collect the order.
        address: String,
    },
}

/// One weight band of a weight-based shipping rate.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeightBand {
    /// Upper bound in grams, inclusive.
    pub up_to: u32,
    /// Price for orders up to that weight.
    pub price: PriceMap,
}

/// A payment method.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethod {
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// How the customer pays.
    #[serde(flatten)]
    pub kind: PaymentKind,
}

/// How a customer pays.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaymentKind {
    /// Bank transfer: the customer is shown the IBAN and the order reference.
    BankTransfer {
        /// Account holder.
        account_holder: String,
        /// IBAN.
        iban: String,
        /// BIC.
        bic: String,
    },
    /// Cheque sent by post.
    Cheque {
        /// Payee.
        payable_to: String,
        /// Where to send it.
        address: String,
    },
    /// Card payment through a provider's hosted page.
    Card {
        /// The provider: `stripe`.
        provider: String,
    },
}

/// Order settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    /// Statuses added to the standard ones.
    #[serde(default)]
    pub statuses: Vec<CustomStatus>,
    /// Prefix of order numbers, e.g. `AB-` gives `AB-000123`.
    #[serde(default)]
    pub number_prefix: String,
}

/// A status the merchant adds to the standard ones.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomStatus {
    /// Identifier, snake_case.
    pub id: String,
    /// Name shown to the customer and the merchant.
    pub label: LocalizedText,
    /// Whether entering this status emails the customer.
    #[serde(default)]
    pub notify_customer: bool,
    /// Statuses from which an order may enter this one.
    #[serde(default)]
    pub from: Vec<String>,
    /// Statuses an order may go to from this one.
    #[serde(default)]
    pub to: Vec<String>,
}

/// Rendering options.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    /// Products per category page.
    #[serde(default = "default_per_page")]
    pub products_per_page: usize,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            products_per_page: default_per_page(),
        }
    }
}

fn default_per_page() -> usize {
    24
}

/// A settings problem found after parsing: what is wrong, where, and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    /// Byte span in `site.toml` of the value at fault (empty when not written).
    pub span: Range<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Settings {
    /// Parses `site.toml` text. The error carries the span of the offending key.
    pub fn parse(text: &str) -> Result<Settings, toml::de::Error> {
        toml::from_str(text)
    }

    /// The store with this id.
    pub fn store(&self, id: &str) -> Option<&Store> {
        self.stores.iter().find(|store| store.id.get_ref() == id)
    }

    /// Checks references between tables. Returns every problem found.
    pub fn validate(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        let mut problem =
            |span: Range<usize>, message: String| problems.push(SettingsProblem { span, message });

        let siret: String = self
            .shop
            .siret
            .get_ref()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) {
            problem(
                self.shop.siret.span(),
                format!(
                    "invalid SIRET `{}`: a SIRET has 14 digits",
                    self.shop.siret.get_ref()
                ),
            );
        }
        if !self.shop.email.get_ref().contains('@') {
            problem(
                self.shop.email.span(),
                format!(
                    "invalid email `{}`: expected an address such as `contact@example.fr`",
                    self.shop.email.get_ref()
                ),
            );
        }
        if !self.price_lists.is_empty() && !self.price_lists.contains_key(&self.shop.price_list) {
            problem(
                0..0,
                format!(
                    "the shop's price list `{}` is not declared: add `[price_lists.{}]` or set `[shop] price_list` to one of: {}",
                    self.shop.price_list,
                    self.shop.price_list,
                    self.price_list_ids().join(", ")
                ),
            );
        }
        for (id, list) in &self.price_lists {
            if let Some(fallback) = &list.fallback {
                if !self.has_price_list(fallback) {
                    problem(
                        0..0,
                        format!("price list `{id}` falls back to `{fallback}`, which is not declared"),
                    );
                }
            }
        }

        if self.stores.is_empty() {
            problem(
                0..0,
                "no store is declared: add at least one `[[stores]]` table".to_owned(),
            );
        }
        let mut seen_ids: Vec<&str> = Vec::new();
        for store in &self.stores {
            let id = store.id.get_ref();
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                problem(
                    store.id.span(),
                    format!("invalid store id `{id}`: use lowercase letters, digits and `-`"),
                );
            }
            if seen_ids.contains(&id.as_str()) {
                problem(
                    store.id.span(),
                    format!("store id `{id}` is used twice: store ids must be unique"),
                );
            }
            seen_ids.push(id);
            let url = store.base_url.get_ref();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                problem(
                    store.base_url.span(),
                    format!(
                        "invalid base_url `{url}`: expected an absolute URL such as `https://boutique.example`"
                    ),
                );
            }
            if store.locales.get_ref().is_empty() {
                problem(
                    store.locales.span(),
                    format!("store `{id}` has no locale: list at least one, the default first"),
                );
            }
            if store.currencies.get_ref().is_empty() {
                problem(
                    store.currencies.span(),
                    format!("store `{id}` has no currency: list at least one, the default first"),
                );
            }
            for currency in store.currencies.get_ref() {
                if *currency != self.shop.currency && !self.currencies.contains_key(currency.code()) {
                    problem(
                        store.currencies.span(),
                        format!(
                            "store `{id}` sells in {currency} but `[currencies.{currency}]` is missing: add its `rate` (units of {currency} for one {}) so prices without an explicit {currency} amount can be converted",
                            self.shop.currency
                        ),
                    );
                }
            }
            if !self.has_price_list(store.price_list.get_ref()) {
                problem(
                    store.price_list.span(),
                    format!(
                        "store `{id}` uses price list `{}`, which is not declared: add `[price_lists.{}]` or use one of: {}",
                        store.price_list.get_ref(),
                        store.price_list.get_ref(),
                        self.price_list_ids().join(", ")
                    ),
                );
            }
            let country = store.country.get_ref();
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                problem(
                    store.country.span(),
                    format!("invalid country `{country}`: expected an ISO 3166 code such as `FR`"),
                );
            } else if !self.shop.vat_exempt && self.tax.classes(country).is_empty() {
                problem(
                    store.country.span(),
                    format!(
                        "store `{id}` is in {country} but no VAT rate is set for it: add `[tax.rates.{country}]` with at least `standard`"
                    ),
                );
            }
            for method in store.shipping_methods.get_ref() {
                if !self.shipping.contains_key(method) {
                    problem(
                        store.shipping_methods.span(),
                        format!(
                            "store `{id}` offers shipping method `{method}`, which is not declared in `[shipping]`"
                        ),
                    );
                }
            }
            for method in store.payment_methods.get_ref() {
                if !self.payment.contains_key(method) {
                    problem(
                        store.payment_methods.span(),
                        format!(
                            "store `{id}` offers payment method `{method}`, which is not declared in `[payment]`"
                        ),
                    );
                }
            }
        }
        for (code, rule) in &self.currencies {
            if Currency::parse(code).is_err() {
                problem(
                    0..0,
                    format!("`[currencies.{code}]`: unknown currency code `{code}`"),
                );
            }
            if rule.rate.0 <= Decimal::ZERO {
                problem(
                    0..0,
                    format!("`[currencies.{code}]`: the rate must be greater than 0"),
                );
            }
        }
        for (country, classes) in &self.tax.rates {
            for (class, rate) in classes {
                if let Err(message) = TaxRate::parse_percent(&rate.0.to_string()) {
                    problem(0..0, format!("`[tax.rates.{country}]` {class}: {message}"));
                }
            }
        }
        problems
    }

    /// Whether a price list is usable: declared, or the implicit shop list when none is.
    pub fn has_price_list(&self, id: &str) -> bool {
        self.price_lists.contains_key(id) || (self.price_lists.is_empty() && id == self.shop.price_list)
    }

    /// The price list's settings; the implicit shop list includes tax.
    pub fn price_list(&self, id: &str) -> PriceList {
        self.price_lists.get(id).cloned().unwrap_or(PriceList {
            includes_tax: true,
            fallback: None,
        })
    }

    fn price_list_ids(&self) -> Vec<String> {
        if self.price_lists.is_empty() {
            vec![self.shop.price_list.clone()]
        } else {
            self.price_lists.keys().cloned().collect()
        }
    }
}
