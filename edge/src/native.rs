//! The native host: builds the edge's state from a public folder (the build's
//! `public/`), a SQLite file, an outbox folder and environment variables, and runs
//! the background work the Worker leaves to cron triggers.
//!
//! Environment variables read here (the mail, Stripe and email marketing modules
//! read their own; see [`crate::marketing::settings`] for the latter):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `COMPTOIR_ADMIN_TOKEN` | bearer token of `/api/admin/*`; administration is off without it | none |
//! | `COMPTOIR_CART_TTL_DAYS` | days a cart is kept after its last change | 30 |
//! | `COMPTOIR_ABANDONED_AFTER_HOURS` | hours after which an untouched cart counts as abandoned | 24 |

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use commerce::pricebook::{PRICE_BOOK_PATH, STORE_MANIFEST_PATH};

use crate::catalog::{Catalog, CatalogError, CatalogHandle, StoreSource};
use crate::clock::SystemClock;
use crate::consent::{CONSENT_POLICY_PATH, ConsentPolicy};
use crate::mail::render::PUBLISHED_DIR;
use crate::mail::settings::MailSettings;
use crate::marketing::{MarketingSettings, MarketingSync, deliver_pending_sync};
use crate::notify::deliver_pending;
use crate::payment::PaymentProvider;
use crate::payment::http::ReqwestClient;
use crate::payment::stripe::{StripeConfig, StripeProvider};
use crate::state::{AppState, EdgeConfig, StateParts};
use crate::storage::sqlite::SqliteStorage;

/// Name of the admin token variable.
pub const ENV_ADMIN_TOKEN: &str = "COMPTOIR_ADMIN_TOKEN";
/// Name of the cart lifetime variable.
pub const ENV_CART_TTL_DAYS: &str = "COMPTOIR_CART_TTL_DAYS";
/// Name of the abandoned-cart delay variable.
pub const ENV_ABANDONED_AFTER_HOURS: &str = "COMPTOIR_ABANDONED_AFTER_HOURS";

/// How often the host looks for a new build in the public folder.
const RELOAD_INTERVAL: Duration = Duration::from_secs(2);
/// How often queued emails and email marketing jobs are retried.
const EMAIL_RETRY_INTERVAL: Duration = Duration::from_secs(60);
/// How long a request to the email marketing provider may take.
const MARKETING_TIMEOUT: Duration = Duration::from_secs(10);
/// How often expired carts are deleted.
const PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// Why the native host could not start.
#[derive(Debug, thiserror::Error)]
pub enum NativeError {
    /// The public folder's stores are missing or invalid.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    /// An environment variable is invalid.
    #[error("{0}")]
    Environment(String),
}

/// Where the native host keeps its data.
#[derive(Debug, Clone)]
pub struct NativeOptions {
    /// The build's output: one folder per store with its `_comptoir/` files.
    pub public_dir: PathBuf,
    /// The SQLite file, created if missing.
    pub database: PathBuf,
    /// Folder of the `.eml` files when emails go to the outbox (the default).
    pub outbox: PathBuf,
    /// Limits and secrets; [`config_from_env`] reads them.
    pub config: EdgeConfig,
}

/// The assembled native host.
#[derive(Debug, Clone)]
pub struct NativeHost {
    state: AppState,
    public_dir: PathBuf,
    reload_interval: Duration,
}

impl NativeHost {
    /// Opens the database, reads the stores, and builds the mailer and the card
    /// provider from the environment.
    pub fn open(options: NativeOptions) -> Result<Self, NativeError> {
        let catalog = read_catalog(&options.public_dir)?;
        let storage = SqliteStorage::open(&options.database)?;
        let mailer = MailSettings::from_env(&options.outbox)
            .map_err(|error| NativeError::Environment(error.to_string()))?
            .build()
            .map_err(|error| NativeError::Environment(error.to_string()))?;
        let payments: Option<Arc<dyn PaymentProvider>> = match StripeConfig::from_env() {
            Ok(Some(config)) => Some(Arc::new(
                StripeProvider::native(config)
                    .map_err(|error| NativeError::Environment(error.to_string()))?,
            )),
            Ok(None) => None,
            Err(error) => return Err(NativeError::Environment(error.to_string())),
        };
        let marketing: Option<Arc<dyn MarketingSync>> = match MarketingSettings::from_env() {
            Ok(Some(settings)) => {
                let http = ReqwestClient::new(MARKETING_TIMEOUT)
                    .map_err(|error| NativeError::Environment(error.to_string()))?;
                Some(settings.build(Arc::new(http)))
            }
            Ok(None) => None,
            Err(error) => return Err(NativeError::Environment(error.to_string())),
        };
        let state = AppState::new(StateParts {
            catalog: Arc::new(CatalogHandle::new(catalog)),
            storage: Arc::new(storage),
            mailer,
            payments,
            clock: Arc::new(SystemClock),
            config: options.config,
        })
        .with_marketing(marketing);
        Ok(NativeHost {
            state,
            public_dir: options.public_dir,
            reload_interval: RELOAD_INTERVAL,
        })
    }

