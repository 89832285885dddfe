//! Router tests: every endpoint and error, through `tower::ServiceExt::oneshot`.

mod common;

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use common::*;
use edge::notify::deliver_pending;
use serde_json::{Value, json};

fn amount(value: &Value) -> i64 {
    value["amount"].as_i64().unwrap_or(i64::MIN)
}

// ---------------------------------------------------------------- carts

#[tokio::test]
async fn cart_created_with_store_defaults() {
    let edge = edge();
    let reply = write(&edge.app, "POST", "/api/carts", json!({"store": "fr"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body["currency"], "EUR");
    assert_eq!(reply.body["locale"], "fr");
    assert_eq!(reply.body["lines"], json!([]));
    assert_eq!(reply.body["total"]["formatted"], "0,00\u{a0}€");
    assert_eq!(reply.body["id"].as_str().map(str::len), Some(32));
}

#[tokio::test]
async fn cart_rejects_unknown_store_currency_locale() {
    let edge = edge();
    let reply = write(&edge.app, "POST", "/api/carts", json!({"store": "de"})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_store");
    assert_eq!(reply.field(), "store");

    let reply = write(
        &edge.app,
        "POST",
        "/api/carts",
        json!({"store": "fr", "currency": "CHF"}),
    )
    .await;
    assert_eq!(reply.code(), "unsupported_currency");
    assert_eq!(reply.field(), "currency");
    assert_eq!(
        reply.message(),
        "Cette boutique ne vend pas en CHF. Devises acceptées : EUR."
    );

    let reply = write(
        &edge.app,
        "POST",
        "/api/carts",
        json!({"store": "fr", "currency": "XYZ"}),
    )
    .await;
    assert_eq!(reply.code(), "unsupported_currency");

    let reply = write(
        &edge.app,
        "POST",
        "/api/carts",
        json!({"store": "fr", "locale": "de", "currency": "EUR"}),
    )
    .await;
    assert_eq!(reply.code(), "unsupported_locale");
    assert_eq!(reply.field(), "locale");
}

#[tokio::test]
async fn error_language_follows_request() {
    let edge = edge();
    let body = json!({"store": "de"}).to_string();
    let english = send(
        &edge.app,
        request(
            "POST",
            "/api/carts",
            Some(&body),
            &[("origin", ORIGIN), ("accept-language", "en-GB,en;q=0.9")],
        ),
    )
    .await;
    assert_eq!(english.message(), "There is no store “de”.");
    let french = send(
        &edge.app,
        request(
            "POST",
            "/api/carts",
            Some(&body),
            &[("origin", ORIGIN), ("accept-language", "fr")],
        ),
    )
    .await;
    assert_eq!(french.message(), "La boutique « de » n'existe pas.");
    // Without Accept-Language, the first store's default locale (fr) applies.
    let default = send(
        &edge.app,
        request("POST", "/api/carts", Some(&body), &[("origin", ORIGIN)]),
    )
    .await;
    assert_eq!(default.message(), "La boutique « de » n'existe pas.");
}

#[tokio::test]
async fn writes_need_store_origin() {
    let edge = edge();
    let body = json!({"store": "fr"}).to_string();
    let foreign = send(
        &edge.app,
        request(
            "POST",
            "/api/carts",
            Some(&body),
            &[("origin", "https://evil.example")],
        ),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(foreign.code(), "origin_not_allowed");

    let missing = send(&edge.app, request("POST", "/api/carts", Some(&body), &[])).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert_eq!(missing.code(), "origin_missing");

    // The Swiss store's origin may not write to the French store.
    let other_store = send(
        &edge.app,
        request(
            "POST",
            "/api/carts",
            Some(&body),
            &[("origin", "https://ch.boutique.example")],
        ),
    )
    .await;
    assert_eq!(other_store.code(), "origin_not_allowed");

    let cart = new_cart(&edge.app).await;
    let line = json!({"sku": "LIVRE", "quantity": 1}).to_string();
    let reply = send(
        &edge.app,
        request(
            "POST",
            &format!("/api/carts/{cart}/lines"),
            Some(&line),
            &[("origin", "https://evil.example")],
        ),
    )
    .await;
    assert_eq!(reply.code(), "origin_not_allowed");
}

#[tokio::test]
async fn malformed_and_oversized_bodies() {
    let edge = edge();
    let reply = send(
        &edge.app,
        request("POST", "/api/carts", Some("{\"store\": "), &[("origin", ORIGIN)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_json");

    let reply = write(&edge.app, "POST", "/api/carts", json!({"store": 12})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "invalid_field");
    assert_eq!(reply.field(), "store");

    let reply = write(&edge.app, "POST", "/api/carts", json!({"currency": "EUR"})).await;
    assert_eq!(reply.code(), "missing_field");
    assert_eq!(reply.field(), "store");

    let huge = format!(
        "{{\"store\": \"fr\", \"padding\": \"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let reply = send(
        &edge.app,
        request("POST", "/api/carts", Some(&huge), &[("origin", ORIGIN)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");
    assert_eq!(reply.message(), "Le corps de la requête dépasse 64 Kio.");
}

#[tokio::test]
async fn unknown_route_and_method_are_json() {
    let edge = edge();
    let reply = get(&edge.app, "/api/nothing").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "route_not_found");
    let reply = send(&edge.app, request("DELETE", "/api/checkout", None, &[])).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.code(), "method_not_allowed");
}

#[tokio::test]
async fn line_prices_come_from_price_book() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 10).await;
    let cart = new_cart(&edge.app).await;
    let reply = write(
        &edge.app,
        "POST",
        &format!("/api/carts/{cart}/lines"),
        json!({"sku": "TASSE", "quantity": 2, "price": 1, "unit_price": {"amount": 1}, "total": 2}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let line = &reply.body["lines"][0];
    assert_eq!(amount(&line["unit_price"]), 2490);
    assert_eq!(amount(&line["line_total"]), 4980);
    assert_eq!(line["title"], "Tasse");
    assert_eq!(line["tax_rate"]["basis_points"], 2000);
    assert_eq!(amount(&reply.body["total"]), 4980);
    assert_eq!(reply.body["total"]["formatted"], "49,80\u{a0}€");
    // 49,80 € TTC at 20 %: 8,30 € of VAT.
    assert_eq!(amount(&reply.body["tax_total"]), 830);
    assert_eq!(amount(&reply.body["total_excl_tax"]), 4150);

    // Adding the same sku again adds to the line.
    let reply = add(&edge.app, &cart, "TASSE", 1).await;
    assert_eq!(reply.body["lines"][0]["quantity"], 3);
    assert_eq!(reply.body["lines"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn tampered_quantities_rejected() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    for quantity in [
        json!(-1),
        json!(0),
        json!(1.5),
        json!(3_000_000_000_i64),
        json!("2"),
        json!(null),
        json!(10_000),
    ] {
        let reply = write(
            &edge.app,
            "POST",
            &format!("/api/carts/{cart}/lines"),
            json!({"sku": "LIVRE", "quantity": quantity}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{quantity}");
        assert_eq!(reply.code(), "invalid_quantity", "{quantity}");
        assert_eq!(reply.field(), "quantity");
        assert_eq!(
            reply.message(),
            "La quantité doit être un nombre entier de 1 à 9999."
        );
    }
    let reply = write(
        &edge.app,
        "POST",
        &format!("/api/carts/{cart}/lines"),
        json!({"sku": "LIVRE"}),
    )
    .await;
    assert_eq!(reply.code(), "invalid_quantity");
}

#[tokio::test]
async fn unknown_and_foreign_skus_rejected() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    let reply = add(&edge.app, &cart, "NOPE", 1).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_sku");
    assert_eq!(reply.field(), "sku");
    // Sold by the Swiss store only.
    let reply = add(&edge.app, &cart, "CH-ONLY", 1).await;
    assert_eq!(reply.code(), "unknown_sku");
    let reply = add(&edge.app, &cart, "", 1).await;
    assert_eq!(reply.code(), "invalid_sku");
}

#[tokio::test]
async fn tracked_sku_without_stock_rejected() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    let reply = add(&edge.app, &cart, "TASSE", 1).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "out_of_stock");
    assert_eq!(
        reply.message(),
        "Stock insuffisant pour « Tasse » : il en reste 0."
    );
}

#[tokio::test]
async fn stock_drop_reduces_line_once() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 5).await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "TASSE", 4).await;
    set_stock(&edge.app, "TASSE", 2).await;

    let reply = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(reply.body["lines"][0]["quantity"], 2);
    let warnings = reply.body["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["code"], "quantity_reduced");
    assert_eq!(
        warnings[0]["message"],
        "Il ne reste que 2 « Tasse » : la quantité passe de 4 à 2."
    );
    let again = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(again.body["warnings"], json!([]));
    assert_eq!(again.body["lines"][0]["quantity"], 2);

    set_stock(&edge.app, "TASSE", 0).await;
    let reply = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(reply.body["lines"], json!([]));
    assert_eq!(reply.body["warnings"][0]["code"], "out_of_stock");
}

#[tokio::test]
async fn price_change_warns_once() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;

    let mut book = price_book_fr();
    if let Some(item) = book.items.get_mut("LIVRE") {
        item.prices.insert(commerce::Currency::EUR, 2199);
    }
    edge.state
        .catalog_handle()
        .replace(edge::catalog::Catalog::from_stores(vec![
            store(book, manifest_fr()),
            store(price_book_ch(), manifest_ch()),
        ]));

    let reply = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(amount(&reply.body["lines"][0]["unit_price"]), 2199);
    assert_eq!(reply.body["warnings"][0]["code"], "price_changed");
    assert_eq!(
        reply.body["warnings"][0]["message"],
        "Le prix de « Livre » est passé de 19,99\u{a0}€ à 21,99\u{a0}€."
    );
    let again = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(again.body["warnings"], json!([]));
}

#[tokio::test]
async fn patch_and_delete_lines() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    add(&edge.app, &cart, "AFFICHE", 1).await;

    let reply = write(
        &edge.app,
        "PATCH",
        &format!("/api/carts/{cart}/lines/LIVRE"),
        json!({"quantity": 3}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["lines"][0]["quantity"], 3);

    let reply = write(
        &edge.app,
        "PATCH",
        &format!("/api/carts/{cart}/lines/LIVRE"),
        json!({"quantity": -2}),
    )
    .await;
    assert_eq!(reply.code(), "invalid_quantity");

    let reply = write(
        &edge.app,
        "PATCH",
        &format!("/api/carts/{cart}/lines/LIVRE"),
        json!({"quantity": 0}),
    )
    .await;
    assert_eq!(reply.body["lines"].as_array().map(Vec::len), Some(1));
    assert_eq!(reply.body["lines"][0]["sku"], "AFFICHE");

    let reply = write(
        &edge.app,
        "PATCH",
        &format!("/api/carts/{cart}/lines/LIVRE"),
        json!({"quantity": 1}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "line_not_found");

    let reply = send(
        &edge.app,
        request(
            "DELETE",
            &format!("/api/carts/{cart}/lines/AFFICHE"),
            None,
            &[("origin", ORIGIN)],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["lines"], json!([]));

    let reply = send(
        &edge.app,
        request(
            "DELETE",
            &format!("/api/carts/{cart}/lines/AFFICHE"),
            None,
            &[("origin", ORIGIN)],
        ),
    )
    .await;
    assert_eq!(reply.code(), "line_not_found");
}

#[tokio::test]
async fn unknown_and_expired_carts_not_found() {
    let edge = edge();
    let reply = get(&edge.app, "/api/carts/0123456789abcdef0123456789abcdef").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "cart_not_found");

    let cart = new_cart(&edge.app).await;
    edge.clock.advance(29 * 86_400);
    assert_eq!(
        get(&edge.app, &format!("/api/carts/{cart}")).await.status,
        StatusCode::OK
    );
    add(&edge.app, &cart, "LIVRE", 1).await;
    // A change pushes the expiry back by 30 days.
    edge.clock.advance(29 * 86_400);
    assert_eq!(
        get(&edge.app, &format!("/api/carts/{cart}")).await.status,
        StatusCode::OK
    );
    edge.clock.advance(2 * 86_400);
    let reply = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(reply.code(), "cart_not_found");

    use edge::storage::Storage;
    let purged = edge
        .storage
        .purge_expired_carts(edge.clock_now())
        .await
        .expect("purge");
    assert_eq!(purged, 1);
}

trait ClockNow {
    fn clock_now(&self) -> i64;
}

impl ClockNow for TestEdge {
    fn clock_now(&self) -> i64 {
        self.state.now()
    }
}

#[tokio::test]
async fn availability_by_policy() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 3).await;
    let reply = get(
        &edge.app,
        "/api/availability?store=fr&skus=TASSE,LIVRE,BOL,AFFICHE,NOPE",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body["TASSE"],
        json!({"available": true, "quantity": 3, "backorder": false})
    );
    assert_eq!(
        reply.body["LIVRE"],
        json!({"available": true, "backorder": false})
    );
    assert_eq!(
        reply.body["BOL"],
        json!({"available": true, "quantity": 0, "backorder": true, "backorder_days": 15})
    );
    assert_eq!(
        reply.body["NOPE"],
        json!({"available": false, "backorder": false})
    );

    let many: Vec<String> = (0..101).map(|index| format!("S{index}")).collect();
    let reply = get(
        &edge.app,
        &format!("/api/availability?store=fr&skus={}", many.join(",")),
    )
    .await;
    assert_eq!(reply.code(), "too_many_skus");
    let reply = get(&edge.app, "/api/availability?store=xx&skus=A").await;
    assert_eq!(reply.code(), "unknown_store");
}

#[tokio::test]
async fn shipping_quotes_on_cart() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;

    let reply = get(
        &edge.app,
        &format!("/api/carts/{cart}?shipping_method=colissimo&country=BE"),
    )
    .await;
    assert_eq!(amount(&reply.body["shipping"]["amount"]), 490);
    assert_eq!(amount(&reply.body["total"]), 1999 + 490);
    assert_eq!(
        amount(&reply.body["total_excl_tax"]) + amount(&reply.body["tax_total"]),
        amount(&reply.body["total"])
    );

    let reply = get(
        &edge.app,
        &format!("/api/carts/{cart}?shipping_method=colissimo&country=DE"),
    )
    .await;
    assert_eq!(reply.code(), "country_not_served");

    let reply = get(
        &edge.app,
        &format!("/api/carts/{cart}/shipping-options?country=FR"),
    )
    .await;
    let options = reply.body["options"].as_array().cloned().unwrap_or_default();
    assert_eq!(options.len(), 3);
    assert_eq!(amount(&options[0]["price"]), 490);
    // 500 g: the first weight band.
    assert_eq!(amount(&options[1]["price"]), 350);
    assert_eq!(amount(&options[2]["price"]), 0);

    // Free from 60 € of goods.
    add(&edge.app, &cart, "AFFICHE", 2).await;
    let reply = get(&edge.app, &format!("/api/carts/{cart}?shipping_method=colissimo")).await;
    assert_eq!(amount(&reply.body["shipping"]["amount"]), 0);

    let reply = get(
        &edge.app,
        &format!("/api/carts/{cart}/shipping-options?country=DE"),
    )
    .await;
    assert_eq!(reply.body["options"][0]["available"], false);
    assert_eq!(reply.body["options"][0]["reason"]["code"], "country_not_served");
}

// ---------------------------------------------------------------- checkout

#[tokio::test]
async fn bank_transfer_checkout() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 5).await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "TASSE", 2).await;

    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let order = &reply.body;
    assert_eq!(order["number"], "CB-000001");
    assert_eq!(order["status"], "pending");
    assert_eq!(order["status_label"], "En attente");
    assert_eq!(amount(&order["total"]), 4980 + 490);
    assert_eq!(order["payment"]["kind"], "bank_transfer");
    assert_eq!(
        order["payment"]["instructions"]["iban"],
        "FR7630006000011234567890189"
    );
    assert_eq!(order["payment"]["instructions"]["bic"], "AGRIFRPP");
    assert_eq!(
        order["payment"]["instructions"]["account_holder"],
        "Atelier Brume"
    );
    assert_eq!(order["payment"]["instructions"]["reference"], "CB-000001");
    let token = order["token"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 64);

    let stock = admin(&edge.app, "GET", "/api/admin/stock/TASSE", None).await;
    assert_eq!(stock.body["quantity"], 3);

    let sent = edge.mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "Marie@Example.fr");
    assert_eq!(sent[0].subject, "Votre commande CB-000001 chez Atelier Brume");

    let id = order["id"].as_str().expect("id");
    let mine = get(&edge.app, &format!("/api/orders/{id}?token={token}")).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body["number"], "CB-000001");
    assert!(mine.body.get("token").is_none());
    for uri in [
        format!("/api/orders/{id}?token=0000"),
        format!("/api/orders/{id}"),
        format!("/api/orders/unknown?token={token}"),
    ] {
        let reply = get(&edge.app, &uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(reply.code(), "order_not_found");
    }

    let again = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "cart_checked_out");
    let change = add(&edge.app, &cart, "LIVRE", 1).await;
    assert_eq!(change.code(), "cart_checked_out");
}

