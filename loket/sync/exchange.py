"""Push and pull, the PC's two halves of a sync.

Push: the outbox's unsealed changes are sealed into batches (UUID + the PC's next sequence
number, the exact payload and its SHA-256 stored before anything is sent), then every
unacknowledged batch is sent in order.  A lost acknowledgement means the same batch is sent
again, which the hub acknowledges without applying it twice.  Decisions on conflicts and
on merge tasks go with it.  Pull: the hub's feed since the last cursor, applied with capture
off, never overwriting a field this PC has an unsent change for.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from loket.clock import now_iso
from loket.db import bulk, outbox, visitor_index
from loket.db import hub as hub_repo
from loket.db import merge as merge_repo
from loket.db import visitors as visitor_repo
from loket.db.connection import Database
from loket.sync import holdings, names, receive, tables

BATCH_SIZE = 500
log = logging.getLogger(__name__)


def seal_pending(db: Database, ws: str, batch_size: int = BATCH_SIZE) -> int:
    """Seal the outbox's unsealed changes into batches; returns how many were made."""
    made = 0
    while True:
        with db.transaction():
            rows = outbox.unsealed(db, batch_size)
            if not rows:
                return made
            entries = [
                {
                    "table": r["table_name"],
                    "row_id": r["row_id"],
                    "op": r["op"],
                    "old": json.loads(r["old"]) if r["old"] else None,
                    "new": json.loads(r["new"]) if r["new"] else None,
                    "at": r["at"],
                    "staff": r["staff"],
                }
                for r in rows
            ]
            sealed = receive.seal(
                str(uuid.uuid4()), outbox.next_batch_seq(db), ws, now_iso(), entries
            )
            outbox.store_batch(db, sealed, rows[0]["seq"], rows[-1]["seq"])
        made += 1


def push(db: Database, conn, ws: str) -> int:
    """Send every unacknowledged batch in order; returns how many the hub now holds."""
    seal_pending(db, ws)
    if outbox.get_state(db, "chain_key_registered") != "1":
        from loket.privacy import audit

        if hub_repo.register_chain_key(conn, audit.chain_key(db)):
            outbox.set_state(db, {"chain_key_registered": "1"})
    done = 0
    renumbered = False
    batches = outbox.unacked_batches(db)
    # the keyed index goes with each visitor, unless the hub is older (then none yet: its
    # `loket hub init` makes the index of every visitor it holds)
    keyer = holdings.keyer(db) if batches and hub_repo.knows_holdings(conn) else None

    while batches:
        batch = batches.pop(0)
        outbox.mark_sent(db, batch["seq"], now_iso())
        try:
            receive.receive(
                conn, ws, batch["id"], batch["seq"], batch["payload"], batch["sha256"], keyer
            )
        except receive.BatchRefused as refused:
            expected = _expected_seq(refused.reason)
            if renumbered or expected is None or expected <= batch["seq"]:
                raise
            # Restored from an older backup: the hub has later batches of this PC (their
            # rows come back with the pull).  This PC's new batches, which the hub never
            # saw, are sealed again after them.
            renumber(db, ws, expected)
            renumbered = True
            batches = outbox.unacked_batches(db)
            continue
        outbox.mark_acked(db, batch["seq"], now_iso())
        done += 1
    push_resolutions(db, conn)
    push_task_decisions(db, conn)
    return done


def _expected_seq(reason: str) -> int | None:
    import re

    m = re.match(r"sequence gap: expected (\d+), got (\d+)", reason)
    return int(m.group(1)) if m else None


def renumber(db: Database, ws: str, first: int) -> None:
    """Seal the unacknowledged batches again from sequence number `first` on, with new ids
    (the sequence number is part of what a batch's checksum covers)."""
    with db.transaction():
        pending = outbox.unacked_batches(db)
        for offset, batch in enumerate(reversed(pending)):
            new_seq = first + len(pending) - 1 - offset
            body = json.loads(batch["payload"])
            sealed = receive.seal(str(uuid.uuid4()), new_seq, ws, now_iso(), body["entries"])
            outbox.move_batch(db, batch["seq"], sealed)


