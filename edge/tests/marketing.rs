//! Email marketing: the checkout opt-in, unsubscribe links, and the providers'
//! APIs against a local stub.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;
#[path = "support/marketing_stub.rs"]
mod marketing_stub;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use consent_policy::{catalog_with, policy, publish};
use edge::mail::Secret;
use edge::marketing::providers::{Brevo, Mailchimp, Mailjet, subscriber_hash};
use edge::marketing::{
    Contact, EMAIL_LIST, MarketingSync, deliver_pending_sync, issue_unsubscribe_link, unsubscribe_token_hash,
};
use edge::payment::http::{HttpClient, ReqwestClient};
use edge::storage::sqlite::SqliteStorage;
use marketing_stub::*;
use serde_json::{Value, json};

fn http() -> Arc<dyn HttpClient> {
    Arc::new(ReqwestClient::new(Duration::from_secs(5)).expect("HTTP client"))
}

fn contact() -> Contact {
    Contact {
        list: EMAIL_LIST.to_owned(),
        email: "marie@example.fr".to_owned(),
        locale: "fr".to_owned(),
    }
}

/// An edge whose French store declares `emailing`, telling `sync` when given.
fn marketing_edge(sync: Option<Arc<dyn MarketingSync>>) -> TestEdge {
    marketing_edge_on(sync, None)
}

fn marketing_edge_on(sync: Option<Arc<dyn MarketingSync>>, database: Option<&std::path::Path>) -> TestEdge {
    let storage = database.map(|path| Arc::new(SqliteStorage::open(path).expect("database")));
    let mut edge = edge_with(Options {
        storage,
        ..Options::default()
    });
    publish(&edge, policy("2026-12-01", true));
    edge.state = edge.state.clone().with_marketing(sync);
    edge.app = edge::router(edge.state.clone());
    edge
}

async fn checkout_with_consent(edge: &TestEdge, email_consent: bool) -> Reply {
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let mut body = checkout_body(&cart, "virement");
    body["marketing_consent"] = json!({"email": email_consent});
    write(&edge.app, "POST", "/api/checkout", body).await
}

async fn consent_records(edge: &TestEdge) -> Vec<Value> {
    let reply = admin(&edge.app, "GET", "/api/admin/consents", None).await;
    assert_eq!(reply.body["chain_valid"], true, "{}", reply.body);
    reply.body["records"].as_array().cloned().unwrap_or_default()
}

fn token_of(reply: &Reply) -> String {
    let url = reply.body["marketing_consent"]["unsubscribe_url"]
        .as_str()
        .expect("an unsubscribe link");
    let prefix = format!("{ORIGIN}/api/unsubscribe?token=");
    assert!(url.starts_with(&prefix), "{url}");
    url[prefix.len()..].to_owned()
}

async fn subscription_rows(edge: &TestEdge) -> Vec<Vec<i64>> {
    edge.storage
        .query_integers(
            "SELECT id, status = 'subscribed', unsubscribed_at IS NULL FROM marketing_subscriptions",
        )
        .await
        .expect("query")
}

#[tokio::test]
async fn checkout_opt_in_records_consent_and_subscription() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database = dir.path().join("edge.sqlite3");
    let edge = marketing_edge_on(None, Some(&database));
    let reply = checkout_with_consent(&edge, true).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["marketing_consent"]["email"], true);
    let token = token_of(&reply);
    assert_eq!(token.len(), 64);

    let records = consent_records(&edge).await;
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["ui_source"], "checkout");
    assert_eq!(record["action"], "custom");
    assert_eq!(record["purposes"], json!({"emailing": true, "necessary": true}));
    assert_eq!(record["services"], json!({"brevo": true}));
    assert_eq!(
        record["policy_hash"],
        policy("2026-12-01", true).policy_hash.as_str()
    );
    assert_eq!(record["locale"], "fr");

    assert_eq!(subscription_rows(&edge).await, [vec![1, 1, 1]]);
    let connection = rusqlite::Connection::open(&database).expect("open");
    let (email, locale, list): (String, String, String) = connection
        .query_row(
            "SELECT email_key, locale, list FROM marketing_subscriptions",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .expect("subscription");
    assert_eq!(
        (email.as_str(), locale.as_str(), list.as_str()),
        ("marie@example.fr", "fr", "email")
    );
    // The token is stored hashed only.
    let hashes: Vec<String> = connection
        .prepare("SELECT token_hash FROM unsubscribe_tokens")
        .expect("query")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("hashes");
    assert_eq!(hashes, [unsubscribe_token_hash(&token)]);
    drop(connection);
    drop(edge);
    for entry in std::fs::read_dir(dir.path()).expect("folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("file");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&token),
            "{} contains the token",
            path.display()
        );
    }
}

