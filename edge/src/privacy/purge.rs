//! The retention purge: one run applies every period of the `[privacy]` settings
//! at `now`. The native host runs it as a command and the Worker on a schedule.
//!
//! Each step deletes only what is due at `now`, so a second run at the same time
//! changes nothing, and a run that fails halfway is finished by the next one. The
//! job logs counts and request ids, never an email or a name.

use commerce::retention::{self, DAY, PrivacySettings};

use super::emails;
use super::erasure::{self, ErasureOutcome};
use crate::state::AppState;
use crate::storage::privacy::InactivePerson;
use crate::storage::{ErasureError, PurgeCounts, RequestFilter, RequestKind, RequestStatus, StorageError};

/// Maximum number of deferred erasures, and of inactive people, handled by one run.
// NOTE: a shop with more than this many due in one run catches up over the next
// runs; nothing is lost, only delayed.
const BATCH: u32 = 1_000;

/// Runs every purge step at `now` and returns what each removed. Stops at the
/// first storage failure, and the steps run before it stay done.
pub async fn run(state: &AppState, now: i64) -> Result<PurgeCounts, StorageError> {
    let settings = super::privacy_settings(state);
    let storage = state.storage();
    let mut counts = PurgeCounts {
        carts: storage.purge_expired_carts(now).await?,
        requests_expired: storage.expire_data_requests(now).await?,
        exports_closed: storage.close_expired_exports(now).await?,
        ..PurgeCounts::default()
    };

    counts.deferred_erasures = retry_deferred_erasures(state, now).await?;
    let (warned, anonymised) = purge_inactive_people(state, &settings, now).await?;
    counts.inactive_warned = warned;
    counts.inactive_anonymised = anonymised;

    counts.archive_purged = storage.purge_archive(now).await?;
    // A consent record is proof until `consent_proof_years` after it expired, so
    // it goes once add_years(expires_at, years) <= now.
    let consent_cutoff = latest_start(now, settings.consent_proof_years);
    counts.consent_records = storage.purge_consent_records(consent_cutoff + 1).await?;
    let log_cutoff = latest_start(now, settings.request_log_years);
    counts.log_entries = storage.purge_request_log(log_cutoff + 1).await?;

    // An idempotency key guards retries of a cart or checkout request, which
    // cannot outlive the cart they are about.
    let cart_lifetime = i64::from(state.config().cart_ttl_days) * DAY;
    counts.housekeeping =
        storage.housekeeping(now).await? + storage.purge_idempotency_keys(now - cart_lifetime).await?;

    tracing::info!(
        carts = counts.carts,
        requests_expired = counts.requests_expired,
        exports_closed = counts.exports_closed,
        deferred_erasures = counts.deferred_erasures,
        inactive_warned = counts.inactive_warned,
        inactive_anonymised = counts.inactive_anonymised,
        archive_purged = counts.archive_purged,
        consent_records = counts.consent_records,
        log_entries = counts.log_entries,
        housekeeping = counts.housekeeping,
        "retention purge finished"
    );
    Ok(counts)
}

/// Returns the latest time `t` with `add_years(t, years) <= now`: data dated at or before
/// it is past a retention of `years`. `add_years` is monotonic, so a binary search
/// between 367 and 365 days a year finds it exactly, leap days included.
fn latest_start(now: i64, years: u32) -> i64 {
    let span = i64::from(years);
    let (mut low, mut high) = (now - span * 367 * DAY, now - span * 365 * DAY);
    // Invariant of the loop: add_years(low) <= now < add_years(high).
    if retention::add_years(high, years) <= now {
        return high;
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if retention::add_years(middle, years) <= now {
            low = middle;
        } else {
            high = middle;
        }
    }
    low
}

