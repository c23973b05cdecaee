"""SQL for the supervisors' referral log read from the hub (PostgreSQL, `loket.row`): the
same rows, filters, columns and order as `loket.db.referral_log` reads from the PC's file;
the export's rows (with names too) and the overview's aggregates as `loket.db.exports`
counts them, under the same names, so `loket.reports` reads either (`queries=`).

Key: (referral.created_at, referral id) -- the hub has no rowid; the id breaks ties.  Pages
by key, newest first.  Read with the PC's own role (it may SELECT loket.row); which desks a
colleague may see is decided in the core (`loket.referrals.log`) and arrives as `desk_code`.
"""

from __future__ import annotations

from loket.db.exports import Filters

_FROM = """
FROM loket.row r
JOIN loket.row v ON v.table_name = 'visit' AND v.row_id = r.data->>'visit_id' AND NOT v.deleted
JOIN loket.row d ON d.table_name = 'desk' AND d.row_id = v.data->>'desk_id'
JOIN loket.row s ON s.table_name = 'service' AND s.row_id = r.data->>'service_id'
JOIN loket.row o ON o.table_name = 'organisation' AND o.row_id = s.data->>'organization_id'
"""
# What the log and the export show of a referral, from its visit date to its status (the
# columns of `loket.db.exports.ROW_COLUMNS` between the visitor and the steps).
_SHOWN = """v.data->>'visit_date', d.data->>'code',
  (SELECT st.data->>'display_name' FROM loket.row st WHERE st.table_name = 'staff'
     AND st.row_id = coalesce(r.data->>'staff_id', v.data->>'staff_id')),
  (SELECT string_agg(n.data->>'need_code', ', ' ORDER BY n.data->>'need_code')
     FROM loket.row n WHERE n.table_name = 'visit_need' AND NOT n.deleted
      AND n.data->>'visit_id' = v.row_id),
  o.data->>'name', s.data->>'name', r.data->>'handover', r.data->>'status'"""


def _where(filters: Filters) -> tuple[str, dict]:
    """The referrals of the visits `_visit_clauses` selects, by partner and status too."""
    clauses, params = _visit_clauses(filters)
    clauses += ["r.table_name = 'referral'", "NOT r.deleted"]
    if filters.partner:
        clauses.append("(o.row_id = %(partner)s OR s.row_id = %(partner)s)")
        params["partner"] = filters.partner
    if filters.status:
        clauses.append("r.data->>'status' = %(status)s")
        params["status"] = filters.status
    return " AND ".join(clauses), params


def _bounds(upper, lower, upper_included: bool) -> tuple[list[str], dict]:
    clauses, params = [], {}
    if upper is not None:
        op = "<=" if upper_included else "<"
        clauses.append(f"(r.data->>'created_at', r.row_id) {op} (%(up_at)s, %(up_id)s)")
        params.update(up_at=upper[0], up_id=upper[1])
    if lower is not None:
        clauses.append("(r.data->>'created_at', r.row_id) > (%(low_at)s, %(low_id)s)")
        params.update(low_at=lower[0], low_id=lower[1])
    return clauses, params


def rows(conn, filters: Filters, *, upper=None, lower=None, limit: int, upper_included=True):
    """Rows shaped as `loket.db.referral_log.rows` (key, visitor id, then what is shown)."""
    where, params = _where(filters)
    bounds, bparams = _bounds(upper, lower, upper_included)
    sql = f"""
SELECT r.data->>'created_at', r.row_id, v.data->>'visitor_id', {_SHOWN},
  r.data->>'follow_up_date'
{_FROM}
WHERE {" AND ".join([where, *bounds])}
ORDER BY r.data->>'created_at' DESC, r.row_id DESC
LIMIT %(limit)s
"""
    return conn.execute(sql, {**params, **bparams, "limit": limit}).fetchall()


def rows_after(conn, filters: Filters, after, *, limit: int):
    return rows(conn, filters, upper=after, limit=limit, upper_included=False)


def anchors(conn, filters: Filters, page: int) -> tuple[int, list]:
    """The total and the key of every `page`-th row, in one pass at the hub."""
    where, params = _where(filters)
    sql = f"""
SELECT at, id, total FROM (
  SELECT r.data->>'created_at' AS at, r.row_id AS id,
         row_number() OVER (ORDER BY r.data->>'created_at' DESC, r.row_id DESC) AS n,
         count(*) OVER () AS total
  {_FROM}
  WHERE {where}
) numbered WHERE (n - 1) %% %(page)s = 0 ORDER BY n
"""
    found = conn.execute(sql, {**params, "page": page}).fetchall()
    total = int(found[0][2]) if found else 0
    return total, [(r[0], r[1]) for r in found]


# -- the export: the columns of `loket.db.exports.ROW_COLUMNS` [+ IDENTIFIABLE_COLUMNS] ---
FETCH = 5000
# An export with names: the visitor's own row (a visitor deleted at the hub gives empty
# cells rather than a referral less than the count and the summary say).
_VISITOR = """
LEFT JOIN loket.row vi ON vi.table_name = 'visitor' AND vi.row_id = v.data->>'visitor_id'
  AND NOT vi.deleted
"""


def count_referrals(conn, filters: Filters) -> int:
    where, params = _where(filters)
    return int(conn.execute(f"SELECT count(*) {_FROM} WHERE {where}", params).fetchone()[0])


