"""SQL for merging two visitor files into one (see migration 0009).

Which rows belong to a visitor is read from the schema itself: every column with a foreign
key to `visitor(id)`, plus the few columns that hold a visitor id without one (`NO_KEY`).
A table added later with such a key is moved with the rest without a change here; the
columns that must NOT move are named in `KEEP_IN_PLACE`, each with its reason.
"""

from __future__ import annotations

import sqlite3

from loket.clock import new_id, now_iso
from loket.db.connection import Database

# (table, column) holding a visitor id without a foreign key.
NO_KEY = (("draft", "visitor_id"),)

# (table, column) -> why it stays pointing at the merged-away visitor.
KEEP_IN_PLACE = {
    ("visitor", "merged_into"): "the pointer itself",
    ("visitor_search", "visitor_id"): "derived search line of that row (kept by triggers)",
    ("merge_task", "visitor_a"): "the task records both files",
    ("merge_task", "visitor_b"): "the task records both files",
    ("merge_task", "kept_id"): "the task records which file was kept",
}

# What the merged-away file keeps: only the pointer and the tombstone fields.  The kept file
# has whatever staff chose; a second copy of the person's data would serve no purpose.
_BLANK = (
    "given_names = '', family_name = '', latin_given_names = '', latin_family_name = '',"
    " date_of_birth = NULL, v_number = NULL, bsn = NULL, phone = NULL, email = NULL,"
    " address = NULL, postal_code = NULL, city = NULL"
)


def _tables(db: Database) -> list[str]:
    return [
        r[0]
        for r in db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]


def visitor_references(db: Database) -> list[tuple[str, str]]:
    """Every (table, column) that refers to a visitor, by foreign key or in NO_KEY."""
    found = set(NO_KEY)
    for table in _tables(db):
        for fk in db.all(f"PRAGMA foreign_key_list({_quote(table)})"):
            if fk["table"] == "visitor" and (fk["to"] in (None, "id")):
                found.add((table, fk["from"]))
    return sorted(found)


def columns_to_move(db: Database) -> list[tuple[str, str]]:
    return [ref for ref in visitor_references(db) if ref not in KEEP_IN_PLACE]


def _columns(db: Database, table: str) -> set[str]:
    return {r["name"] for r in db.all(f"PRAGMA table_info({_quote(table)})")}


def move_references(db: Database, from_id: str, to_id: str) -> dict[str, int]:
    """Point every row of `from_id` at `to_id`; returns how many rows each column moved."""
    moved: dict[str, int] = {}
    stamp = db.stamp(new=False)
    for table, column in columns_to_move(db):
        cols = _columns(db, table)
        sets = [f"{_quote(column)} = :to"]
        if "updated_at" in cols:
            sets.append("updated_at = :updated_at")
        if "workstation" in cols:
            sets.append("workstation = :workstation")
        cur = db.execute(
            f"UPDATE {_quote(table)} SET {', '.join(sets)} WHERE {_quote(column)} = :frm",
            {"to": to_id, "frm": from_id, **stamp},
        )
        if cur.rowcount:
            moved[f"{table}.{column}"] = cur.rowcount
    return moved


def mark_merged(db: Database, from_id: str, to_id: str) -> None:
    stamp = db.stamp(new=False)
    db.execute(
        f"UPDATE visitor SET {_BLANK}, merged_into = ?, updated_at = ?, workstation = ?"
        " WHERE id = ?",
        (to_id, stamp["updated_at"], stamp["workstation"], from_id),
    )


def resolve(db: Database, visitor_id: str) -> str:
    """The visitor an id stands for today: follows `merged_into` (a few hops at most; a
    loop, which Loket never writes, stops where it started)."""
    seen = {visitor_id}
    current = visitor_id
    while True:
        row = db.one("SELECT merged_into FROM visitor WHERE id = ?", (current,))
        if row is None or row["merged_into"] is None or row["merged_into"] in seen:
            return current
        current = row["merged_into"]
        seen.add(current)


