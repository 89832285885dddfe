//! `POST /api/consents`, `GET /api/consents/{id}` and the admin export: what is
//! stored for each action, what is rejected and in which words.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;

use axum::http::StatusCode;
use common::*;
use consent_policy::{consent_body, consent_request, policy, publish};
use serde_json::{Value, json};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
const EDGE_BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51";

fn consent_edge() -> TestEdge {
    let edge = edge();
    publish(&edge, policy("2026-12-01", true));
    edge
}

async fn post_consent(edge: &TestEdge, body: &Value) -> Reply {
    write(&edge.app, "POST", "/api/consents", body.clone()).await
}

async fn records(edge: &TestEdge) -> Value {
    let reply = admin(&edge.app, "GET", "/api/admin/consents", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

#[tokio::test]
async fn each_action_recorded_with_published_hash() {
    let edge = consent_edge();
    let published = policy("2026-12-01", true);
    for action in ["accept_all", "reject_all", "custom", "withdraw"] {
        let reply = post_consent(&edge, &consent_body(&published, action, "fr")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{action}: {}", reply.body);
        let id = reply.body["consent_id"].as_str().expect("consent id");
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert_eq!(reply.body["given_at"], "2025-06-15T15:06:40Z");
        // 182 days of retention.
        assert_eq!(reply.body["expires_at"], "2025-12-14T15:06:40Z");
    }

    let export = records(&edge).await;
    assert_eq!(export["chain_valid"], true);
    assert_eq!(export["first_broken_sequence"], Value::Null);
    let stored = export["records"].as_array().expect("records");
    let actions: Vec<&str> = stored
        .iter()
        .map(|record| record["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(actions, ["accept_all", "reject_all", "custom", "withdraw"]);
    for record in stored {
        assert_eq!(record["policy_hash"], published.policy_hash.as_str());
        assert_eq!(record["policy_version"], "2026-12-01");
        assert_eq!(record["store"], "fr");
        assert_eq!(record["locale"], "fr");
        assert_eq!(record["ui_source"], "banner");
        assert_eq!(record["record_hash"].as_str().map(str::len), Some(64));
    }
    assert_eq!(
        stored[0]["purposes"],
        json!({"necessary": true, "statistics": true, "marketing": true, "emailing": false})
    );
    assert_eq!(
        stored[0]["services"],
        json!({"matomo": true, "pixel": true, "brevo": false})
    );
}

#[tokio::test]
async fn accept_all_leaves_checkout_purpose_refused() {
    let edge = consent_edge();
    let published = policy("2026-12-01", true);
    // Even named as granted, `emailing` is not something the banner asks about.
    let mut body = consent_body(&published, "accept_all", "fr");
    body["purposes"] = json!({"statistics": true, "marketing": true, "emailing": true});
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    let record = &records(&edge).await["records"][0];
    assert_eq!(record["action"], "accept_all");
    assert_eq!(
        record["purposes"],
        json!({"necessary": true, "statistics": true, "marketing": true, "emailing": false})
    );
    assert_eq!(
        record["services"],
        json!({"matomo": true, "pixel": true, "brevo": false})
    );
}

#[tokio::test]
async fn reject_all_stores_refusals() {
    let edge = consent_edge();
    let published = policy("2026-12-01", true);
    let reply = post_consent(&edge, &consent_body(&published, "reject_all", "fr")).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let expected_purposes =
        json!({"necessary": true, "statistics": false, "marketing": false, "emailing": false});
    let expected_services = json!({"matomo": false, "pixel": false, "brevo": false});
    assert_eq!(reply.body["purposes"], expected_purposes);

    let export = records(&edge).await;
    let record = &export["records"][0];
    assert_eq!(record["purposes"], expected_purposes);
    assert_eq!(record["services"], expected_services);
}

#[tokio::test]
async fn custom_choice_per_purpose_and_service() {
    let edge = consent_edge();
    let mut body = consent_body(&policy("2026-12-01", true), "custom", "en");
    body["purposes"] = json!({"statistics": true, "marketing": false});
    body["vendors"] = json!({"matomo": true, "pixel": true});
    body["ui_source"] = json!("preferences");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    let record = &records(&edge).await["records"][0];
    assert_eq!(
        record["purposes"],
        json!({"necessary": true, "statistics": true, "marketing": false, "emailing": false})
    );
    // The pixel serves the refused marketing purpose, so it is refused too.
    assert_eq!(
        record["services"],
        json!({"matomo": true, "pixel": false, "brevo": false})
    );
    assert_eq!(record["ui_source"], "preferences");
    assert_eq!(record["locale"], "en");
}

#[tokio::test]
async fn forged_policy_hash_rejected() {
    let edge = consent_edge();
    let mut body = consent_body(&policy("2026-12-01", true), "accept_all", "fr");
    body["policy_hash"] = json!("0".repeat(64));
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_policy");
    assert_eq!(reply.field(), "policy_hash");
    assert_eq!(
        reply.message(),
        "Cette politique de cookies n'a pas été publiée par cette boutique\u{a0}: rechargez la page et refaites votre choix."
    );

    body["locale"] = json!("en");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "unknown_policy");
    assert_eq!(
        reply.message(),
        "This cookie policy was not published by this store: reload the page and make your choice again."
    );

    // The right hash with another version is not what was published either.
    let mut body = consent_body(&policy("2026-12-01", true), "accept_all", "fr");
    body["policy_version"] = json!("2027-01-01");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "unknown_policy");
    assert_eq!(reply.field(), "policy_version");

    assert_eq!(records(&edge).await["records"], json!([]));
}

#[tokio::test]
async fn store_without_policy_rejects_consent() {
    let edge = edge();
    let reply = post_consent(
        &edge,
        &consent_body(&policy("2026-12-01", true), "accept_all", "fr"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_policy");
}

#[tokio::test]
async fn unknown_purpose_rejected() {
    let edge = consent_edge();
    let mut body = consent_body(&policy("2026-12-01", true), "custom", "fr");
    body["purposes"] = json!({"statistics": true, "ads": true});
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_purpose");
    assert_eq!(reply.field(), "purposes.ads");
    assert_eq!(
        reply.message(),
        "La finalité «\u{a0}ads\u{a0}» n'est pas déclarée par cette boutique."
    );

    body["locale"] = json!("en");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(
        reply.message(),
        "The purpose “ads” is not declared by this store."
    );
}

#[tokio::test]
async fn unknown_service_rejected() {
    let edge = consent_edge();
    let mut body = consent_body(&policy("2026-12-01", true), "custom", "en");
    body["vendors"] = json!({"tiktok": true});
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_service");
    assert_eq!(reply.field(), "vendors.tiktok");
    assert_eq!(
        reply.message(),
        "The service “tiktok” is not declared by this store."
    );

    body["locale"] = json!("fr");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(
        reply.message(),
        "Le service «\u{a0}tiktok\u{a0}» n'est pas déclaré par cette boutique."
    );
}

#[tokio::test]
async fn several_unknown_names_listed_together() {
    let edge = consent_edge();
    let mut body = consent_body(&policy("2026-12-01", true), "custom", "en");
    body["purposes"] = json!({"ads": true});
    body["vendors"] = json!({"tiktok": true});
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "validation_failed");
    let codes: Vec<&str> = reply.body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|detail| detail["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["unknown_purpose", "unknown_service"]);
}

#[tokio::test]
async fn invalid_action_and_source_rejected() {
    let edge = consent_edge();
    let mut body = consent_body(&policy("2026-12-01", true), "maybe", "fr");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "invalid_field");
    assert_eq!(reply.field(), "action");

    body["action"] = json!("accept_all");
    // Only the edge writes `unsubscribe` records.
    body["ui_source"] = json!("unsubscribe");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "invalid_field");
    assert_eq!(reply.field(), "ui_source");

    body["ui_source"] = json!("banner");
    body["locale"] = json!("de");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "unsupported_locale");

    body["locale"] = json!("fr");
    body["store"] = json!("nowhere");
    let reply = post_consent(&edge, &body).await;
    assert_eq!(reply.code(), "unknown_store");
}

#[tokio::test]
async fn origin_is_checked() {
    let edge = consent_edge();
    let body = consent_body(&policy("2026-12-01", true), "accept_all", "fr").to_string();
    let reply = send(&edge.app, request("POST", "/api/consents", Some(&body), &[])).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "origin_missing");
    let reply = send(
        &edge.app,
        request(
            "POST",
            "/api/consents",
            Some(&body),
            &[("origin", "https://evil.example")],
        ),
    )
    .await;
    assert_eq!(reply.code(), "origin_not_allowed");
}

#[tokio::test]
async fn idempotency_key_replays_record() {
    let edge = consent_edge();
    let body = consent_body(&policy("2026-12-01", true), "accept_all", "fr").to_string();
    let headers = [("origin", ORIGIN), ("idempotency-key", "consent-1")];
    let first = send(&edge.app, request("POST", "/api/consents", Some(&body), &headers)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = send(&edge.app, request("POST", "/api/consents", Some(&body), &headers)).await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body, first.body);
    assert_eq!(records(&edge).await["records"].as_array().map(Vec::len), Some(1));

    let other = consent_body(&policy("2026-12-01", true), "reject_all", "fr").to_string();
    let reused = send(
        &edge.app,
        request("POST", "/api/consents", Some(&other), &headers),
    )
    .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
}

#[tokio::test]
async fn consent_id_continues_history() {
    let edge = consent_edge();
    let published = policy("2026-12-01", true);
    let first = post_consent(&edge, &consent_body(&published, "accept_all", "fr")).await;
    let id = first.body["consent_id"].as_str().expect("id").to_owned();

    let mut withdraw = consent_body(&published, "withdraw", "fr");
    withdraw["consent_id"] = json!(id);
    withdraw["purposes"] = json!({"marketing": false});
    withdraw["ui_source"] = json!("preferences");
    edge.clock.advance(3600);
    let second = post_consent(&edge, &withdraw).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_eq!(second.body["consent_id"], id.as_str());

    let reply = get(&edge.app, &format!("/api/consents/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["store"], "fr");
    assert_eq!(reply.body["history"].as_array().map(Vec::len), Some(2));
    assert_eq!(reply.body["history"][1]["action"], "withdraw");
    assert_eq!(reply.body["current"]["purposes"]["marketing"], false);
    assert_eq!(reply.body["current"]["purposes"]["statistics"], false);
    assert_eq!(reply.body["current"]["given_at"], "2025-06-15T16:06:40Z");
    assert_eq!(reply.body["current"]["expired"], false);
    let text = reply.body.to_string();
    assert!(!text.contains("ip_network"), "{text}");
    assert!(!text.contains("user_agent"), "{text}");

    // A malformed id is replaced by a new one rather than trusted.
    let mut body = consent_body(&published, "reject_all", "fr");
    body["consent_id"] = json!("not-an-id");
    let reply = post_consent(&edge, &body).await;
    assert_ne!(reply.body["consent_id"], "not-an-id");
    assert_ne!(reply.body["consent_id"], id.as_str());
}

#[tokio::test]
async fn unknown_consent_id_not_found() {
    let edge = consent_edge();
    for id in ["0123456789abcdef0123456789abcdef", "ZZ-not-an-id"] {
        let reply = get(&edge.app, &format!("/api/consents/{id}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(reply.code(), "consent_not_found");
    }
}

#[tokio::test]
async fn previous_build_hash_still_accepted() {
    let edge = consent_edge();
    let old = policy("2026-12-01", true);
    let new = policy("2027-01-15", true);
    assert_ne!(old.policy_hash, new.policy_hash);
    publish(&edge, new.clone());

    for published in [&old, &new] {
        let reply = post_consent(&edge, &consent_body(published, "reject_all", "fr")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    let export = records(&edge).await;
    assert_eq!(export["records"][0]["policy_hash"], old.policy_hash.as_str());
    assert_eq!(export["records"][1]["policy_hash"], new.policy_hash.as_str());
}

#[tokio::test]
async fn device_facts_recorded() {
    let edge = consent_edge();
    let body = consent_body(&policy("2026-12-01", true), "accept_all", "fr");
    let cases = [
        (Some("203.0.113.77"), Some(EDGE_BROWSER)),
        (Some("2001:db8:85a3:8d3:1319:8a2e:370:7348"), Some(FIREFOX)),
        (None, None),
    ];
    for (ip, user_agent) in cases {
        let reply = send(&edge.app, consent_request(&body, ip, user_agent)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    let export = records(&edge).await;
    let stored = &export["records"];
    assert_eq!(stored[0]["ip_network"], "203.0.113.0/24");
    assert_eq!(stored[0]["user_agent_family"], "Edge");
    assert_eq!(stored[1]["ip_network"], "2001:db8:85a3::/48");
    assert_eq!(stored[1]["user_agent_family"], "Firefox");
    assert_eq!(stored[2]["ip_network"], Value::Null);
    assert_eq!(stored[2]["user_agent_family"], "Other");
}

#[tokio::test]
async fn export_filters_and_needs_token() {
    let edge = consent_edge();
    let published = policy("2026-12-01", true);
    post_consent(&edge, &consent_body(&published, "accept_all", "fr")).await;
    edge.clock.advance(2 * 86_400);
    post_consent(&edge, &consent_body(&published, "reject_all", "fr")).await;

    let since = edge::clock::rfc3339(START + 86_400);
    let reply = admin(
        &edge.app,
        "GET",
        &format!("/api/admin/consents?since={since}&store=fr"),
        None,
    )
    .await;
    assert_eq!(reply.body["records"].as_array().map(Vec::len), Some(1));
    assert_eq!(reply.body["records"][0]["sequence"], 2);
    assert_eq!(reply.body["chain_valid"], true);

    let reply = admin(&edge.app, "GET", "/api/admin/consents?store=ch", None).await;
    assert_eq!(reply.body["records"], json!([]));

    let reply = admin(&edge.app, "GET", "/api/admin/consents?since=yesterday", None).await;
    assert_eq!(reply.code(), "invalid_since");

    let reply = get(&edge.app, "/api/admin/consents").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}
