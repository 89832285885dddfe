//! A failing email marketing provider never fails the checkout, and the logs name
//! the job, never the email. Alone in its test binary, so that no test without a
//! log subscriber races the captured callsites.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;
#[path = "support/marketing_stub.rs"]
mod marketing_stub;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use consent_policy::{policy, publish};
use edge::mail::Secret;
use edge::marketing::providers::Brevo;
use edge::marketing::{MarketingSync, deliver_pending_sync};
use edge::payment::http::ReqwestClient;
use marketing_stub::*;
use serde_json::json;

fn marketing_edge(sync: Arc<dyn MarketingSync>) -> TestEdge {
    let mut edge = edge();
    publish(&edge, policy("2026-12-01", true));
    edge.state = edge.state.clone().with_marketing(Some(sync));
    edge.app = edge::router(edge.state.clone());
    edge
}

async fn checkout_with_consent(edge: &TestEdge) -> Reply {
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let mut body = checkout_body(&cart, "virement");
    body["marketing_consent"] = json!({"email": true});
    write(&edge.app, "POST", "/api/checkout", body).await
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

#[tokio::test(flavor = "current_thread")]
async fn provider_failure_never_fails_checkout() {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let stub = MarketingStub::start().await;
    let http = Arc::new(ReqwestClient::new(Duration::from_secs(5)).expect("HTTP client"));
    let brevo: Arc<dyn MarketingSync> = Arc::new(Brevo::new(http, &stub.base_url, Secret::new(BREVO_KEY), 7));
    let edge = marketing_edge(brevo);
    stub.fail_next(1, 503);
    let reply = checkout_with_consent(&edge).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["marketing_consent"]["email"], true);

    let jobs = edge
        .storage
        .query_integers("SELECT id, attempts, done_at IS NULL FROM marketing_sync_jobs")
        .await
        .expect("query");
    assert_eq!(jobs, [vec![1, 1, 1]]);

    assert_eq!(deliver_pending_sync(&edge.state).await, 1);
    let jobs = edge
        .storage
        .query_integers("SELECT attempts, done_at IS NOT NULL, email IS NULL FROM marketing_sync_jobs")
        .await
        .expect("query");
    assert_eq!(jobs, [vec![1, 1, 1]], "done, and the email cleared");
    assert_eq!(stub.requests().len(), 2);

    let text = String::from_utf8_lossy(&buffer.0.lock().expect("log lock")).into_owned();
    assert!(
        text.contains("an email marketing job failed; it stays queued"),
        "{text}"
    );
    assert!(text.contains("job=1"), "{text}");
    assert!(
        text.contains("brevo: POST contact returned HTTP 503 (stub_failure)"),
        "{text}"
    );
    assert!(text.contains("done=1"), "{text}");
    for personal in ["marie", "example.fr"] {
        assert!(!text.contains(personal), "the logs contain `{personal}`:\n{text}");
    }
}
