"""The hub's merge rules, per field, as plain functions (no SQL): what an incoming change
does to the hub's copy of a row.

An edit carries the value the PC saw before it (the base) and the new value.  Against the
hub's current value: base = hub → applied; hub = new already → nothing to do; otherwise a
conflict and the hub keeps its value until staff decide.  PC clocks are never compared.
Append-only records cannot conflict; a referral's status is a transition of the state
machine (a legal step from the hub's status is applied); anonymisation and erasure win over
edits; row stamps follow the change that applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loket.referrals.model import TRANSITIONS
from loket.sync import tables

ANONYMISED = "anonymised_at"


@dataclass
class Outcome:
    data: dict[str, Any]
    meta: dict[str, Any]
    deleted: bool
    changed: bool = False
    conflicts: list[dict] = field(default_factory=list)  # field, base, hub, incoming


def _who(entry: dict, ws: str) -> dict:
    return {"ws": ws, "staff": entry.get("staff"), "at": entry.get("at")}


def apply_entry(hub: dict | None, entry: dict, ws: str) -> Outcome:
    """`hub`: the hub's row ({data, deleted, meta}) or None; `entry`: one outbox change."""
    table, op = entry["table"], entry["op"]
    old, new = entry.get("old") or {}, entry.get("new") or {}
    who = _who(entry, ws)
    if hub is None:
        if op == "D":
            return Outcome({}, {}, True, changed=True)
        data = dict(new)
        return Outcome(data, {k: who for k in data}, False, changed=True)
    data, meta = dict(hub["data"]), dict(hub["meta"] or {})
    if hub["deleted"]:
        return Outcome(data, meta, True)  # erasure wins: nothing comes back
    if op == "D":
        return Outcome({}, {}, True, changed=True)  # nothing of an erased row stays behind
    if op == "I":
        old = {}  # made on two PCs with one id (a shared seed): every differing field is news
    append_only = table in tables.APPEND_ONLY
    forced = append_only or (table == "visitor" and new.get(ANONYMISED) and not old.get(ANONYMISED))
    if table == "visitor" and data.get(ANONYMISED) and not forced:
        return Outcome(data, meta, False)  # anonymised at the hub: edits are dropped
    out = Outcome(data, meta, False)
    applied = False
    greatest = tables.GREATEST_COLUMNS.get(table, ())
    for name, value in new.items():
        if name in tables.STAMP_COLUMNS:
            continue
        base, current = old.get(name), data.get(name, None)
        if op == "U" and value == base and name in old:
            continue  # not changed by this edit
        if current == value and name in data:
            continue
        if forced or name not in data:
            decision = "apply"
        elif name in greatest:
            decision = "apply" if (value or "") > (current or "") else "keep"
        elif op == "U" and current == base:
            decision = "apply"
        elif table == "referral" and name == "status" and value in TRANSITIONS.get(current, ()):
            decision = "apply"  # a legal next step from where the hub is
        else:
            decision = "conflict"
        if decision == "apply":
            data[name] = value
            meta[name] = who
            applied = True
        elif decision == "conflict":
            out.conflicts.append(
                {"field": name, "base": base if op == "U" else None, "hub": current,
                 "incoming": value, "hub_meta": meta.get(name) or {}}
            )  # fmt: skip
    if applied:
        for name in tables.STAMP_COLUMNS:
            if name in new and (name != "created_at" or name not in data):
                data[name] = new[name]
    out.changed = applied
    return out


def desk_of(data: dict) -> str | None:
    return data.get("desk_id")