#[tokio::test]
async fn checkout_opt_out_records_nothing() {
    let edge = marketing_edge(None);
    let reply = checkout_with_consent(&edge, false).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["marketing_consent"], json!({"email": false}));
    assert!(consent_records(&edge).await.is_empty());
    assert!(subscription_rows(&edge).await.is_empty());

    // Without the field the response has no `marketing_consent` either.
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.body.get("marketing_consent"), None);
}

#[tokio::test]
async fn opt_in_without_emailing_purpose_rejected() {
    for published in [Some(policy("2026-12-01", false)), None] {
        let edge = edge();
        edge.state.catalog_handle().replace(catalog_with(published));
        let cart = new_cart(&edge.app).await;
        add(&edge.app, &cart, "LIVRE", 1).await;
        let mut body = checkout_body(&cart, "virement");
        body["marketing_consent"] = json!({"email": true});
        let reply = write(&edge.app, "POST", "/api/checkout", body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.code(), "marketing_consent_unavailable");
        assert_eq!(reply.field(), "marketing_consent.email");
        assert_eq!(
            reply.message(),
            "Cette boutique n'envoie pas d'e-mails commerciaux\u{a0}: décochez la case pour commander."
        );
        // No order was placed: the cart can still be checked out.
        let cart_view = get(&edge.app, &format!("/api/carts/{cart}")).await;
        assert_eq!(cart_view.body["checked_out"], false);
    }
}

