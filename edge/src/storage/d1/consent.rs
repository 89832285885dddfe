//! The D1 side of consent records and email marketing subscriptions.
//!
//! SQL cannot compute SHA-256, so an append reads the head of the chain, hashes
//! the record after it in Rust, then sends one batch that inserts the record with
//! the other writes of the same operation. Between the read and the batch another
//! append may have won: the insert then fails `UNIQUE (previous_hash)`, D1 rolls the
//! whole batch back, and the append starts again from the new head. So the chain
//! never forks, and each operation is still all or nothing.

use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::{BatchError, D1Storage, int, opt_text, text};
use crate::consent::proof::{canonical_json, stored_choices};
use crate::consent::{ConsentFields, ConsentPolicy, ConsentRecord, GENESIS_HASH};
use crate::storage::{
    Created, IdempotencyClaim, MarketingJob, NewConsent, NewSubscription, StorageError, StorageResult,
    Subscription, SyncAction, Withdrawal,
};

/// Appends that lose the race for the chain's head this many times in a row fail
/// with a storage error. Each lost race means another append succeeded, so the
/// limit is only reached under a burst of that many concurrent consent writes.
const MAX_APPEND_ATTEMPTS: u32 = 16;

/// Name written by the guard of [`D1Storage::withdraw_subscription`] when the
/// subscription is no longer subscribed.
const GUARD_SUBSCRIBED: &str = "guard:subscription_not_subscribed";

pub(super) const SELECT_RECORD: &str =
    "SELECT sequence, consent_id, store, locale, policy_version, policy_hash, action,
        purposes, services, ui_source, given_at, expires_at, ip_network, user_agent_family, previous_hash,
        record_hash
    FROM consent_records";

/// A record appended by a batch, known before the batch runs except its sequence.
struct ChainLink {
    previous_hash: String,
    record_hash: String,
}

/// Outcome of one attempt of an append.
enum Attempt<T> {
    /// The batch ran.
    Done(T),
    /// Another append took the head first: read it again and retry.
    LostRace,
}

impl D1Storage {
    /// Reads the hash of the last record of the chain, or the genesis hash.
    async fn chain_head(&self) -> StorageResult<String> {
        let head: Option<HashRow> = self
            .row(
                "SELECT record_hash FROM consent_records ORDER BY sequence DESC LIMIT 1",
                &[],
            )
            .await?;
        Ok(head.map_or_else(|| GENESIS_HASH.to_owned(), |row| row.record_hash))
    }

    /// Builds the statements that append `consent` after `previous_hash` and
    /// remember its policy.
    fn append_statements(
        &self,
        consent: &NewConsent,
        previous_hash: &str,
    ) -> StorageResult<(ChainLink, Vec<D1PreparedStatement>)> {
        let fields = &consent.fields;
        let record_hash = fields.chain_hash(previous_hash);
        let insert = self.statement(
            "INSERT INTO consent_records (consent_id, store, locale, policy_version, policy_hash, action, purposes,
                 services, ui_source, given_at, expires_at, ip_network, user_agent_family, previous_hash,
                 record_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            &[
                text(&fields.consent_id),
                text(&fields.store),
                text(&fields.locale),
                text(&fields.policy_version),
                text(&fields.policy_hash),
                text(&fields.action),
                text(&canonical_json(&fields.purposes)),
                text(&canonical_json(&fields.services)),
                text(&fields.ui_source),
                int(fields.given_at),
                int(fields.expires_at),
                opt_text(fields.ip_network.as_deref()),
                text(&fields.user_agent_family),
                text(previous_hash),
                text(&record_hash),
            ],
        )?;
        let policy = self.remember_policy_statement(&consent.policy, fields.given_at)?;
        let link = ChainLink {
            previous_hash: previous_hash.to_owned(),
            record_hash,
        };
        Ok((link, vec![insert, policy]))
    }

