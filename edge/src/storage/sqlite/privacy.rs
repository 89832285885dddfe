//! The SQLite side of personal-data requests, erasure and the retention purge.
//!
//! Each public function is one `BEGIN IMMEDIATE` transaction (or one statement), so
//! a request, its log entry and its throttle events are written together or not at
//! all. The schema and its append-only guard are in `edge/migrations/0003_privacy.sql`.

use std::collections::HashSet;

use commerce::retention::LegalGround;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{OrderKey, immediate, load_order};
use crate::storage::privacy::{
    CartSummary, CustomerRecord, OrderErasure, RequestKind, SubscriptionRecord, ThrottleBucket,
};
use crate::storage::{
    Admission, ArchivedOrder, ConfirmRefusal, Confirmation, DataRequest, Erasure, ErasureCounts,
    ErasureError, InactivePerson, NewDataRequest, PersonalData, RequestFilter, RequestLogEntry,
    RequestStatus, StorageError, StorageResult, SyncAction,
};

/// SHA-256 hex of a normalized email: how the restricted archive names a person.
pub(crate) fn email_hash(email_key: &str) -> String {
    hex::encode(Sha256::digest(email_key.as_bytes()))
}

fn parse_kind(text: &str) -> rusqlite::Result<RequestKind> {
    match text {
        "export" => Ok(RequestKind::Export),
        "erasure" => Ok(RequestKind::Erasure),
        other => Err(invalid_text("kind", other)),
    }
}

fn parse_status(text: &str) -> rusqlite::Result<RequestStatus> {
    match text {
        "received" => Ok(RequestStatus::Received),
        "confirmed" => Ok(RequestStatus::Confirmed),
        "deferred" => Ok(RequestStatus::Deferred),
        "fulfilled" => Ok(RequestStatus::Fulfilled),
        "expired" => Ok(RequestStatus::Expired),
        other => Err(invalid_text("status", other)),
    }
}

fn parse_ground(text: &str) -> rusqlite::Result<LegalGround> {
    match text {
        "invoice" => Ok(LegalGround::Invoice),
        "contract" => Ok(LegalGround::Contract),
        other => Err(invalid_text("ground", other)),
    }
}

fn ground_str(ground: LegalGround) -> &'static str {
    match ground {
        LegalGround::Invoice => "invoice",
        LegalGround::Contract => "contract",
    }
}

fn invalid_text(column: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, format!("{column} = `{value}`"), rusqlite::types::Type::Text)
}

const SELECT_REQUEST: &str =
    "SELECT id, store, kind, status, locale, email, email_key, received_at, deadline_at,
        token_expires_at, confirmed_at, fulfilled_at, deferred_until, export_expires_at
    FROM data_requests";

fn read_request(row: &Row<'_>) -> rusqlite::Result<DataRequest> {
    Ok(DataRequest {
        id: row.get(0)?,
        store: row.get(1)?,
        kind: parse_kind(&row.get::<_, String>(2)?)?,
        status: parse_status(&row.get::<_, String>(3)?)?,
        locale: row.get(4)?,
        email: row.get(5)?,
        email_key: row.get(6)?,
        received_at: row.get(7)?,
        deadline_at: row.get(8)?,
        token_expires_at: row.get(9)?,
        confirmed_at: row.get(10)?,
        fulfilled_at: row.get(11)?,
        deferred_until: row.get(12)?,
        export_expires_at: row.get(13)?,
    })
}

fn load_request(connection: &Connection, id: &str) -> StorageResult<Option<DataRequest>> {
    let sql = format!("{SELECT_REQUEST} WHERE id = ?1");
    Ok(connection.query_row(&sql, params![id], read_request).optional()?)
}

/// Appends a log entry copying the request's store, kind and current deadline.
fn log_event(
    connection: &Connection,
    request_id: &str,
    event: &str,
    detail: Option<&str>,
    now: i64,
) -> StorageResult<()> {
    connection.execute(
        "INSERT INTO data_request_log (request_id, store, kind, event, at, deadline_at, detail)
         SELECT id, store, kind, ?2, ?3, deadline_at, ?4 FROM data_requests WHERE id = ?1",
        params![request_id, event, now, detail],
    )?;
    Ok(())
}

