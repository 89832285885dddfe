//! The D1 side of personal-data requests, erasure and the retention purge.
//!
//! Each write is one batch, as in the rest of the D1 backend. Where the SQLite
//! backend decides in Rust between two statements, this one decides in SQL. A log
//! entry is inserted `WHERE changes() = 1` after the update it records. The purge
//! steps select their rows in SQL instead of looping over ids. The
//! append-only guard of `data_request_log` (the triggers and `retention_guard` of
//! `edge/migrations/0003_privacy.sql`) is raised and lowered inside one batch.

use std::collections::HashSet;

use commerce::retention::LegalGround;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::{D1Storage, changed_rows, int, opt_int, opt_text, rows_of, text, unexpected_results};
use crate::storage::privacy::{CartSummary, CustomerRecord, OrderErasure, RequestKind, SubscriptionRecord};
use crate::storage::{
    Admission, ArchivedOrder, ConfirmRefusal, Confirmation, DataRequest, Erasure, ErasureCounts,
    ErasureError, InactivePerson, NewDataRequest, PersonalData, RequestFilter, RequestLogEntry,
    RequestStatus, StorageError, StorageResult, SyncAction, Throttle,
};

/// Name written by the guard of [`D1Storage::create_data_request_d1`] when a
/// throttle bucket is full.
const GUARD_THROTTLE: &str = "guard:data_request_throttled";
/// Name written by the guard of [`D1Storage::confirm_data_request_d1`] when the
/// token no longer matches a `received` request.
const GUARD_CONFIRM: &str = "guard:data_request_not_received";
/// Name written by the guard of [`D1Storage::erase_personal_data_d1`] when the
/// person has an order the erasure did not decide.
const GUARD_ERASURE: &str = "guard:erasure_orders_changed";

const SELECT_REQUEST: &str =
    "SELECT id, store, kind, status, locale, email, email_key, received_at, deadline_at,
        token_expires_at, confirmed_at, fulfilled_at, deferred_until, export_expires_at
    FROM data_requests";

/// SQL of a log entry for request `?1` with event `?2`, time `?3` and detail `?4`.
/// It copies the request's store, kind and current deadline, and inserts nothing
/// unless the statement just before it changed one row.
const LOG_IF_CHANGED: &str =
    "INSERT INTO data_request_log (request_id, store, kind, event, at, deadline_at, detail)
     SELECT id, store, kind, ?2, ?3, deadline_at, ?4 FROM data_requests WHERE id = ?1 AND changes() = 1";

/// SHA-256 hex of a normalized email: how the restricted archive names a person,
/// as on the native host.
fn email_hash(email_key: &str) -> String {
    hex::encode(Sha256::digest(email_key.as_bytes()))
}

impl D1Storage {
    fn log_if_changed(
        &self,
        request_id: &str,
        event: &str,
        detail: Option<&str>,
        now: i64,
    ) -> StorageResult<D1PreparedStatement> {
        self.statement(
            LOG_IF_CHANGED,
            &[text(request_id), text(event), int(now), opt_text(detail)],
        )
    }

    async fn requests(&self, sql: &str, params: &[JsValue]) -> StorageResult<Vec<DataRequest>> {
        let rows: Vec<RequestRow> = self.rows(sql, params).await?;
        rows.into_iter().map(RequestRow::into_request).collect()
    }

    async fn request_by_id(&self, id: &str) -> StorageResult<Option<DataRequest>> {
        Ok(self
            .requests(&format!("{SELECT_REQUEST} WHERE id = ?1"), &[text(id)])
            .await?
            .into_iter()
            .next())
    }

