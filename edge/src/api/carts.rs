//! Cart endpoints: create, read (repriced), add, change and remove lines, shipping
//! options, and sku availability.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use commerce::cart::{
    Availability, CartLine, MAX_CART_LINES, MAX_LINE_QUANTITY, PricedCart, availability, price_cart,
};
use commerce::pricebook::ShippingOffer;
use commerce::shipping::{Parcel, quote};
use commerce::{Currency, Locale};
use serde::Deserialize;
use serde_json::{Value, json};

use super::request::{
    ApiJson, ApiQuery, check_origin, idempotency_claim, idempotency_key_reused, quantity, sku,
};
use super::views::{self, ShippingView};
use crate::catalog::{Catalog, Store};
use crate::clock::random_hex;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::storage::{CartRecord, Created, IdempotencyClaim, LineChange, NewCart, StorageError};

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        AppError::internal(error)
    }
}

/// Body of `POST /api/carts`.
#[derive(Debug, Deserialize)]
pub struct CreateCart {
    store: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    locale: Option<String>,
}

/// `POST /api/carts`: creates an empty cart in a store, currency and locale.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: ApiJson<CreateCart>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let catalog = state.catalog();
    let request = &body.value;
    let store = catalog.store(&request.store).ok_or_else(|| {
        AppError::invalid("unknown_store")
            .arg("store", request.store.as_str())
            .field("store")
    })?;
    check_origin(&headers, store, state.config())?;
    let locale = cart_locale(store, request.locale.as_deref())?;
    let lang = Lang::of(&locale);
    let currency = cart_currency(store, request.currency.as_deref()).map_err(|error| error.lang(lang))?;
    let claim = idempotency_claim(&headers, "carts", &body.raw).map_err(|error| error.lang(lang))?;

    if let Some(claim) = &claim
        && let Some(replay) = state
            .storage()
            .find_replay(claim.scope, claim.key.clone())
            .await?
    {
        return replay_cart(
            &state,
            &catalog,
            claim,
            replay.resource_id,
            &replay.request_hash,
            lang,
        )
        .await;
    }

    let now = state.now();
    let cart = NewCart {
        id: random_hex(16).map_err(AppError::internal)?,
        store: store.book.store.clone(),
        currency,
        locale,
        now,
        expires_at: state.cart_expiry(now),
    };
    match state.storage().create_cart(cart, claim.clone()).await? {
        Created::New(record) => {
            let view = cart_view(&state, store, record, None).await?;
            Ok((StatusCode::CREATED, Json(view)))
        }
        Created::Replayed(replay) => {
            let claim = claim.ok_or_else(|| AppError::internal("a replay was returned without a key"))?;
            replay_cart(
                &state,
                &catalog,
                &claim,
                replay.resource_id,
                &replay.request_hash,
                lang,
            )
            .await
        }
    }
}

