-- Carts, stock, customers and orders of one shop.
-- Shared by the native host (SQLite) and the Worker (D1): plain SQLite, no
-- extension. Times are Unix seconds (UTC); money is integer minor units.

-- A cart stores only (sku, quantity) lines: prices are recomputed from the price
-- book on every read.
CREATE TABLE carts (
    id TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    order_id TEXT
);
CREATE INDEX carts_updated_at ON carts (updated_at);
CREATE INDEX carts_expires_at ON carts (expires_at);

CREATE TABLE cart_lines (
    cart_id TEXT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    -- Unit price the visitor was last shown, to warn when it changes.
    seen_unit_price INTEGER,
    position INTEGER NOT NULL,
    PRIMARY KEY (cart_id, sku)
);

-- Stock is shared by every store of the shop. A sku without a row has 0 units.
CREATE TABLE stock (
    sku TEXT PRIMARY KEY,
    quantity INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Every change of a stock level. `quantity_after` is read from `stock` after the
-- update in the same write, and the CHECK refuses an order that would take a
-- tracked sku (floor 0) below zero: the whole write then rolls back. This keeps
-- the guarantee in a D1 batch, where no code runs between statements.
CREATE TABLE stock_movements (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL,
    delta INTEGER NOT NULL,
    quantity_after INTEGER NOT NULL,
    floor INTEGER,
    reason TEXT NOT NULL CHECK (reason IN ('order', 'cancel', 'set')),
    order_id TEXT REFERENCES orders (id),
    at INTEGER NOT NULL,
    CHECK (floor IS NULL OR quantity_after >= floor),
    CHECK (reason = 'set' OR order_id IS NOT NULL)
);
CREATE INDEX stock_movements_order ON stock_movements (order_id);
CREATE INDEX stock_movements_sku ON stock_movements (sku);

-- Customers, keyed by normalized email (trimmed, lowercased).
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    company TEXT,
    vat_number TEXT,
    marketing_email INTEGER,
    marketing_email_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Named counters; `order_number` numbers orders without gaps, because it is
-- incremented in the same write as the order it numbers.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('order_number', 0);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL UNIQUE,
    access_token TEXT NOT NULL,
    cart_id TEXT UNIQUE,
    store TEXT NOT NULL,
    currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    status TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    -- JSON snapshots of what the customer entered and chose.
    customer TEXT NOT NULL,
    billing_address TEXT NOT NULL,
    shipping_address TEXT,
    shipping TEXT NOT NULL,
    payment TEXT NOT NULL,
    prices_include_tax INTEGER NOT NULL,
    subtotal INTEGER NOT NULL,
    items_net INTEGER NOT NULL,
    items_tax INTEGER NOT NULL,
    items_gross INTEGER NOT NULL,
    tax_total INTEGER NOT NULL,
    total_excl_tax INTEGER NOT NULL,
    total INTEGER NOT NULL,
    payment_reference TEXT,
    payment_url TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (total_excl_tax + tax_total = total)
);
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_status ON orders (status, created_at);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    position INTEGER NOT NULL,
    sku TEXT NOT NULL,
    title TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL,
    tax_rate INTEGER NOT NULL,
    line_total INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    backorder_quantity INTEGER NOT NULL DEFAULT 0,
    backorder_days INTEGER,
    PRIMARY KEY (order_id, position),
    CHECK (net + tax = gross)
);

CREATE TABLE order_history (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    status TEXT NOT NULL,
    note TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX order_history_order ON order_history (order_id);

-- Emails to send about orders, written in the same write as the change they
-- announce, so a crash or a mail failure delays an email but never loses it.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    kind TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX notifications_pending ON notifications (sent_at, attempts);

-- Idempotency keys of create requests: the body's hash and what was created.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
