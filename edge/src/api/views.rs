//! JSON views of carts and orders, with money formatted in their locale.

use commerce::cart::{Backorder, CartWarning, PricedCart, Totals};
use commerce::money::Money;
use commerce::pricebook::PriceBookItem;
use commerce::settings::PaymentKind;
use commerce::tax::{TaxRate, TaxSplit};
use commerce::{Currency, Locale};
use serde_json::{Value, json};

use crate::catalog::Store;
use crate::clock::rfc3339;
use crate::i18n::{self, Arg, Lang};
use crate::storage::{CartRecord, Order, OrderLine, PostalAddress};

/// `{amount, currency, formatted}`.
pub fn money(amount: i64, currency: Currency, locale: &Locale) -> Value {
    json!({
        "amount": amount,
        "currency": currency.code(),
        "formatted": Money::new(amount, currency).format(locale),
    })
}

/// `{basis_points, formatted}`: 2000 basis points is 20 %.
pub fn tax_rate(rate: TaxRate, locale: &Locale) -> Value {
    json!({ "basis_points": rate.0, "formatted": rate.format(locale) })
}

/// The title of a price-book item in `locale`, else in the store's default locale,
/// else any.
pub fn item_title(item: &PriceBookItem, locale: &Locale, store: &Store) -> String {
    item.titles
        .get(locale)
        .or_else(|| {
            store
                .default_locale()
                .and_then(|default| item.titles.get(default))
        })
        .or_else(|| item.titles.values().next())
        .cloned()
        .unwrap_or_else(|| item.product.clone())
}

/// A shipping quote chosen for a cart view.
#[derive(Debug, Clone)]
pub struct ShippingView {
    /// Method id.
    pub method: String,
    /// Label in the cart's locale.
    pub label: String,
}

/// The cart as the API returns it.
pub fn cart(
    record: &CartRecord,
    priced: &PricedCart<'_>,
    store: &Store,
    shipping: Option<(&ShippingView, i64)>,
) -> Value {
    let locale = &record.locale;
    let lang = Lang::of(locale);
    let currency = record.currency;
    let lines: Vec<Value> = priced
        .lines
        .iter()
        .map(|line| {
            let mut view = json!({
                "sku": line.sku,
                "title": item_title(line.item, locale, store),
                "quantity": line.quantity,
                "unit_price": money(line.unit_price, currency, locale),
                "line_total": money(line.line_total, currency, locale),
                "line_total_excl_tax": money(line.split.net, currency, locale),
                "line_tax": money(line.split.tax, currency, locale),
                "line_total_incl_tax": money(line.split.gross, currency, locale),
                "tax_rate": tax_rate(line.tax_rate, locale),
            });
            if let Some(url) = line.item.urls.get(locale) {
                view["url"] = json!(url);
            }
            if let Some(image) = &line.item.image {
                view["image"] = json!(image);
            }
            if let Some(backorder) = line.backorder {
                view["backorder"] = backorder_view(backorder, lang);
            }
            view
        })
        .collect();

    let totals = priced.totals(shipping.map(|(_, gross)| gross));
    let mut view = json!({
        "id": record.id,
        "store": record.store,
        "currency": currency.code(),
        "locale": locale.as_str(),
        "lines": lines,
        "prices_include_tax": priced.prices_include_tax,
        "warnings": warnings(&priced.warnings, priced, record, store),
        "checked_out": record.order_id.is_some(),
        "created_at": rfc3339(record.created_at),
        "updated_at": rfc3339(record.updated_at),
        "expires_at": rfc3339(record.expires_at),
    });
    add_totals(&mut view, priced.subtotal, &totals, currency, locale);
    if let (Some((method, _)), Some(split)) = (shipping, totals.shipping) {
        view["shipping"] = shipping_view(&method.method, &method.label, split, currency, locale);
    }
    view
}

