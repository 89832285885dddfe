//! Storage types of consent records and email marketing subscriptions.

use crate::consent::{ConsentFields, ConsentPolicy};

/// A consent record to append, with the policy it was validated against (remembered
/// in the same write, so its hash stays accepted after a restart).
#[derive(Debug, Clone, PartialEq)]
pub struct NewConsent {
    /// The record's fields; the storage adds the sequence and hashes.
    pub fields: ConsentFields,
    /// The policy of `fields.policy_hash`.
    pub policy: ConsentPolicy,
}

/// An email marketing subscription to create or renew.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubscription {
    /// Store id.
    pub store: String,
    /// The list: `email` for the checkout's email marketing box.
    pub list: String,
    /// Normalized email (trimmed, ASCII letters lowercased).
    pub email_key: String,
    /// Locale of future emails.
    pub locale: String,
    /// SHA-256 hex of the first unsubscribe token.
    pub token_hash: String,
    /// The consent record that proves it.
    pub consent: NewConsent,
    /// Whether to queue a job for the marketing provider.
    pub sync: bool,
    /// When.
    pub now: i64,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Id.
    pub id: i64,
    /// Store id.
    pub store: String,
    /// List.
    pub list: String,
    /// Normalized email.
    pub email_key: String,
    /// Locale.
    pub locale: String,
    /// Whether it is still subscribed.
    pub subscribed: bool,
    /// The consent id of the last subscription, continued by the withdrawal.
    pub consent_id: String,
}

/// An unsubscription to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    /// The subscription.
    pub subscription_id: i64,
    /// The `withdraw` record to append if it was subscribed.
    pub consent: NewConsent,
    /// Whether to queue a job for the marketing provider.
    pub sync: bool,
    /// When.
    pub now: i64,
}

/// What a provider job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncAction {
    /// Add the email to the list, or subscribe it again.
    Subscribe,
    /// Mark the email unsubscribed from the list.
    Unsubscribe,
    /// Delete the contact from the provider.
    Forget,
}

impl SyncAction {
    /// The action as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncAction::Subscribe => "subscribe",
            SyncAction::Unsubscribe => "unsubscribe",
            SyncAction::Forget => "forget",
        }
    }

    /// Reads a stored action.
    pub fn parse(text: &str) -> Option<SyncAction> {
        match text {
            "subscribe" => Some(SyncAction::Subscribe),
            "unsubscribe" => Some(SyncAction::Unsubscribe),
            "forget" => Some(SyncAction::Forget),
            _ => None,
        }
    }
}

/// A change waiting to be pushed to the marketing provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketingJob {
    /// Id, the only reference to it in logs.
    pub id: i64,
    /// Store id.
    pub store: String,
    /// List.
    pub list: String,
    /// Normalized email.
    pub email: String,
    /// Locale.
    pub locale: String,
    /// What to do.
    pub action: SyncAction,
    /// Failed attempts so far.
    pub attempts: u32,
}
