//! Personal-data storage on a SQLite file: erasure leaves no personal data outside
//! the restricted archive, keeps what invoices need, waits for open orders, and
//! never touches people with similar emails; requests, tokens, downloads and the
//! append-only log behave as the schema promises.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;
#[path = "support/privacy_fixtures.rs"]
mod privacy_fixtures;

use std::sync::Arc;

use axum::http::StatusCode;
use commerce::retention::{DAY, LegalGround, add_years};
use common::*;
use edge::marketing::deliver_pending_sync;
use edge::privacy::erasure::{self, ErasureOutcome};
use edge::storage::privacy::ThrottleBucket;
use edge::storage::{
    Admission, ConfirmRefusal, Confirmation, ErasureCounts, NewDataRequest, RequestKind, RequestStatus,
    Throttle,
};
use privacy_fixtures::*;

/// Moves the test clock to `at`.
fn set_clock(edge: &TestEdge, at: i64) {
    let now = edge.state.now();
    assert!(at >= now, "the clock only moves forward");
    edge.clock.advance(at - now);
}

#[tokio::test]
async fn erasure_removes_personal_data_everywhere() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let sync = Arc::new(RecordingSync::default());
    let edge = privacy_edge(&database, Some(sync.clone()));
    let placed_at = edge.state.now();

    // The target: a small paid order, a cancelled unpaid one, and a paid contract
    // of 150 € (5 posters at 30 €), all closed; and a marketing subscription.
    let small = place(&edge, TARGET, "LIVRE", 1, true).await;
    advance(
        &edge,
        &small.number,
        &["payment_accepted", "shipped", "completed"],
    )
    .await;
    let unpaid = place(&edge, TARGET, "LIVRE", 2, false).await;
    advance(&edge, &unpaid.number, &["cancelled"]).await;
    let large = place(&edge, TARGET, "AFFICHE", 5, false).await;
    advance(&edge, &large.number, &["payment_accepted", "shipped"]).await;
    // Neighbours with similar emails, one of them also subscribed.
    let plus = place(&edge, PLUS, "LIVRE", 1, true).await;
    advance(&edge, &plus.number, &["payment_accepted"]).await;
    let double = place(&edge, DOUBLE, "LIVRE", 1, false).await;
    deliver_pending_sync(&edge.state).await;

    // Past the 14-day withdrawal period of every shipped order.
    set_clock(&edge, placed_at + 15 * DAY);
    let key = TARGET.key();
    assert_eq!(key, "a@example.fr");
    let order_count =
        "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email_key = ?1";
    let carts_of = "SELECT COUNT(*) FROM carts WHERE order_id IN (SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email_key = ?1)";
    let subscriptions_of = "SELECT COUNT(*) FROM marketing_subscriptions WHERE email_key = ?1";
    assert_eq!(count(&database, order_count, &key), 3);
    assert_eq!(count(&database, carts_of, &key), 3);
    assert_eq!(count(&database, subscriptions_of, &key), 1);
    assert!(
        !traces_of(&database, TARGET, &[]).is_empty(),
        "the fixture holds the target's data"
    );

    let request = confirmed_request(&edge, TARGET, RequestKind::Erasure, "req-erase-1").await;
    let now = edge.state.now();
    let outcome = erasure::erase(&edge.state, &key, &request, now)
        .await
        .expect("erasure");
    let ErasureOutcome::Fulfilled(report) = outcome else {
        panic!("the erasure was deferred: {outcome:?}");
    };

    // Read the raw files before any other connection checkpoints them: the old
    // page versions must already be gone from the main file and the WAL. (The
    // email itself stays in the provider's `forget` job until it is sent.)
    let mut wal = database.clone().into_os_string();
    wal.push("-wal");
    for path in [database.clone().into_os_string(), wal] {
        if let Ok(bytes) = std::fs::read(&path) {
            let raw = String::from_utf8_lossy(&bytes).into_owned();
            assert!(!raw.contains(TARGET.phone), "{path:?} still holds the phone");
        }
    }

    // The report's counts are the rows that disappeared.
    assert_eq!(report.deleted.customer, 1);
    assert_eq!(report.deleted.orders_deleted, 1);
    assert_eq!(report.deleted.orders_archived, 2);
    assert_eq!(report.deleted.carts, 3);
    assert_eq!(report.deleted.subscriptions, 1);
    assert_eq!(report.deleted.unsubscribe_tokens, 1);
    assert_eq!(report.deleted.forget_jobs, 1);
    assert!(report.deferred.is_empty());
    assert_eq!(count(&database, order_count, &key), 0);
    assert_eq!(count(&database, carts_of, &key), 0);
    assert_eq!(count(&database, subscriptions_of, &key), 0);
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(*) FROM archived_orders WHERE ?1 <> ''",
            "any"
        ),
        2
    );
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(*) FROM customers WHERE email_key LIKE ?1",
            "erased:%"
        ),
        1
    );

    // What is kept: both paid orders, for ten years, the contract with its
    // delivery address.
    let mut kept = report.kept.clone();
    kept.sort_by(|a, b| a.number.cmp(&b.number));
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].number, small.number);
    assert_eq!(kept[0].ground, LegalGround::Invoice);
    assert_eq!(kept[0].until, add_years(placed_at, 10));
    assert!(!kept[0].delivery_address_kept);
    assert_eq!(kept[1].number, large.number);
    assert!(kept[1].delivery_address_kept);
    let archive = edge.state.storage().archived_orders().await.expect("archive");
    let contract = archive
        .iter()
        .find(|order| order.number == large.number)
        .expect("contract archived");
    assert_eq!(contract.billing["name"], TARGET.name);
    assert_eq!(
        contract.delivery.as_ref().map(|address| &address["street"]),
        Some(&serde_json::json!(TARGET.street))
    );
    assert!(contract.billing.get("phone").is_none(), "{}", contract.billing);

    // The request is fulfilled and its email cleared. Its log records that without the email.
    let stored = edge
        .state
        .storage()
        .find_data_request(request.clone())
        .await
        .expect("storage")
        .expect("request");
    assert_eq!(stored.status, RequestStatus::Fulfilled);
    assert_eq!(stored.email, None);
    let log = edge.state.storage().data_request_log(None).await.expect("log");
    let events: Vec<&str> = log.iter().map(|entry| entry.event.as_str()).collect();
    assert_eq!(events, ["received", "confirmed", "fulfilled"]);

    // The provider receives a `forget` call, and the sent job drops the address.
    deliver_pending_sync(&edge.state).await;
    assert!(
        sync.calls().contains(&("forget".to_owned(), key.clone())),
        "{:?}",
        sync.calls()
    );

    // The order page no longer opens with the token the customer had.
    let page = get(
        &edge.app,
        &format!("/api/orders/{}?token={}", small.id, small.token),
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);

    // No table but the restricted archive contains the email, name, phone or
    // address, and the archive contains no email or phone.
    assert_eq!(traces_of(&database, TARGET, &["archived_orders"]), vec![]);
    let in_archive: Vec<_> = traces_of(&database, TARGET, &[])
        .into_iter()
        .filter(|(_, _, detail)| *detail == "email" || *detail == "phone")
        .collect();
    assert_eq!(in_archive, vec![]);

    // Nor do the file's free pages: deleted and overwritten rows are zeroed.
    let file = String::from_utf8_lossy(&std::fs::read(&database).expect("database file")).into_owned();
    assert!(
        !contains_email(&file, TARGET.email),
        "the database file still contains the email"
    );
    assert!(
        !file.contains(TARGET.phone),
        "the database file still contains the phone"
    );

    // The neighbours are untouched.
    for (person, number) in [(PLUS, &plus.number), (DOUBLE, &double.number)] {
        let data = edge
            .state
            .storage()
            .personal_data(person.key())
            .await
            .expect("personal data");
        let customer = data.customer.expect("customer kept");
        assert_eq!(customer.name, person.name);
        assert_eq!(data.orders.len(), 1);
        assert_eq!(&data.orders[0].number, number);
        assert_eq!(data.orders[0].customer.email, person.email);
        assert_eq!(data.orders[0].billing_address.street, person.street);
        assert!(!traces_of(&database, person, &[]).is_empty());
    }
    assert_eq!(count(&database, subscriptions_of, &PLUS.key()), 1);

    // A second run deletes nothing more and still reports what the archive keeps.
    let again = erasure::erase(&edge.state, &key, &request, now)
        .await
        .expect("second erasure");
    let ErasureOutcome::Fulfilled(second) = again else {
        panic!("the second erasure was deferred: {again:?}");
    };
    assert_eq!(second.deleted, ErasureCounts::default());
    let mut kept_again = second.kept.clone();
    kept_again.sort_by(|a, b| a.number.cmp(&b.number));
    assert_eq!(kept_again, kept);
    assert_eq!(
        edge.state
            .storage()
            .archived_orders()
            .await
            .expect("archive")
            .len(),
        2
    );
    assert_eq!(traces_of(&database, TARGET, &["archived_orders"]), vec![]);
}