/// Applies deferred erasures whose orders have closed, and sends each report.
///
/// Confirmed erasures are retried too: a confirmation consumes its token before
/// the erasure is written, so an erasure whose write failed (storage error, or
/// orders that kept changing) would otherwise stay `confirmed` with no way for
/// the person to ask again. Erasure is idempotent, so retrying one that a
/// confirmation is applying at the same moment is harmless.
async fn retry_deferred_erasures(state: &AppState, now: i64) -> Result<u64, StorageError> {
    let mut waiting = state
        .storage()
        .list_data_requests(RequestFilter {
            open_only: false,
            status: Some(RequestStatus::Deferred),
            limit: BATCH,
        })
        .await?;
    let confirmed = state
        .storage()
        .list_data_requests(RequestFilter {
            open_only: false,
            status: Some(RequestStatus::Confirmed),
            limit: BATCH,
        })
        .await?;
    waiting.extend(
        confirmed
            .into_iter()
            .filter(|request| request.kind == RequestKind::Erasure),
    );
    let mut applied = 0;
    for request in waiting {
        if request.deferred_until.is_some_and(|until| until > now) {
            continue;
        }
        let Some(email_key) = request.email_key.clone() else {
            tracing::warn!(request = %request.id, "deferred erasure has no email key; skipped");
            continue;
        };
        match erasure::erase(state, &email_key, &request.id, now).await {
            Ok(ErasureOutcome::Fulfilled(report)) => {
                applied += 1;
                if let Err(error) = emails::send_erasure_report(state, &request, &report).await {
                    tracing::warn!(request = %request.id, %error, "the erasure report email failed");
                }
            }
            Ok(ErasureOutcome::Deferred(_)) => {}
            Err(ErasureError::Storage(error)) => return Err(error),
            Err(ErasureError::Changed) => {
                tracing::warn!(request = %request.id, "orders kept changing; the erasure is retried next run");
            }
        }
    }
    Ok(applied)
}

/// Warns people approaching the inactivity limit, once, and anonymises those
/// past it who were warned early enough. Returns (warned, anonymised).
async fn purge_inactive_people(
    state: &AppState,
    settings: &PrivacySettings,
    now: i64,
) -> Result<(u64, u64), StorageError> {
    let notice = i64::from(settings.inactive_warning_days) * DAY;
    // Everyone whose warning time has come had their last contact before this
    // bound, because a calendar year has at least 365 days. The exact test is below.
    let before = now + notice - i64::from(settings.inactive_years) * 365 * DAY + 1;
    let people = state.storage().inactive_people(before, BATCH).await?;
    let (mut warned, mut anonymised) = (0, 0);
    for person in people {
        let (warn_at, anonymise_at) = retention::inactivity(settings, person.last_contact_at);
        match person.warned_at {
            None if now >= warn_at => {
                // A person warned late still gets the full notice period.
                let effective = anonymise_at.max(now + notice);
                if warn(state, &person, effective, now).await? {
                    warned += 1;
                }
            }
            Some(warned_at) if now >= anonymise_at.max(warned_at + notice) => {
                match erasure::anonymise(state, &person.email_key, now).await {
                    Ok(ErasureOutcome::Fulfilled(_)) => anonymised += 1,
                    Ok(ErasureOutcome::Deferred(_)) => {
                        tracing::info!("an inactive person has an open order; anonymisation postponed");
                    }
                    Err(ErasureError::Storage(error)) => return Err(error),
                    Err(ErasureError::Changed) => {
                        tracing::info!("an inactive person ordered during the purge; anonymisation skipped");
                    }
                }
            }
            _ => {}
        }
    }
    Ok((warned, anonymised))
}

/// Sends the inactivity warning and records it; false when the email failed (the
/// next run tries again).
async fn warn(
    state: &AppState,
    person: &InactivePerson,
    anonymise_at: i64,
    now: i64,
) -> Result<bool, StorageError> {
    if let Err(error) = emails::send_inactive_warning(state, person, anonymise_at).await {
        tracing::warn!(%error, "the inactivity warning email failed; retried next run");
        return Ok(false);
    }
    state
        .storage()
        .mark_inactive_warned(person.email_key.clone(), now)
        .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_start_is_exact() {
        // 2026-01-31T10:00:00Z
        let now = 1_769_853_600;
        for years in [1, 3, 5, 10] {
            let start = latest_start(now, years);
            assert!(retention::add_years(start, years) <= now, "{years} years");
            assert!(retention::add_years(start + 1, years) > now, "{years} years");
        }
    }
}