#[tokio::test]
async fn cheque_checkout_numbers_follow() {
    let edge = edge();
    for expected in ["CB-000001", "CB-000002"] {
        let cart = new_cart(&edge.app).await;
        add(&edge.app, &cart, "LIVRE", 1).await;
        let reply = checkout(&edge.app, &cart, "cheque").await;
        assert_eq!(reply.body["number"], expected);
        assert_eq!(
            reply.body["payment"]["instructions"]["payable_to"],
            "Atelier Brume"
        );
        assert_eq!(reply.body["payment"]["instructions"]["reference"], expected);
    }
}

#[tokio::test]
async fn checkout_totals_add_up() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    add(&edge.app, &cart, "AFFICHE", 1).await;
    let reply = checkout(&edge.app, &cart, "virement").await;
    let order = &reply.body;
    let lines = order["lines"].as_array().cloned().unwrap_or_default();
    let line_tax: i64 = lines.iter().map(|line| amount(&line["line_tax"])).sum();
    let line_net: i64 = lines
        .iter()
        .map(|line| amount(&line["line_total_excl_tax"]))
        .sum();
    assert_eq!(line_tax, amount(&order["items_tax"]));
    assert_eq!(line_net, amount(&order["items_excl_tax"]));
    assert_eq!(
        amount(&order["total_excl_tax"]) + amount(&order["tax_total"]),
        amount(&order["total"])
    );
    assert_eq!(
        amount(&order["items_tax"]) + amount(&order["shipping"]["tax"]),
        amount(&order["tax_total"])
    );
    assert_eq!(amount(&order["total"]), 1999 + 3000 + 490);
}

