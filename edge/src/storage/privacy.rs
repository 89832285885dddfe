//! Storage types of personal-data requests (export, erasure), their log, and the
//! retention purge.
//!
//! A request row contains the person's email only while the request is open. Once
//! the request is fulfilled or expired, the email is cleared and only the log
//! remains, which never contains an email. Tokens are stored as SHA-256 hex, so a database leak
//! gives no working link.

use serde::{Deserialize, Serialize};

use commerce::retention::{LegalGround, OpenState};

/// Kind of a request: export or erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// A copy of their data (RGPD art. 15 and 20).
    Export,
    /// The erasure of their data (RGPD art. 17).
    Erasure,
}

impl RequestKind {
    /// Returns the stored and JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Export => "export",
            RequestKind::Erasure => "erasure",
        }
    }
}

/// Status of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Received; waiting for the person to follow the emailed link.
    Received,
    /// Confirmed; an export is ready to download, or an erasure is being applied.
    Confirmed,
    /// Erasure postponed until the person's open orders close.
    Deferred,
    /// Done: the export was made available, or the erasure applied.
    Fulfilled,
    /// The confirmation link was not followed in time.
    Expired,
}

impl RequestStatus {
    /// Returns the stored and JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::Confirmed => "confirmed",
            RequestStatus::Deferred => "deferred",
            RequestStatus::Fulfilled => "fulfilled",
            RequestStatus::Expired => "expired",
        }
    }

    /// Returns whether the shop must still respond to the request.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestStatus::Received | RequestStatus::Confirmed | RequestStatus::Deferred
        )
    }
}

/// A request to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDataRequest {
    /// Random id (16 bytes hex); also how the log names it.
    pub id: String,
    /// Store the request came through.
    pub store: String,
    /// Export or erasure.
    pub kind: RequestKind,
    /// Email as typed (trimmed), to send the confirmation link to.
    pub email: String,
    /// Normalized email: whose data is concerned.
    pub email_key: String,
    /// Locale of the emails and pages.
    pub locale: String,
    /// SHA-256 hex of the confirmation token.
    pub token_hash: String,
    /// When the confirmation token expires.
    pub token_expires_at: i64,
    /// Receipt time.
    pub received_at: i64,
    /// Deadline of the response (one month from receipt by default).
    pub deadline_at: i64,
}

/// Rate limits checked in the same write as the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    /// Keys counted: e.g. SHA-256 of `email:<email_key>` and of `ip:<network>`,
    /// each with its window in seconds and the most requests allowed in it.
    pub buckets: Vec<ThrottleBucket>,
    /// Now.
    pub now: i64,
}

/// One rate-limit counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleBucket {
    /// Hashed key; never an email or address in clear.
    pub key: String,
    /// Window, in seconds, ending now.
    pub window: i64,
    /// Maximum number of requests allowed in the window.
    pub limit: u32,
}

/// Whether a request was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Recorded, with its log entry.
    Recorded,
    /// Refused: this bucket's limit is reached. Nothing was written.
    Throttled {
        /// Key of the bucket that refused it.
        key: String,
    },
}

/// A stored request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataRequest {
    /// Id.
    pub id: String,
    /// Store.
    pub store: String,
    /// Kind.
    pub kind: RequestKind,
    /// Status.
    pub status: RequestStatus,
    /// Locale.
    pub locale: String,
    /// Email as typed, while the request is open; `None` once closed.
    #[serde(skip)]
    pub email: Option<String>,
    /// Normalized email, while the request is open.
    #[serde(skip)]
    pub email_key: Option<String>,
    /// Receipt time.
    pub received_at: i64,
    /// Deadline.
    pub deadline_at: i64,
    /// When the confirmation token expires.
    pub token_expires_at: i64,
    /// Confirmation time.
    pub confirmed_at: Option<i64>,
    /// Time it was fulfilled.
    pub fulfilled_at: Option<i64>,
    /// For a deferred erasure: when to try again (`None` while an order is not
    /// shipped yet; the purge job tries again on each run).
    pub deferred_until: Option<i64>,
    /// For an export: when its download link expires.
    pub export_expires_at: Option<i64>,
}

/// Entry of the append-only request log. It never contains an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestLogEntry {
    /// Position in the log, from 1.
    pub sequence: i64,
    /// The request.
    pub request_id: String,
    /// Store.
    pub store: String,
    /// Kind.
    pub kind: RequestKind,
    /// `received`, `confirmed`, `deferred`, `fulfilled`, `expired`, `extended`,
    /// `downloaded:json`…
    pub event: String,
    /// When.
    pub at: i64,
    /// The request's deadline at that moment.
    pub deadline_at: i64,
    /// A short note without personal data (counts, formats, reasons).
    pub detail: Option<String>,
}

/// Filters of the request listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// Only open requests (received, confirmed, deferred).
    pub open_only: bool,
    /// Only this status.
    pub status: Option<RequestStatus>,
    /// At most this many, by deadline (soonest first).
    pub limit: u32,
}

/// A confirmation to apply: single use, checked against the token, the store and
/// the expiry in the same write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// SHA-256 hex of the token the visitor followed.
    pub token_hash: String,
    /// Store the confirmation came through; must be the request's.
    pub store: String,
    /// For an export: SHA-256 hex of the new download token, and its expiry.
    pub export: Option<(String, i64)>,
    /// Now.
    pub now: i64,
}

/// Reason a confirmation was rejected. Every rejection has the same reason, so the
/// API cannot tell a used token from an unknown one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmRefusal {
    /// Unknown, already used, expired, or of another store.
    Invalid,
}