    fn remember_policy_statement(
        &self,
        policy: &ConsentPolicy,
        now: i64,
    ) -> StorageResult<D1PreparedStatement> {
        let json = serde_json::to_string(policy)
            .map_err(|error| StorageError(format!("a consent policy cannot be encoded: {error}")))?;
        self.statement(
            "INSERT INTO consent_policies (store, policy_hash, policy_version, policy, first_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (store, policy_hash) DO NOTHING",
            &[
                text(&policy.store),
                text(&policy.policy_hash),
                text(&policy.policy_version),
                text(&json),
                int(now),
            ],
        )
    }

    /// Runs `attempt` from the current head until it does not lose the race for
    /// the head, at most [`MAX_APPEND_ATTEMPTS`] times.
    async fn with_chain_head<T, F, Fut>(&self, mut attempt: F) -> StorageResult<T>
    where
        F: FnMut(String) -> Fut,
        Fut: std::future::Future<Output = StorageResult<Attempt<T>>>,
    {
        for _ in 0..MAX_APPEND_ATTEMPTS {
            let head = self.chain_head().await?;
            if let Attempt::Done(value) = attempt(head).await? {
                return Ok(value);
            }
        }
        Err(StorageError(format!(
            "the consent chain's head changed {MAX_APPEND_ATTEMPTS} times in a row during an append"
        )))
    }

    pub(super) async fn remember_policies_d1(
        &self,
        policies: Vec<ConsentPolicy>,
        now: i64,
    ) -> StorageResult<()> {
        let statements = policies
            .iter()
            .map(|policy| self.remember_policy_statement(policy, now))
            .collect::<StorageResult<Vec<_>>>()?;
        if !statements.is_empty() {
            self.batch(statements).await?;
        }
        Ok(())
    }

    pub(super) async fn find_policy_d1(
        &self,
        store: String,
        policy_hash: String,
    ) -> StorageResult<Option<ConsentPolicy>> {
        let row: Option<PolicyRow> = self
            .row(
                "SELECT policy FROM consent_policies WHERE store = ?1 AND policy_hash = ?2",
                &[text(&store), text(&policy_hash)],
            )
            .await?;
        row.map(|row| {
            serde_json::from_str(&row.policy)
                .map_err(|error| StorageError(format!("a stored consent policy is invalid: {error}")))
        })
        .transpose()
    }

    pub(super) async fn append_consent_d1(
        &self,
        consent: NewConsent,
        claim: Option<IdempotencyClaim>,
    ) -> StorageResult<Created<ConsentRecord>> {
        if let Some(claim) = &claim
            && let Some(replay) = self.find_replay(claim.scope, &claim.key).await?
        {
            return Ok(Created::Replayed(replay));
        }
        self.with_chain_head(|head| self.append_attempt(&consent, claim.as_ref(), head))
            .await
    }

    async fn append_attempt(
        &self,
        consent: &NewConsent,
        claim: Option<&IdempotencyClaim>,
        head: String,
    ) -> StorageResult<Attempt<Created<ConsentRecord>>> {
        let (link, mut statements) = self.append_statements(consent, &head)?;
        if let Some(claim) = claim {
            // The replay's resource id is the record's sequence, known only once the
            // record is inserted, so the key is claimed after it in the batch.
            statements.push(self.statement(
                "INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)
                 SELECT ?1, ?2, ?3, CAST(sequence AS TEXT), ?4 FROM consent_records WHERE record_hash = ?5",
                &[
                    text(claim.scope),
                    text(&claim.key),
                    text(&claim.request_hash),
                    int(consent.fields.given_at),
                    text(&link.record_hash),
                ],
            )?);
        }
        match self.batch(statements).await {
            Ok(_) => {}
            Err(error) if error.is_chain_race() => return Ok(Attempt::LostRace),
            Err(error) => {
                if let Some(claim) = claim
                    && error.is_idempotency_conflict()
                    && let Some(replay) = self.find_replay(claim.scope, &claim.key).await?
                {
                    return Ok(Attempt::Done(Created::Replayed(replay)));
                }
                return Err(error.into());
            }
        }
        let record = self.record_of(consent.fields.clone(), link).await?;
        Ok(Attempt::Done(Created::New(record)))
    }

