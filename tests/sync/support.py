"""Rows as the hub side writes them: sync_state keys, pulled conflicts, and changes waiting
in its outbox (written through its triggers)."""

from __future__ import annotations

import json

from loket.clock import new_id

_MISSING = object()


def set_state(db, **values) -> None:
    for key, value in values.items():
        db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def enrol(db) -> None:
    db.execute(
        "INSERT OR REPLACE INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES ('sync_enrolled', '1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'hub')"
    )


def waiting(db, n: int) -> None:
    """`n` changes waiting in the real outbox: `n` visitors written on an enrolled PC, each
    captured by the hub side's triggers (one outbox row per row not yet sealed)."""
    from loket.db import outbox

    before = outbox.waiting(db)
    with db.transaction():
        for i in range(n):
            db.execute(
                "INSERT INTO visitor (id, given_names, family_name, created_at, updated_at,"
                " workstation) VALUES (?, ?, 'Waiting', ?, ?, ?)",
                (new_id(), f"Visitor {i}", "2026-12-04T10:00:00Z", "2026-12-04T10:00:00Z",
                 db.workstation),
            )  # fmt: skip
    assert outbox.waiting(db) == before + n, "capture is off: enrol(db) first"


def conflict(
    db,
    table: str,
    row_id: str,
    field: str,
    *,
    base,
    hub,
    incoming,
    desk_id=None,
    created_at="2026-12-04T10:00:00Z",
    **extra,
) -> str:
    cid = extra.pop("id", new_id())
    row = {
        "id": cid,
        "table_name": table,
        "row_id": row_id,
        "field": field,
        "base_value": json.dumps(base),
        "hub_value": json.dumps(hub),
        "incoming_value": json.dumps(incoming),
        "hub_workstation": "pc-amsterdam-2",
        "hub_staff": "fatima",
        "hub_at": "2026-12-04T09:12:00Z",
        "incoming_workstation": db.workstation,
        "incoming_staff": "balie",
        "incoming_at": "2026-12-04T09:40:00Z",
        "desk_id": desk_id,
        "created_at": created_at,
        **extra,
    }
    cols = ", ".join(row)
    db.execute(
        f"INSERT INTO sync_conflict ({cols}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()),
    )
    return cid
