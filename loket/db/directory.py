"""SQL of the partner directory (Open Referral HSDS 3 tables).

Writes go through `upsert`, which compares the stored values first: a row whose data did not
change is left alone (its updated_at too), so importing the same data twice changes nothing.
"""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database

# The data columns of each directory table (without created_at/updated_at/workstation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": (
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "legal_status",
        "to_verify",
    ),
    "service": (
        "id",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "eligibility_description",
        "assured_date",
        "assurer_email",
        "warm_handover",
        "is_escalation",
        "to_verify",
    ),
    "location": (
        "id",
        "organization_id",
        "location_type",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "accessibility",
        "to_verify",
    ),
    "service_at_location": ("id", "service_id", "location_id", "description"),
    "service_need": ("id", "service_id", "need_code"),
    "service_language": ("id", "service_id", "location_id", "code", "name", "note"),
    "phone": (
        "id",
        "organization_id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ),
    "schedule": (
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "description",
        "notes",
    ),
    "required_document": ("id", "service_id", "document", "uri"),
}
TABLES = tuple(COLUMNS)


def _check(table: str) -> None:
    if table not in COLUMNS:
        raise ValueError(table)


def get(db: Database, table: str, row_id: str) -> sqlite3.Row | None:
    _check(table)
    return db.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))


def exists(db: Database, table: str, row_id: str) -> bool:
    _check(table)
    return db.one(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)) is not None


def count(db: Database, table: str) -> int:
    _check(table)
    return int(db.scalar(f"SELECT count(*) FROM {table}"))


def all_rows(db: Database, table: str) -> list[sqlite3.Row]:
    _check(table)
    return db.all(f"SELECT * FROM {table} ORDER BY id")


def upsert(db: Database, table: str, values: dict) -> str:
    """Insert or update by id, writing only the given columns.

    Returns 'inserted', 'updated' or 'unchanged'.
    """
    _check(table)
    cols = [c for c in values if c in COLUMNS[table]]
    current = get(db, table, values["id"])
    if current is None:
        row = {c: values[c] for c in cols} | db.stamp()
        names = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", row)
        return "inserted"
    changed = [c for c in cols if c != "id" and current[c] != values[c]]
    if not changed:
        return "unchanged"
    row = {c: values[c] for c in changed} | db.stamp(new=False) | {"id": values["id"]}
    sets = ", ".join(f"{c} = :{c}" for c in row if c != "id")
    db.execute(f"UPDATE {table} SET {sets} WHERE id = :id", row)
    return "updated"


def delete(db: Database, table: str, row_id: str) -> None:
    _check(table)
    db.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))


def need_codes(db: Database) -> set[str]:
    return {r["code"] for r in db.all("SELECT code FROM need")}


def service_needs(db: Database, service_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT sn.* FROM service_need sn LEFT JOIN need n ON n.code = sn.need_code"
        " WHERE sn.service_id = ? ORDER BY n.sort_order, sn.need_code",
        (service_id,),
    )


def children(db: Database, table: str, column: str, parent_id: str) -> list[sqlite3.Row]:
    _check(table)
    if column not in COLUMNS[table]:
        raise ValueError(column)
    return db.all(f"SELECT * FROM {table} WHERE {column} = ? ORDER BY id", (parent_id,))


def service_locations(db: Database, service_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT l.*, sal.id AS service_at_location_id FROM service_at_location sal"
        " JOIN location l ON l.id = sal.location_id WHERE sal.service_id = ?"
        " ORDER BY l.city, l.name, l.id",
        (service_id,),
    )


def _search_where(
    text: str, need: str | None, city: str | None, include_inactive: bool
) -> tuple[str, list]:
    clauses, params = [], []
    if not include_inactive:
        clauses.append("s.status = 'active'")
    if need:
        clauses.append(
            "EXISTS (SELECT 1 FROM service_need sn WHERE sn.service_id = s.id AND sn.need_code = ?)"
        )
        params.append(need)
    if city:
        clauses.append(
            "EXISTS (SELECT 1 FROM service_at_location sal JOIN location l"
            " ON l.id = sal.location_id WHERE sal.service_id = s.id"
            " AND l.city = ? COLLATE NOCASE)"
        )
        params.append(city)
    for word in text.split():
        like = f"%{word}%"
        clauses.append(
            "(s.name LIKE ? OR s.description LIKE ? OR o.name LIKE ? OR"
            " COALESCE(o.alternate_name, '') LIKE ? OR EXISTS (SELECT 1 FROM"
            " service_at_location sal JOIN location l ON l.id = sal.location_id"
            " WHERE sal.service_id = s.id AND COALESCE(l.city, '') LIKE ?))"
        )
        params.extend([like] * 5)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, params


def search(
    db: Database,
    text: str = "",
    *,
    need: str | None = None,
    city: str | None = None,
    include_inactive: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[sqlite3.Row]:
    """Services with their organisation name and the cities they are offered in."""
    where, params = _search_where(text, need, city, include_inactive)
    page = ""
    if limit is not None:
        page = " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    return db.all(
        "SELECT s.*, o.name AS organization_name,"
        " (SELECT group_concat(DISTINCT l.city) FROM service_at_location sal JOIN location l"
        "  ON l.id = sal.location_id WHERE sal.service_id = s.id) AS cities"
        f" FROM service s JOIN organisation o ON o.id = s.organization_id {where}"
        f" ORDER BY o.name COLLATE NOCASE, s.name COLLATE NOCASE, s.id{page}",
        tuple(params),
    )


