//! The Worker's settings and secrets, read from its environment: `[vars]` of
//! `wrangler.toml` and secrets set with `wrangler secret put` (or `.dev.vars` under
//! `wrangler dev`). They are the variables the native host reads from its process
//! environment, with the same names and checks.
//!
//! | variable | kind | meaning | default |
//! |---|---|---|---|
//! | `COMPTOIR_ADMIN_TOKEN` | secret | bearer token of `/api/admin/*`, at least 16 characters; administration is off without it | none |
//! | `COMPTOIR_CART_TTL_DAYS` | var | days a cart is kept after its last change | 30 |
//! | `COMPTOIR_ABANDONED_AFTER_HOURS` | var | hours after which an untouched cart counts as abandoned | 24 |
//! | `COMPTOIR_MAIL_API_KEY`, `COMPTOIR_MAIL_API_URL` | secret, var | Brevo transactional email API ([`crate::mail::brevo`]) | emails stay queued |
//! | `COMPTOIR_STRIPE_*` | secrets | card payments ([`crate::payment::stripe`]) | no card payments |
//! | `COMPTOIR_MARKETING_*` | secrets, vars | email marketing provider ([`crate::marketing::settings`]) | no provider |

use std::sync::Arc;

use worker::Env;

use crate::mail::Mailer;
use crate::mail::brevo::{BrevoMailer, BrevoSettings};
use crate::marketing::{MarketingSettings, MarketingSync};
use crate::payment::PaymentProvider;
use crate::payment::stripe::{StripeConfig, StripeProvider};
use crate::state::EdgeConfig;
use crate::worker::QueueOnlyMailer;
use crate::worker::fetch::FetchClient;

/// Name of the admin token secret.
pub const ENV_ADMIN_TOKEN: &str = "COMPTOIR_ADMIN_TOKEN";
/// Name of the cart lifetime variable.
pub const ENV_CART_TTL_DAYS: &str = "COMPTOIR_CART_TTL_DAYS";
/// Name of the abandoned-cart delay variable.
pub const ENV_ABANDONED_AFTER_HOURS: &str = "COMPTOIR_ABANDONED_AFTER_HOURS";

/// Everything the Worker builds from its environment besides the bindings.
pub struct WorkerSettings {
    /// Limits and the admin token.
    pub config: EdgeConfig,
    /// Brevo when its key is set, else a mailer that leaves emails queued.
    pub mailer: Arc<dyn Mailer>,
    /// Stripe, when its keys are set.
    pub payments: Option<Arc<dyn PaymentProvider>>,
    /// The email marketing provider, when set.
    pub marketing: Option<Arc<dyn MarketingSync>>,
}

/// Reads the settings from the Worker's environment. Every problem is reported
/// at once, one per line.
pub fn read_settings(env: &Env) -> Result<WorkerSettings, String> {
    let lookup = |name: &str| lookup(env, name);
    settings_from_lookup(&lookup)
}

/// Reads a variable or a secret of the environment. Both are strings to a Worker.
fn lookup(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|value| value.to_string())
        .or_else(|| env.secret(name).ok().map(|value| value.to_string()))
}

/// Reads the settings through `lookup`.
pub fn settings_from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<WorkerSettings, String> {
    let mut problems = Vec::new();
    let config = edge_config(lookup, &mut problems);

    let mailer: Arc<dyn Mailer> = match BrevoSettings::from_lookup(lookup) {
        Ok(Some(settings)) => Arc::new(BrevoMailer::new(settings, Arc::new(FetchClient))),
        Ok(None) => Arc::new(QueueOnlyMailer),
        Err(error) => {
            problems.push(error.to_string());
            Arc::new(QueueOnlyMailer)
        }
    };
    let payments: Option<Arc<dyn PaymentProvider>> = match StripeConfig::from_lookup(lookup) {
        Ok(Some(config)) => Some(Arc::new(StripeProvider::new(config, Arc::new(FetchClient)))),
        Ok(None) => None,
        Err(error) => {
            problems.push(error.to_string());
            None
        }
    };
    let marketing = match MarketingSettings::from_lookup(lookup) {
        Ok(Some(settings)) => Some(settings.build(Arc::new(FetchClient))),
        Ok(None) => None,
        Err(error) => {
            problems.push(error.to_string());
            None
        }
    };

    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    Ok(WorkerSettings {
        config,
        mailer,
        payments,
        marketing,
    })
}

/// Reads the edge's own limits and admin token, with the native host's checks.
fn edge_config(lookup: &dyn Fn(&str) -> Option<String>, problems: &mut Vec<String>) -> EdgeConfig {
    let mut config = EdgeConfig {
        admin_token: lookup(ENV_ADMIN_TOKEN).filter(|token| !token.trim().is_empty()),
        ..EdgeConfig::default()
    };
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
    config
}
