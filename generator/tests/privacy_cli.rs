//! `comptoir requests` and `comptoir purge` run as processes on a copy of the demo
//! shop, whose database is filled by driving the edge's router: personal-data
//! requests posted at fixed times through a manual clock, as a visitor's page
//! would post them.

#[path = "support/browser.rs"]
mod harness;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use commerce::retention::DAY;
use edge::catalog::CatalogHandle;
use edge::clock::{Clock, ManualClock, parse_time};
use edge::mail::OutboxMailer;
use edge::storage::sqlite::SqliteStorage;
use edge::{AppState, EdgeConfig, StateParts};
use harness::copy_shop;
use tower::ServiceExt;

/// The `fr` store's address in `site.toml`, the `Origin` its pages send.
const FR_ORIGIN: &str = "https://atelier-sauge.example";
/// When the requests are "received".
const RECEIVED: &str = "2026-03-02T09:00:00Z";
/// A request received 25 days earlier, so within 7 days of its deadline on
/// [`LISTED_ON`].
const RECEIVED_EARLY: &str = "2026-02-05T09:00:00Z";
/// The date the listing counts days from.
const LISTED_ON: &str = "2026-03-03";
/// Two days after [`RECEIVED`]: every confirmation link has expired.
const PURGED_ON: &str = "2026-03-04";

fn comptoir(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .current_dir(dir)
        .args(args)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RUST_LOG")
        .output()
        .expect("run comptoir")
}

fn stdout(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "comptoir failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Posts personal-data requests to the edge of the built shop in `root`, each at
/// its own time, as (receipt time, kind, email, locale).
async fn post_requests(root: &Path, requests: &[(&str, &str, &str, &str)]) {
    let data = root.join(".comptoir");
    std::fs::create_dir_all(&data).expect("create .comptoir");
    let catalog = edge::native::read_catalog(&root.join("public")).expect("read the build");
    let clock = Arc::new(ManualClock::new(0));
    let state = AppState::new(StateParts {
        catalog: Arc::new(CatalogHandle::new(catalog)),
        storage: Arc::new(SqliteStorage::open(&data.join("edge.sqlite3")).expect("open the database")),
        mailer: Arc::new(OutboxMailer::new(data.join("outbox"))),
        payments: None,
        clock: clock.clone(),
        config: EdgeConfig::default(),
    });
    let router = edge::router(state);

    for (received, kind, email, locale) in requests {
        let at = parse_time(received).expect("a valid time");
        clock.advance(at - clock.now());
        let body = serde_json::json!({ "store": "fr", "kind": kind, "email": email, "locale": locale });
        let request = Request::post("/api/data-requests")
            .header("Content-Type", "application/json")
            .header("Origin", FR_ORIGIN)
            .body(Body::from(body.to_string()))
            .expect("a valid request");
        let response = router.clone().oneshot(request).await.expect("the router answers");
        assert_eq!(
            response.status(),
            StatusCode::ACCEPTED,
            "{kind} request for {email}"
        );
    }
}

/// Replaces each request id of `text` (found in the JSON listing) with a
/// placeholder of the same width, so that the table keeps its layout.
fn redact_ids(text: &str, ids: &[String]) -> String {
    let mut text = text.to_owned();
    for (index, id) in ids.iter().enumerate() {
        let label = format!("request-{}-", index + 1);
        let placeholder = format!("{label}{}", "x".repeat(id.len().saturating_sub(label.len())));
        text = text.replace(id.as_str(), &placeholder);
    }
    text
}

fn listed_ids(root: &Path, all: bool) -> Vec<String> {
    let mut args = vec!["requests", "--json", "--now", LISTED_ON, "--root"];
    let root_text = root.to_str().expect("a UTF-8 path");
    args.push(root_text);
    if all {
        args.push("--all");
    }
    let listing: serde_json::Value =
        serde_json::from_str(&stdout(&comptoir(root, &args))).expect("JSON output");
    listing
        .as_array()
        .expect("an array")
        .iter()
        .map(|request| request["id"].as_str().expect("an id").to_owned())
        .collect()
}

#[test]
fn requests_without_database_says_so() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = comptoir(temp.path(), &["requests", "--root", "."]);
    let text = stdout(&output);
    assert!(
        text.starts_with("No database at ./.comptoir/edge.sqlite3 yet"),
        "{text}"
    );

    let output = comptoir(temp.path(), &["requests", "--root", ".", "--json"]);
    assert_eq!(stdout(&output), "[]\n");
}

