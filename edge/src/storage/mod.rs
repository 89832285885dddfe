//! Storage of carts, stock, customers and orders, behind the domain-level
//! [`Storage`] trait.
//!
//! Each method is one unit of work that the backend makes atomic on its own: a
//! SQLite transaction natively, one D1 batch in the Worker (D1 has no interactive
//! transactions). So the trait never exposes a transaction, and the schema enforces
//! the invariants that must hold across statements. A `CHECK` on each stock
//! movement rejects a tracked sku going below zero. A `UNIQUE` on `orders.cart_id`
//! rejects a second order for one cart. The primary key of `idempotency_keys`
//! rejects a second use of a key. The schema lives in `edge/migrations/`, shared by
//! both backends.

mod consent;
#[cfg(target_arch = "wasm32")]
pub mod d1;
pub mod privacy;
#[cfg(feature = "native")]
pub mod sqlite;

use std::collections::HashMap;

use commerce::cart::CartLine;
use commerce::settings::PaymentKind;
use commerce::tax::TaxSplit;
use commerce::{Currency, Locale};
use serde::{Deserialize, Serialize};

pub use consent::{MarketingJob, NewConsent, NewSubscription, Subscription, SyncAction, Withdrawal};
pub use privacy::{
    Admission, ArchivedOrder, ConfirmRefusal, Confirmation, DataRequest, Erasure, ErasureCounts,
    ErasureError, InactivePerson, NewDataRequest, PersonalData, PurgeCounts, RequestFilter, RequestKind,
    RequestLogEntry, RequestStatus, Throttle,
};

use crate::consent::{ConsentPolicy, ConsentRecord};
pub use crate::mail::BoxFuture;

/// The SQL migrations, in the order they apply. Each is a file of
/// `edge/migrations/`, shared with D1 (`wrangler d1 migrations apply`).
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_commerce",
        include_str!("../../migrations/0001_commerce.sql"),
    ),
    ("0002_consent", include_str!("../../migrations/0002_consent.sql")),
    ("0003_privacy", include_str!("../../migrations/0003_privacy.sql")),
];

/// The backend failed: the database is unreachable, corrupt or full. The message is
/// for logs only and never contains personal data.
#[derive(Debug, thiserror::Error)]
#[error("storage failed: {0}")]
pub struct StorageError(pub String);

/// A result of a storage call.
pub type StorageResult<T> = Result<T, StorageError>;

/// An `Idempotency-Key` claimed by a create request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// What is created: `carts` or `checkout`.
    pub scope: &'static str,
    /// The client's key.
    pub key: String,
    /// SHA-256 of the request body, hex.
    pub request_hash: String,
}

/// A resource created earlier under the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// Id of the cart or order created then.
    pub resource_id: String,
    /// Hash of the body sent then.
    pub request_hash: String,
}

/// A create call's result: the new resource, or the one an earlier request with the
/// same idempotency key created.
#[derive(Debug, Clone, PartialEq)]
pub enum Created<T> {
    /// Created now.
    New(T),
    /// Created earlier under the same key.
    Replayed(Replay),
}

/// A cart to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCart {
    /// Random id, also the visitor's access to it.
    pub id: String,
    /// Store id.
    pub store: String,
    /// Currency.
    pub currency: Currency,
    /// Locale of its messages.
    pub locale: Locale,
    /// Creation time.
    pub now: i64,
    /// When it expires unless touched.
    pub expires_at: i64,
}

/// A stored cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartRecord {
    /// Id.
    pub id: String,
    /// Store id.
    pub store: String,
    /// Currency.
    pub currency: Currency,
    /// Locale.
    pub locale: Locale,
    /// Lines in the order they were added.
    pub lines: Vec<CartLine>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// Expiry, pushed back on every change.
    pub expires_at: i64,
    /// The order placed from it, once checked out.
    pub order_id: Option<String>,
}

/// A change to one line of a cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChange {
    /// The sku.
    pub sku: String,
    /// New quantity; 0 removes the line.
    pub quantity: u32,
    /// Unit price the visitor is shown now.
    pub seen_unit_price: Option<i64>,
}