def referral_rows(conn, filters: Filters, *, identifiable: bool = False):
    """As `loket.db.exports.referral_rows`: the export's rows in batches of FETCH, in its
    order, streamed from a server-side cursor (one snapshot; never the whole selection in
    memory).  With names, the columns of IDENTIFIABLE_COLUMNS follow."""
    from loket.db.exports import IDENTIFIABLE_COLUMNS

    where, params = _where(filters)
    names = "".join(f", vi.data->>'{c}'" for c in IDENTIFIABLE_COLUMNS) if identifiable else ""
    sql = f"""
SELECT v.data->>'visitor_id', {_SHOWN},
  (SELECT string_agg((e.data->>'to_status') || '=' || substr(e.data->>'at', 1, 10), ','
                     ORDER BY e.data->>'at')
     FROM loket.row e WHERE e.table_name = 'referral_event' AND NOT e.deleted
      AND e.data->>'referral_id' = r.row_id),
  r.data->>'follow_up_date'{names}
{_FROM}{_VISITOR if identifiable else ""}
WHERE {where}
ORDER BY v.data->>'visit_date', r.data->>'created_at', r.row_id
"""
    with conn.transaction(), conn.cursor(name="loket_export") as cur:
        cur.execute(sql, params)
        while True:
            batch = cur.fetchmany(FETCH)
            if not batch:
                return
            yield batch


# -- the overview's aggregates, as `loket.db.exports` computes them on the PC --------------
_VISITS = """
FROM loket.row v
JOIN loket.row d ON d.table_name = 'desk' AND d.row_id = v.data->>'desk_id'
"""


def _visit_clauses(filters: Filters) -> tuple[list[str], dict]:
    """The visits of the period, desk and need (alias `v`, its desk `d`)."""
    clauses = [
        "v.table_name = 'visit'",
        "NOT v.deleted",
        "v.data->>'visit_date' BETWEEN %(date_from)s AND %(date_to)s",
    ]
    params: dict = {"date_from": filters.date_from, "date_to": filters.date_to}
    if filters.desk_code:
        clauses.append("d.data->>'code' = %(desk_code)s")
        params["desk_code"] = filters.desk_code
    if filters.need:
        clauses.append(
            "EXISTS (SELECT 1 FROM loket.row n WHERE n.table_name = 'visit_need'"
            " AND NOT n.deleted AND n.data->>'visit_id' = v.row_id"
            " AND n.data->>'need_code' = %(need)s)"
        )
        params["need"] = filters.need
    return clauses, params


def _visit_where(filters: Filters) -> tuple[str, dict]:
    clauses, params = _visit_clauses(filters)
    return " AND ".join(clauses), params


def visits_per_month(conn, filters: Filters) -> list[tuple[str, int]]:
    where, params = _visit_where(filters)
    return conn.execute(
        f"SELECT substr(v.data->>'visit_date', 1, 7) AS m, count(*) {_VISITS} WHERE {where}"
        " GROUP BY m ORDER BY m",
        params,
    ).fetchall()


def referral_groups(conn, filters: Filters, today: str) -> list[tuple]:
    """As `loket.db.exports.referral_groups`: (month, status, handover, organisation id and
    name, desk code, overdue 0/1, days from visit to completion or None, count)."""
    from loket.db.exports import OPEN_STATUSES

    where, params = _where(filters)
    sql = f"""
SELECT substr(v.data->>'visit_date', 1, 7), r.data->>'status', r.data->>'handover', o.row_id,
  o.data->>'name', d.data->>'code',
  coalesce(r.data->>'follow_up_date' < %(today)s
           AND r.data->>'status' = ANY(%(open)s), false)::int,
  CASE WHEN r.data->>'status' = 'completed' THEN
    substr((SELECT min(e.data->>'at') FROM loket.row e WHERE e.table_name = 'referral_event'
             AND e.data->>'referral_id' = r.row_id AND e.data->>'to_status' = 'completed'),
           1, 10)::date - (v.data->>'visit_date')::date END,
  count(*)
{_FROM}
WHERE {where}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""
    return conn.execute(sql, {**params, "today": today, "open": list(OPEN_STATUSES)}).fetchall()


def per_need(conn, filters: Filters, label_column: str) -> list[tuple[str, str, int, int]]:
    """As `loket.db.exports.per_need` (a referral counts under every need of its visit)."""
    assert label_column in ("label_nl", "label_en")
    vwhere, vparams = _visit_where(filters)
    rwhere, rparams = _where(filters)
    need_join = (
        "JOIN loket.row vn ON vn.table_name = 'visit_need' AND NOT vn.deleted"
        " AND vn.data->>'visit_id' = v.row_id"
    )
    visits = dict(
        conn.execute(
            f"SELECT vn.data->>'need_code', count(*) {_VISITS} {need_join} WHERE {vwhere}"
            " GROUP BY 1",
            vparams,
        ).fetchall()
    )
    referrals = dict(
        conn.execute(
            f"SELECT vn.data->>'need_code', count(*) {_FROM} {need_join} WHERE {rwhere} GROUP BY 1",
            rparams,
        ).fetchall()
    )
    needs = conn.execute(
        f"SELECT data->>'code', data->>'{label_column}' FROM loket.row WHERE table_name = 'need'"
        " AND NOT deleted ORDER BY (data->>'sort_order')::int, data->>'code'"
    ).fetchall()
    return [
        (code, label, visits.get(code, 0), referrals.get(code, 0))
        for code, label in needs
        if code in visits or code in referrals
    ]
