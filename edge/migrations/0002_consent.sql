-- Consent proof and email marketing subscriptions of one shop.
-- Shared by the native host (SQLite) and the Worker (D1): plain SQLite, no
-- extension. Times are Unix seconds (UTC).

-- Every consent policy a loaded build published, so that a visitor holding a page
-- of a previous build is still accepted after a restart. `policy` is the published
-- `consent.json`: the declaration and the exact texts that `policy_hash` covers,
-- kept as long as the records that name it.
CREATE TABLE consent_policies (
    store TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    policy TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (store, policy_hash)
);

-- Append-only proof of every consent choice. Rows are never updated or deleted.
-- Each row is chained to the previous one of the shop (all stores together, in
-- insertion order): `record_hash` = SHA-256 of `previous_hash` followed by the
-- canonical JSON of the row's fields. The first row's `previous_hash` is 64 zeros.
-- `UNIQUE (previous_hash)` makes a fork impossible: two appends that read the same
-- head cannot both be inserted, on SQLite or in a D1 batch.
CREATE TABLE consent_records (
    sequence INTEGER PRIMARY KEY,
    consent_id TEXT NOT NULL,
    store TEXT NOT NULL,
    locale TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    action TEXT NOT NULL,
    -- JSON objects {name: bool}, canonical (keys sorted, no spaces).
    purposes TEXT NOT NULL,
    services TEXT NOT NULL,
    ui_source TEXT NOT NULL,
    given_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- The visitor's network, never the full address: `203.0.113.0/24`, `2001:db8:85a3::/48`.
    ip_network TEXT,
    user_agent_family TEXT NOT NULL,
    previous_hash TEXT NOT NULL UNIQUE,
    record_hash TEXT NOT NULL UNIQUE
);
CREATE INDEX consent_records_consent_id ON consent_records (consent_id);
CREATE INDEX consent_records_given_at ON consent_records (given_at);

-- Email marketing subscriptions, one per store, list and normalized email.
CREATE TABLE marketing_subscriptions (
    id INTEGER PRIMARY KEY,
    store TEXT NOT NULL,
    list TEXT NOT NULL,
    email_key TEXT NOT NULL,
    locale TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('subscribed', 'unsubscribed')),
    -- The consent record that proves the last subscription.
    consent_id TEXT NOT NULL,
    subscribed_at INTEGER NOT NULL,
    unsubscribed_at INTEGER,
    updated_at INTEGER NOT NULL,
    UNIQUE (store, list, email_key)
);

-- Unsubscribe tokens, stored as the SHA-256 of the token: a database leak does not
-- give working links. A subscription can have several, one per sending, so links in
-- emails already sent keep working.
CREATE TABLE unsubscribe_tokens (
    token_hash TEXT PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES marketing_subscriptions (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX unsubscribe_tokens_subscription ON unsubscribe_tokens (subscription_id);

-- Changes to push to the email marketing provider, written in the same write as
-- the subscription change and retried until sent. The email is cleared once sent.
CREATE TABLE marketing_sync_jobs (
    id INTEGER PRIMARY KEY,
    store TEXT NOT NULL,
    list TEXT NOT NULL,
    email TEXT,
    locale TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('subscribe', 'unsubscribe', 'forget')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    done_at INTEGER
);
CREATE INDEX marketing_sync_jobs_pending ON marketing_sync_jobs (done_at, attempts);
