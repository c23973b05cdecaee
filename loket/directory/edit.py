"""Keeping the partner directory up to date: services, organisations, locations, and the
date someone last checked a service's details (HSDS assured_date).  Supervisors and
administrators only; every change is validated in full (all field errors at once) and
written in one transaction with its audit row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from loket import clock, validation
from loket.context import Context
from loket.db import directory as repo
from loket.directory import fields as directory_fields
from loket.directory import hsds
from loket.directory import schedule as directory_schedule
from loket.directory.schedule import ScheduleEdit
from loket.errors import NotFound, ValidationError
from loket.i18n import _
from loket.privacy import audit
from loket.privacy.permissions import Permission

_LANGUAGE_CODE = directory_fields.LANGUAGE_CODE
_DIRECTORY_PHONE = directory_fields.DIRECTORY_PHONE


@dataclass
class ServiceEdit:
    """What an editor can change about a service; `id=""` creates a new one."""

    organization_id: str
    name: str
    id: str = ""
    description: str = ""
    url: str | None = None
    email: str | None = None
    status: str = "active"
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    assured_date: str | None = None
    warm_handover: bool = False
    is_escalation: bool = False
    to_verify: bool = False
    needs: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    required_documents: list[str] = field(default_factory=list)
    location_ids: list[str] = field(default_factory=list)
    schedules: list[ScheduleEdit] = field(default_factory=list)  # the service's own hours


def service_edit(ctx: Context, service_id: str) -> ServiceEdit:
    """The stored values of a service exactly as `save_service` takes them.

    Not `ServiceDetail`: that shows the organisation's e-mail and data check where the
    service has none, and saving those back would copy them onto the service.
    """
    ctx.require(Permission.DIRECTORY_READ, object_type="service", object_id=service_id)
    db = ctx.db
    row = repo.get(db, "service", service_id)
    if row is None:
        raise NotFound(_("This service is not in the directory."))
    return ServiceEdit(
        **stored_fields(db, row),
        languages=sorted(
            r["code"]
            for r in repo.children(db, "service_language", "service_id", service_id)
            if r["location_id"] is None
        ),
        location_ids=[r["id"] for r in repo.service_locations(db, service_id)],
        schedules=directory_schedule.stored(db, service_id),
    )


_TEXT_FIELDS = (
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "eligibility_description",
    "assured_date",
)
_FLAG_FIELDS = ("warm_handover", "is_escalation", "to_verify")


def stored_fields(db, row) -> dict:
    """A service's own stored values (its row, needs, phones, documents): what the editor
    starts from and what the detail view shows, before the organisation fills gaps."""
    service_id = row["id"]
    return {
        "id": service_id,
        "organization_id": row["organization_id"],
        "name": row["name"],
        "description": row["description"] or "",
        **{name: row[name] for name in _TEXT_FIELDS},
        **{name: bool(row[name]) for name in _FLAG_FIELDS},
        "needs": [n["need_code"] for n in repo.service_needs(db, service_id)],
        "phones": [p["number"] for p in repo.children(db, "phone", "service_id", service_id)],
        "required_documents": repo.required_documents(db, service_id),
    }


def _optional(value: str | None, field_name: str) -> str | None:
    text = validation.free_text(value, field_name)
    return text or None


def _check_edit(ctx: Context, edit: ServiceEdit) -> tuple[dict, list[ScheduleEdit]]:
    db = ctx.db
    known_needs = repo.need_codes(db)
    errors: dict[str, str] = {}
    try:
        values = _collect_service_fields(edit)
    except ValidationError as err:
        errors.update(err.errors)
        values = {"name": edit.name.strip()}
    if not values["name"] and "name" not in errors:
        errors["name"] = _("Fill in a name.")
    if repo.get(db, "organisation", edit.organization_id) is None:
        errors["organization_id"] = _("Choose an organisation.")
    if edit.status not in hsds.SERVICE_STATUSES:
        errors["status"] = _("Choose a status.")
    if any(n not in known_needs for n in edit.needs):
        errors["needs"] = _("Choose needs from the list.")
    if any(not _LANGUAGE_CODE.match(code) for code in edit.languages):
        errors["languages"] = _("Use language codes such as nl, ar or fa-AF.")
    if any(not _DIRECTORY_PHONE.match(p.strip()) for p in edit.phones):
        errors["phones"] = _("A phone number holds only digits.")
    if any(not repo.exists(db, "location", lid) for lid in edit.location_ids):
        errors["location_ids"] = _("Choose locations from the list.")
    try:
        for document in edit.required_documents:
            validation.free_text(document, "required_documents", max_length=500)
    except ValidationError as err:
        errors.update(err.errors)
    schedules: list[ScheduleEdit] = []
    try:
        schedules = directory_schedule.check(edit.schedules)
    except ValidationError as err:
        errors.update(err.errors)
    if errors:
        raise ValidationError(errors)
    return values, schedules


def _collect_service_fields(edit: ServiceEdit) -> dict:
    return validation.collect(
        ("name", lambda: validation.name(edit.name, "name")),
        ("description", lambda: validation.free_text(edit.description, "description")),
        ("email", lambda: validation.email(edit.email, "email")),
        ("url", lambda: directory_fields.url(edit.url, "url")),
        (
            "interpretation_services",
            lambda: _optional(edit.interpretation_services, "interpretation_services"),
        ),
        ("application_process", lambda: _optional(edit.application_process, "application_process")),
        ("fees_description", lambda: _optional(edit.fees_description, "fees_description")),
        (
            "eligibility_description",
            lambda: _optional(edit.eligibility_description, "eligibility_description"),
        ),
        (
            "assured_date",
            lambda: (
                validation.parse_date(edit.assured_date, "assured_date").isoformat()
                if edit.assured_date
                else None
            ),
        ),
    )


def _sync(db, table: str, parent: str, key: str, wanted: list[str], extra: dict) -> None:
    """Make the service's rows in `table` hold exactly `wanted` values of column `key`."""
    current = {
        r[key]: r["id"]
        for r in repo.children(db, table, "service_id", parent)
        if table != "service_language" or r["location_id"] is None
    }
    for value in wanted:
        if value not in current:
            repo.upsert(
                db, table, {"id": clock.new_id(), "service_id": parent, key: value, **extra}
            )
    for value, row_id in current.items():
        if value not in wanted:
            repo.delete(db, table, row_id)


