"""Loading the shipped seed data: desks, needs taxonomy, visit topics, partner directory.

Seeding is idempotent on the natural key (desk code, need code): running it again updates
labels but never duplicates rows, so an administrator's later additions survive.
"""

from __future__ import annotations

import json
from pathlib import Path

from loket.db import reference
from loket.db.connection import Database
from loket.paths import resources_dir


def seed_dir() -> Path:
    return resources_dir() / "seed"


def _read(name: str) -> list[dict]:
    return json.loads((seed_dir() / name).read_text(encoding="utf-8"))


def load_reference(db: Database) -> None:
    with db.transaction():
        for desk in _read("desks.json"):
            reference.upsert_desk(db, desk)
        for order, need in enumerate(_read("needs.json")):
            reference.upsert_code(db, "need", {**need, "sort_order": order})
        for order, topic in enumerate(_read("topics.json")):
            reference.upsert_code(db, "topic", {**topic, "sort_order": order})


def load_directory(db: Database) -> None:
    """The starter partner directory (HSDS JSON), through the same importer as any HSDS data."""
    path = seed_dir() / "directory.json"
    if not path.exists():
        return
    from loket.context import system_context
    from loket.directory.transfer import import_path

    # Shipped data, loaded before anyone can sign in; never overwrites corrections made since.
    import_path(system_context(db), path, trusted=True, keep_existing=True)


def load_all(db: Database) -> None:
    load_reference(db)
    load_directory(db)
