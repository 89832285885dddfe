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

use crate::consent::{self, ConsentSettings};
use crate::locale::Locale;
use crate::money::{AmountError, Currency, Money};
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
    /// Conversion rules into currencies other than the shop currency.
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
    /// Cookie and tracker consent: purposes and services. Without it no banner is
    /// rendered, no consent policy is published, and the privacy policy and the
    /// record of processing activities are not generated.
    #[serde(default)]
    pub consent: Option<ConsentSettings>,
    /// Retention periods and personal-data request deadlines; French defaults.
    #[serde(default)]
    pub privacy: crate::retention::PrivacySettings,
    /// Deployment to Cloudflare Workers, read by `comptoir deploy --prepare`.
    #[serde(default)]
    pub deploy: DeploySettings,
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
    /// Returns the default locale (first of `locales`).
    pub fn default_locale(&self) -> &Locale {
        &self.locales.get_ref()[0]
    }

    /// Returns the default currency (first of `currencies`).
    pub fn default_currency(&self) -> Currency {
        self.currencies.get_ref()[0]
    }

    /// Returns the base URL without a trailing slash.
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

/// Conversion of amounts in the shop currency into another currency.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyRule {
    /// Units of this currency for one unit of the shop currency.
    pub rate: DecimalValue,
    /// Rounding applied to the converted amount.
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
    /// Returns the rate of `class` in `country`, French defaults included.
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
    /// Returns the text for `locale`, falling back to `fallback`, then to any text.
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
// No `deny_unknown_fields` here: serde does not support it together with `flatten`
// (every key of the flattened rate would be rejected). `ShippingRate` denies unknown
// keys instead, so a typo still fails.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ShippingMethod {
    /// Name shown at checkout.
    pub label: LocalizedText,
    /// Delay or detail shown under the name.
    #[serde(default)]
    pub description: Option<LocalizedText>,
    /// Countries delivered (ISO 3166-1 alpha-2); empty means the store's country.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Price rule.
    #[serde(flatten)]
    pub rate: ShippingRate,
}

/// Rule that computes a shipping price.
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
    /// A price per weight band: the first band whose `up_to` (grams) covers the
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
        /// Address where the customer collects the order.
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
// No `deny_unknown_fields` here, for the reason given on `ShippingMethod`:
// `PaymentKind` denies unknown keys instead.
#[derive(Debug, Clone, Deserialize, Serialize)]
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

/// Deployment to Cloudflare Workers: one Worker per store, a D1 database shared by
/// the stores, and an R2 bucket for the pages of a build with more files than the
/// plan allows as static assets.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeploySettings {
    /// The Workers plan, which sets the maximum number of static asset files per
    /// Worker version.
    #[serde(default)]
    pub plan: WorkersPlan,
    /// Maximum number of static asset files per Worker version, in place of the
    /// plan's.
    #[serde(default)]
    pub max_asset_files: Option<usize>,
    /// When pages are published to R2 instead of static assets.
    #[serde(default)]
    pub r2: R2Use,
    /// Name of the D1 database that every store's Worker binds.
    #[serde(default = "default_d1_database")]
    pub d1_database: String,
    /// Id of that database, as `wrangler d1 create` prints it.
    #[serde(default)]
    pub d1_id: Option<String>,
    /// Name of the R2 bucket that holds the pages of large stores.
    #[serde(default = "default_r2_bucket")]
    pub r2_bucket: String,
    /// Cron expression (UTC) of the scheduled purge of expired data.
    #[serde(default = "default_purge_cron")]
    pub purge_cron: String,
    /// Settings of one store's Worker, by store id.
    #[serde(default)]
    pub stores: BTreeMap<String, StoreDeploy>,
}

impl Default for DeploySettings {
    fn default() -> Self {
        DeploySettings {
            plan: WorkersPlan::default(),
            max_asset_files: None,
            r2: R2Use::default(),
            d1_database: default_d1_database(),
            d1_id: None,
            r2_bucket: default_r2_bucket(),
            purge_cron: default_purge_cron(),
            stores: BTreeMap::new(),
        }
    }
}

fn default_d1_database() -> String {
    "comptoir".to_owned()
}

