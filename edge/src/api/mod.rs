//! The HTTP API: one axum router for the cart, checkout, orders, card payment
//! webhooks, consent records, unsubscribe links, personal-data requests and
//! administration. See `docs/en/api.md` for the endpoints, bodies and
//! error codes.

pub mod admin;
pub mod carts;
pub mod checkout;
pub mod consents;
pub mod data_requests;
pub mod orders;
pub mod payments;
pub mod request;
pub mod unsubscribe;
pub mod views;

#[cfg(not(target_arch = "wasm32"))]
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
#[cfg(not(target_arch = "wasm32"))]
use axum::extract::{MatchedPath, Request};
use axum::middleware::from_fn_with_state;
#[cfg(not(target_arch = "wasm32"))]
use axum::response::Response;
use axum::routing::{get, post, put};
#[cfg(not(target_arch = "wasm32"))]
use tower_http::trace::TraceLayer;
#[cfg(not(target_arch = "wasm32"))]
use tracing::Span;

#[cfg(feature = "native")]
use crate::consent::client::client_ip_from_connect_info;
use crate::error::{localize_errors, method_not_allowed, route_not_found};
use crate::state::AppState;

/// Builds the router. It needs no socket: tests call it with
/// `tower::ServiceExt::oneshot`, and hosts serve it (`comptoir serve`, the
/// `comptoir-edge` binary, the Worker).
pub fn router(state: AppState) -> Router {
    let admin = Router::new()
        .route("/api/admin/orders", get(admin::list_orders))
        .route("/api/admin/orders/{number}", get(admin::get_order))
        .route("/api/admin/orders/{number}/status", post(admin::set_status))
        .route(
            "/api/admin/stock/{sku}",
            put(admin::set_stock).get(admin::get_stock),
        )
        .route("/api/admin/carts", get(admin::list_carts))
        .route("/api/admin/consents", get(consents::export))
        .route("/api/admin/data-requests", get(data_requests::admin_list))
        .route("/api/admin/data-requests/log", get(data_requests::admin_log))
        .route(
            "/api/admin/data-requests/{id}/extend",
            post(data_requests::admin_extend),
        )
        .route_layer(from_fn_with_state(state.clone(), request::require_admin));

    let router = Router::new()
        .route("/api/carts", post(carts::create))
        .route("/api/carts/{cart_id}", get(carts::get))
        .route("/api/carts/{cart_id}/lines", post(carts::add_line))
        .route(
            "/api/carts/{cart_id}/lines/{sku}",
            axum::routing::patch(carts::set_line).delete(carts::remove_line),
        )
        .route(
            "/api/carts/{cart_id}/shipping-options",
            get(carts::shipping_options),
        )
        .route("/api/availability", get(carts::availability_of))
        .route("/api/checkout", post(checkout::checkout))
        .route("/api/orders/{order_id}", get(orders::get))
        .route("/api/payments/stripe/webhook", post(payments::stripe_webhook))
        .route("/api/consents", post(consents::record))
        .route("/api/consents/{consent_id}", get(consents::get))
        .route("/api/data-requests", post(data_requests::create))
        .route("/api/data-requests/confirm", post(data_requests::confirm))
        .route("/api/data-requests/exports/{token}", get(data_requests::download))
        .route(
            "/api/unsubscribe",
            get(unsubscribe::page).post(unsubscribe::unsubscribe),
        )
        .merge(admin)
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config().body_limit_bytes))
        .layer(from_fn_with_state(state.clone(), localize_errors));
    // The native host reads the visitor's address from the TCP connection; the
    // Worker sets it from `CF-Connecting-IP` before the router runs.
    #[cfg(feature = "native")]
    let router = router.layer(axum::middleware::from_fn(client_ip_from_connect_info));
    // `TraceLayer` times requests with `std::time::Instant`, which panics on wasm32.
    #[cfg(not(target_arch = "wasm32"))]
    let router = router.layer(
        TraceLayer::new_for_http()
            .make_span_with(request_span)
            .on_request(())
            .on_response(record_response)
            .on_failure(()),
    );
    router.with_state(state)
}

/// The span of a request: its method and matched route template (never the path
/// itself, which holds cart ids, nor the query, which may hold order tokens).
#[cfg(not(target_arch = "wasm32"))]
fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

#[cfg(not(target_arch = "wasm32"))]
fn record_response(response: &Response, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    span.record(
        "latency_ms",
        u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
    );
    tracing::info!("request handled");
}