    /// Looks for a new build every `interval` instead of every 2 s. `comptoir serve`
    /// rebuilds an edited product in about a tenth of a second, and the cart must
    /// use the new price as soon as the reloaded page shows it.
    #[must_use]
    pub fn with_reload_interval(mut self, interval: Duration) -> Self {
        self.reload_interval = interval;
        self
    }

    /// The shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The API router.
    pub fn router(&self) -> Router {
        crate::router(self.state.clone())
    }

    /// Reads the public folder again and serves it. On error the previous build
    /// keeps serving.
    pub fn reload(&self) -> Result<(), CatalogError> {
        let catalog = read_catalog(&self.public_dir)?;
        self.state.catalog_handle().replace(catalog);
        Ok(())
    }

    /// Records the consent policies of the stores serving now in the database, so
    /// their hashes stay accepted after a restart. A failure is logged: consent
    /// records still remember their own policy when they are written.
    pub async fn remember_policies(&self) {
        let policies: Vec<ConsentPolicy> = self
            .state
            .catalog()
            .consent_policies()
            .map(|policy| policy.as_ref().clone())
            .collect();
        if policies.is_empty() {
            return;
        }
        let count = policies.len();
        match self
            .state
            .storage()
            .remember_policies(policies, self.state.now())
            .await
        {
            Ok(()) => tracing::debug!(count, "consent policies remembered"),
            Err(error) => tracing::error!(%error, "remembering the consent policies failed"),
        }
    }

    /// Starts the background tasks on the current tokio runtime: remembering the
    /// consent policies, reloading the stores when a new build lands, retrying
    /// queued emails and email marketing jobs, and the hourly retention purge.
    pub fn spawn_background_tasks(&self) {
        let host = self.clone();
        tokio::spawn(async move {
            host.remember_policies().await;
            host.watch_builds().await
        });

        let state = self.state.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(EMAIL_RETRY_INTERVAL);
            loop {
                interval.tick().await;
                deliver_pending(&state, None).await;
                deliver_pending_sync(&state).await;
            }
        });

        let state = self.state.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(PURGE_INTERVAL);
            loop {
                interval.tick().await;
                // The whole retention purge, not only carts: a merchant who runs the
                // native host meets the retention periods without a cron line. It is
                // idempotent and logs counts only, so running it hourly is harmless.
                if let Err(error) = crate::privacy::purge::run(&state, state.now()).await {
                    tracing::error!(%error, "the retention purge failed; it runs again in an hour");
                }
            }
        });
    }

    /// Reloads the stores whenever a price book or manifest changes on disk.
    async fn watch_builds(self) {
        let mut seen = build_stamp(&self.public_dir);
        // A build seen while it was being written fails to load: it is tried once
        // more at the next tick before the failure is reported.
        let mut failed_once = None;
        let mut interval = tokio::time::interval(self.reload_interval);
        loop {
            interval.tick().await;
            let stamp = build_stamp(&self.public_dir);
            if stamp == seen {
                continue;
            }
            match self.reload() {
                Ok(()) => {
                    seen = stamp;
                    failed_once = None;
                    tracing::info!("new build loaded");
                    self.remember_policies().await;
                }
                Err(error) if failed_once.as_ref() != Some(&stamp) => {
                    tracing::debug!(%error, "the new build could not be loaded yet; trying again");
                    failed_once = Some(stamp);
                }
                Err(error) => {
                    seen = stamp;
                    tracing::error!(%error, "the new build could not be loaded; the previous one keeps serving")
                }
            }
        }
    }
}

/// Modification times of every store's `_comptoir/` files, to notice a new build.
fn build_stamp(public_dir: &Path) -> Vec<(PathBuf, Option<SystemTime>)> {
    let mut stamp = Vec::new();
    let Ok(entries) = fs::read_dir(public_dir) else {
        return stamp;
    };
    for entry in entries.flatten() {
        for file in [PRICE_BOOK_PATH, STORE_MANIFEST_PATH, CONSENT_POLICY_PATH] {
            let path = entry.path().join(file);
            let modified = fs::metadata(&path).and_then(|metadata| metadata.modified()).ok();
            stamp.push((path, modified));
        }
    }
    stamp.sort();
    stamp
}

