"""SQL of referrals, their status history and the visitor's consent for a warm handover."""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

OPEN_STATUSES = ("proposed", "sent", "accepted")

_LIST_SELECT = """
SELECT r.*, s.name AS service_name, o.name AS organization_name, s.is_escalation,
       s.warm_handover AS service_warm_handover, v.visitor_id, v.desk_id, v.visit_date,
       vr.given_names, vr.family_name, st.display_name AS staff_name,
       l.city AS location_city,
       rc.share_name AS consent_name, rc.share_contact AS consent_contact,
       rc.share_needs AS consent_needs, rc.share_summary AS consent_summary,
       rc.given_at AS consent_at, cs.display_name AS consent_by
FROM referral r
JOIN service s ON s.id = r.service_id
JOIN organisation o ON o.id = s.organization_id
JOIN visit v ON v.id = r.visit_id
JOIN visitor vr ON vr.id = v.visitor_id
LEFT JOIN staff st ON st.id = r.staff_id
LEFT JOIN location l ON l.id = r.location_id
LEFT JOIN referral_consent rc ON rc.referral_id = r.id
LEFT JOIN staff cs ON cs.id = rc.recorded_by
"""


def visit_info(db: Database, visit_id: str) -> sqlite3.Row | None:
    """The visit with what routing and a handover need from its visitor and desk."""
    return db.one(
        "SELECT v.id, v.visitor_id, v.desk_id, v.visit_date, v.language, v.interpreter_language,"
        " v.summary,"
        " d.city AS desk_city, vr.city AS visitor_city, vr.preferred_language,"
        " vr.given_names, vr.family_name,"
        " vr.phone, vr.email, vr.v_number, vr.bsn, vr.anonymised_at"
        " FROM visit v JOIN desk d ON d.id = v.desk_id JOIN visitor vr ON vr.id = v.visitor_id"
        " WHERE v.id = ?",
        (visit_id,),
    )


def visit_needs(db: Database, visit_id: str) -> list[str]:
    rows = db.all(
        "SELECT vn.need_code FROM visit_need vn LEFT JOIN need n ON n.code = vn.need_code"
        " WHERE vn.visit_id = ? ORDER BY n.sort_order, vn.need_code",
        (visit_id,),
    )
    return [r["need_code"] for r in rows]


def referral_needs(db: Database, visit_id: str, service_id: str) -> list[str]:
    """The visit's needs that this service serves: what a referral to it is about."""
    rows = db.all(
        "SELECT vn.need_code FROM visit_need vn LEFT JOIN need n ON n.code = vn.need_code"
        " WHERE vn.visit_id = ? AND vn.need_code IN"
        " (SELECT need_code FROM service_need WHERE service_id = ?)"
        " ORDER BY n.sort_order, vn.need_code",
        (visit_id, service_id),
    )
    return [r["need_code"] for r in rows]


def visitor_numbers(db: Database, visitor_id: str) -> sqlite3.Row | None:
    return db.one("SELECT v_number, bsn FROM visitor WHERE id = ?", (visitor_id,))


def need_labels(db: Database) -> dict[str, tuple[str, str]]:
    return {
        r["code"]: (r["label_nl"], r["label_en"])
        for r in db.all("SELECT code, label_nl, label_en FROM need")
    }


def outcome_counts(db: Database) -> dict[str, tuple[int, int]]:
    """service id -> (completed, referrals with a partner outcome: completed/declined/no-show)."""
    rows = db.all(
        "SELECT service_id, sum(status = 'completed') AS completed, count(*) AS total"
        " FROM referral WHERE status IN ('completed', 'declined', 'no_show')"
        " GROUP BY service_id"
    )
    return {r["service_id"]: (int(r["completed"]), int(r["total"])) for r in rows}


