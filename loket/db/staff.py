"""SQL for staff accounts."""

from __future__ import annotations

import sqlite3

from loket.clock import new_id
from loket.db.connection import Database


def by_username(db: Database, username: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM staff WHERE username = ? COLLATE NOCASE", (username.strip(),))


def by_id(db: Database, staff_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM staff WHERE id = ?", (staff_id,))


def count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM staff"))


def all_staff(db: Database) -> list[sqlite3.Row]:
    return db.all("SELECT * FROM staff ORDER BY display_name")


def insert(db: Database, **values) -> str:
    row = {"id": new_id(), **values, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO staff ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)
    return row["id"]


def set_login_state(
    db: Database, staff_id: str, *, failed: int, lockouts: int, locked_until: str | None
) -> None:
    db.execute(
        "UPDATE staff SET failed_logins = ?, lockouts = ?, locked_until = ?, updated_at = ?,"
        " workstation = ? WHERE id = ?",
        (failed, lockouts, locked_until, *db.stamp(new=False).values(), staff_id),
    )


def set_password_hash(db: Database, staff_id: str, password_hash: str) -> None:
    s = db.stamp(new=False)
    db.execute(
        "UPDATE staff SET password_hash = ?, updated_at = ?, workstation = ? WHERE id = ?",
        (password_hash, s["updated_at"], s["workstation"], staff_id),
    )


def update_fields(db: Database, staff_id: str, **values) -> None:
    """Set the given columns (role, active, display_name, desk_id...) on one account."""
    row = {**values, **db.stamp(new=False)}
    sets = ", ".join(f"{c} = :{c}" for c in row)
    db.execute(f"UPDATE staff SET {sets} WHERE id = :_id", {**row, "_id": staff_id})


def count_active_admins(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM staff WHERE role = 'beheerder' AND active = 1"))
