//! The SQLite side of consent records and email marketing subscriptions.
//!
//! A record is appended inside a `BEGIN IMMEDIATE` transaction that reads the head
//! of the chain, hashes the record after it and inserts it. Concurrent appends so
//! queue up, and each links to the one before. [`crate::consent`] describes the
//! design for D1.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{claim_key, find_replay, immediate};
use crate::consent::proof::stored_choices;
use crate::consent::{ConsentFields, ConsentPolicy, ConsentRecord, GENESIS_HASH};
use crate::storage::{
    Created, IdempotencyClaim, MarketingJob, NewConsent, NewSubscription, StorageError, StorageResult,
    Subscription, SyncAction, Withdrawal,
};

fn remember_policy(connection: &Connection, policy: &ConsentPolicy, now: i64) -> StorageResult<()> {
    connection.execute(
        "INSERT INTO consent_policies (store, policy_hash, policy_version, policy, first_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (store, policy_hash) DO NOTHING",
        params![
            policy.store,
            policy.policy_hash,
            policy.policy_version,
            serde_json::to_string(policy)?,
            now
        ],
    )?;
    Ok(())
}

pub(super) fn remember_policies(
    connection: &mut Connection,
    policies: &[ConsentPolicy],
    now: i64,
) -> StorageResult<()> {
    let transaction = immediate(connection)?;
    for policy in policies {
        remember_policy(&transaction, policy, now)?;
    }
    transaction.commit()?;
    Ok(())
}

pub(super) fn find_policy(
    connection: &Connection,
    store: &str,
    policy_hash: &str,
) -> StorageResult<Option<ConsentPolicy>> {
    let policy: Option<String> = connection
        .query_row(
            "SELECT policy FROM consent_policies WHERE store = ?1 AND policy_hash = ?2",
            params![store, policy_hash],
            |row| row.get(0),
        )
        .optional()?;
    Ok(policy.map(|policy| serde_json::from_str(&policy)).transpose()?)
}

/// Appends a record after the current head, inside the caller's transaction.
fn append(transaction: &Transaction<'_>, consent: &NewConsent) -> StorageResult<ConsentRecord> {
    let head: Option<String> = transaction
        .query_row(
            "SELECT record_hash FROM consent_records ORDER BY sequence DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let previous_hash = head.unwrap_or_else(|| GENESIS_HASH.to_owned());
    let fields = &consent.fields;
    let record_hash = fields.chain_hash(&previous_hash);
    transaction.execute(
        "INSERT INTO consent_records (consent_id, store, locale, policy_version, policy_hash, action, purposes,
             services, ui_source, given_at, expires_at, ip_network, user_agent_family, previous_hash,
             record_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            fields.consent_id,
            fields.store,
            fields.locale,
            fields.policy_version,
            fields.policy_hash,
            fields.action,
            crate::consent::proof::canonical_json(&fields.purposes),
            crate::consent::proof::canonical_json(&fields.services),
            fields.ui_source,
            fields.given_at,
            fields.expires_at,
            fields.ip_network,
            fields.user_agent_family,
            previous_hash,
            record_hash,
        ],
    )?;
    remember_policy(transaction, &consent.policy, fields.given_at)?;
    Ok(ConsentRecord {
        sequence: transaction.last_insert_rowid(),
        fields: fields.clone(),
        previous_hash,
        record_hash,
    })
}

pub(super) fn append_consent(
    connection: &mut Connection,
    consent: &NewConsent,
    claim: Option<&IdempotencyClaim>,
) -> StorageResult<Created<ConsentRecord>> {
    let transaction = immediate(connection)?;
    if let Some(claim) = claim
        && let Some(replay) = find_replay(&transaction, claim.scope, &claim.key)?
    {
        return Ok(Created::Replayed(replay));
    }
    let record = append(&transaction, consent)?;
    if let Some(claim) = claim {
        claim_key(
            &transaction,
            claim,
            &record.sequence.to_string(),
            consent.fields.given_at,
        )?;
    }
    transaction.commit()?;
    Ok(Created::New(record))
}

const SELECT_RECORD: &str = "SELECT sequence, consent_id, store, locale, policy_version, policy_hash, action,
        purposes, services, ui_source, given_at, expires_at, ip_network, user_agent_family, previous_hash,
        record_hash
    FROM consent_records";

fn read_record(row: &Row<'_>) -> rusqlite::Result<ConsentRecord> {
    Ok(ConsentRecord {
        sequence: row.get(0)?,
        fields: ConsentFields {
            consent_id: row.get(1)?,
            store: row.get(2)?,
            locale: row.get(3)?,
            policy_version: row.get(4)?,
            policy_hash: row.get(5)?,
            action: row.get(6)?,
            purposes: stored_choices(&row.get::<_, String>(7)?),
            services: stored_choices(&row.get::<_, String>(8)?),
            ui_source: row.get(9)?,
            given_at: row.get(10)?,
            expires_at: row.get(11)?,
            ip_network: row.get(12)?,
            user_agent_family: row.get(13)?,
        },
        previous_hash: row.get(14)?,
        record_hash: row.get(15)?,
    })
}

pub(super) fn find_record(connection: &Connection, sequence: i64) -> StorageResult<Option<ConsentRecord>> {
    let sql = format!("{SELECT_RECORD} WHERE sequence = ?1");
    Ok(connection
        .query_row(&sql, params![sequence], read_record)
        .optional()?)
}

pub(super) fn history(connection: &Connection, consent_id: &str) -> StorageResult<Vec<ConsentRecord>> {
    let sql = format!("{SELECT_RECORD} WHERE consent_id = ?1 ORDER BY sequence");
    let mut statement = connection.prepare(&sql)?;
    let records = statement
        .query_map(params![consent_id], read_record)?
        .collect::<Result<_, _>>()?;
    Ok(records)
}

