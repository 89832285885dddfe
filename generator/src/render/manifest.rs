//! The files the edge reads from a build: the price book it prices carts from
//! and the store manifest with shipping, payment and the shop's identity.

use std::collections::BTreeMap;

use commerce::pricebook::{
    PRICE_BOOK_FORMAT, PaymentOffer, PriceBookIndex, PriceBookPart, ShippingOffer, ShippingOfferRate,
    ShopIdentity, StoreManifest, StorePages, part_file, part_sum,
};
use commerce::pricing::convert;
use commerce::settings::{PriceMap, ShippingRate};
use commerce::tax::TaxRate;
use commerce::{Currency, Locale, Money, StockPolicy};
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;
use crate::render::context::{PageEnv, image_path, sku_title};
use crate::render::routes::PageKind;
use crate::render::store::StoreData;

/// The callbacks through which a render writes the price book's files, by path
/// from the store's folder.
pub(crate) struct PartOutput<'o> {
    /// Writes a file; false when the write failed and was reported.
    pub write: &'o (dyn Fn(&str, &[u8]) -> bool + Sync),
    /// Keeps the previous build's file, given the sum its bytes must have; false
    /// when it must be written.
    pub keep: &'o (dyn Fn(&str, u64) -> bool + Sync),
    /// Tells the output that a previous build's part is no longer published.
    pub retire: &'o (dyn Fn(&str) + Sync),
}

/// One written part of a price book.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WrittenPart {
    /// Its first sku, which the index lists.
    first: String,
    /// XXH3 of its bytes, which names the file.
    sum: u64,
    /// Its size in bytes.
    size: u64,
}

impl WrittenPart {
    /// Returns the path of its file from the store's folder.
    pub fn file(&self) -> String {
        part_file(self.sum)
    }

    /// Returns its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// A store's price book, written as parts of [`PRICE_BOOK_PART`] skus in sku order
/// (`commerce::PriceBookIndex`), each file named after its contents. After a
/// change of a few products, only the parts that contain their skus are written
/// again. The index lists the others under their unchanged names.
///
/// The items are the JSON of `commerce::PriceBookItem`, but none is built: each
/// is written from borrowed catalogue data, and parts are written in parallel.
#[derive(Debug, Default)]
pub struct PriceBookParts {
    /// (product index, position in `ProductPrices::skus`) of every sku, sorted by
    /// sku as the `BTreeMap` of a `commerce::PriceBook` is. Empty when the parts
    /// come from a saved state, because [`PriceBookParts::update`] sorts them again.
    order: Vec<(u32, u32)>,
    /// The part of each run of [`PRICE_BOOK_PART`] skus of `order`. It is `None` for
    /// a run whose skus all lack a price, which publishes no file.
    parts: Vec<Option<WrittenPart>>,
}

impl PriceBookParts {
    /// Writes every part of the store's price book.
    pub(crate) fn new(data: &StoreData<'_>, out: &PartOutput<'_>) -> serde_json::Result<PriceBookParts> {
        let writer = ItemWriter::new(data);
        let order = writer.order();
        let parts = order
            .par_chunks(PRICE_BOOK_PART)
            .map(|run| writer.write_part(run, out))
            .collect::<serde_json::Result<_>>()?;
        Ok(PriceBookParts { order, parts })
    }

    /// Returns the parts that [`PriceBookParts::saved`] returned, ready for
    /// [`PriceBookParts::update`].
    pub fn from_saved(parts: Vec<Option<WrittenPart>>) -> PriceBookParts {
        PriceBookParts {
            order: Vec::new(),
            parts,
        }
    }

    /// Returns the parts as written, for a later build's [`PriceBookParts::from_saved`].
    pub fn saved(&self) -> Vec<Option<WrittenPart>> {
        self.parts.clone()
    }