/// A stock level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockLevel {
    /// The sku.
    pub sku: String,
    /// Units on hand; negative for made-to-order skus sold beyond stock.
    pub quantity: i64,
    /// Last change.
    pub updated_at: i64,
}

/// The customer as given at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Email as typed (trimmed).
    pub email: String,
    /// Full name.
    pub name: String,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Intra-community VAT number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    /// Addressee.
    pub name: String,
    /// Company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Street and number.
    pub street: String,
    /// Second line: building, floor…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country, uppercase.
    pub country: String,
    /// Phone for the carrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The shipping chosen, priced at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingLine {
    /// Method id.
    pub method: String,
    /// Its label in the order's locale.
    pub label: String,
    /// Price without VAT.
    pub net: i64,
    /// VAT.
    pub tax: i64,
    /// Price with VAT.
    pub gross: i64,
}

/// The payment method chosen, with what the customer needs to pay, as offered when
/// the order was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDetails {
    /// Method id.
    pub method: String,
    /// Its label in the order's locale.
    pub label: String,
    /// Kind and instructions (IBAN, payee…).
    pub kind: PaymentKind,
}

/// How placing an order changes a sku's stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockEffect {
    /// Untracked: the stock is not touched.
    Untouched,
    /// The stock goes down by the quantity; with a floor, the order fails rather
    /// than going below it.
    Decrement {
        /// Lowest level allowed after the order: 0 for tracked skus, none for
        /// backorder and negative-stock skus.
        floor: Option<i64>,
        /// Whether units beyond the stock are backordered: the storage then sets the
        /// line's `backorder_quantity` from the stock level it decremented, since
        /// the level the caller read may be stale by then.
        backorder: bool,
    },
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    /// The sku.
    pub sku: String,
    /// Title in the order's locale.
    pub title: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price, counted as the price book counted it.
    pub unit_price: i64,
    /// VAT rate in hundredths of a percent.
    pub tax_rate: u32,
    /// `unit_price × quantity`.
    pub line_total: i64,
    /// The line's net, tax and gross.
    pub split: TaxSplit,
    /// Units shipped later. For a backorder sku, the storage computes it when it
    /// places the order; a draft's value is ignored.
    pub backorder_quantity: u32,
    /// Their announced delay in days.
    pub backorder_days: Option<u32>,
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Status entered.
    pub status: String,
    /// When.
    pub at: i64,
    /// Why, as written by the merchant or the system.
    pub note: Option<String>,
}

/// What an order costs, fixed when it is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderTotals {
    /// Whether unit prices include VAT.
    pub prices_include_tax: bool,
    /// Sum of the line totals, counted as unit prices are.
    pub subtotal: i64,
    /// The items' net, tax and gross.
    pub items: TaxSplit,
    /// All VAT.
    pub tax_total: i64,
    /// Everything without VAT.
    pub total_excl_tax: i64,
    /// Everything with VAT: what the customer pays.
    pub total: i64,
}

/// An order to place, fully priced by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderDraft {
    /// Random id.
    pub id: String,
    /// Random access token for the customer.
    pub access_token: String,
    /// The cart checked out; one order per cart.
    pub cart_id: String,
    /// Store id.
    pub store: String,
    /// Prefix of the order number.
    pub number_prefix: String,
    /// Currency.
    pub currency: Currency,
    /// Locale.
    pub locale: Locale,
    /// Customer.
    pub customer: CustomerDetails,
    /// Normalized email: the customer's key in the shop.
    pub email_key: String,
    /// Email marketing consent given at checkout, when asked.
    pub marketing_email: Option<bool>,
    /// Billing address.
    pub billing_address: PostalAddress,
    /// Shipping address, when it differs or matters.
    pub shipping_address: Option<PostalAddress>,
    /// Shipping.
    pub shipping: ShippingLine,
    /// Payment.
    pub payment: PaymentDetails,
    /// Lines with the effect of each on stock.
    pub lines: Vec<(OrderLine, StockEffect)>,
    /// Totals.
    pub totals: OrderTotals,
    /// Placement time.
    pub now: i64,
    /// The request's idempotency key.
    pub idempotency: Option<IdempotencyClaim>,
}

