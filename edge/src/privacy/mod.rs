//! Personal-data requests and retention: export, erasure and the purge job that
//! applies the retention periods of the `[privacy]` settings.
//!
//! The storage side lives in [`crate::storage::privacy`] (types) and the
//! `Storage` trait. This module contains the logic shared by the HTTP handlers, the
//! native purge command and the Worker's scheduled event.

use commerce::retention::PrivacySettings;

use crate::state::AppState;

pub mod emails;
pub mod erasure;
pub mod export;
pub mod purge;
pub mod report;

/// Returns the shop's `[privacy]` settings. Every store of a shop is built from
/// the same `site.toml`, so every manifest carries the same table and the first
/// store's is used. Without any store, the French defaults apply.
pub fn privacy_settings(state: &AppState) -> PrivacySettings {
    state
        .catalog()
        .stores()
        .next()
        .map(|store| store.manifest.privacy.clone())
        .unwrap_or_default()
}