    /// Writes again the parts holding the skus of the products at `changed`, whose
    /// skus are the same as when the parts were written, and keeps the others. A
    /// kept part the output no longer has is written again.
    pub(crate) fn update(
        &mut self,
        data: &StoreData<'_>,
        changed: &[usize],
        out: &PartOutput<'_>,
    ) -> serde_json::Result<()> {
        let writer = ItemWriter::new(data);
        if self.order.is_empty() {
            // Saved parts: the skus are those of the render that wrote them.
            self.order = writer.order();
            if self.order.len().div_ceil(PRICE_BOOK_PART) != self.parts.len() {
                *self = PriceBookParts::new(data, out)?;
                return Ok(());
            }
        }
        let mut stale = vec![false; self.parts.len()];
        for (entry, (index, _)) in self.order.iter().enumerate() {
            if changed.binary_search(&(*index as usize)).is_ok() {
                stale[entry / PRICE_BOOK_PART] = true;
            }
        }
        let order = &self.order;
        self.parts
            .par_iter_mut()
            .zip(order.par_chunks(PRICE_BOOK_PART))
            .zip(stale)
            .try_for_each(|((part, run), stale)| {
                let kept = !stale
                    && part
                        .as_ref()
                        .is_none_or(|written| (out.keep)(&written.file(), written.sum));
                if kept {
                    return Ok(());
                }
                let written = writer.write_part(run, out)?;
                if let Some(old) = part.as_ref()
                    && written.as_ref() != Some(old)
                {
                    (out.retire)(&old.file());
                }
                *part = written;
                Ok(())
            })
    }

    /// Returns the index that lists the parts.
    pub fn index(&self, data: &StoreData<'_>, build_id: &str) -> PriceBookIndex {
        PriceBookIndex {
            format: PRICE_BOOK_FORMAT,
            build_id: build_id.to_owned(),
            store: data.id().to_owned(),
            prices_include_tax: data.list_includes_tax,
            vat_exempt: data.shop.settings.shop.vat_exempt,
            currencies: data.routes.currencies.clone(),
            parts: self
                .parts
                .iter()
                .flatten()
                .map(|part| PriceBookPart {
                    first: part.first.clone(),
                    file: part.file(),
                })
                .collect(),
        }
    }
}

/// Skus per part of [`PriceBookParts`]: about 0.5 MB of JSON, so an edit writes
/// little, and a catalogue of 100,000 products with variants makes about 150 files.
const PRICE_BOOK_PART: usize = 2048;

/// Writes the entries of the price book's `items` map.
struct ItemWriter<'s, 'a> {
    data: &'s StoreData<'a>,
    /// Indices in `routes.locales`, in the order of a `BTreeMap<Locale, _>`. A
    /// repeated locale keeps its last index, as inserting into the map would.
    locales: Vec<usize>,
    /// Indices in `routes.currencies`, in the order of a `BTreeMap<Currency, _>`.
    currencies: Vec<usize>,
}

impl<'s, 'a> ItemWriter<'s, 'a> {
    fn new(data: &'s StoreData<'a>) -> Self {
        let routes = &data.routes;
        let locales: BTreeMap<&Locale, usize> = routes
            .locales
            .iter()
            .enumerate()
            .map(|(index, locale)| (locale, index))
            .collect();
        let currencies: BTreeMap<&Currency, usize> = routes
            .currencies
            .iter()
            .enumerate()
            .map(|(index, currency)| (currency, index))
            .collect();
        ItemWriter {
            data,
            locales: locales.into_values().collect(),
            currencies: currencies.into_values().collect(),
        }
    }

    /// Every sku as its product and position in `ProductPrices::skus`, sorted by
    /// sku as the `BTreeMap` of a `commerce::PriceBook` is.
    fn order(&self) -> Vec<(u32, u32)> {
        let catalogue = self.data.catalogue();
        let mut order: Vec<(&str, u32, u32)> = Vec::new();
        for (index, product) in catalogue.products.iter().enumerate() {
            for (position, sku_price) in self.data.prices[index].skus.iter().enumerate() {
                let sku = sku_price.variant.map_or(product.sku.as_str(), |variant| {
                    product.variants[variant].sku.as_str()
                });
                // A catalogue or a product with more than 4 billion skus is not
                // one this generator can hold in memory anyway.
                order.push((sku, index as u32, position as u32));
            }
        }
        order.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        order
            .into_iter()
            .map(|(_, index, position)| (index, position))
            .collect()
    }

