"""Small builders shared by tests: signed-in contexts and registered visitors."""

from __future__ import annotations

import shutil
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from loket.context import Context
from loket.counter import intake
from loket.db import reference
from loket.db import staff as staff_repo
from loket.model import Desk, Staff, Visit, VisitNeed, Visitor, from_row
from loket.privacy.auth import hash_password

PASSWORD = "correct horse"
_HASH: dict[str, str] = {}


def make_staff(db, username: str = "balie1", role: str = "balie", desk_code: str = "ZWL") -> Staff:
    desk = reference.desk_by_code(db, desk_code)
    if username not in _HASH:
        _HASH[username] = hash_password(PASSWORD)
    row = staff_repo.by_username(db, username)
    if row is None:
        with db.transaction():
            staff_repo.insert(
                db,
                username=username,
                display_name=username.title(),
                role=role,
                desk_id=desk["id"],
                password_hash=_HASH[username],
                language="nl",
                phone="+31201234567",
            )
        row = staff_repo.by_username(db, username)
    return from_row(Staff, row)


def context(
    db, role: str = "balie", username: str | None = None, desk_code: str = "ZWL"
) -> Context:
    staff = make_staff(db, username or role, role, desk_code)
    desk = from_row(Desk, reference.desk_by_code(db, desk_code))
    return Context(db=db, user=staff, desk=desk, origin="test")


def visitor(ctx, **fields) -> Visitor:
    data = {
        "given_names": "Ayşe",
        "family_name": "Yılmaz",
        "date_of_birth": "1980-05-01",
        "v_number": "1234567890",
        "preferred_language": "tr",
    }
    data.update(fields)
    return intake.register_visitor(ctx, Visitor(**data), confirmed_new=True)


def visit(ctx, visitor_id: str, needs=("debts",), **fields) -> Visit:
    v = Visit(
        visitor_id=visitor_id,
        topic_code="residence_permit",
        needs=[VisitNeed(code, "") for code in needs],
        **fields,
    )
    return intake.save_visit(ctx, v)


def insert_row(db, table: str, **cols) -> str:
    """A row written straight into `table` (stamps filled in): for cases the core never
    makes itself, such as imported records with several owners."""
    cols = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"} | cols
    cols.setdefault("workstation", "test")
    names, marks = ", ".join(cols), ", ".join("?" for _ in cols)
    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(cols.values()))
    return cols["id"]


def copy_database(template: Path, folder: Path) -> Path:
    """Copy a template database into `folder` with its subject key: the audit chain's rows
    are keyed with it, and Loket refuses a trail whose key is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "loket.sqlite"
    shutil.copy(template, target)
    key = template.with_name("subject.key")
    if key.exists():
        shutil.copy(key, folder / "subject.key")
    return target


class MemoryKeyring(KeyringBackend):
    """A key store that keeps its entries in a dict, for one test; `broken = True` makes it
    fail the way a locked or unreachable key store does."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.broken = False

    def _check(self) -> None:
        if self.broken:
            raise KeyringError("the key store is locked")

    def get_password(self, service, username):
        self._check()
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self._check()
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        self._check()
        self.entries.pop((service, username), None)
