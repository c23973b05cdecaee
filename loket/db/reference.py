"""SQL for reference data: desks, the needs taxonomy, visit topics, settings."""

from __future__ import annotations

import sqlite3
import uuid

from loket.db.connection import Database

_CODE_TABLES = ("need", "topic")
# Reference rows get an id derived from their code, the same on every PC, so that PCs
# seeded apart hold one desk, need or topic under one id at the hub.
_NAMESPACE = uuid.UUID("6f1c2d0e-9d7b-4c55-8a43-1d2f6b0c7e16")


def seed_id(table: str, code: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{table}:{code}"))


def upsert_desk(db: Database, desk: dict) -> str:
    existing = db.one("SELECT id FROM desk WHERE code = ?", (desk["code"],))
    if existing:
        db.execute(
            "UPDATE desk SET name = :name, city = :city, address = :address,"
            # a phone number an administrator filled in survives re-seeding (loket init)
            " postal_code = :postal_code, phone = COALESCE(:phone, phone),"
            " updated_at = :updated_at,"
            " workstation = :workstation WHERE code = :code",
            {**desk, **db.stamp(new=False)},
        )
        return existing["id"]
    row = {
        "id": seed_id("desk", desk["code"]),
        "address": None,
        "postal_code": None,
        "phone": None,
        **desk,
        **db.stamp(),
    }
    db.execute(
        "INSERT INTO desk (id, code, name, city, address, postal_code, phone, created_at,"
        " updated_at, workstation) VALUES (:id, :code, :name, :city, :address, :postal_code,"
        " :phone, :created_at, :updated_at, :workstation)",
        row,
    )
    return row["id"]


def desks(db: Database, *, active_only: bool = True) -> list[sqlite3.Row]:
    where = "WHERE active = 1" if active_only else ""
    return db.all(f"SELECT * FROM desk {where} ORDER BY name")


def desk_by_code(db: Database, code: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM desk WHERE code = ?", (code,))


def desk_by_id(db: Database, desk_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM desk WHERE id = ?", (desk_id,))


def upsert_code(db: Database, table: str, item: dict) -> None:
    assert table in _CODE_TABLES
    row = {"id": seed_id(table, item["code"]), **item, **db.stamp()}
    db.execute(
        f"INSERT INTO {table} (id, code, label_nl, label_en, sort_order, created_at, updated_at,"
        " workstation) VALUES (:id, :code, :label_nl, :label_en, :sort_order, :created_at,"
        " :updated_at, :workstation) ON CONFLICT(code) DO UPDATE SET label_nl = excluded.label_nl,"
        " label_en = excluded.label_en, sort_order = excluded.sort_order,"
        " updated_at = excluded.updated_at, workstation = excluded.workstation",
        row,
    )


def codes(db: Database, table: str) -> list[sqlite3.Row]:
    assert table in _CODE_TABLES
    return db.all(f"SELECT * FROM {table} WHERE active = 1 ORDER BY sort_order, code")


def get_setting(db: Database, key: str) -> str | None:
    row = db.one("SELECT value FROM setting WHERE key = ?", (key,))
    return None if row is None else row["value"]


def set_setting(db: Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES (:key, :value, :created_at, :updated_at, :workstation)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
        " updated_at = excluded.updated_at, workstation = excluded.workstation",
        {"key": key, "value": value, **db.stamp()},
    )


def add_setting_once(db: Database, key: str, value: str) -> str:
    """Store `value` under `key` unless a value is there already; returns the stored one
    (two processes making the same key at once agree on the first)."""
    db.execute(
        "INSERT INTO setting (key, value, created_at, updated_at, workstation)"
        " VALUES (:key, :value, :created_at, :updated_at, :workstation)"
        " ON CONFLICT(key) DO NOTHING",
        {"key": key, "value": value, **db.stamp()},
    )
    return get_setting(db, key) or value


def delete_settings_like(db: Database, prefix: str, *, keep: str) -> int:
    """Delete every setting whose key starts with `prefix`, except `keep`."""
    cur = db.execute(
        "DELETE FROM setting WHERE substr(key, 1, length(:prefix)) = :prefix AND key <> :keep",
        {"prefix": prefix, "keep": keep},
    )
    return cur.rowcount
