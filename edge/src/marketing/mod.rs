//! Email marketing: subscriptions given at checkout, unsubscribe links, and the
//! [`MarketingSync`] seam that updates the merchant's email marketing provider
//! (Brevo, Mailjet, Mailchimp) with who subscribed, unsubscribed or must be
//! forgotten.
//!
//! A subscription change and its provider job are written together; the job is sent
//! after the request and retried by [`deliver_pending_sync`] (after each request
//! that queues one, and periodically by the native host) until it has failed
//! [`SYNC_MAX_ATTEMPTS`] times. A provider failure never fails the visitor's
//! request. Logs name job ids and counts, never an email address.
//!
//! NOTE: Comptoir sends no newsletter yet. Whoever sends marketing emails must put
//! in each one a link from [`issue_unsubscribe_link`] and its `List-Unsubscribe` and
//! `List-Unsubscribe-Post` headers ([`ListUnsubscribeHeaders`], RFC 8058), and sign
//! both headers with DKIM.

pub mod providers;
pub mod settings;

use std::fmt;

use sha2::{Digest, Sha256};

use crate::clock::{RandomError, random_hex};
use crate::consent::proof::choices_json;
use crate::consent::{
    ClientContext, ConsentAction, ConsentFields, ConsentPolicy, UiSource, action_str, emailing_choice,
    ui_source_str,
};
use crate::mail::BoxFuture;
use crate::state::AppState;
use crate::storage::{MarketingJob, NewConsent, StorageResult, SyncAction, email_key};

pub use settings::{MarketingProvider, MarketingSettings};

/// The list of the checkout's email marketing box.
pub const EMAIL_LIST: &str = "email";

/// Attempts to send a provider job before it is left for the merchant to check.
pub const SYNC_MAX_ATTEMPTS: u32 = 5;

/// Path of the unsubscribe endpoint, on the store's own address.
pub const UNSUBSCRIBE_PATH: &str = "/api/unsubscribe";

/// A contact to push to the provider.
#[derive(Clone, PartialEq, Eq)]
pub struct Contact {
    /// The list: [`EMAIL_LIST`].
    pub list: String,
    /// Normalized email.
    pub email: String,
    /// Locale of the store the contact subscribed in (`fr`, `en-GB`).
    pub locale: String,
}

/// Hides the email, so a contact printed by mistake leaks nothing.
impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contact")
            .field("list", &self.list)
            .field("email", &"…")
            .field("locale", &self.locale)
            .finish()
    }
}

/// Why a provider call failed. The reason never contains the email address: it
/// names the provider, the HTTP status and the provider's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct SyncError {
    /// What failed.
    pub reason: String,
}

/// The merchant's email marketing provider.
pub trait MarketingSync: Send + Sync {
    /// The provider's name for logs: `brevo`, `mailjet`, `mailchimp`.
    fn provider(&self) -> &'static str;

    /// Adds the contact to the list as subscribed, or subscribes it again.
    fn subscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>>;

    /// Marks the contact unsubscribed from the list. A contact the provider does
    /// not know counts as done.
    fn unsubscribe<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>>;

    /// Deletes the contact from the provider. A contact the provider does not know
    /// counts as done.
    fn forget<'a>(&'a self, contact: &'a Contact) -> BoxFuture<'a, Result<(), SyncError>>;
}

/// Sends the queued provider jobs, oldest first, and records each outcome. Returns
/// how many were done. A round stops at the first failure, because the provider is
/// then likely down and a visitor's request must not wait for every queued job; the
/// next round retries. Without a configured provider nothing is queued.
pub async fn deliver_pending_sync(state: &AppState) -> usize {
    let Some(sync) = state.marketing() else {
        return 0;
    };
    let jobs = match state.storage().pending_marketing_jobs(SYNC_MAX_ATTEMPTS).await {
        Ok(jobs) => jobs,
        Err(error) => {
            tracing::error!(%error, "reading the queued email marketing jobs failed");
            return 0;
        }
    };
    if jobs.is_empty() {
        return 0;
    }

    let mut done = 0;
    let mut failed = 0;
    for job in jobs {
        let outcome = run_job(sync, &job).await;
        match &outcome {
            Ok(()) => done += 1,
            Err(error) => {
                failed = 1;
                tracing::warn!(
                    job = job.id,
                    provider = sync.provider(),
                    action = job.action.as_str(),
                    attempt = job.attempts + 1,
                    max_attempts = SYNC_MAX_ATTEMPTS,
                    error = %error,
                    "an email marketing job failed; it stays queued"
                );
            }
        }
        let outcome = outcome.map_err(|error| error.reason);
        if let Err(error) = state
            .storage()
            .record_marketing_job(job.id, outcome, state.now())
            .await
        {
            tracing::error!(job = job.id, %error, "recording an email marketing job failed");
        }
        if failed > 0 {
            break;
        }
    }
    tracing::info!(
        provider = sync.provider(),
        done,
        failed,
        "email marketing jobs sent"
    );
    done
}

async fn run_job(sync: &dyn MarketingSync, job: &MarketingJob) -> Result<(), SyncError> {
    let contact = Contact {
        list: job.list.clone(),
        email: job.email.clone(),
        locale: job.locale.clone(),
    };
    match job.action {
        SyncAction::Subscribe => sync.subscribe(&contact).await,
        SyncAction::Unsubscribe => sync.unsubscribe(&contact).await,
        SyncAction::Forget => sync.forget(&contact).await,
    }
}

