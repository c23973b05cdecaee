"""The checks of an HSDS package against itself and the directory, before anything is
written: values (after normalising what has one meaning), references and links.  Every
problem goes into the bundle's report; a reference to a record outside the package is dropped
with a warning unless the record cannot stand without it.
"""

from __future__ import annotations

from loket.db import directory as repo
from loket.directory import fields as directory_fields
from loket.directory.hsds_bundle import Bundle, Rec
from loket.directory.hsds_clean import clean
from loket.errors import ValidationError
from loket.i18n import _

# Whose record it is, most specific first: only a list of that owner's records can drop it.
# A service's phone or hours at a location are the service's (as letters rank them), so a
# location's list never drops another organisation's service phone at a shared place.
PRIMARY_OWNER: dict[str, tuple[str, ...]] = {
    "service_at_location": ("service_id",),
    "service_language": ("location_id", "service_id"),
    "phone": ("service_at_location_id", "service_id", "location_id", "organization_id"),
    "schedule": ("service_at_location_id", "service_id", "location_id"),
    "required_document": ("service_id",),
}
# column -> table it points at, per table (all optional except where the spec requires them)
REFERENCES: dict[str, dict[str, str]] = {
    "service": {"organization_id": "organisation"},
    "location": {"organization_id": "organisation"},
    "service_at_location": {"service_id": "service", "location_id": "location"},
    "service_language": {"service_id": "service", "location_id": "location"},
    "phone": {
        "organization_id": "organisation",
        "service_id": "service",
        "location_id": "location",
        "service_at_location_id": "service_at_location",
    },
    "schedule": {
        "service_id": "service",
        "location_id": "location",
        "service_at_location_id": "service_at_location",
    },
    "required_document": {"service_id": "service"},
}


class Known:
    """Which ids exist, in the import (refused records left out) or already in the database.
    A reference to a refused record counts as one to a record outside the package: it stands
    when the directory holds that record (which the import leaves as it is)."""

    def __init__(self, db, bundle: Bundle) -> None:
        self.db = db
        self.ids = {
            t: {str(r.data["id"]) for r in recs if not r.refused}
            for t, recs in bundle.tables.items()
        }
        self.refused = {t: bundle.refused_ids(t) for t in (*bundle.tables, *bundle.refused)}

    def has(self, table: str, row_id: str) -> bool:
        return row_id in self.ids.get(table, set()) or repo.exists(self.db, table, row_id)

    def was_refused(self, table: str, row_id: str) -> bool:
        return row_id in self.refused.get(table, set())


def _groups(bundle: Bundle) -> list[tuple[str, list[Rec]]]:
    groups = [(table, recs) for table, recs in bundle.tables.items()]
    groups += [("address", bundle.addresses or []), ("accessibility", bundle.accessibility or [])]
    return groups


def check_fields(bundle: Bundle) -> None:
    """Normalise what has one meaning, then run the checks a manual edit gets (names, free
    text, language codes, phone numbers, e-mail and web addresses) on every imported record,
    before anything is written.  Every problem goes into the report."""
    report = bundle.report
    for table, recs in _groups(bundle):
        for rec in recs:
            if not clean(table, rec, report):
                continue
            if table == "address":
                parts = [dict(rec.data)]
            else:
                parts = [{col: value} for col, value in rec.data.items()]
            for part in parts:
                try:
                    directory_fields.check_imported(table, part)
                except ValidationError as err:
                    column, problem = next(iter(err.errors.items()))
                    report.refuse_record(rec, rec.where(column), rec.data.get(column), problem)


# What cannot stand alone: a service belongs to an organisation (HSDS requires it), a link
# joins a service and a location, a document is a service's.  Any other reference to a record
# that is neither in the package nor in the directory is dropped with a warning.
MUST_EXIST = {
    "service": ("organization_id",),
    "service_at_location": ("service_id", "location_id"),
    "required_document": ("service_id",),
}


def check_references(db, bundle: Bundle) -> None:
    """Refuse what cannot stand without a record that is nowhere, drop other such links with
    a warning.  A refused record's references are checked again, until nothing changes: a
    service whose organisation was refused (and is not in the directory) is refused too."""
    bundle.drop_refused()
    while True:
        _check_references(Known(db, bundle), bundle)
        if not bundle.drop_refused():
            return


def _check_references(known: Known, bundle: Bundle) -> None:
    report = bundle.report
    for table, refs in REFERENCES.items():
        kept = []
        for rec in bundle.tables.get(table, []):
            standing = True
            for col, target in refs.items():
                value = rec.data.get(col)
                if value is None or known.has(target, str(value)):
                    continue
                refused = known.was_refused(target, str(value))
                if col in MUST_EXIST.get(table, ()):
                    if refused:
                        text = _("{id} is refused above and is not in the directory").format(
                            id=value
                        )
                    else:
                        text = _("{id} is not in this import nor in the directory").format(id=value)
                    report.refuse_record(rec, rec.where(col), value, text)
                    standing = False
                else:
                    rec.data[col] = None
                    if refused:
                        text = _("refused above: imported without this link")
                    else:
                        text = _(
                            "not in this import nor in the directory: imported without this link"
                        )
                    report.warn(rec.file, rec.row, rec.where(col), value, text)
            owners = PRIMARY_OWNER.get(table)
            if standing and owners and not any(rec.data.get(c) for c in owners):
                report.warn(
                    rec.file,
                    rec.row,
                    None,
                    rec.data.get("id"),
                    _("belongs to nothing in this import or the directory: skipped"),
                )
                standing = False
            if standing or rec.refused:
                kept.append(rec)  # refused ones are moved aside by the caller
        if table in bundle.tables:
            bundle.tables[table] = kept
    for name in ("addresses", "accessibility"):
        recs = getattr(bundle, name)
        if recs is None:
            continue
        kept = []
        for rec in recs:
            lid = str(rec.data["location_id"])
            if known.was_refused("location", lid):
                # part of the refused location, which stays as it is
                report.warn(
                    rec.file,
                    rec.row,
                    rec.where("location_id"),
                    lid,
                    _("belongs to a refused record: skipped"),
                )
            elif known.has("location", lid):
                kept.append(rec)
            else:
                report.warn(
                    rec.file,
                    rec.row,
                    rec.where("location_id"),
                    lid,
                    _("belongs to nothing in this import or the directory: skipped"),
                )
        setattr(bundle, name, kept or None)


def sal_pairs_free(db, bundle: Bundle) -> None:
    for rec in bundle.tables.get("service_at_location", []):
        other = repo.other_link(db, rec.data["service_id"], rec.data["location_id"], rec.data["id"])
        if other is not None:
            bundle.report.refuse_record(
                rec,
                rec.where("id"),
                rec.data["id"],
                _("this service is already linked to this location under id {id}").format(id=other),
            )
