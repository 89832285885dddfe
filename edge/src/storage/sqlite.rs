//! [`Storage`] on a SQLite file, for the native host.
//!
//! One connection, in WAL mode with `synchronous = FULL` (a committed order survives
//! a crash of the process or of the machine), a busy timeout (the `comptoir` command
//! may write stock while the server runs) and foreign keys on. Calls run on tokio's
//! blocking pool and take the connection in turn, so writes never interleave; each
//! domain operation is one `BEGIN IMMEDIATE` transaction. Every value is a bound
//! parameter.

mod consent;
mod privacy;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use commerce::cart::CartLine;
use commerce::tax::TaxSplit;
use commerce::{Currency, Locale};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::{
    Admission, ArchivedOrder, ConfirmRefusal, Confirmation, DataRequest, Erasure, ErasureCounts,
    ErasureError, InactivePerson, NewDataRequest, PersonalData, RequestFilter, RequestLogEntry, Throttle,
};
use super::{
    BoxFuture, CartRecord, Created, IdempotencyClaim, LineChange, MIGRATIONS, MarketingJob, NewCart,
    NewConsent, NewSubscription, Notification, ORDER_CONFIRMATION, Order, OrderDraft, OrderFilter, OrderLine,
    OrderTotals, PlaceOrderError, Replay, StatusChange, StockEffect, StockLevel, Storage, StorageError,
    StorageResult, Subscription, Transition, TransitionError, Withdrawal,
};
use crate::consent::{ConsentPolicy, ConsentRecord};

/// How long a write waits for another process's lock before failing.
const BUSY_TIMEOUT_MS: u32 = 5_000;

impl From<rusqlite::Error> for StorageError {
    fn from(error: rusqlite::Error) -> Self {
        StorageError(format!("SQLite: {error}"))
    }
}

impl From<serde_json::Error> for StorageError {
    fn from(error: serde_json::Error) -> Self {
        StorageError(format!("a stored JSON column is invalid: {error}"))
    }
}

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    connection: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    /// Opens (or creates) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> StorageResult<Self> {
        let connection = Connection::open(path)
            .map_err(|error| StorageError(format!("cannot open the database {}: {error}", path.display())))?;
        Self::prepare(connection)
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory() -> StorageResult<Self> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut connection: Connection) -> StorageResult<Self> {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.pragma_update(None, "busy_timeout", BUSY_TIMEOUT_MS)?;
        // Deleted and overwritten rows are zeroed in the file, so an erasure does not
        // leave the person's data readable in free pages.
        connection.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut connection)?;
        Ok(SqliteStorage {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `work` with the connection on the blocking pool.
    fn run<T, E>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> BoxFuture<'_, Result<T, E>>
    where
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        Box::pin(async move {
            let joined = tokio::task::spawn_blocking(move || {
                let mut guard = connection
                    .lock()
                    .map_err(|_| StorageError("a previous database call panicked".to_owned()))?;
                work(&mut guard)
            })
            .await;
            joined
                .unwrap_or_else(|error| Err(StorageError(format!("a database task failed: {error}")).into()))
        })
    }

    /// Reads a whole query result as rows of integers, for tests and checks that
    /// look at the tables directly (the crash test counts stock movements).
    pub fn query_integers(&self, sql: &'static str) -> BoxFuture<'_, StorageResult<Vec<Vec<i64>>>> {
        self.run(move |connection| {
            let mut statement = connection.prepare(sql)?;
            let columns = statement.column_count();
            let rows = statement.query_map([], |row| (0..columns).map(|index| row.get(index)).collect())?;
            Ok(rows.collect::<Result<Vec<Vec<i64>>, _>>()?)
        })
    }
}

/// Applies the migrations not yet recorded in `schema_migrations`, each in its own
/// transaction with its record.
fn migrate(connection: &mut Connection) -> StorageResult<()> {
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    for (name, sql) in MIGRATIONS {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: Option<String> = transaction
            .query_row(
                "SELECT name FROM schema_migrations WHERE name = ?1",
                params![name],
                |row| row.get(0),
            )
            .optional()?;
        if applied.is_none() {
            transaction
                .execute_batch(sql)
                .map_err(|error| StorageError(format!("migration {name} failed: {error}")))?;
            transaction.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?1, unixepoch())",
                params![name],
            )?;
        }
        transaction.commit()?;
    }
    Ok(())
}