fn bucket_full(transaction: &Transaction<'_>, bucket: &ThrottleBucket, now: i64) -> StorageResult<bool> {
    let count: i64 = transaction.query_row(
        "SELECT COUNT(*) FROM request_throttle WHERE key = ?1 AND at > ?2",
        params![bucket.key, now - bucket.window],
        |row| row.get(0),
    )?;
    Ok(count >= i64::from(bucket.limit))
}

pub(super) fn create_request(
    connection: &mut Connection,
    request: &NewDataRequest,
    buckets: &[ThrottleBucket],
    now: i64,
) -> StorageResult<Admission> {
    let transaction = immediate(connection)?;
    for bucket in buckets {
        if bucket_full(&transaction, bucket, now)? {
            // Dropping the transaction rolls back: a throttled request writes nothing.
            return Ok(Admission::Throttled {
                key: bucket.key.clone(),
            });
        }
    }
    for bucket in buckets {
        transaction.execute(
            "INSERT INTO request_throttle (key, at, expires_at) VALUES (?1, ?2, ?3)",
            params![bucket.key, now, now + bucket.window],
        )?;
    }
    transaction.execute(
        "INSERT INTO data_requests (id, store, kind, status, locale, email, email_key, token_hash,
             token_expires_at, received_at, deadline_at)
         VALUES (?1, ?2, ?3, 'received', ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            request.id,
            request.store,
            request.kind.as_str(),
            request.locale,
            request.email,
            request.email_key,
            request.token_hash,
            request.token_expires_at,
            request.received_at,
            request.deadline_at,
        ],
    )?;
    log_event(&transaction, &request.id, "received", None, request.received_at)?;
    transaction.commit()?;
    Ok(Admission::Recorded)
}

pub(super) fn confirm(
    connection: &mut Connection,
    confirmation: &Confirmation,
) -> StorageResult<Result<DataRequest, ConfirmRefusal>> {
    let transaction = immediate(connection)?;
    let now = confirmation.now;
    let id: Option<String> = transaction
        .query_row(
            "SELECT id FROM data_requests
             WHERE token_hash = ?1 AND store = ?2 AND status = 'received' AND token_expires_at > ?3",
            params![confirmation.token_hash, confirmation.store, now],
            |row| row.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Ok(Err(ConfirmRefusal::Invalid));
    };
    let (export_hash, export_expires_at) = match &confirmation.export {
        Some((hash, expires_at)) => (Some(hash.as_str()), Some(*expires_at)),
        None => (None, None),
    };
    transaction.execute(
        "UPDATE data_requests SET status = 'confirmed', token_hash = NULL, confirmed_at = ?2,
             export_token_hash = CASE WHEN kind = 'export' THEN ?3 END,
             export_expires_at = CASE WHEN kind = 'export' THEN ?4 END
         WHERE id = ?1",
        params![id, now, export_hash, export_expires_at],
    )?;
    log_event(&transaction, &id, "confirmed", None, now)?;
    let request = load_request(&transaction, &id)?
        .ok_or_else(|| StorageError("the request just confirmed cannot be read back".to_owned()))?;
    transaction.commit()?;
    Ok(Ok(request))
}

pub(super) fn find_request(connection: &Connection, id: &str) -> StorageResult<Option<DataRequest>> {
    load_request(connection, id)
}

pub(super) fn find_export(
    connection: &Connection,
    token_hash: &str,
    now: i64,
) -> StorageResult<Option<DataRequest>> {
    let sql = format!(
        "{SELECT_REQUEST} WHERE export_token_hash = ?1 AND kind = 'export' AND export_expires_at > ?2
             AND status IN ('confirmed', 'fulfilled') AND email_key IS NOT NULL"
    );
    Ok(connection
        .query_row(&sql, params![token_hash, now], read_request)
        .optional()?)
}

