//! Administration endpoints, behind the bearer token (see
//! [`require_admin`](super::request::require_admin)): orders and their statuses,
//! stock levels, saved and abandoned carts.

use axum::Json;
use axum::extract::{Path, State};
use commerce::cart::price_cart;
use commerce::order::{StatusMachine, TransitionError as MachineError, returns_stock};
use serde::Deserialize;
use serde_json::{Value, json};

use super::request::{ApiJson, ApiQuery};
use super::views::{self, Audience};
use crate::clock::{parse_time, rfc3339};
use crate::error::AppError;
use crate::notify::deliver_pending;
use crate::state::AppState;
use crate::storage::{OrderFilter, Transition, TransitionError};

/// Largest page of a listing.
const MAX_LIMIT: u32 = 500;
/// Page size of a listing without `limit`.
const DEFAULT_LIMIT: u32 = 100;
/// Longest note kept with a status change.
const MAX_NOTE: usize = 1000;
/// Largest stock level that can be set.
const MAX_STOCK: i64 = 1_000_000_000;

/// Query of the listings. Every field is text so that a bad value becomes a JSON
/// error naming it rather than a plain-text rejection.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    since: Option<String>,
    limit: Option<String>,
}

fn since(query: &ListQuery) -> Result<Option<i64>, AppError> {
    query
        .since
        .as_deref()
        .map(|text| parse_time(text.trim()).ok_or_else(|| AppError::invalid("invalid_since").field("since")))
        .transpose()
}

fn limit(query: &ListQuery) -> Result<u32, AppError> {
    match query.limit.as_deref() {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                AppError::invalid("invalid_limit")
                    .arg("max", MAX_LIMIT)
                    .field("limit")
            }),
    }
}

/// The `status` filter: a status of the standard machine or of some store, so that
/// a typo is `unknown_status` (400) rather than an empty list.
fn status_filter(state: &AppState, query: &ListQuery) -> Result<Option<String>, AppError> {
    let Some(status) = query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|status| !status.is_empty())
    else {
        return Ok(None);
    };
    let standard = StatusMachine::new(&[]).map_err(|problems| AppError::internal(problems.join("; ")))?;
    let catalog = state.catalog();
    let mut known: Vec<&str> = standard.ids().collect();
    for store in catalog.stores() {
        known.extend(store.statuses.ids());
    }
    known.sort_unstable();
    known.dedup();
    if known.contains(&status) {
        Ok(Some(status.to_owned()))
    } else {
        Err(AppError::bad_request("unknown_status")
            .arg("status", status.to_owned())
            .arg("known", known.join(", "))
            .field("status"))
    }
}

/// `GET /api/admin/orders?status=…&since=…&limit=…`: orders, newest first.
pub async fn list_orders(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let filter = OrderFilter {
        status: status_filter(&state, &query)?,
        since: since(&query)?,
        limit: limit(&query)?,
    };
    let orders = state.storage().list_orders(filter).await?;
    let catalog = state.catalog();
    let views: Vec<Value> = orders
        .iter()
        .map(|order| {
            views::order(
                order,
                catalog.store(&order.store).map(|store| store.as_ref()),
                Audience::Merchant,
            )
        })
        .collect();
    Ok(Json(json!({ "orders": views })))
}

