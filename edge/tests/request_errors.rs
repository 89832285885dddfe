//! Request errors in the JSON error format: query strings, the admin token's
//! scheme and forbidden characters in checkout fields.

mod common;

use axum::http::StatusCode;
use common::{ADMIN_TOKEN, add, admin, checkout_body, edge, get, new_cart, request, send, write};
use serde_json::json;

#[tokio::test]
async fn missing_query_parameter_is_json() {
    let edge = edge();

    let reply = get(&edge.app, "/api/availability?skus=TASSE").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_query");
    assert_eq!(reply.field(), "store");
    assert_eq!(
        reply.message(),
        "Le paramètre d'URL « store » est absent ou invalide."
    );

    let english = send(
        &edge.app,
        request(
            "GET",
            "/api/availability?skus=TASSE",
            None,
            &[("accept-language", "en")],
        ),
    )
    .await;
    assert_eq!(english.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        english.message(),
        "The query parameter “store” is missing or invalid."
    );
}

#[tokio::test]
async fn repeated_query_parameter_is_rejected() {
    let edge = edge();
    let reply = get(&edge.app, "/api/availability?store=fr&store=ch&skus=TASSE").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_query");
    assert_eq!(reply.field(), "store");
}

#[tokio::test]
async fn admin_unknown_status_filter() {
    let edge = edge();

    let reply = admin(&edge.app, "GET", "/api/admin/orders?status=nope", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.code(), "unknown_status");
    assert_eq!(reply.field(), "status");
    assert!(reply.message().contains("awaiting_stock"), "{}", reply.message());

    for status in ["pending", "awaiting_stock"] {
        let known = admin(
            &edge.app,
            "GET",
            &format!("/api/admin/orders?status={status}"),
            None,
        )
        .await;
        assert_eq!(known.status, StatusCode::OK, "{status}: {}", known.body);
    }
}

#[tokio::test]
async fn bearer_scheme_case_insensitive() {
    let edge = edge();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let authorization = format!("{scheme} {ADMIN_TOKEN}");
        let reply = send(
            &edge.app,
            request(
                "GET",
                "/api/admin/orders",
                None,
                &[("authorization", &authorization)],
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{scheme}: {}", reply.body);
    }

    let basic = format!("Basic {ADMIN_TOKEN}");
    let reply = send(
        &edge.app,
        request("GET", "/api/admin/orders", None, &[("authorization", &basic)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn checkout_rejects_control_and_bidi_characters() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    let added = add(&edge.app, &cart, "LIVRE", 1).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);

    let cases = [
        ("/customer/name", "Marie\nCurie", "customer.name"),
        (
            "/billing_address/street",
            "12 rue\u{0}de la Paix",
            "billing_address.street",
        ),
        (
            "/billing_address/name",
            "Marie \u{202E}eiruC",
            "billing_address.name",
        ),
        ("/billing_address/city", "Paris\u{2067}", "billing_address.city"),
    ];
    for (pointer, value, field) in cases {
        let mut body = checkout_body(&cart, "virement");
        *body.pointer_mut(pointer).expect("field in body") = json!(value);
        let reply = write(&edge.app, "POST", "/api/checkout", body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            reply.body
        );
        assert_eq!(reply.code(), "invalid_characters", "{field}: {}", reply.body);
        assert_eq!(reply.field(), field);
        assert_eq!(
            reply.message(),
            format!(
                "Le champ « {field} » contient un saut de ligne, un caractère de contrôle ou un caractère de sens d'écriture ; retirez-le."
            )
        );
    }
}