fn add_totals(view: &mut Value, subtotal: i64, totals: &Totals, currency: Currency, locale: &Locale) {
    view["subtotal"] = money(subtotal, currency, locale);
    view["items_excl_tax"] = money(totals.items.net, currency, locale);
    view["items_tax"] = money(totals.items.tax, currency, locale);
    view["items_incl_tax"] = money(totals.items.gross, currency, locale);
    view["tax_total"] = money(totals.tax_total, currency, locale);
    view["total_excl_tax"] = money(totals.total_excl_tax, currency, locale);
    view["total"] = money(totals.total, currency, locale);
}

fn shipping_view(method: &str, label: &str, split: TaxSplit, currency: Currency, locale: &Locale) -> Value {
    json!({
        "method": method,
        "label": label,
        "amount": money(split.gross, currency, locale),
        "amount_excl_tax": money(split.net, currency, locale),
        "tax": money(split.tax, currency, locale),
    })
}

fn backorder_view(backorder: Backorder, lang: Lang) -> Value {
    let args = [
        ("quantity", Arg::from(backorder.quantity)),
        ("days", Arg::from(backorder.days.unwrap_or(0))),
    ];
    json!({
        "quantity": backorder.quantity,
        "days": backorder.days,
        "message": i18n::message(lang, "line-backorder", &args),
    })
}

/// Warnings with a stable code and a message in the cart's locale.
fn warnings(list: &[CartWarning], priced: &PricedCart<'_>, record: &CartRecord, store: &Store) -> Vec<Value> {
    let locale = &record.locale;
    let lang = Lang::of(locale);
    let title = |sku: &str| {
        store
            .book
            .items
            .get(sku)
            .map_or_else(|| sku.to_owned(), |item| item_title(item, locale, store))
    };
    let format = |amount: i64| Money::new(amount, priced.currency).format(locale);
    list.iter()
        .map(|warning| {
            let (code, args): (&str, Vec<(&str, Arg)>) = match warning {
                CartWarning::PriceChanged {
                    sku,
                    previous,
                    current,
                } => (
                    "price_changed",
                    vec![
                        ("title", title(sku).into()),
                        ("previous", format(*previous).into()),
                        ("current", format(*current).into()),
                    ],
                ),
                CartWarning::QuantityReduced {
                    sku,
                    requested,
                    available,
                } => (
                    "quantity_reduced",
                    vec![
                        ("title", title(sku).into()),
                        ("requested", (*requested).into()),
                        ("available", (*available).into()),
                    ],
                ),
                CartWarning::OutOfStock { sku } => ("out_of_stock", vec![("title", title(sku).into())]),
                CartWarning::NoLongerSold { sku } => ("no_longer_sold", vec![("sku", sku.as_str().into())]),
            };
            let id = format!("warning-{}", code.replace('_', "-"));
            json!({ "code": code, "sku": warning.sku(), "message": i18n::message(lang, &id, &args) })
        })
        .collect()
}

/// The label of an order status in `locale`: the merchant's for a custom status,
/// the translation for a standard one.
pub fn status_label(store: Option<&Store>, status: &str, locale: &Locale) -> String {
    let custom = store
        .and_then(|store| store.statuses.status(status))
        .and_then(|info| info.label.as_ref());
    match custom {
        Some(label) => {
            let fallback = store.and_then(Store::default_locale).unwrap_or(locale);
            label.get(locale, fallback).to_owned()
        }
        None => i18n::message(Lang::of(locale), &format!("status-{status}"), &[]),
    }
}

/// Whether the view is for the customer (with the access token right after
/// checkout) or for the merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The customer; `with_token` adds the access token, returned once at checkout.
    Customer {
        /// Whether to include `token`.
        with_token: bool,
    },
    /// The merchant, through the admin API.
    Merchant,
}