# -- merge tasks ------------------------------------------------------------------------------
def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def add_task(db: Database, a: str, b: str, reason: str, desk_id: str | None) -> bool:
    """A task for the pair unless one exists (open, merged or dismissed).  True when new."""
    first, second = _pair(a, b)
    cur = db.execute(
        "INSERT OR IGNORE INTO merge_task (id, visitor_a, visitor_b, reason, desk_id,"
        " created_at, updated_at, workstation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), first, second, reason, desk_id, now_iso(), now_iso(), db.workstation),
    )
    return cur.rowcount > 0


def get_task(db: Database, task_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM merge_task WHERE id = ?", (task_id,))


def task_for_pair(db: Database, a: str, b: str) -> sqlite3.Row | None:
    first, second = _pair(a, b)
    return db.one("SELECT * FROM merge_task WHERE visitor_a = ? AND visitor_b = ?", (first, second))


def open_tasks(db: Database, *, desk_id: str | None = None, limit: int = 200) -> list[sqlite3.Row]:
    """Open tasks, oldest first; with `desk_id` those of that desk and those of no desk."""
    where, params = "status = 'open'", []
    if desk_id is not None:
        where += " AND (desk_id = ? OR desk_id IS NULL)"
        params.append(desk_id)
    return db.all(
        f"SELECT * FROM merge_task WHERE {where} ORDER BY created_at, id LIMIT ?",
        (*params, limit),
    )


def open_tasks_of(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT * FROM merge_task WHERE status = 'open' AND (visitor_a = ? OR visitor_b = ?)"
        " ORDER BY created_at",
        (visitor_id, visitor_id),
    )


def visitors_with_open_tasks(db: Database, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = db.all(
        f"SELECT visitor_a AS v FROM merge_task WHERE status = 'open' AND visitor_a IN ({marks})"
        f" UNION SELECT visitor_b FROM merge_task WHERE status = 'open' AND visitor_b IN ({marks})",
        (*ids, *ids),
    )
    return {r[0] for r in rows}


def decide_task(
    db: Database,
    task_id: str,
    status: str,
    by: str | None,
    kept: str | None,
    *,
    at: str | None = None,
    pushed_at: str | None = None,
) -> None:
    """Close a task.  `pushed_at` None: a decision taken here, which the next sync round
    sends to the hub; set: one this PC only follows (another PC decided), not sent back."""
    stamp = db.stamp(new=False)
    db.execute(
        "UPDATE merge_task SET status = ?, kept_id = ?, decided_at = ?, decided_by = ?,"
        " pushed_at = ?, updated_at = ?, workstation = ? WHERE id = ?",
        (status, kept, at or stamp["updated_at"], by, pushed_at, stamp["updated_at"],
         stamp["workstation"], task_id),
    )  # fmt: skip


def retarget_tasks(
    db: Database, from_id: str, to_id: str, by: str | None, *, pushed_at: str | None = None
) -> None:
    """Open tasks of a merged-away file now concern the kept one (or close, when that pair
    has a task already or the partner is the kept file itself)."""
    for task in open_tasks_of(db, from_id):
        partner = task["visitor_b"] if task["visitor_a"] == from_id else task["visitor_a"]
        if partner == to_id or task_for_pair(db, to_id, partner) is not None:
            decide_task(db, task["id"], "merged", by, to_id, pushed_at=pushed_at)
            continue
        first, second = _pair(to_id, partner)
        stamp = db.stamp(new=False)
        db.execute(
            "UPDATE merge_task SET visitor_a = ?, visitor_b = ?, updated_at = ?,"
            " workstation = ? WHERE id = ?",
            (first, second, stamp["updated_at"], stamp["workstation"], task["id"]),
        )


def follow_merges(db: Database) -> int:
    """After a pull: open tasks of a file another PC merged away follow the merge (closed
    when they were that pair, else pointing at the kept file).  Returns how many there were."""
    rows = db.all(
        "SELECT DISTINCT v.id FROM merge_task t JOIN visitor v"
        " ON v.id IN (t.visitor_a, t.visitor_b)"
        " WHERE t.status = 'open' AND v.merged_into IS NOT NULL"
    )
    followed = now_iso()  # quiet: the PC that merged sends the decision, not each follower
    for row in rows:
        retarget_tasks(db, row["id"], resolve(db, row["id"]), None, pushed_at=followed)
    return len(rows)


OUTCOMES = ("dismissed", "merged")


def follow_decision(
    db: Database, a: str, b: str, reason: str, outcome: str, at: str, by: str | None
) -> bool:
    """After a pull: another PC decided this pair (the hub's closed task).  This PC's open
    task for it closes the same way, quietly (the PC that decided wrote the audit row) and
    is not sent back; a pair called two people that this PC had no task for is recorded as
    dismissed, so that its own scan never proposes it.  True when something changed here."""
    if outcome not in OUTCOMES or not a or not b or a == b:
        return False
    followed = now_iso()
    task = task_for_pair(db, a, b)
    if task is not None:
        if task["status"] != "open":
            return False  # decided here already (this PC's own decision coming back)
        kept = None
        if outcome == "merged":
            kept = b if resolve(db, a) == b else (a if resolve(db, b) == a else None)
        decide_task(db, task["id"], outcome, by, kept, at=at, pushed_at=followed)
        return True
    if (
        outcome != "dismissed"  # a merge reaches this PC as rows (follow_merges)
        or reason not in ("v_number", "bsn", "name_dob")
        or db.scalar("SELECT count(*) FROM visitor WHERE id IN (?, ?)", (a, b)) != 2
    ):
        return False
    first, second = _pair(a, b)
    db.execute(
        "INSERT INTO merge_task (id, visitor_a, visitor_b, reason, desk_id, status, decided_at,"
        " decided_by, pushed_at, created_at, updated_at, workstation)"
        " VALUES (?, ?, ?, ?, NULL, 'dismissed', ?, ?, ?, ?, ?, ?)",
        (new_id(), first, second, reason, at, by, followed, followed, followed, db.workstation),
    )
    return True


def decisions_to_push(db: Database, limit: int = 500) -> list[sqlite3.Row]:
    """Tasks decided on this PC that the hub has not taken yet, oldest decision first."""
    return db.all(
        "SELECT id, visitor_a, visitor_b, reason, status, decided_at, decided_by"
        " FROM merge_task WHERE status <> 'open' AND pushed_at IS NULL"
        " ORDER BY decided_at, id LIMIT ?",
        (limit,),
    )


def mark_decisions_pushed(db: Database, ids: list[str], at: str) -> None:
    with db.transaction():
        for task_id in ids:
            db.execute("UPDATE merge_task SET pushed_at = ? WHERE id = ?", (at, task_id))


def same_number_pairs(db: Database, column: str, limit: int) -> list[tuple[str, str]]:
    """Pairs of files that share a V-nummer or BSN.  The numbers come from an index-only
    GROUP BY over the column's partial index (a merged-away or anonymised file has no
    number left), then the few files of each such number."""
    assert column in ("v_number", "bsn")
    numbers = [
        r[0]
        for r in db.all(
            f"SELECT {column} FROM visitor WHERE {column} IS NOT NULL"
            f" GROUP BY {column} HAVING count(*) > 1 LIMIT ?",
            (limit,),
        )
    ]
    pairs = []
    for number in numbers:
        ids = [
            r[0]
            for r in db.all(
                f"SELECT id FROM visitor WHERE {column} = ? AND merged_into IS NULL"
                f" AND anonymised_at IS NULL ORDER BY id LIMIT 20",
                (number,),
            )
        ]
        pairs += [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return pairs


def visitors_after(db: Database, rowid: int, limit: int) -> list[sqlite3.Row]:
    """Files added after `rowid` (in the order they were written here, whatever their
    clocks say: rows pulled from another PC count from when they arrived)."""
    return db.all(
        "SELECT rowid AS _rowid, * FROM visitor WHERE rowid > ? ORDER BY rowid LIMIT ?",
        (rowid, limit),
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