    /// Writes the part holding a run of `order`, or nothing when none of its skus
    /// has a price. A failed write was reported by `out`; the part is returned all
    /// the same, as the index lists the file the build meant to write.
    fn write_part(
        &self,
        run: &[(u32, u32)],
        out: &PartOutput<'_>,
    ) -> serde_json::Result<Option<WrittenPart>> {
        let (Some(first), mut bytes) = self.entries(run)? else {
            return Ok(None);
        };
        // Every entry starts with a comma: the first becomes the object's brace.
        bytes[0] = b'{';
        bytes.push(b'}');
        let part = WrittenPart {
            first: first.to_owned(),
            sum: part_sum(&bytes),
            size: bytes.len() as u64,
        };
        (out.write)(&part.file(), &bytes);
        Ok(Some(part))
    }

    /// Writes the entries of a run of `order`.
    /// Returns them with the first sku written, `None` when no sku has a price.
    fn entries(&self, block: &[(u32, u32)]) -> serde_json::Result<(Option<&'s str>, Vec<u8>)> {
        let catalogue = self.data.catalogue();
        let mut bytes = Vec::with_capacity(block.len() * 512);
        let mut first = None;
        for (index, position) in block {
            let (index, position) = (*index as usize, *position as usize);
            let product = &catalogue.products[index];
            let sku = self.data.prices[index].skus[position]
                .variant
                .map_or(product.sku.as_str(), |variant| {
                    product.variants[variant].sku.as_str()
                });
            if self.push_entry(&mut bytes, sku, index, position)? && first.is_none() {
                first = Some(sku);
            }
        }
        Ok((first, bytes))
    }

    /// Appends `,"<sku>":{…}`, the JSON of a `PriceBookItem`, or nothing when
    /// the sku has no price in any currency. Returns whether it appended.
    fn push_entry(
        &self,
        out: &mut Vec<u8>,
        sku: &str,
        index: usize,
        position: usize,
    ) -> serde_json::Result<bool> {
        let data = self.data;
        let product = &data.catalogue().products[index];
        let prices = &data.prices[index];
        let sku_price = &prices.skus[position];
        if sku_price.list.iter().all(Option::is_none) {
            return Ok(false);
        }
        let env = |locale| PageEnv {
            data,
            locale,
            currency: 0,
        };
        let variant = sku_price.variant.map(|variant| &product.variants[variant]);
        let item = ItemJson {
            product: &product.sku,
            titles: LocaleMap {
                locales: &self.locales,
                value: |locale| sku_title(env(locale), index, sku_price.variant),
                data,
            },
            prices: CurrencyMap {
                currencies: &self.currencies,
                data,
                amounts: &sku_price.list,
            },
            tax_class: &product.tax_class,
            tax_rate: prices.tax_rate,
            stock: variant.map_or(product.stock, |variant| variant.stock),
            backorder_days: product.backorder_days,
            weight: variant.and_then(|variant| variant.weight).or(product.weight),
            urls: LocaleMap {
                locales: &self.locales,
                value: |locale| env(locale).path(PageKind::Product(index)),
                data,
            },
            image: product.images.first().map(|image| image_path(image)),
        };
        out.push(b',');
        serde_json::to_writer(&mut *out, sku)?;
        out.push(b':');
        serde_json::to_writer(&mut *out, &item)?;
        Ok(true)
    }
}

/// A `PriceBookItem` that borrows what it can and computes its maps while they
/// are serialized. Fields, order and attributes are those of `PriceBookItem`.
#[derive(serde::Serialize)]
#[serde(bound = "")]
struct ItemJson<'i, T, U>
where
    T: Fn(usize) -> String,
    U: Fn(usize) -> String,
{
    product: &'i str,
    titles: LocaleMap<'i, T>,
    prices: CurrencyMap<'i>,
    tax_class: &'i str,
    tax_rate: TaxRate,
    stock: StockPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    backorder_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<u32>,
    urls: LocaleMap<'i, U>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

/// A `BTreeMap<Locale, String>` whose values `value` computes from a locale index.
struct LocaleMap<'i, F> {
    locales: &'i [usize],
    value: F,
    data: &'i StoreData<'i>,
}

impl<F: Fn(usize) -> String> serde::Serialize for LocaleMap<'_, F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.locales.len()))?;
        for locale in self.locales {
            map.serialize_entry(self.data.routes.locales[*locale].as_str(), &(self.value)(*locale))?;
        }
        map.end()
    }
}

