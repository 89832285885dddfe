//! The tamper-evident chain of consent records.
//!
//! Each record stores `previous_hash`, the `record_hash` of the record appended
//! before it in the same shop (64 zeros for the first), and
//! `record_hash = sha256(previous_hash || canonical JSON of its fields)` in lowercase
//! hex, where `||` joins the hex text of `previous_hash` and the JSON text. Canonical
//! JSON is [`commerce::consent::canonical_json`]'s: object keys sorted by their
//! UTF-8 bytes, no spaces. Editing, deleting or
//! reordering a stored record changes a hash that the next record or the check
//! recomputes, so [`verify_chain`] finds the first broken record.
//!
//! The hashed fields are every column of the record but its position and the two
//! hashes: consent id, store, locale, policy version and hash, action, purposes,
//! services, UI source, times, IP network and browser family.

use std::collections::BTreeMap;

pub use commerce::consent::canonical_json;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// `previous_hash` of the first record of a shop.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a record that its hash covers.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentFields {
    /// Random 128-bit id, lowercase hex, kept by the visitor's cookie.
    pub consent_id: String,
    /// Store id.
    pub store: String,
    /// Locale of the banner the visitor saw.
    pub locale: String,
    /// Version of the policy.
    pub policy_version: String,
    /// Hash of the policy.
    pub policy_hash: String,
    /// `accept_all`, `reject_all`, `custom` or `withdraw`.
    pub action: String,
    /// Purpose → granted, as a JSON object. A stored value that is not valid JSON is
    /// kept as a JSON string, so it still hashes (to a value that breaks the chain).
    pub purposes: Value,
    /// Service → granted, as a JSON object.
    pub services: Value,
    /// `banner`, `preferences`, `checkout` or `unsubscribe`.
    pub ui_source: String,
    /// Server time of the choice, Unix seconds.
    pub given_at: i64,
    /// When the choice must be asked again, Unix seconds.
    pub expires_at: i64,
    /// Truncated network of the visitor's address, when known.
    pub ip_network: Option<String>,
    /// Browser family.
    pub user_agent_family: String,
}

impl ConsentFields {
    /// The fields as canonical JSON: what the record hash covers.
    pub fn canonical_json(&self) -> String {
        canonical_json(&json!({
            "consent_id": self.consent_id,
            "store": self.store,
            "locale": self.locale,
            "policy_version": self.policy_version,
            "policy_hash": self.policy_hash,
            "action": self.action,
            "purposes": self.purposes,
            "services": self.services,
            "ui_source": self.ui_source,
            "given_at": self.given_at,
            "expires_at": self.expires_at,
            "ip_network": self.ip_network,
            "user_agent_family": self.user_agent_family,
        }))
    }

    /// The record hash of these fields appended after `previous_hash`.
    pub fn chain_hash(&self, previous_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(previous_hash.as_bytes());
        hasher.update(self.canonical_json().as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRecord {
    /// Position in the shop's chain, from 1.
    pub sequence: i64,
    /// The hashed fields.
    pub fields: ConsentFields,
    /// Hash of the record before it, or [`GENESIS_HASH`].
    pub previous_hash: String,
    /// Hash of this record.
    pub record_hash: String,
}

/// The result of checking a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Whether every record links to the one before and matches its hash.
    pub valid: bool,
    /// Sequence of the first record that does not.
    pub first_broken: Option<i64>,
    /// Sequences of the records checked, each with whether the chain holds up to it.
    pub valid_through: BTreeMap<i64, bool>,
}

/// Checks a whole chain, given in insertion order from its first record.
pub fn verify_chain(records: &[ConsentRecord]) -> ChainCheck {
    verify_chain_from(GENESIS_HASH, records)
}

/// Checks a chain whose first record links to `start`: [`GENESIS_HASH`] for a
/// whole chain, or the checkpoint the retention purge stored when it deleted the
/// oldest records.
pub fn verify_chain_from(start: &str, records: &[ConsentRecord]) -> ChainCheck {
    let mut expected_previous = start.to_owned();
    let mut first_broken = None;
    let mut valid_through = BTreeMap::new();
    for record in records {
        let intact = record.previous_hash == expected_previous
            && record.fields.chain_hash(&record.previous_hash) == record.record_hash;
        if !intact && first_broken.is_none() {
            first_broken = Some(record.sequence);
        }
        valid_through.insert(record.sequence, first_broken.is_none());
        expected_previous = record.record_hash.clone();
    }
    ChainCheck {
        valid: first_broken.is_none(),
        first_broken,
        valid_through,
    }
}

/// A choice map as a JSON object.
pub fn choices_json(choices: &BTreeMap<String, bool>) -> Value {
    Value::Object(
        choices
            .iter()
            .map(|(id, granted)| (id.clone(), Value::Bool(*granted)))
            .collect::<Map<String, Value>>(),
    )
}

/// Reads a stored choice column; text that is not JSON is kept as a JSON string.
pub fn stored_choices(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(id: &str) -> ConsentFields {
        ConsentFields {
            consent_id: id.to_owned(),
            store: "fr".into(),
            locale: "fr".into(),
            policy_version: "v1".into(),
            policy_hash: "ab".repeat(32),
            action: "accept_all".into(),
            purposes: json!({"statistics": true, "necessary": true}),
            services: json!({}),
            ui_source: "banner".into(),
            given_at: 10,
            expires_at: 20,
            ip_network: None,
            user_agent_family: "Other".into(),
        }
    }

    fn chain(count: usize) -> Vec<ConsentRecord> {
        let mut previous = GENESIS_HASH.to_owned();
        (0..count)
            .map(|index| {
                let fields = fields(&format!("id{index}"));
                let record_hash = fields.chain_hash(&previous);
                let record = ConsentRecord {
                    sequence: index as i64 + 1,
                    fields,
                    previous_hash: previous.clone(),
                    record_hash: record_hash.clone(),
                };
                previous = record_hash;
                record
            })
            .collect()
    }

    #[test]
    fn canonical_json_sorts_keys() {
        let value = json!({"b": [1, {"d": "é\"", "c": null}], "a": true});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":true,"b":[1,{"c":null,"d":"é\""}]}"#
        );
    }

    #[test]
    fn intact_chain_is_valid() {
        let check = verify_chain(&chain(3));
        assert!(check.valid);
        assert_eq!(check.first_broken, None);
    }

    #[test]
    fn edited_record_breaks_chain() {
        let mut records = chain(4);
        records[2].fields.action = "reject_all".into();
        let check = verify_chain(&records);
        assert!(!check.valid);
        assert_eq!(check.first_broken, Some(3));
        assert!(check.valid_through[&2]);
        assert!(!check.valid_through[&4]);
    }

    #[test]
    fn chain_verifies_from_checkpoint() {
        let records = chain(4);
        let checkpoint = records[1].record_hash.clone();
        let kept = &records[2..];
        assert!(!verify_chain(kept).valid);
        assert!(verify_chain_from(&checkpoint, kept).valid);
        assert_eq!(verify_chain_from(GENESIS_HASH, kept).first_broken, Some(3));
        // A checkpoint does not hide a record deleted after it.
        let gapped = [records[3].clone()];
        assert_eq!(verify_chain_from(&checkpoint, &gapped).first_broken, Some(4));
    }

    #[test]
    fn deleted_record_breaks_chain() {
        let mut records = chain(4);
        records.remove(1);
        assert_eq!(verify_chain(&records).first_broken, Some(3));
    }
}