fn immediate(connection: &mut Connection) -> StorageResult<Transaction<'_>> {
    Ok(connection.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

fn is_check_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_CHECK
    )
}

fn find_replay(connection: &Connection, scope: &str, key: &str) -> StorageResult<Option<Replay>> {
    Ok(connection
        .query_row(
            "SELECT resource_id, request_hash FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
            params![scope, key],
            |row| {
                Ok(Replay {
                    resource_id: row.get(0)?,
                    request_hash: row.get(1)?,
                })
            },
        )
        .optional()?)
}

fn claim_key(
    connection: &Connection,
    claim: &IdempotencyClaim,
    resource_id: &str,
    now: i64,
) -> StorageResult<()> {
    connection.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![claim.scope, claim.key, claim.request_hash, resource_id, now],
    )?;
    Ok(())
}

fn parse_currency(code: &str) -> StorageResult<Currency> {
    Currency::parse(code).map_err(|error| StorageError(format!("a stored currency is invalid: {error}")))
}

fn parse_locale(tag: &str) -> StorageResult<Locale> {
    Locale::parse(tag).map_err(|error| StorageError(format!("a stored locale is invalid: {error}")))
}

fn load_cart(connection: &Connection, id: &str, now: i64) -> StorageResult<Option<CartRecord>> {
    let row = connection
        .query_row(
            "SELECT id, store, currency, locale, created_at, updated_at, expires_at, order_id
             FROM carts WHERE id = ?1 AND expires_at > ?2",
            params![id, now],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, i64>(6)?,
                    row.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((id, store, currency, locale, created_at, updated_at, expires_at, order_id)) = row else {
        return Ok(None);
    };
    let mut statement = connection.prepare_cached(
        "SELECT sku, quantity, seen_unit_price FROM cart_lines WHERE cart_id = ?1 ORDER BY position",
    )?;
    let lines = statement
        .query_map(params![id], |row| {
            Ok(CartLine {
                sku: row.get(0)?,
                quantity: row.get(1)?,
                seen_unit_price: row.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(CartRecord {
        id,
        store,
        currency: parse_currency(&currency)?,
        locale: parse_locale(&locale)?,
        lines,
        created_at,
        updated_at,
        expires_at,
        order_id,
    }))
}

macro_rules! select_order {
    ($column:literal) => {
        concat!(
            "SELECT id, number, sequence, access_token, store, currency, locale, status, customer,
                billing_address, shipping_address, shipping, payment, prices_include_tax, subtotal, items_net,
                items_tax, items_gross, tax_total, total_excl_tax, total, payment_reference, payment_url,
                created_at, updated_at
             FROM orders WHERE ",
            $column,
            " = ?1"
        )
    };
}

/// The column an order is looked up by.
#[derive(Debug, Clone, Copy)]
enum OrderKey {
    Id,
    Number,
}

fn load_order(connection: &Connection, key: OrderKey, value: &str) -> StorageResult<Option<Order>> {
    let sql = match key {
        OrderKey::Id => select_order!("id"),
        OrderKey::Number => select_order!("number"),
    };
    let row = connection
        .query_row(sql, params![value], |row| {
            Ok(RawOrder {
                id: row.get(0)?,
                number: row.get(1)?,
                sequence: row.get(2)?,
                access_token: row.get(3)?,
                store: row.get(4)?,
                currency: row.get(5)?,
                locale: row.get(6)?,
                status: row.get(7)?,
                customer: row.get(8)?,
                billing_address: row.get(9)?,
                shipping_address: row.get(10)?,
                shipping: row.get(11)?,
                payment: row.get(12)?,
                totals: OrderTotals {
                    prices_include_tax: row.get(13)?,
                    subtotal: row.get(14)?,
                    items: TaxSplit {
                        net: row.get(15)?,
                        tax: row.get(16)?,
                        gross: row.get(17)?,
                    },
                    tax_total: row.get(18)?,
                    total_excl_tax: row.get(19)?,
                    total: row.get(20)?,
                },
                payment_reference: row.get(21)?,
                payment_url: row.get(22)?,
                created_at: row.get(23)?,
                updated_at: row.get(24)?,
            })
        })
        .optional()?;
    let Some(raw) = row else {
        return Ok(None);
    };

    let mut statement = connection.prepare_cached(
        "SELECT sku, title, quantity, unit_price, tax_rate, line_total, net, tax, gross, backorder_quantity,
                backorder_days
         FROM order_lines WHERE order_id = ?1 ORDER BY position",
    )?;
    let lines = statement
        .query_map(params![raw.id], |row| {
            Ok(OrderLine {
                sku: row.get(0)?,
                title: row.get(1)?,
                quantity: row.get(2)?,
                unit_price: row.get(3)?,
                tax_rate: row.get(4)?,
                line_total: row.get(5)?,
                split: TaxSplit {
                    net: row.get(6)?,
                    tax: row.get(7)?,
                    gross: row.get(8)?,
                },
                backorder_quantity: row.get(9)?,
                backorder_days: row.get(10)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut statement = connection
        .prepare_cached("SELECT status, at, note FROM order_history WHERE order_id = ?1 ORDER BY id")?;
    let history = statement
        .query_map(params![raw.id], |row| {
            Ok(StatusChange {
                status: row.get(0)?,
                at: row.get(1)?,
                note: row.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Some(Order {
        currency: parse_currency(&raw.currency)?,
        locale: parse_locale(&raw.locale)?,
        customer: serde_json::from_str(&raw.customer)?,
        billing_address: serde_json::from_str(&raw.billing_address)?,
        shipping_address: raw
            .shipping_address
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?,
        shipping: serde_json::from_str(&raw.shipping)?,
        payment: serde_json::from_str(&raw.payment)?,
        id: raw.id,
        number: raw.number,
        sequence: raw.sequence,
        access_token: raw.access_token,
        store: raw.store,
        status: raw.status,
        lines,
        totals: raw.totals,
        payment_reference: raw.payment_reference,
        payment_url: raw.payment_url,
        history,
        created_at: raw.created_at,
        updated_at: raw.updated_at,
    }))
}

/// An order row before its JSON and typed columns are parsed.
struct RawOrder {
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
    totals: OrderTotals,
    payment_reference: Option<String>,
    payment_url: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// Places an order in one transaction.
// NOTE: the two checks made in Rust here (the idempotency key already claimed, the
// cart already ordered) are also constraints of the schema (the primary key of
// `idempotency_keys`, `UNIQUE` on `orders.cart_id`), which is what a D1 batch must
// rely on; that backend is not written yet.
fn place_order(connection: &mut Connection, draft: &OrderDraft) -> Result<Order, PlaceOrderError> {
    let transaction = immediate(connection)?;
    let now = draft.now;

    if let Some(claim) = &draft.idempotency {
        if let Some(replay) = find_replay(&transaction, claim.scope, &claim.key)? {
            return Err(PlaceOrderError::Replayed(replay));
        }
        claim_key(&transaction, claim, &draft.id, now)?;
    }

    let claimed_cart = transaction
        .execute(
            "UPDATE carts SET order_id = ?1, updated_at = ?2 WHERE id = ?3 AND order_id IS NULL",
            params![draft.id, now, draft.cart_id],
        )
        .map_err(StorageError::from)?;
    if claimed_cart == 0 {
        return Err(PlaceOrderError::CartAlreadyOrdered);
    }

    upsert_customer(&transaction, draft)?;
    transaction
        .execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'order_number'",
            [],
        )
        .map_err(StorageError::from)?;
    insert_order(&transaction, draft)?;

    for (index, (line, effect)) in draft.lines.iter().enumerate() {
        let mut backorder = false;
        if let StockEffect::Decrement {
            floor,
            backorder: backordered,
        } = effect
        {
            backorder = *backordered;
            let delta = -i64::from(line.quantity);
            let moved = move_stock(
                &transaction,
                &line.sku,
                delta,
                *floor,
                "order",
                Some(&draft.id),
                now,
            );
            match moved {
                Err(error) if is_check_violation(&error) => {
                    return Err(PlaceOrderError::OutOfStock { line: index });
                }
                other => other.map_err(StorageError::from)?,
            }
        }
        // For a backorder sku, the units beyond the stock just decremented:
        // min(quantity, max(0, -level after)). Computed in SQL from the level this
        // write left, so concurrent orders each get their own share.
        transaction
            .execute(
                "INSERT INTO order_lines (order_id, position, sku, title, quantity, unit_price, tax_rate,
                     line_total, net, tax, gross, backorder_quantity, backorder_days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                     CASE WHEN ?12 THEN MIN(?5, MAX(0, -(SELECT quantity FROM stock WHERE sku = ?3))) ELSE 0 END,
                     CASE WHEN ?12 THEN ?13 END)",
                params![
                    draft.id,
                    index,
                    line.sku,
                    line.title,
                    line.quantity,
                    line.unit_price,
                    line.tax_rate,
                    line.line_total,
                    line.split.net,
                    line.split.tax,
                    line.split.gross,
                    backorder,
                    line.backorder_days,
                ],
            )
            .map_err(StorageError::from)?;
    }

    transaction
        .execute(
            "INSERT INTO order_history (order_id, status, note, at) VALUES (?1, ?2, NULL, ?3)",
            params![draft.id, commerce::order::PENDING, now],
        )
        .map_err(StorageError::from)?;
    transaction
        .execute(
            "INSERT INTO notifications (order_id, kind, created_at) VALUES (?1, ?2, ?3)",
            params![draft.id, ORDER_CONFIRMATION, now],
        )
        .map_err(StorageError::from)?;

    let order = load_order(&transaction, OrderKey::Id, &draft.id)?
        .ok_or_else(|| StorageError("the order just written cannot be read back".to_owned()))?;
    transaction.commit().map_err(StorageError::from)?;
    Ok(order)
}

fn upsert_customer(transaction: &Transaction<'_>, draft: &OrderDraft) -> StorageResult<()> {
    let customer = &draft.customer;
    let consent_at = draft.marketing_email.map(|_| draft.now);
    transaction.execute(
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
        params![
            draft.email_key,
            customer.email,
            customer.name,
            customer.phone,
            customer.company,
            customer.vat_number,
            draft.marketing_email,
            consent_at,
            draft.now,
        ],
    )?;
    Ok(())
}

fn insert_order(transaction: &Transaction<'_>, draft: &OrderDraft) -> StorageResult<()> {
    let totals = &draft.totals;
    let shipping_address = draft
        .shipping_address
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    // The number is read from the counter incremented just before, in SQL, so the
    // same statement works in a D1 batch where no code runs between statements.
    transaction.execute(
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
        params![
            draft.id,
            draft.number_prefix,
            draft.access_token,
            draft.cart_id,
            draft.store,
            draft.currency.code(),
            draft.locale.as_str(),
            commerce::order::PENDING,
            draft.email_key,
            serde_json::to_string(&draft.customer)?,
            serde_json::to_string(&draft.billing_address)?,
            shipping_address,
            serde_json::to_string(&draft.shipping)?,
            serde_json::to_string(&draft.payment)?,
            totals.prices_include_tax,
            totals.subtotal,
            totals.items.net,
            totals.items.tax,
            totals.items.gross,
            totals.tax_total,
            totals.total_excl_tax,
            totals.total,
            draft.now,
        ],
    )?;
    Ok(())
}

/// Changes a sku's stock by `delta` and records the movement. With a `floor`, the
/// movement's CHECK fails when the level would end below it.
fn move_stock(
    transaction: &Transaction<'_>,
    sku: &str,
    delta: i64,
    floor: Option<i64>,
    reason: &str,
    order_id: Option<&str>,
    now: i64,
) -> Result<(), rusqlite::Error> {
    transaction.execute(
        "INSERT INTO stock (sku, quantity, updated_at) VALUES (?1, 0, ?2) ON CONFLICT (sku) DO NOTHING",
        params![sku, now],
    )?;
    transaction.execute(
        "UPDATE stock SET quantity = quantity + ?1, updated_at = ?2 WHERE sku = ?3",
        params![delta, now, sku],
    )?;
    transaction.execute(
        "INSERT INTO stock_movements (sku, delta, quantity_after, floor, reason, order_id, at)
         VALUES (?1, ?2, (SELECT quantity FROM stock WHERE sku = ?1), ?3, ?4, ?5, ?6)",
        params![sku, delta, floor, reason, order_id, now],
    )?;
    Ok(())
}

fn transition_order(connection: &mut Connection, transition: &Transition) -> Result<Order, TransitionError> {
    let transaction = immediate(connection)?;
    let now = transition.now;
    let changed = transaction
        .execute(
            "UPDATE orders SET status = ?1, updated_at = ?2, payment_reference = COALESCE(?3, payment_reference)
             WHERE id = ?4 AND status = ?5",
            params![
                transition.to,
                now,
                transition.payment_reference,
                transition.order_id,
                transition.from
            ],
        )
        .map_err(StorageError::from)?;
    if changed == 0 {
        let current: Option<String> = transaction
            .query_row(
                "SELECT status FROM orders WHERE id = ?1",
                params![transition.order_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(StorageError::from)?;
        return Err(match current {
            Some(current) => TransitionError::Conflict { current },
            None => TransitionError::NotFound,
        });
    }

    transaction
        .execute(
            "INSERT INTO order_history (order_id, status, note, at) VALUES (?1, ?2, ?3, ?4)",
            params![transition.order_id, transition.to, transition.note, now],
        )
        .map_err(StorageError::from)?;

    if transition.return_stock {
        let taken: Vec<(String, i64)> = {
            let mut statement = transaction
                .prepare("SELECT sku, delta FROM stock_movements WHERE order_id = ?1 AND reason = 'order'")
                .map_err(StorageError::from)?;
            statement
                .query_map(params![transition.order_id], |row| Ok((row.get(0)?, row.get(1)?)))
                .map_err(StorageError::from)?
                .collect::<Result<_, _>>()
                .map_err(StorageError::from)?
        };
        for (sku, delta) in taken {
            move_stock(
                &transaction,
                &sku,
                -delta,
                None,
                "cancel",
                Some(&transition.order_id),
                now,
            )
            .map_err(StorageError::from)?;
        }
    }

    if transition.notify_customer {
        transaction
            .execute(
                "INSERT INTO notifications (order_id, kind, created_at) VALUES (?1, ?2, ?3)",
                params![transition.order_id, format!("status:{}", transition.to), now],
            )
            .map_err(StorageError::from)?;
    }

    let order =
        load_order(&transaction, OrderKey::Id, &transition.order_id)?.ok_or(TransitionError::NotFound)?;
    transaction.commit().map_err(StorageError::from)?;
    Ok(order)
}

impl Storage for SqliteStorage {
    fn create_cart(
        &self,
        cart: NewCart,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<CartRecord>>> {
        self.run(move |connection| {
            let transaction = immediate(connection)?;
            if let Some(claim) = &claim {
                if let Some(replay) = find_replay(&transaction, claim.scope, &claim.key)? {
                    return Ok(Created::Replayed(replay));
                }
                claim_key(&transaction, claim, &cart.id, cart.now)?;
            }
            transaction.execute(
                "INSERT INTO carts (id, store, currency, locale, created_at, updated_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                params![
                    cart.id,
                    cart.store,
                    cart.currency.code(),
                    cart.locale.as_str(),
                    cart.now,
                    cart.expires_at
                ],
            )?;
            let record = load_cart(&transaction, &cart.id, cart.now)?
                .ok_or_else(|| StorageError("the cart just written cannot be read back".to_owned()))?;
            transaction.commit()?;
            Ok(Created::New(record))
        })
    }

    fn get_cart(&self, id: String, now: i64) -> BoxFuture<'_, StorageResult<Option<CartRecord>>> {
        self.run(move |connection| load_cart(connection, &id, now))
    }

    fn update_cart_lines(
        &self,
        id: String,
        changes: Vec<LineChange>,
        now: i64,
        expires_at: i64,
    ) -> BoxFuture<'_, StorageResult<Option<CartRecord>>> {
        self.run(move |connection| {
            let transaction = immediate(connection)?;
            let touched = transaction.execute(
                "UPDATE carts SET updated_at = ?1, expires_at = ?2 WHERE id = ?3 AND expires_at > ?1",
                params![now, expires_at, id],
            )?;
            if touched == 0 {
                return Ok(None);
            }
            for change in &changes {
                if change.quantity == 0 {
                    transaction.execute(
                        "DELETE FROM cart_lines WHERE cart_id = ?1 AND sku = ?2",
                        params![id, change.sku],
                    )?;
                } else {
                    transaction.execute(
                        "INSERT INTO cart_lines (cart_id, sku, quantity, seen_unit_price, position)
                         VALUES (?1, ?2, ?3, ?4,
                             (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_lines WHERE cart_id = ?1))
                         ON CONFLICT (cart_id, sku) DO UPDATE SET
                             quantity = excluded.quantity, seen_unit_price = excluded.seen_unit_price",
                        params![id, change.sku, change.quantity, change.seen_unit_price],
                    )?;
                }
            }
            let record = load_cart(&transaction, &id, now)?;
            transaction.commit()?;
            Ok(record)
        })
    }

    fn list_carts(&self, since: i64, now: i64, limit: u32) -> BoxFuture<'_, StorageResult<Vec<CartRecord>>> {
        self.run(move |connection| {
            let ids: Vec<String> = {
                let mut statement = connection.prepare(
                    "SELECT id FROM carts WHERE updated_at >= ?1 AND expires_at > ?2
                     ORDER BY updated_at DESC, id LIMIT ?3",
                )?;
                statement
                    .query_map(params![since, now, limit], |row| row.get(0))?
                    .collect::<Result<_, _>>()?
            };
            let mut carts = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(cart) = load_cart(connection, &id, now)? {
                    carts.push(cart);
                }
            }
            Ok(carts)
        })
    }

    fn purge_expired_carts(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| {
            let deleted = connection.execute(
                "DELETE FROM carts WHERE expires_at <= ?1 AND order_id IS NULL",
                params![now],
            )?;
            Ok(deleted as u64)
        })
    }

    fn find_replay(&self, scope: &'static str, key: String) -> BoxFuture<'_, StorageResult<Option<Replay>>> {
        self.run(move |connection| find_replay(connection, scope, &key))
    }

    fn stock_levels(&self, skus: Vec<String>) -> BoxFuture<'_, StorageResult<HashMap<String, i64>>> {
        self.run(move |connection| {
            let mut statement = connection.prepare_cached("SELECT quantity FROM stock WHERE sku = ?1")?;
            let mut levels = HashMap::with_capacity(skus.len());
            for sku in skus {
                let quantity: Option<i64> = statement.query_row(params![sku], |row| row.get(0)).optional()?;
                if let Some(quantity) = quantity {
                    levels.insert(sku, quantity);
                }
            }
            Ok(levels)
        })
    }

    fn set_stock(
        &self,
        levels: Vec<(String, i64)>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<Vec<StockLevel>>> {
        self.run(move |connection| {
            let transaction = immediate(connection)?;
            let mut written = Vec::with_capacity(levels.len());
            for (sku, quantity) in levels {
                let previous: i64 = transaction
                    .query_row("SELECT quantity FROM stock WHERE sku = ?1", params![sku], |row| {
                        row.get(0)
                    })
                    .optional()?
                    .unwrap_or(0);
                if quantity != previous {
                    move_stock(&transaction, &sku, quantity - previous, None, "set", None, now)?;
                } else {
                    transaction.execute(
                        "INSERT INTO stock (sku, quantity, updated_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (sku) DO UPDATE SET updated_at = excluded.updated_at",
                        params![sku, quantity, now],
                    )?;
                }
                written.push(StockLevel {
                    sku,
                    quantity,
                    updated_at: now,
                });
            }
            transaction.commit()?;
            Ok(written)
        })
    }

    fn place_order(&self, draft: OrderDraft) -> BoxFuture<'_, Result<Order, PlaceOrderError>> {
        self.run(move |connection| place_order(connection, &draft))
    }

    fn find_order(&self, id: String) -> BoxFuture<'_, StorageResult<Option<Order>>> {
        self.run(move |connection| load_order(connection, OrderKey::Id, &id))
    }

    fn find_order_by_number(&self, number: String) -> BoxFuture<'_, StorageResult<Option<Order>>> {
        self.run(move |connection| load_order(connection, OrderKey::Number, &number))
    }

    fn list_orders(&self, filter: OrderFilter) -> BoxFuture<'_, StorageResult<Vec<Order>>> {
        self.run(move |connection| {
            let ids: Vec<String> = {
                let mut statement = connection.prepare(
                    "SELECT id FROM orders
                     WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR created_at >= ?2)
                     ORDER BY sequence DESC LIMIT ?3",
                )?;
                statement
                    .query_map(params![filter.status, filter.since, filter.limit], |row| {
                        row.get(0)
                    })?
                    .collect::<Result<_, _>>()?
            };
            let mut orders = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(order) = load_order(connection, OrderKey::Id, &id)? {
                    orders.push(order);
                }
            }
            Ok(orders)
        })
    }

    fn transition_order(&self, transition: Transition) -> BoxFuture<'_, Result<Order, TransitionError>> {
        self.run(move |connection| transition_order(connection, &transition))
    }

    fn set_payment_url(&self, order_id: String, url: String, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| {
            connection.execute(
                "UPDATE orders SET payment_url = ?1, updated_at = ?2 WHERE id = ?3",
                params![url, now, order_id],
            )?;
            Ok(())
        })
    }

    fn pending_notifications(
        &self,
        order_id: Option<String>,
        max_attempts: u32,
    ) -> BoxFuture<'_, StorageResult<Vec<Notification>>> {
        self.run(move |connection| {
            let mut statement = connection.prepare(
                "SELECT id, order_id, kind, attempts FROM notifications
                 WHERE sent_at IS NULL AND attempts < ?1 AND (?2 IS NULL OR order_id = ?2)
                 ORDER BY id LIMIT 100",
            )?;
            let rows = statement
                .query_map(params![max_attempts, order_id], |row| {
                    Ok(Notification {
                        id: row.get(0)?,
                        order_id: row.get(1)?,
                        kind: row.get(2)?,
                        attempts: row.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    fn record_notification(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| {
            match outcome {
                Ok(()) => connection.execute(
                    "UPDATE notifications SET sent_at = ?1, last_error = NULL WHERE id = ?2",
                    params![now, id],
                )?,
                Err(reason) => connection.execute(
                    "UPDATE notifications SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2",
                    params![reason, id],
                )?,
            };
            Ok(())
        })
    }
    fn remember_policies(&self, policies: Vec<ConsentPolicy>, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| consent::remember_policies(connection, &policies, now))
    }

    fn find_policy(
        &self,
        store: String,
        policy_hash: String,
    ) -> BoxFuture<'_, StorageResult<Option<ConsentPolicy>>> {
        self.run(move |connection| consent::find_policy(connection, &store, &policy_hash))
    }

    fn append_consent(
        &self,
        record: NewConsent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<ConsentRecord>>> {
        self.run(move |connection| consent::append_consent(connection, &record, claim.as_ref()))
    }

    fn find_consent_record(&self, sequence: i64) -> BoxFuture<'_, StorageResult<Option<ConsentRecord>>> {
        self.run(move |connection| consent::find_record(connection, sequence))
    }

    fn consent_history(&self, consent_id: String) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>> {
        self.run(move |connection| consent::history(connection, &consent_id))
    }

    fn consent_chain(&self) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>> {
        self.run(|connection| consent::chain(connection))
    }

    fn subscribe_marketing(&self, subscription: NewSubscription) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| consent::subscribe(connection, &subscription))
    }

    fn find_subscription(&self, token_hash: String) -> BoxFuture<'_, StorageResult<Option<Subscription>>> {
        self.run(move |connection| consent::find_subscription(connection, &token_hash))
    }

    fn withdraw_subscription(&self, withdrawal: Withdrawal) -> BoxFuture<'_, StorageResult<bool>> {
        self.run(move |connection| consent::withdraw(connection, &withdrawal))
    }

    fn add_unsubscribe_token(
        &self,
        store: String,
        list: String,
        email_key: String,
        token_hash: String,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        self.run(move |connection| {
            consent::add_token(connection, &store, &list, &email_key, &token_hash, now)
        })
    }

    fn pending_marketing_jobs(&self, max_attempts: u32) -> BoxFuture<'_, StorageResult<Vec<MarketingJob>>> {
        self.run(move |connection| consent::pending_jobs(connection, max_attempts))
    }

    fn record_marketing_job(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| consent::record_job(connection, id, outcome, now))
    }

    fn create_data_request(
        &self,
        request: NewDataRequest,
        throttle: Throttle,
    ) -> BoxFuture<'_, StorageResult<Admission>> {
        self.run(move |connection| {
            privacy::create_request(connection, &request, &throttle.buckets, throttle.now)
        })
    }

    fn confirm_data_request(
        &self,
        confirmation: Confirmation,
    ) -> BoxFuture<'_, StorageResult<Result<DataRequest, ConfirmRefusal>>> {
        self.run(move |connection| privacy::confirm(connection, &confirmation))
    }

    fn find_data_request(&self, id: String) -> BoxFuture<'_, StorageResult<Option<DataRequest>>> {
        self.run(move |connection| privacy::find_request(connection, &id))
    }

    fn find_export(&self, token_hash: String, now: i64) -> BoxFuture<'_, StorageResult<Option<DataRequest>>> {
        self.run(move |connection| privacy::find_export(connection, &token_hash, now))
    }

    fn claim_export_download(
        &self,
        request_id: String,
        format: String,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        self.run(move |connection| privacy::claim_download(connection, &request_id, &format, now))
    }

    fn personal_data(&self, email_key: String) -> BoxFuture<'_, StorageResult<PersonalData>> {
        self.run(move |connection| privacy::personal_data(connection, &email_key))
    }

    fn erase_personal_data(&self, erasure: Erasure) -> BoxFuture<'_, Result<ErasureCounts, ErasureError>> {
        self.run(move |connection| {
            let counts = privacy::erase(connection, &erasure)?;
            // `secure_delete` zeroes freed pages only once they reach the main file;
            // until a checkpoint, the old page versions (the erased email and
            // address) stay readable in the WAL and in any copy taken meanwhile.
            // A failed checkpoint (a long reader holds the WAL) only delays that
            // to the next automatic one, so it is logged, not returned.
            if let Err(error) = connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
                tracing::warn!(%error, "checkpoint after an erasure failed; the next one clears the WAL");
            }
            Ok(counts)
        })
    }

    fn defer_data_request(
        &self,
        id: String,
        until: Option<i64>,
        detail: Option<String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| privacy::defer(connection, &id, until, detail.as_deref(), now))
    }

    fn fulfil_data_request(
        &self,
        id: String,
        detail: Option<String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| privacy::fulfil(connection, &id, detail.as_deref(), now))
    }

    fn extend_data_request(
        &self,
        id: String,
        deadline_at: i64,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        self.run(move |connection| privacy::extend(connection, &id, deadline_at, now))
    }

    fn list_data_requests(&self, filter: RequestFilter) -> BoxFuture<'_, StorageResult<Vec<DataRequest>>> {
        self.run(move |connection| privacy::list_requests(connection, &filter))
    }

    fn data_request_log(&self, since: Option<i64>) -> BoxFuture<'_, StorageResult<Vec<RequestLogEntry>>> {
        self.run(move |connection| privacy::request_log(connection, since))
    }

    fn archived_orders(&self) -> BoxFuture<'_, StorageResult<Vec<ArchivedOrder>>> {
        self.run(|connection| privacy::archived_orders(connection))
    }

    fn expire_data_requests(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::expire_requests(connection, now))
    }

    fn close_expired_exports(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::close_exports(connection, now))
    }

    fn inactive_people(&self, before: i64, limit: u32) -> BoxFuture<'_, StorageResult<Vec<InactivePerson>>> {
        self.run(move |connection| privacy::inactive_people(connection, before, limit))
    }

    fn mark_inactive_warned(&self, email_key: String, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        self.run(move |connection| privacy::mark_warned(connection, &email_key, now))
    }

    fn purge_archive(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::purge_archive(connection, now))
    }

    fn purge_consent_records(&self, expired_before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::purge_consent_records(connection, expired_before))
    }

    fn purge_request_log(&self, before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::purge_request_log(connection, before))
    }

    fn housekeeping(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::housekeeping(connection, now))
    }

    fn purge_idempotency_keys(&self, created_before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        self.run(move |connection| privacy::purge_idempotency_keys(connection, created_before))
    }

    fn consent_chain_start(&self) -> BoxFuture<'_, StorageResult<String>> {
        self.run(|connection| privacy::consent_chain_start(connection))
    }
}
