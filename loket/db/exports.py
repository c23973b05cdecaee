"""Queries behind the referral-log export and the supervisors' overview.

The row query streams: it runs on a connection of its own (so a long export neither holds the
app's connection nor sees half of a later write: one read transaction, one snapshot) and is
read with `fetchmany`, never all at once.  The aggregate queries take the same filters, so
the overview, the PDF summary and the rows always count the same referrals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from loket.db.connection import BUSY_TIMEOUT_MS, Database

FETCH = 5_000
OPEN_STATUSES = ("proposed", "sent", "accepted")


@dataclass(frozen=True)
class Filters:
    """The period (visit dates, inclusive, ISO) and the optional filters of one export."""

    date_from: str
    date_to: str
    desk_code: str | None = None
    partner: str | None = None  # an organisation id or a service id
    need: str | None = None  # a need code
    status: str | None = None  # a referral status

    def visit_where(self) -> tuple[str, dict]:
        """WHERE clause over `visit v` joined with `desk d` (periods, desk and need)."""
        clauses = ["v.visit_date BETWEEN :date_from AND :date_to"]
        params: dict = {"date_from": self.date_from, "date_to": self.date_to}
        if self.desk_code:
            clauses.append("d.code = :desk_code")
            params["desk_code"] = self.desk_code
        if self.need:
            clauses.append(
                "EXISTS (SELECT 1 FROM visit_need fn WHERE fn.visit_id = v.id"
                " AND fn.need_code = :need)"
            )
            params["need"] = self.need
        return " AND ".join(clauses), params

    def referral_where(self) -> tuple[str, dict]:
        """WHERE clause over referral r, visit v, desk d, service sv, organisation o."""
        where, params = self.visit_where()
        clauses = [where]
        if self.partner:
            clauses.append("(o.id = :partner OR sv.id = :partner)")
            params["partner"] = self.partner
        if self.status:
            clauses.append("r.status = :status")
            params["status"] = self.status
        return " AND ".join(clauses), params


_REFERRAL_FROM = """
FROM referral r
JOIN visit v ON v.id = r.visit_id
JOIN desk d ON d.id = v.desk_id
JOIN service sv ON sv.id = r.service_id
JOIN organisation o ON o.id = sv.organization_id
"""

# Column order of `referral_rows`; the identifiable columns come last and only on request.
ROW_COLUMNS = (
    "visitor_id",
    "visit_date",
    "desk",
    "staff",
    "needs",
    "partner",
    "service",
    "handover",
    "status",
    "steps",
    "follow_up_date",
)
IDENTIFIABLE_COLUMNS = ("given_names", "family_name", "date_of_birth", "v_number", "bsn", "phone")


def referral_sql(filters: Filters, *, identifiable: bool = False) -> tuple[str, dict]:
    """The row query.  `steps` is "status=YYYY-MM-DD,..." in the order the steps happened:
    one index range per referral instead of one sub-query per status."""
    where, params = filters.referral_where()
    extra = ""
    joins = ""
    if identifiable:
        extra = ", vi.given_names, vi.family_name, vi.date_of_birth, vi.v_number, vi.bsn, vi.phone"
        joins = "JOIN visitor vi ON vi.id = v.visitor_id"
    sql = f"""
