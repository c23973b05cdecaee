"""Queries behind the supervisors' referral log: pages found by key, never by OFFSET.

Order: newest first by `referral.created_at`, ties by rowid (both descending).  That is the
order of the index `referral_created` (an index entry ends in the rowid), so a page is one
index range walked from a key: a seek, O(log n), wherever the page lies in the list, and no
sort.  The rowid is only a tie-breaker within one opening of the log (a VACUUM may renumber
it; a refresh then finds the new keys).

Which referrals: exactly those of the export with the same `Filters` (the same joins and
WHERE as `loket.db.exports.count_referrals`), so the log and an export agree row for row.
Columns: the export's pseudonymised ones; a visitor appears only by id, which the core turns
into a pseudonym.

`anchors()` is the one pass over the whole selection: the total and the key of every
PAGE-th row, computed inside SQLite by a window function (no Python loop per row), on a
connection of its own (see `loket.db.exports.reader`).
"""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database
from loket.db.exports import _REFERRAL_FROM, Filters

Key = tuple[str, int]  # (referral.created_at, referral.rowid)

# The joins of the export with the referral as the outer loop (CROSS JOIN keeps SQLite from
# reordering them): a page then walks referral_created from its key and stops after LIMIT
# rows.  Inner joins on foreign keys, so the rows are the same as with _REFERRAL_FROM.
_BY_KEY_FROM = """
FROM referral r
CROSS JOIN visit v ON v.id = r.visit_id
CROSS JOIN desk d ON d.id = v.desk_id
CROSS JOIN service sv ON sv.id = r.service_id
CROSS JOIN organisation o ON o.id = sv.organization_id
"""

# Column order of `rows()`: the key, then what the log shows (no names, no numbers).
ROW_COLUMNS = (
    "created_at",
    "rowid",
    "visitor_id",
    "visit_date",
    "desk",
    "staff",
    "needs",
    "partner",
    "service",
    "handover",
    "status",
    "follow_up_date",
)


def _bounds(
    upper: Key | None, lower: Key | None, *, upper_included: bool = True
) -> tuple[list[str], dict]:
    """`upper` inclusive (unless told), `lower` exclusive, in the log's descending order.

    Written as `created_at <= x AND (...)` so that SQLite walks the index from x; the
    rowid part only sorts out the ties."""
    clauses: list[str] = []
    params: dict = {}
    if upper is not None:
        op = "<=" if upper_included else "<"
        clauses.append(
            f"r.created_at <= :up_at AND (r.created_at < :up_at OR r.rowid {op} :up_rowid)"
        )
        params.update(up_at=upper[0], up_rowid=upper[1])
    if lower is not None:
        clauses.append(
            "r.created_at >= :low_at AND (r.created_at > :low_at OR r.rowid > :low_rowid)"
        )
        params.update(low_at=lower[0], low_rowid=lower[1])
    return clauses, params


def rows_sql(
    filters: Filters,
    *,
    upper: Key | None = None,
    lower: Key | None = None,
    limit: int,
    upper_included: bool = True,
) -> tuple[str, dict]:
    where, params = filters.referral_where()
    bounds, bparams = _bounds(upper, lower, upper_included=upper_included)
    clauses = " AND ".join([where, *bounds])
    sql = f"""
SELECT r.created_at, r.rowid, v.visitor_id, v.visit_date, d.code,
  coalesce(rs.display_name, vs.display_name),
  (SELECT group_concat(need_code, ', ') FROM
     (SELECT need_code FROM visit_need vn WHERE vn.visit_id = v.id ORDER BY need_code)),
  o.name, sv.name, r.handover, r.status, r.follow_up_date
{_BY_KEY_FROM}
LEFT JOIN staff rs ON rs.id = r.staff_id
LEFT JOIN staff vs ON vs.id = v.staff_id
WHERE {clauses}
ORDER BY r.created_at DESC, r.rowid DESC
LIMIT :limit
"""
    return sql, {**params, **bparams, "limit": limit}


def _all(source: Database | sqlite3.Connection, sql: str, params: dict) -> list:
    """Through the app's Database (its lock) or on a connection of one's own."""
    if isinstance(source, Database):
        return source.all(sql, params)
    return source.execute(sql, params).fetchall()


def rows(
    source: Database | sqlite3.Connection,
    filters: Filters,
    *,
    upper: Key | None = None,
    lower: Key | None = None,
    limit: int,
) -> list[tuple]:
    """At most `limit` rows from `upper` (inclusive; None: the newest) down to `lower`
    (exclusive; None: the oldest).  Columns: ROW_COLUMNS."""
    sql, params = rows_sql(filters, upper=upper, lower=lower, limit=limit)
    return _all(source, sql, params)


def rows_after(
    source: Database | sqlite3.Connection, filters: Filters, after: Key | None, *, limit: int
) -> list[tuple]:
    """The next `limit` rows after the row with key `after` (keyset paging; None: from the
    newest)."""
    sql, params = rows_sql(filters, upper=after, limit=limit, upper_included=False)
    return _all(source, sql, params)


def anchors_sql(filters: Filters) -> tuple[str, dict]:
    """Every `every`-th key, and the last row's number: the total.  (lead() finds the last
    row in the same pass; counting below the last anchor instead walks every older
    referral outside the period: 9 s of 10 for three months of a million.)"""
    where, params = filters.referral_where()
    sql = f"""
SELECT created_at, rid, n FROM (
  SELECT r.created_at, r.rowid AS rid,
    row_number() OVER w AS n,
    lead(r.rowid) OVER w IS NULL AS last
  {_REFERRAL_FROM}
  WHERE {where}
  WINDOW w AS (ORDER BY r.created_at DESC, r.rowid DESC)
) WHERE (n - 1) % :every = 0 OR last
ORDER BY n
"""
    return sql, {**params}


def anchors(conn: sqlite3.Connection, filters: Filters, every: int) -> tuple[int, list[Key]]:
    """(total, keys): keys[k] is the key of row k * every (0-based) of the log.

    The planner picks the cheapest way to the selected referrals (for a short period: the
    visits of those days) and sorts only what it selected, inside SQLite: Python sees one
    row in `every`.  `conn.interrupt()` from another thread stops it."""
    sql, params = anchors_sql(filters)
    cur = conn.execute(sql, {**params, "every": every})
    keys: list[Key] = []
    total = 0
    try:
        while batch := cur.fetchmany(1000):
            for at, rowid, n in batch:
                if (n - 1) % every == 0:
                    keys.append((at, rowid))
                total = n
    finally:
        cur.close()
    return total, keys


def query_plan(conn: sqlite3.Connection, sql: str, params: dict) -> list[str]:
    """EXPLAIN QUERY PLAN details, for tests that a page is an index walk without a sort."""
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]
