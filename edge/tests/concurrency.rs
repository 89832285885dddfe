//! Concurrent checkouts racing for the same stock, on a SQLite file.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use edge::storage::sqlite::SqliteStorage;

/// Runs `buyers` checkouts of one unit of `sku` at once, after setting its stock to
/// `stock`. Returns the replies and the stock left.
async fn race(sku: &str, stock: i64, buyers: usize) -> (Vec<Reply>, i64, TestEdge) {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = Arc::new(SqliteStorage::open(&dir.path().join("edge.sqlite")).expect("database"));
    let edge = edge_with(Options {
        storage: Some(storage),
        ..Options::default()
    });
    set_stock(&edge.app, sku, stock).await;
    let mut carts = Vec::new();
    for _ in 0..buyers {
        let cart = new_cart(&edge.app).await;
        let reply = add(&edge.app, &cart, sku, 1).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        carts.push(cart);
    }

    let tasks: Vec<_> = carts
        .into_iter()
        .map(|cart| {
            let app = edge.app.clone();
            tokio::spawn(async move { checkout(&app, &cart, "virement").await })
        })
        .collect();
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.expect("checkout task"));
    }
    let left = admin(&edge.app, "GET", &format!("/api/admin/stock/{sku}"), None)
        .await
        .body["quantity"]
        .as_i64()
        .unwrap_or(i64::MIN);
    // Keep the database folder alive until the checks are done.
    std::mem::forget(dir);
    (replies, left, edge)
}

fn numbers(replies: &[Reply]) -> BTreeSet<String> {
    replies
        .iter()
        .filter(|reply| reply.status == StatusCode::CREATED)
        .filter_map(|reply| reply.body["number"].as_str().map(str::to_owned))
        .collect()
}

fn expected_numbers(count: usize) -> BTreeSet<String> {
    (1..=count).map(|sequence| format!("CB-{sequence:06}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tracked_stock_never_oversold() {
    let (replies, left, _edge) = race("TASSE", 10, 50).await;
    let created = replies
        .iter()
        .filter(|reply| reply.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 10);
    for reply in replies.iter().filter(|reply| reply.status != StatusCode::CREATED) {
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
        assert_eq!(reply.code(), "out_of_stock");
        assert_eq!(reply.field(), "lines[0].quantity");
    }
    assert_eq!(left, 0);
    assert_eq!(numbers(&replies), expected_numbers(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backorder_accepts_every_order() {
    let (replies, left, edge) = race("BOL", 10, 50).await;
    assert!(replies.iter().all(|reply| reply.status == StatusCode::CREATED));
    assert_eq!(left, -40);
    assert_eq!(numbers(&replies), expected_numbers(50));
    let on_backorder = replies
        .iter()
        .filter(|reply| reply.body["lines"][0]["backorder"]["quantity"] == 1)
        .count();
    assert_eq!(on_backorder, 40);
    let orders = admin(&edge.app, "GET", "/api/admin/orders?limit=500", None).await;
    assert_eq!(orders.body["orders"].as_array().map(Vec::len), Some(50));
}