def push_resolutions(db: Database, conn) -> int:
    todo = outbox.resolutions_to_push(db)
    if not todo:
        return 0
    with conn.transaction():
        for r in todo:
            value = json.loads(r["resolution"]) if r["resolution"] is not None else None
            hub_repo.resolve_conflict(conn, r["id"], r["resolved_at"], r["resolved_by"], value)
    outbox.mark_resolution_pushed(db, [r["id"] for r in todo], now_iso())
    return len(todo)


def push_task_decisions(db: Database, conn) -> int:
    """Staff's decisions on "possibly the same visitor" pairs (two people, or merged) to the
    hub's task for the pair, so that every other PC closes its own at its next pull.  Each
    is stamped only once the hub has it: a lost round sends it again, which the hub takes
    as already decided.  Returns how many were sent."""
    sent = 0
    while todo := merge_repo.decisions_to_push(db):
        try:
            with conn.transaction():
                for t in todo:
                    hub_repo.close_task(conn, t["visitor_a"], t["visitor_b"], t["reason"],
                                        t["status"], t["decided_at"] or now_iso(),
                                        t["decided_by"])  # fmt: skip
        except _older_hub() as err:
            log.warning("the hub cannot take merge task decisions yet (loket hub init): %s", err)
            return sent
        merge_repo.mark_decisions_pushed(db, [t["id"] for t in todo], now_iso())
        sent += len(todo)
    return sent


def record_contact(conn) -> None:
    """Tell the hub this PC was here (its administrators' "last contact"), once a round,
    a round that only pulls as well."""
    try:
        hub_repo.record_contact(conn)
    except _older_hub() as err:
        log.warning("the hub does not record contacts yet (loket hub init): %s", err)


def _older_hub() -> type[Exception]:
    """A hub whose schema is older than this PC (its administrator runs `loket hub init`):
    what needs the newer functions waits, the rest of the round goes on."""
    import psycopg

    return psycopg.errors.UndefinedFunction


def pull(db: Database, conn) -> int:
    """Apply the hub's feed since the last cursor; returns how many rows changed here."""
    cursor = int(outbox.get_state(db, "pull_cursor") or 0)
    changed = skipped = 0
    types: dict[str, dict[str, str]] = {}
    # A new PC's first pull fills empty tables: their indexes and triggers are set aside and
    # the search index, name keys and outcome counts built once at the end -- all in the
    # same transaction, so a crash leaves the file as it was.
    first = cursor == 0 and not bulk.has_visitors(db)
    with (
        hub_repo.feed(conn, cursor, tables.PULLED) as feed,
        db.transaction(),
        _first_pull(db, first),
        outbox.applying(db),
    ):
        pending = outbox.rows_with_pending(db)
        rows = feed["rows"]
        if first:
            # Tables still empty here are filled straight from the hub's COPY; the rest (the
            # seed, the accounts a new PC may hold already) row by row, as any pull.
            empty = [t for t in tables.PULLED if outbox.is_empty(db, t)]
            for table in empty:
                types[table] = outbox.column_types(db, table)
                n, bad = _bulk_insert(db, feed, table, types[table], pending)
                changed, skipped = changed + n, skipped + bad
            rows = feed["select"](tuple(t for t in tables.PULLED if t not in empty))
        for item in rows:
            table = item["table"]
            if table not in types:
                types[table] = outbox.column_types(db, table)
            try:
                with db.transaction():  # a savepoint: one bad row does not stop the pull
                    changed += _apply(db, item, types[table], (table, item["row_id"]) in pending)
            except sqlite3.IntegrityError as err:
                skipped += 1
                log.warning("pulled row %s %s not applied: %s", table, item["row_id"], err)
        # other desks' visitors: their keyed index (this desk's files came whole above), and
        # the files this PC fetched that changed at the hub since: fetched again below
        holdings.apply_keys(db, feed["keys"]())
        holdings.refresh_later(db, feed["changed_files"](visitor_index.fetched_ids(db)))
        for c in feed["conflicts"]:
            outbox.upsert_conflict(db, _conflict(c))
        waiting = json.loads(outbox.get_state(db, "tasks_waiting_for_files") or "[]")
        for t in feed["tasks"]:
            if not outbox.upsert_task(db, t) and outbox.task_lacks_a_file(db, t):
                waiting.append(t)
        merge_repo.follow_merges(db)  # a merge another PC did closes this PC's task for it
        for cp in feed["checkpoints"]:
            outbox.upsert_checkpoint(db, cp)
        state = {"pull_cursor": str(feed["cursor"]), "pull_skipped": str(skipped),
                 "hub_desk": feed["desk"]}  # fmt: skip
        if first and feed["desk"] is not None:
            state["holdings_tidied_rowid"] = "-1"  # a first pull of this desk's files only
        outbox.set_state(db, state)
        outbox.set_state(db, {"tasks_waiting_for_files": json.dumps(waiting) if waiting else None})
    _tasks_across_desks(db, conn)
    _refresh_fetched(db, conn)
    return changed


