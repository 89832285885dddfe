//! What the edge keeps to itself: a 5xx never carries internal details, and logs
//! carry the route and status but no personal data.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::*;
use edge::catalog::CatalogHandle;
use edge::clock::ManualClock;
use edge::consent::{ConsentPolicy, ConsentRecord};
use edge::storage::*;
use edge::{AppState, EdgeConfig, StateParts};
use serde_json::json;

/// A storage whose every call fails with a message full of internals.
struct BrokenStorage;

fn broken<T: Send + 'static>() -> BoxFuture<'static, StorageResult<T>> {
    Box::pin(async {
        Err(StorageError(
            "disk I/O error at /var/lib/comptoir/edge.sqlite".into(),
        ))
    })
}

impl Storage for BrokenStorage {
    fn create_cart(
        &self,
        _: NewCart,
        _: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<CartRecord>>> {
        broken()
    }
    fn get_cart(&self, _: String, _: i64) -> BoxFuture<'_, StorageResult<Option<CartRecord>>> {
        broken()
    }
    fn update_cart_lines(
        &self,
        _: String,
        _: Vec<LineChange>,
        _: i64,
        _: i64,
    ) -> BoxFuture<'_, StorageResult<Option<CartRecord>>> {
        broken()
    }
    fn list_carts(&self, _: i64, _: i64, _: u32) -> BoxFuture<'_, StorageResult<Vec<CartRecord>>> {
        broken()
    }
    fn purge_expired_carts(&self, _: i64) -> BoxFuture<'_, StorageResult<u64>> {
        broken()
    }
    fn find_replay(&self, _: &'static str, _: String) -> BoxFuture<'_, StorageResult<Option<Replay>>> {
        broken()
    }
    fn stock_levels(&self, _: Vec<String>) -> BoxFuture<'_, StorageResult<HashMap<String, i64>>> {
        broken()
    }
    fn set_stock(&self, _: Vec<(String, i64)>, _: i64) -> BoxFuture<'_, StorageResult<Vec<StockLevel>>> {
        broken()
    }
    fn place_order(&self, _: OrderDraft) -> BoxFuture<'_, Result<Order, PlaceOrderError>> {
        Box::pin(async { Err(PlaceOrderError::Storage(StorageError("disk I/O error".into()))) })
    }
    fn find_order(&self, _: String) -> BoxFuture<'_, StorageResult<Option<Order>>> {
        broken()
    }
    fn find_order_by_number(&self, _: String) -> BoxFuture<'_, StorageResult<Option<Order>>> {
        broken()
    }
    fn list_orders(&self, _: OrderFilter) -> BoxFuture<'_, StorageResult<Vec<Order>>> {
        broken()
    }
    fn transition_order(&self, _: Transition) -> BoxFuture<'_, Result<Order, TransitionError>> {
        Box::pin(async { Err(TransitionError::Storage(StorageError("disk I/O error".into()))) })
    }
    fn set_payment_url(&self, _: String, _: String, _: i64) -> BoxFuture<'_, StorageResult<()>> {
        broken()
    }
    fn pending_notifications(
        &self,
        _: Option<String>,
        _: u32,
    ) -> BoxFuture<'_, StorageResult<Vec<Notification>>> {
        broken()
    }
    fn record_notification(&self, _: i64, _: Result<(), String>, _: i64) -> BoxFuture<'_, StorageResult<()>> {
        broken()
    }
    fn remember_policies(&self, _: Vec<ConsentPolicy>, _: i64) -> BoxFuture<'_, StorageResult<()>> {
        broken()
    }
    fn find_policy(&self, _: String, _: String) -> BoxFuture<'_, StorageResult<Option<ConsentPolicy>>> {
        broken()
    }
    fn append_consent(
        &self,
        _: NewConsent,
        _: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<ConsentRecord>>> {
        broken()
    }
    fn find_consent_record(&self, _: i64) -> BoxFuture<'_, StorageResult<Option<ConsentRecord>>> {
        broken()
    }
    fn consent_history(&self, _: String) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>> {
        broken()
    }
    fn consent_chain(&self) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>> {
        broken()
    }
    fn subscribe_marketing(&self, _: NewSubscription) -> BoxFuture<'_, StorageResult<()>> {
        broken()
    }
    fn find_subscription(&self, _: String) -> BoxFuture<'_, StorageResult<Option<Subscription>>> {
        broken()
    }
    fn withdraw_subscription(&self, _: Withdrawal) -> BoxFuture<'_, StorageResult<bool>> {
        broken()
    }
    fn add_unsubscribe_token(
        &self,
        _: String,
        _: String,
        _: String,
        _: String,
        _: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        broken()
    }
    fn pending_marketing_jobs(&self, _: u32) -> BoxFuture<'_, StorageResult<Vec<MarketingJob>>> {
        broken()
    }
    fn record_marketing_job(
        &self,
        _: i64,
        _: Result<(), String>,
        _: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        broken()
    }
}

#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log lock")).into_owned()
    }
}

fn capture_logs() -> (LogBuffer, tracing::subscriber::DefaultGuard) {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

#[tokio::test(flavor = "current_thread")]
async fn server_error_hides_cause() {
    let (logs, _guard) = capture_logs();
    let state = AppState::new(StateParts {
        catalog: Arc::new(CatalogHandle::new(catalog())),
        storage: Arc::new(BrokenStorage),
        mailer: Arc::new(MemoryMailer::default()),
        payments: None,
        clock: Arc::new(ManualClock::new(START)),
        config: EdgeConfig::default(),
    });
    let app = edge::router(state);
    let reply = get(&app, "/api/carts/0123456789abcdef0123456789abcdef").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.code(), "internal_error");
    assert_eq!(
        reply.message(),
        "Une erreur s'est produite de notre côté. Réessayez dans un instant."
    );
    assert!(!reply.body.to_string().contains("disk"), "{}", reply.body);

    let text = logs.text();
    assert_eq!(
        text.matches("disk I/O error at /var/lib/comptoir/edge.sqlite")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains("route=/api/carts/{cart_id}"), "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn logs_carry_no_personal_data() {
    let (logs, _guard) = capture_logs();
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let mut body = checkout_body(&cart, "virement");
    body["customer"]["phone"] = json!("+33612345678");
    let reply = write(&edge.app, "POST", "/api/checkout", body).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let token = reply.body["token"].as_str().expect("token").to_owned();
    let id = reply.body["id"].as_str().expect("id").to_owned();
    get(&edge.app, &format!("/api/orders/{id}?token={token}")).await;

    let text = logs.text();
    assert!(text.contains("method=POST"), "{text}");
    assert!(text.contains("route=/api/checkout"), "{text}");
    assert!(text.contains("status=201"), "{text}");
    assert!(text.contains("latency_ms="), "{text}");
    assert!(text.contains("route=/api/orders/{order_id}"), "{text}");
    for secret in [
        "Marie",
        "Curie",
        "example.fr",
        "rue de la Paix",
        "+33612345678",
        token.as_str(),
        cart.as_str(),
        ORIGIN,
    ] {
        assert!(!text.contains(secret), "the logs contain `{secret}`:\n{text}");
    }
}
