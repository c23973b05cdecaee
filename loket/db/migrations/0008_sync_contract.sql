-- Loket schema version 8 (temporary, staff side): the PC-side sync tables of the contract
-- between the hub and the staff side, verbatim.  At merge this file gives way to the hub's
-- own migration, which creates the same tables (and the full outbox).

CREATE TABLE sync_state (            -- one row per key; values are text (ISO 8601 UTC for times)
    key   TEXT PRIMARY KEY,          -- 'last_attempt_at', 'last_success_at', 'hub_reachable'
    value TEXT                       -- ('1'/'0'), 'last_error' (one plain sentence, translated
);                                   -- at display from 'last_error_code'), 'last_error_code'
CREATE TABLE sync_conflict (         -- pulled from the hub; decided on the PC
    id                   TEXT PRIMARY KEY,   -- the hub's conflict id (uuid)
    table_name           TEXT NOT NULL,      -- e.g. 'visitor', 'visit', 'referral'
    row_id               TEXT NOT NULL,
    field                TEXT NOT NULL,      -- column name
    base_value           TEXT,               -- JSON-encoded values (json.dumps); NULL = SQL NULL
    hub_value            TEXT,
    incoming_value       TEXT,
    hub_workstation      TEXT, hub_staff TEXT, hub_at TEXT,             -- who/when wrote hub value
    incoming_workstation TEXT NOT NULL, incoming_staff TEXT, incoming_at TEXT NOT NULL,
    desk_id              TEXT,
    created_at           TEXT NOT NULL,
    resolved_at          TEXT, resolved_by TEXT,
    resolution           TEXT,               -- JSON-encoded chosen value
    resolution_pushed_at TEXT                -- set by the hub branch's push once the hub has it
);
CREATE INDEX sync_conflict_open ON sync_conflict (resolved_at, created_at);
CREATE INDEX sync_conflict_row ON sync_conflict (table_name, row_id);

CREATE TABLE sync_outbox (seq INTEGER PRIMARY KEY, acked_at TEXT);
