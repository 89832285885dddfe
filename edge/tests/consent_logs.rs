//! The full IP address of a visitor is neither stored nor logged. Alone in its test
//! binary, so that no test without a log subscriber races the captured callsites.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use consent_policy::{consent_body, consent_request, policy, publish};
use edge::consent::ClientIp;
use edge::storage::sqlite::SqliteStorage;
use serde_json::{Value, json};

fn file_edge(dir: &Path) -> TestEdge {
    let storage = Arc::new(SqliteStorage::open(&dir.join("edge.sqlite3")).expect("database"));
    let edge = edge_with(Options {
        storage: Some(storage),
        ..Options::default()
    });
    publish(&edge, policy("2026-12-01", true));
    edge
}

async fn export(edge: &TestEdge) -> Value {
    let reply = admin(&edge.app, "GET", "/api/admin/consents", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
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
        .with_max_level(tracing::Level::TRACE)
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

const IPV4: &str = "203.0.113.77";
const IPV6: &str = "2001:db8:85a3:8d3:1319:8a2e:370:7348";

#[tokio::test(flavor = "current_thread")]
async fn full_ip_never_stored_or_logged() {
    let (logs, _guard) = capture_logs();
    let dir = tempfile::tempdir().expect("temporary folder");
    let edge = file_edge(dir.path());
    let published = policy("2026-12-01", true);

    for ip in [IPV4, IPV6] {
        let reply = send(
            &edge.app,
            consent_request(&consent_body(&published, "accept_all", "fr"), Some(ip), None),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }

    // The checkout's email marketing opt-in records consent too.
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let mut body = checkout_body(&cart, "virement");
    body["marketing_consent"] = json!({"email": true});
    let checkout = Request::builder()
        .method("POST")
        .uri("/api/checkout")
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .extension(ClientIp(IPV4.parse().expect("ip")))
        .body(Body::from(body.to_string()))
        .expect("request");
    let reply = send(&edge.app, checkout).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    let stored = export(&edge).await;
    let networks: Vec<&Value> = stored["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|record| &record["ip_network"])
        .collect();
    assert_eq!(
        networks,
        [
            &json!("203.0.113.0/24"),
            &json!("2001:db8:85a3::/48"),
            &json!("203.0.113.0/24")
        ]
    );
    drop(edge);

    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).expect("folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("file");
        let text = String::from_utf8_lossy(&bytes);
        for address in [IPV4, IPV6, "8a2e:370:7348"] {
            assert!(!text.contains(address), "{} contains `{address}`", path.display());
        }
        files += 1;
    }
    assert!(files >= 1);

    let text = logs.text();
    assert!(text.contains("consent recorded"), "{text}");
    for address in [IPV4, IPV6, "8a2e:370:7348", "203.0.113"] {
        assert!(!text.contains(address), "the logs contain `{address}`:\n{text}");
    }
}