def _refresh_fetched(db: Database, conn) -> None:
    """Fetched files that must stay but were erased or merged away at the hub: fetched
    again, so the erasure (or the pointer to the kept file) reaches this copy too."""
    waiting = holdings.refresh_list(db)
    for visitor_id in waiting:
        fetch_file(db, conn, visitor_id, None, again=True)
        _audit_fetch(db, visitor_id, "refresh")
    if waiting:
        outbox.set_state(db, {holdings.REFRESH_STATE: None})


def _tasks_across_desks(db: Database, conn) -> None:
    """The hub's "possibly the same visitor" tasks of which one file is another desk's: that
    file is fetched (logged at the hub, kept while the task is open) and the task made."""
    waiting = json.loads(outbox.get_state(db, "tasks_waiting_for_files") or "[]")
    if not waiting:
        return
    for t in waiting:
        for visitor_id in (t["visitor_id"], t["other_visitor_id"]):
            if visitor_repo.get(db, visitor_id) is None:
                fetch_file(db, conn, visitor_id, None)
                _audit_fetch(db, visitor_id, "merge_task")
    with db.transaction():
        for t in waiting:
            outbox.upsert_task(db, t)
        outbox.set_state(db, {"tasks_waiting_for_files": None})


def _audit_fetch(db: Database, visitor_id: str, reason: str) -> None:
    """A file fetched by the sync itself (for a merge task across desks, or fetched again
    because it changed): in this PC's audit trail as staff's openings are (the hub logs it
    with no member of staff).  Its own transaction, outside applying(): the audit row goes
    to the hub with the PC's chain."""
    from loket.context import system_context
    from loket.privacy import audit

    with db.transaction():
        audit.record(system_context(db), action="visitor.fetch_hub", object_type="visitor",
                     object_id=visitor_id, detail={"by": "sync", "reason": reason})  # fmt: skip


def fetch_file(
    db: Database, conn, visitor_id: str, staff: str | None, *, again: bool = False
) -> int:
    """Bring another desk's file here whole (the hub logs who opened it); returns the rows
    applied.  Nothing of it goes back to the hub (capture is off while it is applied), and
    it is remembered as fetched (loket.sync.holdings.tidy removes it again later)."""
    with conn.transaction():
        rows = hub_repo.open_file(conn, visitor_id, staff)
        visitors = [r["row_id"] for r in rows if r["table"] == "visitor"]
        decided = [t for t in hub_repo.tasks_about(conn, visitors) if t["closed_at"]]
    if not rows:
        return 0
    with db.transaction(), outbox.applying(db):
        changed = apply_rows(db, rows)
        # fetched again (it changed at the hub): the copy keeps the time it first came
        visitor_index.mark_fetched(db, visitors, now_iso(), keep_time=again)
        for task in decided:  # a pair called two people elsewhere is not proposed here
            outbox.upsert_task(db, task)
    return changed


def apply_rows(db: Database, rows: list[dict]) -> int:
    """Apply rows as the feed gives them (inside outbox.applying()): a fetched file."""
    pending = outbox.rows_with_pending(db)
    types: dict[str, dict[str, str]] = {}
    changed = 0
    for item in rows:
        table = item["table"]
        if table not in tables.PULLED:
            continue
        if table not in types:
            types[table] = outbox.column_types(db, table)
        changed += _apply(db, item, types[table], (table, item["row_id"]) in pending)
    return changed