def save_service(ctx: Context, edit: ServiceEdit, *, checked_today: bool = False) -> str:
    """Create or update a service with its needs, languages, phones, documents, locations
    and opening hours; `checked_today` also records, in the same transaction, that the
    editor checked the details today (as `mark_checked`)."""
    ctx.require(Permission.DIRECTORY_EDIT, object_type="service", object_id=edit.id or None)
    values, schedules = _check_edit(ctx, edit)
    db = ctx.db
    new = not edit.id
    if not new and repo.get(db, "service", edit.id) is None:
        raise NotFound(_("This service is not in the directory."))
    service_id = edit.id or clock.new_id()
    row = {
        "id": service_id,
        "organization_id": edit.organization_id,
        "status": edit.status,
        **values,
        "warm_handover": int(edit.warm_handover),
        "is_escalation": int(edit.is_escalation),
        "to_verify": int(edit.to_verify),
    }
    with db.transaction():
        repo.upsert(db, "service", row)
        current = {r["need_code"]: r["id"] for r in repo.service_needs(db, service_id)}
        for code in edit.needs:
            if code not in current:
                repo.upsert(
                    db,
                    "service_need",
                    {
                        "id": hsds.stable_id("service_need", service_id, code),
                        "service_id": service_id,
                        "need_code": code,
                    },
                )
        for code, row_id in current.items():
            if code not in edit.needs:
                repo.delete(db, "service_need", row_id)
        _sync(db, "service_language", service_id, "code", list(dict.fromkeys(edit.languages)), {})
        _sync(
            db,
            "phone",
            service_id,
            "number",
            list(dict.fromkeys(p.strip() for p in edit.phones)),
            {"type": "voice"},
        )
        documents = list(dict.fromkeys(d.strip() for d in edit.required_documents if d.strip()))
        _sync(db, "required_document", service_id, "document", documents, {})
        if repo.required_documents(db, service_id) != documents:
            # Letters list the papers in the order stored; staff moved lines: store anew.
            for row in repo.children(db, "required_document", "service_id", service_id):
                repo.delete(db, "required_document", row["id"])
            for document in documents:
                repo.upsert(
                    db,
                    "required_document",
                    {"id": clock.new_id(), "service_id": service_id, "document": document},
                )
        _sync(
            db,
            "service_at_location",
            service_id,
            "location_id",
            list(dict.fromkeys(edit.location_ids)),
            {},
        )
        directory_schedule.sync(db, service_id, schedules)
        audit.record(
            ctx,
            action="directory.service." + ("create" if new else "update"),
            object_type="service",
            object_id=service_id,
        )
        if checked_today:
            _record_checked(ctx, service_id, clock.today())
    return service_id


