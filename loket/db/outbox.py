"""The PC side's SQL for the hub: capture triggers, the outbox, sealed batches, applying pulled
rows with capture off, and the sync bookkeeping tables (schema version 8).

The capture triggers are generated from the synced tables' current columns
(`install_triggers`, run after every migration), so a column a later migration adds is
captured without anyone editing a trigger.  Each trigger writes into `sync_outbox` in the
same transaction as the change; while `sync_apply` holds a row (only inside `applying()`),
they stay silent, and so they do on a PC that is not enrolled at a hub.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from loket.db.connection import Database
from loket.sync import tables

TRIGGER_PREFIX = "sync_capture_"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def captured_columns(db: Database, table: str) -> list[tuple[str, str]]:
    """(column, declared type) of `table` that its triggers capture."""
    local = tables.LOCAL_COLUMNS.get(table, ())
    return [
        (r["name"], str(r["type"]).upper())
        for r in db.all(f"PRAGMA table_info({_q(table)})")
        if r["name"] not in local
    ]


def _value(ref: str, column: str, kind: str) -> str:
    expr = f"{ref}.{_q(column)}"
    if kind == "BLOB":  # JSON holds no BLOB: hex, decoded again when applied
        return f"CASE WHEN {expr} IS NULL THEN NULL ELSE hex({expr}) END"
    return expr


def _object(ref: str, columns: list[tuple[str, str]]) -> str:
    pairs = ", ".join(f"'{c}', {_value(ref, c, k)}" for c, k in columns)
    return f"json_object({pairs})"


def trigger_sql(db: Database, table: str) -> dict[str, str]:
    """The three capture triggers of `table`: name -> CREATE TRIGGER statement.

    Changes of a row not yet sealed into a batch are folded into its one outbox row (an
    insert followed by edits is sent as the insert of the final row; edits after edits keep
    the first base): the outbox stays small, and values overwritten before they were sent
    leave nothing behind.  Append-only records are applied as they come and need no base;
    an anonymisation needs none either (it wins), so neither keeps the old values."""
    columns = captured_columns(db, table)
    key = tables.key_column(table)
    # Only an enrolled PC captures (a PC on its own keeps no outbox); enrolment queues what
    # it already holds (capture_existing).
    quiet = (
        "NOT EXISTS (SELECT 1 FROM sync_apply) AND EXISTS (SELECT 1 FROM setting"
        " WHERE key = 'sync_enrolled' AND value = '1')"
    )
    now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    changed = " OR ".join(f"old.{_q(c)} IS NOT new.{_q(c)}" for c, _ in columns)
    t = _q(table)
    name = TRIGGER_PREFIX + table
    new_row = _object("new", columns)
    if table in tables.APPEND_ONLY:
        old_row, keep_old = "NULL", "NULL"
    elif table in tables.ERASE_COLUMN:
        col = _q(tables.ERASE_COLUMN[table])
        erasing = f"old.{col} IS NULL AND new.{col} IS NOT NULL"
        old_row = f"CASE WHEN {erasing} THEN NULL ELSE {_object('old', columns)} END"
        keep_old = f"CASE WHEN {erasing} THEN NULL ELSE old END"
    else:
        old_row, keep_old = _object("old", columns), "old"
    unsealed = (
        f"SELECT max(seq) FROM sync_outbox WHERE table_name = '{table}' AND row_id ="
        f" new.{_q(key)} AND batch_seq IS NULL AND acked_at IS NULL AND op IN ('I', 'U')"
    )
    return {
        f"{name}_i": (
            f"CREATE TRIGGER {name}_i AFTER INSERT ON {t} WHEN {quiet} BEGIN "
            "INSERT INTO sync_outbox (table_name, row_id, op, old, new, at, staff) VALUES "
            f"('{table}', new.{_q(key)}, 'I', NULL, {new_row}, {now}, loket_actor()); END"
        ),
        f"{name}_u": (
            f"CREATE TRIGGER {name}_u AFTER UPDATE ON {t} WHEN {quiet} AND ({changed}) BEGIN "
            f"UPDATE sync_outbox SET new = {new_row}, old = {keep_old}, at = {now},"
            f" staff = loket_actor() WHERE seq = ({unsealed}); "
            "INSERT INTO sync_outbox (table_name, row_id, op, old, new, at, staff) "
            f"SELECT '{table}', new.{_q(key)}, 'U', {old_row}, {new_row}, {now}, loket_actor()"
            f" WHERE ({unsealed}) IS NULL; END"
        ),
        f"{name}_d": (
            f"CREATE TRIGGER {name}_d AFTER DELETE ON {t} WHEN {quiet} BEGIN "
            f"DELETE FROM sync_outbox WHERE table_name = '{table}' AND row_id = old.{_q(key)}"
            " AND batch_seq IS NULL AND acked_at IS NULL; "
            "INSERT INTO sync_outbox (table_name, row_id, op, old, new, at, staff) VALUES "
            f"('{table}', old.{_q(key)}, 'D', NULL, NULL, {now}, loket_actor()); END"
        ),
    }


def install_triggers(db: Database) -> int:
    """(Re)make every capture trigger that is missing or out of date; idempotent.  Returns
    how many were (re)made.  Before schema version 8 there is no outbox: nothing to do."""
    if db.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_outbox'") is None:
        return 0
    existing = {
        r["name"]: r["sql"]
        for r in db.all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }
    wanted = {}
    for table in tables.SYNCED:
        wanted.update(trigger_sql(db, table))
    stale = [n for n in existing if n.startswith(TRIGGER_PREFIX) and n not in wanted]
    todo = {n: sql for n, sql in wanted.items() if existing.get(n) != sql}
    if not todo and not stale:
        return 0
    with db.transaction():
        for name in stale + list(todo):
            db.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")
        for sql in todo.values():
            db.execute(sql)
    return len(todo)


def capture_existing(db: Database) -> int:
    """Queue every row of the synced tables that no trigger captured (rows from before
    schema version 8, or loaded in bulk with the triggers off), once, at enrolment.  The
    audit trail is queued whole, in order, so the hub can verify the chain from its start.
    Returns how many rows were queued."""
    now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    before = int(db.scalar("SELECT coalesce(max(seq), 0) FROM sync_outbox"))
    with db.transaction():
        db.execute(
            "DELETE FROM sync_outbox WHERE table_name = ? AND batch_seq IS NULL",
            (tables.AUDIT,),
        )
        # a visitor's file parents first (visit before its referrals and needs): the hub
        # finds each row's visitor through its parent when it is put
        files = [t for t in tables.FILE_TABLES if t in tables.SYNCED]
        shared = [t for t in tables.SYNCED if t not in files and t != tables.AUDIT]
        for table in [*shared, *files, tables.AUDIT]:
            key = _q(tables.key_column(table))
            order = "r.seq" if table == tables.AUDIT else f"r.{key}"
            values = _object("r", captured_columns(db, table))
            db.execute(
                "INSERT INTO sync_outbox (table_name, row_id, op, old, new, at)"
                f" SELECT '{table}', r.{key}, 'I', NULL, {values},"
                f" {now} FROM {_q(table)} AS r WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o"
                f" WHERE o.table_name = '{table}' AND o.row_id = r.{key}) ORDER BY {order}"
            )
    return int(db.scalar("SELECT count(*) FROM sync_outbox WHERE seq > ?", (before,)))


def trigger_names(db: Database) -> set[str]:
    return {r["name"] for r in db.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


# -- the outbox and batches ----------------------------------------------------------------
def waiting(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM sync_outbox WHERE acked_at IS NULL"))


def unsealed(db: Database, limit: int) -> list[dict]:
    rows = db.all(
        "SELECT seq, table_name, row_id, op, old, new, at, staff FROM sync_outbox"
        " WHERE acked_at IS NULL AND batch_seq IS NULL ORDER BY seq LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]


def next_batch_seq(db: Database) -> int:
    return int(db.scalar("SELECT coalesce(max(seq), 0) + 1 FROM sync_batch"))


def store_batch(db: Database, batch: dict, first: int, last: int) -> None:
    db.execute(
        "INSERT INTO sync_batch (seq, id, payload, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
        (batch["seq"], batch["id"], batch["payload"], batch["sha256"], batch["created_at"]),
    )
    db.execute(
        "UPDATE sync_outbox SET batch_seq = ? WHERE seq BETWEEN ? AND ?"
        " AND acked_at IS NULL AND batch_seq IS NULL",
        (batch["seq"], first, last),
    )


def move_batch(db: Database, old_seq: int, batch: dict) -> None:
    """Give an unacknowledged batch a new sequence number, id and seal (see renumber)."""
    db.execute(
        "INSERT INTO sync_batch (seq, id, payload, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
        (batch["seq"], batch["id"], batch["payload"], batch["sha256"], batch["created_at"]),
    )
    db.execute("UPDATE sync_outbox SET batch_seq = ? WHERE batch_seq = ?", (batch["seq"], old_seq))
    db.execute("DELETE FROM sync_batch WHERE seq = ?", (old_seq,))


def unacked_batches(db: Database) -> list[dict]:
    return [
        dict(r)
        for r in db.all(
            "SELECT seq, id, payload, sha256, created_at FROM sync_batch"
            " WHERE acked_at IS NULL ORDER BY seq"
        )
    ]


def mark_sent(db: Database, seq: int, at: str) -> None:
    with db.transaction():
        db.execute("UPDATE sync_batch SET sent_at = ? WHERE seq = ?", (at, seq))


def mark_acked(db: Database, seq: int, at: str) -> None:
    """The hub has the batch: its outbox rows are done (deleted: the hub keeps them)."""
    with db.transaction():
        # the hub has it: the payload (which may hold erased data) is not kept
        db.execute("UPDATE sync_batch SET acked_at = ?, payload = '' WHERE seq = ?", (at, seq))
        db.execute("DELETE FROM sync_outbox WHERE batch_seq = ?", (seq,))


def rows_with_pending(db: Database) -> set[tuple[str, str]]:
    """(table, row id) of every row with a change the hub does not have yet."""
    return {
        (r[0], r[1])
        for r in db.all(
            "SELECT DISTINCT table_name, row_id FROM sync_outbox WHERE acked_at IS NULL"
        )
    }


def pending_fields(db: Database, table: str, row_id: str) -> set[str] | None:
    """Fields of a row with a change the hub does not have yet; None: none at all."""
    rows = db.all(
        "SELECT op, old, new FROM sync_outbox WHERE table_name = ? AND row_id = ?"
        " AND acked_at IS NULL",
        (table, row_id),
    )
    if not rows:
        return None
    fields: set[str] = set()
    for r in rows:
        old = json.loads(r["old"]) if r["old"] else {}
        new = json.loads(r["new"]) if r["new"] else {}
        if r["op"] == "U":
            fields.update(k for k in new if k not in old or new.get(k) != old.get(k))
        else:
            fields.update(old or new)
            fields.add("*")  # the row itself was made or removed here
    return fields


# -- applying pulled rows ------------------------------------------------------------------
@contextmanager
def applying(db: Database) -> Iterator[None]:
    """One transaction in which the capture triggers are off and foreign keys are checked at
    the end (pulled rows come in the hub's order, a child may come before its parent)."""
    with db.transaction():
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute("INSERT INTO sync_apply (flag) VALUES (1)")
        yield
        db.execute("DELETE FROM sync_apply")


def local_row(db: Database, table: str, row_id: str) -> dict | None:
    key = tables.key_column(table)
    row = db.one(f"SELECT * FROM {_q(table)} WHERE {_q(key)} = ?", (row_id,))
    return dict(row) if row is not None else None


def column_types(db: Database, table: str) -> dict[str, str]:
    return dict(captured_columns(db, table))


def insert_row(db: Database, table: str, values: dict) -> None:
    cols = list(values)
    db.execute(
        f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))})"
        f" VALUES ({', '.join('?' for _ in cols)})",
        tuple(values[c] for c in cols),
    )