#[tokio::test]
async fn erasure_waits_for_open_orders() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let edge = privacy_edge(&database, None);
    let key = TARGET.key();

    let shipped = place(&edge, TARGET, "LIVRE", 1, false).await;
    advance(&edge, &shipped.number, &["payment_accepted", "shipped"]).await;
    let shipped_at = edge.state.now();
    set_clock(&edge, shipped_at + 3 * DAY);

    // Shipped three days ago: open until the withdrawal period ends.
    let request = confirmed_request(&edge, TARGET, RequestKind::Erasure, "req-wait-1").await;
    let now = edge.state.now();
    let outcome = erasure::erase(&edge.state, &key, &request, now)
        .await
        .expect("erasure");
    let ErasureOutcome::Deferred(report) = outcome else {
        panic!("expected a deferral: {outcome:?}");
    };
    assert_eq!(report.deleted, ErasureCounts::default());
    assert_eq!(report.deferred_until, Some(shipped_at + 14 * DAY));
    assert_eq!(report.deferred.len(), 1);
    assert_eq!(report.deferred[0].number, shipped.number);
    let stored = edge
        .state
        .storage()
        .find_data_request(request.clone())
        .await
        .expect("storage")
        .expect("request");
    assert_eq!(stored.status, RequestStatus::Deferred);
    assert_eq!(stored.deferred_until, Some(shipped_at + 14 * DAY));
    assert!(
        stored.email.is_some(),
        "a deferred request keeps the email to finish later"
    );
    let data = edge
        .state
        .storage()
        .personal_data(key.clone())
        .await
        .expect("data");
    assert!(data.customer.is_some());

    // An order not shipped yet: no retry date at all.
    let pending = place(&edge, TARGET, "LIVRE", 1, false).await;
    let report = match erasure::erase(&edge.state, &key, &request, edge.state.now())
        .await
        .expect("erasure")
    {
        ErasureOutcome::Deferred(report) => report,
        other => panic!("expected a deferral: {other:?}"),
    };
    assert_eq!(report.deferred_until, None);
    assert_eq!(report.deferred.len(), 2);
    assert!(
        report
            .deferred
            .iter()
            .any(|order| order.number == pending.number && order.open_until.is_none())
    );

    // JSON times are RFC 3339.
    let json = serde_json::to_value(&report).expect("report JSON");
    assert_eq!(json["deferred_until"], serde_json::Value::Null);
    assert_eq!(
        json["deferred"][0]["open_until"],
        edge::clock::rfc3339(shipped_at + 14 * DAY)
    );
}