#[tokio::test]
async fn checkout_reports_every_invalid_field() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = write(
        &edge.app,
        "POST",
        "/api/checkout",
        json!({
            "cart_id": cart,
            "customer": {"email": "not-an-email", "name": ""},
            "billing_address": {"name": "M", "street": "", "postal_code": "75002", "city": "Paris", "country": "France"},
            "shipping_method": "colissimo",
            "payment_method": "virement",
        }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "validation_failed");
    assert_eq!(reply.field(), "customer.email");
    let details: Vec<(String, String)> = reply.body["error"]["details"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|detail| {
            (
                detail["code"].as_str().unwrap_or("").to_owned(),
                detail["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        details,
        vec![
            ("invalid_email".to_owned(), "customer.email".to_owned()),
            ("field_required".to_owned(), "customer.name".to_owned()),
            ("invalid_country".to_owned(), "billing_address.country".to_owned()),
            ("field_required".to_owned(), "billing_address.street".to_owned()),
        ]
    );

    let mut body = checkout_body(&cart, "virement");
    body["shipping_address"] = json!({"name": "M", "street": "1 Hauptstraße", "postal_code": "10115", "city": "Berlin", "country": "DE"});
    let reply = write(&edge.app, "POST", "/api/checkout", body).await;
    assert_eq!(reply.code(), "country_not_served");
    assert_eq!(reply.field(), "shipping_address.country");
    assert_eq!(reply.message(), "Ce mode de livraison ne livre pas en DE.");

    let mut body = checkout_body(&cart, "virement");
    body["shipping_method"] = json!("drone");
    let reply = write(&edge.app, "POST", "/api/checkout", body).await;
    assert_eq!(reply.code(), "unknown_shipping_method");

    let reply = checkout(&edge.app, &cart, "bitcoin").await;
    assert_eq!(reply.code(), "unknown_payment_method");
    assert_eq!(reply.field(), "payment_method");

    let mut body = checkout_body(&cart, "virement");
    body["cart_id"] = json!("0123456789abcdef0123456789abcdef");
    let reply = write(&edge.app, "POST", "/api/checkout", body).await;
    assert_eq!(reply.code(), "cart_not_found");
}

#[tokio::test]
async fn checkout_of_empty_cart_rejected() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "cart_empty");
}

#[tokio::test]
async fn checkout_stops_on_unseen_changes() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 3).await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    add(&edge.app, &cart, "TASSE", 3).await;
    set_stock(&edge.app, "TASSE", 1).await;

    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "out_of_stock");
    assert_eq!(reply.field(), "lines[1].quantity");
    assert_eq!(
        reply.message(),
        "Stock insuffisant pour « Tasse » : il en reste 1."
    );

    // The cart now shows the reduced quantity; the next checkout goes through.
    let cart_view = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(cart_view.body["lines"][1]["quantity"], 1);
    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