def mark_checked(ctx: Context, service_id: str, on: date | None = None) -> None:
    """Record that someone checked the service's data today (HSDS assured_date)."""
    ctx.require(Permission.DIRECTORY_EDIT, object_type="service", object_id=service_id)
    db = ctx.db
    if repo.get(db, "service", service_id) is None:
        raise NotFound(_("This service is not in the directory."))
    with db.transaction():
        _record_checked(ctx, service_id, on or clock.today())


def _record_checked(ctx: Context, service_id: str, day: date) -> None:
    repo.upsert(
        ctx.db, "service", {"id": service_id, "assured_date": day.isoformat(), "to_verify": 0}
    )
    audit.record(
        ctx, action="directory.service.checked", object_type="service", object_id=service_id
    )


def save_organisation(
    ctx: Context,
    *,
    name: str,
    org_id: str = "",
    description: str = "",
    website: str | None = None,
    email: str | None = None,
) -> str:
    ctx.require(Permission.DIRECTORY_EDIT, object_type="organisation", object_id=org_id or None)
    values = validation.collect(
        ("name", lambda: validation.name(name, "name")),
        ("description", lambda: validation.free_text(description, "description")),
        ("website", lambda: directory_fields.url(website, "website")),
        ("email", lambda: validation.email(email, "email")),
    )
    if not values["name"]:
        raise ValidationError.single("name", _("Fill in a name."))
    new = not org_id
    org_id = org_id or clock.new_id()
    with ctx.db.transaction():
        repo.upsert(ctx.db, "organisation", {"id": org_id, **values})
        audit.record(
            ctx,
            action="directory.organisation." + ("create" if new else "update"),
            object_type="organisation",
            object_id=org_id,
        )
    return org_id


def save_location(
    ctx: Context,
    *,
    organization_id: str | None,
    city: str,
    name: str = "",
    address_1: str = "",
    postal_code: str = "",
    accessibility: str = "",
    location_id: str = "",
) -> str:
    ctx.require(Permission.DIRECTORY_EDIT, object_type="location", object_id=location_id or None)
    values = validation.collect(
        ("city", lambda: validation.free_text(city, "city", max_length=100)),
        ("name", lambda: _optional(name, "name")),
        ("address_1", lambda: _optional(address_1, "address_1")),
        ("postal_code", lambda: validation.postcode(postal_code or None)),
        ("accessibility", lambda: _optional(accessibility, "accessibility")),
    )
    if not values["city"]:
        raise ValidationError.single("city", _("Fill in a place."))
    new = not location_id
    location_id = location_id or clock.new_id()
    with ctx.db.transaction():
        repo.upsert(
            ctx.db, "location", {"id": location_id, "organization_id": organization_id, **values}
        )
        audit.record(
            ctx,
            action="directory.location." + ("create" if new else "update"),
            object_type="location",
            object_id=location_id,
        )
    return location_id


def create_service(
    ctx: Context, edit: ServiceEdit, *, city: str | None = None, checked_today: bool = False
) -> str:
    """A new service, with (when `city` is given) a new location for it in that place.

    One transaction: when the service is refused, the location is not left behind.
    """
    ctx.require(Permission.DIRECTORY_EDIT, object_type="service")
    if edit.id:
        raise ValidationError.single("id", _("This service exists already."))
    with ctx.db.transaction():
        if city and city.strip():
            location_id = save_location(
                ctx, organization_id=edit.organization_id or None, city=city
            )
            edit = dataclasses.replace(edit, location_ids=[*edit.location_ids, location_id])
        return save_service(ctx, edit, checked_today=checked_today)
