//! [`Storage`] on Cloudflare D1, for the Worker host (wasm32 only).
//!
//! The schema is the native host's: `edge/migrations/*.sql`, applied by
//! `wrangler d1 migrations apply`. D1 has no interactive transaction, so each
//! atomic domain operation is one [`D1Database::batch`]: D1 runs a batch as one
//! SQLite transaction and rolls all of it back when one statement fails. No code
//! runs between the statements of a batch, so every condition lives in SQL:
//!
//! - a value read from an earlier statement is read again with a sub-select (the
//!   order number from `counters`, the stock level after a movement);
//! - a rule the schema already enforces fails the batch by itself: the `CHECK` of
//!   `stock_movements` (stock below its floor), `UNIQUE` on `orders.cart_id` (a
//!   second order for a cart), the primary key of `idempotency_keys` (a key used
//!   twice);
//! - any other condition is a *guard*: an `INSERT INTO counters` of a `NULL` value
//!   that selects a row only when the condition fails, so the batch stops on
//!   `NOT NULL constraint failed: counters.value`. Each guard writes a distinct
//!   `name`, and a batch has at most one guard, so the error names the one that failed.
//!
//! After a failed batch, the error is read back into the domain error (out of
//! stock, cart already ordered, key replayed) with a plain read; that read only
//! chooses the message, never whether the write happened.
//!
//! Integers cross into JavaScript as numbers: exact up to 2^53, far beyond Unix
//! seconds, quantities and minor units of money.
//!
//! The consent chain and email marketing subscriptions are in [`consent`], and
//! personal-data requests and the retention purge in [`privacy`].

use std::collections::HashMap;
use std::future::Future;

use commerce::cart::CartLine;
use commerce::tax::TaxSplit;
use commerce::{Currency, Locale};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::send::SendFuture;
use worker::{D1Database, D1PreparedStatement, D1Result};

use super::{
    Admission, ArchivedOrder, BoxFuture, CartRecord, ConfirmRefusal, Confirmation, Created, DataRequest,
    Erasure, ErasureCounts, ErasureError, IdempotencyClaim, InactivePerson, LineChange, MarketingJob,
    NewCart, NewConsent, NewDataRequest, NewSubscription, Notification, ORDER_CONFIRMATION, Order,
    OrderDraft, OrderFilter, OrderLine, OrderTotals, PersonalData, PlaceOrderError, Replay, RequestFilter,
    RequestLogEntry, StatusChange, StockEffect, StockLevel, Storage, StorageError, StorageResult,
    Subscription, Throttle, Transition, TransitionError, Withdrawal,
};
use crate::consent::{ConsentPolicy, ConsentRecord};

mod consent;
mod privacy;

/// Name written by the guard of [`Storage::place_order`] when the cart was not
/// claimed for the new order.
const GUARD_CART: &str = "guard:cart_already_ordered";
/// Name written by the guard of [`Storage::transition_order`] when the order was
/// no longer in the status the caller saw.
const GUARD_TRANSITION: &str = "guard:order_status_changed";

/// The D1 backend.
#[derive(Debug)]
pub struct D1Storage {
    db: D1Database,
}

impl D1Storage {
    /// Wraps the Worker's D1 binding. The migrations must already be applied
    /// (`wrangler d1 migrations apply`): a Worker does not change its schema.
    pub fn new(db: D1Database) -> Self {
        D1Storage { db }
    }

    /// A statement with its parameters bound.
    fn statement(&self, sql: &str, params: &[JsValue]) -> StorageResult<D1PreparedStatement> {
        self.db
            .prepare(sql)
            .bind(params)
            .map_err(|error| d1_error(&error))
    }

    /// Runs statements as one all-or-nothing batch.
    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>, BatchError> {
        self.db
            .batch(statements)
            .await
            .map_err(|error| BatchError(error_text(&error)))
    }

    /// Every row of one query.
    async fn rows<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> StorageResult<Vec<T>> {
        let result = self
            .statement(sql, params)?
            .all()
            .await
            .map_err(|error| d1_error(&error))?;
        rows_of(&result)
    }

    /// The first row of one query.
    async fn row<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> StorageResult<Option<T>> {
        Ok(self.rows(sql, params).await?.into_iter().next())
    }

    /// Runs one write and returns how many rows it changed.
    async fn execute(&self, sql: &str, params: &[JsValue]) -> StorageResult<u64> {
        let result = self
            .statement(sql, params)?
            .run()
            .await
            .map_err(|error| d1_error(&error))?;
        Ok(changed_rows(&result))
    }

    async fn find_replay(&self, scope: &str, key: &str) -> StorageResult<Option<Replay>> {
        let row: Option<ReplayRow> = self
            .row(
                "SELECT resource_id, request_hash FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
                &[text(scope), text(key)],
            )
            .await?;
        Ok(row.map(|row| Replay {
            resource_id: row.resource_id,
            request_hash: row.request_hash,
        }))
    }

