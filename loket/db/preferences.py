"""SQL for a staff member's own display preferences.

The language lives in `staff.language` (the schema has it); text size and contrast are
per-user settings in the `setting` table under `pref:<staff id>:<name>`, so that no new
columns are needed and a preference follows the colleague to every counter PC.
"""

from __future__ import annotations

from loket.db.connection import Database


def _key(staff_id: str, name: str) -> str:
    return f"pref:{staff_id}:{name}"


def staff_language(db: Database, staff_id: str) -> str | None:
    row = db.one("SELECT language FROM staff WHERE id = ?", (staff_id,))
    return None if row is None else row["language"]


def set_staff_language(db: Database, staff_id: str, language: str) -> None:
    s = db.stamp(new=False)
    db.execute(
        "UPDATE staff SET language = ?, updated_at = ?, workstation = ? WHERE id = ?",
        (language, s["updated_at"], s["workstation"], staff_id),
    )


def get(db: Database, staff_id: str, name: str) -> str | None:
    row = db.one("SELECT value FROM setting WHERE key = ?", (_key(staff_id, name),))
    return None if row is None else row["value"]


def put(db: Database, staff_id: str, name: str, value: str) -> None:
    db.execute(
        "INSERT INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES (:key, :value, :created_at, :updated_at, :workstation)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
        " updated_at = excluded.updated_at, workstation = excluded.workstation",
        {"key": _key(staff_id, name), "value": value, **db.stamp()},
    )