/// A placed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// Random id.
    pub id: String,
    /// Order number: prefix and gap-free sequence.
    pub number: String,
    /// Position in the shop's sequence, from 1.
    pub sequence: i64,
    /// The customer's access token.
    pub access_token: String,
    /// Store id.
    pub store: String,
    /// Currency.
    pub currency: Currency,
    /// Locale.
    pub locale: Locale,
    /// Current status.
    pub status: String,
    /// Customer.
    pub customer: CustomerDetails,
    /// Billing address.
    pub billing_address: PostalAddress,
    /// Shipping address.
    pub shipping_address: Option<PostalAddress>,
    /// Shipping.
    pub shipping: ShippingLine,
    /// Payment.
    pub payment: PaymentDetails,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// Totals.
    pub totals: OrderTotals,
    /// Provider's payment reference once paid by card.
    pub payment_reference: Option<String>,
    /// Hosted payment page opened for it.
    pub payment_url: Option<String>,
    /// Every status it went through, oldest first.
    pub history: Vec<StatusChange>,
    /// Placement time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// Why an order was not placed.
#[derive(Debug, thiserror::Error)]
pub enum PlaceOrderError {
    /// The stock of line `line` (index in the draft) does not cover it.
    #[error("not enough stock for line {line}")]
    OutOfStock {
        /// Index of the line in the draft.
        line: usize,
    },
    /// The cart was already checked out.
    #[error("the cart already has an order")]
    CartAlreadyOrdered,
    /// The idempotency key was used before.
    #[error("the idempotency key was used before")]
    Replayed(Replay),
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A status change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Order id.
    pub order_id: String,
    /// Status the caller saw; the change applies only if the order is still in it.
    pub from: String,
    /// New status.
    pub to: String,
    /// Note kept in the history.
    pub note: Option<String>,
    /// Whether the order's stock comes back (cancellation).
    pub return_stock: bool,
    /// Whether to queue an email to the customer.
    pub notify_customer: bool,
    /// Provider's payment reference, for a payment confirmation.
    pub payment_reference: Option<String>,
    /// When.
    pub now: i64,
}

/// Why a status change was not applied.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// No such order.
    #[error("order not found")]
    NotFound,
    /// The order is no longer in the status the caller saw.
    #[error("the order is now `{current}`")]
    Conflict {
        /// Its status now.
        current: String,
    },
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Filters of the order listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Only orders in this status.
    pub status: Option<String>,
    /// Only orders placed at or after this time.
    pub since: Option<i64>,
    /// At most this many, newest first.
    pub limit: u32,
}

/// An email waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// The order it is about.
    pub order_id: String,
    /// `order_confirmation` or `status:<status>`.
    pub kind: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// Kind of the email that confirms a new order.
pub const ORDER_CONFIRMATION: &str = "order_confirmation";

