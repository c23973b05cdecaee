-- Loket schema version 8: the PC side of the hub (loket/sync/).
-- The capture triggers themselves are not here: they are made from the synced tables'
-- current columns by loket.db.outbox.install_triggers() after every migration, so a column
-- a later migration adds is captured without editing a trigger.

-- What the last sync attempt found: one row per key ('last_attempt_at', 'last_success_at',
-- 'hub_reachable' '1'/'0', 'last_error_code', 'last_error', 'pull_cursor').
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- Conflicts pulled from the hub, decided by staff on the PC.  Values are JSON (json.dumps).
CREATE TABLE sync_conflict (
    id                   TEXT PRIMARY KEY,
    table_name           TEXT NOT NULL,
    row_id               TEXT NOT NULL,
    field                TEXT NOT NULL,
    base_value           TEXT,
    hub_value            TEXT,
    incoming_value       TEXT,
    hub_workstation      TEXT, hub_staff TEXT, hub_at TEXT,
    incoming_workstation TEXT NOT NULL, incoming_staff TEXT, incoming_at TEXT NOT NULL,
    desk_id              TEXT,
    created_at           TEXT NOT NULL,
    resolved_at          TEXT, resolved_by TEXT,
    resolution           TEXT,
    resolution_pushed_at TEXT
);
CREATE INDEX sync_conflict_open ON sync_conflict (resolved_at, created_at);
CREATE INDEX sync_conflict_row ON sync_conflict (table_name, row_id);

-- Every change of a synced table, written by the capture triggers in the same transaction.
-- op: 'I', 'U' or 'D'; old/new: JSON objects of the row's captured columns (BLOBs as hex).
-- staff: the username of the staff member acting, when there is one.
-- batch_seq: the batch it was sealed into; acked_at: when the hub acknowledged that batch.
CREATE TABLE sync_outbox (
    seq        INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('I', 'U', 'D')),
    old        TEXT,
    new        TEXT,
    at         TEXT NOT NULL,
    staff      TEXT,                   -- the staff member acting (loket_actor())
    batch_seq  INTEGER REFERENCES sync_batch(seq),
    acked_at   TEXT
);
CREATE INDEX sync_outbox_unsealed ON sync_outbox (batch_seq) WHERE acked_at IS NULL;
CREATE INDEX sync_outbox_row ON sync_outbox (table_name, row_id) WHERE acked_at IS NULL;

-- Sealed batches: the per-PC sequence number, a UUID and the exact payload sent, stored
-- before sending so that a re-send is byte for byte the same batch.
CREATE TABLE sync_batch (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    payload    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT,
    acked_at   TEXT
);

-- A row here (only inside the transaction that applies pulled changes) turns capture off.
CREATE TABLE sync_apply (
    flag INTEGER PRIMARY KEY CHECK (flag = 1)
);

-- Tasks from the hub: 'possible_duplicate' (the same V-nummer or BSN on two visitors).
CREATE TABLE sync_task (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    visitor_id       TEXT NOT NULL,
    other_visitor_id TEXT NOT NULL,
    reason           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    closed_at        TEXT
);

-- The hub's checkpoints of every PC's audit chain (last seq and head hash), kept as pulled.
CREATE TABLE sync_checkpoint (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    heads     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
