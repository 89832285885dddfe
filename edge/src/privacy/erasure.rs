//! Erasure of a person's data: what to delete, what the law keeps in the restricted
//! archive, and when to wait for open orders.
//!
//! [`erase`] fulfils a confirmed erasure request and [`anonymise`] applies the same
//! rules to a person inactive for too long. Both read everything held about the
//! email key, decide each order with [`commerce::retention`], and then either defer
//! (an order is open) or apply the whole erasure in one storage write. Running
//! either again for the same person deletes nothing more, and the report it returns
//! still lists what the archive keeps.

use commerce::order::{CANCELLED, COMPLETED, PAYMENT_ACCEPTED, PENDING, SHIPPED};
use commerce::retention::{self, LegalGround, OpenState, PrivacySettings};
use serde::{Serialize, Serializer};

use crate::clock::rfc3339;
use crate::state::AppState;
use crate::storage::privacy::OrderErasure;
use crate::storage::{Erasure, ErasureCounts, ErasureError, Order, PersonalData};

/// What an erasure did, for the person (email, API response) and the request log.
/// Times are Unix seconds in Rust and RFC 3339 in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureReport {
    /// Rows deleted by this run: all zero when the erasure is deferred or was
    /// already applied.
    pub deleted: ErasureCounts,
    /// Orders whose invoice data stays in the restricted archive.
    pub kept: Vec<KeptOrder>,
    /// Open orders that postpone the erasure; empty once it is applied.
    pub deferred: Vec<DeferredOrder>,
    /// When the erasure is tried again: the end of the last withdrawal period, or
    /// `None` while an order is not shipped (or when nothing is deferred).
    #[serde(serialize_with = "optional_time")]
    pub deferred_until: Option<i64>,
}

impl ErasureReport {
    /// Returns whether the erasure waits for open orders.
    pub fn is_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    /// Formats a one-line summary without personal data, for the request log.
    pub fn log_detail(&self) -> String {
        let deleted = &self.deleted;
        format!(
            "customer={} orders_deleted={} orders_archived={} carts={} subscriptions={} forget_jobs={} kept={} deferred={}",
            deleted.customer,
            deleted.orders_deleted,
            deleted.orders_archived,
            deleted.carts,
            deleted.subscriptions,
            deleted.forget_jobs,
            self.kept.len(),
            self.deferred.len()
        )
    }
}

/// An order kept in the restricted archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptOrder {
    /// Order number.
    pub number: String,
    /// Store.
    pub store: String,
    /// Legal ground of the retention.
    pub ground: LegalGround,
    /// When the archive is purged.
    #[serde(serialize_with = "time")]
    pub until: i64,
    /// Whether the delivery address is kept with the billing data (contract at or
    /// above the threshold).
    pub delivery_address_kept: bool,
}

/// An open order that postpones the erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeferredOrder {
    /// Order number.
    pub number: String,
    /// Store.
    pub store: String,
    /// End of its withdrawal period; `None` while it is not shipped.
    #[serde(serialize_with = "optional_time")]
    pub open_until: Option<i64>,
}

/// The result of an erasure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureOutcome {
    /// Applied; the request, if any, is now fulfilled.
    Fulfilled(ErasureReport),
    /// Postponed until the open orders close; the request, if any, is deferred.
    Deferred(ErasureReport),
}

impl ErasureOutcome {
    /// The report.
    pub fn report(&self) -> &ErasureReport {
        match self {
            ErasureOutcome::Fulfilled(report) | ErasureOutcome::Deferred(report) => report,
        }
    }

    /// `fulfilled` or `deferred`, as the API and the request log name it.
    pub fn status(&self) -> &'static str {
        match self {
            ErasureOutcome::Fulfilled(_) => "fulfilled",
            ErasureOutcome::Deferred(_) => "deferred",
        }
    }
}

fn time<S: Serializer>(at: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339(*at))
}

fn optional_time<S: Serializer>(at: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&rfc3339(*at)),
        None => serializer.serialize_none(),
    }
}

/// Applies a confirmed erasure request for `email_key`, or defers it while an order
/// is open, and records the result on the request (`fulfilled` with the report's
/// counts, or `deferred` with the retry time). Sending the report to the person is
/// the caller's job.
pub async fn erase(
    state: &AppState,
    email_key: &str,
    request_id: &str,
    now: i64,
) -> Result<ErasureOutcome, ErasureError> {
    let outcome = apply(state, email_key, Some(request_id), now).await?;
    let storage = state.storage();
    let detail = Some(outcome.report().log_detail());
    match &outcome {
        ErasureOutcome::Fulfilled(_) => {
            storage
                .fulfil_data_request(request_id.to_owned(), detail, now)
                .await?
        }
        ErasureOutcome::Deferred(report) => {
            storage
                .defer_data_request(request_id.to_owned(), report.deferred_until, detail, now)
                .await?
        }
    }
    tracing::info!(
        request = request_id,
        status = outcome.status(),
        detail = outcome.report().log_detail(),
        "erasure request processed"
    );
    Ok(outcome)
}

