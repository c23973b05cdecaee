-- Loket schema version 8: the full report of every partner data (HSDS) import.
-- The audit row of an import (action 'directory.import') keeps the report's counts and names
-- this row by id and SHA-256 of `problems`, so the chain vouches for the report; the report
-- itself (every refusal, warning, normalisation and ignored part, however many) lives here,
-- in the database, so that a backup and a restore carry it along with its audit row.
-- It holds partner directory data only, never anything about a visitor.
CREATE TABLE import_report (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,          -- when the import ran (the audit row's moment)
    actor       TEXT,                   -- staff username, or NULL for the system
    source      TEXT NOT NULL,          -- the file or folder name imported
    result      TEXT NOT NULL,          -- 'ok' (maybe with refused records) or 'failed'
    counts      TEXT NOT NULL,          -- JSON: problems per level, records changed/refused
    problems    TEXT NOT NULL,          -- JSON list: level, file, row, field, value, text
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);
CREATE INDEX import_report_at ON import_report(at);