#[tokio::test]
async fn backorder_and_negative_stock_orders() {
    let edge = edge();
    set_stock(&edge.app, "BOL", 1).await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "BOL", 3).await;
    add(&edge.app, &cart, "AFFICHE", 2).await;
    let view = get(&edge.app, &format!("/api/carts/{cart}")).await;
    assert_eq!(view.body["lines"][0]["backorder"]["quantity"], 2);
    assert_eq!(
        view.body["lines"][0]["backorder"]["message"],
        "2 à expédier sous 15 jours."
    );

    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["lines"][0]["backorder"]["days"], 15);
    assert_eq!(
        admin(&edge.app, "GET", "/api/admin/stock/BOL", None).await.body["quantity"],
        -2
    );
    assert_eq!(
        admin(&edge.app, "GET", "/api/admin/stock/AFFICHE", None)
            .await
            .body["quantity"],
        -2
    );
}

#[tokio::test]
async fn idempotent_cart_creation() {
    let edge = edge();
    let body = json!({"store": "fr", "currency": "EUR", "locale": "fr"}).to_string();
    let headers = [("origin", ORIGIN), ("idempotency-key", "cart-key-1")];
    let first = send(&edge.app, request("POST", "/api/carts", Some(&body), &headers)).await;
    let second = send(&edge.app, request("POST", "/api/carts", Some(&body), &headers)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.body["id"], second.body["id"]);

    let other = json!({"store": "fr", "locale": "en"}).to_string();
    let reused = send(&edge.app, request("POST", "/api/carts", Some(&other), &headers)).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(reused.field(), "Idempotency-Key");

    let bad_key = send(
        &edge.app,
        request(
            "POST",
            "/api/carts",
            Some(&body),
            &[("origin", ORIGIN), ("idempotency-key", "")],
        ),
    )
    .await;
    assert_eq!(bad_key.code(), "invalid_idempotency_key");
}