    /// Reads back the sequence D1 gave the record just inserted.
    async fn record_of(&self, fields: ConsentFields, link: ChainLink) -> StorageResult<ConsentRecord> {
        let row: Option<SequenceRow> = self
            .row(
                "SELECT sequence FROM consent_records WHERE record_hash = ?1",
                &[text(&link.record_hash)],
            )
            .await?;
        let sequence = row
            .ok_or_else(|| StorageError("the consent record just written cannot be read back".to_owned()))?
            .sequence;
        Ok(ConsentRecord {
            sequence,
            fields,
            previous_hash: link.previous_hash,
            record_hash: link.record_hash,
        })
    }

    pub(super) async fn find_consent_record_d1(&self, sequence: i64) -> StorageResult<Option<ConsentRecord>> {
        let rows = self
            .records(&format!("{SELECT_RECORD} WHERE sequence = ?1"), &[int(sequence)])
            .await?;
        Ok(rows.into_iter().next())
    }

    pub(super) async fn consent_history_d1(&self, consent_id: String) -> StorageResult<Vec<ConsentRecord>> {
        self.records(
            &format!("{SELECT_RECORD} WHERE consent_id = ?1 ORDER BY sequence"),
            &[text(&consent_id)],
        )
        .await
    }

    pub(super) async fn consent_chain_d1(&self) -> StorageResult<Vec<ConsentRecord>> {
        self.records(&format!("{SELECT_RECORD} ORDER BY sequence"), &[])
            .await
    }

    async fn records(&self, sql: &str, params: &[JsValue]) -> StorageResult<Vec<ConsentRecord>> {
        let rows: Vec<RecordRow> = self.rows(sql, params).await?;
        Ok(rows.into_iter().map(RecordRow::into_record).collect())
    }

    pub(super) async fn subscribe_marketing_d1(&self, subscription: NewSubscription) -> StorageResult<()> {
        self.with_chain_head(|head| self.subscribe_attempt(&subscription, head))
            .await
    }