    /// The cart and its lines, read in one batch so both come from the same state.
    async fn load_cart(&self, id: &str, now: i64) -> StorageResult<Option<CartRecord>> {
        let results = self
            .batch(vec![
                self.statement(
                    "SELECT id, store, currency, locale, created_at, updated_at, expires_at, order_id
                     FROM carts WHERE id = ?1 AND expires_at > ?2",
                    &[text(id), int(now)],
                )?,
                self.statement(
                    "SELECT sku, quantity, seen_unit_price FROM cart_lines WHERE cart_id = ?1 ORDER BY position",
                    &[text(id)],
                )?,
            ])
            .await
            .map_err(StorageError::from)?;
        let [cart, lines] = results.as_slice() else {
            return Err(unexpected_results(2, results.len()));
        };
        let Some(cart) = rows_of::<CartRow>(cart)?.into_iter().next() else {
            return Ok(None);
        };
        let lines = rows_of::<CartLineRow>(lines)?
            .into_iter()
            .map(|line| CartLine {
                sku: line.sku,
                quantity: line.quantity,
                seen_unit_price: line.seen_unit_price,
            })
            .collect();
        Ok(Some(CartRecord {
            currency: parse_currency(&cart.currency)?,
            locale: parse_locale(&cart.locale)?,
            id: cart.id,
            store: cart.store,
            lines,
            created_at: cart.created_at,
            updated_at: cart.updated_at,
            expires_at: cart.expires_at,
            order_id: cart.order_id,
        }))
    }

    /// The order with its lines and history, read in one batch.
    async fn load_order(&self, id: &str) -> StorageResult<Option<Order>> {
        let results = self
            .batch(vec![
                self.statement(SELECT_ORDER, &[text(id)])?,
                self.statement(
                    "SELECT sku, title, quantity, unit_price, tax_rate, line_total, net, tax, gross,
                            backorder_quantity, backorder_days
                     FROM order_lines WHERE order_id = ?1 ORDER BY position",
                    &[text(id)],
                )?,
                self.statement(
                    "SELECT status, at, note FROM order_history WHERE order_id = ?1 ORDER BY id",
                    &[text(id)],
                )?,
            ])
            .await
            .map_err(StorageError::from)?;
        let [order, lines, history] = results.as_slice() else {
            return Err(unexpected_results(3, results.len()));
        };
        let Some(raw) = rows_of::<OrderRow>(order)?.into_iter().next() else {
            return Ok(None);
        };
        let lines = rows_of::<OrderLineRow>(lines)?
            .into_iter()
            .map(|line| OrderLine {
                sku: line.sku,
                title: line.title,
                quantity: line.quantity,
                unit_price: line.unit_price,
                tax_rate: line.tax_rate,
                line_total: line.line_total,
                split: TaxSplit {
                    net: line.net,
                    tax: line.tax,
                    gross: line.gross,
                },
                backorder_quantity: line.backorder_quantity,
                backorder_days: line.backorder_days,
            })
            .collect();
        let history = rows_of::<HistoryRow>(history)?
            .into_iter()
            .map(|entry| StatusChange {
                status: entry.status,
                at: entry.at,
                note: entry.note,
            })
            .collect();
        Ok(Some(Order {
            currency: parse_currency(&raw.currency)?,
            locale: parse_locale(&raw.locale)?,
            customer: from_json(&raw.customer)?,
            billing_address: from_json(&raw.billing_address)?,
            shipping_address: raw.shipping_address.as_deref().map(from_json).transpose()?,
            shipping: from_json(&raw.shipping)?,
            payment: from_json(&raw.payment)?,
            totals: OrderTotals {
                prices_include_tax: raw.prices_include_tax != 0,
                subtotal: raw.subtotal,
                items: TaxSplit {
                    net: raw.items_net,
                    tax: raw.items_tax,
                    gross: raw.items_gross,
                },
                tax_total: raw.tax_total,
                total_excl_tax: raw.total_excl_tax,
                total: raw.total,
            },
            id: raw.id,
            number: raw.number,
            sequence: raw.sequence,
            access_token: raw.access_token,
            store: raw.store,
            status: raw.status,
            lines,
            payment_reference: raw.payment_reference,
            payment_url: raw.payment_url,
            history,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
        }))
    }