#[tokio::test]
async fn idempotent_checkout() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 5).await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "TASSE", 1).await;
    let body = checkout_body(&cart, "virement").to_string();
    let headers = [("origin", ORIGIN), ("idempotency-key", "checkout-1")];

    let first = send(&edge.app, request("POST", "/api/checkout", Some(&body), &headers)).await;
    let second = send(&edge.app, request("POST", "/api/checkout", Some(&body), &headers)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.body["number"], second.body["number"]);
    assert_eq!(first.body["token"], second.body["token"]);
    assert_eq!(first.body["id"], second.body["id"]);

    let mut changed = checkout_body(&cart, "cheque");
    changed["customer"]["name"] = json!("Pierre Curie");
    let reused = send(
        &edge.app,
        request("POST", "/api/checkout", Some(&changed.to_string()), &headers),
    )
    .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");

    let orders = admin(&edge.app, "GET", "/api/admin/orders", None).await;
    assert_eq!(orders.body["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        admin(&edge.app, "GET", "/api/admin/stock/TASSE", None).await.body["quantity"],
        4
    );
}

#[tokio::test]
async fn email_failure_keeps_order() {
    let edge = edge();
    edge.mailer.fail.store(true, Ordering::SeqCst);
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "virement").await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert!(edge.mailer.sent().is_empty());

    edge.mailer.fail.store(false, Ordering::SeqCst);
    assert_eq!(deliver_pending(&edge.state, None).await, 1);
    assert_eq!(edge.mailer.sent().len(), 1);
    assert_eq!(deliver_pending(&edge.state, None).await, 0);
}

