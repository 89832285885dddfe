//! Personal-data requests over the HTTP API: the same response for known and unknown
//! addresses, single-use tokens bound to a store, exports across stores, download
//! links, rate limits, the admin listing and the erasure's report.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use common::*;
use edge::catalog::{Catalog, CatalogHandle};
use edge::clock::ManualClock;
use edge::consent::client::ClientIp;
use edge::mail::{BoxFuture, Email, EmailTemplates, MailError, Mailer};
use edge::storage::sqlite::SqliteStorage;
use edge::storage::{InactivePerson, Storage};
use edge::{AppState, EdgeConfig, StateParts};
use serde_json::{Value, json};

const CH_ORIGIN: &str = "https://ch.boutique.example";
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

async fn ask(app: &Router, kind: &str, email: &str, locale: &str) -> Reply {
    write(
        app,
        "POST",
        "/api/data-requests",
        json!({"store": "fr", "kind": kind, "email": email, "locale": locale}),
    )
    .await
}

async fn confirm(app: &Router, store: &str, token: &str) -> Reply {
    let origin = if store == "ch" { CH_ORIGIN } else { ORIGIN };
    let body = json!({"token": token, "store": store}).to_string();
    send(
        app,
        request(
            "POST",
            "/api/data-requests/confirm",
            Some(&body),
            &[("origin", origin)],
        ),
    )
    .await
}

/// Extracts the token of the last confirmation link sent to `to`.
fn token_sent_to(mailer: &MemoryMailer, to: &str) -> String {
    let email = mailer
        .sent()
        .into_iter()
        .rev()
        .find(|email| email.to == to)
        .unwrap_or_else(|| panic!("no email to {to}"));
    let start = email.text.find("#token=").expect("a confirmation link") + "#token=".len();
    email.text[start..start + 64].to_owned()
}