/// The `BTreeMap<Currency, i64>` of a sku's list prices, missing ones left out.
struct CurrencyMap<'i> {
    currencies: &'i [usize],
    data: &'i StoreData<'i>,
    amounts: &'i [Option<i64>],
}

impl serde::Serialize for CurrencyMap<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for currency in self.currencies {
            if let Some(amount) = self.amounts[*currency] {
                map.serialize_entry(self.data.routes.currencies[*currency].code(), &amount)?;
            }
        }
        map.end()
    }
}

/// Builds the store manifest, with every shipping price resolved in each store currency.
pub fn store_manifest(data: &StoreData<'_>, build_id: &str) -> Result<StoreManifest, Diagnostics> {
    let settings = &data.shop.settings;
    let store = data.store;
    let mut diagnostics = Diagnostics::new();

    let mut shipping_methods = Vec::new();
    for id in store.shipping_methods.get_ref() {
        let Some(method) = settings.shipping.get(id) else {
            // `Settings::validate` reports methods that are not declared.
            continue;
        };
        let mut prices = |map: &PriceMap| match resolve_price_map(data, id, map) {
            Ok(prices) => prices,
            Err(errors) => {
                diagnostics.extend(errors);
                BTreeMap::new()
            }
        };
        let rate = match &method.rate {
            ShippingRate::Flat { price, free_above } => ShippingOfferRate::Flat {
                price: prices(price),
                free_above: free_above.as_ref().map(&mut prices),
            },
            ShippingRate::Weight { bands, free_above } => ShippingOfferRate::Weight {
                bands: bands
                    .iter()
                    .map(|band| (band.up_to, prices(&band.price)))
                    .collect(),
                free_above: free_above.as_ref().map(&mut prices),
            },
            ShippingRate::Pickup { address } => ShippingOfferRate::Pickup {
                address: address.clone(),
            },
        };
        shipping_methods.push(ShippingOffer {
            id: id.clone(),
            label: method.label.clone(),
            description: method.description.clone(),
            countries: if method.countries.is_empty() {
                vec![store.country.get_ref().clone()]
            } else {
                method.countries.clone()
            },
            rate,
        });
    }

    let payment_methods = store
        .payment_methods
        .get_ref()
        .iter()
        .filter_map(|id| {
            settings.payment.get(id).map(|method| PaymentOffer {
                id: id.clone(),
                label: method.label.clone(),
                kind: method.kind.clone(),
            })
        })
        .collect();

    let pages = data
        .routes
        .locales
        .iter()
        .enumerate()
        .map(|(locale, tag)| {
            let path = |kind| data.routes.path(data.catalogue(), kind, locale, 0);
            (
                tag.clone(),
                StorePages {
                    home: path(PageKind::Home),
                    cart: path(PageKind::Cart),
                    checkout: path(PageKind::Checkout),
                    data_requests: path(PageKind::DataRequests),
                },
            )
        })
        .collect();

    let mut allowed_origins = vec![origin(store.base_url())];
    for extra in &store.allowed_origins {
        let extra = origin(extra);
        if !allowed_origins.contains(&extra) {
            allowed_origins.push(extra);
        }
    }

    let shop = &settings.shop;
    diagnostics.into_result(StoreManifest {
        format: PRICE_BOOK_FORMAT,
        build_id: build_id.to_owned(),
        store: data.id().to_owned(),
        name: store.name.clone(),
        base_url: store.base_url().to_owned(),
        allowed_origins,
        locales: data.routes.locales.clone(),
        currencies: data.routes.currencies.clone(),
        tax_display: store.tax_display,
        country: store.country.get_ref().clone(),
        shop: ShopIdentity {
            legal_name: shop.legal_name.clone(),
            legal_form: shop.legal_form.clone(),
            siret: shop.siret.get_ref().clone(),
            vat_number: shop.vat_number.clone(),
            address: shop.address.clone(),
            email: shop.email.get_ref().clone(),
            phone: shop.phone.clone(),
            vat_exempt: shop.vat_exempt,
        },
        shipping_methods,
        payment_methods,
        custom_statuses: settings.orders.statuses.clone(),
        order_number_prefix: settings.orders.number_prefix.clone(),
        pages,
        privacy: settings.privacy.clone(),
    })
}