def outcome_tally(db: Database, service_ids: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(service id, location id or '') -> (completed, referrals with a partner outcome).

    Read from referral_outcome_tally, which triggers keep in step with the referral table.
    """
    if not service_ids:
        return {}
    marks = ", ".join("?" for _ in service_ids)
    rows = db.all(
        "SELECT service_id, location_id, sum(CASE WHEN status = 'completed' THEN n END)"
        " AS completed, sum(n) AS total FROM referral_outcome_tally"
        f" WHERE service_id IN ({marks}) GROUP BY service_id, location_id",
        tuple(service_ids),
    )
    return {
        (r["service_id"], r["location_id"]): (int(r["completed"] or 0), int(r["total"] or 0))
        for r in rows
    }


OUTCOME_TALLY_REBUILD = (
    "DELETE FROM referral_outcome_tally",
    "INSERT INTO referral_outcome_tally (service_id, location_id, status, n)"
    " SELECT service_id, COALESCE(location_id, ''), status, count(*) FROM referral"
    " WHERE status IN ('completed', 'declined', 'no_show')"
    " GROUP BY service_id, COALESCE(location_id, ''), status",
)


def rebuild_outcome_tally(db: Database) -> None:
    """Count the outcomes again from the referral table (after a load without triggers)."""
    for sql in OUTCOME_TALLY_REBUILD:
        db.execute(sql)


def insert(db: Database, row: dict) -> None:
    row = {**row, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO referral ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)


_UPDATABLE = {
    "status",
    "status_changed_at",
    "follow_up_date",
    "reason",
    "note",
    "handover",
    "escalation_note",
    "location_id",
}


def update(db: Database, referral_id: str, **values) -> None:
    assert set(values) <= _UPDATABLE, set(values) - _UPDATABLE
    row = {**values, **db.stamp(new=False), "id": referral_id}
    sets = ", ".join(f"{c} = :{c}" for c in row if c != "id")
    db.execute(f"UPDATE referral SET {sets} WHERE id = :id", row)


def get(db: Database, referral_id: str) -> sqlite3.Row | None:
    return db.one(_LIST_SELECT + " WHERE r.id = ?", (referral_id,))


def insert_event(db: Database, row: dict) -> None:
    row = {**row, **db.stamp()}
    cols = ", ".join(row)
    db.execute(
        f"INSERT INTO referral_event ({cols}) VALUES ({', '.join(':' + c for c in row)})", row
    )


def events(db: Database, referral_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT e.*, st.display_name AS staff_name FROM referral_event e"
        " LEFT JOIN staff st ON st.id = e.staff_id WHERE e.referral_id = ?"
        " ORDER BY e.at, e.rowid",
        (referral_id,),
    )


def consent(db: Database, referral_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM referral_consent WHERE referral_id = ?", (referral_id,))


def upsert_consent(db: Database, row: dict) -> None:
    current = consent(db, row["referral_id"])
    if current is None:
        full = {**row, **db.stamp()}
        cols = ", ".join(full)
        db.execute(
            f"INSERT INTO referral_consent ({cols}) VALUES ({', '.join(':' + c for c in full)})",
            full,
        )
        return
    full = {**row, **db.stamp(new=False)}
    sets = ", ".join(f"{c} = :{c}" for c in full if c not in ("id", "referral_id"))
    db.execute(f"UPDATE referral_consent SET {sets} WHERE referral_id = :referral_id", full)


def for_visit(db: Database, visit_id: str) -> list[sqlite3.Row]:
    return db.all(_LIST_SELECT + " WHERE r.visit_id = ? ORDER BY r.created_at, r.id", (visit_id,))


def open_for_visitor(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    return db.all(
        _LIST_SELECT + f" WHERE v.visitor_id = ? AND r.status IN ({marks})"
        " ORDER BY COALESCE(r.follow_up_date, '9999'), r.created_at, r.id",
        (visitor_id, *OPEN_STATUSES),
    )


# Word for word the WHERE of the partial index referral_open_follow_up (migration 0004):
# SQLite uses a partial index only when the query repeats its terms with the same literals.
# INDEXED BY: the planner would otherwise guess between it and referral_follow_up on a
# database without statistics; it also makes a changed WHERE fail loudly ("no query
# solution") instead of quietly reading every referral again.
_OPEN_DUE = "r.status IN ('proposed', 'sent', 'accepted') AND r.follow_up_date IS NOT NULL"
_DUE_FROM = "FROM referral r INDEXED BY referral_open_follow_up\n"
_DUE_SELECT = _LIST_SELECT.replace("FROM referral r\n", _DUE_FROM)


def _due_where(on: str, staff_id: str | None, desk_id: str | None) -> tuple[str, list]:
    where = [_OPEN_DUE, "r.follow_up_date <= ?"]
    params: list = [on]
    if staff_id is not None:
        where.append("r.staff_id = ?")
        params.append(staff_id)
    if desk_id is not None:
        where.append("v.desk_id = ?")
        params.append(desk_id)
    return " WHERE " + " AND ".join(where), params


def followups_due(
    db: Database,
    on: str,
    *,
    staff_id: str | None = None,
    desk_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    after: tuple[str, str, str] | None = None,
) -> list[sqlite3.Row]:
    """`after` = (follow_up_date, created_at, id) of the last row already shown: the next page
    starts there on the index (keyset paging), so every page costs the same; OFFSET would
    join every skipped row first and make page n cost O(n)."""
    where, params = _due_where(on, staff_id, desk_id)
    if after is not None:
        where += " AND (r.follow_up_date, r.created_at, r.id) > (?, ?, ?)"
        params += list(after)
    page = ""
    if limit is not None:
        page = " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return db.all(
        _DUE_SELECT + where + " ORDER BY r.follow_up_date, r.created_at, r.id" + page,
        tuple(params),
    )


def followups_due_count(
    db: Database, on: str, *, staff_id: str | None = None, desk_id: str | None = None
) -> int:
    where, params = _due_where(on, staff_id, desk_id)
    # Every referral has its visit (a NOT NULL foreign key): join it only to filter by desk,
    # so the count over all desks is read from the partial index alone.
    join = " JOIN visit v ON v.id = r.visit_id" if desk_id is not None else ""
    return int(db.scalar("SELECT count(*) " + _DUE_FROM + join + where, tuple(params)))