// ---------------------------------------------------------------- card payments

#[tokio::test]
async fn card_checkout_and_webhook() {
    let edge = edge();
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "carte").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        reply.body["payment"]["redirect_url"],
        format!("https://pay.test/{id}")
    );
    assert_eq!(reply.body["status"], "pending");
    let requests = edge.provider.requests.lock().expect("lock").clone();
    assert_eq!(requests[0].amount, 1999 + 490);
    let token = reply.body["token"].as_str().expect("token").to_owned();
    assert_eq!(
        requests[0].success_url,
        format!("{ORIGIN}/fr/commande/?order={id}&token={token}&payment=success")
    );
    assert_eq!(
        requests[0].cancel_url,
        format!("{ORIGIN}/fr/commande/?order={id}&token={token}&payment=cancel")
    );

    let payload = json!({"order_id": id, "reference": "pi_123"}).to_string();
    let forged = send(
        &edge.app,
        request(
            "POST",
            "/api/payments/stripe/webhook",
            Some(&payload),
            &[("stripe-signature", "forged")],
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert_eq!(forged.code(), "invalid_signature");
    let unsigned = send(
        &edge.app,
        request("POST", "/api/payments/stripe/webhook", Some(&payload), &[]),
    )
    .await;
    assert_eq!(unsigned.code(), "invalid_signature");

    for _ in 0..2 {
        let paid = send(
            &edge.app,
            request(
                "POST",
                "/api/payments/stripe/webhook",
                Some(&payload),
                &[("stripe-signature", "valid")],
            ),
        )
        .await;
        assert_eq!(paid.status, StatusCode::OK);
    }
    let order = admin(&edge.app, "GET", "/api/admin/orders/CB-000001", None).await;
    assert_eq!(order.body["status"], "payment_accepted");
    let statuses: Vec<&str> = order.body["history"]
        .as_array()
        .map(|history| {
            history
                .iter()
                .filter_map(|entry| entry["status"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(statuses, vec!["pending", "payment_accepted"]);
    assert_eq!(order.body["payment"]["paid"], true);
    let subjects: Vec<String> = edge
        .mailer
        .sent()
        .iter()
        .map(|email| email.subject.clone())
        .collect();
    assert_eq!(
        subjects,
        vec![
            "Votre commande CB-000001 chez Atelier Brume".to_owned(),
            "Votre commande CB-000001 : Paiement accepté".to_owned(),
        ]
    );
}

#[tokio::test]
async fn card_unavailable_without_provider() {
    let edge = edge_with(Options {
        payments: false,
        ..Options::default()
    });
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "carte").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "payment_method_unavailable");
    let webhook = send(
        &edge.app,
        request(
            "POST",
            "/api/payments/stripe/webhook",
            Some("{}"),
            &[("stripe-signature", "valid")],
        ),
    )
    .await;
    assert_eq!(webhook.code(), "payment_provider_not_configured");
}

#[tokio::test]
async fn provider_failure_keeps_order_retryable() {
    let edge = edge();
    edge.provider.fail_sessions.store(true, Ordering::SeqCst);
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "LIVRE", 1).await;
    let reply = checkout(&edge.app, &cart, "carte").await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    assert_eq!(reply.code(), "payment_provider_failed");
    assert_eq!(
        reply.message(),
        "Votre commande CB-000001 est enregistrée, mais la page de paiement n'a pas pu s'ouvrir. Réessayez dans un instant."
    );

    edge.provider.fail_sessions.store(false, Ordering::SeqCst);
    let retry = checkout(&edge.app, &cart, "carte").await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.body);
    assert_eq!(retry.body["number"], "CB-000001");
    assert!(
        retry.body["payment"]["redirect_url"]
            .as_str()
            .is_some_and(|url| url.starts_with("https://pay.test/"))
    );
}

// ---------------------------------------------------------------- administration

#[tokio::test]
async fn admin_needs_valid_token() {
    let edge = edge();
    let reply = get(&edge.app, "/api/admin/orders").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "admin_unauthorized");
    assert_eq!(
        reply
            .headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );

    for header in ["Bearer wrong-token", "Basic dGVzdA==", "Bearer ", ADMIN_TOKEN] {
        let reply = send(
            &edge.app,
            request("GET", "/api/admin/orders", None, &[("authorization", header)]),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{header}");
    }

    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let foreign = send(
        &edge.app,
        request(
            "GET",
            "/api/admin/orders",
            None,
            &[("authorization", &bearer), ("origin", "https://evil.example")],
        ),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(foreign.code(), "origin_not_allowed");
    let from_store = send(
        &edge.app,
        request(
            "GET",
            "/api/admin/orders",
            None,
            &[("authorization", &bearer), ("origin", ORIGIN)],
        ),
    )
    .await;
    assert_eq!(from_store.status, StatusCode::OK);

    let disabled = edge_with(Options {
        admin_token: None,
        ..Options::default()
    });
    let reply = admin(&disabled.app, "GET", "/api/admin/orders", None).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "admin_disabled");
}

#[tokio::test]
async fn admin_stock_validation() {
    let edge = edge();
    for quantity in [json!(-1), json!(1.5), json!("3"), json!(2_000_000_000_i64)] {
        let reply = admin(
            &edge.app,
            "PUT",
            "/api/admin/stock/TASSE",
            Some(json!({"quantity": quantity})),
        )
        .await;
        assert_eq!(reply.code(), "invalid_quantity", "{quantity}");
    }
    let reply = admin(
        &edge.app,
        "PUT",
        "/api/admin/stock/NOPE",
        Some(json!({"quantity": 1})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "unknown_sku");
    // Stock is shared: a sku of the Swiss store is known too.
    let reply = admin(
        &edge.app,
        "PUT",
        "/api/admin/stock/CH-ONLY",
        Some(json!({"quantity": 4})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["quantity"], 4);
}

#[tokio::test]
async fn status_machine_over_http() {
    let edge = edge();
    set_stock(&edge.app, "TASSE", 2).await;
    let cart = new_cart(&edge.app).await;
    add(&edge.app, &cart, "TASSE", 2).await;
    checkout(&edge.app, &cart, "virement").await;
    let status = |status: &str| Some(json!({"status": status, "note": "test"}));

    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000001/status",
        status("shipped"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "transition_not_allowed");
    assert_eq!(
        reply.message(),
        "Une commande ne peut pas passer de « pending » à « shipped ». Statuts suivants possibles : cancelled, payment_accepted."
    );
    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000001/status",
        status("lost"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_status");
    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-999999/status",
        status("cancelled"),
    )
    .await;
    assert_eq!(reply.code(), "order_not_found");

    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000001/status",
        status("payment_accepted"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["status"], "payment_accepted");
    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000001/status",
        status("awaiting_stock"),
    )
    .await;
    assert_eq!(reply.body["status"], "awaiting_stock");
    assert_eq!(reply.body["status_label"], "En attente de stock");
    assert_eq!(
        admin(&edge.app, "GET", "/api/admin/stock/TASSE", None).await.body["quantity"],
        0
    );

    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000001/status",
        status("cancelled"),
    )
    .await;
    assert_eq!(reply.body["status"], "cancelled");
    assert_eq!(reply.body["history"].as_array().map(Vec::len), Some(4));
    assert_eq!(reply.body["history"][3]["note"], "test");
    assert_eq!(
        admin(&edge.app, "GET", "/api/admin/stock/TASSE", None).await.body["quantity"],
        2
    );

    let subjects: Vec<String> = edge
        .mailer
        .sent()
        .iter()
        .map(|email| email.subject.clone())
        .collect();
    assert_eq!(
        subjects,
        vec![
            "Votre commande CB-000001 chez Atelier Brume".to_owned(),
            "Votre commande CB-000001 : Paiement accepté".to_owned(),
            "Votre commande CB-000001 : En attente de stock".to_owned(),
            "Votre commande CB-000001 : Annulée".to_owned(),
        ]
    );

    let reply = admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000001/status",
        status("pending"),
    )
    .await;
    assert_eq!(reply.code(), "transition_not_allowed");
}

