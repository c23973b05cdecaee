"""The partner directory: searching and reading it (every role).  Editing lives in
`loket.directory.edit` (supervisor, beheerder) and is re-exported here.

A service whose data nobody checked for twelve months is *stale*: staff still see it, marked
in words, because a partner with an old phone number is better than no partner, but the desk
must know to double-check before it sends someone there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from loket import clock
from loket.context import Context
from loket.db import directory as repo
from loket.directory import schedule as directory_schedule
from loket.directory.edit import (  # noqa: F401  (the editing half of the same API)
    ServiceEdit,
    create_service,
    mark_checked,
    save_location,
    save_organisation,
    save_service,
    service_edit,
    stored_fields,
)
from loket.directory.schedule import ScheduleEdit  # noqa: F401
from loket.errors import NotFound
from loket.i18n import _
from loket.privacy.permissions import Permission

STALE_AFTER_MONTHS = 12


def is_stale(assured_date: str | None, today: date | None = None) -> bool:
    """True when the data was never checked, or last checked 12 or more months ago."""
    if not assured_date:
        return True
    try:
        checked = date.fromisoformat(assured_date[:10])
    except ValueError:
        return True
    today = today or clock.today()
    try:
        limit = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - 1, day=28)
    return checked <= limit


@dataclass
class ServiceSummary:
    id: str
    name: str
    organization_name: str
    cities: list[str]
    status: str
    warm_handover: bool
    is_escalation: bool
    to_verify: bool
    assured_date: str | None
    stale: bool


@dataclass
class LocationDetail:
    id: str
    name: str | None
    address_1: str | None
    postal_code: str | None
    city: str | None
    accessibility: str | None
    to_verify: bool
    phones: list[str] = field(default_factory=list)


@dataclass
class ScheduleLine:
    byday: str | None
    opens_at: str | None
    closes_at: str | None
    description: str | None
    id: str = ""
    at_location: bool = False  # tied by an import to one location; not the service's own


@dataclass
class ServiceDetail:
    id: str
    organization_id: str
    organization_name: str
    name: str
    description: str
    status: str
    url: str | None
    email: str | None
    website: str | None
    interpretation_services: str | None
    application_process: str | None
    fees_description: str | None
    eligibility_description: str | None
    assured_date: str | None
    warm_handover: bool
    is_escalation: bool
    to_verify: bool
    stale: bool
    needs: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    schedules: list[ScheduleLine] = field(default_factory=list)
    required_documents: list[str] = field(default_factory=list)
    locations: list[LocationDetail] = field(default_factory=list)


def _summary(row) -> ServiceSummary:
    cities = sorted({c for c in (row["cities"] or "").split(",") if c})
    return ServiceSummary(
        id=row["id"],
        name=row["name"],
        organization_name=row["organization_name"],
        cities=cities,
        status=row["status"],
        warm_handover=bool(row["warm_handover"]),
        is_escalation=bool(row["is_escalation"]),
        to_verify=bool(row["to_verify"]),
        assured_date=row["assured_date"],
        stale=is_stale(row["assured_date"]),
    )


def search(
    ctx: Context,
    text: str = "",
    *,
    need: str | None = None,
    city: str | None = None,
    include_inactive: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[ServiceSummary]:
    ctx.require(Permission.DIRECTORY_READ, object_type="service")
    rows = repo.search(
        ctx.db,
        text.strip(),
        need=need,
        city=city,
        include_inactive=include_inactive,
        limit=limit,
        offset=offset,
    )
    return [_summary(r) for r in rows]


def count(
    ctx: Context,
    text: str = "",
    *,
    need: str | None = None,
    city: str | None = None,
    include_inactive: bool = False,
) -> int:
    ctx.require(Permission.DIRECTORY_READ, object_type="service")
    return repo.search_count(
        ctx.db, text.strip(), need=need, city=city, include_inactive=include_inactive
    )


def get_service(ctx: Context, service_id: str) -> ServiceDetail:
    ctx.require(Permission.DIRECTORY_READ, object_type="service", object_id=service_id)
    db = ctx.db
    row = repo.get(db, "service", service_id)
    if row is None:
        raise NotFound(_("This service is not in the directory."))
    org = repo.get(db, "organisation", row["organization_id"])
    locations = []
    for loc in repo.service_locations(db, service_id):
        phones = [p["number"] for p in repo.children(db, "phone", "location_id", loc["id"])]
        locations.append(
            LocationDetail(
                id=loc["id"],
                name=loc["name"],
                address_1=loc["address_1"],
                postal_code=loc["postal_code"],
                city=loc["city"],
                accessibility=loc["accessibility"],
                to_verify=bool(loc["to_verify"]),
                phones=phones,
            )
        )
    stored = stored_fields(db, row)
    # the organisation's e-mail and data check where the service has none of its own
    stored["email"] = stored["email"] or org["email"]
    stored["to_verify"] = stored["to_verify"] or bool(org["to_verify"])
    return ServiceDetail(
        **stored,
        organization_name=org["name"],
        website=org["website"],
        stale=is_stale(row["assured_date"]),
        languages=sorted(
            r["code"] for r in repo.children(db, "service_language", "service_id", service_id)
        ),
        schedules=_schedules(db, service_id),
        locations=locations,
    )


def _schedules(db, service_id: str) -> list[ScheduleLine]:
    """Every schedule row of the service, in week order (Monday's hours first)."""
    lines = [
        ScheduleLine(
            s["byday"],
            s["opens_at"],
            s["closes_at"],
            s["description"],
            id=s["id"],
            at_location=s["location_id"] is not None or s["service_at_location_id"] is not None,
        )
        for s in repo.children(db, "schedule", "service_id", service_id)
    ]
    key = lambda line: directory_schedule.sort_key(  # noqa: E731
        directory_schedule.ScheduleEdit(
            days=[d.strip().upper() for d in (line.byday or "").split(",")],
            opens_at=line.opens_at or "",
            closes_at="",
            id=line.id,
        )
    )
    return sorted(lines, key=lambda line: (line.at_location, key(line)))


def locations(
    ctx: Context, organization_id: str | None, include: list[str] | None = None
) -> list[LocationDetail]:
    """Locations a service of this organisation can be offered at: the organisation's own,
    the places without an organisation, and `include` (those the service has already)."""
    ctx.require(Permission.DIRECTORY_READ, object_type="location")
    rows = repo.location_choices(ctx.db, organization_id, include or [])
    return [
        LocationDetail(
            id=r["id"],
            name=r["name"],
            address_1=r["address_1"],
            postal_code=r["postal_code"],
            city=r["city"],
            accessibility=r["accessibility"],
            to_verify=bool(r["to_verify"]),
        )
        for r in rows
    ]


def organisations(ctx: Context) -> list[tuple[str, str]]:
    """(id, name) of every organisation, for pickers."""
    ctx.require(Permission.DIRECTORY_READ, object_type="organisation")
    return [(r["id"], r["name"]) for r in repo.organisations(ctx.db)]


def cities(ctx: Context) -> list[str]:
    """Places where the directory has locations, for a filter."""
    ctx.require(Permission.DIRECTORY_READ, object_type="location")
    return repo.cities(ctx.db)


def need_labels(ctx: Context) -> dict[str, str]:
    """Need code -> label in the UI language (Dutch from the database; other languages
    through the ui catalogue, so an Arabic UI shows Arabic needs)."""
    from loket.db import reference
    from loket.i18n.reference_labels import label

    return {r["code"]: label(r) for r in reference.codes(ctx.db, "need")}