#[tokio::test]
async fn similar_emails_are_not_mixed() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let edge = privacy_edge(&database, None);
    let target = place(&edge, TARGET, "LIVRE", 1, false).await;
    let plus = place(&edge, PLUS, "LIVRE", 1, false).await;
    let double = place(&edge, DOUBLE, "LIVRE", 1, false).await;
    // The same person typing their email in another case is the same person.
    let upper = Person {
        email: "a@EXAMPLE.fr",
        ..TARGET
    };
    let again = place(&edge, upper, "LIVRE", 1, false).await;

    for (person, numbers) in [
        (TARGET, vec![target.number.clone(), again.number.clone()]),
        (PLUS, vec![plus.number.clone()]),
        (DOUBLE, vec![double.number.clone()]),
    ] {
        let data = edge
            .state
            .storage()
            .personal_data(person.key())
            .await
            .expect("personal data");
        let found: Vec<String> = data.orders.iter().map(|order| order.number.clone()).collect();
        assert_eq!(found, numbers, "orders of {}", person.email);
        assert_eq!(data.carts.len(), numbers.len(), "carts of {}", person.email);
    }
    let nobody = edge
        .state
        .storage()
        .personal_data("a@example.f".to_owned())
        .await
        .expect("personal data");
    assert!(nobody.customer.is_none());
    assert!(nobody.orders.is_empty());
}

