//! The merchant's side of personal-data requests on the native host:
//! `comptoir requests` lists the export and erasure requests of the shop's
//! database with their deadlines, and `comptoir purge` applies the retention
//! periods of `[privacy]` to it (the same job the Worker runs on its cron trigger).
//!
//! Both read `<shop>/.comptoir/edge.sqlite3` unless given another file, such as a
//! copy exported from D1.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use commerce::retention::{self, DAY, PrivacySettings};
use edge::clock::{ManualClock, rfc3339};
use edge::mail::{MailSettings, Mailer, OutboxMailer};
use edge::native;
use edge::storage::sqlite::SqliteStorage;
use edge::storage::{DataRequest, PurgeCounts, RequestFilter, RequestKind, RequestStatus, Storage};
use edge::{AppState, StateParts};
use serde::Serialize;

use crate::cli::CommandError;
use crate::edge_host::EdgePaths;
use crate::load;
use crate::messages::{Lang, Message};
use crate::msg;

/// Most requests one listing reads; far above what a small shop receives in the
/// years its request log is kept.
const LIST_LIMIT: u32 = 100_000;

/// Options of `comptoir requests`.
#[derive(Debug, Clone)]
pub struct RequestsOptions {
    /// Folder holding `site.toml`, whose `[privacy]` sets the urgency window.
    pub root: PathBuf,
    /// The SQLite database to read.
    pub database: PathBuf,
    /// Also list closed requests.
    pub all: bool,
    /// Unix time to count days left from.
    pub now: i64,
}

/// One request as listed, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedRequest {
    /// Request id, as the request log names it.
    pub id: String,
    /// Store the request came through.
    pub store: String,
    /// `export` or `erasure`.
    pub kind: RequestKind,
    /// Status of the request.
    pub status: RequestStatus,
    /// Receipt time, RFC 3339.
    pub received_at: String,
    /// Deadline, RFC 3339.
    pub deadline_at: String,
    /// Whole days until the deadline; negative once it has passed. `None` for a
    /// closed request.
    pub days_left: Option<i64>,
    /// Whether the request is open and within `[privacy] urgent_days` of its
    /// deadline, or past it.
    pub urgent: bool,
}

/// Result of `comptoir requests`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// The database file does not exist yet.
    NoDatabase(PathBuf),
    /// The requests, most urgent first, and the urgency window in days.
    Requests {
        /// The requests.
        requests: Vec<ListedRequest>,
        /// `[privacy] urgent_days`.
        urgent_days: u32,
        /// Whether closed requests were included.
        all: bool,
    },
}

/// Returns the database path: `--db` when given, else the shop's.
pub fn database_path(root: &Path, db: Option<PathBuf>) -> PathBuf {
    db.unwrap_or_else(|| EdgePaths::for_shop(root).database)
}

/// Parses `--now`: `2025-01-31` (midnight UTC) or an RFC 3339 time.
pub fn parse_date(text: &str) -> Result<i64, CommandError> {
    edge::clock::parse_time(text.trim())
        .ok_or_else(|| CommandError::Usage(msg!("requests-invalid-date", value = text)))
}

/// Reads the requests of the database, open ones only unless `all`, most urgent
/// first. A missing database is not an error: a shop that never ran the edge has
/// no request.
pub fn list_requests(options: &RequestsOptions) -> Result<Listing, CommandError> {
    if !options.database.is_file() {
        return Ok(Listing::NoDatabase(options.database.clone()));
    }
    let settings = load::load_settings(&options.root)?;
    let privacy = settings.privacy;
    let storage = open_storage(&options.database)?;
    let filter = RequestFilter {
        open_only: !options.all,
        status: None,
        limit: LIST_LIMIT,
    };
    let stored = runtime()?
        .block_on(storage.list_data_requests(filter))
        .map_err(|error| storage_failed(&options.database, &error))?;

    let mut requests: Vec<ListedRequest> = stored
        .iter()
        .map(|request| listed(request, &privacy, options.now))
        .collect();
    // Urgent first, then the other open requests, then the closed ones; each
    // group by deadline, soonest first. The sort is stable, so requests with the
    // same deadline keep the storage's order: the order they were received in.
    requests.sort_by(|a, b| {
        let rank = |request: &ListedRequest| (!request.urgent, request.days_left.is_none());
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.deadline_at.cmp(&b.deadline_at))
    });
    Ok(Listing::Requests {
        requests,
        urgent_days: privacy.urgent_days,
        all: options.all,
    })
}

fn listed(request: &DataRequest, privacy: &PrivacySettings, now: i64) -> ListedRequest {
    let open = request.status.is_open();
    ListedRequest {
        id: request.id.clone(),
        store: request.store.clone(),
        kind: request.kind,
        status: request.status,
        received_at: rfc3339(request.received_at),
        deadline_at: rfc3339(request.deadline_at),
        days_left: open.then(|| (request.deadline_at - now).div_euclid(DAY)),
        urgent: open && retention::is_urgent(privacy, request.deadline_at, now),
    }
}