#[tokio::test]
async fn unsubscribe_once_then_twice() {
    let edge = marketing_edge(None);
    let reply = checkout_with_consent(&edge, true).await;
    let token = token_of(&reply);
    let consent_id = consent_records(&edge).await[0]["consent_id"].clone();

    for attempt in 0..2 {
        edge.clock.advance(60);
        let reply = send(
            &edge.app,
            request(
                "POST",
                "/api/unsubscribe",
                Some(&json!({"token": token}).to_string()),
                &[],
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "attempt {attempt}: {}", reply.body);
        assert_eq!(reply.body, json!({"status": "unsubscribed"}));
    }

    assert_eq!(subscription_rows(&edge).await, [vec![1, 0, 0]]);
    let records = consent_records(&edge).await;
    assert_eq!(records.len(), 2, "the second unsubscription records nothing");
    let withdrawal = &records[1];
    assert_eq!(withdrawal["action"], "withdraw");
    assert_eq!(withdrawal["ui_source"], "unsubscribe");
    assert_eq!(withdrawal["consent_id"], consent_id);
    assert_eq!(
        withdrawal["purposes"],
        json!({"emailing": false, "necessary": true})
    );
    assert_eq!(withdrawal["services"], json!({"brevo": false}));

    let id = consent_id.as_str().expect("id");
    let current = get(&edge.app, &format!("/api/consents/{id}")).await;
    assert_eq!(current.body["current"]["purposes"]["emailing"], false);
}

#[tokio::test]
async fn unsubscribe_page_shows_nothing_personal() {
    let edge = marketing_edge(None);
    let token = token_of(&checkout_with_consent(&edge, true).await);

    let confirm = page(&edge, &format!("/api/unsubscribe?token={token}"), None).await;
    assert_eq!(confirm.0, StatusCode::OK);
    assert_eq!(confirm.1.as_deref(), Some("no-store"));
    let html = confirm.2;
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(
        html.contains("Ne plus recevoir les e-mails commerciaux de Atelier Brume\u{a0}?"),
        "{html}"
    );
    assert!(
        html.contains("<form method=\"post\" action=\"/api/unsubscribe\">"),
        "{html}"
    );
    assert!(html.contains(&format!("value=\"{token}\"")), "{html}");
    for personal in ["marie", "Marie", "example.fr", "Curie"] {
        assert!(!html.contains(personal), "the page shows `{personal}`");
    }
    // Opening the link changes nothing: mail scanners open links.
    assert_eq!(subscription_rows(&edge).await, [vec![1, 1, 1]]);

    let json_status = send(
        &edge.app,
        request(
            "GET",
            &format!("/api/unsubscribe?token={token}"),
            None,
            &[("accept", "application/json")],
        ),
    )
    .await;
    assert_eq!(json_status.body, json!({"status": "subscribed"}));

    // The page's button posts a form and gets a page back.
    let form = send(
        &edge.app,
        request_with_body(
            "/api/unsubscribe",
            &format!("token={token}"),
            "application/x-www-form-urlencoded",
        ),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    let done = page(&edge, &format!("/api/unsubscribe?token={token}"), None).await;
    assert!(
        done.2
            .contains("Vous ne recevrez plus d&#x27;e-mails commerciaux de Atelier Brume."),
        "{}",
        done.2
    );
    assert!(!done.2.contains("<form"), "{}", done.2);

    let missing = page(&edge, "/api/unsubscribe?token=0000", Some("en")).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);
    assert!(
        missing
            .2
            .contains("This unsubscribe link is invalid or incomplete: open the whole link from the email."),
        "{}",
        missing.2
    );
}

#[tokio::test]
async fn one_click_unsubscribe_without_origin() {
    let edge = marketing_edge(None);
    let token = token_of(&checkout_with_consent(&edge, true).await);
    let reply = send(
        &edge.app,
        request_with_body(
            &format!("/api/unsubscribe?token={token}"),
            "List-Unsubscribe=One-Click",
            "application/x-www-form-urlencoded",
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"status": "unsubscribed"}));
    assert_eq!(subscription_rows(&edge).await, [vec![1, 0, 0]]);
}