fn new_request(id: &str, now: i64) -> NewDataRequest {
    NewDataRequest {
        id: id.to_owned(),
        store: "fr".into(),
        kind: RequestKind::Export,
        email: TARGET.email.to_owned(),
        email_key: TARGET.key(),
        locale: "fr".into(),
        token_hash: format!("token-{id}"),
        token_expires_at: now + DAY,
        received_at: now,
        deadline_at: now + 30 * DAY,
    }
}

fn throttle(now: i64) -> Throttle {
    Throttle {
        buckets: vec![
            ThrottleBucket {
                key: "email-key-hash".into(),
                window: DAY,
                limit: 2,
            },
            ThrottleBucket {
                key: "ip-network-hash".into(),
                window: 3_600,
                limit: 10,
            },
        ],
        now,
    }
}

fn confirmation(id: &str, store: &str, now: i64) -> Confirmation {
    Confirmation {
        token_hash: format!("token-{id}"),
        store: store.into(),
        export: Some((format!("download-{id}"), now + 72 * 3_600)),
        now,
    }
}

#[tokio::test]
async fn request_tokens_throttle_and_downloads() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let edge = privacy_edge(&database, None);
    let storage = edge.state.storage();
    let now = edge.state.now();

    // Two requests per email a day; the third is refused and writes nothing.
    for id in ["r1", "r2"] {
        let admission = storage
            .create_data_request(new_request(id, now), throttle(now))
            .await
            .expect("storage");
        assert_eq!(admission, Admission::Recorded);
    }
    let refused = storage
        .create_data_request(new_request("r3", now), throttle(now))
        .await
        .expect("storage");
    assert_eq!(
        refused,
        Admission::Throttled {
            key: "email-key-hash".into()
        }
    );
    assert!(
        storage
            .find_data_request("r3".into())
            .await
            .expect("storage")
            .is_none()
    );
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(*) FROM request_throttle WHERE key = ?1",
            "ip-network-hash"
        ),
        2
    );

    // A token works once, on its own store, before it expires.
    let other_store = storage
        .confirm_data_request(confirmation("r1", "ch", now))
        .await
        .expect("storage");
    assert_eq!(other_store, Err(ConfirmRefusal::Invalid));
    let confirmed = storage
        .confirm_data_request(confirmation("r1", "fr", now))
        .await
        .expect("storage")
        .expect("confirmed");
    assert_eq!(confirmed.status, RequestStatus::Confirmed);
    assert_eq!(confirmed.export_expires_at, Some(now + 72 * 3_600));
    let reused = storage
        .confirm_data_request(confirmation("r1", "fr", now))
        .await
        .expect("storage");
    assert_eq!(reused, Err(ConfirmRefusal::Invalid));
    let late = storage
        .confirm_data_request(confirmation("r2", "fr", now + DAY))
        .await
        .expect("storage");
    assert_eq!(late, Err(ConfirmRefusal::Invalid));

    // The download link works until it expires, each format once.
    let found = storage
        .find_export("download-r1".into(), now + 3_600)
        .await
        .expect("storage")
        .expect("export");
    assert_eq!(found.id, "r1");
    assert!(
        storage
            .find_export("download-r1".into(), now + 72 * 3_600)
            .await
            .expect("storage")
            .is_none()
    );
    assert!(
        storage
            .claim_export_download("r1".into(), "json".into(), now)
            .await
            .expect("storage")
    );
    assert!(
        !storage
            .claim_export_download("r1".into(), "json".into(), now)
            .await
            .expect("storage")
    );
    assert!(
        storage
            .claim_export_download("r1".into(), "csv".into(), now)
            .await
            .expect("storage")
    );

    // Expiry clears the email of the unconfirmed request and of the closed export.
    assert_eq!(storage.expire_data_requests(now + DAY).await.expect("storage"), 1);
    assert_eq!(storage.expire_data_requests(now + DAY).await.expect("storage"), 0);
    let expired = storage
        .find_data_request("r2".into())
        .await
        .expect("storage")
        .expect("r2");
    assert_eq!(expired.status, RequestStatus::Expired);
    assert_eq!(expired.email, None);
    storage
        .fulfil_data_request("r1".into(), None, now)
        .await
        .expect("storage");
    let fulfilled = storage
        .find_data_request("r1".into())
        .await
        .expect("storage")
        .expect("r1");
    assert!(
        fulfilled.email.is_some(),
        "an export keeps the email until its link expires"
    );
    assert_eq!(
        storage
            .close_expired_exports(now + 72 * 3_600)
            .await
            .expect("storage"),
        1
    );
    assert_eq!(
        storage
            .close_expired_exports(now + 72 * 3_600)
            .await
            .expect("storage"),
        0
    );
    let closed = storage
        .find_data_request("r1".into())
        .await
        .expect("storage")
        .expect("r1");
    assert_eq!(closed.email, None);
    assert_eq!(traces_of(&database, TARGET, &[]), vec![]);

    let events: Vec<(String, String)> = storage
        .data_request_log(None)
        .await
        .expect("log")
        .into_iter()
        .map(|entry| (entry.request_id, entry.event))
        .collect();
    let expected: Vec<(String, String)> = [
        ("r1", "received"),
        ("r2", "received"),
        ("r1", "confirmed"),
        ("r1", "downloaded:json"),
        ("r1", "downloaded:csv"),
        ("r2", "expired"),
        ("r1", "fulfilled"),
        ("r1", "export_closed"),
    ]
    .iter()
    .map(|(id, event)| ((*id).to_owned(), (*event).to_owned()))
    .collect();
    assert_eq!(events, expected);
}

#[tokio::test]
async fn request_log_is_append_only() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let edge = privacy_edge(&database, None);
    let storage = edge.state.storage();
    let now = edge.state.now();
    storage
        .create_data_request(new_request("old", now), throttle(now))
        .await
        .expect("storage");
    storage
        .create_data_request(new_request("new", now + 10), throttle(now + 10))
        .await
        .expect("storage");

    let connection = rusqlite::Connection::open(&database).expect("database");
    let update = connection.execute("UPDATE data_request_log SET event = 'forged'", []);
    assert!(update.is_err(), "an UPDATE of the log must fail");
    let delete = connection.execute("DELETE FROM data_request_log", []);
    assert!(delete.is_err(), "a DELETE outside the purge must fail");
    drop(connection);

    // The purge deletes only what is older than its cutoff, and leaves the guard shut.
    assert_eq!(storage.purge_request_log(now + 5).await.expect("purge"), 1);
    let left = storage.data_request_log(None).await.expect("log");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].request_id, "new");
    let connection = rusqlite::Connection::open(&database).expect("database");
    assert!(connection.execute("DELETE FROM data_request_log", []).is_err());
}