    async fn create_cart(
        &self,
        cart: NewCart,
        claim: Option<IdempotencyClaim>,
    ) -> StorageResult<Created<CartRecord>> {
        let mut statements = Vec::with_capacity(2);
        if let Some(claim) = &claim {
            statements.push(self.claim_statement(claim, &cart.id, cart.now)?);
        }
        statements.push(self.statement(
            "INSERT INTO carts (id, store, currency, locale, created_at, updated_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            &[
                text(&cart.id),
                text(&cart.store),
                text(cart.currency.code()),
                text(cart.locale.as_str()),
                int(cart.now),
                int(cart.expires_at),
            ],
        )?);
        if let Err(error) = self.batch(statements).await {
            if let Some(claim) = &claim
                && error.is_idempotency_conflict()
                && let Some(replay) = self.find_replay(claim.scope, &claim.key).await?
            {
                return Ok(Created::Replayed(replay));
            }
            return Err(error.into());
        }
        let record = self
            .load_cart(&cart.id, cart.now)
            .await?
            .ok_or_else(|| StorageError("the cart just written cannot be read back".to_owned()))?;
        Ok(Created::New(record))
    }

    fn claim_statement(
        &self,
        claim: &IdempotencyClaim,
        resource_id: &str,
        now: i64,
    ) -> StorageResult<D1PreparedStatement> {
        self.statement(
            "INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                text(claim.scope),
                text(&claim.key),
                text(&claim.request_hash),
                text(resource_id),
                int(now),
            ],
        )
    }

    async fn update_cart_lines(
        &self,
        id: String,
        changes: Vec<LineChange>,
        now: i64,
        expires_at: i64,
    ) -> StorageResult<Option<CartRecord>> {
        // Each line statement re-checks that the cart is alive: the first statement
        // pushes the expiry of a live cart only, so an expired cart stays expired and
        // its lines are left alone.
        let mut statements = Vec::with_capacity(changes.len() + 1);
        statements.push(self.statement(
            "UPDATE carts SET updated_at = ?1, expires_at = ?2 WHERE id = ?3 AND expires_at > ?1",
            &[int(now), int(expires_at), text(&id)],
        )?);
        for change in &changes {
            if change.quantity == 0 {
                statements.push(self.statement(
                    "DELETE FROM cart_lines WHERE cart_id = ?1 AND sku = ?2
                       AND EXISTS (SELECT 1 FROM carts WHERE id = ?1 AND expires_at > ?3)",
                    &[text(&id), text(&change.sku), int(now)],
                )?);
            } else {
                statements.push(self.statement(
                    "INSERT INTO cart_lines (cart_id, sku, quantity, seen_unit_price, position)
                     SELECT ?1, ?2, ?3, ?4,
                         (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_lines WHERE cart_id = ?1)
                     WHERE EXISTS (SELECT 1 FROM carts WHERE id = ?1 AND expires_at > ?5)
                     ON CONFLICT (cart_id, sku) DO UPDATE SET
                         quantity = excluded.quantity, seen_unit_price = excluded.seen_unit_price",
                    &[
                        text(&id),
                        text(&change.sku),
                        int(i64::from(change.quantity)),
                        opt_int(change.seen_unit_price),
                        int(now),
                    ],
                )?);
            }
        }
        let results = self.batch(statements).await?;
        let touched = results.first().map_or(0, changed_rows);
        if touched == 0 {
            return Ok(None);
        }
        self.load_cart(&id, now).await
    }

    async fn list_carts(&self, since: i64, now: i64, limit: u32) -> StorageResult<Vec<CartRecord>> {
        let ids: Vec<IdRow> = self
            .rows(
                "SELECT id FROM carts WHERE updated_at >= ?1 AND expires_at > ?2
                 ORDER BY updated_at DESC, id LIMIT ?3",
                &[int(since), int(now), int(i64::from(limit))],
            )
            .await?;
        let mut carts = Vec::with_capacity(ids.len());
        for IdRow { id } in ids {
            if let Some(cart) = self.load_cart(&id, now).await? {
                carts.push(cart);
            }
        }
        Ok(carts)
    }

    async fn stock_levels(&self, skus: Vec<String>) -> StorageResult<HashMap<String, i64>> {
        // One query for any number of skus: the list travels as a JSON array.
        let list = serde_json::to_string(&skus)
            .map_err(|error| StorageError(format!("the sku list cannot be encoded: {error}")))?;
        let rows: Vec<StockRow> = self
            .rows(
                "SELECT sku, quantity FROM stock WHERE sku IN (SELECT value FROM json_each(?1))",
                &[text(&list)],
            )
            .await?;
        Ok(rows.into_iter().map(|row| (row.sku, row.quantity)).collect())
    }

    async fn set_stock(&self, levels: Vec<(String, i64)>, now: i64) -> StorageResult<Vec<StockLevel>> {
        // Per sku: create the row at 0, record the movement when the level changes
        // (read from the row before the update), then set the level.
        let mut statements = Vec::with_capacity(levels.len() * 3);
        for (sku, quantity) in &levels {
            statements.push(self.statement(
                "INSERT INTO stock (sku, quantity, updated_at) VALUES (?1, 0, ?2) ON CONFLICT (sku) DO NOTHING",
                &[text(sku), int(now)],
            )?);
            statements.push(self.statement(
                "INSERT INTO stock_movements (sku, delta, quantity_after, floor, reason, order_id, at)
                 SELECT sku, ?2 - quantity, ?2, NULL, 'set', NULL, ?3 FROM stock
                 WHERE sku = ?1 AND quantity != ?2",
                &[text(sku), int(*quantity), int(now)],
            )?);
            statements.push(self.statement(
                "UPDATE stock SET quantity = ?2, updated_at = ?3 WHERE sku = ?1",
                &[text(sku), int(*quantity), int(now)],
            )?);
        }
        if !statements.is_empty() {
            self.batch(statements).await?;
        }
        Ok(levels
            .into_iter()
            .map(|(sku, quantity)| StockLevel {
                sku,
                quantity,
                updated_at: now,
            })
            .collect())
    }

    async fn place_order(&self, draft: OrderDraft) -> Result<Order, PlaceOrderError> {
        let statements = self.place_order_statements(&draft)?;
        if let Err(error) = self.batch(statements).await {
            return Err(self.place_order_error(&draft, error).await);
        }
        self.load_order(&draft.id)
            .await?
            .ok_or_else(|| StorageError("the order just written cannot be read back".to_owned()).into())
    }

    /// The batch that places an order; see the module's documentation for how
    /// each rule fails it.
    fn place_order_statements(&self, draft: &OrderDraft) -> StorageResult<Vec<D1PreparedStatement>> {
        let now = draft.now;
        let mut statements = Vec::with_capacity(8 + draft.lines.len() * 4);
        if let Some(claim) = &draft.idempotency {
            statements.push(self.claim_statement(claim, &draft.id, now)?);
        }
        statements.push(self.statement(
            "UPDATE carts SET order_id = ?1, updated_at = ?2 WHERE id = ?3 AND order_id IS NULL",
            &[text(&draft.id), int(now), text(&draft.cart_id)],
        )?);
        statements.push(self.statement(
            "INSERT INTO counters (name, value) SELECT ?1, NULL
             WHERE NOT EXISTS (SELECT 1 FROM carts WHERE id = ?2 AND order_id = ?3)",
            &[text(GUARD_CART), text(&draft.cart_id), text(&draft.id)],
        )?);

        let customer = &draft.customer;
        statements.push(self.statement(
            "INSERT INTO customers (email_key, email, name, phone, company, vat_number, marketing_email,
                 marketing_email_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
             ON CONFLICT (email_key) DO UPDATE SET
                 email = excluded.email,
                 name = excluded.name,
                 phone = COALESCE(excluded.phone, phone),
                 company = COALESCE(excluded.company, company),
                 vat_number = COALESCE(excluded.vat_number, vat_number),
                 marketing_email = COALESCE(excluded.marketing_email, marketing_email),
                 marketing_email_at = COALESCE(excluded.marketing_email_at, marketing_email_at),
                 updated_at = excluded.updated_at",
            &[
                text(&draft.email_key),
                text(&customer.email),
                text(&customer.name),
                opt_text(customer.phone.as_deref()),
                opt_text(customer.company.as_deref()),
                opt_text(customer.vat_number.as_deref()),
                draft.marketing_email.map_or(JsValue::NULL, boolean),
                opt_int(draft.marketing_email.map(|_| now)),
                int(now),
            ],
        )?);
        statements.push(self.statement(
            "UPDATE counters SET value = value + 1 WHERE name = 'order_number'",
            &[],
        )?);

        let totals = &draft.totals;
        let shipping_address = draft.shipping_address.as_ref().map(to_json).transpose()?;
        statements.push(self.statement(
            "INSERT INTO orders (id, number, sequence, access_token, cart_id, store, currency, locale, status,
                 customer_id, customer, billing_address, shipping_address, shipping, payment, prices_include_tax,
                 subtotal, items_net, items_tax, items_gross, tax_total, total_excl_tax, total, created_at,
                 updated_at)
             VALUES (?1,
                 ?2 || printf('%06d', (SELECT value FROM counters WHERE name = 'order_number')),
                 (SELECT value FROM counters WHERE name = 'order_number'),
                 ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT id FROM customers WHERE email_key = ?9),
                 ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?23)",
            &[
                text(&draft.id),
                text(&draft.number_prefix),
                text(&draft.access_token),
                text(&draft.cart_id),
                text(&draft.store),
                text(draft.currency.code()),
                text(draft.locale.as_str()),
                text(commerce::order::PENDING),
                text(&draft.email_key),
                text(&to_json(&draft.customer)?),
                text(&to_json(&draft.billing_address)?),
                opt_text(shipping_address.as_deref()),
                text(&to_json(&draft.shipping)?),
                text(&to_json(&draft.payment)?),
                boolean(totals.prices_include_tax),
                int(totals.subtotal),
                int(totals.items.net),
                int(totals.items.tax),
                int(totals.items.gross),
                int(totals.tax_total),
                int(totals.total_excl_tax),
                int(totals.total),
                int(now),
            ],
        )?);

        for (index, (line, effect)) in draft.lines.iter().enumerate() {
            let mut backorder = false;
            if let StockEffect::Decrement {
                floor,
                backorder: backordered,
            } = effect
            {
                backorder = *backordered;
                let delta = -i64::from(line.quantity);
                statements.extend(self.move_stock(&line.sku, delta, *floor, "order", &draft.id, now)?);
            }
            // For a backorder sku, the units beyond the stock just decremented, as
            // the native host counts them.
            let position = i64::try_from(index)
                .map_err(|_| StorageError(format!("order line {index} is out of range")))?;
            statements.push(self.statement(
                "INSERT INTO order_lines (order_id, position, sku, title, quantity, unit_price, tax_rate,
                     line_total, net, tax, gross, backorder_quantity, backorder_days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                     CASE WHEN ?12 THEN MIN(?5, MAX(0, -(SELECT quantity FROM stock WHERE sku = ?3))) ELSE 0 END,
                     CASE WHEN ?12 THEN ?13 END)",
                &[
                    text(&draft.id),
                    int(position),
                    text(&line.sku),
                    text(&line.title),
                    int(i64::from(line.quantity)),
                    int(line.unit_price),
                    int(i64::from(line.tax_rate)),
                    int(line.line_total),
                    int(line.split.net),
                    int(line.split.tax),
                    int(line.split.gross),
                    boolean(backorder),
                    opt_int(line.backorder_days.map(i64::from)),
                ],
            )?);
        }

        statements.push(self.statement(
            "INSERT INTO order_history (order_id, status, note, at) VALUES (?1, ?2, NULL, ?3)",
            &[text(&draft.id), text(commerce::order::PENDING), int(now)],
        )?);
        statements.push(self.statement(
            "INSERT INTO notifications (order_id, kind, created_at) VALUES (?1, ?2, ?3)",
            &[text(&draft.id), text(ORDER_CONFIRMATION), int(now)],
        )?);
        Ok(statements)
    }

    /// Reads why the batch of `draft` failed.
    async fn place_order_error(&self, draft: &OrderDraft, error: BatchError) -> PlaceOrderError {
        if error.is_idempotency_conflict()
            && let Some(claim) = &draft.idempotency
        {
            return match self.find_replay(claim.scope, &claim.key).await {
                Ok(Some(replay)) => PlaceOrderError::Replayed(replay),
                Ok(None) => error.into(),
                Err(read) => read.into(),
            };
        }
        if error.is_guard() || error.0.contains("UNIQUE constraint failed: orders.cart_id") {
            return PlaceOrderError::CartAlreadyOrdered;
        }
        if error.is_check_violation() {
            // The batch does not say which movement failed: the first line whose
            // floor the current level cannot cover is named. A concurrent change may
            // make that line differ from the one that failed; only the message
            // depends on it.
            let skus = draft.lines.iter().map(|(line, _)| line.sku.clone()).collect();
            let levels = self.stock_levels(skus).await.unwrap_or_default();
            let line = draft
                .lines
                .iter()
                .position(|(line, effect)| match effect {
                    StockEffect::Decrement {
                        floor: Some(floor), ..
                    } => levels.get(&line.sku).copied().unwrap_or(0) - i64::from(line.quantity) < *floor,
                    _ => false,
                })
                .unwrap_or(0);
            return PlaceOrderError::OutOfStock { line };
        }
        error.into()
    }

    /// The statements that change a sku's stock by `delta` and record the movement;
    /// with a `floor`, the movement's `CHECK` fails the batch below it.
    fn move_stock(
        &self,
        sku: &str,
        delta: i64,
        floor: Option<i64>,
        reason: &str,
        order_id: &str,
        now: i64,
    ) -> StorageResult<[D1PreparedStatement; 3]> {
        Ok([
            self.statement(
                "INSERT INTO stock (sku, quantity, updated_at) VALUES (?1, 0, ?2) ON CONFLICT (sku) DO NOTHING",
                &[text(sku), int(now)],
            )?,
            self.statement(
                "UPDATE stock SET quantity = quantity + ?1, updated_at = ?2 WHERE sku = ?3",
                &[int(delta), int(now), text(sku)],
            )?,
            self.statement(
                "INSERT INTO stock_movements (sku, delta, quantity_after, floor, reason, order_id, at)
                 VALUES (?1, ?2, (SELECT quantity FROM stock WHERE sku = ?1), ?3, ?4, ?5, ?6)",
                &[text(sku), int(delta), opt_int(floor), text(reason), text(order_id), int(now)],
            )?,
        ])
    }

    async fn list_orders(&self, filter: OrderFilter) -> StorageResult<Vec<Order>> {
        let ids: Vec<IdRow> = self
            .rows(
                "SELECT id FROM orders
                 WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR created_at >= ?2)
                 ORDER BY sequence DESC LIMIT ?3",
                &[
                    opt_text(filter.status.as_deref()),
                    opt_int(filter.since),
                    int(i64::from(filter.limit)),
                ],
            )
            .await?;
        let mut orders = Vec::with_capacity(ids.len());
        for IdRow { id } in ids {
            if let Some(order) = self.load_order(&id).await? {
                orders.push(order);
            }
        }
        Ok(orders)
    }

    async fn transition_order(&self, transition: Transition) -> Result<Order, TransitionError> {
        let now = transition.now;
        let order_id = text(&transition.order_id);
        let mut statements = vec![
            self.statement(
                "UPDATE orders SET status = ?1, updated_at = ?2, payment_reference = COALESCE(?3, payment_reference)
                 WHERE id = ?4 AND status = ?5",
                &[
                    text(&transition.to),
                    int(now),
                    opt_text(transition.payment_reference.as_deref()),
                    order_id.clone(),
                    text(&transition.from),
                ],
            )?,
            // `changes()` is the row count of the update just before, on the same
            // connection: the batch stops here when the order was not in `from`.
            self.statement(
                "INSERT INTO counters (name, value) SELECT ?1, NULL WHERE changes() = 0",
                &[text(GUARD_TRANSITION)],
            )?,
            self.statement(
                "INSERT INTO order_history (order_id, status, note, at) VALUES (?1, ?2, ?3, ?4)",
                &[
                    order_id.clone(),
                    text(&transition.to),
                    opt_text(transition.note.as_deref()),
                    int(now),
                ],
            )?,
        ];
        if transition.return_stock {
            // Set-based, since the skus are only known inside the batch: give back
            // every unit the order took, then record one `cancel` movement per
            // `order` movement, with the level after the return.
            statements.push(self.statement(
                "UPDATE stock SET
                     quantity = quantity - (SELECT SUM(delta) FROM stock_movements
                         WHERE order_id = ?1 AND reason = 'order' AND sku = stock.sku),
                     updated_at = ?2
                 WHERE sku IN (SELECT sku FROM stock_movements WHERE order_id = ?1 AND reason = 'order')",
                &[order_id.clone(), int(now)],
            )?);
            statements.push(self.statement(
                "INSERT INTO stock_movements (sku, delta, quantity_after, floor, reason, order_id, at)
                 SELECT movement.sku, -movement.delta, stock.quantity, NULL, 'cancel', movement.order_id, ?2
                 FROM stock_movements AS movement JOIN stock ON stock.sku = movement.sku
                 WHERE movement.order_id = ?1 AND movement.reason = 'order'
                 ORDER BY movement.id",
                &[order_id.clone(), int(now)],
            )?);
        }
        if transition.notify_customer {
            statements.push(self.statement(
                "INSERT INTO notifications (order_id, kind, created_at) VALUES (?1, ?2, ?3)",
                &[order_id, text(&format!("status:{}", transition.to)), int(now)],
            )?);
        }
        if let Err(error) = self.batch(statements).await {
            if !error.is_guard() {
                return Err(StorageError::from(error).into());
            }
            let current: Option<StatusRow> = self
                .row(
                    "SELECT status FROM orders WHERE id = ?1",
                    &[text(&transition.order_id)],
                )
                .await?;
            return Err(match current {
                Some(row) => TransitionError::Conflict { current: row.status },
                None => TransitionError::NotFound,
            });
        }
        self.load_order(&transition.order_id)
            .await?
            .ok_or(TransitionError::NotFound)
    }

    async fn pending_notifications(
        &self,
        order_id: Option<String>,
        max_attempts: u32,
    ) -> StorageResult<Vec<Notification>> {
        let rows: Vec<NotificationRow> = self
            .rows(
                "SELECT id, order_id, kind, attempts FROM notifications
                 WHERE sent_at IS NULL AND attempts < ?1 AND (?2 IS NULL OR order_id = ?2)
                 ORDER BY id LIMIT 100",
                &[int(i64::from(max_attempts)), opt_text(order_id.as_deref())],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| Notification {
                id: row.id,
                order_id: row.order_id,
                kind: row.kind,
                attempts: row.attempts,
            })
            .collect())
    }
}