#[tokio::test]
async fn unknown_token_rejected() {
    let edge = marketing_edge(None);
    let reply = send(
        &edge.app,
        request(
            "POST",
            "/api/unsubscribe",
            Some(r#"{"token": "abc"}"#),
            &[("accept-language", "fr")],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "unsubscribe_token_not_found");
    assert_eq!(
        reply.message(),
        "Ce lien de désinscription est invalide ou incomplet."
    );
}

#[tokio::test]
async fn sender_issues_working_links() {
    let edge = marketing_edge(None);
    checkout_with_consent(&edge, true).await;
    let link = issue_unsubscribe_link(&edge.state, "fr", EMAIL_LIST, " Marie@Example.fr ")
        .await
        .expect("storage")
        .expect("a subscribed email");
    assert!(
        link.url
            .starts_with("https://boutique.example/api/unsubscribe?token="),
        "{}",
        link.url
    );
    assert_eq!(link.headers.list_unsubscribe, format!("<{}>", link.url));
    assert_eq!(link.headers.list_unsubscribe_post, "List-Unsubscribe=One-Click");

    let unknown = issue_unsubscribe_link(&edge.state, "fr", EMAIL_LIST, "paul@example.fr")
        .await
        .expect("storage");
    assert_eq!(unknown, None);

    let path = link.url.trim_start_matches("https://boutique.example");
    let reply = send(
        &edge.app,
        request_with_body(
            path,
            "List-Unsubscribe=One-Click",
            "application/x-www-form-urlencoded",
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    // Once unsubscribed, no new link is issued.
    let after = issue_unsubscribe_link(&edge.state, "fr", EMAIL_LIST, "marie@example.fr")
        .await
        .expect("storage");
    assert_eq!(after, None);
}

#[tokio::test]
async fn subscription_and_withdrawal_reach_provider() {
    let stub = MarketingStub::start().await;
    let brevo: Arc<dyn MarketingSync> =
        Arc::new(Brevo::new(http(), &stub.base_url, Secret::new(BREVO_KEY), 7));
    let edge = marketing_edge(Some(brevo));
    let reply = checkout_with_consent(&edge, true).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/v3/contacts");
    assert_eq!(
        requests[0].body,
        json!({"email": "marie@example.fr", "listIds": [7], "updateEnabled": true, "emailBlacklisted": false})
    );

    let token = token_of(&reply);
    let body = json!({"token": token}).to_string();
    send(&edge.app, request("POST", "/api/unsubscribe", Some(&body), &[])).await;
    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path, "/v3/contacts/lists/7/contacts/remove");
    assert_eq!(requests[1].body, json!({"emails": ["marie@example.fr"]}));
    assert_eq!(deliver_pending_sync(&edge.state).await, 0);
}

#[tokio::test]
async fn brevo_calls_match_its_api() {
    let stub = MarketingStub::start().await;
    let brevo = Brevo::new(http(), &stub.base_url, Secret::new(BREVO_KEY), 7);
    brevo.subscribe(&contact()).await.expect("subscribe");
    brevo.unsubscribe(&contact()).await.expect("unsubscribe");
    brevo.forget(&contact()).await.expect("forget");
    // A contact the provider no longer knows is already forgotten.
    brevo.forget(&contact()).await.expect("forget again");

    let requests = stub.requests();
    let calls: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| (request.method.as_str(), request.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST", "/v3/contacts"),
            ("POST", "/v3/contacts/lists/7/contacts/remove"),
            ("DELETE", "/v3/contacts/marie%40example.fr"),
            ("DELETE", "/v3/contacts/marie%40example.fr"),
        ]
    );
    assert_eq!(requests[0].headers["api-key"], BREVO_KEY);
    assert_eq!(requests[0].headers["content-type"], "application/json");

    let wrong = Brevo::new(http(), &stub.base_url, Secret::new("wrong"), 7);
    let error = wrong.subscribe(&contact()).await.expect_err("unauthorized");
    assert_eq!(
        error.reason,
        "brevo: POST contact returned HTTP 401 (unauthorized)"
    );
}

#[tokio::test]
async fn mailjet_calls_match_its_api() {
    let stub = MarketingStub::start().await;
    let mailjet = Mailjet::new(
        http(),
        &stub.base_url,
        Secret::new(MAILJET_KEY),
        Secret::new(MAILJET_SECRET),
        "1234",
    );
    mailjet.subscribe(&contact()).await.expect("subscribe");
    mailjet.unsubscribe(&contact()).await.expect("unsubscribe");
    mailjet.forget(&contact()).await.expect("forget");

    let requests = stub.requests();
    let calls: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| (request.method.as_str(), request.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST", "/v3/REST/contactslist/1234/managecontact"),
            ("POST", "/v3/REST/contactslist/1234/managecontact"),
            ("GET", "/v3/REST/contact/marie%40example.fr"),
            ("DELETE", "/v4/contacts/4242"),
        ]
    );
    assert_eq!(
        requests[0].body,
        json!({"Email": "marie@example.fr", "Action": "addforce"})
    );
    assert_eq!(
        requests[1].body,
        json!({"Email": "marie@example.fr", "Action": "unsub"})
    );

    let wrong = Mailjet::new(
        http(),
        &stub.base_url,
        Secret::new(MAILJET_KEY),
        Secret::new("wrong"),
        "1234",
    );
    let error = wrong.unsubscribe(&contact()).await.expect_err("unauthorized");
    assert_eq!(
        error.reason,
        "mailjet: POST managecontact returned HTTP 401 (unauthorized)"
    );

    // Forgetting a contact Mailjet does not know needs no deletion.
    let stranger = Contact {
        email: "paul@example.fr".to_owned(),
        ..contact()
    };
    mailjet.forget(&stranger).await.expect("nothing to forget");
    assert_eq!(
        stub.requests().last().map(|request| request.method.clone()),
        Some("GET".to_owned())
    );
}

#[tokio::test]
async fn mailchimp_calls_match_its_api() {
    let stub = MarketingStub::start().await;
    let mailchimp = Mailchimp::new(http(), &stub.base_url, Secret::new(MAILCHIMP_KEY), "a1b2c3");
    let shouting = Contact {
        email: "Marie@Example.fr".to_owned(),
        locale: "fr-BE".to_owned(),
        ..contact()
    };
    mailchimp.subscribe(&shouting).await.expect("subscribe");
    mailchimp.unsubscribe(&shouting).await.expect("unsubscribe");
    mailchimp.forget(&shouting).await.expect("forget");

    let member = format!(
        "/3.0/lists/a1b2c3/members/{}",
        subscriber_hash("marie@example.fr")
    );
    let requests = stub.requests();
    let calls: Vec<(&str, &str)> = requests
        .iter()
        .map(|request| (request.method.as_str(), request.path.as_str()))
        .collect();
    let delete = format!("{member}/actions/delete-permanent");
    assert_eq!(
        calls,
        [
            ("PUT", member.as_str()),
            ("PUT", member.as_str()),
            ("POST", delete.as_str())
        ]
    );
    assert_eq!(
        requests[0].body,
        json!({"email_address": "Marie@Example.fr", "status_if_new": "subscribed", "status": "subscribed", "language": "fr"})
    );
    assert_eq!(requests[1].body["status"], "unsubscribed");

    let wrong = Mailchimp::new(http(), &stub.base_url, Secret::new("bad-us21"), "a1b2c3");
    let error = wrong.subscribe(&contact()).await.expect_err("unauthorized");
    assert_eq!(
        error.reason,
        "mailchimp: PUT list member returned HTTP 401 (API Key Invalid)"
    );
    assert!(!error.reason.contains("marie"));
}

/// A `POST` with a body of another type than JSON, without `Origin`.
fn request_with_body(uri: &str, body: &str, content_type: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body.to_owned()))
        .expect("valid request")
}

