"""SQL at the hub for finding a visitor registered at another PC or desk (docs/sync-staff.md):
an exact V-nummer or BSN (the hub's indexes), or every word of a name.  Merged-away and
anonymised files are left out.  The desk is that of the visitor's latest visit, or (without
a visit) the desk that holds the file."""

from __future__ import annotations

_COLUMNS = """
SELECT r.row_id, r.data->>'given_names', r.data->>'family_name', r.data->>'date_of_birth',
  (SELECT dk.data->>'name' FROM loket.row vi
     JOIN loket.row dk ON dk.table_name = 'desk' AND dk.row_id = vi.data->>'desk_id'
    WHERE vi.table_name = 'visit' AND vi.data->>'visitor_id' = r.row_id AND NOT vi.deleted
    ORDER BY vi.data->>'visit_date' DESC LIMIT 1),
  (SELECT dk.data->>'name' FROM loket.visitor_key k
     JOIN loket.row dk ON dk.table_name = 'desk' AND dk.row_id = k.desk_id
    WHERE k.visitor_id = r.row_id)
FROM loket.row r
WHERE r.table_name = 'visitor' AND NOT r.deleted
  AND r.data->>'merged_into' IS NULL AND r.data->>'anonymised_at' IS NULL
"""


def by_number(conn, column: str, number: str, limit: int) -> list[tuple]:
    assert column in ("v_number", "bsn")
    return conn.execute(
        f"{_COLUMNS} AND r.data->>'{column}' = %(n)s ORDER BY r.row_id LIMIT %(limit)s",
        {"n": number, "limit": limit},
    ).fetchall()


def by_name(conn, words: list[str], limit: int) -> list[tuple]:
    """Every word somewhere in the names (native or Latin script), case-insensitive."""
    text = (
        "lower(concat_ws(' ', r.data->>'given_names', r.data->>'family_name',"
        " r.data->>'latin_given_names', r.data->>'latin_family_name'))"
    )
    clauses = [f"{text} LIKE %(w{i})s" for i in range(len(words))]
    params = {f"w{i}": "%" + w.lower().replace("%", "").replace("_", "") + "%"
              for i, w in enumerate(words)}  # fmt: skip
    return conn.execute(
        f"{_COLUMNS} AND {' AND '.join(clauses)} ORDER BY r.data->>'family_name', r.row_id"
        " LIMIT %(limit)s",
        {**params, "limit": limit},
    ).fetchall()