/// Boxes a D1 call as the trait's future. D1's futures hold JavaScript values and
/// are not `Send`; a Worker runs on one thread, which is what [`SendFuture`]
/// relies on to satisfy axum's `Send` bound.
fn boxed<'a, T>(future: impl Future<Output = T> + 'a) -> BoxFuture<'a, T> {
    Box::pin(SendFuture::new(future))
}

impl Storage for D1Storage {
    fn create_cart(
        &self,
        cart: NewCart,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<CartRecord>>> {
        boxed(D1Storage::create_cart(self, cart, claim))
    }

    fn get_cart(&self, id: String, now: i64) -> BoxFuture<'_, StorageResult<Option<CartRecord>>> {
        boxed(async move { self.load_cart(&id, now).await })
    }

    fn update_cart_lines(
        &self,
        id: String,
        changes: Vec<LineChange>,
        now: i64,
        expires_at: i64,
    ) -> BoxFuture<'_, StorageResult<Option<CartRecord>>> {
        boxed(D1Storage::update_cart_lines(self, id, changes, now, expires_at))
    }

    fn list_carts(&self, since: i64, now: i64, limit: u32) -> BoxFuture<'_, StorageResult<Vec<CartRecord>>> {
        boxed(D1Storage::list_carts(self, since, now, limit))
    }

    fn purge_expired_carts(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        // `ON DELETE CASCADE` removes the lines: D1 enforces foreign keys.
        boxed(async move {
            self.execute(
                "DELETE FROM carts WHERE expires_at <= ?1 AND order_id IS NULL",
                &[int(now)],
            )
            .await
        })
    }

    fn find_replay(&self, scope: &'static str, key: String) -> BoxFuture<'_, StorageResult<Option<Replay>>> {
        boxed(async move { D1Storage::find_replay(self, scope, &key).await })
    }

    fn stock_levels(&self, skus: Vec<String>) -> BoxFuture<'_, StorageResult<HashMap<String, i64>>> {
        boxed(D1Storage::stock_levels(self, skus))
    }

    fn set_stock(
        &self,
        levels: Vec<(String, i64)>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<Vec<StockLevel>>> {
        boxed(D1Storage::set_stock(self, levels, now))
    }

    fn place_order(&self, draft: OrderDraft) -> BoxFuture<'_, Result<Order, PlaceOrderError>> {
        boxed(D1Storage::place_order(self, draft))
    }

    fn find_order(&self, id: String) -> BoxFuture<'_, StorageResult<Option<Order>>> {
        boxed(async move { self.load_order(&id).await })
    }

    fn find_order_by_number(&self, number: String) -> BoxFuture<'_, StorageResult<Option<Order>>> {
        boxed(async move {
            let row: Option<IdRow> = self
                .row("SELECT id FROM orders WHERE number = ?1", &[text(&number)])
                .await?;
            match row {
                Some(IdRow { id }) => self.load_order(&id).await,
                None => Ok(None),
            }
        })
    }

    fn list_orders(&self, filter: OrderFilter) -> BoxFuture<'_, StorageResult<Vec<Order>>> {
        boxed(D1Storage::list_orders(self, filter))
    }

    fn transition_order(&self, transition: Transition) -> BoxFuture<'_, Result<Order, TransitionError>> {
        boxed(D1Storage::transition_order(self, transition))
    }

    fn set_payment_url(&self, order_id: String, url: String, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        boxed(async move {
            self.execute(
                "UPDATE orders SET payment_url = ?1, updated_at = ?2 WHERE id = ?3",
                &[text(&url), int(now), text(&order_id)],
            )
            .await
            .map(|_| ())
        })
    }

    fn pending_notifications(
        &self,
        order_id: Option<String>,
        max_attempts: u32,
    ) -> BoxFuture<'_, StorageResult<Vec<Notification>>> {
        boxed(D1Storage::pending_notifications(self, order_id, max_attempts))
    }

    fn record_notification(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        boxed(async move {
            match outcome {
                Ok(()) => {
                    self.execute(
                        "UPDATE notifications SET sent_at = ?1, last_error = NULL WHERE id = ?2",
                        &[int(now), int(id)],
                    )
                    .await
                }
                Err(reason) => {
                    self.execute(
                        "UPDATE notifications SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2",
                        &[text(&reason), int(id)],
                    )
                    .await
                }
            }
            .map(|_| ())
        })
    }

    fn remember_policies(&self, policies: Vec<ConsentPolicy>, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        boxed(self.remember_policies_d1(policies, now))
    }

    fn find_policy(
        &self,
        store: String,
        policy_hash: String,
    ) -> BoxFuture<'_, StorageResult<Option<ConsentPolicy>>> {
        boxed(self.find_policy_d1(store, policy_hash))
    }

    fn append_consent(
        &self,
        consent: NewConsent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<ConsentRecord>>> {
        boxed(self.append_consent_d1(consent, claim))
    }

    fn find_consent_record(&self, sequence: i64) -> BoxFuture<'_, StorageResult<Option<ConsentRecord>>> {
        boxed(self.find_consent_record_d1(sequence))
    }

    fn consent_history(&self, consent_id: String) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>> {
        boxed(self.consent_history_d1(consent_id))
    }

    fn consent_chain(&self) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>> {
        boxed(self.consent_chain_d1())
    }

    fn subscribe_marketing(&self, subscription: NewSubscription) -> BoxFuture<'_, StorageResult<()>> {
        boxed(self.subscribe_marketing_d1(subscription))
    }

    fn find_subscription(&self, token_hash: String) -> BoxFuture<'_, StorageResult<Option<Subscription>>> {
        boxed(self.find_subscription_d1(token_hash))
    }

    fn withdraw_subscription(&self, withdrawal: Withdrawal) -> BoxFuture<'_, StorageResult<bool>> {
        boxed(self.withdraw_subscription_d1(withdrawal))
    }

    fn add_unsubscribe_token(
        &self,
        store: String,
        list: String,
        email_key: String,
        token_hash: String,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        boxed(self.add_unsubscribe_token_d1(store, list, email_key, token_hash, now))
    }

    fn pending_marketing_jobs(&self, max_attempts: u32) -> BoxFuture<'_, StorageResult<Vec<MarketingJob>>> {
        boxed(self.pending_marketing_jobs_d1(max_attempts))
    }

    fn record_marketing_job(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        boxed(self.record_marketing_job_d1(id, outcome, now))
    }

    fn create_data_request(
        &self,
        request: NewDataRequest,
        throttle: Throttle,
    ) -> BoxFuture<'_, StorageResult<Admission>> {
        boxed(self.create_data_request_d1(request, throttle))
    }

    fn confirm_data_request(
        &self,
        confirmation: Confirmation,
    ) -> BoxFuture<'_, StorageResult<Result<DataRequest, ConfirmRefusal>>> {
        boxed(self.confirm_data_request_d1(confirmation))
    }

    fn find_data_request(&self, id: String) -> BoxFuture<'_, StorageResult<Option<DataRequest>>> {
        boxed(self.find_data_request_d1(id))
    }

    fn find_export(&self, token_hash: String, now: i64) -> BoxFuture<'_, StorageResult<Option<DataRequest>>> {
        boxed(self.find_export_d1(token_hash, now))
    }

    fn claim_export_download(
        &self,
        request_id: String,
        format: String,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        boxed(self.claim_export_download_d1(request_id, format, now))
    }

    fn personal_data(&self, email_key: String) -> BoxFuture<'_, StorageResult<PersonalData>> {
        boxed(self.personal_data_d1(email_key))
    }

    fn erase_personal_data(&self, erasure: Erasure) -> BoxFuture<'_, Result<ErasureCounts, ErasureError>> {
        boxed(self.erase_personal_data_d1(erasure))
    }

    fn defer_data_request(
        &self,
        id: String,
        until: Option<i64>,
        detail: Option<String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        boxed(self.defer_data_request_d1(id, until, detail, now))
    }

    fn fulfil_data_request(
        &self,
        id: String,
        detail: Option<String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        boxed(self.fulfil_data_request_d1(id, detail, now))
    }

    fn extend_data_request(
        &self,
        id: String,
        deadline_at: i64,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        boxed(self.extend_data_request_d1(id, deadline_at, now))
    }

    fn list_data_requests(&self, filter: RequestFilter) -> BoxFuture<'_, StorageResult<Vec<DataRequest>>> {
        boxed(self.list_data_requests_d1(filter))
    }

    fn data_request_log(&self, since: Option<i64>) -> BoxFuture<'_, StorageResult<Vec<RequestLogEntry>>> {
        boxed(self.data_request_log_d1(since))
    }

    fn archived_orders(&self) -> BoxFuture<'_, StorageResult<Vec<ArchivedOrder>>> {
        boxed(self.archived_orders_d1())
    }

    fn expire_data_requests(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.expire_data_requests_d1(now))
    }

    fn close_expired_exports(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.close_expired_exports_d1(now))
    }

    fn inactive_people(&self, before: i64, limit: u32) -> BoxFuture<'_, StorageResult<Vec<InactivePerson>>> {
        boxed(self.inactive_people_d1(before, limit))
    }

    fn mark_inactive_warned(&self, email_key: String, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        boxed(self.mark_inactive_warned_d1(email_key, now))
    }

    fn purge_archive(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.purge_archive_d1(now))
    }

    fn purge_consent_records(&self, expired_before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.purge_consent_records_d1(expired_before))
    }

    fn purge_request_log(&self, before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.purge_request_log_d1(before))
    }

    fn housekeeping(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.housekeeping_d1(now))
    }

    fn purge_idempotency_keys(&self, created_before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        boxed(self.purge_idempotency_keys_d1(created_before))
    }

    fn consent_chain_start(&self) -> BoxFuture<'_, StorageResult<String>> {
        boxed(self.consent_chain_start_d1())
    }
}