/// `scheme://host[:port]` of a URL, the form browsers send in `Origin`.
fn origin(url: &str) -> String {
    let trimmed = url.trim_end_matches('/');
    match trimmed.find("://") {
        Some(scheme_end) => {
            let after = &trimmed[scheme_end + 3..];
            let host_end = after
                .find('/')
                .map_or(trimmed.len(), |index| scheme_end + 3 + index);
            trimmed[..host_end].to_owned()
        }
        None => trimmed.to_owned(),
    }
}

/// Resolves a shipping price in every store currency: an explicit amount wins,
/// otherwise the shop-currency amount is converted with `[currencies.<code>]`.
fn resolve_price_map(
    data: &StoreData<'_>,
    method: &str,
    map: &PriceMap,
) -> Result<BTreeMap<Currency, i64>, Diagnostics> {
    let settings = &data.shop.settings;
    let shop_currency = settings.shop.currency;
    let mut diagnostics = Diagnostics::new();
    let mut prices = BTreeMap::new();
    let site_file = || "site.toml";

    let parse = |raw: &commerce::settings::RawAmount, currency: Currency, diagnostics: &mut Diagnostics| {
        raw.to_money(currency)
            .map_err(|error| {
                diagnostics.push(Diagnostic::file(
                    site_file(),
                    msg!(
                        "render-shipping-price-invalid",
                        method = method,
                        value = &raw.0,
                        error = error
                    ),
                ));
            })
            .ok()
    };
    let (explicit, base): (BTreeMap<Currency, Money>, Option<Money>) = match map {
        PriceMap::Single(raw) => (BTreeMap::new(), parse(raw, shop_currency, &mut diagnostics)),
        PriceMap::PerCurrency(amounts) => {
            let mut explicit = BTreeMap::new();
            for (code, raw) in amounts {
                let Ok(currency) = Currency::parse(code) else {
                    diagnostics.push(Diagnostic::file(
                        site_file(),
                        msg!(
                            "render-shipping-price-invalid",
                            method = method,
                            value = code,
                            error = format!("unknown currency `{code}`")
                        ),
                    ));
                    continue;
                };
                if let Some(money) = parse(raw, currency, &mut diagnostics) {
                    explicit.insert(currency, money);
                }
            }
            let base = explicit.get(&shop_currency).copied();
            (explicit, base)
        }
    };

    for currency in &data.routes.currencies {
        let converted = explicit.get(currency).copied().or_else(|| {
            let base = base?;
            if *currency == shop_currency {
                return Some(base);
            }
            let rule = settings.currencies.get(currency.code())?;
            convert(base, *currency, rule.rate.0, rule.rounding)
        });
        match converted {
            Some(money) => {
                prices.insert(*currency, money.amount);
            }
            None => diagnostics.push(Diagnostic::file(
                site_file(),
                msg!(
                    "render-shipping-price-missing",
                    method = method,
                    currency = currency,
                    store = data.id(),
                    shop_currency = shop_currency
                ),
            )),
        }
    }
    diagnostics.into_result(prices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_drop_paths() {
        assert_eq!(origin("https://shop.test/"), "https://shop.test");
        assert_eq!(origin("https://shop.test:8443/fr/"), "https://shop.test:8443");
        assert_eq!(origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