async fn replay_cart(
    state: &AppState,
    catalog: &Catalog,
    claim: &IdempotencyClaim,
    cart_id: String,
    request_hash: &str,
    lang: Lang,
) -> Result<(StatusCode, Json<Value>), AppError> {
    if request_hash != claim.request_hash {
        return Err(idempotency_key_reused().lang(lang));
    }
    let record = state
        .storage()
        .get_cart(cart_id, state.now())
        .await?
        .ok_or_else(|| AppError::not_found("cart_not_found").lang(lang))?;
    let store = store_of(catalog, &record)?;
    let view = cart_view(state, &store, record, None).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

fn cart_locale(store: &Store, requested: Option<&str>) -> Result<Locale, AppError> {
    let locales = &store.manifest.locales;
    let unsupported = |tag: &str| {
        let accepted: Vec<&str> = locales.iter().map(Locale::as_str).collect();
        AppError::invalid("unsupported_locale")
            .arg("locale", tag)
            .arg("accepted", accepted.join(", "))
            .field("locale")
    };
    match requested {
        None => store
            .default_locale()
            .cloned()
            .ok_or_else(|| AppError::internal("a store without locales was loaded")),
        Some(tag) => Locale::parse(tag)
            .ok()
            .filter(|locale| locales.contains(locale))
            .ok_or_else(|| unsupported(tag)),
    }
}

fn cart_currency(store: &Store, requested: Option<&str>) -> Result<Currency, AppError> {
    let currencies = &store.manifest.currencies;
    match requested {
        None => currencies
            .first()
            .copied()
            .ok_or_else(|| AppError::internal("a store without currencies was loaded")),
        Some(code) => Currency::parse(code)
            .ok()
            .filter(|currency| currencies.contains(currency) && store.book.currencies.contains(currency))
            .ok_or_else(|| {
                let accepted: Vec<&str> = currencies.iter().map(Currency::code).collect();
                AppError::invalid("unsupported_currency")
                    .arg("currency", code)
                    .arg("accepted", accepted.join(", "))
                    .field("currency")
            }),
    }
}

/// The store of a stored cart. A cart whose store is no longer deployed reads as
/// missing.
pub fn store_of(catalog: &Catalog, record: &CartRecord) -> Result<Arc<Store>, AppError> {
    catalog
        .store(&record.store)
        .cloned()
        .ok_or_else(|| AppError::not_found("cart_not_found").lang(Lang::of(&record.locale)))
}

/// Loads a cart that can still change: it exists, has not expired and has no order.
pub async fn open_cart(state: &AppState, cart_id: String) -> Result<CartRecord, AppError> {
    let record = state
        .storage()
        .get_cart(cart_id, state.now())
        .await?
        .ok_or_else(|| AppError::not_found("cart_not_found"))?;
    if record.order_id.is_some() {
        return Err(AppError::conflict("cart_checked_out").lang(Lang::of(&record.locale)));
    }
    Ok(record)
}

/// Stock levels of the cart's skus (0 for skus without a level).
pub async fn stock_of(state: &AppState, lines: &[CartLine]) -> Result<HashMap<String, i64>, AppError> {
    let skus = lines.iter().map(|line| line.sku.clone()).collect();
    Ok(state.storage().stock_levels(skus).await?)
}

/// Reprices a cart from its store's price book and the current stock.
pub fn reprice<'book>(
    store: &'book Store,
    record: &CartRecord,
    stock: &HashMap<String, i64>,
) -> Result<PricedCart<'book>, AppError> {
    price_cart(&store.book, record.currency, &record.lines, |sku| {
        stock.get(sku).copied().unwrap_or(0)
    })
    .map_err(AppError::internal)
}

/// The line changes that make the stored cart match what the visitor is now shown:
/// reduced quantities, removed lines and acknowledged prices. Applying them makes
/// each warning appear once.
pub fn acknowledgements(record: &CartRecord, priced: &PricedCart<'_>) -> Vec<LineChange> {
    let mut changes: Vec<LineChange> = Vec::new();
    for warning in &priced.warnings {
        let sku = warning.sku();
        if changes.iter().any(|change| change.sku == sku) {
            continue;
        }
        let change = match priced.lines.iter().find(|line| line.sku == sku) {
            Some(line) => LineChange {
                sku: sku.to_owned(),
                quantity: line.quantity,
                seen_unit_price: Some(line.unit_price),
            },
            None => LineChange {
                sku: sku.to_owned(),
                quantity: 0,
                seen_unit_price: None,
            },
        };
        changes.push(change);
    }
    changes.retain(|change| record.lines.iter().any(|line| line.sku == change.sku));
    changes
}

/// Reprices a cart, records what the visitor is shown, and renders it.
pub async fn cart_view(
    state: &AppState,
    store: &Store,
    record: CartRecord,
    shipping: Option<(&ShippingView, i64)>,
) -> Result<Value, AppError> {
    let stock = stock_of(state, &record.lines).await?;
    let priced = reprice(store, &record, &stock)?;
    let changes = acknowledgements(&record, &priced);
    let record = if changes.is_empty() || record.order_id.is_some() {
        record
    } else {
        let now = state.now();
        state
            .storage()
            .update_cart_lines(record.id.clone(), changes, now, record.expires_at.max(now))
            .await?
            .unwrap_or(record)
    };
    Ok(views::cart(&record, &priced, store, shipping))
}