/// The order as the API returns it.
pub fn order(order: &Order, store: Option<&Store>, audience: Audience) -> Value {
    let locale = &order.locale;
    let lang = Lang::of(locale);
    let currency = order.currency;
    let lines: Vec<Value> = order
        .lines
        .iter()
        .map(|line| order_line(line, currency, locale, lang))
        .collect();
    let history: Vec<Value> = order
        .history
        .iter()
        .map(|change| {
            json!({
                "status": change.status,
                "label": status_label(store, &change.status, locale),
                "at": rfc3339(change.at),
                "note": change.note,
            })
        })
        .collect();
    let totals = &order.totals;
    let shipping_split = TaxSplit {
        net: order.shipping.net,
        tax: order.shipping.tax,
        gross: order.shipping.gross,
    };

    let mut view = json!({
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "status_label": status_label(store, &order.status, locale),
        "store": order.store,
        "currency": currency.code(),
        "locale": locale.as_str(),
        "lines": lines,
        "prices_include_tax": totals.prices_include_tax,
        "subtotal": money(totals.subtotal, currency, locale),
        "items_excl_tax": money(totals.items.net, currency, locale),
        "items_tax": money(totals.items.tax, currency, locale),
        "items_incl_tax": money(totals.items.gross, currency, locale),
        "shipping": shipping_view(&order.shipping.method, &order.shipping.label, shipping_split, currency, locale),
        "tax_total": money(totals.tax_total, currency, locale),
        "total_excl_tax": money(totals.total_excl_tax, currency, locale),
        "total": money(totals.total, currency, locale),
        "customer": order.customer,
        "billing_address": order.billing_address,
        "shipping_address": order.shipping_address.as_ref().map(address),
        "payment": payment(order),
        "history": history,
        "created_at": rfc3339(order.created_at),
        "updated_at": rfc3339(order.updated_at),
    });
    if let Audience::Customer { with_token: true } = audience {
        view["token"] = json!(order.access_token);
    }
    if audience == Audience::Merchant {
        view["sequence"] = json!(order.sequence);
    }
    view
}

fn address(address: &PostalAddress) -> Value {
    json!(address)
}

fn order_line(line: &OrderLine, currency: Currency, locale: &Locale, lang: Lang) -> Value {
    let mut view = json!({
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "unit_price": money(line.unit_price, currency, locale),
        "line_total": money(line.line_total, currency, locale),
        "line_total_excl_tax": money(line.split.net, currency, locale),
        "line_tax": money(line.split.tax, currency, locale),
        "line_total_incl_tax": money(line.split.gross, currency, locale),
        "tax_rate": tax_rate(TaxRate(line.tax_rate), locale),
    });
    if line.backorder_quantity > 0 {
        let backorder = Backorder {
            quantity: line.backorder_quantity,
            days: line.backorder_days,
        };
        view["backorder"] = backorder_view(backorder, lang);
    }
    view
}

/// How to pay: bank details or payee with the order number as reference, or the
/// hosted payment page while the order waits for its card payment.
fn payment(order: &Order) -> Value {
    let details = &order.payment;
    let amount = money(order.totals.total, order.currency, &order.locale);
    let mut view = json!({ "method": details.method, "label": details.label });
    match &details.kind {
        PaymentKind::BankTransfer {
            account_holder,
            iban,
            bic,
        } => {
            view["kind"] = json!("bank_transfer");
            view["instructions"] = json!({
                "account_holder": account_holder,
                "iban": iban,
                "bic": bic,
                "reference": order.number,
                "amount": amount,
            });
        }
        PaymentKind::Cheque { payable_to, address } => {
            view["kind"] = json!("cheque");
            view["instructions"] = json!({
                "payable_to": payable_to,
                "address": address,
                "reference": order.number,
                "amount": amount,
            });
        }
        PaymentKind::Card { provider } => {
            view["kind"] = json!("card");
            view["provider"] = json!(provider);
            view["paid"] = json!(order.payment_reference.is_some());
            if order.status == commerce::order::PENDING {
                view["redirect_url"] = json!(order.payment_url);
            }
        }
    }
    view
}
