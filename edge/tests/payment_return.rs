//! Card payment return URLs: the edge sends Stripe (here the local stub) success
//! and cancel URLs that reopen the order on the checkout page.

mod common;

#[path = "support/stripe_stub.rs"]
mod stripe_stub;

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use edge::mail::Secret;
use edge::payment::PaymentProvider;
use edge::payment::stripe::{StripeConfig, StripeProvider};
use stripe_stub::StripeStub;

const SECRET_KEY: &str = "sk_test_51comptoir";

/// A test edge whose card payments go to the Stripe stub.
async fn edge_with_stripe() -> (TestEdge, StripeStub) {
    let stub = StripeStub::start(SECRET_KEY).await;
    let config = StripeConfig {
        secret_key: Secret::new(SECRET_KEY),
        webhook_secret: Secret::new("whsec_test_comptoir"),
        api_base: stub.base_url.clone(),
    };
    let provider = StripeProvider::native(config).expect("HTTP client");
    let edge = edge_with(Options {
        provider: Some(Arc::new(provider) as Arc<dyn PaymentProvider>),
        ..Options::default()
    });
    (edge, stub)
}

/// Splits a return URL into its page and its query parameters.
fn split_url(url: &str) -> (String, HashMap<String, String>) {
    let (page, query) = url.split_once('?').expect("a query string");
    let parameters = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    (page.to_owned(), parameters)
}

#[tokio::test]
async fn return_urls_carry_order_token() {
    let (edge, stub) = edge_with_stripe().await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "carte").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.body["id"].as_str().expect("id");
    let token = reply.body["token"].as_str().expect("token");

    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let session = &requests[0];
    for (field, outcome) in [("success_url", "success"), ("cancel_url", "cancel")] {
        let url = session.field(field).expect(field);
        assert!(url.contains("order="), "{field}: {url}");
        assert!(url.contains("token="), "{field}: {url}");
        assert!(url.contains("payment="), "{field}: {url}");
        let (page, parameters) = split_url(url);
        assert_eq!(page, format!("{ORIGIN}/fr/commande/"), "{field}");
        assert_eq!(parameters.get("order").map(String::as_str), Some(id), "{field}");
        assert_eq!(
            parameters.get("token").map(String::as_str),
            Some(token),
            "{field}"
        );
        assert_eq!(
            parameters.get("payment").map(String::as_str),
            Some(outcome),
            "{field}"
        );
        assert_eq!(parameters.len(), 3, "{field}: {url}");
    }
}

#[tokio::test]
async fn return_url_token_opens_order() {
    let (edge, stub) = edge_with_stripe().await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "carte").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    // What the checkout page does when the visitor comes back from Stripe.
    let success_url = stub.requests()[0]
        .field("success_url")
        .expect("success_url")
        .to_owned();
    let (_, parameters) = split_url(&success_url);
    let order_uri = format!(
        "/api/orders/{}?token={}",
        parameters["order"], parameters["token"]
    );
    let order = get(&edge.app, &order_uri).await;
    assert_eq!(order.status, StatusCode::OK, "{}", order.body);
    assert_eq!(order.body["number"], "CB-000001");
    assert_eq!(order.body["status"], "pending");
    assert_eq!(order.body["payment"]["kind"], "card");
    assert!(order.body.get("token").is_none(), "{}", order.body);

    // Without the token, the order id alone does not open the order.
    let without_token = get(&edge.app, &format!("/api/orders/{}", parameters["order"])).await;
    assert_eq!(without_token.status, StatusCode::NOT_FOUND);
    assert_eq!(without_token.code(), "order_not_found");
}
