//! Fixtures of the personal-data tests: an edge on a SQLite file with a consent
//! policy that requests email marketing consent, people with similar emails,
//! orders placed and moved through their statuses over the HTTP API, a marketing
//! provider that records its calls, and a reader of every text value in the
//! database.

#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use edge::mail::BoxFuture;
use edge::marketing::{Contact, MarketingSync, SyncError};
use edge::storage::privacy::ThrottleBucket;
use edge::storage::sqlite::SqliteStorage;
use edge::storage::{Admission, Confirmation, NewDataRequest, RequestKind, Throttle};
use serde_json::json;

use crate::common::{Options, TestEdge, add, admin, edge_with, new_cart, write};
use crate::consent_policy::{policy, publish};

/// Someone who orders, with details unique enough to be searched for in the
/// database.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    /// The email as typed at checkout.
    pub email: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    pub street: &'static str,
    pub city: &'static str,
}

impl Person {
    /// Returns the normalized email, the key the storage uses.
    pub fn key(&self) -> String {
        edge::storage::email_key(self.email)
    }
}

/// The person whose data is erased. The two below differ from it only by a
/// plus-address and by one extra letter, and must never be touched by it.
pub const TARGET: Person = Person {
    email: "A@Example.FR",
    name: "Zoé Cible",
    phone: "+33 6 11 22 33 44",
    street: "7 rue de la Cible",
    city: "Cibleville",
};

pub const PLUS: Person = Person {
    email: "a+x@example.fr",
    name: "Paul Plus",
    phone: "+33 6 55 66 77 88",
    street: "1 avenue du Plus",
    city: "Plusbourg",
};

pub const DOUBLE: Person = Person {
    email: "aa@example.fr",
    name: "Anne Double",
    phone: "+33 6 99 00 11 22",
    street: "3 impasse Double",
    city: "Doubleville",
};

/// A marketing provider that records every call.
#[derive(Default)]
pub struct RecordingSync {
    pub calls: Mutex<Vec<(String, String)>>,
}

impl RecordingSync {
    pub fn calls(&self) -> Vec<(String, String)> {
        self.calls.lock().expect("sync lock").clone()
    }

    fn record<'a>(&'a self, action: &str, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        self.calls
            .lock()
            .expect("sync lock")
            .push((action.to_owned(), contact.email.clone()));
        Box::pin(async { Ok(()) })
    }
}

impl MarketingSync for RecordingSync {
    fn provider(&self) -> &'static str {
        "recording"
    }

    fn subscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        self.record("subscribe", contact)
    }

    fn unsubscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        self.record("unsubscribe", contact)
    }

    fn forget<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>> {
        self.record("forget", contact)
    }
}

/// Builds an edge on the SQLite file `database`, whose French store requests
/// email marketing consent at checkout, with `sync` as its marketing provider.
pub fn privacy_edge(database: &Path, sync: Option<Arc<RecordingSync>>) -> TestEdge {
    let storage = Arc::new(SqliteStorage::open(database).expect("database"));
    let mut edge = edge_with(Options {
        storage: Some(storage),
        ..Options::default()
    });
    publish(&edge, policy("2026-12-01", true));
    edge.state = edge
        .state
        .clone()
        .with_marketing(sync.map(|sync| sync as Arc<dyn MarketingSync>));
    edge.app = edge::router(edge.state.clone());
    edge
}

/// A placed order: its id, number and access token.
#[derive(Debug, Clone)]
pub struct Placed {
    pub id: String,
    pub number: String,
    pub token: String,
}