/// A failed batch, with D1's message and its SQLite cause.
#[derive(Debug)]
struct BatchError(String);

impl BatchError {
    fn is_idempotency_conflict(&self) -> bool {
        self.0.contains("UNIQUE constraint failed: idempotency_keys")
    }

    fn is_check_violation(&self) -> bool {
        self.0.contains("CHECK constraint failed")
    }

    /// Whether the batch's guard stopped it. A batch has at most one guard, so the
    /// `counters.value` constraint identifies it.
    fn is_guard(&self) -> bool {
        self.0.contains("NOT NULL constraint failed: counters.value")
    }
}

impl From<BatchError> for StorageError {
    fn from(error: BatchError) -> Self {
        StorageError(format!("D1 batch failed: {}", error.0))
    }
}

impl From<BatchError> for PlaceOrderError {
    fn from(error: BatchError) -> Self {
        PlaceOrderError::Storage(error.into())
    }
}

/// The text of a D1 error: the JavaScript message and, for D1 errors, the SQLite
/// cause that names the failed constraint.
fn error_text(error: &worker::Error) -> String {
    match error {
        worker::Error::D1(d1) => {
            let message = String::from(AsRef::<js_sys::Error>::as_ref(d1).message());
            format!("{message} ({})", d1.cause())
        }
        other => other.to_string(),
    }
}

