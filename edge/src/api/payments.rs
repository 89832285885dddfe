//! `POST /api/payments/stripe/webhook`: the card provider's confirmation that an
//! order was paid. The signature is checked by the [`PaymentProvider`]; a confirmed
//! payment moves a pending order to `payment_accepted`, once: a repeated event for
//! an order already past `pending` is acknowledged and changes nothing.
//!
//! [`PaymentProvider`]: crate::payment::PaymentProvider

use axum::Json;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use commerce::order::{PAYMENT_ACCEPTED, PENDING};
use serde_json::{Value, json};

use super::request::read_body;
use crate::error::AppError;
use crate::notify::deliver_pending;
use crate::payment::{PaymentError, PaymentEvent};
use crate::state::AppState;
use crate::storage::{Transition, TransitionError};

/// The webhook handler.
pub async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Request,
) -> Result<Json<Value>, AppError> {
    if state.payments().is_none() {
        return Err(AppError::not_found("payment_provider_not_configured"));
    }
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| AppError::bad_request("invalid_signature"))?;
    let body = read_body(request, &state).await?;
    let provider = state
        .payments()
        .ok_or_else(|| AppError::not_found("payment_provider_not_configured"))?;

    let event = provider
        .verify_webhook(&body, &signature, state.now())
        .map_err(|error| match error {
            PaymentError::InvalidSignature => AppError::bad_request("invalid_signature"),
            PaymentError::InvalidPayload(_) => AppError::bad_request("invalid_webhook"),
            PaymentError::Provider(reason) => AppError::internal(reason),
        })?;
    match event {
        PaymentEvent::Ignored => Ok(Json(json!({ "received": true }))),
        PaymentEvent::Paid { order_id, reference } => {
            mark_paid(&state, order_id, reference).await?;
            Ok(Json(json!({ "received": true })))
        }
    }
}

async fn mark_paid(state: &AppState, order_id: String, reference: String) -> Result<(), AppError> {
    let Some(order) = state.storage().find_order(order_id.clone()).await? else {
        // Acknowledged so the provider stops retrying an event no order matches.
        tracing::warn!(order = %order_id, "a payment webhook names an unknown order");
        return Ok(());
    };
    if order.status != PENDING {
        return Ok(());
    }
    let catalog = state.catalog();
    let notify = catalog
        .store(&order.store)
        .is_none_or(|store| store.statuses.notifies(PAYMENT_ACCEPTED));
    let transition = Transition {
        order_id: order.id.clone(),
        from: PENDING.to_owned(),
        to: PAYMENT_ACCEPTED.to_owned(),
        note: Some(format!("card payment {reference}")),
        return_stock: false,
        notify_customer: notify,
        payment_reference: Some(reference),
        now: state.now(),
    };
    match state.storage().transition_order(transition).await {
        Ok(_) => {
            tracing::info!(order = %order.id, "card payment accepted");
            deliver_pending(state, Some(order.id)).await;
            Ok(())
        }
        // Another delivery of the same event, or the merchant, got there first.
        Err(TransitionError::Conflict { .. }) | Err(TransitionError::NotFound) => Ok(()),
        Err(TransitionError::Storage(error)) => Err(AppError::internal(error)),
    }
}
