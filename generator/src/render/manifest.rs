//! The files the edge reads from a build: the price book it prices carts from
//! and the store manifest with shipping, payment and the shop's identity.

use std::collections::BTreeMap;

use commerce::pricebook::{
    PRICE_BOOK_FORMAT, PaymentOffer, PriceBookItem, ShippingOffer, ShippingOfferRate, ShopIdentity,
    StoreManifest, StorePages,
};
use commerce::pricing::convert;
use commerce::settings::{PriceMap, ShippingRate};
use commerce::{Currency, Money};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;
use crate::render::context::{PageEnv, image_path, sku_title};
use crate::render::routes::PageKind;
use crate::render::store::StoreData;

/// Serializes the price book of a store: every sku with a price in at least one
/// currency. Items are built and written one at a time, so a catalogue of 100,000
/// products never holds 300,000 `PriceBookItem`s at once; the JSON is the same as
/// serializing a `commerce::PriceBook`.
pub fn price_book_json(data: &StoreData<'_>, build_id: &str) -> serde_json::Result<Vec<u8>> {
    let header = PriceBookJson {
        format: PRICE_BOOK_FORMAT,
        build_id,
        store: data.id(),
        prices_include_tax: data.list_includes_tax,
        vat_exempt: data.shop.settings.shop.vat_exempt,
        currencies: &data.routes.currencies,
        items: LazyItems { data },
    };
    serde_json::to_vec(&header)
}

/// The fields of `commerce::PriceBook` in its order, with items produced on demand.
#[derive(serde::Serialize)]
struct PriceBookJson<'a> {
    format: u32,
    build_id: &'a str,
    store: &'a str,
    prices_include_tax: bool,
    vat_exempt: bool,
    currencies: &'a [Currency],
    items: LazyItems<'a, 'a>,
}

struct LazyItems<'s, 'a> {
    data: &'s StoreData<'a>,
}

impl LazyItems<'_, '_> {
    /// Every sku with its product and position in `ProductPrices::skus`, sorted by
    /// sku as the `BTreeMap` of a `commerce::PriceBook` is.
    fn order(&self) -> Vec<(&str, usize, usize)> {
        let catalogue = self.data.catalogue();
        let mut order: Vec<(&str, usize, usize)> = Vec::new();
        for (index, product) in catalogue.products.iter().enumerate() {
            for (position, sku_price) in self.data.prices[index].skus.iter().enumerate() {
                let sku = sku_price.variant.map_or(product.sku.as_str(), |variant| {
                    product.variants[variant].sku.as_str()
                });
                order.push((sku, index, position));
            }
        }
        order.sort_unstable_by(|a, b| a.0.cmp(b.0));
        order
    }

    /// The item of one sku; `None` when it has no price in any currency.
    fn item(&self, index: usize, position: usize) -> Option<PriceBookItem> {
        let data = self.data;
        let routes = &data.routes;
        let product = &data.catalogue().products[index];
        let prices = &data.prices[index];
        let sku_price = &prices.skus[position];
        let item_prices: BTreeMap<Currency, i64> = routes
            .currencies
            .iter()
            .zip(&sku_price.list)
            .filter_map(|(currency, amount)| amount.map(|amount| (*currency, amount)))
            .collect();
        if item_prices.is_empty() {
            return None;
        }
        let envs = (0..routes.locales.len()).map(|locale| PageEnv {
            data,
            locale,
            currency: 0,
        });
        let variant = sku_price.variant.map(|variant| &product.variants[variant]);
        Some(PriceBookItem {
            product: product.sku.clone(),
            titles: envs
                .clone()
                .map(|env| (env.locale_tag().clone(), sku_title(env, index, sku_price.variant)))
                .collect(),
            prices: item_prices,
            tax_class: product.tax_class.clone(),
            tax_rate: prices.tax_rate,
            stock: variant.map_or(product.stock, |variant| variant.stock),
            backorder_days: product.backorder_days,
            weight: variant.and_then(|variant| variant.weight).or(product.weight),
            urls: envs
                .map(|env| (env.locale_tag().clone(), env.path(PageKind::Product(index))))
                .collect(),
            image: product.images.first().map(|image| image_path(image)),
        })
    }
}

impl serde::Serialize for LazyItems<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (sku, index, position) in self.order() {
            if let Some(item) = self.item(index, position) {
                map.serialize_entry(sku, &item)?;
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