/// `GET /api/admin/orders/{number}`.
pub async fn get_order(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<Value>, AppError> {
    let order = state
        .storage()
        .find_order_by_number(number)
        .await?
        .ok_or_else(|| AppError::not_found("order_not_found"))?;
    let catalog = state.catalog();
    let store = catalog.store(&order.store).map(|store| store.as_ref());
    Ok(Json(views::order(&order, store, Audience::Merchant)))
}

/// Body of a status change.
#[derive(Debug, Deserialize)]
pub struct StatusChangeRequest {
    status: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    notify_customer: Option<bool>,
}

/// `POST /api/admin/orders/{number}/status`: moves an order to another status if
/// the status machine allows it (409 otherwise). Cancelling returns the stock.
/// `notify_customer` overrides whether the status emails the customer.
pub async fn set_status(
    State(state): State<AppState>,
    Path(number): Path<String>,
    body: ApiJson<StatusChangeRequest>,
) -> Result<Json<Value>, AppError> {
    let request = body.value;
    let order = state
        .storage()
        .find_order_by_number(number)
        .await?
        .ok_or_else(|| AppError::not_found("order_not_found"))?;
    let catalog = state.catalog();
    let store = catalog.store(&order.store);
    let standard = StatusMachine::new(&[]).map_err(|problems| AppError::internal(problems.join("; ")))?;
    let machine = store.map_or(&standard, |store| &store.statuses);

    let to = request.status.trim().to_owned();
    machine.check(&order.status, &to).map_err(|error| match error {
        MachineError::UnknownStatus { status, known } => AppError::invalid("unknown_status")
            .arg("status", status)
            .arg("known", known)
            .field("status"),
        MachineError::NotAllowed { from, to, allowed } => AppError::conflict("transition_not_allowed")
            .arg("from", from)
            .arg("to", to)
            .arg("allowed", allowed)
            .field("status"),
    })?;
    let note = request
        .note
        .map(|note| note.trim().to_owned())
        .filter(|note| !note.is_empty());
    if note.as_ref().is_some_and(|note| note.chars().count() > MAX_NOTE) {
        return Err(AppError::invalid("field_too_long")
            .arg("max", MAX_NOTE)
            .field("note"));
    }

    let transition = Transition {
        order_id: order.id.clone(),
        from: order.status.clone(),
        return_stock: returns_stock(&to),
        notify_customer: request.notify_customer.unwrap_or_else(|| machine.notifies(&to)),
        to,
        note,
        payment_reference: None,
        now: state.now(),
    };
    let updated = state
        .storage()
        .transition_order(transition)
        .await
        .map_err(|error| match error {
            TransitionError::NotFound => AppError::not_found("order_not_found"),
            TransitionError::Conflict { .. } => AppError::conflict("transition_conflict"),
            TransitionError::Storage(error) => AppError::internal(error),
        })?;
    tracing::info!(order = %updated.id, status = %updated.status, "order status changed");
    deliver_pending(&state, Some(updated.id.clone())).await;
    Ok(Json(views::order(
        &updated,
        store.map(|store| store.as_ref()),
        Audience::Merchant,
    )))
}

/// Body of a stock change.
#[derive(Debug, Deserialize)]
pub struct StockRequest {
    #[serde(default)]
    quantity: Value,
}

/// `PUT /api/admin/stock/{sku}`: sets a sku's stock level, shared by every store.
pub async fn set_stock(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    body: ApiJson<StockRequest>,
) -> Result<Json<Value>, AppError> {
    let quantity = body
        .value
        .quantity
        .as_i64()
        .filter(|quantity| (0..=MAX_STOCK).contains(quantity))
        .ok_or_else(|| {
            AppError::invalid("invalid_quantity")
                .arg("min", 0_i64)
                .arg("max", MAX_STOCK)
                .field("quantity")
        })?;
    if !state.catalog().knows_sku(&sku) {
        return Err(AppError::not_found("unknown_sku").arg("sku", sku));
    }
    let levels = state
        .storage()
        .set_stock(vec![(sku, quantity)], state.now())
        .await?;
    let level = levels
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("setting one stock level returned none"))?;
    Ok(Json(json!({
        "sku": level.sku,
        "quantity": level.quantity,
        "updated_at": rfc3339(level.updated_at),
    })))
}

/// `GET /api/admin/stock/{sku}`: a sku's stock level (0 when never set).
pub async fn get_stock(
    State(state): State<AppState>,
    Path(sku): Path<String>,
) -> Result<Json<Value>, AppError> {
    if !state.catalog().knows_sku(&sku) {
        return Err(AppError::not_found("unknown_sku").arg("sku", sku));
    }
    let levels = state.storage().stock_levels(vec![sku.clone()]).await?;
    let quantity = levels.get(&sku).copied().unwrap_or(0);
    Ok(Json(json!({ "sku": sku, "quantity": quantity })))
}

/// `GET /api/admin/carts?since=…&limit=…`: carts changed since a time and not
/// expired, newest first. `abandoned` marks carts never ordered and untouched for
/// `abandoned_after_hours`.
pub async fn list_carts(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let since = since(&query)?.unwrap_or(0);
    let limit = limit(&query)?;
    let now = state.now();
    let carts = state.storage().list_carts(since, now, limit).await?;
    let abandoned_before = now - i64::from(state.config().abandoned_after_hours) * 3600;
    let catalog = state.catalog();

    let views: Vec<Value> = carts
        .iter()
        .map(|cart| {
            let lines: Vec<Value> = cart
                .lines
                .iter()
                .map(|line| json!({ "sku": line.sku, "quantity": line.quantity }))
                .collect();
            // The value at today's prices, ignoring stock: what the cart is worth to
            // the merchant, not what the visitor could order right now.
            let subtotal = catalog
                .store(&cart.store)
                .and_then(|store| price_cart(&store.book, cart.currency, &cart.lines, |_| i64::MAX).ok())
                .map(|priced| views::money(priced.subtotal, cart.currency, &cart.locale));
            json!({
                "id": cart.id,
                "store": cart.store,
                "currency": cart.currency.code(),
                "locale": cart.locale.as_str(),
                "lines": lines,
                "items": cart.lines.iter().map(|line| u64::from(line.quantity)).sum::<u64>(),
                "subtotal": subtotal,
                "checked_out": cart.order_id.is_some(),
                "abandoned": cart.order_id.is_none() && !cart.lines.is_empty() && cart.updated_at < abandoned_before,
                "created_at": rfc3339(cart.created_at),
                "updated_at": rfc3339(cart.updated_at),
                "expires_at": rfc3339(cart.expires_at),
            })
        })
        .collect();
    Ok(Json(json!({ "carts": views })))
}