pub(super) fn claim_download(
    connection: &mut Connection,
    request_id: &str,
    format: &str,
    now: i64,
) -> StorageResult<bool> {
    let transaction = immediate(connection)?;
    let inserted = transaction.execute(
        "INSERT INTO data_export_downloads (request_id, format, downloaded_at)
         SELECT id, ?2, ?3 FROM data_requests WHERE id = ?1 AND kind = 'export'
         ON CONFLICT (request_id, format) DO NOTHING",
        params![request_id, format, now],
    )?;
    if inserted == 1 {
        log_event(
            &transaction,
            request_id,
            &format!("downloaded:{format}"),
            None,
            now,
        )?;
    }
    transaction.commit()?;
    Ok(inserted == 1)
}

pub(super) fn defer(
    connection: &mut Connection,
    id: &str,
    until: Option<i64>,
    detail: Option<&str>,
    now: i64,
) -> StorageResult<()> {
    let transaction = immediate(connection)?;
    let changed = transaction.execute(
        "UPDATE data_requests SET status = 'deferred', deferred_until = ?2
         WHERE id = ?1 AND status IN ('confirmed', 'deferred')",
        params![id, until],
    )?;
    if changed == 1 {
        log_event(&transaction, id, "deferred", detail, now)?;
    }
    transaction.commit()?;
    Ok(())
}

pub(super) fn fulfil(
    connection: &mut Connection,
    id: &str,
    detail: Option<&str>,
    now: i64,
) -> StorageResult<()> {
    let transaction = immediate(connection)?;
    // An erasure clears the email at once. An export keeps it until its link
    // expires, because the download reads the data by that email.
    let changed = transaction.execute(
        "UPDATE data_requests SET status = 'fulfilled', fulfilled_at = ?2, deferred_until = NULL,
             email = CASE WHEN kind = 'erasure' THEN NULL ELSE email END,
             email_key = CASE WHEN kind = 'erasure' THEN NULL ELSE email_key END
         WHERE id = ?1 AND status IN ('confirmed', 'deferred')",
        params![id, now],
    )?;
    if changed == 1 {
        log_event(&transaction, id, "fulfilled", detail, now)?;
    }
    transaction.commit()?;
    Ok(())
}

pub(super) fn extend(
    connection: &mut Connection,
    id: &str,
    deadline_at: i64,
    now: i64,
) -> StorageResult<bool> {
    let transaction = immediate(connection)?;
    let changed = transaction.execute(
        "UPDATE data_requests SET deadline_at = ?2
         WHERE id = ?1 AND status IN ('received', 'confirmed', 'deferred') AND deadline_at < ?2",
        params![id, deadline_at],
    )?;
    if changed == 1 {
        log_event(&transaction, id, "extended", None, now)?;
    }
    transaction.commit()?;
    Ok(changed == 1)
}

pub(super) fn list_requests(
    connection: &Connection,
    filter: &RequestFilter,
) -> StorageResult<Vec<DataRequest>> {
    let sql = format!(
        "{SELECT_REQUEST}
         WHERE (?1 = 0 OR status IN ('received', 'confirmed', 'deferred')) AND (?2 IS NULL OR status = ?2)
         ORDER BY deadline_at, received_at, rowid LIMIT ?3"
    );
    let mut statement = connection.prepare(&sql)?;
    let requests = statement
        .query_map(
            params![
                filter.open_only,
                filter.status.map(RequestStatus::as_str),
                filter.limit
            ],
            read_request,
        )?
        .collect::<Result<_, _>>()?;
    Ok(requests)
}

