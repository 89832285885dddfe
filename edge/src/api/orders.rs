//! `GET /api/orders/{order_id}?token=…`: the order, for the customer holding its
//! access token.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use super::request::ApiQuery;
use super::views::{self, Audience};
use crate::clock::secrets_equal;
use crate::error::AppError;
use crate::state::AppState;

/// Query of the order page.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /api/orders/{order_id}?token=…`. A wrong or missing token reads exactly as
/// an unknown order, so the answer tells nothing about which orders exist.
pub async fn get(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Json<Value>, AppError> {
    let order = state.storage().find_order(order_id).await?;
    let order = order
        .filter(|order| secrets_equal(query.token.as_bytes(), order.access_token.as_bytes()))
        .ok_or_else(|| AppError::not_found("order_not_found"))?;
    let catalog = state.catalog();
    let store = catalog.store(&order.store);
    Ok(Json(views::order(
        &order,
        store.map(|store| store.as_ref()),
        Audience::Customer { with_token: false },
    )))
}