/// Places an order in `store` for `email`, paid by bank transfer; returns its number.
async fn order_for(app: &Router, store: &str, email: &str) -> String {
    let (origin, currency, sku) = match store {
        "ch" => (CH_ORIGIN, "CHF", "CH-ONLY"),
        _ => (ORIGIN, "EUR", "LIVRE"),
    };
    let cart_body = json!({"store": store, "currency": currency, "locale": "fr"}).to_string();
    let cart = send(
        app,
        request("POST", "/api/carts", Some(&cart_body), &[("origin", origin)]),
    )
    .await;
    assert_eq!(cart.status, StatusCode::CREATED, "{}", cart.body);
    let cart_id = cart.body["id"].as_str().expect("cart id").to_owned();
    let line = json!({"sku": sku, "quantity": 1}).to_string();
    let added = send(
        app,
        request(
            "POST",
            &format!("/api/carts/{cart_id}/lines"),
            Some(&line),
            &[("origin", origin)],
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let mut body = checkout_body(&cart_id, "virement");
    if store == "ch" {
        // The Swiss store sells in CHF, and only pickup has no price per currency.
        body["shipping_method"] = json!("retrait");
    }
    body["customer"]["email"] = json!(email);
    body["customer"]["name"] = json!(format!("Name of {email}"));
    let text = body.to_string();
    let placed = send(
        app,
        request("POST", "/api/checkout", Some(&text), &[("origin", origin)]),
    )
    .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    placed.body["number"].as_str().expect("order number").to_owned()
}

async fn download(app: &Router, url: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    use tower::ServiceExt;
    let response = app
        .clone()
        .oneshot(request("GET", url, None, &[]))
        .await
        .expect("the router never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, headers, String::from_utf8(bytes.to_vec()).expect("UTF-8"))
}

#[tokio::test]
async fn unknown_email_same_answer() {
    let edge = edge();
    order_for(&edge.app, "fr", "marie@example.fr").await;
    let sent_before = edge.mailer.sent().len();

    let known = ask(&edge.app, "export", "marie@example.fr", "fr").await;
    let unknown = ask(&edge.app, "export", "nobody@example.fr", "fr").await;
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    assert_eq!(known.body, unknown.body);
    assert_eq!(known.headers, unknown.headers);

    let sent = edge.mailer.sent();
    assert_eq!(sent.len(), sent_before + 2, "one confirmation per request");
    assert!(
        sent.iter()
            .any(|email| email.to == "marie@example.fr" && email.text.contains("#token="))
    );
    assert!(
        sent.iter()
            .any(|email| email.to == "nobody@example.fr" && email.text.contains("#token="))
    );
}

/// A mailer that takes a few milliseconds, as a real transport does, and counts.
#[derive(Default)]
struct SlowMailer {
    sent: Mutex<Vec<String>>,
}

impl Mailer for SlowMailer {
    fn send<'a>(&'a self, email: &'a Email) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(4)).await;
            self.sent.lock().expect("mailer lock").push(email.to.clone());
            Ok(())
        })
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn known_and_unknown_take_same_time() {
    let storage = Arc::new(SqliteStorage::open_in_memory().expect("in-memory database"));
    let mailer = Arc::new(SlowMailer::default());
    let state = AppState::new(StateParts {
        catalog: Arc::new(CatalogHandle::new(catalog())),
        storage: storage.clone() as Arc<dyn Storage>,
        mailer: mailer.clone(),
        payments: None,
        clock: Arc::new(ManualClock::new(START)),
        config: EdgeConfig {
            admin_token: Some(ADMIN_TOKEN.to_owned()),
            data_request_email_limit: 1000,
            data_request_ip_limit: 1000,
            ..EdgeConfig::default()
        },
    });
    let app = edge::router(state);
    order_for(&app, "fr", "marie@example.fr").await;
    let sent_before = mailer.sent.lock().expect("mailer lock").len();

    const ROUNDS: usize = 30;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    // Interleaved, so a slow moment of the machine hits both paths alike.
    for round in 0..ROUNDS {
        let started = Instant::now();
        let reply = ask(&app, "erasure", "marie@example.fr", "fr").await;
        known.push(started.elapsed());
        assert_eq!(reply.status, StatusCode::ACCEPTED);

        let started = Instant::now();
        let reply = ask(&app, "erasure", &format!("nobody{round}@example.fr"), "fr").await;
        unknown.push(started.elapsed());
        assert_eq!(reply.status, StatusCode::ACCEPTED);
    }
    assert_eq!(
        mailer.sent.lock().expect("mailer lock").len(),
        sent_before + 2 * ROUNDS
    );
    let (known, unknown) = (median(known), median(unknown));
    let ratio =
        known.as_secs_f64().max(unknown.as_secs_f64()) / known.as_secs_f64().min(unknown.as_secs_f64());
    assert!(ratio < 1.5, "median known {known:?}, unknown {unknown:?}");
}

#[tokio::test]
async fn token_works_once() {
    let edge = edge();
    assert_eq!(
        ask(&edge.app, "export", "anne@example.fr", "fr").await.status,
        StatusCode::ACCEPTED
    );
    let token = token_sent_to(&edge.mailer, "anne@example.fr");

    let other_store = confirm(&edge.app, "ch", &token).await;
    assert_eq!(other_store.status, StatusCode::GONE, "{}", other_store.body);
    assert_eq!(other_store.code(), "invalid_token");

    let first = confirm(&edge.app, "fr", &token).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["status"], "fulfilled");
    assert_eq!(first.body["kind"], "export");

    let again = confirm(&edge.app, "fr", &token).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(
        again.body, other_store.body,
        "a used token reads like an unknown one"
    );

    let unknown = confirm(&edge.app, "fr", &"ab".repeat(32)).await;
    assert_eq!(unknown.status, StatusCode::GONE);
    assert_eq!(unknown.code(), "invalid_token");
}

#[tokio::test]
async fn token_expires_after_24_hours() {
    let edge = edge();
    ask(&edge.app, "export", "anne@example.fr", "en").await;
    let late = token_sent_to(&edge.mailer, "anne@example.fr");
    edge.clock.advance(24 * HOUR);
    let reply = confirm(&edge.app, "fr", &late).await;
    assert_eq!(reply.status, StatusCode::GONE);
    assert_eq!(reply.code(), "invalid_token");

    ask(&edge.app, "export", "anne@example.fr", "en").await;
    let fresh = token_sent_to(&edge.mailer, "anne@example.fr");
    edge.clock.advance(24 * HOUR - 1);
    assert_eq!(confirm(&edge.app, "fr", &fresh).await.status, StatusCode::OK);
}

#[tokio::test]
async fn export_holds_only_that_person() {
    let edge = edge();
    let anne_fr = order_for(&edge.app, "fr", "Anne@Example.fr").await;
    let anne_ch = order_for(&edge.app, "ch", "anne@example.FR").await;
    let plus = order_for(&edge.app, "fr", "anne+shop@example.fr").await;
    let annette = order_for(&edge.app, "fr", "annette@example.fr").await;

    ask(&edge.app, "export", "ANNE@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "ANNE@example.fr");
    let confirmed = confirm(&edge.app, "fr", &token).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let url = confirmed.body["download"]["json"]
        .as_str()
        .expect("json link")
        .to_owned();

    let (status, _, text) = download(&edge.app, &url).await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_str(&text).expect("JSON export");
    assert_eq!(document["format"], "comptoir-personal-data/1");
    let mut numbers: Vec<&str> = document["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|order| order["number"].as_str().expect("number"))
        .collect();
    numbers.sort_unstable();
    let mut expected = vec![anne_fr.as_str(), anne_ch.as_str()];
    expected.sort_unstable();
    assert_eq!(numbers, expected);
    let stores: Vec<&str> = document["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|order| order["store"].as_str().expect("store"))
        .collect();
    assert!(stores.contains(&"ch"), "{stores:?}");
    assert!(stores.contains(&"fr"), "{stores:?}");
    assert!(!text.contains(&plus), "plus-addressed order leaked");
    assert!(!text.contains(&annette), "similar address leaked");
    assert!(!text.to_lowercase().contains("anne+shop@"), "plus address leaked");
    assert!(
        !text.to_lowercase().contains("annette@"),
        "similar address leaked"
    );
    assert_eq!(document["addresses"][0]["type"], "billing");
    assert!(
        document["customer"]["name"].is_string(),
        "{}",
        document["customer"]
    );
}

#[tokio::test]
async fn each_format_downloads_once() {
    let edge = edge();
    order_for(&edge.app, "fr", "anne@example.fr").await;
    ask(&edge.app, "export", "anne@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "anne@example.fr");
    let confirmed = confirm(&edge.app, "fr", &token).await;
    let links = confirmed.body["download"].clone();

    let cases = [
        ("json", "application/json", ".json\""),
        ("csv", "text/csv; charset=utf-8", ".csv\""),
        ("html", "text/html; charset=utf-8", ".html\""),
    ];
    for (format, content_type, extension) in cases {
        let url = links[format].as_str().expect("link");
        let (status, headers, body) = download(&edge.app, url).await;
        assert_eq!(status, StatusCode::OK, "{format}: {body}");
        assert_eq!(headers["content-type"], content_type, "{format}");
        assert_eq!(headers["cache-control"], "no-store", "{format}");
        let disposition = headers["content-disposition"].to_str().expect("ASCII");
        assert!(
            disposition.starts_with("attachment; filename=\"personal-data-fr-"),
            "{disposition}"
        );
        assert!(disposition.ends_with(extension), "{disposition}");
        assert!(body.contains("Name of anne@example.fr"), "{format}: {body}");

        let (second, _, body) = download(&edge.app, url).await;
        assert_eq!(second, StatusCode::GONE, "{format}: {body}");
        assert!(body.contains("export_already_downloaded"), "{body}");
    }

    let (_, _, csv) = {
        ask(&edge.app, "export", "anne@example.fr", "fr").await;
        let token = token_sent_to(&edge.mailer, "anne@example.fr");
        let links = confirm(&edge.app, "fr", &token).await.body["download"].clone();
        download(&edge.app, links["csv"].as_str().expect("link")).await
    };
    assert!(csv.starts_with("\u{FEFF}section,item,field,value\r\n"), "{csv}");
    assert!(csv.contains("customer,,name,Name of anne@example.fr"), "{csv}");
}

#[tokio::test]
async fn download_link_expires_after_72_hours() {
    let edge = edge();
    ask(&edge.app, "export", "anne@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "anne@example.fr");
    let confirmed = confirm(&edge.app, "fr", &token).await;
    let url = confirmed.body["download"]["json"]
        .as_str()
        .expect("link")
        .to_owned();
    edge.clock.advance(72 * HOUR);
    let (status, _, body) = download(&edge.app, &url).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("export_not_found"), "{body}");
}

#[tokio::test]
async fn export_format_invalid() {
    let edge = edge();
    let (status, _, body) = download(
        &edge.app,
        &format!("/api/data-requests/exports/{}?format=pdf", "ab".repeat(32)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("invalid_format"), "{body}");
}

#[tokio::test]
async fn throttled_per_email() {
    let edge = edge();
    for _ in 0..3 {
        assert_eq!(
            ask(&edge.app, "export", "anne@example.fr", "fr").await.status,
            StatusCode::ACCEPTED
        );
    }
    let sent = edge.mailer.sent().len();
    let throttled = ask(&edge.app, "export", "Anne@Example.fr", "fr").await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        throttled.body
    );
    assert_eq!(throttled.code(), "too_many_requests");
    assert_eq!(throttled.headers["retry-after"], "86400");
    assert_eq!(
        edge.mailer.sent().len(),
        sent,
        "a throttled request sends nothing"
    );
    let listed = admin(&edge.app, "GET", "/api/admin/data-requests", None).await;
    assert_eq!(listed.body["data_requests"].as_array().expect("list").len(), 3);

    edge.clock.advance(24 * HOUR);
    assert_eq!(
        ask(&edge.app, "export", "anne@example.fr", "fr").await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn throttled_per_network() {
    let edge = edge();
    let from = |ip: &str, email: &str| {
        let body = json!({"store": "fr", "kind": "export", "email": email, "locale": "fr"}).to_string();
        let mut request = request("POST", "/api/data-requests", Some(&body), &[("origin", ORIGIN)]);
        request
            .extensions_mut()
            .insert(ClientIp(ip.parse().expect("IP address")));
        request
    };
    for index in 0..10 {
        let reply = send(&edge.app, from("203.0.113.7", &format!("p{index}@example.fr"))).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
    }
    let same_network = send(&edge.app, from("203.0.113.200", "other@example.fr")).await;
    assert_eq!(same_network.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(same_network.headers["retry-after"], "3600");
    let other_network = send(&edge.app, from("198.51.100.7", "other@example.fr")).await;
    assert_eq!(other_network.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn origin_required() {
    let edge = edge();
    let body =
        json!({"store": "fr", "kind": "export", "email": "anne@example.fr", "locale": "fr"}).to_string();
    let missing = send(&edge.app, request("POST", "/api/data-requests", Some(&body), &[])).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert_eq!(missing.code(), "origin_missing");
    let foreign = send(
        &edge.app,
        request(
            "POST",
            "/api/data-requests",
            Some(&body),
            &[("origin", "https://evil.example")],
        ),
    )
    .await;
    assert_eq!(foreign.code(), "origin_not_allowed");
    let confirm_body = json!({"token": "ab".repeat(32), "store": "fr"}).to_string();
    let confirm = send(
        &edge.app,
        request("POST", "/api/data-requests/confirm", Some(&confirm_body), &[]),
    )
    .await;
    assert_eq!(confirm.code(), "origin_missing");
    assert!(edge.mailer.sent().is_empty());
}

#[tokio::test]
async fn invalid_requests_rejected() {
    let edge = edge();
    let cases = [
        (
            json!({"store": "fr", "kind": "export", "email": "not-an-email", "locale": "fr"}),
            "invalid_email",
            "email",
        ),
        (
            json!({"store": "fr", "kind": "copy", "email": "a@example.fr", "locale": "fr"}),
            "invalid_field",
            "kind",
        ),
        (
            json!({"store": "xx", "kind": "export", "email": "a@example.fr", "locale": "fr"}),
            "unknown_store",
            "store",
        ),
        (
            json!({"store": "fr", "kind": "export", "email": "a@example.fr", "locale": "de"}),
            "unsupported_locale",
            "locale",
        ),
    ];
    for (body, code, field) in cases {
        let reply = write(&edge.app, "POST", "/api/data-requests", body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert_eq!(reply.code(), code);
        assert_eq!(reply.field(), field);
    }
    let french = write(
        &edge.app,
        "POST",
        "/api/data-requests",
        json!({"store": "fr", "kind": "export", "email": "x", "locale": "fr"}),
    )
    .await;
    assert_eq!(french.message(), "L'adresse e-mail est invalide.");
    assert!(edge.mailer.sent().is_empty());
}

#[tokio::test]
async fn admin_list_flags_urgent() {
    let edge = edge();
    ask(&edge.app, "erasure", "anne@example.fr", "fr").await;
    let listed = admin(&edge.app, "GET", "/api/admin/data-requests?open=true", None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let entry = &listed.body["data_requests"][0];
    assert_eq!(entry["status"], "received");
    assert_eq!(entry["urgent"], false);
    assert!(entry.get("email").is_none(), "the listing shows no address");
    // Received 2025-06-15T15:06:40Z: one month later.
    assert_eq!(entry["received_at"], "2025-06-15T15:06:40Z");
    assert_eq!(entry["deadline_at"], "2025-07-15T15:06:40Z");

    let deadline = 30 * DAY;
    edge.clock.advance(deadline - 7 * DAY - 1);
    let listed = admin(&edge.app, "GET", "/api/admin/data-requests", None).await;
    assert_eq!(listed.body["data_requests"][0]["urgent"], false);
    edge.clock.advance(2);
    let listed = admin(&edge.app, "GET", "/api/admin/data-requests?status=received", None).await;
    assert_eq!(listed.body["data_requests"][0]["urgent"], true);
    assert_eq!(listed.body["data_requests"][0]["days_left"], 6);

    let bad = admin(&edge.app, "GET", "/api/admin/data-requests?status=done", None).await;
    assert_eq!(bad.code(), "invalid_request_status");
    let log = admin(&edge.app, "GET", "/api/admin/data-requests/log", None).await;
    assert_eq!(log.body["entries"][0]["event"], "received");
    let (status, headers, csv) = {
        use tower::ServiceExt;
        let bearer = format!("Bearer {ADMIN_TOKEN}");
        let response = edge
            .app
            .clone()
            .oneshot(request(
                "GET",
                "/api/admin/data-requests/log?format=csv",
                None,
                &[("authorization", &bearer)],
            ))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, String::from_utf8(bytes.to_vec()).expect("UTF-8"))
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.starts_with("sequence,request_id,store,kind,event,at,deadline_at,detail\r\n1,"),
        "{csv}"
    );
    assert!(!csv.contains("anne@"), "the log holds no address");
}

#[tokio::test]
async fn admin_extends_deadline() {
    let edge = edge();
    ask(&edge.app, "export", "anne@example.fr", "en").await;
    let id = admin(&edge.app, "GET", "/api/admin/data-requests", None)
        .await
        .body["data_requests"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let uri = format!("/api/admin/data-requests/{id}/extend");
    let too_long = admin(&edge.app, "POST", &uri, Some(json!({"months": 3}))).await;
    assert_eq!(too_long.code(), "invalid_extension");
    let extended = admin(&edge.app, "POST", &uri, Some(json!({"months": 2}))).await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.body);
    assert_eq!(extended.body["deadline_at"], "2025-09-15T15:06:40Z");
    let notice = edge.mailer.sent().pop().expect("notice");
    assert_eq!(notice.to, "anne@example.fr");
    assert!(notice.text.contains("15 September 2025"), "{}", notice.text);
    let unknown = admin(
        &edge.app,
        "POST",
        "/api/admin/data-requests/nope/extend",
        Some(json!({"months": 1})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn erasure_deferred_while_order_open() {
    let edge = edge();
    let number = order_for(&edge.app, "fr", "anne@example.fr").await;
    ask(&edge.app, "erasure", "anne@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "anne@example.fr");
    let reply = confirm(&edge.app, "fr", &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["status"], "deferred");
    assert_eq!(reply.body["kind"], "erasure");
    assert_eq!(reply.body["report"]["deferred"][0]["number"], number.as_str());
    assert_eq!(reply.body["report"]["deferred"][0]["open_until"], Value::Null);
    let report = edge.mailer.sent().pop().expect("report email");
    assert_eq!(report.to, "anne@example.fr");
    assert!(report.text.contains(&number), "{}", report.text);
    assert!(report.text.contains("pas encore expédiée"), "{}", report.text);

    // Cancelled, the unpaid order keeps nothing: a new erasure deletes it.
    let cancelled = admin(
        &edge.app,
        "POST",
        &format!("/api/admin/orders/{number}/status"),
        Some(json!({"status": "cancelled"})),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    ask(&edge.app, "erasure", "anne@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "anne@example.fr");
    let reply = confirm(&edge.app, "fr", &token).await;
    assert_eq!(reply.body["status"], "fulfilled", "{}", reply.body);
    assert_eq!(reply.body["report"]["deleted"]["orders_deleted"], 1);
    assert_eq!(reply.body["report"]["kept"], json!([]));
}

#[tokio::test]
async fn export_after_erasure_shows_the_archive() {
    let edge = edge();
    let number = order_for(&edge.app, "fr", "anne@example.fr").await;
    for status in ["payment_accepted", "in_preparation", "shipped"] {
        let moved = admin(
            &edge.app,
            "POST",
            &format!("/api/admin/orders/{number}/status"),
            Some(json!({"status": status})),
        )
        .await;
        assert_eq!(moved.status, StatusCode::OK, "{status}: {}", moved.body);
    }
    // Past the withdrawal period, the paid order no longer defers the erasure.
    edge.clock.advance(15 * DAY);
    ask(&edge.app, "erasure", "anne@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "anne@example.fr");
    let erased = confirm(&edge.app, "fr", &token).await;
    assert_eq!(erased.body["status"], "fulfilled", "{}", erased.body);
    assert_eq!(erased.body["report"]["kept"][0]["number"], number.as_str());

    // The person may still ask what is kept: the export lists the archived invoice.
    ask(&edge.app, "export", "anne@example.fr", "fr").await;
    let token = token_sent_to(&edge.mailer, "anne@example.fr");
    let confirmed = confirm(&edge.app, "fr", &token).await;
    let json_url = confirmed.body["download"]["json"]
        .as_str()
        .expect("link")
        .to_owned();
    let (status, _, body) = download(&edge.app, &json_url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(document["orders"], json!([]), "{document:#}");
    let archived = &document["archived_orders"][0];
    assert_eq!(archived["number"], number.as_str(), "{document:#}");
    assert_eq!(archived["ground"], "invoice");
    assert_eq!(archived["billing"]["name"], "Marie Curie");
    assert_eq!(
        archived["billing"].get("email"),
        None,
        "the archive keeps no email"
    );
    let html_url = confirmed.body["download"]["html"]
        .as_str()
        .expect("link")
        .to_owned();
    let (_, _, html) = download(&edge.app, &html_url).await;
    assert!(html.contains("Code de commerce L123-22"), "{html}");
    assert!(html.contains(&number), "{html}");
}

#[tokio::test]
async fn unicode_lookalike_is_another_person() {
    let edge = edge();
    order_for(&edge.app, "fr", "kate@example.com").await;
    // The Kelvin sign lowercases to an ASCII `k` under full Unicode rules, but it
    // is another mailbox: it must not select Kate's data.
    let lookalike = "\u{212A}ate@example.com";
    let asked = ask(&edge.app, "export", lookalike, "fr").await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    let token = token_sent_to(&edge.mailer, lookalike);
    let confirmed = confirm(&edge.app, "fr", &token).await;
    let url = confirmed.body["download"]["json"]
        .as_str()
        .expect("link")
        .to_owned();
    let (_, _, body) = download(&edge.app, &url).await;
    let document: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(document["orders"], json!([]), "{document:#}");
    assert_eq!(document["customer"], Value::Null, "{document:#}");
}

// --- Emails rendered from the themes -----------------------------------------

fn theme_files(theme: &str) -> Vec<(String, String)> {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../themes")
        .join(theme);
    let mut files = Vec::new();
    collect(
        &root.join("templates/emails"),
        &root.join("templates/emails"),
        &mut files,
    );
    for entry in std::fs::read_dir(root.join("i18n")).expect("i18n folder") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        if name.starts_with("emails.") {
            files.push((name, std::fs::read_to_string(&path).expect("strings")));
        }
    }
    files
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("templates folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, std::fs::read_to_string(&path).expect("template")));
        }
    }
}

/// Builds a test edge whose stores render emails with `theme`'s templates.
fn themed_edge(theme: &str) -> TestEdge {
    let edge = edge();
    let with_templates = |book, manifest| {
        let mut store = store(book, manifest);
        store.emails = Some(EmailTemplates::from_files(theme_files(theme)).expect("theme templates"));
        store
    };
    edge.state.catalog_handle().replace(Catalog::from_stores(vec![
        with_templates(price_book_fr(), manifest_fr()),
        with_templates(price_book_ch(), manifest_ch()),
    ]));
    edge
}

fn redact(text: &str) -> String {
    match text.find("#token=") {
        Some(start) => {
            let start = start + "#token=".len();
            format!("{}<token>{}", &text[..start], &text[start + 64..])
        }
        None => text.to_owned(),
    }
}

#[tokio::test]
async fn confirmation_email_snapshots() {
    for theme in ["comptoir", "atelier"] {
        let edge = themed_edge(theme);
        for (kind, locale) in [("export", "fr"), ("erasure", "en")] {
            ask(&edge.app, kind, "anne@example.fr", locale).await;
            let email = edge.mailer.sent().pop().expect("confirmation");
            let html = email.html.clone().expect("HTML part");
            assert!(
                html.contains("/mes-donnees/#token=") || html.contains("/my-data/#token="),
                "{html}"
            );
            assert!(!html.contains("<script"), "{html}");
            if theme == "comptoir" {
                insta::assert_snapshot!(
                    format!("confirm_{kind}_{locale}"),
                    format!("Subject: {}\n\n{}", email.subject, redact(&email.text))
                );
            }
        }
    }
}

#[tokio::test]
async fn report_email_snapshots() {
    let edge = themed_edge("comptoir");
    let number = order_for(&edge.app, "fr", "anne@example.fr").await;
    for locale in ["fr", "en"] {
        ask(&edge.app, "erasure", "anne@example.fr", locale).await;
        let token = token_sent_to(&edge.mailer, "anne@example.fr");
        confirm(&edge.app, "fr", &token).await;
        let email = edge.mailer.sent().pop().expect("report");
        assert!(email.text.contains(&number));
        insta::assert_snapshot!(
            format!("report_deferred_{locale}"),
            format!("Subject: {}\n\n{}", email.subject, email.text)
        );
    }
}

#[tokio::test]
async fn inactive_warning_snapshots() {
    let edge = themed_edge("comptoir");
    for locale in ["fr", "en"] {
        let person = InactivePerson {
            email_key: "anne@example.fr".into(),
            email: "anne@example.fr".into(),
            store: "fr".into(),
            locale: locale.into(),
            last_contact_at: START - 3 * 365 * DAY,
            warned_at: None,
        };
        edge::privacy::emails::send_inactive_warning(&edge.state, &person, START + 30 * DAY)
            .await
            .expect("sent");
        let email = edge.mailer.sent().pop().expect("warning");
        assert_eq!(email.to, "anne@example.fr");
        assert!(email.html.is_some());
        insta::assert_snapshot!(
            format!("inactive_warning_{locale}"),
            format!("Subject: {}\n\n{}", email.subject, email.text)
        );
    }
}