#[tokio::test]
async fn admin_order_filters() {
    let edge = edge();
    for _ in 0..3 {
        let cart = new_cart(&edge.app).await;
        add(&edge.app, &cart, "LIVRE", 1).await;
        checkout(&edge.app, &cart, "virement").await;
        edge.clock.advance(86_400);
    }
    admin(
        &edge.app,
        "POST",
        "/api/admin/orders/CB-000002/status",
        Some(json!({"status": "payment_accepted", "notify_customer": false})),
    )
    .await;

    let all = admin(&edge.app, "GET", "/api/admin/orders", None).await;
    let numbers: Vec<&str> = all.body["orders"]
        .as_array()
        .map(|orders| {
            orders
                .iter()
                .filter_map(|order| order["number"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(numbers, vec!["CB-000003", "CB-000002", "CB-000001"]);
    assert_eq!(all.body["orders"][0]["customer"]["email"], "Marie@Example.fr");

    let accepted = admin(
        &edge.app,
        "GET",
        "/api/admin/orders?status=payment_accepted",
        None,
    )
    .await;
    assert_eq!(accepted.body["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(accepted.body["orders"][0]["number"], "CB-000002");

    let since = edge::clock::rfc3339(START + 86_400);
    let recent = admin(
        &edge.app,
        "GET",
        &format!("/api/admin/orders?since={since}"),
        None,
    )
    .await;
    assert_eq!(recent.body["orders"].as_array().map(Vec::len), Some(2));

    let reply = admin(&edge.app, "GET", "/api/admin/orders?since=yesterday", None).await;
    assert_eq!(reply.code(), "invalid_since");
    let reply = admin(&edge.app, "GET", "/api/admin/orders?limit=0", None).await;
    assert_eq!(reply.code(), "invalid_limit");
    // `notify_customer: false` skipped the payment email.
    assert_eq!(edge.mailer.sent().len(), 3);
}

#[tokio::test]
async fn saved_and_abandoned_carts() {
    let edge = edge();
    let old = new_cart(&edge.app).await;
    add(&edge.app, &old, "LIVRE", 2).await;
    edge.clock.advance(25 * 3600);
    let fresh = new_cart(&edge.app).await;
    add(&edge.app, &fresh, "AFFICHE", 1).await;

    let reply = admin(&edge.app, "GET", "/api/admin/carts", None).await;
    let carts = reply.body["carts"].as_array().cloned().unwrap_or_default();
    assert_eq!(carts.len(), 2);
    assert_eq!(carts[0]["id"], fresh.as_str());
    assert_eq!(carts[0]["abandoned"], false);
    assert_eq!(carts[1]["id"], old.as_str());
    assert_eq!(carts[1]["abandoned"], true);
    assert_eq!(carts[1]["items"], 2);
    assert_eq!(amount(&carts[1]["subtotal"]), 3998);

    let since = edge::clock::rfc3339(START + 3600);
    let reply = admin(&edge.app, "GET", &format!("/api/admin/carts?since={since}"), None).await;
    assert_eq!(reply.body["carts"].as_array().map(Vec::len), Some(1));
}