fn default_r2_bucket() -> String {
    "comptoir-pages".to_owned()
}

fn default_purge_cron() -> String {
    "17 3 * * *".to_owned()
}

/// A Cloudflare Workers plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkersPlan {
    /// Workers Free: 20,000 static asset files per Worker version.
    #[default]
    Free,
    /// Workers Paid: 100,000 static asset files per Worker version.
    Paid,
}

impl WorkersPlan {
    /// Returns the maximum number of static asset files per Worker version on
    /// this plan, as Cloudflare stated them at the time of writing.
    pub fn max_asset_files(self) -> usize {
        match self {
            WorkersPlan::Free => 20_000,
            WorkersPlan::Paid => 100_000,
        }
    }
}

/// When a store's pages are published to R2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum R2Use {
    /// Only when the store's build has more files than the static asset limit.
    #[default]
    Auto,
    /// Always, whatever the number of files.
    Always,
    /// Never: a build over the limit fails to prepare.
    Never,
}

/// The Worker of one store.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreDeploy {
    /// Name of the Worker; `comptoir-<store id>` when absent.
    #[serde(default)]
    pub worker_name: Option<String>,
    /// Custom domains or route patterns (`shop.example/*`) in place of the host of
    /// the store's `base_url`.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Cloudflare zone of the route patterns, such as `example.fr`.
    #[serde(default)]
    pub zone_name: Option<String>,
}

/// A settings problem found after parsing: a message id with its arguments, and
/// where the value at fault is.
///
/// Commerce has no translations, so the text lives with the caller: the generator
/// keeps one Fluent message per `id` in French and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    /// Byte span in `site.toml` of the value at fault. It is empty when serde keeps no
    /// span for the value (map keys, defaults), and then `path` locates it.
    pub span: Range<usize>,
    /// Key path of the table or value at fault, such as `["currencies", "CHF"]`;
    /// empty when the problem concerns the whole file.
    pub path: Vec<String>,
    /// Message id, such as `settings-invalid-siret`.
    pub id: &'static str,
    /// Named arguments of the message.
    pub args: Vec<(&'static str, String)>,
}

impl SettingsProblem {
    pub(crate) fn new(span: Range<usize>, id: &'static str) -> Self {
        SettingsProblem {
            span,
            path: Vec::new(),
            id,
            args: Vec::new(),
        }
    }

    pub(crate) fn at_path(path: &[&str], id: &'static str) -> Self {
        SettingsProblem {
            path: path.iter().map(|key| (*key).to_owned()).collect(),
            ..SettingsProblem::new(0..0, id)
        }
    }

    pub(crate) fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// Returns the message id and arguments for an amount that could not be read, so
/// settings and content files word it the same way. `field` names where it was written.
pub fn amount_error_message(field: &str, error: &AmountError) -> (&'static str, Vec<(&'static str, String)>) {
    let field = ("field", field.to_owned());
    match error {
        AmountError::NotADecimal { value } => ("amount-not-decimal", vec![field, ("value", value.clone())]),
        AmountError::TooManyDecimals {
            value,
            currency,
            exponent,
        } => (
            "amount-too-many-decimals",
            vec![
                field,
                ("value", value.clone()),
                ("currency", currency.to_string()),
                ("decimals", exponent.to_string()),
            ],
        ),
        AmountError::Negative { value } => ("amount-negative", vec![field, ("value", value.clone())]),
        AmountError::TooLarge { value } => ("amount-too-large", vec![field, ("value", value.clone())]),
    }
}