/// Reads every store of a public folder: each sub-folder with a
/// `_comptoir/pricebook.json`, with the parts that file lists.
pub fn read_catalog(public_dir: &Path) -> Result<Catalog, CatalogError> {
    let entries = fs::read_dir(public_dir).map_err(|error| CatalogError {
        problems: vec![format!(
            "{}: cannot read the folder: {error}",
            public_dir.display()
        )],
    })?;
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    let mut folders: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    folders.sort();
    for folder in folders {
        let book_path = folder.join(PRICE_BOOK_PATH);
        if !book_path.is_file() {
            continue;
        }
        let manifest_path = folder.join(STORE_MANIFEST_PATH);
        let consent_path = folder.join(CONSENT_POLICY_PATH);
        let read = |path: &Path| fs::read(path).map_err(|error| format!("{}: {error}", path.display()));
        // A build without a consent declaration publishes no policy file.
        let consent = if consent_path.is_file() {
            read(&consent_path).map(Some)
        } else {
            Ok(None)
        };
        let book = read(&book_path).and_then(|index| {
            let parts = crate::catalog::price_book_part_files(&index)
                .into_iter()
                .map(|file| {
                    let path = folder.join(&file);
                    fs::read(&path).map(|bytes| (file, bytes)).map_err(|error| {
                        format!(
                            "{}: {error}; the price book lists this part: publish the whole build, or run `comptoir build` again",
                            path.display()
                        )
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok((index, parts))
        });
        match (
            book,
            read(&manifest_path),
            read_emails(&folder.join(PUBLISHED_DIR)),
            consent,
        ) {
            (Ok((price_book, price_book_parts)), Ok(manifest), Ok(emails), Ok(consent)) => {
                sources.push(StoreSource {
                    origin: folder.display().to_string(),
                    price_book,
                    price_book_parts,
                    manifest,
                    emails,
                    consent,
                });
            }
            (book, manifest, emails, consent) => {
                problems.extend(book.err());
                problems.extend(manifest.err());
                problems.extend(emails.err());
                problems.extend(consent.err());
            }
        }
    }
    if sources.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{}: no store found: expected sub-folders with `{PRICE_BOOK_PATH}`; run `comptoir build` first",
            public_dir.display()
        ));
    }
    if !problems.is_empty() {
        return Err(CatalogError { problems });
    }
    Catalog::from_sources(&sources)
}

/// The files of a store's email folder as (relative path, text); none when the
/// folder does not exist.
fn read_emails(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current).map_err(|error| format!("{}: {error}", current.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
            let relative = path
                .strip_prefix(dir)
                .map(|relative| relative.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            files.push((relative, text));
        }
    }
    files.sort();
    Ok(files)
}

/// Reads the edge's own settings from the process environment; every invalid
/// variable is reported at once.
pub fn config_from_env() -> Result<EdgeConfig, NativeError> {
    config_from_lookup(&|name| std::env::var(name).ok())
}

/// Reads the edge's own settings through `lookup`.
pub fn config_from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<EdgeConfig, NativeError> {
    let mut config = EdgeConfig {
        admin_token: lookup(ENV_ADMIN_TOKEN).filter(|token| !token.trim().is_empty()),
        ..EdgeConfig::default()
    };
    let mut problems = Vec::new();
    let mut number = |name: &str, target: &mut u32| {
        if let Some(text) = lookup(name) {
            match text.trim().parse::<u32>() {
                Ok(value) if value > 0 => *target = value,
                _ => problems.push(format!(
                    "{name}=`{text}` is invalid: expected a whole number above 0"
                )),
            }
        }
    };
    number(ENV_CART_TTL_DAYS, &mut config.cart_ttl_days);
    number(ENV_ABANDONED_AFTER_HOURS, &mut config.abandoned_after_hours);
    if let Some(token) = &config.admin_token
        && token.trim().len() < 16
    {
        problems.push(format!(
            "{ENV_ADMIN_TOKEN} is shorter than 16 characters: use a long random value, such as the output of `openssl rand -hex 32`"
        ));
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(NativeError::Environment(problems.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_defaults_and_overrides() {
        let config = config_from_lookup(&|_| None).expect("defaults");
        assert_eq!(config.cart_ttl_days, 30);
        assert!(config.admin_token.is_none());

        let config = config_from_lookup(&|name| match name {
            ENV_ADMIN_TOKEN => Some("0123456789abcdef0123".to_owned()),
            ENV_CART_TTL_DAYS => Some("7".to_owned()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(config.cart_ttl_days, 7);
        assert_eq!(config.admin_token.as_deref(), Some("0123456789abcdef0123"));
    }

    #[test]
    fn config_reports_every_problem() {
        let error = config_from_lookup(&|name| match name {
            ENV_ADMIN_TOKEN => Some("short".to_owned()),
            ENV_CART_TTL_DAYS => Some("thirty".to_owned()),
            ENV_ABANDONED_AFTER_HOURS => Some("0".to_owned()),
            _ => None,
        })
        .expect_err("invalid");
        let text = error.to_string();
        assert!(
            text.contains("COMPTOIR_CART_TTL_DAYS=`thirty` is invalid"),
            "{text}"
        );
        assert!(
            text.contains("COMPTOIR_ABANDONED_AFTER_HOURS=`0` is invalid"),
            "{text}"
        );
        assert!(
            text.contains("COMPTOIR_ADMIN_TOKEN is shorter than 16 characters"),
            "{text}"
        );
    }
}
