"""The hub receiving one batch: checked whole, applied exactly once, in one transaction.

A batch seen before (same id, same content) is acknowledged again and changes nothing; the
same id with other content, a batch of another PC, a gap in the PC's sequence or a
malformed entry is refused whole and logged, and nothing of it is applied.  The PC keeps a
refused batch.  Audit rows are verified against the PC's chain on arrival; a break is
quarantined and reported, not merged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid

from loket.clock import now_iso
from loket.db import hub as repo
from loket.errors import LoketError
from loket.sync import merge, tables

APPLIED, DUPLICATE = "applied", "duplicate"
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_SCALARS = (str, int, float, bool, type(None))


class BatchRefused(LoketError):
    """The hub refused a batch; `reason` is a short English code for the logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def seal(batch_id: str, seq: int, ws: str, created_at: str, entries: list[dict]) -> dict:
    """The exact bytes sent for a batch, and their SHA-256 (the PC stores both first)."""
    body = {"id": batch_id, "seq": seq, "workstation": ws, "created_at": created_at,
            "entries": entries}  # fmt: skip
    payload = repo.dumps(body)
    sha = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return {"id": batch_id, "seq": seq, "payload": payload, "sha256": sha, "created_at": created_at}


def _parse(ws: str, batch_id: str, seq: int, payload: str, sha: str) -> dict:
    if hashlib.sha256(payload.encode("utf-8")).hexdigest() != sha:
        raise BatchRefused("checksum")
    try:
        body = json.loads(payload)
        uuid.UUID(batch_id)
    except ValueError:
        raise BatchRefused("malformed") from None
    if not isinstance(body, dict) or body.get("id") != batch_id or body.get("seq") != seq:
        raise BatchRefused("malformed")
    if body.get("workstation") != ws:
        raise BatchRefused("other workstation")
    entries = body.get("entries")
    if not isinstance(entries, list):
        raise BatchRefused("malformed")
    for e in entries:
        if not isinstance(e, dict) or e.get("table") not in tables.SYNCED:
            raise BatchRefused("malformed entry")
        if e.get("op") not in ("I", "U", "D") or not isinstance(e.get("row_id"), str):
            raise BatchRefused("malformed entry")
        if not isinstance(e.get("staff"), str | None) or not isinstance(e.get("at"), str | None):
            raise BatchRefused("malformed entry")
        for part in ("old", "new"):
            values = e.get(part)
            if values is None:
                continue
            if not isinstance(values, dict) or not all(
                isinstance(k, str) and _NAME.match(k) and isinstance(v, _SCALARS)
                for k, v in values.items()
            ):
                raise BatchRefused("malformed entry")
    return body


def receive(conn, ws: str, batch_id: str, seq: int, payload: str, sha: str, keyer) -> str:
    """Apply one batch of this PC (`ws`, the workstation its role is enrolled as);
    APPLIED or DUPLICATE, or BatchRefused.  Every write goes through the hub's SECURITY
    DEFINER functions, which check that the PC writes as itself.  `keyer(visitor row)`
    gives the keyed index of a visitor as the hub now holds it (loket.sync.holdings); None
    for a hub that keeps no index yet (older than this PC)."""
    import psycopg

    try:
        with conn.transaction():
            body = _parse(ws, batch_id, seq, payload, sha)
            try:
                opened = repo.open_batch(conn, batch_id, seq, sha, len(body["entries"]))
            except psycopg.errors.RaiseException as err:
                raise BatchRefused(_reason(err)) from None
            if opened["state"] == "duplicate":
                return DUPLICATE
            if opened["id"] != ws:
                raise BatchRefused("other workstation")
            audit_rows = []
            try:
                for entry in body["entries"]:
                    if entry["table"] == tables.AUDIT:
                        audit_rows.append(entry)
                    else:
                        _apply(conn, ws, batch_id, entry, keyer)
                if audit_rows:
                    _audit(conn, opened, batch_id, audit_rows)
                    repo.checkpoint(conn, batch_id, now_iso())
            except psycopg.errors.RaiseException as err:
                raise BatchRefused(_reason(err)) from None
            return APPLIED
    except (BatchRefused, ValueError) as refused:
        reason = refused.reason if isinstance(refused, BatchRefused) else "malformed"
        with conn.transaction():
            repo.log_refusal(conn, batch_id, reason)
        if isinstance(refused, BatchRefused):
            raise
        raise BatchRefused(reason) from None