/// Checks a SIRET against the Luhn checksum that INSEE numbers carry. La Poste's
/// establishments (SIREN 356 000 000) use a digit sum divisible by 5 instead.
fn siret_checksum_ok(digits: &str) -> bool {
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.starts_with("356000000") {
        return values.iter().sum::<u32>().is_multiple_of(5);
    }
    let sum: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(index, digit)| {
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                *digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Joins ids for a message: `a, b, c`, or `—` when there are none, which reads the
/// same in every language.
pub(crate) fn list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let items: Vec<String> = items.into_iter().map(|item| item.as_ref().to_owned()).collect();
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
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

    /// Checks values and references between tables. Returns every problem found, in
    /// the order of the file's sections.
    pub fn validate(&self) -> Vec<SettingsProblem> {
        let mut problems = Vec::new();
        self.validate_shop(&mut problems);
        self.validate_price_lists(&mut problems);
        self.validate_currencies(&mut problems);
        self.validate_tax(&mut problems);
        if self.stores.is_empty() {
            problems.push(SettingsProblem::new(0..0, "settings-no-store"));
        }
        let mut seen_ids: Vec<&str> = Vec::new();
        for store in &self.stores {
            if seen_ids.contains(&store.id.get_ref().as_str()) {
                problems.push(
                    SettingsProblem::new(store.id.span(), "settings-duplicate-store-id")
                        .arg("store", store.id.get_ref()),
                );
            }
            seen_ids.push(store.id.get_ref());
            self.validate_store(store, &mut problems);
        }
        self.validate_menu(&self.menu, "", &mut problems);
        self.validate_shipping(&mut problems);
        self.validate_payment(&mut problems);
        if self.build.products_per_page == 0 {
            problems.push(SettingsProblem::at_path(
                &["build", "products_per_page"],
                "settings-products-per-page-zero",
            ));
        }
        if let Some(settings) = &self.consent {
            consent::validate(settings, &mut problems);
        }
        crate::retention::validate(&self.privacy, &mut problems);
        problems
    }

    fn validate_shop(&self, problems: &mut Vec<SettingsProblem>) {
        let siret = self.shop.siret.get_ref();
        let digits: String = siret.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(
                SettingsProblem::new(self.shop.siret.span(), "settings-invalid-siret").arg("value", siret),
            );
        } else if !siret_checksum_ok(&digits) {
            problems.push(
                SettingsProblem::new(self.shop.siret.span(), "settings-siret-checksum").arg("value", siret),
            );
        }

        let email = self.shop.email.get_ref();
        let valid_email = email
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.') && !email.contains(' '));
        if !valid_email {
            problems.push(
                SettingsProblem::new(self.shop.email.span(), "settings-invalid-email").arg("value", email),
            );
        }

        if !self.has_price_list(&self.shop.price_list) {
            problems.push(
                SettingsProblem::at_path(&["shop", "price_list"], "settings-unknown-shop-price-list")
                    .arg("list", &self.shop.price_list)
                    .arg("valid", list(self.price_list_ids())),
            );
        }
    }

    fn validate_price_lists(&self, problems: &mut Vec<SettingsProblem>) {
        for (id, price_list) in &self.price_lists {
            let Some(fallback) = &price_list.fallback else {
                continue;
            };
            let path = ["price_lists", id.as_str(), "fallback"];
            if !self.has_price_list(fallback) {
                problems.push(
                    SettingsProblem::at_path(&path, "settings-unknown-fallback")
                        .arg("list", id)
                        .arg("fallback", fallback)
                        .arg("valid", list(self.price_list_ids())),
                );
                continue;
            }
            // Follow the chain from this list: coming back to it is a loop. Each loop
            // is reported once per list on it, which names every list to change.
            let mut current = fallback.clone();
            let mut steps = 0;
            while let Some(next) = self.price_lists.get(&current).and_then(|l| l.fallback.clone()) {
                if current == *id || steps > self.price_lists.len() {
                    break;
                }
                current = next;
                steps += 1;
            }
            if current == *id {
                problems.push(SettingsProblem::at_path(&path, "settings-fallback-loop").arg("list", id));
            }
        }
    }

    fn validate_currencies(&self, problems: &mut Vec<SettingsProblem>) {
        for (code, rule) in &self.currencies {
            if Currency::parse(code).is_err() {
                problems.push(
                    SettingsProblem::at_path(&["currencies", code], "settings-unknown-currency-code")
                        .arg("code", code),
                );
            }
            if rule.rate.0 <= Decimal::ZERO {
                problems.push(
                    SettingsProblem::at_path(&["currencies", code, "rate"], "settings-rate-not-positive")
                        .arg("code", code)
                        .arg("value", rule.rate.0),
                );
            }
        }
    }

    fn validate_tax(&self, problems: &mut Vec<SettingsProblem>) {
        for (country, classes) in &self.tax.rates {
            for (class, rate) in classes {
                if TaxRate::parse_percent(&rate.0.to_string()).is_err() {
                    problems.push(
                        SettingsProblem::at_path(
                            &["tax", "rates", country, class],
                            "settings-invalid-vat-rate",
                        )
                        .arg("country", country)
                        .arg("class", class)
                        .arg("value", rate.0),
                    );
                }
            }
        }
    }

    fn validate_store(&self, store: &Store, problems: &mut Vec<SettingsProblem>) {
        let id = store.id.get_ref();
        let valid_id = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_id {
            problems
                .push(SettingsProblem::new(store.id.span(), "settings-invalid-store-id").arg("store", id));
        }

        let url = store.base_url.get_ref();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(' ') {
            problems.push(
                SettingsProblem::new(store.base_url.span(), "settings-invalid-base-url")
                    .arg("store", id)
                    .arg("value", url),
            );
        }

        let locales = store.locales.get_ref();
        if locales.is_empty() {
            problems.push(
                SettingsProblem::new(store.locales.span(), "settings-store-without-locale").arg("store", id),
            );
        }
        for (index, locale) in locales.iter().enumerate() {
            if locales[..index].contains(locale) {
                problems.push(
                    SettingsProblem::new(store.locales.span(), "settings-store-duplicate-value")
                        .arg("store", id)
                        .arg("key", "locales")
                        .arg("value", locale),
                );
            }
        }

        let currencies = store.currencies.get_ref();
        if currencies.is_empty() {
            problems.push(
                SettingsProblem::new(store.currencies.span(), "settings-store-without-currency")
                    .arg("store", id),
            );
        }
        for (index, currency) in currencies.iter().enumerate() {
            if currencies[..index].contains(currency) {
                problems.push(
                    SettingsProblem::new(store.currencies.span(), "settings-store-duplicate-value")
                        .arg("store", id)
                        .arg("key", "currencies")
                        .arg("value", currency),
                );
            } else if *currency != self.shop.currency && !self.currencies.contains_key(currency.code()) {
                problems.push(
                    SettingsProblem::new(store.currencies.span(), "settings-currency-without-rate")
                        .arg("store", id)
                        .arg("currency", currency)
                        .arg("shop_currency", self.shop.currency),
                );
            }
        }

        if !self.has_price_list(store.price_list.get_ref()) {
            let problem = if store.price_list.span().is_empty() {
                SettingsProblem::at_path(&["stores"], "settings-unknown-store-price-list")
            } else {
                SettingsProblem::new(store.price_list.span(), "settings-unknown-store-price-list")
            };
            problems.push(
                problem
                    .arg("store", id)
                    .arg("list", store.price_list.get_ref())
                    .arg("valid", list(self.price_list_ids())),
            );
        }

        let country = store.country.get_ref();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            problems.push(
                SettingsProblem::new(store.country.span(), "settings-invalid-country").arg("value", country),
            );
        } else if !self.shop.vat_exempt && self.tax.classes(country).is_empty() {
            problems.push(
                SettingsProblem::new(store.country.span(), "settings-country-without-vat")
                    .arg("store", id)
                    .arg("country", country),
            );
        }

        for method in store.shipping_methods.get_ref() {
            if !self.shipping.contains_key(method) {
                problems.push(
                    SettingsProblem::new(store.shipping_methods.span(), "settings-unknown-shipping-method")
                        .arg("store", id)
                        .arg("method", method)
                        .arg("valid", list(self.shipping.keys())),
                );
            }
        }
        for method in store.payment_methods.get_ref() {
            if !self.payment.contains_key(method) {
                problems.push(
                    SettingsProblem::new(store.payment_methods.span(), "settings-unknown-payment-method")
                        .arg("store", id)
                        .arg("method", method)
                        .arg("valid", list(self.payment.keys())),
                );
            }
        }
        self.validate_store_shipping_prices(store, problems);
    }

    /// Checks that every shipping method a store offers can be priced in each of its
    /// currencies: an explicit amount, or one in the shop currency to convert.
    fn validate_store_shipping_prices(&self, store: &Store, problems: &mut Vec<SettingsProblem>) {
        for method_id in store.shipping_methods.get_ref() {
            let Some(method) = self.shipping.get(method_id) else {
                continue;
            };
            let prices: Vec<&PriceMap> = match &method.rate {
                ShippingRate::Flat { price, .. } => vec![price],
                ShippingRate::Weight { bands, .. } => bands.iter().map(|band| &band.price).collect(),
                ShippingRate::Pickup { .. } => Vec::new(),
            };
            for currency in store.currencies.get_ref() {
                let priced = prices.iter().all(|price| match price {
                    PriceMap::Single(_) => true,
                    PriceMap::PerCurrency(amounts) => {
                        amounts.contains_key(currency.code())
                            || amounts.contains_key(self.shop.currency.code())
                    }
                });
                if !priced {
                    problems.push(
                        SettingsProblem::at_path(&["shipping", method_id], "settings-shipping-without-price")
                            .arg("store", store.id.get_ref())
                            .arg("method", method_id)
                            .arg("currency", currency),
                    );
                }
            }
        }
    }

    fn validate_menu(&self, items: &[MenuItem], position: &str, problems: &mut Vec<SettingsProblem>) {
        for (index, item) in items.iter().enumerate() {
            let entry = if position.is_empty() {
                (index + 1).to_string()
            } else {
                format!("{position}.{}", index + 1)
            };
            let targets = [
                item.category.is_some(),
                item.page.is_some(),
                item.product.is_some(),
                item.url.is_some(),
            ];
            if targets.iter().filter(|set| **set).count() != 1 {
                problems
                    .push(SettingsProblem::at_path(&["menu"], "settings-menu-target").arg("entry", &entry));
            }
            for store in &item.stores {
                if self.store(store).is_none() {
                    problems.push(
                        SettingsProblem::at_path(&["menu"], "settings-menu-unknown-store")
                            .arg("entry", &entry)
                            .arg("store", store)
                            .arg("valid", list(self.stores.iter().map(|s| s.id.get_ref()))),
                    );
                }
            }
            self.validate_menu(&item.children, &entry, problems);
        }
    }

    fn validate_shipping(&self, problems: &mut Vec<SettingsProblem>) {
        for (id, method) in &self.shipping {
            let mut amounts: Vec<(String, &PriceMap)> = Vec::new();
            match &method.rate {
                ShippingRate::Flat { price, free_above } => {
                    amounts.push(("price".to_owned(), price));
                    amounts.extend(free_above.iter().map(|free| ("free_above".to_owned(), free)));
                }
                ShippingRate::Weight { bands, free_above } => {
                    for (index, band) in bands.iter().enumerate() {
                        amounts.push((format!("bands[{}].price", index + 1), &band.price));
                        if index > 0 && band.up_to <= bands[index - 1].up_to {
                            problems.push(
                                SettingsProblem::at_path(
                                    &["shipping", id, "bands"],
                                    "settings-bands-not-increasing",
                                )
                                .arg("method", id)
                                .arg("value", band.up_to),
                            );
                        }
                    }
                    amounts.extend(free_above.iter().map(|free| ("free_above".to_owned(), free)));
                }
                ShippingRate::Pickup { .. } => {}
            }
            for (key, price) in amounts {
                self.validate_price_map(
                    &["shipping", id],
                    &format!("shipping.{id}.{key}"),
                    price,
                    problems,
                );
            }
        }
    }

    fn validate_price_map(
        &self,
        path: &[&str],
        field: &str,
        price: &PriceMap,
        problems: &mut Vec<SettingsProblem>,
    ) {
        let entries: Vec<(String, &RawAmount)> = match price {
            PriceMap::Single(amount) => vec![(self.shop.currency.code().to_owned(), amount)],
            PriceMap::PerCurrency(amounts) => amounts
                .iter()
                .map(|(code, amount)| (code.clone(), amount))
                .collect(),
        };
        for (code, amount) in entries {
            let Ok(currency) = Currency::parse(&code) else {
                problems.push(
                    SettingsProblem::at_path(path, "settings-unknown-currency-code").arg("code", &code),
                );
                continue;
            };
            if let Err(error) = amount.to_money(currency) {
                let (id, args) = amount_error_message(&format!("{field}.{code}"), &error);
                problems.push(SettingsProblem {
                    args,
                    ..SettingsProblem::at_path(path, id)
                });
            }
        }
    }

    fn validate_payment(&self, problems: &mut Vec<SettingsProblem>) {
        for (id, method) in &self.payment {
            if let PaymentKind::Card { provider } = &method.kind
                && provider != "stripe"
            {
                problems.push(
                    SettingsProblem::at_path(
                        &["payment", id, "provider"],
                        "settings-unknown-payment-provider",
                    )
                    .arg("method", id)
                    .arg("value", provider),
                );
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"
[shop]
legal_name = "Test SARL"
legal_form = "SARL"
siret = "123 456 789 00007"
email = "a@b.fr"
address = { street = "1 rue", postal_code = "75001", city = "Paris", country = "FR" }

[price_lists.retail]
[price_lists.pro]
includes_tax = false
fallback = "retail"

[[stores]]
id = "fr"
name = "Test"
base_url = "https://test.fr"
locales = ["fr"]
currencies = ["EUR"]
tax_display = "incl"
country = "FR"
"#;

    fn ids(text: &str) -> Vec<&'static str> {
        let settings = Settings::parse(text).expect("valid TOML");
        settings.validate().iter().map(|problem| problem.id).collect()
    }

    #[test]
    fn valid_settings_have_no_problem() {
        assert_eq!(ids(VALID), Vec::<&str>::new());
    }

    #[test]
    fn siret_checksum_is_checked() {
        assert!(siret_checksum_ok("12345678900007"));
        assert!(!siret_checksum_ok("12345678900012"));
        // La Poste: digit sum divisible by 5.
        assert!(siret_checksum_ok("35600000000010"));
        let text = VALID.replace("123 456 789 00007", "123 456 789 00012");
        assert_eq!(ids(&text), ["settings-siret-checksum"]);
    }

    #[test]
    fn fallback_loop_is_reported_with_its_path() {
        let text = VALID.replace("[price_lists.retail]", "[price_lists.retail]\nfallback = \"pro\"");
        let settings = Settings::parse(&text).expect("valid TOML");
        let problems = settings.validate();
        let loops: Vec<&SettingsProblem> = problems
            .iter()
            .filter(|problem| problem.id == "settings-fallback-loop")
            .collect();
        assert_eq!(loops.len(), 2);
        assert_eq!(loops[0].path, ["price_lists", "pro", "fallback"]);
        assert_eq!(loops[0].args, [("list", "pro".to_owned())]);
    }

    #[test]
    fn menu_entry_needs_one_target() {
        let text = format!("{VALID}\n[[menu]]\npage = \"cgv\"\nurl = \"/x\"\n\n[[menu]]\nlabel = \"Vide\"\n");
        let settings = Settings::parse(&text).expect("valid TOML");
        let problems = settings.validate();
        let entries: Vec<&str> = problems
            .iter()
            .filter(|problem| problem.id == "settings-menu-target")
            .map(|problem| problem.args[0].1.as_str())
            .collect();
        assert_eq!(entries, ["1", "2"]);
    }

    #[test]
    fn payment_typo_is_rejected() {
        let text = format!(
            "{VALID}\n[payment.virement]\nlabel = \"Virement\"\nkind = \"bank_transfer\"\naccount_holder = \"A\"\niban = \"FR76\"\nbick = \"X\"\n"
        );
        let error = Settings::parse(&text).expect_err("unknown key");
        assert!(error.message().contains("bick"), "{error}");
    }

    #[test]
    fn shipping_amounts_are_checked() {
        let text = format!(
            "{VALID}\n[shipping.poste]\nlabel = \"Poste\"\nkind = \"flat\"\nprice = {{ EUR = \"4.999\", XYZ = \"1\" }}\n"
        );
        assert_eq!(
            ids(&text),
            ["amount-too-many-decimals", "settings-unknown-currency-code"]
        );
    }
}