    async fn subscribe_attempt(
        &self,
        subscription: &NewSubscription,
        head: String,
    ) -> StorageResult<Attempt<()>> {
        let (_, mut statements) = self.append_statements(&subscription.consent, &head)?;
        let now = subscription.now;
        let key = [
            text(&subscription.store),
            text(&subscription.list),
            text(&subscription.email_key),
        ];
        statements.push(self.statement(
            "INSERT INTO marketing_subscriptions (store, list, email_key, locale, status, consent_id, subscribed_at,
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, 'subscribed', ?5, ?6, ?6)
             ON CONFLICT (store, list, email_key) DO UPDATE SET
                 locale = excluded.locale,
                 status = 'subscribed',
                 consent_id = excluded.consent_id,
                 subscribed_at = excluded.subscribed_at,
                 unsubscribed_at = NULL,
                 updated_at = excluded.updated_at",
            &[
                key[0].clone(),
                key[1].clone(),
                key[2].clone(),
                text(&subscription.locale),
                text(&subscription.consent.fields.consent_id),
                int(now),
            ],
        )?);
        // The subscription's id is only known inside the batch, so the token and the
        // job select it by the list's unique key.
        statements.push(self.statement(
            "INSERT INTO unsubscribe_tokens (token_hash, subscription_id, created_at)
             SELECT ?4, id, ?5 FROM marketing_subscriptions WHERE store = ?1 AND list = ?2 AND email_key = ?3",
            &[
                key[0].clone(),
                key[1].clone(),
                key[2].clone(),
                text(&subscription.token_hash),
                int(now),
            ],
        )?);
        if subscription.sync {
            statements.push(self.statement(
                "INSERT INTO marketing_sync_jobs (store, list, email, locale, action, created_at)
                 SELECT store, list, email_key, locale, ?4, ?5 FROM marketing_subscriptions
                 WHERE store = ?1 AND list = ?2 AND email_key = ?3",
                &[
                    key[0].clone(),
                    key[1].clone(),
                    key[2].clone(),
                    text(SyncAction::Subscribe.as_str()),
                    int(now),
                ],
            )?);
        }
        match self.batch(statements).await {
            Ok(_) => Ok(Attempt::Done(())),
            Err(error) if error.is_chain_race() => Ok(Attempt::LostRace),
            Err(error) => Err(error.into()),
        }
    }

    pub(super) async fn find_subscription_d1(
        &self,
        token_hash: String,
    ) -> StorageResult<Option<Subscription>> {
        let row: Option<SubscriptionRow> = self
            .row(
                "SELECT s.id, s.store, s.list, s.email_key, s.locale, s.status, s.consent_id
                 FROM unsubscribe_tokens t JOIN marketing_subscriptions s ON s.id = t.subscription_id
                 WHERE t.token_hash = ?1",
                &[text(&token_hash)],
            )
            .await?;
        Ok(row.map(|row| Subscription {
            id: row.id,
            store: row.store,
            list: row.list,
            email_key: row.email_key,
            locale: row.locale,
            subscribed: row.status == "subscribed",
            consent_id: row.consent_id,
        }))
    }

    pub(super) async fn withdraw_subscription_d1(&self, withdrawal: Withdrawal) -> StorageResult<bool> {
        self.with_chain_head(|head| self.withdraw_attempt(&withdrawal, head))
            .await
    }

    async fn withdraw_attempt(&self, withdrawal: &Withdrawal, head: String) -> StorageResult<Attempt<bool>> {
        let now = withdrawal.now;
        let id = int(withdrawal.subscription_id);
        let mut statements = vec![
            self.statement(
                "UPDATE marketing_subscriptions SET status = 'unsubscribed', unsubscribed_at = ?1, updated_at = ?1
                 WHERE id = ?2 AND status = 'subscribed'",
                &[int(now), id.clone()],
            )?,
            // The batch stops here when the subscription was already withdrawn, so
            // a second unsubscribe appends no record.
            self.statement(
                "INSERT INTO counters (name, value) SELECT ?1, NULL WHERE changes() = 0",
                &[text(GUARD_SUBSCRIBED)],
            )?,
        ];
        let (_, append) = self.append_statements(&withdrawal.consent, &head)?;
        statements.extend(append);
        if withdrawal.sync {
            statements.push(self.statement(
                "INSERT INTO marketing_sync_jobs (store, list, email, locale, action, created_at)
                 SELECT store, list, email_key, locale, ?1, ?2 FROM marketing_subscriptions WHERE id = ?3",
                &[text(SyncAction::Unsubscribe.as_str()), int(now), id],
            )?);
        }
        match self.batch(statements).await {
            Ok(_) => Ok(Attempt::Done(true)),
            Err(error) if error.is_guard() => Ok(Attempt::Done(false)),
            Err(error) if error.is_chain_race() => Ok(Attempt::LostRace),
            Err(error) => Err(error.into()),
        }
    }

    pub(super) async fn add_unsubscribe_token_d1(
        &self,
        store: String,
        list: String,
        email_key: String,
        token_hash: String,
        now: i64,
    ) -> StorageResult<bool> {
        let inserted = self
            .execute(
                "INSERT INTO unsubscribe_tokens (token_hash, subscription_id, created_at)
                 SELECT ?1, id, ?2 FROM marketing_subscriptions
                 WHERE store = ?3 AND list = ?4 AND email_key = ?5 AND status = 'subscribed'",
                &[
                    text(&token_hash),
                    int(now),
                    text(&store),
                    text(&list),
                    text(&email_key),
                ],
            )
            .await?;
        Ok(inserted == 1)
    }

    pub(super) async fn pending_marketing_jobs_d1(
        &self,
        max_attempts: u32,
    ) -> StorageResult<Vec<MarketingJob>> {
        let rows: Vec<JobRow> = self
            .rows(
                "SELECT id, store, list, email, locale, action, attempts FROM marketing_sync_jobs
                 WHERE done_at IS NULL AND attempts < ?1 AND email IS NOT NULL
                 ORDER BY id LIMIT 100",
                &[int(i64::from(max_attempts))],
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                let action = SyncAction::parse(&row.action).ok_or_else(|| {
                    StorageError(format!(
                        "marketing job {} has the unknown action `{}`",
                        row.id, row.action
                    ))
                })?;
                Ok(MarketingJob {
                    id: row.id,
                    store: row.store,
                    list: row.list,
                    email: row.email,
                    locale: row.locale,
                    action,
                    attempts: row.attempts,
                })
            })
            .collect()
    }

    pub(super) async fn record_marketing_job_d1(
        &self,
        id: i64,
        outcome: Result<(), String>,
        now: i64,
    ) -> StorageResult<()> {
        match outcome {
            Ok(()) => {
                self.execute(
                    "UPDATE marketing_sync_jobs SET done_at = ?1, email = NULL, last_error = NULL WHERE id = ?2",
                    &[int(now), int(id)],
                )
                .await
            }
            Err(reason) => {
                self.execute(
                    "UPDATE marketing_sync_jobs SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2",
                    &[text(&reason), int(id)],
                )
                .await
            }
        }
        .map(|_| ())
    }
}