/// Query of `GET /api/carts/{id}`: an optional shipping quote.
#[derive(Debug, Deserialize)]
pub struct CartQuery {
    shipping_method: Option<String>,
    country: Option<String>,
}

/// `GET /api/carts/{cart_id}`: the cart repriced from the deployed price book, with
/// a shipping quote when `shipping_method` (and `country`, else the store's) are
/// given.
pub async fn get(
    State(state): State<AppState>,
    Path(cart_id): Path<String>,
    ApiQuery(query): ApiQuery<CartQuery>,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let record = state
        .storage()
        .get_cart(cart_id, state.now())
        .await?
        .ok_or_else(|| AppError::not_found("cart_not_found"))?;
    let store = store_of(&catalog, &record)?;
    let lang = Lang::of(&record.locale);

    let Some(method) = query.shipping_method else {
        return Ok(Json(cart_view(&state, &store, record, None).await?));
    };
    let offer = shipping_offer(&store, &method).map_err(|error| error.field("shipping_method").lang(lang))?;
    let country = query
        .country
        .unwrap_or_else(|| store.manifest.country.clone())
        .to_ascii_uppercase();
    let stock = stock_of(&state, &record.lines).await?;
    let priced = reprice(&store, &record, &stock)?;
    let gross = quote(offer, &parcel(&store, &priced, &country))
        .map_err(|error| super::checkout::shipping_error(error, "country").lang(lang))?;
    let view = ShippingView {
        method: offer.id.clone(),
        label: offer
            .label
            .get(&record.locale, store_default(&store, &record.locale))
            .to_owned(),
    };
    Ok(Json(
        cart_view(&state, &store, record, Some((&view, gross))).await?,
    ))
}

/// The store's default locale, or `fallback`.
pub fn store_default<'a>(store: &'a Store, fallback: &'a Locale) -> &'a Locale {
    store.default_locale().unwrap_or(fallback)
}

/// The shipping offer with this id.
pub fn shipping_offer<'a>(store: &'a Store, id: &str) -> Result<&'a ShippingOffer, AppError> {
    store
        .manifest
        .shipping_methods
        .iter()
        .find(|offer| offer.id == id)
        .ok_or_else(|| AppError::invalid("unknown_shipping_method"))
}

/// The cart as a parcel bound for `country`.
pub fn parcel<'a>(store: &'a Store, priced: &PricedCart<'_>, country: &'a str) -> Parcel<'a> {
    Parcel {
        currency: priced.currency,
        items_gross: priced.items.gross,
        weight_grams: priced.weight,
        country,
        store_country: &store.manifest.country,
    }
}

/// Query of `GET /api/carts/{id}/shipping-options`.
#[derive(Debug, Deserialize)]
pub struct ShippingQuery {
    country: Option<String>,
}

/// `GET /api/carts/{cart_id}/shipping-options?country=FR`: every shipping method of
/// the store with its price for this cart, or why it cannot carry it.
pub async fn shipping_options(
    State(state): State<AppState>,
    Path(cart_id): Path<String>,
    ApiQuery(query): ApiQuery<ShippingQuery>,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let record = state
        .storage()
        .get_cart(cart_id, state.now())
        .await?
        .ok_or_else(|| AppError::not_found("cart_not_found"))?;
    let store = store_of(&catalog, &record)?;
    let locale = &record.locale;
    let lang = Lang::of(locale);
    let country = query
        .country
        .unwrap_or_else(|| store.manifest.country.clone())
        .to_ascii_uppercase();
    let stock = stock_of(&state, &record.lines).await?;
    let priced = reprice(&store, &record, &stock)?;
    let parcel = parcel(&store, &priced, &country);

    let options: Vec<Value> = store
        .manifest
        .shipping_methods
        .iter()
        .map(|offer| {
            let mut view = json!({
                "id": offer.id,
                "label": offer.label.get(locale, store_default(&store, locale)),
                "description": offer.description.as_ref().map(|text| text.get(locale, store_default(&store, locale))),
                "pickup": matches!(offer.rate, commerce::pricebook::ShippingOfferRate::Pickup { .. }),
            });
            match quote(offer, &parcel) {
                Ok(gross) => {
                    view["available"] = json!(true);
                    view["price"] = views::money(gross, record.currency, locale);
                }
                Err(error) => {
                    let error = super::checkout::shipping_error(error, "country");
                    view["available"] = json!(false);
                    view["reason"] = json!({ "code": error.code(), "message": error.message(lang) });
                }
            }
            view
        })
        .collect();
    Ok(Json(json!({ "country": country, "options": options })))
}

