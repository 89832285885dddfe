//! Consent records as proof: the chain detects an edited record, concurrent appends
//! keep it whole, and a policy published before a restart is still accepted.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use consent_policy::{consent_body, consent_request, policy, publish};
use edge::native::{NativeHost, NativeOptions};
use edge::storage::sqlite::SqliteStorage;
use serde_json::Value;

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

#[tokio::test]
async fn edited_record_breaks_chain() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let edge = file_edge(dir.path());
    let published = policy("2026-12-01", true);
    for action in ["reject_all", "accept_all", "reject_all", "custom", "accept_all"] {
        let reply = write(
            &edge.app,
            "POST",
            "/api/consents",
            consent_body(&published, action, "fr"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    let intact = export(&edge).await;
    assert_eq!(intact["chain_valid"], true);
    let records = intact["records"].as_array().expect("records");
    assert_eq!(records[0]["previous_hash"], "0".repeat(64));
    for pair in records.windows(2) {
        assert_eq!(pair[1]["previous_hash"], pair[0]["record_hash"]);
    }

    // Someone turns the third refusal into an acceptance, directly in the database.
    let connection = rusqlite::Connection::open(dir.path().join("edge.sqlite3")).expect("open");
    let edited = connection
        .execute(
            "UPDATE consent_records SET action = 'accept_all', purposes = ?1 WHERE sequence = 3",
            [r#"{"emailing":true,"marketing":true,"necessary":true,"statistics":true}"#],
        )
        .expect("edit");
    assert_eq!(edited, 1);
    drop(connection);

    let tampered = export(&edge).await;
    assert_eq!(tampered["chain_valid"], false);
    assert_eq!(tampered["first_broken_sequence"], 3);
    let validity: Vec<&Value> = tampered["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|record| &record["chain_valid"])
        .collect();
    assert_eq!(validity, [true, true, false, false, false]);

    let reply = send(
        &edge.app,
        request(
            "GET",
            "/api/admin/consents?format=csv",
            None,
            &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers["content-type"].to_str().ok(),
        Some("text/csv; charset=utf-8")
    );
}

#[tokio::test]
async fn csv_export_lists_records() {
    let edge = edge();
    publish(&edge, policy("2026-12-01", true));
    let published = policy("2026-12-01", true);
    let body = consent_body(&published, "reject_all", "fr");
    let reply = edge
        .app
        .clone()
        .oneshot_text(consent_request(&body, Some("198.51.100.23"), None))
        .await;
    assert_eq!(reply.0, StatusCode::CREATED);

    let request = Request::builder()
        .uri("/api/admin/consents?format=csv")
        .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::empty())
        .expect("request");
    let (status, text) = edge.app.clone().oneshot_text(request).await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        lines[0],
        "sequence,given_at,expires_at,consent_id,store,locale,policy_version,policy_hash,action,purposes,services,ui_source,ip_network,user_agent_family,previous_hash,record_hash,chain_valid"
    );
    assert!(
        lines[1].starts_with("1,2025-06-15T15:06:40Z,2025-12-14T15:06:40Z,"),
        "{text}"
    );
    assert!(
        lines[1].contains(
            r#",reject_all,"{""emailing"":false,""marketing"":false,""necessary"":true,""statistics"":false}","#
        ),
        "{text}"
    );
    assert!(lines[1].contains(",198.51.100.0/24,Other,"), "{text}");
    assert!(lines[1].ends_with(",true"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_keep_chain_valid() {
    let edge = edge();
    publish(&edge, policy("2026-12-01", true));
    let published = policy("2026-12-01", true);
    let mut tasks = Vec::new();
    for index in 0..50 {
        let app = edge.app.clone();
        let action = ["accept_all", "reject_all"][index % 2];
        let body = consent_body(&published, action, "fr");
        tasks.push(tokio::spawn(async move {
            write(&app, "POST", "/api/consents", body).await.status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), StatusCode::CREATED);
    }

    let export = export(&edge).await;
    assert_eq!(export["chain_valid"], true);
    let records = export["records"].as_array().expect("records");
    assert_eq!(records.len(), 50);
    let sequences: Vec<i64> = records
        .iter()
        .filter_map(|record| record["sequence"].as_i64())
        .collect();
    assert_eq!(sequences, (1..=50).collect::<Vec<_>>());
}

/// Writes a store's published files as a build would.
fn write_build(public: &Path, policy: &commerce::consent::ConsentPolicy) {
    let folder = public.join("fr/_comptoir");
    std::fs::create_dir_all(&folder).expect("folder");
    publish_price_book(&public.join("fr"), &price_book_fr());
    std::fs::write(folder.join("store.json"), json(&manifest_fr())).expect("manifest");
    std::fs::write(folder.join("consent.json"), json(policy)).expect("policy");
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serializable")
}

fn open_host(root: &Path) -> NativeHost {
    NativeHost::open(NativeOptions {
        public_dir: root.join("public"),
        database: root.join("edge.sqlite3"),
        outbox: root.join("outbox"),
        config: edge::EdgeConfig {
            admin_token: Some(ADMIN_TOKEN.to_owned()),
            ..edge::EdgeConfig::default()
        },
    })
    .expect("the native host opens")
}

#[tokio::test]
async fn previous_build_accepted_after_restart() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let public = dir.path().join("public");
    let old = policy("2026-12-01", true);
    let new = policy("2027-01-15", true);

    // The first process loads build 1, then build 2; nobody records a choice.
    write_build(&public, &old);
    let host = open_host(dir.path());
    host.remember_policies().await;
    write_build(&public, &new);
    host.reload().expect("the new build loads");
    host.remember_policies().await;
    drop(host);

    // After a restart only build 2 is published, but a visitor still holds a page
    // of build 1.
    let host = open_host(dir.path());
    let app = host.router();
    for published in [&old, &new] {
        let reply = write(
            &app,
            "POST",
            "/api/consents",
            consent_body(published, "reject_all", "fr"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    let forged = policy("2099-01-01", true);
    let reply = write(
        &app,
        "POST",
        "/api/consents",
        consent_body(&forged, "reject_all", "fr"),
    )
    .await;
    assert_eq!(reply.code(), "unknown_policy");
}

#[tokio::test]
async fn edited_policy_file_not_loaded() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let public = dir.path().join("public");
    write_build(&public, &policy("2026-12-01", true));
    let file = public.join("fr/_comptoir/consent.json");
    let text = std::fs::read_to_string(&file).expect("policy");
    std::fs::write(&file, text.replace("Cookies (2026-12-01)", "Cookies")).expect("edit");
    let error = edge::native::read_catalog(&public).expect_err("an edited policy");
    let message = error.to_string();
    assert!(message.contains("consent.json: `policy_hash`"), "{message}");
    assert!(
        message.contains("does not match the declaration and texts"),
        "{message}"
    );
}

/// Sends a request and returns the status and body text.
trait OneshotText {
    async fn oneshot_text(self, request: Request<Body>) -> (StatusCode, String);
}

impl OneshotText for axum::Router {
    async fn oneshot_text(self, request: Request<Body>) -> (StatusCode, String) {
        use tower::ServiceExt;
        let response = self.oneshot(request).await.expect("the router never fails");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[tokio::test]
async fn native_host_records_connection_network() {
    let edge = edge();
    publish(&edge, policy("2026-12-01", true));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let service = edge
        .app
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, service).await });

    let client = reqwest::Client::new();
    let response = client
        .post(format!("http://{address}/api/consents"))
        .header("origin", ORIGIN)
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        )
        .header("content-type", "application/json")
        .body(consent_body(&policy("2026-12-01", true), "reject_all", "fr").to_string())
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 201);
    server.abort();

    let export = export(&edge).await;
    assert_eq!(export["records"][0]["ip_network"], "127.0.0.0/24");
    assert_eq!(export["records"][0]["user_agent_family"], "Firefox");
}