impl BatchError {
    /// Returns whether the batch lost the race for the chain's head, because
    /// another append inserted a record after the same head first.
    fn is_chain_race(&self) -> bool {
        self.0
            .contains("UNIQUE constraint failed: consent_records.previous_hash")
            || self
                .0
                .contains("UNIQUE constraint failed: consent_records.record_hash")
    }
}

#[derive(serde::Deserialize)]
struct HashRow {
    record_hash: String,
}

#[derive(serde::Deserialize)]
struct SequenceRow {
    sequence: i64,
}

#[derive(serde::Deserialize)]
struct PolicyRow {
    policy: String,
}

#[derive(serde::Deserialize)]
pub(super) struct RecordRow {
    sequence: i64,
    consent_id: String,
    store: String,
    locale: String,
    policy_version: String,
    policy_hash: String,
    action: String,
    purposes: String,
    services: String,
    ui_source: String,
    given_at: i64,
    expires_at: i64,
    ip_network: Option<String>,
    user_agent_family: String,
    previous_hash: String,
    record_hash: String,
}

impl RecordRow {
    pub(super) fn into_record(self) -> ConsentRecord {
        ConsentRecord {
            sequence: self.sequence,
            fields: ConsentFields {
                consent_id: self.consent_id,
                store: self.store,
                locale: self.locale,
                policy_version: self.policy_version,
                policy_hash: self.policy_hash,
                action: self.action,
                purposes: stored_choices(&self.purposes),
                services: stored_choices(&self.services),
                ui_source: self.ui_source,
                given_at: self.given_at,
                expires_at: self.expires_at,
                ip_network: self.ip_network,
                user_agent_family: self.user_agent_family,
            },
            previous_hash: self.previous_hash,
            record_hash: self.record_hash,
        }
    }
}

#[derive(serde::Deserialize)]
struct SubscriptionRow {
    id: i64,
    store: String,
    list: String,
    email_key: String,
    locale: String,
    status: String,
    consent_id: String,
}

#[derive(serde::Deserialize)]
struct JobRow {
    id: i64,
    store: String,
    list: String,
    email: String,
    locale: String,
    action: String,
    attempts: u32,
}