/// Body of `POST /api/carts/{id}/lines`.
#[derive(Debug, Deserialize)]
pub struct AddLine {
    sku: String,
    #[serde(default)]
    quantity: Value,
}

/// `POST /api/carts/{cart_id}/lines`: adds `quantity` units of `sku` (to the line
/// if the sku is already in the cart).
pub async fn add_line(
    State(state): State<AppState>,
    Path(cart_id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<AddLine>,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let record = open_cart(&state, cart_id).await?;
    let store = store_of(&catalog, &record)?;
    check_origin(&headers, &store, state.config())?;
    let lang = Lang::of(&record.locale);
    let in_lang = |error: AppError| error.lang(lang);

    let sku = sku(&body.value.sku, "sku").map_err(in_lang)?;
    let added = quantity(&body.value.quantity, "quantity", 1).map_err(in_lang)?;
    let (item, unit_price) = sellable(&store, &record, &sku).map_err(in_lang)?;

    let existing = record.lines.iter().find(|line| line.sku == sku);
    let total = existing.map_or(0, |line| line.quantity) + added;
    if total > MAX_LINE_QUANTITY {
        return Err(in_lang(
            AppError::invalid("invalid_quantity")
                .arg("min", 1_u32)
                .arg("max", MAX_LINE_QUANTITY)
                .field("quantity"),
        ));
    }
    if existing.is_none() && record.lines.len() >= MAX_CART_LINES {
        return Err(in_lang(AppError::invalid("cart_full").arg("max", MAX_CART_LINES)));
    }
    let on_hand = state.storage().stock_levels(vec![sku.clone()]).await?;
    if availability(item, on_hand.get(&sku).copied().unwrap_or(0)) == Availability::Limited(0) {
        return Err(in_lang(
            AppError::conflict("out_of_stock")
                .arg("title", views::item_title(item, &record.locale, &store))
                .arg("available", 0_u32)
                .field("sku"),
        ));
    }

    let change = LineChange {
        sku,
        quantity: total,
        seen_unit_price: Some(unit_price),
    };
    save_lines(&state, &store, record, vec![change]).await
}

/// A sku the cart's store sells in the cart's currency, with its unit price.
fn sellable<'a>(
    store: &'a Store,
    record: &CartRecord,
    sku: &str,
) -> Result<(&'a commerce::pricebook::PriceBookItem, i64), AppError> {
    let item = store
        .book
        .items
        .get(sku)
        .ok_or_else(|| AppError::invalid("unknown_sku").arg("sku", sku).field("sku"))?;
    let price = item
        .prices
        .get(&record.currency)
        .copied()
        .ok_or_else(|| AppError::invalid("unknown_sku").arg("sku", sku).field("sku"))?;
    Ok((item, price))
}

async fn save_lines(
    state: &AppState,
    store: &Store,
    record: CartRecord,
    changes: Vec<LineChange>,
) -> Result<Json<Value>, AppError> {
    let now = state.now();
    let lang = Lang::of(&record.locale);
    let updated = state
        .storage()
        .update_cart_lines(record.id, changes, now, state.cart_expiry(now))
        .await?
        .ok_or_else(|| AppError::not_found("cart_not_found").lang(lang))?;
    Ok(Json(cart_view(state, store, updated, None).await?))
}