pub(super) fn request_log(
    connection: &Connection,
    since: Option<i64>,
) -> StorageResult<Vec<RequestLogEntry>> {
    let mut statement = connection.prepare(
        "SELECT sequence, request_id, store, kind, event, at, deadline_at, detail FROM data_request_log
         WHERE ?1 IS NULL OR at >= ?1 ORDER BY sequence",
    )?;
    let entries = statement
        .query_map(params![since], |row| {
            Ok(RequestLogEntry {
                sequence: row.get(0)?,
                request_id: row.get(1)?,
                store: row.get(2)?,
                kind: parse_kind(&row.get::<_, String>(3)?)?,
                event: row.get(4)?,
                at: row.get(5)?,
                deadline_at: row.get(6)?,
                detail: row.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(entries)
}

const SELECT_ARCHIVED: &str =
    "SELECT order_id, number, store, billing, delivery, ground, until, archived_at FROM archived_orders";

fn read_archived(row: &Row<'_>) -> rusqlite::Result<(ArchivedOrder, String, Option<String>)> {
    Ok((
        ArchivedOrder {
            order_id: row.get(0)?,
            number: row.get(1)?,
            store: row.get(2)?,
            billing: Value::Null,
            delivery: None,
            ground: parse_ground(&row.get::<_, String>(5)?)?,
            until: row.get(6)?,
            archived_at: row.get(7)?,
        },
        row.get(3)?,
        row.get(4)?,
    ))
}

fn archived_where(connection: &Connection, filter: &str, value: &str) -> StorageResult<Vec<ArchivedOrder>> {
    let sql = format!("{SELECT_ARCHIVED} {filter} ORDER BY archived_at, number");
    let mut statement = connection.prepare(&sql)?;
    let rows = if filter.is_empty() {
        statement
            .query_map([], read_archived)?
            .collect::<Result<Vec<_>, _>>()?
    } else {
        statement
            .query_map(params![value], read_archived)?
            .collect::<Result<Vec<_>, _>>()?
    };
    rows.into_iter()
        .map(|(mut order, billing, delivery)| {
            order.billing = serde_json::from_str(&billing)?;
            order.delivery = delivery.as_deref().map(serde_json::from_str).transpose()?;
            Ok(order)
        })
        .collect()
}

pub(super) fn archived_orders(connection: &Connection) -> StorageResult<Vec<ArchivedOrder>> {
    archived_where(connection, "", "")
}

/// Ids of the orders of the customer with this email key, oldest first.
fn order_ids(connection: &Connection, email_key: &str) -> StorageResult<Vec<String>> {
    let mut statement = connection.prepare(
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email_key = ?1
         ORDER BY o.sequence",
    )?;
    let ids = statement
        .query_map(params![email_key], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

pub(super) fn personal_data(connection: &mut Connection, email_key: &str) -> StorageResult<PersonalData> {
    // A deferred read transaction, so every part comes from the same snapshot.
    let transaction = connection.transaction()?;
    let customer = transaction
        .query_row(
            "SELECT email, name, phone, company, vat_number, marketing_email, created_at, updated_at
             FROM customers WHERE email_key = ?1",
            params![email_key],
            |row| {
                Ok(CustomerRecord {
                    email: row.get(0)?,
                    name: row.get(1)?,
                    phone: row.get(2)?,
                    company: row.get(3)?,
                    vat_number: row.get(4)?,
                    marketing_email: row.get(5)?,
                    created_at: row.get(6)?,
                    updated_at: row.get(7)?,
                })
            },
        )
        .optional()?;

    let mut orders = Vec::new();
    for id in order_ids(&transaction, email_key)? {
        if let Some(order) = load_order(&transaction, OrderKey::Id, &id)? {
            orders.push(order);
        }
    }

    let mut carts = Vec::new();
    {
        let mut statement = transaction.prepare(
            "SELECT id, store, currency, created_at, updated_at, order_id FROM carts WHERE order_id = ?1",
        )?;
        let mut lines = transaction
            .prepare("SELECT sku, quantity FROM cart_lines WHERE cart_id = ?1 ORDER BY position")?;
        for order in &orders {
            let found = statement
                .query_map(params![order.id], |row| {
                    Ok(CartSummary {
                        id: row.get(0)?,
                        store: row.get(1)?,
                        currency: row.get(2)?,
                        lines: Vec::new(),
                        created_at: row.get(3)?,
                        updated_at: row.get(4)?,
                        order_id: row.get(5)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for mut cart in found {
                cart.lines = lines
                    .query_map(params![cart.id], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                carts.push(cart);
            }
        }
    }

    let subscriptions: Vec<SubscriptionRecord> = {
        let mut statement = transaction.prepare(
            "SELECT store, list, status, consent_id, subscribed_at, unsubscribed_at FROM marketing_subscriptions
             WHERE email_key = ?1 ORDER BY id",
        )?;
        statement
            .query_map(params![email_key], |row| {
                Ok(SubscriptionRecord {
                    store: row.get(0)?,
                    list: row.get(1)?,
                    status: row.get(2)?,
                    consent_id: row.get(3)?,
                    subscribed_at: row.get(4)?,
                    unsubscribed_at: row.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?
    };

    // The consent records of the consent ids the subscriptions name; several
    // subscriptions may share one id, so each id is read once.
    let mut consents = Vec::new();
    let mut seen = HashSet::new();
    for subscription in &subscriptions {
        if seen.insert(subscription.consent_id.clone()) {
            consents.extend(super::consent::history(&transaction, &subscription.consent_id)?);
        }
    }
    consents.sort_by_key(|record| record.sequence);

    let requests = {
        let sql = format!("{SELECT_REQUEST} WHERE email_key = ?1 ORDER BY received_at, id");
        let mut statement = transaction.prepare(&sql)?;
        statement
            .query_map(params![email_key], read_request)?
            .collect::<Result<_, _>>()?
    };
    let archived = archived_where(&transaction, "WHERE email_hash = ?1", &email_hash(email_key))?;
    transaction.commit()?;

    Ok(PersonalData {
        customer,
        orders,
        carts,
        subscriptions,
        consents,
        requests,
        archived,
    })
}

/// The order's personal columns, read before they are blanked.
struct OrderPersonal {
    number: String,
    store: String,
    customer: Value,
    billing_address: Value,
    shipping_address: Option<Value>,
}

fn read_order_personal(transaction: &Transaction<'_>, order_id: &str) -> StorageResult<OrderPersonal> {
    let (number, store, customer, billing, shipping): (String, String, String, String, Option<String>) =
        transaction.query_row(
            "SELECT number, store, customer, billing_address, shipping_address FROM orders WHERE id = ?1",
            params![order_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
        )?;
    Ok(OrderPersonal {
        number,
        store,
        customer: serde_json::from_str(&customer)?,
        billing_address: serde_json::from_str(&billing)?,
        shipping_address: shipping.as_deref().map(serde_json::from_str).transpose()?,
    })
}

/// Returns the part of an order an invoice needs: the billing address with the
/// buyer's company and VAT number.
fn invoice_billing(order: &OrderPersonal) -> Value {
    let mut billing = order.billing_address.clone();
    if let Value::Object(fields) = &mut billing {
        // A phone is not an invoice mention.
        fields.remove("phone");
        for key in ["company", "vat_number"] {
            if !fields.contains_key(key)
                && let Some(value) = order.customer.get(key).filter(|value| !value.is_null())
            {
                fields.insert(key.to_owned(), value.clone());
            }
        }
    }
    billing
}

/// Blanks an order's personal columns and revokes its access token. The country
/// of the billing address stays, because it decides the VAT applied.
fn blank_order(
    transaction: &Transaction<'_>,
    order_id: &str,
    billing: &Value,
    now: i64,
) -> StorageResult<()> {
    let country = billing.get("country").and_then(Value::as_str).unwrap_or("");
    let blank_customer = json!({"email": "", "name": ""});
    let blank_billing = json!({"name": "", "street": "", "postal_code": "", "city": "", "country": country});
    // The new access token is random and never shown, so no link opens the order.
    transaction.execute(
        "UPDATE orders SET customer = ?2, billing_address = ?3, shipping_address = NULL, payment_url = NULL,
             access_token = lower(hex(randomblob(32))), updated_at = ?4
         WHERE id = ?1",
        params![
            order_id,
            blank_customer.to_string(),
            blank_billing.to_string(),
            now
        ],
    )?;
    // Merchant notes and mail errors may quote the customer.
    transaction.execute(
        "UPDATE order_history SET note = NULL WHERE order_id = ?1 AND note IS NOT NULL",
        params![order_id],
    )?;
    transaction.execute(
        "DELETE FROM notifications WHERE order_id = ?1 AND sent_at IS NULL",
        params![order_id],
    )?;
    transaction.execute(
        "UPDATE notifications SET last_error = NULL WHERE order_id = ?1 AND last_error IS NOT NULL",
        params![order_id],
    )?;
    Ok(())
}

fn order_id_of(decision: &OrderErasure) -> &str {
    match decision {
        OrderErasure::Delete { order_id } | OrderErasure::Archive { order_id, .. } => order_id,
    }
}

pub(super) fn erase(connection: &mut Connection, erasure: &Erasure) -> Result<ErasureCounts, ErasureError> {
    let transaction = immediate(connection)?;
    let now = erasure.now;
    let email_key = erasure.email_key.as_str();
    let mut counts = ErasureCounts::default();

    // Every order of the person must be decided; one placed since the caller read
    // the data would otherwise keep its personal data.
    let current = order_ids(&transaction, email_key)?;
    let decided: HashSet<&str> = erasure.orders.iter().map(order_id_of).collect();
    if current.iter().any(|id| !decided.contains(id.as_str())) {
        return Err(ErasureError::Changed);
    }
    let current: HashSet<&str> = current.iter().map(String::as_str).collect();

    let hash = email_hash(email_key);
    for decision in &erasure.orders {
        let order_id = order_id_of(decision);
        // An order listed but not the person's (any more) is left alone.
        if !current.contains(order_id) {
            continue;
        }
        let personal = read_order_personal(&transaction, order_id)?;
        let billing = invoice_billing(&personal);
        match decision {
            OrderErasure::Delete { .. } => counts.orders_deleted += 1,
            OrderErasure::Archive {
                ground,
                until,
                keep_delivery_address,
                ..
            } => {
                let delivery = if *keep_delivery_address {
                    let mut address = personal
                        .shipping_address
                        .clone()
                        .unwrap_or_else(|| personal.billing_address.clone());
                    // The carrier's phone is not part of the contract.
                    if let Value::Object(fields) = &mut address {
                        fields.remove("phone");
                    }
                    Some(address)
                } else {
                    None
                };
                transaction
                    .execute(
                        "INSERT INTO archived_orders (order_id, number, store, email_hash, billing, delivery, ground,
                             until, archived_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (order_id) DO NOTHING",
                        params![
                            order_id,
                            personal.number,
                            personal.store,
                            hash,
                            billing.to_string(),
                            delivery.map(|value| value.to_string()),
                            ground_str(*ground),
                            until,
                            now
                        ],
                    )
                    .map_err(StorageError::from)?;
                counts.orders_archived += 1;
            }
        }
        blank_order(&transaction, order_id, &billing, now)?;
        counts.carts += transaction
            .execute("DELETE FROM carts WHERE order_id = ?1", params![order_id])
            .map_err(StorageError::from)? as u64;
    }

    // Marketing: pending provider jobs for the address are dropped, then one
    // `forget` job per list makes the provider delete the contact.
    transaction
        .execute(
            "DELETE FROM marketing_sync_jobs WHERE email = ?1 AND done_at IS NULL",
            params![email_key],
        )
        .map_err(StorageError::from)?;
    if erasure.forget_marketing {
        counts.forget_jobs = transaction
            .execute(
                "INSERT INTO marketing_sync_jobs (store, list, email, locale, action, created_at)
                 SELECT store, list, email_key, locale, ?2, ?3 FROM marketing_subscriptions WHERE email_key = ?1",
                params![email_key, SyncAction::Forget.as_str(), now],
            )
            .map_err(StorageError::from)? as u64;
    }
    counts.unsubscribe_tokens = transaction
        .execute(
            "DELETE FROM unsubscribe_tokens WHERE subscription_id IN
                 (SELECT id FROM marketing_subscriptions WHERE email_key = ?1)",
            params![email_key],
        )
        .map_err(StorageError::from)? as u64;
    counts.subscriptions = transaction
        .execute(
            "DELETE FROM marketing_subscriptions WHERE email_key = ?1",
            params![email_key],
        )
        .map_err(StorageError::from)? as u64;
    transaction
        .execute(
            "DELETE FROM inactivity_warnings WHERE email_key = ?1",
            params![email_key],
        )
        .map_err(StorageError::from)?;

    // The customer row stays, pseudonymised, because its orders reference it.
    counts.customer = transaction
        .execute(
            "UPDATE customers SET email_key = 'erased:' || id, email = '', name = '', phone = NULL, company = NULL,
                 vat_number = NULL, marketing_email = NULL, marketing_email_at = NULL, updated_at = ?2
             WHERE email_key = ?1",
            params![email_key, now],
        )
        .map_err(StorageError::from)? as u64;

    // Earlier requests of the person that are closed keep no email.
    transaction
        .execute(
            "UPDATE data_requests SET email = NULL, email_key = NULL
             WHERE email_key = ?1 AND status IN ('fulfilled', 'expired') AND kind = 'erasure'",
            params![email_key],
        )
        .map_err(StorageError::from)?;

    transaction.commit().map_err(StorageError::from)?;
    Ok(counts)
}

pub(super) fn expire_requests(connection: &mut Connection, now: i64) -> StorageResult<u64> {
    let transaction = immediate(connection)?;
    let ids: Vec<String> = {
        let mut statement = transaction
            .prepare("SELECT id FROM data_requests WHERE status = 'received' AND token_expires_at <= ?1")?;
        statement
            .query_map(params![now], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    for id in &ids {
        transaction.execute(
            "UPDATE data_requests SET status = 'expired', token_hash = NULL, email = NULL, email_key = NULL
             WHERE id = ?1",
            params![id],
        )?;
        log_event(&transaction, id, "expired", None, now)?;
    }
    transaction.commit()?;
    Ok(ids.len() as u64)
}

pub(super) fn close_exports(connection: &mut Connection, now: i64) -> StorageResult<u64> {
    let transaction = immediate(connection)?;
    let ids: Vec<String> = {
        let mut statement = transaction.prepare(
            "SELECT id FROM data_requests
             WHERE kind = 'export' AND export_expires_at <= ?1
                 AND (email IS NOT NULL OR email_key IS NOT NULL OR export_token_hash IS NOT NULL)",
        )?;
        statement
            .query_map(params![now], |row| row.get(0))?
            .collect::<Result<_, _>>()?
    };
    for id in &ids {
        transaction.execute(
            "UPDATE data_requests SET email = NULL, email_key = NULL, export_token_hash = NULL WHERE id = ?1",
            params![id],
        )?;
        log_event(&transaction, id, "export_closed", None, now)?;
    }
    transaction.commit()?;
    Ok(ids.len() as u64)
}

pub(super) fn inactive_people(
    connection: &Connection,
    before: i64,
    limit: u32,
) -> StorageResult<Vec<InactivePerson>> {
    // Last contact per email key: the customer record (updated on every order),
    // its orders, and its marketing subscriptions (subscribing and unsubscribing
    // are contacts). Store and locale come from the latest of those contacts.
    let mut statement = connection.prepare(
        "WITH contacts (email_key, email, store, locale, at) AS (
             SELECT c.email_key, c.email, o.store, o.locale, MAX(c.updated_at, o.created_at)
             FROM customers c JOIN orders o ON o.customer_id = c.id
             WHERE c.email_key NOT LIKE 'erased:%'
             UNION ALL
             SELECT s.email_key, COALESCE(c.email, s.email_key), s.store, s.locale, s.updated_at
             FROM marketing_subscriptions s LEFT JOIN customers c ON c.email_key = s.email_key
         ),
         latest AS (
             SELECT email_key, email, store, locale, at,
                 ROW_NUMBER() OVER (PARTITION BY email_key ORDER BY at DESC, store) AS position
             FROM contacts
         )
         SELECT l.email_key, l.email, l.store, l.locale, l.at, w.warned_at
         FROM latest l LEFT JOIN inactivity_warnings w ON w.email_key = l.email_key AND w.warned_at >= l.at
         WHERE l.position = 1 AND l.at < ?1
         ORDER BY l.at, l.email_key LIMIT ?2",
    )?;
    let people = statement
        .query_map(params![before, limit], |row| {
            Ok(InactivePerson {
                email_key: row.get(0)?,
                email: row.get(1)?,
                store: row.get(2)?,
                locale: row.get(3)?,
                last_contact_at: row.get(4)?,
                warned_at: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(people)
}

pub(super) fn mark_warned(connection: &Connection, email_key: &str, now: i64) -> StorageResult<()> {
    connection.execute(
        "INSERT INTO inactivity_warnings (email_key, warned_at) VALUES (?1, ?2)
         ON CONFLICT (email_key) DO UPDATE SET warned_at = excluded.warned_at",
        params![email_key, now],
    )?;
    Ok(())
}

pub(super) fn purge_archive(connection: &Connection, now: i64) -> StorageResult<u64> {
    // The `orders` row stays: its personal columns were blanked when it was
    // archived, and stock movements reference it.
    Ok(connection.execute("DELETE FROM archived_orders WHERE until <= ?1", params![now])? as u64)
}

pub(super) fn purge_consent_records(connection: &mut Connection, expired_before: i64) -> StorageResult<u64> {
    let transaction = immediate(connection)?;
    // Only a prefix of the chain is deleted, so the rest is still one chain. The
    // prefix ends before the first record to keep: one not yet past its proof
    // retention, or one that proves a subscription still active, and never the
    // newest: the next append links to it (an empty chain would restart from the
    // genesis hash, not the checkpoint), and `sequence` keeps growing.
    let keep_from: Option<i64> = transaction.query_row(
        "SELECT MIN(r.sequence) FROM consent_records r
         WHERE r.expires_at >= ?1
             OR r.consent_id IN (SELECT consent_id FROM marketing_subscriptions WHERE status = 'subscribed')
             OR r.sequence = (SELECT MAX(sequence) FROM consent_records)",
        params![expired_before],
        |row| row.get(0),
    )?;
    let last_purged: Option<(i64, String)> = transaction
        .query_row(
            "SELECT sequence, record_hash FROM consent_records WHERE ?1 IS NULL OR sequence < ?1
             ORDER BY sequence DESC LIMIT 1",
            params![keep_from],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((sequence, record_hash)) = last_purged else {
        return Ok(0);
    };
    let deleted = transaction.execute(
        "DELETE FROM consent_records WHERE sequence <= ?1",
        params![sequence],
    )?;
    transaction.execute(
        "INSERT INTO consent_chain_checkpoint (id, sequence, record_hash, purged_at)
         VALUES (1, ?1, ?2, unixepoch())
         ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, record_hash = excluded.record_hash,
             purged_at = excluded.purged_at",
        params![sequence, record_hash],
    )?;
    transaction.commit()?;
    Ok(deleted as u64)
}

pub(super) fn consent_chain_start(connection: &Connection) -> StorageResult<String> {
    let start: Option<String> = connection
        .query_row(
            "SELECT record_hash FROM consent_chain_checkpoint WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(start.unwrap_or_else(|| crate::consent::GENESIS_HASH.to_owned()))
}

pub(super) fn purge_request_log(connection: &mut Connection, before: i64) -> StorageResult<u64> {
    let transaction = immediate(connection)?;
    // The guard lets the trigger accept these deletes only (see the migration).
    transaction.execute(
        "UPDATE retention_guard SET delete_before = ?1 WHERE name = 'data_request_log'",
        params![before],
    )?;
    let deleted = transaction.execute("DELETE FROM data_request_log WHERE at < ?1", params![before])?;
    transaction.execute(
        "UPDATE retention_guard SET delete_before = 0 WHERE name = 'data_request_log'",
        [],
    )?;
    // A closed request is deleted with the last entry of its log. It no longer
    // contains an email by then.
    transaction.execute(
        "DELETE FROM data_requests WHERE received_at < ?1 AND status IN ('fulfilled', 'expired')
             AND email IS NULL AND NOT EXISTS (SELECT 1 FROM data_request_log l WHERE l.request_id = data_requests.id)",
        params![before],
    )?;
    transaction.commit()?;
    Ok(deleted as u64)
}

pub(super) fn housekeeping(connection: &Connection, now: i64) -> StorageResult<u64> {
    Ok(connection.execute(
        "DELETE FROM request_throttle WHERE expires_at <= ?1",
        params![now],
    )? as u64)
}

pub(super) fn purge_idempotency_keys(connection: &Connection, created_before: i64) -> StorageResult<u64> {
    Ok(connection.execute(
        "DELETE FROM idempotency_keys WHERE created_at < ?1",
        params![created_before],
    )? as u64)
}