    pub(super) async fn create_data_request_d1(
        &self,
        request: NewDataRequest,
        throttle: Throttle,
    ) -> StorageResult<Admission> {
        let now = throttle.now;
        let mut statements = Vec::with_capacity(throttle.buckets.len() + 3);
        if !throttle.buckets.is_empty() {
            // One guard for every bucket: the batch stops before writing anything
            // when one of them is full, counting the events still in its window.
            let mut conditions = Vec::new();
            let mut params = vec![text(GUARD_THROTTLE)];
            for bucket in &throttle.buckets {
                let first = params.len() + 1;
                conditions.push(format!(
                    "(SELECT COUNT(*) FROM request_throttle WHERE key = ?{first} AND at > ?{}) >= ?{}",
                    first + 1,
                    first + 2
                ));
                params.push(text(&bucket.key));
                params.push(int(now - bucket.window));
                params.push(int(i64::from(bucket.limit)));
            }
            let guard = format!(
                "INSERT INTO counters (name, value) SELECT ?1, NULL WHERE {}",
                conditions.join(" OR ")
            );
            statements.push(self.statement(&guard, &params)?);
        }
        for bucket in &throttle.buckets {
            statements.push(self.statement(
                "INSERT INTO request_throttle (key, at, expires_at) VALUES (?1, ?2, ?3)",
                &[text(&bucket.key), int(now), int(now + bucket.window)],
            )?);
        }
        statements.push(self.statement(
            "INSERT INTO data_requests (id, store, kind, status, locale, email, email_key, token_hash,
                 token_expires_at, received_at, deadline_at)
             VALUES (?1, ?2, ?3, 'received', ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &[
                text(&request.id),
                text(&request.store),
                text(request.kind.as_str()),
                text(&request.locale),
                text(&request.email),
                text(&request.email_key),
                text(&request.token_hash),
                int(request.token_expires_at),
                int(request.received_at),
                int(request.deadline_at),
            ],
        )?);
        statements.push(self.log_if_changed(&request.id, "received", None, request.received_at)?);

        match self.batch(statements).await {
            Ok(_) => Ok(Admission::Recorded),
            Err(error) if error.is_guard() => Ok(Admission::Throttled {
                key: self.full_bucket(&throttle).await?,
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// Finds the first full bucket after a throttled batch. It only names the
    /// bucket in the caller's log, because the batch already decided.
    async fn full_bucket(&self, throttle: &Throttle) -> StorageResult<String> {
        for bucket in &throttle.buckets {
            let row: Option<CountRow> = self
                .row(
                    "SELECT COUNT(*) AS count FROM request_throttle WHERE key = ?1 AND at > ?2",
                    &[text(&bucket.key), int(throttle.now - bucket.window)],
                )
                .await?;
            if row.is_some_and(|row| row.count >= i64::from(bucket.limit)) {
                return Ok(bucket.key.clone());
            }
        }
        Ok(throttle
            .buckets
            .first()
            .map(|bucket| bucket.key.clone())
            .unwrap_or_default())
    }

    pub(super) async fn confirm_data_request_d1(
        &self,
        confirmation: Confirmation,
    ) -> StorageResult<Result<DataRequest, ConfirmRefusal>> {
        let now = confirmation.now;
        let found: Option<IdRow> = self
            .row(
                "SELECT id FROM data_requests
                 WHERE token_hash = ?1 AND store = ?2 AND status = 'received' AND token_expires_at > ?3",
                &[
                    text(&confirmation.token_hash),
                    text(&confirmation.store),
                    int(now),
                ],
            )
            .await?;
        let Some(IdRow { id }) = found else {
            return Ok(Err(ConfirmRefusal::Invalid));
        };
        let (export_hash, export_expires_at) = match &confirmation.export {
            Some((hash, expires_at)) => (Some(hash.as_str()), Some(*expires_at)),
            None => (None, None),
        };
        // The update repeats the conditions of the read, so a request confirmed by
        // a concurrent call in between is refused by the guard.
        let statements = vec![
            self.statement(
                "UPDATE data_requests SET status = 'confirmed', token_hash = NULL, confirmed_at = ?2,
                     export_token_hash = CASE WHEN kind = 'export' THEN ?3 END,
                     export_expires_at = CASE WHEN kind = 'export' THEN ?4 END
                 WHERE id = ?1 AND token_hash = ?5 AND status = 'received' AND token_expires_at > ?2",
                &[
                    text(&id),
                    int(now),
                    opt_text(export_hash),
                    opt_int(export_expires_at),
                    text(&confirmation.token_hash),
                ],
            )?,
            self.statement(
                "INSERT INTO counters (name, value) SELECT ?1, NULL WHERE changes() = 0",
                &[text(GUARD_CONFIRM)],
            )?,
            self.log_if_changed(&id, "confirmed", None, now)?,
        ];
        match self.batch(statements).await {
            Ok(_) => {}
            Err(error) if error.is_guard() => return Ok(Err(ConfirmRefusal::Invalid)),
            Err(error) => return Err(error.into()),
        }
        let request = self
            .request_by_id(&id)
            .await?
            .ok_or_else(|| StorageError("the request just confirmed cannot be read back".to_owned()))?;
        Ok(Ok(request))
    }

    pub(super) async fn find_data_request_d1(&self, id: String) -> StorageResult<Option<DataRequest>> {
        self.request_by_id(&id).await
    }

    pub(super) async fn find_export_d1(
        &self,
        token_hash: String,
        now: i64,
    ) -> StorageResult<Option<DataRequest>> {
        let sql = format!(
            "{SELECT_REQUEST} WHERE export_token_hash = ?1 AND kind = 'export' AND export_expires_at > ?2
                 AND status IN ('confirmed', 'fulfilled') AND email_key IS NOT NULL"
        );
        Ok(self
            .requests(&sql, &[text(&token_hash), int(now)])
            .await?
            .into_iter()
            .next())
    }

    pub(super) async fn claim_export_download_d1(
        &self,
        request_id: String,
        format: String,
        now: i64,
    ) -> StorageResult<bool> {
        let results = self
            .batch(vec![
                self.statement(
                    "INSERT INTO data_export_downloads (request_id, format, downloaded_at)
                     SELECT id, ?2, ?3 FROM data_requests WHERE id = ?1 AND kind = 'export'
                     ON CONFLICT (request_id, format) DO NOTHING",
                    &[text(&request_id), text(&format), int(now)],
                )?,
                self.log_if_changed(&request_id, &format!("downloaded:{format}"), None, now)?,
            ])
            .await?;
        Ok(results.first().map_or(0, changed_rows) == 1)
    }

    /// Runs an update of one request and, when it changed the row, its log entry;
    /// returns whether it changed the row.
    async fn update_and_log(
        &self,
        update: D1PreparedStatement,
        request_id: &str,
        event: &str,
        detail: Option<&str>,
        now: i64,
    ) -> StorageResult<bool> {
        let results = self
            .batch(vec![update, self.log_if_changed(request_id, event, detail, now)?])
            .await?;
        Ok(results.first().map_or(0, changed_rows) == 1)
    }

    pub(super) async fn defer_data_request_d1(
        &self,
        id: String,
        until: Option<i64>,
        detail: Option<String>,
        now: i64,
    ) -> StorageResult<()> {
        let update = self.statement(
            "UPDATE data_requests SET status = 'deferred', deferred_until = ?2
             WHERE id = ?1 AND status IN ('confirmed', 'deferred')",
            &[text(&id), opt_int(until)],
        )?;
        self.update_and_log(update, &id, "deferred", detail.as_deref(), now)
            .await
            .map(|_| ())
    }

    pub(super) async fn fulfil_data_request_d1(
        &self,
        id: String,
        detail: Option<String>,
        now: i64,
    ) -> StorageResult<()> {
        // An erasure clears the email at once. An export keeps it until its link
        // expires, because the download reads the data by that email.
        let update = self.statement(
            "UPDATE data_requests SET status = 'fulfilled', fulfilled_at = ?2, deferred_until = NULL,
                 email = CASE WHEN kind = 'erasure' THEN NULL ELSE email END,
                 email_key = CASE WHEN kind = 'erasure' THEN NULL ELSE email_key END
             WHERE id = ?1 AND status IN ('confirmed', 'deferred')",
            &[text(&id), int(now)],
        )?;
        self.update_and_log(update, &id, "fulfilled", detail.as_deref(), now)
            .await
            .map(|_| ())
    }

    pub(super) async fn extend_data_request_d1(
        &self,
        id: String,
        deadline_at: i64,
        now: i64,
    ) -> StorageResult<bool> {
        let update = self.statement(
            "UPDATE data_requests SET deadline_at = ?2
             WHERE id = ?1 AND status IN ('received', 'confirmed', 'deferred') AND deadline_at < ?2",
            &[text(&id), int(deadline_at)],
        )?;
        self.update_and_log(update, &id, "extended", None, now).await
    }

    pub(super) async fn list_data_requests_d1(
        &self,
        filter: RequestFilter,
    ) -> StorageResult<Vec<DataRequest>> {
        let sql = format!(
            "{SELECT_REQUEST}
             WHERE (?1 = 0 OR status IN ('received', 'confirmed', 'deferred')) AND (?2 IS NULL OR status = ?2)
             ORDER BY deadline_at, id LIMIT ?3"
        );
        self.requests(
            &sql,
            &[
                int(i64::from(filter.open_only)),
                opt_text(filter.status.map(RequestStatus::as_str)),
                int(i64::from(filter.limit)),
            ],
        )
        .await
    }

    pub(super) async fn data_request_log_d1(
        &self,
        since: Option<i64>,
    ) -> StorageResult<Vec<RequestLogEntry>> {
        let rows: Vec<LogRow> = self
            .rows(
                "SELECT sequence, request_id, store, kind, event, at, deadline_at, detail FROM data_request_log
                 WHERE ?1 IS NULL OR at >= ?1 ORDER BY sequence",
                &[opt_int(since)],
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(RequestLogEntry {
                    sequence: row.sequence,
                    request_id: row.request_id,
                    store: row.store,
                    kind: parse_kind(&row.kind)?,
                    event: row.event,
                    at: row.at,
                    deadline_at: row.deadline_at,
                    detail: row.detail,
                })
            })
            .collect()
    }

    async fn archived_where(&self, filter: &str, params: &[JsValue]) -> StorageResult<Vec<ArchivedOrder>> {
        let sql = format!(
            "SELECT order_id, number, store, billing, delivery, ground, until, archived_at FROM archived_orders
             {filter} ORDER BY archived_at, number"
        );
        let rows: Vec<ArchivedRow> = self.rows(&sql, params).await?;
        rows.into_iter().map(ArchivedRow::into_archived).collect()
    }

    pub(super) async fn archived_orders_d1(&self) -> StorageResult<Vec<ArchivedOrder>> {
        self.archived_where("", &[]).await
    }

    /// Ids of the orders of the customer with this email key, oldest first.
    async fn order_ids(&self, email_key: &str) -> StorageResult<Vec<String>> {
        let rows: Vec<IdRow> = self
            .rows(
                "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email_key = ?1
                 ORDER BY o.sequence",
                &[text(email_key)],
            )
            .await?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }

    pub(super) async fn personal_data_d1(&self, email_key: String) -> StorageResult<PersonalData> {
        let key = text(&email_key);
        // One read batch, so these parts come from the same state of the database.
        let results = self
            .batch(vec![
                self.statement(
                    "SELECT email, name, phone, company, vat_number, marketing_email, created_at, updated_at
                     FROM customers WHERE email_key = ?1",
                    std::slice::from_ref(&key),
                )?,
                self.statement(
                    "SELECT ca.id, ca.store, ca.currency, ca.created_at, ca.updated_at, ca.order_id,
                         (SELECT json_group_array(json_array(l.sku, l.quantity))
                          FROM (SELECT sku, quantity FROM cart_lines WHERE cart_id = ca.id ORDER BY position) l)
                             AS lines
                     FROM carts ca JOIN orders o ON o.id = ca.order_id JOIN customers c ON c.id = o.customer_id
                     WHERE c.email_key = ?1 ORDER BY o.sequence, ca.id",
                    std::slice::from_ref(&key),
                )?,
                self.statement(
                    "SELECT store, list, status, consent_id, subscribed_at, unsubscribed_at FROM marketing_subscriptions
                     WHERE email_key = ?1 ORDER BY id",
                    std::slice::from_ref(&key),
                )?,
                self.statement(
                    &format!(
                        "{} WHERE consent_id IN (SELECT consent_id FROM marketing_subscriptions WHERE email_key = ?1)
                         ORDER BY sequence",
                        super::consent::SELECT_RECORD
                    ),
                    std::slice::from_ref(&key),
                )?,
                self.statement(
                    &format!("{SELECT_REQUEST} WHERE email_key = ?1 ORDER BY received_at, id"),
                    &[key],
                )?,
            ])
            .await?;
        let [customer, carts, subscriptions, consents, requests] = results.as_slice() else {
            return Err(unexpected_results(5, results.len()));
        };
        let customer = rows_of::<CustomerRow>(customer)?
            .into_iter()
            .next()
            .map(CustomerRow::into_record);
        let carts = rows_of::<CartSummaryRow>(carts)?
            .into_iter()
            .map(CartSummaryRow::into_summary)
            .collect::<StorageResult<Vec<_>>>()?;
        let subscriptions = rows_of::<SubscriptionRecordRow>(subscriptions)?
            .into_iter()
            .map(SubscriptionRecordRow::into_record)
            .collect();
        let consents = rows_of::<super::consent::RecordRow>(consents)?
            .into_iter()
            .map(super::consent::RecordRow::into_record)
            .collect();
        let requests = rows_of::<RequestRow>(requests)?
            .into_iter()
            .map(RequestRow::into_request)
            .collect::<StorageResult<Vec<_>>>()?;

        // NOTE: the orders are read after the batch, one batch each, so an order
        // placed in between appears here without its cart above.
        let mut orders = Vec::new();
        for id in self.order_ids(&email_key).await? {
            if let Some(order) = self.load_order(&id).await? {
                orders.push(order);
            }
        }
        let archived = self
            .archived_where("WHERE email_hash = ?1", &[text(&email_hash(&email_key))])
            .await?;
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

    pub(super) async fn erase_personal_data_d1(
        &self,
        erasure: Erasure,
    ) -> Result<ErasureCounts, ErasureError> {
        let now = erasure.now;
        let email_key = erasure.email_key.as_str();
        let key = text(email_key);

        let current = self.order_ids(email_key).await?;
        let decided: HashSet<&str> = erasure.orders.iter().map(order_id_of).collect();
        if current.iter().any(|id| !decided.contains(id.as_str())) {
            return Err(ErasureError::Changed);
        }
        let current: HashSet<&str> = current.iter().map(String::as_str).collect();

        // Every order of the person must still be decided when the batch runs: an
        // order placed since the read above stops it.
        let decided_json = serde_json::to_string(&decided.iter().collect::<Vec<_>>())
            .map_err(|error| StorageError(format!("the order ids cannot be encoded: {error}")))?;
        let mut statements = vec![self.statement(
            "INSERT INTO counters (name, value) SELECT ?1, NULL WHERE EXISTS (
                 SELECT 1 FROM orders o JOIN customers c ON c.id = o.customer_id
                 WHERE c.email_key = ?2 AND o.id NOT IN (SELECT value FROM json_each(?3)))",
            &[text(GUARD_ERASURE), key.clone(), text(&decided_json)],
        )?];

        let mut counts = ErasureCounts::default();
        let mut cart_deletes = Vec::new();
        let hash = email_hash(email_key);
        for decision in &erasure.orders {
            let order_id = order_id_of(decision);
            // An order listed but not the person's (any more) is left alone.
            if !current.contains(order_id) {
                continue;
            }
            let personal = self.order_personal(order_id).await?;
            let billing = invoice_billing(&personal);
            match decision {
                OrderErasure::Delete { .. } => counts.orders_deleted += 1,
                OrderErasure::Archive {
                    ground,
                    until,
                    keep_delivery_address,
                    ..
                } => {
                    let delivery = keep_delivery_address.then(|| delivery_address(&personal));
                    statements.push(self.statement(
                        "INSERT INTO archived_orders (order_id, number, store, email_hash, billing, delivery, ground,
                             until, archived_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (order_id) DO NOTHING",
                        &[
                            text(order_id),
                            text(&personal.number),
                            text(&personal.store),
                            text(&hash),
                            text(&billing.to_string()),
                            opt_text(delivery.map(|value| value.to_string()).as_deref()),
                            text(ground_str(*ground)),
                            int(*until),
                            int(now),
                        ],
                    )?);
                    counts.orders_archived += 1;
                }
            }
            statements.extend(self.blank_order(order_id, &billing, now)?);
            cart_deletes.push(statements.len());
            statements.push(self.statement("DELETE FROM carts WHERE order_id = ?1", &[text(order_id)])?);
        }

        // Marketing: pending provider jobs for the address are dropped, then one
        // `forget` job per list makes the provider delete the contact.
        statements.push(self.statement(
            "DELETE FROM marketing_sync_jobs WHERE email = ?1 AND done_at IS NULL",
            std::slice::from_ref(&key),
        )?);
        let forget = erasure.forget_marketing.then_some(statements.len());
        if erasure.forget_marketing {
            statements.push(self.statement(
                "INSERT INTO marketing_sync_jobs (store, list, email, locale, action, created_at)
                 SELECT store, list, email_key, locale, ?2, ?3 FROM marketing_subscriptions WHERE email_key = ?1",
                &[key.clone(), text(SyncAction::Forget.as_str()), int(now)],
            )?);
        }
        let tokens = statements.len();
        statements.push(self.statement(
            "DELETE FROM unsubscribe_tokens WHERE subscription_id IN
                 (SELECT id FROM marketing_subscriptions WHERE email_key = ?1)",
            std::slice::from_ref(&key),
        )?);
        let subscriptions = statements.len();
        statements.push(self.statement(
            "DELETE FROM marketing_subscriptions WHERE email_key = ?1",
            std::slice::from_ref(&key),
        )?);
        statements.push(self.statement(
            "DELETE FROM inactivity_warnings WHERE email_key = ?1",
            std::slice::from_ref(&key),
        )?);
        // The customer row stays, pseudonymised, because its orders reference it.
        let customer = statements.len();
        statements.push(self.statement(
            "UPDATE customers SET email_key = 'erased:' || id, email = '', name = '', phone = NULL, company = NULL,
                 vat_number = NULL, marketing_email = NULL, marketing_email_at = NULL, updated_at = ?2
             WHERE email_key = ?1",
            &[key.clone(), int(now)],
        )?);
        // Earlier requests of the person that are closed keep no email.
        statements.push(self.statement(
            "UPDATE data_requests SET email = NULL, email_key = NULL
             WHERE email_key = ?1 AND status IN ('fulfilled', 'expired') AND kind = 'erasure'",
            &[key],
        )?);

        let results = match self.batch(statements).await {
            Ok(results) => results,
            Err(error) if error.is_guard() => return Err(ErasureError::Changed),
            Err(error) => return Err(StorageError::from(error).into()),
        };
        let changed = |index: usize| results.get(index).map_or(0, changed_rows);
        counts.carts = cart_deletes.iter().map(|index| changed(*index)).sum();
        counts.forget_jobs = forget.map_or(0, changed);
        counts.unsubscribe_tokens = changed(tokens);
        counts.subscriptions = changed(subscriptions);
        counts.customer = changed(customer);
        Ok(counts)
    }

    /// Reads the order's personal columns before they are blanked.
    async fn order_personal(&self, order_id: &str) -> StorageResult<OrderPersonal> {
        let row: Option<OrderPersonalRow> = self
            .row(
                "SELECT number, store, customer, billing_address, shipping_address FROM orders WHERE id = ?1",
                &[text(order_id)],
            )
            .await?;
        let row = row.ok_or_else(|| StorageError(format!("order {order_id} vanished during an erasure")))?;
        let json = |column: &str| {
            serde_json::from_str::<Value>(column)
                .map_err(|error| StorageError(format!("a stored JSON column is invalid: {error}")))
        };
        Ok(OrderPersonal {
            number: row.number,
            store: row.store,
            customer: json(&row.customer)?,
            billing_address: json(&row.billing_address)?,
            shipping_address: row.shipping_address.as_deref().map(json).transpose()?,
        })
    }

    /// Builds the statements that blank an order's personal columns and revoke its access
    /// token. The country of the billing address stays, because it decides the
    /// VAT applied.
    fn blank_order(
        &self,
        order_id: &str,
        billing: &Value,
        now: i64,
    ) -> StorageResult<Vec<D1PreparedStatement>> {
        let country = billing.get("country").and_then(Value::as_str).unwrap_or("");
        let blank_customer = json!({"email": "", "name": ""});
        let blank_billing =
            json!({"name": "", "street": "", "postal_code": "", "city": "", "country": country});
        let id = text(order_id);
        Ok(vec![
            // The new access token is random and never shown, so no link opens the order.
            self.statement(
                "UPDATE orders SET customer = ?2, billing_address = ?3, shipping_address = NULL, payment_url = NULL,
                     access_token = lower(hex(randomblob(32))), updated_at = ?4
                 WHERE id = ?1",
                &[
                    id.clone(),
                    text(&blank_customer.to_string()),
                    text(&blank_billing.to_string()),
                    int(now),
                ],
            )?,
            // Merchant notes and mail errors may quote the customer.
            self.statement(
                "UPDATE order_history SET note = NULL WHERE order_id = ?1 AND note IS NOT NULL",
                std::slice::from_ref(&id),
            )?,
            self.statement(
                "DELETE FROM notifications WHERE order_id = ?1 AND sent_at IS NULL",
                std::slice::from_ref(&id),
            )?,
            self.statement(
                "UPDATE notifications SET last_error = NULL WHERE order_id = ?1 AND last_error IS NOT NULL",
                &[id],
            )?,
        ])
    }

    pub(super) async fn expire_data_requests_d1(&self, now: i64) -> StorageResult<u64> {
        // The log entries are written first, from the rows the update then changes.
        let results = self
            .batch(vec![
                self.statement(
                    "INSERT INTO data_request_log (request_id, store, kind, event, at, deadline_at, detail)
                     SELECT id, store, kind, 'expired', ?1, deadline_at, NULL FROM data_requests
                     WHERE status = 'received' AND token_expires_at <= ?1 ORDER BY id",
                    &[int(now)],
                )?,
                self.statement(
                    "UPDATE data_requests SET status = 'expired', token_hash = NULL, email = NULL, email_key = NULL
                     WHERE status = 'received' AND token_expires_at <= ?1",
                    &[int(now)],
                )?,
            ])
            .await?;
        Ok(results.get(1).map_or(0, changed_rows))
    }

    pub(super) async fn close_expired_exports_d1(&self, now: i64) -> StorageResult<u64> {
        const DUE: &str = "kind = 'export' AND export_expires_at <= ?1
             AND (email IS NOT NULL OR email_key IS NOT NULL OR export_token_hash IS NOT NULL)";
        let results = self
            .batch(vec![
                self.statement(
                    &format!(
                        "INSERT INTO data_request_log (request_id, store, kind, event, at, deadline_at, detail)
                         SELECT id, store, kind, 'export_closed', ?1, deadline_at, NULL FROM data_requests
                         WHERE {DUE} ORDER BY id"
                    ),
                    &[int(now)],
                )?,
                self.statement(
                    &format!(
                        "UPDATE data_requests SET email = NULL, email_key = NULL, export_token_hash = NULL WHERE {DUE}"
                    ),
                    &[int(now)],
                )?,
            ])
            .await?;
        Ok(results.get(1).map_or(0, changed_rows))
    }

    pub(super) async fn inactive_people_d1(
        &self,
        before: i64,
        limit: u32,
    ) -> StorageResult<Vec<InactivePerson>> {
        // Last contact per email key, as on the native host: the customer record,
        // its orders, and its marketing subscriptions.
        let rows: Vec<InactiveRow> = self
            .rows(
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
                &[int(before), int(i64::from(limit))],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| InactivePerson {
                email_key: row.email_key,
                email: row.email,
                store: row.store,
                locale: row.locale,
                last_contact_at: row.at,
                warned_at: row.warned_at,
            })
            .collect())
    }

    pub(super) async fn mark_inactive_warned_d1(&self, email_key: String, now: i64) -> StorageResult<()> {
        self.execute(
            "INSERT INTO inactivity_warnings (email_key, warned_at) VALUES (?1, ?2)
             ON CONFLICT (email_key) DO UPDATE SET warned_at = excluded.warned_at",
            &[text(&email_key), int(now)],
        )
        .await
        .map(|_| ())
    }

    pub(super) async fn purge_archive_d1(&self, now: i64) -> StorageResult<u64> {
        // The `orders` row stays: its personal columns were blanked when it was
        // archived, and stock movements reference it.
        self.execute("DELETE FROM archived_orders WHERE until <= ?1", &[int(now)])
            .await
    }

    pub(super) async fn purge_consent_records_d1(&self, expired_before: i64) -> StorageResult<u64> {
        // Only a prefix of the chain is deleted, so the rest is still one chain. The
        // prefix ends before the first record to keep: one not yet past its proof
        // retention, or one that proves a subscription still active, and never the
        // newest: the next append links to it, and the sequence keeps growing. The
        // checkpoint moves to the last record of that prefix, then it is deleted.
        let results = self
            .batch(vec![
                self.statement(
                    "INSERT INTO consent_chain_checkpoint (id, sequence, record_hash, purged_at)
                     SELECT 1, sequence, record_hash, unixepoch() FROM consent_records
                     WHERE sequence = (
                         SELECT MAX(sequence) FROM consent_records WHERE sequence < COALESCE(
                             (SELECT MIN(r.sequence) FROM consent_records r
                              WHERE r.expires_at >= ?1 OR r.consent_id IN
                                  (SELECT consent_id FROM marketing_subscriptions WHERE status = 'subscribed')
                                  OR r.sequence = (SELECT MAX(sequence) FROM consent_records)),
                             9007199254740991))
                     ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence,
                         record_hash = excluded.record_hash, purged_at = excluded.purged_at",
                    &[int(expired_before)],
                )?,
                self.statement(
                    "DELETE FROM consent_records
                     WHERE sequence <= (SELECT sequence FROM consent_chain_checkpoint WHERE id = 1)",
                    &[],
                )?,
            ])
            .await?;
        Ok(results.get(1).map_or(0, changed_rows))
    }

    pub(super) async fn consent_chain_start_d1(&self) -> StorageResult<String> {
        let row: Option<HashRow> = self
            .row(
                "SELECT record_hash FROM consent_chain_checkpoint WHERE id = 1",
                &[],
            )
            .await?;
        Ok(row.map_or_else(|| crate::consent::GENESIS_HASH.to_owned(), |row| row.record_hash))
    }

    pub(super) async fn purge_request_log_d1(&self, before: i64) -> StorageResult<u64> {
        // The guard lets the trigger accept these deletes only (see the migration).
        // It is lowered again in the same batch.
        let results = self
            .batch(vec![
                self.statement(
                    "UPDATE retention_guard SET delete_before = ?1 WHERE name = 'data_request_log'",
                    &[int(before)],
                )?,
                self.statement("DELETE FROM data_request_log WHERE at < ?1", &[int(before)])?,
                self.statement(
                    "UPDATE retention_guard SET delete_before = 0 WHERE name = 'data_request_log'",
                    &[],
                )?,
                // A closed request is deleted with the last entry of its log. It no
                // longer contains an email by then.
                self.statement(
                    "DELETE FROM data_requests WHERE received_at < ?1 AND status IN ('fulfilled', 'expired')
                         AND email IS NULL
                         AND NOT EXISTS (SELECT 1 FROM data_request_log l WHERE l.request_id = data_requests.id)",
                    &[int(before)],
                )?,
            ])
            .await?;
        Ok(results.get(1).map_or(0, changed_rows))
    }

    pub(super) async fn housekeeping_d1(&self, now: i64) -> StorageResult<u64> {
        self.execute("DELETE FROM request_throttle WHERE expires_at <= ?1", &[int(now)])
            .await
    }

    pub(super) async fn purge_idempotency_keys_d1(&self, created_before: i64) -> StorageResult<u64> {
        self.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?1",
            &[int(created_before)],
        )
        .await
    }
}

/// The order's personal columns, read before they are blanked.
struct OrderPersonal {
    number: String,
    store: String,
    customer: Value,
    billing_address: Value,
    shipping_address: Option<Value>,
}

/// Returns the part of an order an invoice needs: the billing address with the buyer's
/// company and VAT number, without the phone.
fn invoice_billing(order: &OrderPersonal) -> Value {
    let mut billing = order.billing_address.clone();
    if let Value::Object(fields) = &mut billing {
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

/// Returns the delivery address a contract keeps: the shipping address, else the billing
/// one, without the carrier's phone.
fn delivery_address(order: &OrderPersonal) -> Value {
    let mut address = order
        .shipping_address
        .clone()
        .unwrap_or_else(|| order.billing_address.clone());
    if let Value::Object(fields) = &mut address {
        fields.remove("phone");
    }
    address
}

fn order_id_of(decision: &OrderErasure) -> &str {
    match decision {
        OrderErasure::Delete { order_id } | OrderErasure::Archive { order_id, .. } => order_id,
    }
}

fn ground_str(ground: LegalGround) -> &'static str {
    match ground {
        LegalGround::Invoice => "invoice",
        LegalGround::Contract => "contract",
    }
}

fn parse_ground(text: &str) -> StorageResult<LegalGround> {
    match text {
        "invoice" => Ok(LegalGround::Invoice),
        "contract" => Ok(LegalGround::Contract),
        other => Err(StorageError(format!(
            "a stored legal ground is invalid: `{other}`"
        ))),
    }
}

fn parse_kind(text: &str) -> StorageResult<RequestKind> {
    match text {
        "export" => Ok(RequestKind::Export),
        "erasure" => Ok(RequestKind::Erasure),
        other => Err(StorageError(format!(
            "a stored request kind is invalid: `{other}`"
        ))),
    }
}

fn parse_status(text: &str) -> StorageResult<RequestStatus> {
    match text {
        "received" => Ok(RequestStatus::Received),
        "confirmed" => Ok(RequestStatus::Confirmed),
        "deferred" => Ok(RequestStatus::Deferred),
        "fulfilled" => Ok(RequestStatus::Fulfilled),
        "expired" => Ok(RequestStatus::Expired),
        other => Err(StorageError(format!(
            "a stored request status is invalid: `{other}`"
        ))),
    }
}

fn json_column(column: &str) -> StorageResult<Value> {
    serde_json::from_str(column)
        .map_err(|error| StorageError(format!("a stored JSON column is invalid: {error}")))
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

#[derive(Deserialize)]
struct CountRow {
    count: i64,
}

#[derive(Deserialize)]
struct HashRow {
    record_hash: String,
}

#[derive(Deserialize)]
struct RequestRow {
    id: String,
    store: String,
    kind: String,
    status: String,
    locale: String,
    email: Option<String>,
    email_key: Option<String>,
    received_at: i64,
    deadline_at: i64,
    token_expires_at: i64,
    confirmed_at: Option<i64>,
    fulfilled_at: Option<i64>,
    deferred_until: Option<i64>,
    export_expires_at: Option<i64>,
}

impl RequestRow {
    fn into_request(self) -> StorageResult<DataRequest> {
        Ok(DataRequest {
            kind: parse_kind(&self.kind)?,
            status: parse_status(&self.status)?,
            id: self.id,
            store: self.store,
            locale: self.locale,
            email: self.email,
            email_key: self.email_key,
            received_at: self.received_at,
            deadline_at: self.deadline_at,
            token_expires_at: self.token_expires_at,
            confirmed_at: self.confirmed_at,
            fulfilled_at: self.fulfilled_at,
            deferred_until: self.deferred_until,
            export_expires_at: self.export_expires_at,
        })
    }
}

#[derive(Deserialize)]
struct LogRow {
    sequence: i64,
    request_id: String,
    store: String,
    kind: String,
    event: String,
    at: i64,
    deadline_at: i64,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct ArchivedRow {
    order_id: String,
    number: String,
    store: String,
    billing: String,
    delivery: Option<String>,
    ground: String,
    until: i64,
    archived_at: i64,
}

impl ArchivedRow {
    fn into_archived(self) -> StorageResult<ArchivedOrder> {
        Ok(ArchivedOrder {
            billing: json_column(&self.billing)?,
            delivery: self.delivery.as_deref().map(json_column).transpose()?,
            ground: parse_ground(&self.ground)?,
            order_id: self.order_id,
            number: self.number,
            store: self.store,
            until: self.until,
            archived_at: self.archived_at,
        })
    }
}

#[derive(Deserialize)]
struct CustomerRow {
    email: String,
    name: String,
    phone: Option<String>,
    company: Option<String>,
    vat_number: Option<String>,
    /// 0 or 1: SQLite has no boolean type.
    marketing_email: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl CustomerRow {
    fn into_record(self) -> CustomerRecord {
        CustomerRecord {
            email: self.email,
            name: self.name,
            phone: self.phone,
            company: self.company,
            vat_number: self.vat_number,
            marketing_email: self.marketing_email.map(|value| value != 0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Deserialize)]
struct CartSummaryRow {
    id: String,
    store: String,
    currency: String,
    created_at: i64,
    updated_at: i64,
    order_id: Option<String>,
    /// JSON array of `[sku, quantity]` pairs, in the order they were added.
    lines: String,
}

impl CartSummaryRow {
    fn into_summary(self) -> StorageResult<CartSummary> {
        let lines: Vec<(String, u32)> = serde_json::from_str(&self.lines)
            .map_err(|error| StorageError(format!("the lines of cart {} are invalid: {error}", self.id)))?;
        Ok(CartSummary {
            id: self.id,
            store: self.store,
            currency: self.currency,
            lines,
            created_at: self.created_at,
            updated_at: self.updated_at,
            order_id: self.order_id,
        })
    }
}

#[derive(Deserialize)]
struct SubscriptionRecordRow {
    store: String,
    list: String,
    status: String,
    consent_id: String,
    subscribed_at: i64,
    unsubscribed_at: Option<i64>,
}

impl SubscriptionRecordRow {
    fn into_record(self) -> SubscriptionRecord {
        SubscriptionRecord {
            store: self.store,
            list: self.list,
            status: self.status,
            consent_id: self.consent_id,
            subscribed_at: self.subscribed_at,
            unsubscribed_at: self.unsubscribed_at,
        }
    }
}

#[derive(Deserialize)]
struct OrderPersonalRow {
    number: String,
    store: String,
    customer: String,
    billing_address: String,
    shipping_address: Option<String>,
}

#[derive(Deserialize)]
struct InactiveRow {
    email_key: String,
    email: String,
    store: String,
    locale: String,
    at: i64,
    warned_at: Option<i64>,
}