def defaulted_columns(db: Database, table: str) -> list[str]:
    """Columns of `table` with a DEFAULT: a pulled row that lacks one is inserted without it."""
    return [r["name"] for r in db.all(f"PRAGMA table_info({_q(table)})") if r["dflt_value"]]


def is_empty(db: Database, table: str) -> bool:
    return db.one(f"SELECT 1 FROM {_q(table)} LIMIT 1") is None


def insert_many(db: Database, table: str, columns: list[str], rows: list[tuple]) -> None:
    db.conn.executemany(
        f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))})"
        f" VALUES ({', '.join('?' for _ in columns)})",
        rows,
    )


def update_row(db: Database, table: str, row_id: str, values: dict) -> None:
    if not values:
        return
    key = tables.key_column(table)
    sets = ", ".join(f"{_q(c)} = ?" for c in values)
    db.execute(f"UPDATE {_q(table)} SET {sets} WHERE {_q(key)} = ?", (*values.values(), row_id))


def delete_row(db: Database, table: str, row_id: str) -> None:
    key = tables.key_column(table)
    db.execute(f"DELETE FROM {_q(table)} WHERE {_q(key)} = ?", (row_id,))


# -- sync_state, conflicts, tasks, checkpoints ---------------------------------------------
def set_state(db: Database, values: dict[str, str | None]) -> None:
    with db.transaction(essential=True):
        for key, value in values.items():
            db.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def get_state(db: Database, key: str) -> str | None:
    row = db.one("SELECT value FROM sync_state WHERE key = ?", (key,))
    return None if row is None else row["value"]