/// Carts, stock, customers and orders of one shop.
///
/// Methods take owned arguments so that their futures borrow only `self`, which
/// keeps them `Send` for axum on native hosts.
pub trait Storage: Send + Sync {
    /// Creates a cart, claiming the idempotency key in the same write.
    fn create_cart(
        &self,
        cart: NewCart,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<CartRecord>>>;

    /// Returns the cart, unless it is missing or expired at `now`.
    fn get_cart(&self, id: String, now: i64) -> BoxFuture<'_, StorageResult<Option<CartRecord>>>;

    /// Applies line changes and pushes the expiry to `expires_at`; `None` when the
    /// cart is missing or expired.
    fn update_cart_lines(
        &self,
        id: String,
        changes: Vec<LineChange>,
        now: i64,
        expires_at: i64,
    ) -> BoxFuture<'_, StorageResult<Option<CartRecord>>>;

    /// Carts changed at or after `since`, not expired at `now`, newest first.
    fn list_carts(&self, since: i64, now: i64, limit: u32) -> BoxFuture<'_, StorageResult<Vec<CartRecord>>>;

    /// Deletes carts expired at `now` that were never ordered; returns how many.
    fn purge_expired_carts(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>>;

    /// Returns the resource created earlier with this idempotency key, if any.
    fn find_replay(&self, scope: &'static str, key: String) -> BoxFuture<'_, StorageResult<Option<Replay>>>;

    /// Stock levels of `skus`; skus without a level are missing from the map.
    fn stock_levels(&self, skus: Vec<String>) -> BoxFuture<'_, StorageResult<HashMap<String, i64>>>;

    /// Sets stock levels, recording a movement for each change, all or nothing.
    fn set_stock(
        &self,
        levels: Vec<(String, i64)>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<Vec<StockLevel>>>;

    /// Places an order in one atomic write: the customer, the order number, the
    /// order and its lines, the stock movements, the first history entry, the
    /// confirmation email to send and the idempotency key.
    fn place_order(&self, draft: OrderDraft) -> BoxFuture<'_, Result<Order, PlaceOrderError>>;

    /// Returns the order with this id.
    fn find_order(&self, id: String) -> BoxFuture<'_, StorageResult<Option<Order>>>;

    /// Returns the order with this number.
    fn find_order_by_number(&self, number: String) -> BoxFuture<'_, StorageResult<Option<Order>>>;

    /// Orders matching `filter`, newest first.
    fn list_orders(&self, filter: OrderFilter) -> BoxFuture<'_, StorageResult<Vec<Order>>>;

    /// Changes an order's status in one atomic write with its history entry, its
    /// returned stock and its email, if the order is still in `transition.from`.
    fn transition_order(&self, transition: Transition) -> BoxFuture<'_, Result<Order, TransitionError>>;

    /// Records the hosted payment page opened for an order.
    fn set_payment_url(&self, order_id: String, url: String, now: i64) -> BoxFuture<'_, StorageResult<()>>;

    /// Emails not yet sent, of one order or of all, that failed fewer than
    /// `max_attempts` times.
    fn pending_notifications(
        &self,
        order_id: Option<String>,
        max_attempts: u32,
    ) -> BoxFuture<'_, StorageResult<Vec<Notification>>>;

    /// Records an attempt to send an email: sent, or failed with a reason.
    fn record_notification(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>>;

    /// Remembers consent policies published by a loaded build, keeping the first
    /// time each was seen; policies already known are left as they are.
    fn remember_policies(&self, policies: Vec<ConsentPolicy>, now: i64) -> BoxFuture<'_, StorageResult<()>>;

    /// A policy a build of `store` published, by its hash.
    fn find_policy(
        &self,
        store: String,
        policy_hash: String,
    ) -> BoxFuture<'_, StorageResult<Option<ConsentPolicy>>>;

    /// Appends a consent record to the shop's chain, remembering its policy and
    /// claiming the idempotency key in the same write. The replay's resource id is
    /// the record's sequence.
    fn append_consent(
        &self,
        consent: NewConsent,
        claim: Option<IdempotencyClaim>,
    ) -> BoxFuture<'_, StorageResult<Created<ConsentRecord>>>;

    /// Returns the record at `sequence`.
    fn find_consent_record(&self, sequence: i64) -> BoxFuture<'_, StorageResult<Option<ConsentRecord>>>;

    /// Returns every record of one consent id, oldest first.
    fn consent_history(&self, consent_id: String) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>>;

    /// The shop's whole chain, in insertion order.
    fn consent_chain(&self) -> BoxFuture<'_, StorageResult<Vec<ConsentRecord>>>;

    /// Subscribes an email to a marketing list in one write: the consent record, the
    /// subscription (created, or subscribed again), its first unsubscribe token and,
    /// when a provider is configured, the job that tells it.
    fn subscribe_marketing(&self, subscription: NewSubscription) -> BoxFuture<'_, StorageResult<()>>;

    /// The subscription an unsubscribe token belongs to.
    fn find_subscription(&self, token_hash: String) -> BoxFuture<'_, StorageResult<Option<Subscription>>>;

    /// Unsubscribes in one write, if the subscription is still subscribed: its
    /// status, the `withdraw` consent record and the provider job. Returns whether
    /// it was subscribed; a second call changes nothing.
    fn withdraw_subscription(&self, withdrawal: Withdrawal) -> BoxFuture<'_, StorageResult<bool>>;

    /// Adds an unsubscribe token to the subscribed email `email_key` of a store's
    /// list. Returns false when there is no such subscription.
    fn add_unsubscribe_token(
        &self,
        store: String,
        list: String,
        email_key: String,
        token_hash: String,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>>;

    /// Provider jobs not yet done that failed fewer than `max_attempts` times.
    fn pending_marketing_jobs(&self, max_attempts: u32) -> BoxFuture<'_, StorageResult<Vec<MarketingJob>>>;

    /// Records an attempt of a provider job: done (its email is then cleared), or
    /// failed with a reason.
    fn record_marketing_job(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>>;
    // Personal-data requests and retention (see `storage::privacy`). The default
    // bodies let a backend compile before it implements them; each returns an
    // error that names the method.

    /// Records a request with its `received` log entry, if every throttle bucket
    /// is under its limit (counting this request in the same write).
    fn create_data_request(
        &self,
        request: NewDataRequest,
        throttle: Throttle,
    ) -> BoxFuture<'_, StorageResult<Admission>> {
        let _ = (request, throttle);
        unsupported("create_data_request")
    }

    /// Confirms a request once: the token must match a `received` request of the
    /// same store that has not expired. Clears the token, stores the export's
    /// download token when given, and logs `confirmed`, all in one write.
    fn confirm_data_request(
        &self,
        confirmation: Confirmation,
    ) -> BoxFuture<'_, StorageResult<Result<DataRequest, ConfirmRefusal>>> {
        let _ = confirmation;
        unsupported("confirm_data_request")
    }

    /// Returns the request with this id.
    fn find_data_request(&self, id: String) -> BoxFuture<'_, StorageResult<Option<DataRequest>>> {
        let _ = id;
        unsupported("find_data_request")
    }

    /// Returns the export request whose download token hashes to this, unless its link
    /// expired at `now`.
    fn find_export(&self, token_hash: String, now: i64) -> BoxFuture<'_, StorageResult<Option<DataRequest>>> {
        let _ = (token_hash, now);
        unsupported("find_export")
    }

    /// Claims the one download of `format` (`json`, `csv`, `html`) of an export
    /// and logs it; false when that format was downloaded already.
    fn claim_export_download(
        &self,
        request_id: String,
        format: String,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        let _ = (request_id, format, now);
        unsupported("claim_export_download")
    }

    /// Everything held about a normalized email, across all stores.
    fn personal_data(&self, email_key: String) -> BoxFuture<'_, StorageResult<PersonalData>> {
        let _ = email_key;
        unsupported("personal_data")
    }

    /// Applies an erasure in one write and counts what it did. Running it again
    /// for the same person changes nothing more.
    fn erase_personal_data(&self, erasure: Erasure) -> BoxFuture<'_, Result<ErasureCounts, ErasureError>> {
        let _ = erasure;
        Box::pin(async { Err(ErasureError::Storage(not_implemented("erase_personal_data"))) })
    }

    /// Moves a request to `deferred` (erasure waiting for open orders), with the
    /// time to try again, and logs it.
    fn defer_data_request(
        &self,
        id: String,
        until: Option<i64>,
        detail: Option<String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        let _ = (id, until, detail, now);
        unsupported("defer_data_request")
    }

    /// Marks a request fulfilled and logs it. For an erasure the email is cleared
    /// at once; for an export it is kept until the download link expires.
    fn fulfil_data_request(
        &self,
        id: String,
        detail: Option<String>,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<()>> {
        let _ = (id, detail, now);
        unsupported("fulfil_data_request")
    }

    /// Extends a request's deadline (with notice to the person) and logs it.
    fn extend_data_request(
        &self,
        id: String,
        deadline_at: i64,
        now: i64,
    ) -> BoxFuture<'_, StorageResult<bool>> {
        let _ = (id, deadline_at, now);
        unsupported("extend_data_request")
    }

    /// Requests matching `filter`, soonest deadline first.
    fn list_data_requests(&self, filter: RequestFilter) -> BoxFuture<'_, StorageResult<Vec<DataRequest>>> {
        let _ = filter;
        unsupported("list_data_requests")
    }