#[test]
fn requests_rejects_invalid_date() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = comptoir(temp.path(), &["--lang", "fr", "requests", "--now", "03/03/2026"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.starts_with("`03/03/2026` n'est pas une date"), "{error}");
}

#[test]
fn purge_refuses_a_future_date_unless_dry_run() {
    let temp = tempfile::tempdir().expect("temp dir");
    let output = comptoir(temp.path(), &["purge", "--root", ".", "--now", "2999-01-01"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("`--now 2999-01-01` is in the future"), "{error}");

    let dry = comptoir(
        temp.path(),
        &["purge", "--root", ".", "--now", "2999-01-01", "--dry-run"],
    );
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_and_purge_on_driven_database() {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("shop");
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate has a parent folder");
    copy_shop(repository, &root).expect("copy the demo shop");
    stdout(&comptoir(&root, &["build", "--root", "."]));

    post_requests(
        &root,
        &[
            (RECEIVED_EARLY, "erasure", "early@example.org", "fr"),
            (RECEIVED, "export", "camille@example.org", "fr"),
            (RECEIVED, "erasure", "sam@example.org", "en"),
        ],
    )
    .await;

    // Open requests, the urgent one first.
    let ids = listed_ids(&root, false);
    assert_eq!(ids.len(), 3, "three open requests");
    for lang in ["en", "fr"] {
        let text = stdout(&comptoir(
            &root,
            &["--lang", lang, "requests", "--root", ".", "--now", LISTED_ON],
        ));
        insta::assert_snapshot!(format!("requests_open_{lang}"), redact_ids(&text, &ids));
    }
    let json = stdout(&comptoir(
        &root,
        &["requests", "--root", ".", "--json", "--now", LISTED_ON],
    ));
    let listing: serde_json::Value = serde_json::from_str(&json).expect("JSON output");
    assert_eq!(
        listing[0]["urgent"], true,
        "the early request comes first: {listing:#}"
    );
    assert_eq!(listing[0]["days_left"], 2, "{listing:#}");
    assert_eq!(listing[1]["urgent"], false, "{listing:#}");

    // A dry run counts the three expired links and changes nothing.
    for lang in ["en", "fr"] {
        let text = stdout(&comptoir(
            &root,
            &[
                "--lang",
                lang,
                "purge",
                "--root",
                ".",
                "--dry-run",
                "--now",
                PURGED_ON,
            ],
        ));
        insta::assert_snapshot!(format!("purge_dry_run_{lang}"), text);
    }
    assert_eq!(
        listed_ids(&root, false).len(),
        3,
        "the dry run changed the database"
    );

    // The real run expires them; a second run has nothing left to do.
    let text = stdout(&comptoir(&root, &["purge", "--root", ".", "--now", PURGED_ON]));
    insta::assert_snapshot!("purge_run_en", text);
    assert!(
        listed_ids(&root, false).is_empty(),
        "expired requests are still open"
    );
    let again = stdout(&comptoir(&root, &["purge", "--root", ".", "--now", PURGED_ON]));
    assert!(
        again.contains("requests whose confirmation link expired: 0"),
        "a second run expired requests again:\n{again}"
    );

    let all_ids = listed_ids(&root, true);
    assert_eq!(all_ids.len(), 3, "closed requests are listed with --all");
    let closed = stdout(&comptoir(
        &root,
        &[
            "--lang", "fr", "requests", "--root", ".", "--all", "--now", PURGED_ON,
        ],
    ));
    insta::assert_snapshot!("requests_all_fr", redact_ids(&closed, &all_ids));
}

#[test]
fn deadline_is_one_month_by_default() {
    // The listing's days left rest on the one-month deadline of `[privacy]`.
    let received = parse_time(RECEIVED_EARLY).expect("a valid time");
    let deadline =
        commerce::retention::request_deadline(&commerce::retention::PrivacySettings::default(), received);
    let listed = parse_time(LISTED_ON).expect("a valid date");
    assert_eq!((deadline - listed).div_euclid(DAY), 2);
}