SELECT v.visitor_id, v.visit_date, d.code, coalesce(rs.display_name, vs.display_name),
  (SELECT group_concat(need_code, ', ') FROM
     (SELECT need_code FROM visit_need vn WHERE vn.visit_id = v.id ORDER BY need_code)),
  o.name, sv.name, r.handover, r.status,
  (SELECT group_concat(to_status || '=' || substr(at, 1, 10), ',') FROM
     (SELECT to_status, at FROM referral_event e WHERE e.referral_id = r.id ORDER BY at)),
  r.follow_up_date{extra}
{_REFERRAL_FROM}
LEFT JOIN staff rs ON rs.id = r.staff_id
LEFT JOIN staff vs ON vs.id = v.staff_id
{joins}
WHERE {where}
ORDER BY v.visit_date, r.created_at, r.id
"""
    return sql, params


def inline_sql(sql: str, params: dict) -> str:
    """The query with its parameters written in, for running it in the `sqlite3` shell
    (the benchmark's baseline).  Only for the plain strings Filters holds."""
    for name in sorted(params, key=len, reverse=True):
        value = str(params[name]).replace("'", "''")
        sql = sql.replace(f":{name}", f"'{value}'")
    return sql


@contextmanager
def reader(db: Database) -> Iterator[sqlite3.Connection]:
    """A second connection to the same file, inside one read transaction (one snapshot)."""
    conn = sqlite3.connect(str(db.path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        yield conn
    finally:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        conn.close()


def count_referrals(conn: sqlite3.Connection, filters: Filters) -> int:
    where, params = filters.referral_where()
    return conn.execute(f"SELECT count(*) {_REFERRAL_FROM} WHERE {where}", params).fetchone()[0]


def referral_rows(
    conn: sqlite3.Connection, filters: Filters, *, identifiable: bool = False
) -> Iterator[list[tuple]]:
    """Yield the rows in batches of FETCH tuples (columns: ROW_COLUMNS [+ IDENTIFIABLE])."""
    sql, params = referral_sql(filters, identifiable=identifiable)
    cur = conn.execute(sql, params)
    try:
        while True:
            batch = cur.fetchmany(FETCH)
            if not batch:
                return
            yield batch
    finally:
        cur.close()


# -- aggregates ------------------------------------------------------------------------------


def visits_per_month(conn: sqlite3.Connection, filters: Filters) -> list[tuple[str, int]]:
    where, params = filters.visit_where()
    return conn.execute(
        f"SELECT substr(v.visit_date, 1, 7) AS m, count(*) FROM visit v"
        f" JOIN desk d ON d.id = v.desk_id WHERE {where} GROUP BY m ORDER BY m",
        params,
    ).fetchall()


def referrals_per_month(conn: sqlite3.Connection, filters: Filters) -> list[tuple[str, int]]:
    where, params = filters.referral_where()
    return conn.execute(
        f"SELECT substr(v.visit_date, 1, 7) AS m, count(*) {_REFERRAL_FROM}"
        f" WHERE {where} GROUP BY m ORDER BY m",
        params,
    ).fetchall()


def per_need(
    conn: sqlite3.Connection, filters: Filters, label_column: str
) -> list[tuple[str, str, int, int]]:
    """(code, label, visits with the need, referrals made at visits with the need).

    A referral counts under every need recorded at its visit: the schema does not say for
    which of a visit's needs a referral was made."""
    assert label_column in ("label_nl", "label_en")
    vwhere, vparams = filters.visit_where()
    rwhere, rparams = filters.referral_where()
    if not filters.partner and not filters.status:
        # Referrals are only counted here, so the index on referral(visit_id) answers without
        # reading a referral row: a fraction of the time of the join below.
        both = conn.execute(
            f"SELECT vn.need_code, count(*),"
            f" sum((SELECT count(*) FROM referral r WHERE r.visit_id = v.id))"
            f" FROM visit v JOIN desk d ON d.id = v.desk_id"
            f" JOIN visit_need vn ON vn.visit_id = v.id WHERE {vwhere} GROUP BY vn.need_code",
            vparams,
        ).fetchall()
        visits = {code: n for code, n, _r in both}
        referrals = {code: r for code, _n, r in both if r}
    else:
        visits = dict(
            conn.execute(
                f"SELECT vn.need_code, count(*) FROM visit v JOIN desk d ON d.id = v.desk_id"
                f" JOIN visit_need vn ON vn.visit_id = v.id WHERE {vwhere}"
                f" GROUP BY vn.need_code",
                vparams,
            ).fetchall()
        )
        referrals = dict(
            conn.execute(
                f"SELECT vn.need_code, count(*) {_REFERRAL_FROM}"
                f" JOIN visit_need vn ON vn.visit_id = v.id WHERE {rwhere}"
                f" GROUP BY vn.need_code",
                rparams,
            ).fetchall()
        )
    needs = conn.execute(
        f"SELECT code, {label_column} FROM need ORDER BY sort_order, code"
    ).fetchall()
    return [
        (code, label, visits.get(code, 0), referrals.get(code, 0))
        for code, label in needs
        if code in visits or code in referrals
    ]


def referral_groups(conn: sqlite3.Connection, filters: Filters, today: str) -> list[tuple]:
    """Referral counts grouped by everything the overview breaks them down by, in one pass:
    (month, status, handover, organisation id, organisation name, desk code, overdue 0/1,
    days from visit to completion or None, count).

    One pass matters: each referral costs a random read of its visit, so a million
    referrals read once instead of once per table is minutes saved.  "Overdue" is an open
    referral whose follow-up date lies before `today`; the days count runs to the first
    'completed' step of a completed referral."""
    where, params = filters.referral_where()
    marks = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    sql = f"""
SELECT substr(v.visit_date, 1, 7), r.status, r.handover, o.id, o.name, d.code,
  coalesce(r.follow_up_date < :today AND r.status IN ({marks}), 0),
  CASE WHEN r.status = 'completed' THEN CAST(
    julianday(substr((SELECT min(e.at) FROM referral_event e
                      WHERE e.referral_id = r.id AND e.to_status = 'completed'), 1, 10))
    - julianday(v.visit_date) AS INTEGER) END,
  count(*)
{_REFERRAL_FROM}
WHERE {where}
GROUP BY 1, 2, 3, 4, 6, 7, 8
"""
    return conn.execute(sql, {**params, "today": today}).fetchall()


def partners(db: Database) -> list[sqlite3.Row]:
    """Organisations for the filter list of the export dialog."""
    return db.all("SELECT id, name FROM organisation ORDER BY name")


def partner_name(db: Database, partner: str) -> str | None:
    """The organisation behind an organisation id or a service id."""
    return db.scalar(
        "SELECT o.name FROM organisation o LEFT JOIN service s ON s.organization_id = o.id"
        " WHERE o.id = ? OR s.id = ? LIMIT 1",
        (partner, partner),
    )


def need_exists(db: Database, code: str) -> bool:
    return db.scalar("SELECT 1 FROM need WHERE code = ?", (code,)) is not None
