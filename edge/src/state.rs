//! What every handler shares: the deployed stores, the storage, the mailer, the card
//! payment provider, the clock and the configuration.

use std::fmt;
use std::sync::Arc;

use crate::catalog::{Catalog, CatalogHandle};
use crate::clock::Clock;
use crate::mail::Mailer;
use crate::marketing::MarketingSync;
use crate::payment::PaymentProvider;
use crate::storage::Storage;

/// Settings of the edge that are not in the shop's files: secrets and limits
/// chosen by the operator of the deployment.
#[derive(Clone)]
pub struct EdgeConfig {
    /// Bearer token of the administration endpoints; administration is disabled
    /// without one. A deployment secret, never in the repository.
    pub admin_token: Option<String>,
    /// Days a cart is kept after its last change.
    pub cart_ttl_days: u32,
    /// Hours without change after which a cart that was not ordered counts as
    /// abandoned.
    pub abandoned_after_hours: u32,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Attempts to send an email before it is left for the merchant to resend.
    pub email_max_attempts: u32,
    /// Also accept browser writes from any `http://127.0.0.1:<port>` or
    /// `http://localhost:<port>` origin. Only `comptoir serve` sets it: its pages are
    /// served from loopback ports, not from the stores' public addresses.
    pub allow_loopback_origins: bool,
    /// Personal-data requests accepted per email address in
    /// [`EdgeConfig::data_request_email_window_hours`]; more get `429`.
    pub data_request_email_limit: u32,
    /// Window of the per-email limit, in hours.
    pub data_request_email_window_hours: u32,
    /// Personal-data requests accepted per IP network (IPv4 /24, IPv6 /48) in
    /// [`EdgeConfig::data_request_ip_window_hours`]; more get `429`.
    pub data_request_ip_limit: u32,
    /// Window of the per-network limit, in hours.
    pub data_request_ip_window_hours: u32,
}

impl Default for EdgeConfig {
    fn default() -> Self {
        EdgeConfig {
            admin_token: None,
            cart_ttl_days: 30,
            abandoned_after_hours: 24,
            body_limit_bytes: 64 * 1024,
            email_max_attempts: 5,
            allow_loopback_origins: false,
            data_request_email_limit: 3,
            data_request_email_window_hours: 24,
            data_request_ip_limit: 10,
            data_request_ip_window_hours: 1,
        }
    }
}

impl fmt::Debug for EdgeConfig {
    /// Shows whether an admin token is set, never the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdgeConfig")
            .field("admin_token", &self.admin_token.as_ref().map(|_| "<set>"))
            .field("cart_ttl_days", &self.cart_ttl_days)
            .field("abandoned_after_hours", &self.abandoned_after_hours)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("email_max_attempts", &self.email_max_attempts)
            .field("allow_loopback_origins", &self.allow_loopback_origins)
            .field("data_request_email_limit", &self.data_request_email_limit)
            .field(
                "data_request_email_window_hours",
                &self.data_request_email_window_hours,
            )
            .field("data_request_ip_limit", &self.data_request_ip_limit)
            .field("data_request_ip_window_hours", &self.data_request_ip_window_hours)
            .finish()
    }
}

/// The parts a host assembles into an [`AppState`].
pub struct StateParts {
    /// The deployed stores, replaceable when a new build lands.
    pub catalog: Arc<CatalogHandle>,
    /// Carts, stock and orders.
    pub storage: Arc<dyn Storage>,
    /// Where emails go.
    pub mailer: Arc<dyn Mailer>,
    /// Card payments, when configured.
    pub payments: Option<Arc<dyn PaymentProvider>>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Limits and secrets.
    pub config: EdgeConfig,
}

/// The state shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    parts: Arc<StateParts>,
    marketing: Option<Arc<dyn MarketingSync>>,
}

impl AppState {
    /// Assembles the state, without an email marketing provider.
    pub fn new(parts: StateParts) -> Self {
        AppState {
            parts: Arc::new(parts),
            marketing: None,
        }
    }

    /// The same state, telling `sync` about email marketing subscriptions.
    pub fn with_marketing(mut self, sync: Option<Arc<dyn MarketingSync>>) -> Self {
        self.marketing = sync;
        self
    }

    /// The email marketing provider, when configured.
    pub fn marketing(&self) -> Option<&dyn MarketingSync> {
        self.marketing.as_deref()
    }

    /// The catalog serving now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.parts.catalog.current()
    }

    /// The handle to swap the catalog when a new build lands.
    pub fn catalog_handle(&self) -> &Arc<CatalogHandle> {
        &self.parts.catalog
    }

    /// The storage.
    pub fn storage(&self) -> &dyn Storage {
        self.parts.storage.as_ref()
    }

    /// The mailer.
    pub fn mailer(&self) -> &dyn Mailer {
        self.parts.mailer.as_ref()
    }

    /// The card payment provider, when configured.
    pub fn payments(&self) -> Option<&dyn PaymentProvider> {
        self.parts.payments.as_deref()
    }

    /// The current Unix time in seconds.
    pub fn now(&self) -> i64 {
        self.parts.clock.now()
    }

    /// The configuration.
    pub fn config(&self) -> &EdgeConfig {
        &self.parts.config
    }

    /// When a cart changed at `now` expires.
    pub fn cart_expiry(&self, now: i64) -> i64 {
        now + i64::from(self.parts.config.cart_ttl_days) * 86_400
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.parts.config)
            .field("marketing", &self.marketing.as_ref().map(|sync| sync.provider()))
            .finish_non_exhaustive()
    }
}
