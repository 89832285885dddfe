//! Consent as proof: the policy each build published, the choices a record stores,
//! the device facts it keeps (truncated IP network, browser family) and the
//! tamper-evident chain of records.
//!
//! Records are appended, never updated (see `edge/migrations/0002_consent.sql`).
//! Appending must not fork the chain when two requests race: the new record's
//! `previous_hash` is the head's `record_hash` at the time of the insert.
//!
//! - SQLite reads the head, computes the hash and inserts in one `BEGIN IMMEDIATE`
//!   transaction, so no other write runs in between.
//! - D1 has no interactive transactions and SQL cannot compute SHA-256, so the
//!   Worker must read the head, compute the hash, then send one batch whose insert
//!   is conditional: `INSERT … SELECT … WHERE (SELECT record_hash FROM
//!   consent_records ORDER BY sequence DESC LIMIT 1) IS ?previous_hash`. When another
//!   append won the race the insert writes nothing, and the Worker reads the new
//!   head and retries. `UNIQUE (previous_hash)` in the schema rejects a fork even if
//!   that condition were left out.

pub mod client;
pub mod policy;
pub mod proof;

pub use client::{ClientContext, ClientIp, UserAgentFamily, ip_network};
pub use policy::{
    CONSENT_POLICY_PATH, ConsentAction, ConsentChoice, ConsentPolicy, EMAILING, NECESSARY,
    UI_SOURCE_UNSUBSCRIBE, UiSource, action_str, emailing_choice, parse_policy, ui_source_str,
};
pub use proof::{ChainCheck, ConsentFields, ConsentRecord, GENESIS_HASH, verify_chain, verify_chain_from};