pub(super) fn chain(connection: &Connection) -> StorageResult<Vec<ConsentRecord>> {
    let sql = format!("{SELECT_RECORD} ORDER BY sequence");
    let mut statement = connection.prepare(&sql)?;
    let records = statement.query_map([], read_record)?.collect::<Result<_, _>>()?;
    Ok(records)
}

fn queue_job(
    transaction: &Transaction<'_>,
    subscription_id: i64,
    action: SyncAction,
    now: i64,
) -> StorageResult<()> {
    transaction.execute(
        "INSERT INTO marketing_sync_jobs (store, list, email, locale, action, created_at)
         SELECT store, list, email_key, locale, ?1, ?2 FROM marketing_subscriptions WHERE id = ?3",
        params![action.as_str(), now, subscription_id],
    )?;
    Ok(())
}

pub(super) fn subscribe(connection: &mut Connection, subscription: &NewSubscription) -> StorageResult<()> {
    let transaction = immediate(connection)?;
    let record = append(&transaction, &subscription.consent)?;
    let now = subscription.now;
    let id: i64 = transaction.query_row(
        "INSERT INTO marketing_subscriptions (store, list, email_key, locale, status, consent_id, subscribed_at,
             updated_at)
         VALUES (?1, ?2, ?3, ?4, 'subscribed', ?5, ?6, ?6)
         ON CONFLICT (store, list, email_key) DO UPDATE SET
             locale = excluded.locale,
             status = 'subscribed',
             consent_id = excluded.consent_id,
             subscribed_at = excluded.subscribed_at,
             unsubscribed_at = NULL,
             updated_at = excluded.updated_at
         RETURNING id",
        params![
            subscription.store,
            subscription.list,
            subscription.email_key,
            subscription.locale,
            record.fields.consent_id,
            now
        ],
        |row| row.get(0),
    )?;
    transaction.execute(
        "INSERT INTO unsubscribe_tokens (token_hash, subscription_id, created_at) VALUES (?1, ?2, ?3)",
        params![subscription.token_hash, id, now],
    )?;
    if subscription.sync {
        queue_job(&transaction, id, SyncAction::Subscribe, now)?;
    }
    transaction.commit()?;
    Ok(())
}

pub(super) fn find_subscription(
    connection: &Connection,
    token_hash: &str,
) -> StorageResult<Option<Subscription>> {
    Ok(connection
        .query_row(
            "SELECT s.id, s.store, s.list, s.email_key, s.locale, s.status, s.consent_id
             FROM unsubscribe_tokens t JOIN marketing_subscriptions s ON s.id = t.subscription_id
             WHERE t.token_hash = ?1",
            params![token_hash],
            |row| {
                Ok(Subscription {
                    id: row.get(0)?,
                    store: row.get(1)?,
                    list: row.get(2)?,
                    email_key: row.get(3)?,
                    locale: row.get(4)?,
                    subscribed: row.get::<_, String>(5)? == "subscribed",
                    consent_id: row.get(6)?,
                })
            },
        )
        .optional()?)
}

pub(super) fn withdraw(connection: &mut Connection, withdrawal: &Withdrawal) -> StorageResult<bool> {
    let transaction = immediate(connection)?;
    let changed = transaction.execute(
        "UPDATE marketing_subscriptions SET status = 'unsubscribed', unsubscribed_at = ?1, updated_at = ?1
         WHERE id = ?2 AND status = 'subscribed'",
        params![withdrawal.now, withdrawal.subscription_id],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    append(&transaction, &withdrawal.consent)?;
    if withdrawal.sync {
        queue_job(
            &transaction,
            withdrawal.subscription_id,
            SyncAction::Unsubscribe,
            withdrawal.now,
        )?;
    }
    transaction.commit()?;
    Ok(true)
}

pub(super) fn add_token(
    connection: &Connection,
    store: &str,
    list: &str,
    email_key: &str,
    token_hash: &str,
    now: i64,
) -> StorageResult<bool> {
    let inserted = connection.execute(
        "INSERT INTO unsubscribe_tokens (token_hash, subscription_id, created_at)
         SELECT ?1, id, ?2 FROM marketing_subscriptions
         WHERE store = ?3 AND list = ?4 AND email_key = ?5 AND status = 'subscribed'",
        params![token_hash, now, store, list, email_key],
    )?;
    Ok(inserted == 1)
}

pub(super) fn pending_jobs(connection: &Connection, max_attempts: u32) -> StorageResult<Vec<MarketingJob>> {
    let mut statement = connection.prepare(
        "SELECT id, store, list, email, locale, action, attempts FROM marketing_sync_jobs
         WHERE done_at IS NULL AND attempts < ?1 AND email IS NOT NULL
         ORDER BY id LIMIT 100",
    )?;
    let rows = statement
        .query_map(params![max_attempts], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, u32>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, store, list, email, locale, action, attempts)| {
            let action = SyncAction::parse(&action).ok_or_else(|| {
                StorageError(format!("marketing job {id} has the unknown action `{action}`"))
            })?;
            Ok(MarketingJob {
                id,
                store,
                list,
                email,
                locale,
                action,
                attempts,
            })
        })
        .collect()
}

pub(super) fn record_job(
    connection: &Connection,
    id: i64,
    outcome: Result<(), String>,
    now: i64,
) -> StorageResult<()> {
    match outcome {
        Ok(()) => connection.execute(
            "UPDATE marketing_sync_jobs SET done_at = ?1, email = NULL, last_error = NULL WHERE id = ?2",
            params![now, id],
        )?,
        Err(reason) => connection.execute(
            "UPDATE marketing_sync_jobs SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2",
            params![reason, id],
        )?,
    };
    Ok(())
}