/// Body of `PATCH /api/carts/{id}/lines/{sku}`.
#[derive(Debug, Deserialize)]
pub struct SetLine {
    #[serde(default)]
    quantity: Value,
}

/// `PATCH /api/carts/{cart_id}/lines/{sku}`: sets a line's quantity; 0 removes it.
pub async fn set_line(
    State(state): State<AppState>,
    Path((cart_id, sku)): Path<(String, String)>,
    headers: HeaderMap,
    body: ApiJson<SetLine>,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let record = open_cart(&state, cart_id).await?;
    let store = store_of(&catalog, &record)?;
    check_origin(&headers, &store, state.config())?;
    let lang = Lang::of(&record.locale);

    let wanted = quantity(&body.value.quantity, "quantity", 0).map_err(|error| error.lang(lang))?;
    if !record.lines.iter().any(|line| line.sku == sku) {
        return Err(AppError::not_found("line_not_found").arg("sku", sku).lang(lang));
    }
    let price = store
        .book
        .items
        .get(&sku)
        .and_then(|item| item.prices.get(&record.currency));
    let change = match price {
        Some(price) if wanted > 0 => LineChange {
            sku,
            quantity: wanted,
            seen_unit_price: Some(*price),
        },
        _ => LineChange {
            sku,
            quantity: 0,
            seen_unit_price: None,
        },
    };
    save_lines(&state, &store, record, vec![change]).await
}

/// `DELETE /api/carts/{cart_id}/lines/{sku}`: removes a line.
pub async fn remove_line(
    State(state): State<AppState>,
    Path((cart_id, sku)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let record = open_cart(&state, cart_id).await?;
    let store = store_of(&catalog, &record)?;
    check_origin(&headers, &store, state.config())?;
    if !record.lines.iter().any(|line| line.sku == sku) {
        let lang = Lang::of(&record.locale);
        return Err(AppError::not_found("line_not_found").arg("sku", sku).lang(lang));
    }
    let change = LineChange {
        sku,
        quantity: 0,
        seen_unit_price: None,
    };
    save_lines(&state, &store, record, vec![change]).await
}

/// Query of `GET /api/availability`.
#[derive(Debug, Deserialize)]
pub struct AvailabilityQuery {
    store: String,
    skus: String,
}

/// Most skus one availability request may ask about.
const MAX_AVAILABILITY_SKUS: usize = 100;

/// `GET /api/availability?store=…&skus=a,b,c`: whether each sku can be ordered now.
pub async fn availability_of(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AvailabilityQuery>,
) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog();
    let store = catalog.store(&query.store).ok_or_else(|| {
        AppError::invalid("unknown_store")
            .arg("store", query.store.as_str())
            .field("store")
    })?;
    let skus: Vec<String> = query
        .skus
        .split(',')
        .map(str::trim)
        .filter(|sku| !sku.is_empty())
        .map(str::to_owned)
        .collect();
    if skus.len() > MAX_AVAILABILITY_SKUS {
        return Err(AppError::invalid("too_many_skus")
            .arg("max", MAX_AVAILABILITY_SKUS)
            .field("skus"));
    }
    let levels = state.storage().stock_levels(skus.clone()).await?;

    let mut result = serde_json::Map::new();
    for sku in skus {
        let view = match store.book.items.get(&sku) {
            None => json!({ "available": false, "backorder": false }),
            Some(item) => match availability(item, levels.get(&sku).copied().unwrap_or(0)) {
                Availability::Unlimited => json!({ "available": true, "backorder": false }),
                Availability::Limited(quantity) => {
                    json!({ "available": quantity > 0, "quantity": quantity, "backorder": false })
                }
                Availability::Backorder { in_stock } => json!({
                    "available": true,
                    "quantity": in_stock,
                    "backorder": in_stock == 0,
                    "backorder_days": item.backorder_days,
                }),
            },
        };
        result.insert(sku, view);
    }
    Ok(Json(Value::Object(result)))
}