/// Data the shop stores about one normalized email, across all stores. The
/// export's documented JSON schema is built from it by the API, not derived.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonalData {
    /// The customer record, when the person ordered.
    pub customer: Option<CustomerRecord>,
    /// Orders, oldest first, with their lines, history and payment.
    pub orders: Vec<crate::storage::Order>,
    /// Carts linked to those orders.
    pub carts: Vec<CartSummary>,
    /// Email marketing subscriptions.
    pub subscriptions: Vec<SubscriptionRecord>,
    /// Consent records of the consent ids linked to the person (marketing
    /// subscriptions, checkout consent), oldest first.
    pub consents: Vec<crate::consent::ConsentRecord>,
    /// Earlier personal-data requests of the person (without tokens).
    pub requests: Vec<DataRequest>,
    /// Orders of the person already in the restricted archive (after an earlier
    /// erasure or anonymisation), oldest first.
    pub archived: Vec<ArchivedOrder>,
}

/// The stored customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRecord {
    /// Email as last given.
    pub email: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Email marketing consent from checkout.
    pub marketing_email: Option<bool>,
    /// First order.
    pub created_at: i64,
    /// Last change or order.
    pub updated_at: i64,
}

/// A cart, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartSummary {
    /// Id.
    pub id: String,
    /// Store.
    pub store: String,
    /// Currency code.
    pub currency: String,
    /// `(sku, quantity)` lines.
    pub lines: Vec<(String, u32)>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// The order placed from it.
    pub order_id: Option<String>,
}

/// A marketing subscription, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubscriptionRecord {
    /// Store.
    pub store: String,
    /// List.
    pub list: String,
    /// `subscribed` or `unsubscribed`.
    pub status: String,
    /// Consent id proving it.
    pub consent_id: String,
    /// Subscription time.
    pub subscribed_at: i64,
    /// Unsubscription time.
    pub unsubscribed_at: Option<i64>,
}

/// Treatment of one order by an erasure, decided by the caller from
/// [`commerce::retention`] rules on the data it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderErasure {
    /// No legal obligation (never paid): delete the order's personal data.
    Delete {
        /// Order id.
        order_id: String,
    },
    /// Keep in the restricted archive what the invoice needs, until `until`.
    Archive {
        /// Order id.
        order_id: String,
        /// Legal ground.
        ground: LegalGround,
        /// Purge date.
        until: i64,
        /// Whether the delivery address stays in the archive.
        keep_delivery_address: bool,
    },
}

/// An erasure to apply in one write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    /// Normalized email.
    pub email_key: String,
    /// The request it fulfils; `None` for an inactive person anonymised by the
    /// purge job.
    pub request_id: Option<String>,
    /// Every order of the person, each decided. The write fails with
    /// [`ErasureError::Changed`] if the person has an order not listed here
    /// (placed since the caller read the data).
    pub orders: Vec<OrderErasure>,
    /// Whether to queue a `forget` job for the marketing provider per list.
    pub forget_marketing: bool,
    /// Now.
    pub now: i64,
}

/// What an erasure deleted and kept, as counted by the write itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureCounts {
    /// Customer records deleted (0 or 1).
    pub customer: u64,
    /// Orders whose personal data was deleted.
    pub orders_deleted: u64,
    /// Orders moved to the restricted archive.
    pub orders_archived: u64,
    /// Carts deleted.
    pub carts: u64,
    /// Marketing subscriptions deleted.
    pub subscriptions: u64,
    /// Unsubscribe tokens deleted.
    pub unsubscribe_tokens: u64,
    /// Provider `forget` jobs queued.
    pub forget_jobs: u64,
}

/// Why an erasure was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    /// The person's orders changed since they were read; read again and retry.
    #[error("the person's orders changed during the erasure")]
    Changed,
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
}

/// An order in the restricted archive: only what the invoice (and, for a contract
/// at or above the threshold, the contract) legally needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedOrder {
    /// Order id.
    pub order_id: String,
    /// Order number.
    pub number: String,
    /// Store.
    pub store: String,
    /// Billing name, company, VAT number and address (JSON of
    /// [`crate::storage::PostalAddress`] plus `vat_number`).
    pub billing: serde_json::Value,
    /// Delivery address, when kept.
    pub delivery: Option<serde_json::Value>,
    /// Ground.
    pub ground: LegalGround,
    /// Purge date.
    pub until: i64,
    /// Archive time.
    pub archived_at: i64,
}

/// A person without contact for a long time, for the inactivity purge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InactivePerson {
    /// Normalized email.
    pub email_key: String,
    /// Email to warn.
    pub email: String,
    /// Store of the last contact, for the warning's language and sender.
    pub store: String,
    /// Locale of the last contact.
    pub locale: String,
    /// Last contact: last order, customer change or subscription change.
    pub last_contact_at: i64,
    /// When they were warned, if they were.
    pub warned_at: Option<i64>,
}

/// Counts of one purge run. Never personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeCounts {
    /// Expired carts never ordered.
    pub carts: u64,
    /// Requests whose confirmation link expired.
    pub requests_expired: u64,
    /// Export links past their expiry, closed.
    pub exports_closed: u64,
    /// Deferred erasures applied now that the orders closed.
    pub deferred_erasures: u64,
    /// Inactive people warned.
    pub inactive_warned: u64,
    /// Inactive people anonymised.
    pub inactive_anonymised: u64,
    /// Archived orders past their retention, purged.
    pub archive_purged: u64,
    /// Consent records past their proof retention, deleted.
    pub consent_records: u64,
    /// Request log entries past their retention, deleted.
    pub log_entries: u64,
    /// Rate-limit counters and idempotency keys past use.
    pub housekeeping: u64,
}

/// Where an order stands for an erasure, as read by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    /// Order id.
    pub order_id: String,
    /// Open or closed, and until when.
    pub open: OpenState,
}