def search_count(
    db: Database,
    text: str = "",
    *,
    need: str | None = None,
    city: str | None = None,
    include_inactive: bool = False,
) -> int:
    where, params = _search_where(text, need, city, include_inactive)
    return int(
        db.scalar(
            "SELECT count(*) FROM service s JOIN organisation o ON o.id = s.organization_id "
            + where,
            tuple(params),
        )
    )


def required_documents(db: Database, service_id: str) -> list[str]:
    """In the order they were entered, as the letter lists them (loket.db.letters)."""
    rows = db.all(
        "SELECT document FROM required_document WHERE service_id = ? ORDER BY created_at, rowid",
        (service_id,),
    )
    return [r["document"] for r in rows]


def location_choices(
    db: Database, organization_id: str | None, include: list[str]
) -> list[sqlite3.Row]:
    """Locations of the organisation, locations of no organisation, and the `include` ids."""
    marks = ", ".join("?" for _ in include) or "NULL"
    return db.all(
        "SELECT * FROM location WHERE organization_id IS ? OR organization_id IS NULL"
        f" OR id IN ({marks}) ORDER BY city COLLATE NOCASE, name COLLATE NOCASE, address_1, id",
        (organization_id, *include),
    )


def organisations(db: Database) -> list[sqlite3.Row]:
    return db.all("SELECT * FROM organisation ORDER BY name COLLATE NOCASE, id")


def candidates(db: Database, need_codes_: list[str]) -> list[sqlite3.Row]:
    """Active services that address at least one of the needs, for routing."""
    if not need_codes_:
        return []
    marks = ", ".join("?" for _ in need_codes_)
    return db.all(
        "SELECT s.*, o.name AS organization_name, o.legal_status AS organization_legal_status"
        " FROM service s JOIN organisation o ON o.id = s.organization_id"
        " WHERE s.status = 'active' AND EXISTS (SELECT 1 FROM service_need sn"
        f" WHERE sn.service_id = s.id AND sn.need_code IN ({marks}))"
        " ORDER BY s.id",
        tuple(need_codes_),
    )


def routing_details(db: Database, service_ids: list[str]) -> dict[str, dict[str, list]]:
    """For each service: its need codes, spoken language codes and locations, in 3 queries."""
    out: dict[str, dict[str, list]] = {
        sid: {"needs": [], "languages": [], "locations": []} for sid in service_ids
    }
    if not service_ids:
        return out
    marks = ", ".join("?" for _ in service_ids)
    ids = tuple(service_ids)
    for r in db.all(
        f"SELECT service_id, need_code FROM service_need WHERE service_id IN ({marks})", ids
    ):
        out[r["service_id"]]["needs"].append(r["need_code"])
    for r in db.all(
        f"SELECT service_id, code FROM service_language WHERE service_id IN ({marks}) UNION"
        " SELECT sal.service_id, sl.code FROM service_language sl JOIN service_at_location sal"
        f" ON sal.location_id = sl.location_id WHERE sal.service_id IN ({marks})",
        ids + ids,
    ):
        out[r["service_id"]]["languages"].append(r["code"])
    for r in db.all(
        "SELECT sal.service_id, l.id, l.city, l.accessibility FROM service_at_location sal"
        f" JOIN location l ON l.id = sal.location_id WHERE sal.service_id IN ({marks})"
        " ORDER BY l.city, l.name, l.id",
        ids,
    ):
        out[r["service_id"]]["locations"].append(
            {"id": r["id"], "city": r["city"], "accessibility": r["accessibility"]}
        )
    return out


def active_assured_dates(db: Database) -> list[str | None]:
    """When each active service's data was last checked (for how usual staleness is)."""
    return [
        r["assured_date"]
        for r in db.all("SELECT assured_date FROM service WHERE status = 'active'")
    ]


def languages_of(db: Database, service_id: str) -> set[str]:
    """Language codes spoken for a service, at the service or at any of its locations."""
    rows = db.all(
        "SELECT code FROM service_language WHERE service_id = ? UNION"
        " SELECT sl.code FROM service_language sl JOIN service_at_location sal"
        " ON sal.location_id = sl.location_id WHERE sal.service_id = ?",
        (service_id, service_id),
    )
    return {r["code"] for r in rows}


def cities(db: Database) -> list[str]:
    rows = db.all(
        "SELECT DISTINCT city FROM location WHERE city IS NOT NULL AND city <> ''"
        " ORDER BY city COLLATE NOCASE"
    )
    return [r["city"] for r in rows]


def needs_by_code(db: Database) -> list[sqlite3.Row]:
    return db.all("SELECT code, label_nl, label_en FROM need ORDER BY code")


def other_link(db: Database, service_id: str, location_id: str, link_id: str) -> str | None:
    """The id of another service_at_location row linking the same service and location."""
    return db.scalar(
        "SELECT id FROM service_at_location WHERE service_id = ? AND location_id = ? AND id <> ?",
        (service_id, location_id, link_id),
    )