/// Anonymises a person inactive for too long: the erasure's rules without a
/// request. Deferred (nothing changes) while one of their orders is open.
pub async fn anonymise(state: &AppState, email_key: &str, now: i64) -> Result<ErasureOutcome, ErasureError> {
    apply(state, email_key, None, now).await
}

/// Reads, decides and writes; retries once when an order was placed in between.
async fn apply(
    state: &AppState,
    email_key: &str,
    request_id: Option<&str>,
    now: i64,
) -> Result<ErasureOutcome, ErasureError> {
    let settings = super::privacy_settings(state);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let data = state.storage().personal_data(email_key.to_owned()).await?;
        let plan = plan(&settings, &data, now);
        if !plan.report.deferred.is_empty() {
            return Ok(ErasureOutcome::Deferred(plan.report));
        }
        let erasure = Erasure {
            email_key: email_key.to_owned(),
            request_id: request_id.map(str::to_owned),
            orders: plan.orders,
            forget_marketing: state.marketing().is_some(),
            now,
        };
        match state.storage().erase_personal_data(erasure).await {
            Ok(counts) => {
                let mut report = plan.report;
                report.deleted = counts;
                return Ok(ErasureOutcome::Fulfilled(report));
            }
            Err(ErasureError::Changed) if attempts < 2 => {
                tracing::info!(
                    request = request_id,
                    "orders changed during the erasure; reading them again"
                );
            }
            Err(error) => return Err(error),
        }
    }
}

/// The decision for every order, and the report before anything is deleted.
struct Plan {
    orders: Vec<OrderErasure>,
    report: ErasureReport,
}

fn plan(settings: &PrivacySettings, data: &PersonalData, now: i64) -> Plan {
    let mut orders = Vec::with_capacity(data.orders.len());
    let mut kept = Vec::new();
    let mut deferred = Vec::new();
    // `Some(t)`: retry at t; `None` after an unshipped order: retry on every run.
    let mut deferred_until = Some(i64::MIN);

    for order in &data.orders {
        let open = retention::order_open_until(settings, &order.status, shipped_at(order), now);
        match open {
            OpenState::Closed => {}
            OpenState::UntilShipped => {
                deferred_until = None;
                deferred.push(DeferredOrder {
                    number: order.number.clone(),
                    store: order.store.clone(),
                    open_until: None,
                });
            }
            OpenState::Until(until) => {
                deferred_until = deferred_until.map(|latest| latest.max(until));
                deferred.push(DeferredOrder {
                    number: order.number.clone(),
                    store: order.store.clone(),
                    open_until: Some(until),
                });
            }
        }

        match retention::order_retention(settings, order.created_at, order.totals.total, is_invoiced(order)) {
            None => orders.push(OrderErasure::Delete {
                order_id: order.id.clone(),
            }),
            Some(keep) => {
                kept.push(KeptOrder {
                    number: order.number.clone(),
                    store: order.store.clone(),
                    ground: keep.ground,
                    until: keep.until,
                    delivery_address_kept: keep.keep_delivery_address,
                });
                orders.push(OrderErasure::Archive {
                    order_id: order.id.clone(),
                    ground: keep.ground,
                    until: keep.until,
                    keep_delivery_address: keep.keep_delivery_address,
                });
            }
        }
    }

    // Orders archived by an earlier erasure are still kept, so the report lists them.
    for archived in &data.archived {
        if !kept.iter().any(|order| order.number == archived.number) {
            kept.push(KeptOrder {
                number: archived.number.clone(),
                store: archived.store.clone(),
                ground: archived.ground,
                until: archived.until,
                delivery_address_kept: archived.delivery.is_some(),
            });
        }
    }

    let deferred_until = if deferred.is_empty() { None } else { deferred_until };
    Plan {
        orders,
        report: ErasureReport {
            deleted: ErasureCounts::default(),
            kept,
            deferred,
            deferred_until,
        },
    }
}

/// Returns whether an invoice exists: the order was paid at some point. A later
/// cancellation makes a credit note, which is kept too.
fn is_invoiced(order: &Order) -> bool {
    order.payment_reference.is_some()
        || order
            .history
            .iter()
            .any(|change| change.status == PAYMENT_ACCEPTED)
        || !(order.status == PENDING || order.status == CANCELLED)
}

/// When the order was first shipped (or completed, for orders handed over
/// without a `shipped` step).
fn shipped_at(order: &Order) -> Option<i64> {
    order
        .history
        .iter()
        .find(|change| change.status == SHIPPED || change.status == COMPLETED)
        .map(|change| change.at)
}