fn d1_error(error: &worker::Error) -> StorageError {
    StorageError(format!("D1: {}", error_text(error)))
}

fn changed_rows(result: &D1Result) -> u64 {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|meta| meta.changes)
        .map_or(0, |changes| changes as u64)
}

fn rows_of<T: DeserializeOwned>(result: &D1Result) -> StorageResult<Vec<T>> {
    result
        .results()
        .map_err(|error| StorageError(format!("a D1 row has an unexpected shape: {error}")))
}

fn unexpected_results(expected: usize, got: usize) -> StorageError {
    StorageError(format!(
        "D1 returned {got} results for a batch of {expected} statements"
    ))
}

fn int(value: i64) -> JsValue {
    // Exact: every integer the edge stores is far below 2^53.
    JsValue::from_f64(value as f64)
}

fn opt_int(value: Option<i64>) -> JsValue {
    value.map_or(JsValue::NULL, int)
}

fn boolean(value: bool) -> JsValue {
    int(i64::from(value))
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn opt_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

fn to_json<T: serde::Serialize>(value: &T) -> StorageResult<String> {
    serde_json::to_string(value)
        .map_err(|error| StorageError(format!("a JSON column cannot be encoded: {error}")))
}

fn from_json<T: DeserializeOwned>(column: &str) -> StorageResult<T> {
    serde_json::from_str(column)
        .map_err(|error| StorageError(format!("a stored JSON column is invalid: {error}")))
}

fn parse_currency(code: &str) -> StorageResult<Currency> {
    Currency::parse(code).map_err(|error| StorageError(format!("a stored currency is invalid: {error}")))
}

fn parse_locale(tag: &str) -> StorageResult<Locale> {
    Locale::parse(tag).map_err(|error| StorageError(format!("a stored locale is invalid: {error}")))
}

const SELECT_ORDER: &str =
    "SELECT id, number, sequence, access_token, store, currency, locale, status, customer,
        billing_address, shipping_address, shipping, payment, prices_include_tax, subtotal, items_net,
        items_tax, items_gross, tax_total, total_excl_tax, total, payment_reference, payment_url,
        created_at, updated_at
     FROM orders WHERE id = ?1";

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

#[derive(Deserialize)]
struct StatusRow {
    status: String,
}

#[derive(Deserialize)]
struct ReplayRow {
    resource_id: String,
    request_hash: String,
}

#[derive(Deserialize)]
struct StockRow {
    sku: String,
    quantity: i64,
}

#[derive(Deserialize)]
struct CartRow {
    id: String,
    store: String,
    currency: String,
    locale: String,
    created_at: i64,
    updated_at: i64,
    expires_at: i64,
    order_id: Option<String>,
}

#[derive(Deserialize)]
struct CartLineRow {
    sku: String,
    quantity: u32,
    seen_unit_price: Option<i64>,
}

#[derive(Deserialize)]
struct OrderRow {
    id: String,
    number: String,
    sequence: i64,
    access_token: String,
    store: String,
    currency: String,
    locale: String,
    status: String,
    customer: String,
    billing_address: String,
    shipping_address: Option<String>,
    shipping: String,
    payment: String,
    prices_include_tax: i64,
    subtotal: i64,
    items_net: i64,
    items_tax: i64,
    items_gross: i64,
    tax_total: i64,
    total_excl_tax: i64,
    total: i64,
    payment_reference: Option<String>,
    payment_url: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Deserialize)]
struct OrderLineRow {
    sku: String,
    title: String,
    quantity: u32,
    unit_price: i64,
    tax_rate: u32,
    line_total: i64,
    net: i64,
    tax: i64,
    gross: i64,
    backorder_quantity: u32,
    backorder_days: Option<u32>,
}

#[derive(Deserialize)]
struct HistoryRow {
    status: String,
    at: i64,
    note: Option<String>,
}

#[derive(Deserialize)]
struct NotificationRow {
    id: i64,
    order_id: String,
    kind: String,
    attempts: u32,
}