    /// Returns the request log, oldest first, from `since` when given.
    fn data_request_log(&self, since: Option<i64>) -> BoxFuture<'_, StorageResult<Vec<RequestLogEntry>>> {
        let _ = since;
        unsupported("data_request_log")
    }

    /// Returns the restricted archive, for the merchant's accounting; oldest first.
    fn archived_orders(&self) -> BoxFuture<'_, StorageResult<Vec<ArchivedOrder>>> {
        unsupported("archived_orders")
    }

    /// Expires `received` requests whose link expired at `now` (clearing their
    /// email, logging `expired`); returns how many.
    fn expire_data_requests(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = now;
        unsupported("expire_data_requests")
    }

    /// Clears the email of fulfilled exports whose link expired at `now`, and
    /// their download token; returns how many.
    fn close_expired_exports(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = now;
        unsupported("close_expired_exports")
    }

    /// People whose last contact was before `before`, with their warning state.
    fn inactive_people(&self, before: i64, limit: u32) -> BoxFuture<'_, StorageResult<Vec<InactivePerson>>> {
        let _ = (before, limit);
        unsupported("inactive_people")
    }

    /// Records that an inactive person was warned.
    fn mark_inactive_warned(&self, email_key: String, now: i64) -> BoxFuture<'_, StorageResult<()>> {
        let _ = (email_key, now);
        unsupported("mark_inactive_warned")
    }

    /// Deletes archived orders whose retention ended at `now`; returns how many.
    fn purge_archive(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = now;
        unsupported("purge_archive")
    }

    /// Deletes consent records that expired before `expired_before`, keeping the
    /// chain verifiable from the first record kept; returns how many.
    fn purge_consent_records(&self, expired_before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = expired_before;
        unsupported("purge_consent_records")
    }

    /// Deletes request log entries older than `before`; returns how many.
    fn purge_request_log(&self, before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = before;
        unsupported("purge_request_log")
    }

    /// Deletes rate-limit counters expired at `now`; returns how many rows.
    /// Idempotency keys are deleted by [`Storage::purge_idempotency_keys`].
    fn housekeeping(&self, now: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = now;
        unsupported("housekeeping")
    }

    /// Deletes idempotency keys claimed before `created_before`; returns how many.
    /// A key only has to outlive the retries of the request that claimed it.
    fn purge_idempotency_keys(&self, created_before: i64) -> BoxFuture<'_, StorageResult<u64>> {
        let _ = created_before;
        unsupported("purge_idempotency_keys")
    }

    /// Returns the `previous_hash` of the first record of the consent chain:
    /// [`crate::consent::GENESIS_HASH`] until the purge deletes the oldest records,
    /// then the hash of the last record it deleted.
    fn consent_chain_start(&self) -> BoxFuture<'_, StorageResult<String>> {
        Box::pin(async { Ok(crate::consent::GENESIS_HASH.to_owned()) })
    }
}

fn not_implemented(method: &str) -> StorageError {
    StorageError(format!("`{method}` is not implemented by this storage backend"))
}

fn unsupported<T: Send + 'static>(method: &'static str) -> BoxFuture<'static, StorageResult<T>> {
    Box::pin(async move { Err(not_implemented(method)) })
}

/// Normalizes an email into the customer key: trimmed, ASCII letters lowercased.
/// Gmail-style dots and `+tags` are kept, since other providers treat them as
/// distinct. Only ASCII is folded: full Unicode lowercasing would merge distinct
/// mailboxes (the Kelvin sign `K` lowercases to `k`), letting one person's
/// address select another's data.
pub fn email_key(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}
