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


def receive(conn, ws: str, batch_id: str, seq: int, payload: str, sha: str) -> str:
    """Apply one batch of workstation `ws`; APPLIED or DUPLICATE, or BatchRefused."""
    try:
        with conn.transaction():
            station = repo.workstation_for_update(conn, ws)
            if station is None:
                raise BatchRefused("not enrolled")
            seen = repo.batch(conn, batch_id)
            if seen is not None:
                if seen["sha256"] == sha and seen["workstation"] == ws and seen["seq"] == seq:
                    return DUPLICATE
                raise BatchRefused("same id, other content")
            if seq != station["last_seq"] + 1:
                raise BatchRefused(f"sequence gap: expected {station['last_seq'] + 1}, got {seq}")
            body = _parse(ws, batch_id, seq, payload, sha)
            repo.add_batch(conn, batch_id, ws, seq, sha, len(body["entries"]))
            audit_rows = []
            for entry in body["entries"]:
                if entry["table"] == tables.AUDIT:
                    audit_rows.append(entry)
                else:
                    _apply(conn, ws, batch_id, entry)
            progress = {"last_seq": seq}
            if audit_rows:
                progress.update(_audit(conn, station, batch_id, audit_rows))
            repo.set_workstation_progress(conn, ws, **progress)
            if audit_rows:
                checkpoint(conn)
            return APPLIED
    except BatchRefused as refused:
        with conn.transaction():
            repo.add_refusal(conn, ws, batch_id, refused.reason)
        raise


def _apply(conn, ws: str, batch_id: str, entry: dict) -> None:
    table, row_id = entry["table"], entry["row_id"]
    hub_row = repo.row_for_update(conn, table, row_id)
    out = merge.apply_entry(hub_row, entry, ws)
    if out.changed:
        repo.write_row(conn, table, row_id, out.data, out.meta, out.deleted)
    for c in out.conflicts:
        repo.add_conflict(
            conn,
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
                "incoming_workstation": ws,
                "incoming_staff": entry.get("staff"),
                "incoming_at": entry.get("at") or now_iso(),
                "desk_id": merge.desk_of(out.data),
                "created_at": now_iso(),
                "batch_id": batch_id,
            },
        )
    if table in tables.ERASE_COLUMN and out.changed:
        if out.deleted or out.data.get(tables.ERASE_COLUMN[table]):
            repo.scrub_conflicts(conn, table, row_id)  # nothing of an erased row stays
    if table == "visitor" and out.changed and not out.deleted:
        _possible_duplicates(conn, row_id, out.data)


def _possible_duplicates(conn, visitor_id: str, data: dict) -> None:
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
                {"id": str(uuid.uuid4()), "kind": "possible_duplicate", "visitor_id": a,
                 "other_visitor_id": b, "reason": column, "created_at": now_iso()},
            )  # fmt: skip


def _audit(conn, station: dict, batch_id: str, entries: list[dict]) -> dict:
    """Verify the PC's audit rows in order, continuing its chain; a break is quarantined."""
    from loket.privacy import audit

    seq, head = station["audit_seq"], station["audit_head"]
    key = bytes(station["chain_key"]) if station["chain_key"] is not None else None
    good, broken = [], station["audit_broken"]
    inserted = [e["new"] or {} for e in entries if e["op"] == "I"]
    rows = sorted(inserted, key=lambda r: r.get("seq") or 0)
    for e in entries:
        if e["op"] != "I":
            repo.quarantine_audit(conn, station["id"], batch_id, None, "changed or removed", e)
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
            repo.quarantine_audit(conn, station["id"], batch_id, row.get("seq"), reason, row)
            continue
        good.append(row)
        seq, head = row["seq"], row["hash"]
    repo.add_audit_rows(conn, station["id"], good)
    return {"audit_seq": seq, "audit_head": head, "audit_broken": broken}


def checkpoint(conn) -> dict:
    """Append a checkpoint of every PC's last audit seq and head hash to the hub's chain."""
    last = repo.last_checkpoint_for_update(conn)
    heads = {
        w["id"]: {"seq": w["audit_seq"], "head": w["audit_head"]} for w in repo.workstations(conn)
    }
    prev = last["hash"] if last else "0" * 64
    cp = {"seq": (last["seq"] + 1) if last else 1, "at": now_iso(), "heads": heads,
          "prev_hash": prev}  # fmt: skip
    cp["hash"] = checkpoint_hash(cp)
    repo.add_checkpoint(conn, cp)
    return cp


def checkpoint_hash(cp: dict) -> str:
    heads = cp["heads"] if isinstance(cp["heads"], str) else repo.dumps(cp["heads"])
    payload = "\x1f".join([cp["prev_hash"], str(cp["seq"]), cp["at"], heads])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