BULK_CHUNK = 20_000
FIRST_PULL_CACHE_KIB = -262_144  # 256 MiB


def _bulk_insert(
    db: Database, feed: dict, table: str, types: dict[str, str], pending: set
) -> tuple[int, int]:
    """Insert one empty table's pulled rows with executemany, BULK_CHUNK rows a statement.
    A row lacking a column, or with a change here the hub does not have yet, goes the slow
    way; a chunk that breaks a constraint is applied again row by row (the bad rows skipped
    and logged).  Returns (rows inserted, rows skipped)."""
    columns = list(types.items())
    key = list(types).index(tables.key_column(table))
    changed = skipped = 0
    chunk: list[tuple] = []

    def flush() -> None:
        nonlocal changed, skipped
        if not chunk:
            return
        try:
            with db.transaction():  # a savepoint
                outbox.insert_many(db, table, list(types), chunk)
            changed += len(chunk)
        except sqlite3.IntegrityError:
            for values in chunk:
                try:
                    with db.transaction():
                        outbox.insert_many(db, table, list(types), [values])
                    changed += 1
                except sqlite3.IntegrityError as err:
                    skipped += 1
                    log.warning("pulled row %s %s not applied: %s", table, values[key], err)
        chunk.clear()

    needed = [c for c in outbox.defaulted_columns(db, table) if c in types]
    for values in feed["table_rows"](table, columns, needed):
        whole = values[-1]
        if whole is None and (table, values[key]) not in pending:
            chunk.append(values[:-1])
            if len(chunk) >= BULK_CHUNK:
                flush()
            continue
        flush()
        data = json.loads(whole) if whole is not None else dict(zip(types, values, strict=False))
        item = {"table": table, "row_id": values[key], "data": data, "deleted": False}
        try:
            with db.transaction():
                changed += _apply(db, item, types, (table, values[key]) in pending)
        except sqlite3.IntegrityError as err:
            skipped += 1
            log.warning("pulled row %s %s not applied: %s", table, values[key], err)
    flush()
    return changed, skipped


@contextmanager
def _first_pull(db: Database, first: bool) -> Iterator[None]:
    if not first:
        yield
        return
    # A larger page cache while the indexes are built again: SQLite's sorter spills to
    # temporary files beyond it.  Memory only; put back afterwards.
    cache = db.scalar("PRAGMA cache_size")
    db.execute(f"PRAGMA cache_size = {FIRST_PULL_CACHE_KIB}")
    try:
        # The name search (search lines, full-text index, name keys) is built after the
        # pull, in chunks (`loket.sync.names`); this transaction marks it as still to do.
        with bulk.suspended_indexes(db, ("visitor", "visitor_search", "referral"), names=False):
            yield
        names.plan(db)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def _decode(data: dict, types: dict[str, str]) -> dict:
    out = {}
    for name, value in data.items():
        if name not in types:
            continue  # a column of a newer schema: kept at the hub, not here
        if types[name] == "BLOB" and isinstance(value, str):
            value = bytes.fromhex(value)
        out[name] = value
    return out


def _apply(db: Database, item: dict, types: dict[str, str], has_pending: bool) -> int:
    table, row_id = item["table"], item["row_id"]
    pending = (outbox.pending_fields(db, table, row_id) or set()) if has_pending else set()
    local = outbox.local_row(db, table, row_id)
    if item["deleted"]:
        if local is not None and "*" not in pending:
            outbox.delete_row(db, table, row_id)
            return 1
        return 0
    data = _decode(item["data"], types)
    if local is None:
        if "*" in pending:
            return 0  # removed here, not yet told to the hub
        outbox.insert_row(db, table, data)
        return 1
    diff = {k: v for k, v in data.items() if k not in pending and local.get(k) != v}
    outbox.update_row(db, table, row_id, diff)
    return 1 if diff else 0


def _conflict(c: dict) -> dict:
    def enc(value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    return {
        **c,
        "base_value": enc(c["base_value"]),
        "hub_value": enc(c["hub_value"]),
        "incoming_value": enc(c["incoming_value"]),
        "resolution": enc(c["resolution"]),
    }