/// Places an order of `quantity` × `sku` for `person` through the cart and
/// checkout endpoints, by bank transfer, opting in to email marketing when asked.
pub async fn place(edge: &TestEdge, person: Person, sku: &str, quantity: i64, marketing: bool) -> Placed {
    let cart = new_cart(&edge.app).await;
    let added = add(&edge.app, &cart, sku, quantity).await;
    assert!(added.status.is_success(), "{}", added.body);
    let address = json!({
        "name": person.name,
        "street": person.street,
        "postal_code": "13013",
        "city": person.city,
        "country": "FR",
        "phone": person.phone,
    });
    let mut body = json!({
        "cart_id": cart,
        "customer": {"email": person.email, "name": person.name, "phone": person.phone},
        "billing_address": address,
        "shipping_address": address,
        "shipping_method": "colissimo",
        "payment_method": "virement",
    });
    if marketing {
        body["marketing_consent"] = json!({"email": true});
    }
    let reply = write(&edge.app, "POST", "/api/checkout", body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let text = |field: &str| reply.body[field].as_str().expect(field).to_owned();
    Placed {
        id: text("id"),
        number: text("number"),
        token: text("token"),
    }
}

/// Moves an order through `statuses` with the admin API.
pub async fn advance(edge: &TestEdge, number: &str, statuses: &[&str]) {
    for status in statuses {
        let reply = admin(
            &edge.app,
            "POST",
            &format!("/api/admin/orders/{number}/status"),
            Some(json!({"status": status})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{status}: {}", reply.body);
    }
}

/// Records an erasure or export request for `person` and confirms it, as the
/// request and confirmation endpoints do; returns its id.
pub async fn confirmed_request(edge: &TestEdge, person: Person, kind: RequestKind, id: &str) -> String {
    let now = edge.state.now();
    let storage = edge.state.storage();
    let admission = storage
        .create_data_request(
            NewDataRequest {
                id: id.to_owned(),
                store: "fr".into(),
                kind,
                email: person.email.to_owned(),
                email_key: person.key(),
                locale: "fr".into(),
                token_hash: format!("confirm-{id}"),
                token_expires_at: now + 86_400,
                received_at: now,
                deadline_at: now + 30 * 86_400,
            },
            Throttle {
                buckets: vec![ThrottleBucket {
                    key: format!("email-hash-{id}"),
                    window: 86_400,
                    limit: 3,
                }],
                now,
            },
        )
        .await
        .expect("request recorded");
    assert_eq!(admission, Admission::Recorded);
    let export = (kind == RequestKind::Export).then(|| (format!("export-{id}"), now + 72 * 3_600));
    storage
        .confirm_data_request(Confirmation {
            token_hash: format!("confirm-{id}"),
            store: "fr".into(),
            export,
            now,
        })
        .await
        .expect("storage")
        .expect("confirmed");
    id.to_owned()
}

/// Reads every text value of every table of the database file, after a checkpoint that
/// moves the WAL into the file: `(table, column, value)`.
pub fn all_text(database: &Path) -> Vec<(String, String, String)> {
    let connection = rusqlite::Connection::open(database).expect("database");
    connection
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    let tables: Vec<String> = {
        let mut statement = connection
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .expect("sqlite_master");
        statement
            .query_map([], |row| row.get(0))
            .expect("tables")
            .collect::<Result<_, _>>()
            .expect("tables")
    };
    let mut values = Vec::new();
    for table in tables {
        let mut statement = connection
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select");
        let columns: Vec<String> = statement
            .column_names()
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        let mut rows = statement.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            for (index, column) in columns.iter().enumerate() {
                if let rusqlite::types::ValueRef::Text(bytes) = row.get_ref(index).expect("value") {
                    values.push((
                        table.clone(),
                        column.clone(),
                        String::from_utf8_lossy(bytes).into_owned(),
                    ));
                }
            }
        }
    }
    values
}

/// Whether `text` contains the email `email` (case-insensitive) as a whole
/// address: `aa@x` does not contain `a@x`.
pub fn contains_email(text: &str, email: &str) -> bool {
    let text = text.to_lowercase();
    let email = email.to_lowercase();
    text.match_indices(&email).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || "._%+-".contains(c))
    })
}

/// Lists the places in the database that contain one of `person`'s details, outside
/// `except` tables: `(table, column, detail)`.
pub fn traces_of(database: &Path, person: Person, except: &[&str]) -> Vec<(String, String, &'static str)> {
    let mut found = Vec::new();
    for (table, column, value) in all_text(database) {
        if except.contains(&table.as_str()) {
            continue;
        }
        let lower = value.to_lowercase();
        if contains_email(&value, person.email) {
            found.push((table.clone(), column.clone(), "email"));
        }
        for (detail, label) in [
            (person.name, "name"),
            (person.phone, "phone"),
            (person.street, "street"),
            (person.city, "city"),
        ] {
            if lower.contains(&detail.to_lowercase()) {
                found.push((table.clone(), column.clone(), label));
            }
        }
    }
    found
}

/// The integer `sql` returns with `key` bound to `?1`, read from the file directly.
pub fn count(database: &Path, sql: &str, key: &str) -> i64 {
    let connection = rusqlite::Connection::open(database).expect("database");
    connection
        .query_row(sql, rusqlite::params![key], |row| row.get(0))
        .expect("count")
}
