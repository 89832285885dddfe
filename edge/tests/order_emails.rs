//! Order emails built from real orders placed through the API and rendered with the
//! comptoir theme: payment instructions, delivery address and backorders.

mod common;

use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use common::{add, checkout_body, edge, manifest_fr, new_cart, price_book_fr, set_stock, write};
use edge::mail::EmailTemplates;
use edge::notify::build_email;
use edge::storage::{Order, Storage};

const TRANSFER_INSTRUCTIONS: &str = "Pour régler votre commande, faites un virement";

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

fn store_with_templates() -> edge::catalog::Store {
    let mut store = common::store(price_book_fr(), manifest_fr());
    store.emails = Some(EmailTemplates::from_files(theme_files("comptoir")).expect("comptoir templates"));
    store
}

/// Places an order of two bowls (one in stock, one on backorder) paid by bank
/// transfer, with `shipping_method`, and reads it back from storage.
async fn place_order(shipping_method: &str) -> Order {
    let edge = edge();
    set_stock(&edge.app, "BOL", 1).await;
    let cart = new_cart(&edge.app).await;
    let added = add(&edge.app, &cart, "BOL", 2).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let mut body = checkout_body(&cart, "virement");
    body["shipping_method"] = shipping_method.into();
    let reply = write(&edge.app, "POST", "/api/checkout", body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.body["id"].as_str().expect("order id").to_owned();
    edge.storage
        .find_order(id)
        .await
        .expect("storage")
        .expect("order")
}

#[tokio::test]
async fn transfer_instructions_only_while_pending() {
    let store = store_with_templates();
    let mut order = place_order("colissimo").await;

    let confirmation = build_email(&order, &store, "order_confirmation").expect("confirmation");
    assert!(
        confirmation.text.contains(TRANSFER_INSTRUCTIONS),
        "{}",
        confirmation.text
    );

    for status in ["payment_accepted", "shipped", "cancelled"] {
        order.status = status.to_owned();
        let email = build_email(&order, &store, &format!("status:{status}")).expect("status email");
        assert!(
            !email.text.contains(TRANSFER_INSTRUCTIONS),
            "{status}: {}",
            email.text
        );
        let html = email.html.expect("html part");
        assert!(!html.contains(TRANSFER_INSTRUCTIONS), "{status}: {html}");

        // A confirmation retried after the order moved on must not ask for payment either.
        let late = build_email(&order, &store, "order_confirmation").expect("late confirmation");
        assert!(
            !late.text.contains(TRANSFER_INSTRUCTIONS),
            "{status}: {}",
            late.text
        );
    }
}

#[tokio::test]
async fn delivery_address_defaults_to_billing() {
    let store = store_with_templates();
    let order = place_order("colissimo").await;
    assert_eq!(order.shipping_address, None);

    let email = build_email(&order, &store, "order_confirmation").expect("confirmation");
    let delivery = email
        .text
        .split("Adresse de livraison")
        .nth(1)
        .expect("delivery block");
    let delivery = delivery
        .split("Adresse de facturation")
        .next()
        .expect("before billing");
    assert!(delivery.contains("Marie Curie"), "{delivery}");
    assert!(delivery.contains("12 rue de la Paix"), "{delivery}");
    assert!(delivery.contains("75002 Paris"), "{delivery}");
}

#[tokio::test]
async fn pickup_shows_pickup_address() {
    let store = store_with_templates();
    let order = place_order("retrait").await;

    let email = build_email(&order, &store, "order_confirmation").expect("confirmation");
    assert!(!email.text.contains("Adresse de livraison"), "{}", email.text);
    let pickup = email.text.split("\nRetrait\n").nth(1).expect("pickup block");
    assert!(pickup.starts_with("  1 rue des Potiers, Lyon\n"), "{pickup}");
    let html = email.html.expect("html part");
    assert!(
        html.contains("<strong>Retrait</strong><br>\n1 rue des Potiers, Lyon<br>"),
        "{html}"
    );
}

#[tokio::test]
async fn backorder_shown_on_line() {
    let store = store_with_templates();
    let mut order = place_order("colissimo").await;
    assert_eq!(order.lines[0].backorder_quantity, 1);

    let french = build_email(&order, &store, "order_confirmation").expect("french confirmation");
    assert!(
        french
            .text
            .contains("(dont 1 en réassort, expédié sous 15 jours)"),
        "{}",
        french.text
    );
    let html = french.html.expect("html part");
    assert!(
        html.contains("dont 1 en réassort, expédié sous 15 jours"),
        "{html}"
    );

    order.locale = common::locale("en");
    let english = build_email(&order, &store, "order_confirmation").expect("english confirmation");
    assert!(
        english
            .text
            .contains("(1 of them on backorder, shipped within 15 days)"),
        "{}",
        english.text
    );
}

#[tokio::test]
async fn excl_tax_orders_show_shipping_without_vat() {
    let store = store_with_templates();
    let mut order = place_order("colissimo").await;
    assert!(order.shipping.net < order.shipping.gross, "colissimo carries VAT");

    let incl = edge::notify::context(
        &order,
        &store,
        edge::mail::EmailKind::OrderConfirmation,
        "pending",
    );
    assert_eq!(
        incl.order.totals.shipping.as_ref().map(|m| m.amount),
        Some(order.shipping.gross)
    );

    // The same order as an HT (B2B) store records it: lines and shipping without VAT.
    order.totals.prices_include_tax = false;
    let excl = edge::notify::context(
        &order,
        &store,
        edge::mail::EmailKind::OrderConfirmation,
        "pending",
    );
    assert_eq!(
        excl.order.totals.shipping.as_ref().map(|m| m.amount),
        Some(order.shipping.net)
    );
    assert_eq!(
        excl.order.shipping.as_ref().map(|s| s.price.amount),
        Some(order.shipping.net)
    );
}
