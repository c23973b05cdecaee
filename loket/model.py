"""The core entities as plain dataclasses (no Qt, no SQL).

Directory, referral and letter entities live beside the use cases that own them
(`loket.directory.browse`, `loket.referrals.lifecycle`, `loket.letters`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def from_row(cls, row) -> object:
    """Build a dataclass from a sqlite3.Row / dict, ignoring columns the class lacks."""
    names = {f.name for f in fields(cls)}
    data = dict(row)
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Desk:
    id: str
    code: str
    name: str
    city: str
    address: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    active: int = 1


@dataclass
class Staff:
    id: str
    username: str
    display_name: str
    role: str
    desk_id: str | None = None
    phone: str | None = None
    language: str = "nl"
    active: int = 1


@dataclass
class Need:
    code: str
    label_nl: str
    label_en: str
    sort_order: int = 0
    active: int = 1

    def label(self, language: str) -> str:
        return self.label_nl if language == "nl" else self.label_en


@dataclass
class Topic(Need):
    pass


@dataclass
class Visitor:
    id: str = ""
    given_names: str = ""
    family_name: str = ""
    # the name in Latin letters as the IND document writes it (empty: not known)
    latin_given_names: str = ""
    latin_family_name: str = ""
    date_of_birth: str | None = None  # ISO date
    v_number: str | None = None
    bsn: str | None = None
    phone: str | None = None  # E.164
    email: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    preferred_language: str = "nl"
    interpreter_needed: int = 0
    interpreter_language: str | None = None
    last_activity_at: str | None = None
    anonymised_at: str | None = None
    merged_into: str | None = None  # merged into this visitor (the file then opens that one)
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.latin_given_names, self.latin_family_name) if p)


@dataclass
class VisitNeed:
    need_code: str
    note: str = ""


@dataclass
class Visit:
    id: str = ""
    visitor_id: str = ""
    desk_id: str = ""
    staff_id: str | None = None
    visit_date: str = ""
    arrived_at: str = ""
    status: str = "waiting"
    topic_code: str | None = None
    language: str | None = None
    interpreter_needed: int = 0
    interpreter_language: str | None = None
    brought_by_org: str | None = None
    brought_by_contact: str | None = None
    referent_involved: int = 0
    summary: str = ""
    outcome: str = ""
    follow_up_date: str | None = None
    needs: list[VisitNeed] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None


VISIT_STATUSES = ("waiting", "in_progress", "done")