def _reason(err) -> str:
    text = (err.diag.message_primary or str(err)).removeprefix("loket: ")
    return text


def _apply(conn, ws: str, batch_id: str, entry: dict, keyer) -> None:
    table, row_id = entry["table"], entry["row_id"]
    hub_row = repo.row(conn, table, row_id)
    out = merge.apply_entry(hub_row, entry, ws)
    if out.changed:
        repo.put_row(conn, batch_id, table, row_id, out.data, out.meta, out.deleted)
    for c in out.conflicts:
        repo.add_conflict(
            conn,
            batch_id,
            {
                "id": str(uuid.uuid4()),
                "table_name": table,
                "row_id": row_id,
                "field": c["field"],
                "base_value": c["base"],
                "hub_value": c["hub"],
                "incoming_value": c["incoming"],
                "hub_workstation": c["hub_meta"].get("ws"),
                "hub_staff": c["hub_meta"].get("staff"),
                "hub_at": c["hub_meta"].get("at"),
                "incoming_staff": entry.get("staff"),
                "incoming_at": entry.get("at") or now_iso(),
                "desk_id": merge.desk_of(out.data),
                "created_at": now_iso(),
            },
        )
    if table in tables.ERASE_COLUMN and out.changed:
        if out.deleted or out.data.get(tables.ERASE_COLUMN[table]):
            # nothing of an erased row stays in its conflicts
            repo.scrub_conflicts(conn, batch_id, table, row_id, now_iso())
    if table == "visitor" and out.changed and keyer is not None:
        keys = [] if out.deleted else keyer(out.data)
        repo.put_keys(conn, batch_id, row_id, keys)
    if table == "visitor" and out.changed and not out.deleted:
        _possible_duplicates(conn, batch_id, row_id, out.data)


def _possible_duplicates(conn, batch_id: str, visitor_id: str, data: dict) -> None:
    """The same V-nummer or BSN on another visitor: a task for staff, never a merge."""
    if data.get(merge.ANONYMISED):
        return
    for column in ("v_number", "bsn"):
        number = data.get(column)
        if not number:
            continue
        for other in repo.rows_with_number(conn, column, str(number), visitor_id):
            a, b = sorted((visitor_id, other))
            repo.add_task(
                conn,
                batch_id,
                {"id": str(uuid.uuid4()), "kind": "possible_duplicate", "visitor_id": a,
                 "other_visitor_id": b, "reason": column, "created_at": now_iso()},
            )  # fmt: skip


def _audit(conn, station: dict, batch_id: str, entries: list[dict]) -> None:
    """Verify the PC's audit rows in order, continuing its chain; a break is quarantined."""
    from loket.privacy import audit

    seq, head = station["audit_seq"], station["audit_head"]
    key = bytes.fromhex(station["chain_key"]) if station.get("chain_key") else None
    good, quarantine, broken = [], [], station["audit_broken"]
    inserted = [e["new"] or {} for e in entries if e["op"] == "I"]
    rows = sorted(inserted, key=lambda r: r.get("seq") or 0)
    for e in entries:
        if e["op"] != "I":
            quarantine.append({"seq": None, "reason": "changed or removed", "data": e})
            broken = True
    for row in rows:
        reason = None
        if broken:
            reason = "after a break"
        elif row.get("seq") != seq + 1:
            reason = "missing rows"
        elif row.get("prev_hash") != head:
            reason = "out of order"
        else:
            text = str(row.get("hash"))
            if text.startswith(audit.HASH_V2):
                expected = audit.row_hash_v2(key, head, row) if key else None
            else:
                expected = audit.row_hash(head, row)
            if expected is None or not hmac.compare_digest(expected, text):
                reason = "edited" if expected is not None else "no chain key"
        if reason:
            broken = True
            quarantine.append({"seq": row.get("seq"), "reason": reason, "data": row})
            continue
        good.append(row)
        seq, head = row["seq"], row["hash"]
    repo.add_audit(conn, batch_id, good, quarantine, seq, head, broken)


def checkpoint_hash(cp: dict) -> str:
    """As the hub's loket.checkpoint() computes it, over the heads exactly as stored."""
    payload = "\x1f".join([cp["prev_hash"], str(cp["seq"]), cp["at"], cp["heads"]])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