/// A new unsubscribe token (256 random bits, hex) and the hash the database keeps.
pub fn new_unsubscribe_token() -> Result<(String, String), RandomError> {
    let token = random_hex(32)?;
    let hash = unsubscribe_token_hash(&token);
    Ok((token, hash))
}

/// The SHA-256 (hex) of an unsubscribe token, as stored.
pub fn unsubscribe_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The unsubscribe link of a store: `<base_url>/api/unsubscribe?token=<token>`.
/// Opening it shows a page with a confirmation button; a `POST` to it unsubscribes
/// at once (one-click, RFC 8058).
pub fn unsubscribe_url(base_url: &str, token: &str) -> String {
    format!(
        "{}{UNSUBSCRIBE_PATH}?token={token}",
        base_url.trim_end_matches('/')
    )
}

/// The headers of a marketing email that let mail clients unsubscribe in one
/// click (RFC 8058).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUnsubscribeHeaders {
    /// `List-Unsubscribe`: the HTTPS link in angle brackets.
    pub list_unsubscribe: String,
    /// `List-Unsubscribe-Post`: always `List-Unsubscribe=One-Click`.
    pub list_unsubscribe_post: &'static str,
}

/// The `List-Unsubscribe` and `List-Unsubscribe-Post` values for an unsubscribe
/// link. RFC 8058 requires an HTTPS link and a DKIM signature covering both headers.
pub fn list_unsubscribe_headers(url: &str) -> ListUnsubscribeHeaders {
    ListUnsubscribeHeaders {
        list_unsubscribe: format!("<{url}>"),
        list_unsubscribe_post: "List-Unsubscribe=One-Click",
    }
}

/// An unsubscribe link for one marketing email, with its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeLink {
    /// The link to put in the email's body.
    pub url: String,
    /// The headers to add to the email.
    pub headers: ListUnsubscribeHeaders,
}

/// Issues a new unsubscribe link for a subscribed email of a store's list, for a
/// marketing email about to be sent. Each call adds a token, so links in emails
/// already sent keep working. `None` when the email is not subscribed or the store
/// is not deployed.
pub async fn issue_unsubscribe_link(
    state: &AppState,
    store: &str,
    list: &str,
    email: &str,
) -> StorageResult<Option<UnsubscribeLink>> {
    let catalog = state.catalog();
    let Some(deployed) = catalog.store(store) else {
        return Ok(None);
    };
    let (token, hash) =
        new_unsubscribe_token().map_err(|error| crate::storage::StorageError(error.to_string()))?;
    let added = state
        .storage()
        .add_unsubscribe_token(
            store.to_owned(),
            list.to_owned(),
            email_key(email),
            hash,
            state.now(),
        )
        .await?;
    if !added {
        return Ok(None);
    }
    let url = unsubscribe_url(&deployed.manifest.base_url, &token);
    Ok(Some(UnsubscribeLink {
        headers: list_unsubscribe_headers(&url),
        url,
    }))
}

/// The consent record of an email marketing opt-in at checkout: `custom`, with the
/// choice of [`emailing_choice`].
pub fn checkout_consent(
    policy: &ConsentPolicy,
    consent_id: String,
    locale: &str,
    client: &ClientContext,
    now: i64,
) -> NewConsent {
    let choices = emailing_choice(policy, true);
    NewConsent {
        fields: ConsentFields {
            consent_id,
            store: policy.store.clone(),
            locale: locale.to_owned(),
            policy_version: policy.policy_version.clone(),
            policy_hash: policy.policy_hash.clone(),
            action: action_str(ConsentAction::Custom).to_owned(),
            purposes: choices_json(&choices.purposes),
            services: choices_json(&choices.services),
            ui_source: ui_source_str(UiSource::Checkout).to_owned(),
            given_at: now,
            expires_at: expiry(policy, now),
            ip_network: client.ip_network.clone(),
            user_agent_family: client.user_agent_family.as_str().to_owned(),
        },
        policy: policy.clone(),
    }
}

/// When a choice made at `now` under `policy` must be asked again.
pub fn expiry(policy: &ConsentPolicy, now: i64) -> i64 {
    now + policy.retention_days * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_url_and_headers() {
        let url = unsubscribe_url("https://boutique.example/", "abc123");
        assert_eq!(url, "https://boutique.example/api/unsubscribe?token=abc123");
        let headers = list_unsubscribe_headers(&url);
        assert_eq!(
            headers.list_unsubscribe,
            "<https://boutique.example/api/unsubscribe?token=abc123>"
        );
        assert_eq!(headers.list_unsubscribe_post, "List-Unsubscribe=One-Click");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (token, hash) = new_unsubscribe_token().expect("random");
        assert_eq!(token.len(), 64);
        assert_eq!(hash, unsubscribe_token_hash(&token));
        assert_ne!(hash, token);
        let (other, _) = new_unsubscribe_token().expect("random");
        assert_ne!(token, other);
    }

    #[test]
    fn contact_debug_hides_email() {
        let contact = Contact {
            list: EMAIL_LIST.into(),
            email: "marie@example.fr".into(),
            locale: "fr".into(),
        };
        assert!(!format!("{contact:?}").contains("marie"));
    }
}