/// Renders a listing as the table the merchant reads, in `lang`.
pub fn listing_text(listing: &Listing, lang: Lang) -> String {
    let (requests, urgent_days, all) = match listing {
        Listing::NoDatabase(path) => {
            return format!(
                "{}\n",
                msg!("requests-no-database", path = path.display()).render(lang)
            );
        }
        Listing::Requests {
            requests,
            urgent_days,
            all,
        } => (requests, *urgent_days, *all),
    };
    if requests.is_empty() {
        let id = if all {
            "requests-none"
        } else {
            "requests-none-open"
        };
        return format!("{}\n", Message::new(id).render(lang));
    }

    let text = |id: &'static str| Message::new(id).render(lang);
    let urgent = requests.iter().filter(|request| request.urgent).count();
    let mut rows: Vec<Vec<String>> = vec![vec![
        String::new(),
        text("requests-column-id"),
        text("requests-column-store"),
        text("requests-column-kind"),
        text("requests-column-status"),
        text("requests-column-received"),
        text("requests-column-deadline"),
        text("requests-column-left"),
    ]];
    for request in requests {
        rows.push(vec![
            if request.urgent {
                text("requests-urgent")
            } else {
                String::new()
            },
            request.id.clone(),
            request.store.clone(),
            text(kind_message(request.kind)),
            text(status_message(request.status)),
            date_only(&request.received_at),
            date_only(&request.deadline_at),
            days_text(request.days_left, lang),
        ]);
    }
    // The mark column is empty unless a request is urgent.
    if urgent == 0 {
        for row in &mut rows {
            row.remove(0);
        }
    }

    let mut out = format!(
        "{}\n",
        msg!("requests-header", count = requests.len()).render(lang)
    );
    out.push_str(&table(&rows));
    if urgent > 0 {
        out.push_str(&msg!("requests-urgent-count", count = urgent, days = urgent_days).render(lang));
        out.push('\n');
    }
    out
}

/// Renders a listing as JSON: an array of requests (empty without a database).
pub fn listing_json(listing: &Listing) -> String {
    let requests: &[ListedRequest] = match listing {
        Listing::NoDatabase(_) => &[],
        Listing::Requests { requests, .. } => requests,
    };
    // Serializing plain strings, numbers and enums cannot fail.
    let mut text = serde_json::to_string_pretty(requests).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

fn kind_message(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Export => "requests-kind-export",
        RequestKind::Erasure => "requests-kind-erasure",
    }
}

fn status_message(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Received => "requests-status-received",
        RequestStatus::Confirmed => "requests-status-confirmed",
        RequestStatus::Deferred => "requests-status-deferred",
        RequestStatus::Fulfilled => "requests-status-fulfilled",
        RequestStatus::Expired => "requests-status-expired",
    }
}

fn days_text(days_left: Option<i64>, lang: Lang) -> String {
    match days_left {
        None => Message::new("requests-closed").render(lang),
        Some(days) if days < 0 => msg!("requests-overdue", days = -days).render(lang),
        Some(days) => msg!("requests-days-left", days = days).render(lang),
    }
}

/// `2025-01-31` from `2025-01-31T08:00:00Z`.
fn date_only(time: &str) -> String {
    time.split('T').next().unwrap_or(time).to_owned()
}

