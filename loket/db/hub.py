"""The hub's SQL (PostgreSQL, psycopg 3): its schema and every statement the sync runs on it.

Rows of every synced table are kept generically, one `loket.row` per (table, row id) with
its fields as JSONB, `meta` saying per field which PC wrote the value when, and `xid` the
transaction that last wrote it: the pull feed reads `xid >= cursor`, where the cursor is
the `pg_snapshot_xmin` of the previous pull's snapshot, so a transaction that commits late
(with a lower xid than one already seen) is still read.  The merge rules themselves live in
`loket.sync.merge`; this module only reads and writes.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 1

SCHEMA = [
    "CREATE SCHEMA IF NOT EXISTS loket",
    """CREATE TABLE IF NOT EXISTS loket.meta (
        key   text PRIMARY KEY,
        value text NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS loket.workstation (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        desk_code   text,
        role_name   text UNIQUE,
        chain_key   bytea,
        cert_serial text,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        last_seq    bigint NOT NULL DEFAULT 0,
        audit_seq   bigint NOT NULL DEFAULT 0,
        audit_head  text NOT NULL DEFAULT repeat('0', 64),
        audit_broken boolean NOT NULL DEFAULT false
    )""",
    """CREATE TABLE IF NOT EXISTS loket.batch (
        id          uuid PRIMARY KEY,
        workstation text NOT NULL REFERENCES loket.workstation(id),
        seq         bigint NOT NULL,
        sha256      text NOT NULL,
        entries     integer NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workstation, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS loket.refusal (
        id          bigserial PRIMARY KEY,
        workstation text,
        batch_id    text,
        reason      text NOT NULL,
        at          timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS loket.row (
        table_name text NOT NULL,
        row_id     text NOT NULL,
        data       jsonb NOT NULL,
        deleted    boolean NOT NULL DEFAULT false,
        meta       jsonb NOT NULL DEFAULT '{}',
        xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
        PRIMARY KEY (table_name, row_id)
    )""",
    "CREATE INDEX IF NOT EXISTS row_xid ON loket.row (xid)",
    """CREATE INDEX IF NOT EXISTS row_visitor_v_number ON loket.row ((data->>'v_number'))
        WHERE table_name = 'visitor' AND NOT deleted""",
    """CREATE INDEX IF NOT EXISTS row_visitor_bsn ON loket.row ((data->>'bsn'))
        WHERE table_name = 'visitor' AND NOT deleted""",
    """CREATE TABLE IF NOT EXISTS loket.conflict (
        id                   uuid PRIMARY KEY,
        table_name           text NOT NULL,
        row_id               text NOT NULL,
        field                text NOT NULL,
        base_value           jsonb,
        hub_value            jsonb,
        incoming_value       jsonb,
        hub_workstation      text,
        hub_staff            text,
        hub_at               text,
        incoming_workstation text NOT NULL,
        incoming_staff       text,
        incoming_at          text NOT NULL,
        desk_id              text,
        created_at           text NOT NULL,
        resolved_at          text,
        resolved_by          text,
        resolution           jsonb,
        batch_id             uuid NOT NULL,
        xid                  xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    "CREATE INDEX IF NOT EXISTS conflict_xid ON loket.conflict (xid)",
    """CREATE TABLE IF NOT EXISTS loket.task (
        id               uuid PRIMARY KEY,
        kind             text NOT NULL,
        visitor_id       text NOT NULL,
        other_visitor_id text NOT NULL,
        reason           text NOT NULL,
        created_at       text NOT NULL,
        closed_at        text,
        xid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
        UNIQUE (kind, visitor_id, other_visitor_id)
    )""",
    "CREATE INDEX IF NOT EXISTS task_xid ON loket.task (xid)",
    """CREATE TABLE IF NOT EXISTS loket.audit_row (
        workstation text NOT NULL REFERENCES loket.workstation(id),
        seq         bigint NOT NULL,
        hash        text NOT NULL,
        data        jsonb NOT NULL,
        PRIMARY KEY (workstation, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS loket.audit_quarantine (
        id          bigserial PRIMARY KEY,
        workstation text NOT NULL,
        batch_id    uuid NOT NULL,
        seq         bigint,
        reason      text NOT NULL,
        data        jsonb NOT NULL,
        at          timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS loket.checkpoint (
        seq       bigint PRIMARY KEY,
        at        text NOT NULL,
        heads     jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash      text NOT NULL,
        xid       xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    "CREATE INDEX IF NOT EXISTS checkpoint_xid ON loket.checkpoint (xid)",
]


def init_schema(conn) -> None:
    with conn.transaction():
        for statement in SCHEMA:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO loket.meta (key, value) VALUES ('schema_version', %s)"
            " ON CONFLICT (key) DO NOTHING",
            (str(SCHEMA_VERSION),),
        )


def has_schema(conn) -> bool:
    return conn.execute("SELECT to_regclass('loket.meta') IS NOT NULL").fetchone()[0]


def get_meta(conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM loket.meta WHERE key = %s", (key,)).fetchone()
    return None if row is None else row[0]


def put_meta(conn, key: str, value: str, *, replace: bool = False) -> None:
    action = "UPDATE SET value = excluded.value" if replace else "NOTHING"
    conn.execute(
        f"INSERT INTO loket.meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO {action}",
        (key, value),
    )


# -- workstations --------------------------------------------------------------------------
def add_workstation(
    conn, ws: str, name: str, desk_code: str | None, chain_key: bytes | None, role: str | None
) -> None:
    conn.execute(
        "INSERT INTO loket.workstation (id, name, desk_code, chain_key, role_name)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
        " desk_code = excluded.desk_code, chain_key = coalesce(excluded.chain_key,"
        " loket.workstation.chain_key), role_name = coalesce(excluded.role_name,"
        " loket.workstation.role_name)",
        (ws, name, desk_code, chain_key, role),
    )


def workstation_for_update(conn, ws: str) -> dict | None:
    cur = conn.execute(
        "SELECT id, name, desk_code, role_name, chain_key, last_seq, audit_seq, audit_head,"
        " audit_broken FROM loket.workstation WHERE id = %s FOR UPDATE",
        (ws,),
    )
    return _one(cur)


def workstations(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id, name, desk_code, role_name, last_seq, audit_seq, audit_head, audit_broken"
        " FROM loket.workstation ORDER BY id"
    )
    return _all(cur)


def set_workstation_progress(conn, ws: str, **values: Any) -> None:
    sets = ", ".join(f"{k} = %({k})s" for k in values)
    conn.execute(f"UPDATE loket.workstation SET {sets} WHERE id = %(ws)s", {**values, "ws": ws})


# -- batches -------------------------------------------------------------------------------
def batch(conn, batch_id: str) -> dict | None:
    cur = conn.execute(
        "SELECT id::text, workstation, seq, sha256 FROM loket.batch WHERE id = %s", (batch_id,)
    )
    return _one(cur)


def add_batch(conn, batch_id: str, ws: str, seq: int, sha: str, entries: int) -> None:
    conn.execute(
        "INSERT INTO loket.batch (id, workstation, seq, sha256, entries)"
        " VALUES (%s, %s, %s, %s, %s)",
        (batch_id, ws, seq, sha, entries),
    )


def add_refusal(conn, ws: str | None, batch_id: str | None, reason: str) -> None:
    conn.execute(
        "INSERT INTO loket.refusal (workstation, batch_id, reason) VALUES (%s, %s, %s)",
        (ws, batch_id, reason),
    )


def refusals(conn) -> list[dict]:
    return _all(conn.execute("SELECT workstation, batch_id, reason FROM loket.refusal ORDER BY id"))


# -- rows ----------------------------------------------------------------------------------
def row_for_update(conn, table: str, row_id: str) -> dict | None:
    cur = conn.execute(
        "SELECT data, deleted, meta FROM loket.row WHERE table_name = %s AND row_id = %s"
        " FOR UPDATE",
        (table, row_id),
    )
    return _one(cur)


def write_row(conn, table: str, row_id: str, data: dict, meta: dict, deleted: bool) -> None:
    conn.execute(
        "INSERT INTO loket.row (table_name, row_id, data, meta, deleted)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (table_name, row_id) DO UPDATE SET"
        " data = excluded.data, meta = excluded.meta, deleted = excluded.deleted,"
        " xid = pg_current_xact_id()",
        (table, row_id, _json(data), _json(meta), deleted),
    )


def rows_with_number(conn, column: str, number: str, other_than: str) -> list[str]:
    """Visitors at the hub holding this V-nummer or BSN, not anonymised, not `other_than`."""
    assert column in ("v_number", "bsn")
    cur = conn.execute(
        f"SELECT row_id FROM loket.row WHERE table_name = 'visitor' AND NOT deleted"
        f" AND data->>'{column}' = %s AND row_id <> %s"
        " AND (data->>'anonymised_at') IS NULL ORDER BY row_id",
        (number, other_than),
    )
    return [r[0] for r in cur.fetchall()]


def table_rows(conn, table: str) -> list[dict]:
    cur = conn.execute(
        "SELECT row_id, data FROM loket.row WHERE table_name = %s AND NOT deleted ORDER BY row_id",
        (table,),
    )
    return [{"row_id": r[0], "data": r[1]} for r in cur.fetchall()]


def count_rows(conn) -> int:
    return conn.execute("SELECT count(*) FROM loket.row WHERE NOT deleted").fetchone()[0]


# -- conflicts and tasks -------------------------------------------------------------------
def add_conflict(conn, c: dict) -> None:
    conn.execute(
        "INSERT INTO loket.conflict (id, table_name, row_id, field, base_value, hub_value,"
        " incoming_value, hub_workstation, hub_staff, hub_at, incoming_workstation,"
        " incoming_staff, incoming_at, desk_id, created_at, batch_id) VALUES (%(id)s,"
        " %(table_name)s, %(row_id)s, %(field)s, %(base_value)s, %(hub_value)s,"
        " %(incoming_value)s, %(hub_workstation)s, %(hub_staff)s, %(hub_at)s,"
        " %(incoming_workstation)s, %(incoming_staff)s, %(incoming_at)s, %(desk_id)s,"
        " %(created_at)s, %(batch_id)s)",
        {
            **c,
            "base_value": _json(c["base_value"]),
            "hub_value": _json(c["hub_value"]),
            "incoming_value": _json(c["incoming_value"]),
        },
    )


def resolve_conflict(conn, conflict_id: str, at: str, by: str | None, value: Any) -> bool:
    cur = conn.execute(
        "UPDATE loket.conflict SET resolved_at = %s, resolved_by = %s, resolution = %s,"
        " xid = pg_current_xact_id() WHERE id = %s AND resolved_at IS NULL",
        (at, by, _json(value), conflict_id),
    )
    return cur.rowcount == 1


def scrub_conflicts(conn, table: str, row_id: str) -> None:
    """An anonymised or erased row: its conflicts lose their values and are closed."""
    conn.execute(
        "UPDATE loket.conflict SET base_value = NULL, hub_value = NULL, incoming_value = NULL,"
        " resolution = NULL, resolved_at = coalesce(resolved_at, %s), resolved_by ="
        " coalesce(resolved_by, 'erasure'), xid = pg_current_xact_id()"
        " WHERE table_name = %s AND row_id = %s",
        (_now(), table, row_id),
    )


def _now() -> str:
    from loket.clock import now_iso

    return now_iso()


def conflicts(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id::text, table_name, row_id, field, base_value, hub_value, incoming_value,"
        " incoming_workstation, resolved_at FROM loket.conflict ORDER BY created_at, id"
    )
    return _all(cur)


def add_task(conn, task: dict) -> None:
    conn.execute(
        "INSERT INTO loket.task (id, kind, visitor_id, other_visitor_id, reason, created_at)"
        " VALUES (%(id)s, %(kind)s, %(visitor_id)s, %(other_visitor_id)s, %(reason)s,"
        " %(created_at)s) ON CONFLICT (kind, visitor_id, other_visitor_id) DO NOTHING",
        task,
    )


def tasks(conn) -> list[dict]:
    cur = conn.execute(
        "SELECT id::text, kind, visitor_id, other_visitor_id, reason FROM loket.task"
        " ORDER BY visitor_id, other_visitor_id"
    )
    return _all(cur)


# -- audit ---------------------------------------------------------------------------------
def add_audit_rows(conn, ws: str, rows: list[dict]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO loket.audit_row (workstation, seq, hash, data) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (workstation, seq) DO NOTHING",
            [(ws, r["seq"], r["hash"], _json(r)) for r in rows],
        )


def quarantine_audit(conn, ws: str, batch_id: str, seq: int | None, reason: str, data) -> None:
    conn.execute(
        "INSERT INTO loket.audit_quarantine (workstation, batch_id, seq, reason, data)"
        " VALUES (%s, %s, %s, %s, %s)",
        (ws, batch_id, seq, reason, _json(data)),
    )


def quarantined(conn) -> list[dict]:
    cur = conn.execute("SELECT workstation, seq, reason FROM loket.audit_quarantine ORDER BY id")
    return _all(cur)


def last_checkpoint_for_update(conn) -> dict | None:
    conn.execute("LOCK TABLE loket.checkpoint IN EXCLUSIVE MODE")
    cur = conn.execute(
        "SELECT seq, at, heads, prev_hash, hash FROM loket.checkpoint ORDER BY seq DESC LIMIT 1"
    )
    return _one(cur)


def add_checkpoint(conn, cp: dict) -> None:
    conn.execute(
        "INSERT INTO loket.checkpoint (seq, at, heads, prev_hash, hash)"
        " VALUES (%(seq)s, %(at)s, %(heads)s, %(prev_hash)s, %(hash)s)",
        {**cp, "heads": _json(cp["heads"])},
    )


def checkpoints(conn) -> list[dict]:
    cur = conn.execute("SELECT seq, at, heads, prev_hash, hash FROM loket.checkpoint ORDER BY seq")
    return _all(cur)


# -- the pull feed -------------------------------------------------------------------------
def feed(conn, cursor: int, tables: tuple[str, ...]) -> dict:
    """Everything written by a transaction with xid >= cursor, read in one snapshot, and the
    next cursor: that snapshot's xmin (every older transaction has ended, so none of its
    rows can appear later).  Rows at or above it come again next time: applying them is
    idempotent."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        nxt = int(snapshot.fetchone()[0])
        rows = conn.execute(
            "SELECT table_name, row_id, data, deleted FROM loket.row"
            " WHERE xid >= %s::text::xid8 AND table_name = ANY(%s) ORDER BY xid, table_name,"
            " row_id",
            (str(cursor), list(tables)),
        ).fetchall()
        conflict_rows = _all(
            conn.execute(
                "SELECT id::text, table_name, row_id, field, base_value, hub_value,"
                " incoming_value, hub_workstation, hub_staff, hub_at, incoming_workstation,"
                " incoming_staff, incoming_at, desk_id, created_at, resolved_at, resolved_by,"
                " resolution FROM loket.conflict WHERE xid >= %s::text::xid8 ORDER BY xid",
                (str(cursor),),
            )
        )
        task_rows = _all(
            conn.execute(
                "SELECT id::text, kind, visitor_id, other_visitor_id, reason, created_at,"
                " closed_at FROM loket.task WHERE xid >= %s::text::xid8",
                (str(cursor),),
            )
        )
        checkpoint_rows = _all(
            conn.execute(
                "SELECT seq, at, heads, prev_hash, hash FROM loket.checkpoint"
                " WHERE xid >= %s::text::xid8 ORDER BY seq",
                (str(cursor),),
            )
        )
    return {
        "cursor": nxt,
        "rows": [{"table": r[0], "row_id": r[1], "data": r[2], "deleted": r[3]} for r in rows],
        "conflicts": conflict_rows,
        "tasks": task_rows,
        "checkpoints": checkpoint_rows,
    }


# -- helpers -------------------------------------------------------------------------------
def _json(value: Any) -> str | None:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _one(cur) -> dict | None:
    row = cur.fetchone()
    if row is None:
        return None
    return {d.name: v for d, v in zip(cur.description, row, strict=True)}


def _all(cur) -> list[dict]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