/// A `GET` of an HTML page: status, `Cache-Control` and text.
async fn page(edge: &TestEdge, uri: &str, language: Option<&str>) -> (StatusCode, Option<String>, String) {
    use tower::ServiceExt;
    let mut builder = axum::http::Request::builder().uri(uri);
    if let Some(language) = language {
        builder = builder.header("accept-language", language);
    }
    let request = builder.body(axum::body::Body::empty()).expect("request");
    let response = edge.app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, cache, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn sync_round_stops_at_first_failure() {
    let stub = MarketingStub::start().await;
    let brevo: Arc<dyn MarketingSync> =
        Arc::new(Brevo::new(http(), &stub.base_url, Secret::new(BREVO_KEY), 7));
    let edge = marketing_edge(Some(brevo));
    stub.fail_next(2, 503);
    for _ in 0..2 {
        let reply = checkout_with_consent(&edge, true).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    // The second checkout's round retried the first job, failed, and left its own
    // job for the next round.
    let jobs = edge
        .storage
        .query_integers("SELECT id, attempts, done_at IS NULL FROM marketing_sync_jobs ORDER BY id")
        .await
        .expect("query");
    assert_eq!(jobs, [vec![1, 2, 1], vec![2, 0, 1]]);
    assert_eq!(stub.requests().len(), 2);

    assert_eq!(deliver_pending_sync(&edge.state).await, 2);
    assert_eq!(deliver_pending_sync(&edge.state).await, 0);
}