/// Lays out rows in columns padded to the widest cell, two spaces apart.
fn table(rows: &[Vec<String>]) -> String {
    let mut widths = vec![0usize; rows.first().map_or(0, Vec::len)];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (index, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if index > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Options of `comptoir purge`.
#[derive(Debug, Clone)]
pub struct PurgeOptions {
    /// The build whose store manifests carry `[privacy]`: `<root>/public`.
    pub public: PathBuf,
    /// The SQLite database.
    pub database: PathBuf,
    /// Outbox folder, used when no SMTP or Brevo settings are in the environment.
    pub outbox: PathBuf,
    /// Run on a copy of the database, with emails kept in a temporary folder.
    pub dry_run: bool,
    /// Unix time to apply the periods at.
    pub now: i64,
}

/// Summary of one purge, or of what a dry run would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeSummary {
    /// The time the periods were applied at.
    pub at: i64,
    /// Whether it ran on a copy.
    pub dry_run: bool,
    /// The counts.
    pub counts: PurgeCounts,
}

/// Runs the retention purge on the shop's database at `options.now`.
///
/// A dry run copies the database (with its WAL file) into a temporary folder and
/// runs the same purge on the copy, with emails written to a temporary outbox, so
/// its counts are exactly what a real run at that time would do and nothing of
/// the shop changes. A missing database is reported as all zeros.
pub fn purge(options: &PurgeOptions) -> Result<PurgeSummary, CommandError> {
    if !options.database.is_file() {
        return Ok(PurgeSummary {
            at: options.now,
            dry_run: options.dry_run,
            counts: PurgeCounts::default(),
        });
    }
    let scratch = if options.dry_run {
        Some(
            tempfile::Builder::new()
                .prefix("comptoir-purge-")
                .tempdir()
                .map_err(|error| CommandError::io("io-write-failed", &std::env::temp_dir(), &error))?,
        )
    } else {
        None
    };
    let (database, mailer): (PathBuf, Arc<dyn Mailer>) = match &scratch {
        Some(dir) => (
            copy_database(&options.database, dir.path())?,
            Arc::new(OutboxMailer::new(dir.path().join("outbox"))),
        ),
        None => (options.database.clone(), real_mailer(&options.outbox)?),
    };

    let catalog =
        native::read_catalog(&options.public).map_err(|error| edge_failed(&error.problems.join("; ")))?;
    let state = AppState::new(StateParts {
        catalog: Arc::new(edge::catalog::CatalogHandle::new(catalog)),
        storage: Arc::new(open_storage(&database)?),
        mailer,
        payments: None,
        clock: Arc::new(ManualClock::new(options.now)),
        config: native::config_from_env().map_err(|error| edge_failed(&error))?,
    });
    let counts = runtime()?
        .block_on(edge::privacy::purge::run(&state, options.now))
        .map_err(|error| CommandError::Usage(msg!("purge-failed", error = error)))?;
    Ok(PurgeSummary {
        at: options.now,
        dry_run: options.dry_run,
        counts,
    })
}

/// Returns the lines `comptoir purge` prints, in `lang`.
pub fn purge_lines(summary: &PurgeSummary, lang: Lang) -> Vec<String> {
    let date = date_only(&rfc3339(summary.at));
    let heading = if summary.dry_run {
        msg!("purge-dry-run", date = &date)
    } else {
        msg!("purge-done", date = &date)
    };
    let counts = &summary.counts;
    let rows: [(&'static str, u64); 10] = [
        ("purge-count-carts", counts.carts),
        ("purge-count-requests-expired", counts.requests_expired),
        ("purge-count-exports-closed", counts.exports_closed),
        ("purge-count-deferred-erasures", counts.deferred_erasures),
        ("purge-count-inactive-warned", counts.inactive_warned),
        ("purge-count-inactive-anonymised", counts.inactive_anonymised),
        ("purge-count-archive-purged", counts.archive_purged),
        ("purge-count-consent-records", counts.consent_records),
        ("purge-count-log-entries", counts.log_entries),
        ("purge-count-housekeeping", counts.housekeeping),
    ];
    let mut lines = vec![heading.render(lang)];
    lines.extend(
        rows.iter()
            .map(|(id, count)| format!("  {}", Message::new(id).arg("count", count).render(lang))),
    );
    lines
}

/// Copies the database and its WAL file, which holds the latest committed
/// writes until SQLite checkpoints them, into `dir`.
fn copy_database(database: &Path, dir: &Path) -> Result<PathBuf, CommandError> {
    let copy = dir.join("edge.sqlite3");
    std::fs::copy(database, &copy).map_err(|error| CommandError::io("io-read-failed", database, &error))?;
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    if wal.is_file() {
        std::fs::copy(&wal, dir.join("edge.sqlite3-wal"))
            .map_err(|error| CommandError::io("io-read-failed", &wal, &error))?;
    }
    Ok(copy)
}

fn real_mailer(outbox: &Path) -> Result<Arc<dyn Mailer>, CommandError> {
    MailSettings::from_env(outbox)
        .map_err(|error| edge_failed(&error))?
        .build()
        .map_err(|error| edge_failed(&error))
}

fn open_storage(database: &Path) -> Result<SqliteStorage, CommandError> {
    SqliteStorage::open(database).map_err(|error| storage_failed(database, &error))
}

fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CommandError::Usage(msg!("serve-runtime-failed", error = error)))
}

fn storage_failed(database: &Path, error: &dyn std::fmt::Display) -> CommandError {
    CommandError::Usage(msg!(
        "requests-storage-failed",
        path = database.display(),
        error = error
    ))
}

fn edge_failed(error: &dyn std::fmt::Display) -> CommandError {
    CommandError::Usage(Message::new("edge-open-failed").arg("error", error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_columns() {
        let rows = [
            vec!["a".to_owned(), "long".to_owned()],
            vec!["wide".to_owned(), "b".to_owned()],
        ];
        assert_eq!(table(&rows), "a     long\nwide  b\n");
    }

    #[test]
    fn dates_parse_in_both_forms() {
        assert_eq!(parse_date("2025-01-31").ok(), Some(1_738_281_600));
        assert_eq!(parse_date("2025-01-31T08:00:00Z").ok(), Some(1_738_310_400));
        assert!(parse_date("31/01/2025").is_err());
    }
}
