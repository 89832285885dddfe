//! The retention purge run at simulated dates on a SQLite file: each run removes
//! exactly what is due at that date, and a second run at the same date changes
//! nothing.

mod common;
#[path = "support/consent_policy.rs"]
mod consent_policy;
#[path = "support/privacy_fixtures.rs"]
mod privacy_fixtures;

use std::path::Path;

use axum::http::StatusCode;
use commerce::retention::{DAY, add_years};
use common::*;
use consent_policy::{consent_body, consent_request, policy};
use edge::clock::parse_time;
use edge::privacy::purge;
use edge::storage::{PurgeCounts, RequestKind, RequestStatus};
use privacy_fixtures::*;

/// Moves the test clock to `at`.
fn set_clock(edge: &TestEdge, at: i64) {
    let now = edge.state.now();
    assert!(at >= now, "the clock only moves forward");
    edge.clock.advance(at - now);
}

/// Emails sent so far to `address`.
fn mails_to(edge: &TestEdge, address: &str) -> usize {
    edge.mailer
        .sent()
        .iter()
        .filter(|email| email.to == address)
        .count()
}

/// Runs the purge at `at`, checks it removed `expected`, and that a second run at
/// the same time removes nothing.
async fn purge_at(edge: &TestEdge, at: i64, expected: PurgeCounts, label: &str) {
    set_clock(edge, at);
    let counts = purge::run(&edge.state, at).await.expect("purge");
    assert_eq!(counts, expected, "first run: {label}");
    let again = purge::run(&edge.state, at).await.expect("purge");
    assert_eq!(again, PurgeCounts::default(), "second run: {label}");
}

fn archived(database: &Path) -> i64 {
    count(
        database,
        "SELECT COUNT(*) FROM archived_orders WHERE ?1 <> ''",
        "any",
    )
}