CONFLICT_COLUMNS = (
    "id", "table_name", "row_id", "field", "base_value", "hub_value", "incoming_value",
    "hub_workstation", "hub_staff", "hub_at", "incoming_workstation", "incoming_staff",
    "incoming_at", "desk_id", "created_at", "resolved_at", "resolved_by", "resolution",
)  # fmt: skip


def upsert_conflict(db: Database, conflict: dict) -> None:
    """A conflict as the hub has it.  A decision taken on this PC is never undone by a pull
    of the same conflict that does not carry it yet."""
    cols = CONFLICT_COLUMNS
    updates = ", ".join(
        f"{c} = coalesce(sync_conflict.{c}, excluded.{c})"
        if c in ("resolved_at", "resolved_by", "resolution")
        else f"{c} = excluded.{c}"
        for c in cols
        if c != "id"
    )
    db.execute(
        f"INSERT INTO sync_conflict ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        f" ON CONFLICT (id) DO UPDATE SET {updates}",
        tuple(conflict.get(c) for c in cols),
    )


def resolutions_to_push(db: Database) -> list[dict]:
    return [
        dict(r)
        for r in db.all(
            "SELECT id, resolved_at, resolved_by, resolution FROM sync_conflict"
            " WHERE resolved_at IS NOT NULL AND resolution_pushed_at IS NULL"
        )
    ]


