-- Personal-data requests (export, erasure), their append-only log, the restricted
-- archive of erased customers' invoices, and what the retention purge needs.
-- Shared by the native host (SQLite) and the Worker (D1): plain SQLite, no
-- extension. Times are Unix seconds (UTC).

-- One row per request. The email columns are set only while the shop owes an
-- answer: they are cleared when an erasure is fulfilled or a request expires, and
-- when an export's download link expires. Tokens are stored as SHA-256 hex.
CREATE TABLE data_requests (
    id TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('export', 'erasure')),
    status TEXT NOT NULL CHECK (status IN ('received', 'confirmed', 'deferred', 'fulfilled', 'expired')),
    locale TEXT NOT NULL,
    email TEXT,
    email_key TEXT,
    -- Confirmation token; cleared once used or expired, so it works once.
    token_hash TEXT UNIQUE,
    token_expires_at INTEGER NOT NULL,
    -- Download token of an export, and when its link expires.
    export_token_hash TEXT UNIQUE,
    export_expires_at INTEGER,
    received_at INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    fulfilled_at INTEGER,
    -- A deferred erasure is tried again from this time; NULL while an order is
    -- not shipped yet (the purge then tries on every run).
    deferred_until INTEGER
);
CREATE INDEX data_requests_email_key ON data_requests (email_key);
CREATE INDEX data_requests_status ON data_requests (status, deadline_at);

-- Every step of every request, without email. Rows are never updated, and are
-- deleted only by the retention purge: the triggers below reject any UPDATE, and
-- any DELETE of a row at or after `retention_guard.delete_before`. That bound is 0
-- except inside the purge's own write, which raises it to the retention cutoff,
-- deletes, and sets it back to 0 (one SQLite transaction, or one D1 batch). So a
-- stray `DELETE FROM data_request_log` fails, and even a purge that forgets to
-- reset the bound can only delete rows already past their retention.
CREATE TABLE data_request_log (
    sequence INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    store TEXT NOT NULL,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    at INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    detail TEXT
);
CREATE INDEX data_request_log_at ON data_request_log (at);

CREATE TABLE retention_guard (
    name TEXT PRIMARY KEY,
    delete_before INTEGER NOT NULL
);
INSERT INTO retention_guard (name, delete_before) VALUES ('data_request_log', 0);

CREATE TRIGGER data_request_log_no_update BEFORE UPDATE ON data_request_log
BEGIN
    SELECT RAISE(ABORT, 'data_request_log is append-only');
END;

CREATE TRIGGER data_request_log_no_delete BEFORE DELETE ON data_request_log
WHEN OLD.at >= (SELECT delete_before FROM retention_guard WHERE name = 'data_request_log')
BEGIN
    SELECT RAISE(ABORT, 'data_request_log rows are deleted only by the retention purge');
END;

-- Each format of an export is downloaded once: the primary key rejects a second.
CREATE TABLE data_export_downloads (
    request_id TEXT NOT NULL REFERENCES data_requests (id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('json', 'csv', 'html')),
    downloaded_at INTEGER NOT NULL,
    PRIMARY KEY (request_id, format)
);

-- Rate-limit events of request creation: one row per request and bucket. `key` is
-- a hash (of the email key or of the IP network), never the value in clear.
CREATE TABLE request_throttle (
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX request_throttle_key ON request_throttle (key, at);
CREATE INDEX request_throttle_expires_at ON request_throttle (expires_at);

-- The restricted archive: what an erased customer's invoice legally needs (billing
-- name, company, VAT number and address; the delivery address only for a contract
-- at or above the threshold), until the retention ends. The `orders` row keeps the
-- amounts and lines with its personal columns blanked. `email_hash` (SHA-256 hex of
-- the email key) lets a later export or erasure of the same person report what is
-- still kept, without storing the email.
CREATE TABLE archived_orders (
    order_id TEXT PRIMARY KEY REFERENCES orders (id),
    number TEXT NOT NULL,
    store TEXT NOT NULL,
    email_hash TEXT NOT NULL,
    billing TEXT NOT NULL,
    delivery TEXT,
    ground TEXT NOT NULL CHECK (ground IN ('invoice', 'contract')),
    until INTEGER NOT NULL,
    archived_at INTEGER NOT NULL
);
CREATE INDEX archived_orders_until ON archived_orders (until);
CREATE INDEX archived_orders_email_hash ON archived_orders (email_hash);

-- When an inactive person (customer or subscriber) was warned that their data will
-- be anonymised. A warning older than the person's last contact no longer counts:
-- they came back.
CREATE TABLE inactivity_warnings (
    email_key TEXT PRIMARY KEY,
    warned_at INTEGER NOT NULL
);

-- Where the consent chain starts once its oldest records are purged: the sequence
-- and `record_hash` of the last purged record. The first record kept links to
-- `record_hash`, so the chain is verified from there instead of from 64 zeros.
-- One row at most.
CREATE TABLE consent_chain_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    record_hash TEXT NOT NULL,
    purged_at INTEGER NOT NULL
);