#[tokio::test]
async fn purge_at_simulated_dates() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let edge = privacy_edge(&database, None);
    let start = edge.state.now();

    // Day 0. A banner choice; a cart left without an order; three customers with
    // closed or shipped orders. PLUS subscribes to email marketing.
    let banner = edge::router(edge.state.clone());
    let reply = send(
        &banner,
        consent_request(
            &consent_body(&policy("2026-12-01", true), "accept_all", "fr"),
            None,
            None,
        ),
    )
    .await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let abandoned = new_cart(&edge.app).await;
    add(&edge.app, &abandoned, "LIVRE", 1).await;
    let double = place(&edge, DOUBLE, "LIVRE", 1, false).await;
    advance(
        &edge,
        &double.number,
        &["payment_accepted", "shipped", "completed"],
    )
    .await;
    let plus = place(&edge, PLUS, "LIVRE", 1, true).await;
    advance(&edge, &plus.number, &["payment_accepted", "shipped", "completed"]).await;
    let target = place(&edge, TARGET, "LIVRE", 1, false).await;
    advance(&edge, &target.number, &["payment_accepted", "shipped"]).await;

    let consents = admin(&edge.app, "GET", "/api/admin/consents", None).await;
    let records = consents.body["records"].as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), 2, "{}", consents.body);
    assert_eq!(records[0]["ui_source"], "banner");
    let banner_expires =
        parse_time(records[0]["expires_at"].as_str().expect("expires_at")).expect("RFC 3339 time");

    // Day 1. TARGET asks for erasure; the shipped order is in its withdrawal
    // period until day 14.
    set_clock(&edge, start + DAY);
    let request = confirmed_request(&edge, TARGET, RequestKind::Erasure, "req-purge-1").await;
    let outcome = edge::privacy::erasure::erase(&edge.state, &TARGET.key(), &request, start + DAY)
        .await
        .expect("erasure");
    assert_eq!(outcome.status(), "deferred");

    // Day 13: still in the withdrawal period; only the day-1 rate-limit row is due.
    purge_at(
        &edge,
        start + 13 * DAY,
        PurgeCounts {
            housekeeping: 1,
            ..PurgeCounts::default()
        },
        "day 13",
    )
    .await;
    let waiting = edge
        .state
        .storage()
        .find_data_request(request.clone())
        .await
        .expect("storage")
        .expect("request");
    assert_eq!(waiting.status, RequestStatus::Deferred);

    // Day 15: the period is over; the erasure applies and its report is emailed.
    let reports_before = mails_to(&edge, TARGET.email);
    purge_at(
        &edge,
        start + 15 * DAY,
        PurgeCounts {
            deferred_erasures: 1,
            ..PurgeCounts::default()
        },
        "day 15",
    )
    .await;
    assert_eq!(mails_to(&edge, TARGET.email), reports_before + 1);
    assert_eq!(traces_of(&database, TARGET, &["archived_orders"]), vec![]);
    assert_eq!(archived(&database), 1);

    // Day 31: the abandoned cart expired (30 days); ordered carts stay.
    purge_at(
        &edge,
        start + 31 * DAY,
        PurgeCounts {
            carts: 1,
            ..PurgeCounts::default()
        },
        "day 31",
    )
    .await;
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM carts WHERE ?1 <> ''", "any"),
        2
    );

    // Inactivity: DOUBLE and PLUS were last in touch on day 0. They are warned 30
    // days before the three years, not a day earlier.
    let three_years = add_years(start, 3);
    let warn_at = three_years - 30 * DAY;
    purge_at(&edge, warn_at - DAY, PurgeCounts::default(), "warning eve").await;
    let (double_mails, plus_mails) = (mails_to(&edge, DOUBLE.email), mails_to(&edge, PLUS.email));
    purge_at(
        &edge,
        warn_at + 3_600,
        PurgeCounts {
            inactive_warned: 2,
            ..PurgeCounts::default()
        },
        "warning day",
    )
    .await;
    assert_eq!(mails_to(&edge, DOUBLE.email), double_mails + 1, "warned once");
    assert_eq!(mails_to(&edge, PLUS.email), plus_mails + 1, "warned once");

    // PLUS comes back two days later; DOUBLE does not.
    set_clock(&edge, warn_at + 2 * DAY);
    let back = place(&edge, PLUS, "LIVRE", 1, false).await;
    advance(&edge, &back.number, &["payment_accepted", "shipped", "completed"]).await;

    // Three years and a day: DOUBLE is anonymised (the order archived), PLUS is not.
    purge_at(
        &edge,
        three_years + DAY,
        PurgeCounts {
            inactive_anonymised: 1,
            ..PurgeCounts::default()
        },
        "three years",
    )
    .await;
    assert_eq!(traces_of(&database, DOUBLE, &["archived_orders"]), vec![]);
    assert_eq!(archived(&database), 2);
    let plus_data = edge
        .state
        .storage()
        .personal_data(PLUS.key())
        .await
        .expect("personal data");
    assert_eq!(plus_data.orders.len(), 2);
    assert_eq!(plus_data.subscriptions.len(), 1);

    // The request log is kept five years: the day-1 entries (received, confirmed,
    // deferred), then the day-15 one (fulfilled).
    purge_at(
        &edge,
        add_years(start + DAY, 5) + 3_600,
        PurgeCounts {
            log_entries: 3,
            ..PurgeCounts::default()
        },
        "log, day 1 + 5 years",
    )
    .await;
    purge_at(
        &edge,
        add_years(start + 15 * DAY, 5) + 3_600,
        PurgeCounts {
            log_entries: 1,
            ..PurgeCounts::default()
        },
        "log, day 15 + 5 years",
    )
    .await;

    // The banner record is proof for five years after it expired. PLUS's checkout
    // record stays: it proves a subscription still active. The chain remains valid
    // from its checkpoint.
    purge_at(
        &edge,
        add_years(banner_expires, 5) - 3_600,
        PurgeCounts::default(),
        "consent proof eve",
    )
    .await;
    purge_at(
        &edge,
        add_years(banner_expires, 5) + 3_600,
        PurgeCounts {
            consent_records: 1,
            ..PurgeCounts::default()
        },
        "consent proof",
    )
    .await;
    let consents = admin(&edge.app, "GET", "/api/admin/consents", None).await;
    assert_eq!(consents.status, StatusCode::OK);
    assert_eq!(consents.body["chain_valid"], true, "{}", consents.body);
    let records = consents.body["records"].as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["ui_source"], "checkout");

    // The archive keeps invoices ten years from the order: not at 9 years 364 days
    // (when PLUS, silent since year 3, is warned again), gone at 10 years and a day.
    let ten_years = add_years(start, 10);
    purge_at(
        &edge,
        ten_years - DAY,
        PurgeCounts {
            inactive_warned: 1,
            ..PurgeCounts::default()
        },
        "9 years 364 days",
    )
    .await;
    assert_eq!(archived(&database), 2);
    purge_at(
        &edge,
        ten_years + DAY,
        PurgeCounts {
            archive_purged: 2,
            ..PurgeCounts::default()
        },
        "10 years 1 day",
    )
    .await;
    assert_eq!(archived(&database), 0);
    // The blanked order rows stay for the shop's accounts, without personal data.
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM orders WHERE ?1 <> ''", "any"),
        4
    );
    assert_eq!(traces_of(&database, TARGET, &[]), vec![]);
    assert_eq!(traces_of(&database, DOUBLE, &[]), vec![]);
}

#[tokio::test]
async fn consent_chain_survives_a_purge_of_every_expired_record() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database = directory.path().join("shop.sqlite");
    let edge = privacy_edge(&database, None);
    let banner = edge::router(edge.state.clone());
    for action in ["accept_all", "reject_all"] {
        let reply = send(
            &banner,
            consent_request(
                &consent_body(&policy("2026-12-01", true), action, "fr"),
                None,
                None,
            ),
        )
        .await;
        assert!(reply.status.is_success(), "{}", reply.body);
    }

    // Both records are past their proof retention: only the older one goes. The
    // newest stays as the head the next record links to.
    let later = add_years(edge.state.now(), 7);
    set_clock(&edge, later);
    let counts = purge::run(&edge.state, later).await.expect("purge");
    assert_eq!(counts.consent_records, 1, "{counts:?}");

    let reply = send(
        &banner,
        consent_request(
            &consent_body(&policy("2026-12-01", true), "accept_all", "fr"),
            None,
            None,
        ),
    )
    .await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let consents = admin(&edge.app, "GET", "/api/admin/consents", None).await;
    assert_eq!(consents.body["chain_valid"], true, "{}", consents.body);
    let records = consents.body["records"].as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), 2, "{}", consents.body);
    let sequences: Vec<i64> = records.iter().filter_map(|r| r["sequence"].as_i64()).collect();
    assert_eq!(sequences, [2, 3], "sequences keep growing after a purge");
}