def mark_resolution_pushed(db: Database, ids: list[str], at: str) -> None:
    with db.transaction():
        for conflict_id in ids:
            db.execute(
                "UPDATE sync_conflict SET resolution_pushed_at = ? WHERE id = ?",
                (at, conflict_id),
            )


def upsert_task(db: Database, task: dict) -> bool:
    """A task the hub pulled ("possibly the same visitor": the same V-nummer or BSN on two
    PCs) becomes this PC's merge task for the pair, unless the pair has one already (open,
    merged or dismissed) or either file is not here.  A task the hub has closed because
    staff on a PC decided it (`outcome`) closes this PC's task for the pair the same way
    (`merge.follow_decision`).  True when a task was added or closed."""
    from loket.db import merge

    a, b = task.get("visitor_id"), task.get("other_visitor_id")
    if task.get("kind") == "possible_duplicate" and task.get("closed_at") and task.get("outcome"):
        return merge.follow_decision(
            db, a, b, task.get("reason"), task["outcome"], task["closed_at"], task.get("closed_by")
        )
    if (
        task.get("kind") != "possible_duplicate"
        or task.get("closed_at")
        or task.get("reason") not in ("v_number", "bsn")
        or not a
        or not b
        or a == b
        or db.scalar("SELECT count(*) FROM visitor WHERE id IN (?, ?)", (a, b)) != 2
    ):
        return False
    return merge.add_task(db, a, b, task["reason"], None)


def task_lacks_a_file(db: Database, task: dict) -> bool:
    """An open task of the hub of which one file is this desk's and the other is not here
    (another desk's: a PC holds its own desk's files; a copy fetched here does not count,
    so a third desk's PC fetches nothing for it)."""
    from loket.db import merge

    a, b = task.get("visitor_id"), task.get("other_visitor_id")
    if task.get("closed_at") or not a or not b or a == b:
        return False
    if merge.task_for_pair(db, a, b) is not None:
        return False
    # one of the two this desk's (here, and not a copy fetched from another desk)
    return (
        db.scalar(
            "SELECT count(*) FROM visitor WHERE id IN (?, ?)"
            " AND id NOT IN (SELECT visitor_id FROM visitor_fetched)",
            (a, b),
        )
        == 1
        and db.scalar("SELECT count(*) FROM visitor WHERE id IN (?, ?)", (a, b)) == 1
    )


def upsert_checkpoint(db: Database, cp: dict) -> None:
    db.execute(
        "INSERT OR IGNORE INTO sync_checkpoint (seq, at, heads, prev_hash, hash)"
        " VALUES (:seq, :at, :heads, :prev_hash, :hash)",
        cp,
    )


def checkpoints(db: Database) -> list[dict]:
    return [dict(r) for r in db.all("SELECT * FROM sync_checkpoint ORDER BY seq")]


def open_conflicts(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL"))


def setting(db: Database, key: str) -> str | None:
    row = db.one("SELECT value FROM setting WHERE key = ?", (key,))
    return None if row is None else row["value"]


def sync_workstation(db: Database) -> str:
    """The workstation id the hub gave this PC at enrolment (its identity in batches, roles
    and checkpoints); row stamps keep the database's own `workstation`."""
    return setting(db, "sync_workstation") or db.workstation


def put_setting(db: Database, key: str, value: str) -> None:
    stamp = db.stamp()
    db.execute(
        "INSERT INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
        " updated_at = excluded.updated_at",
        (key, value, stamp["created_at"], stamp["updated_at"], stamp["workstation"]),
    )
