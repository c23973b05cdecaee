"""Checking HSDS records against the database and writing them, inside the caller's
transaction.  Everything is checked before the first write: references to unknown ids, a
second link between the same service and location, values that cannot be stored, needs that
do not exist.  What the source does not mention is left as it is: without addresses no
address is touched, without attributes no needs or flags.

What it does mention, it says in full: when the source holds phones (a phones.csv, or a
"phones" list in JSON), an organisation, service or location it holds has exactly those
phones, and the ones it no longer lists are deleted -- a partner's old number must not stay
on a visitor's letter.  The same for languages, schedules, required documents and the links
between services and locations.  Adding only (`keep_existing`, the starter directory) never
deletes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from loket.db import directory as repo
from loket.directory import hsds
from loket.directory.hsds_bundle import Bundle, ImportFailed, Rec
from loket.directory.hsds_checks import (
    PRIMARY_OWNER,
    REFERENCES,
    Known,
    check_fields,
    check_references,
    sal_pairs_free,
)
from loket.directory.hsds_report import Report
from loket.i18n import _

ENTITY_TABLE = hsds.ENTITY_TABLE
ORDER = (
    "organisation",
    "location",
    "service",
    "service_at_location",
    "service_language",
    "phone",
    "schedule",
    "required_document",
)
# Records that belong to an organisation, service or location, and go when the source that
# describes their owner no longer lists them.
OWNED = ("service_at_location", "service_language", "phone", "schedule", "required_document")


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)  # (table, 'inserted'|'updated'|...) -> n
    report: Report = field(default_factory=Report)
    refused: int = 0  # records left out because they were refused (the report says why)

    @property
    def changed(self) -> int:
        """Records added, changed or deleted."""
        return sum(n for (_t, what), n in self.counts.items() if what not in ("unchanged", "kept"))

    @property
    def deleted(self) -> int:
        return sum(n for (_t, what), n in self.counts.items() if what == "deleted")


def _convert(table: str, rec: Rec) -> dict:
    """Stored values from read values, refusing the ones that cannot be stored."""
    row: dict = {}
    for col, value in rec.data.items():
        if col not in repo.COLUMNS[table]:
            continue
        row[col] = None if value is None else str(value)
    for col in repo.COLUMNS[table]:
        if (table, col) in hsds.NOT_NULL_TEXT and row.get(col) is None:
            row[col] = ""
    if table == "service":
        row["status"] = row.get("status") or "active"
        if row["status"] not in hsds.SERVICE_STATUSES:
            raise ImportFailed(
                rec.file,
                rec.row,
                rec.where("status"),
                _("use one of: {values}").format(values=", ".join(hsds.SERVICE_STATUSES)),
            )
        if row.get("assured_date"):
            try:
                date.fromisoformat(row["assured_date"])
            except ValueError:
                raise ImportFailed(
                    rec.file, rec.row, rec.where("assured_date"), _("write the date as YYYY-MM-DD")
                ) from None
    if table == "location":
        row["location_type"] = row.get("location_type") or "physical"
        for col in ("latitude", "longitude"):
            if row.get(col) is not None:
                try:
                    row[col] = float(row[col])
                except ValueError:
                    raise ImportFailed(
                        rec.file, rec.row, rec.where(col), _("a number is expected here")
                    ) from None
    return row


def _resolve_attributes(db, known: Known, bundle: Bundle) -> list[tuple[str, str, str, bool]]:
    """(table, link_id, code, value) for every attribute of our taxonomy (a refused one is
    reported and left out)."""
    needs = repo.need_codes(db)
    by_term = {hsds.term_id(c): c for c in hsds.FLAG_TERMS}
    by_term |= {hsds.term_id(hsds.NEED_PREFIX + n): hsds.NEED_PREFIX + n for n in needs}
    out = []
    for rec in bundle.attributes or []:
        if rec.refused:
            continue
        code = rec.data.get("code") or by_term.get(rec.data.get("term_id"))
        if code is None or not (code in hsds.FLAG_TERMS or code.startswith(hsds.NEED_PREFIX)):
            continue  # not one of ours
        link = str(rec.data["link_id"])
        entity = rec.data.get("link_entity")
        allowed = ("service",) if code.startswith(hsds.NEED_PREFIX) else hsds.FLAG_TERMS[code][0]
        tables = [ENTITY_TABLE[e] for e in allowed if entity in (None, e)]
        if any(known.was_refused(t, link) for t in tables):
            # the refused record stays as it is, its needs and flags too
            bundle.report.warn(
                rec.file,
                rec.row,
                rec.where("link_id"),
                link,
                _("belongs to a refused record: skipped"),
            )
            continue
        table = next((t for t in tables if known.has(t, link)), None)
        if table is None:
            bundle.report.warn(
                rec.file,
                rec.row,
                rec.where("link_id"),
                link,
                _("belongs to nothing in this import or the directory: skipped"),
            )
            continue
        if code.startswith(hsds.NEED_PREFIX) and code[len(hsds.NEED_PREFIX) :] not in needs:
            bundle.report.refuse_record(
                rec,
                rec.where("taxonomy_term_id"),
                code,
                _("{code} is not a known need").format(code=code),
            )
            continue
        value = (rec.data.get("value") or "").strip().lower() in hsds.TRUE_VALUES
        out.append((table, link, code, value))
    return out


def apply(
    db, bundle: Bundle, *, keep_existing: bool = False, keep_unlisted: bool = False
) -> ImportResult:
    """Check everything, then write.  `keep_existing=True` only adds records whose id is not
    in the directory yet and leaves every existing one (and its needs and flags) as it is.
    `keep_unlisted=True` adds and updates but deletes nothing the data no longer lists."""
    check_fields(bundle)
    sal_pairs_free(db, bundle)
    check_references(db, bundle)
    known = Known(db, bundle)
    attributes = _resolve_attributes(db, known, bundle)
    bundle.drop_refused()
    if bundle.report.package_refusals:
        raise ImportFailed.from_report(bundle.report)
    # Attributes, but none of Loket's taxonomy (another tool's, or a file with only other
    # terms): they say nothing about needs and flags, which stay as they are.
    says_attributes = bundle.attributes is not None and bool(attributes)
    rows: dict[str, dict[str, dict]] = {t: {} for t in ORDER}
    for table in ORDER:
        for rec in bundle.tables.get(table, []):
            rows[table][str(rec.data["id"])] = _convert(table, rec)

    def row_of(table: str, row_id: str) -> dict:
        return rows[table].setdefault(row_id, {"id": row_id})

    # A location with a refused address or accessibility row keeps the ones it has, and a
    # service with a refused need keeps its needs: a refusal never clears anything.
    def refused_of(name: str, column: str) -> set[str]:
        return {str(r.data.get(column)) for r in bundle.refused.get(name, [])}

    keep_address = refused_of("addresses", "location_id")
    keep_access = refused_of("accessibility", "location_id")
    keep_needs = refused_of("attributes", "link_id")
    if bundle.addresses is not None:
        chosen: dict[str, Rec] = {}
        for rec in bundle.addresses:
            lid = str(rec.data["location_id"])
            if lid not in chosen or (
                rec.data.get("address_type") == "physical"
                and chosen[lid].data.get("address_type") != "physical"
            ):
                chosen[lid] = rec
        for lid in (set(rows["location"]) | set(chosen)) - keep_address:
            found = chosen[lid].data if lid in chosen else {}
            row = row_of("location", lid)
            for col in hsds.ADDRESS_COLUMNS:
                value = found.get(col)
                row[col] = None if value is None else str(value)
            row["country"] = row["country"] or "NL"
    if bundle.accessibility is not None:
        texts: dict[str, list[str]] = {}
        for rec in bundle.accessibility:
            if rec.data.get("description"):
                texts.setdefault(str(rec.data["location_id"]), []).append(
                    str(rec.data["description"])
                )
        for lid in (set(rows["location"]) | set(texts)) - keep_access:
            row_of("location", lid)["accessibility"] = "\n".join(texts.get(lid, [])) or None
    wanted_needs: dict[str, set[str]] = {}
    if says_attributes:
        for entity, table in ENTITY_TABLE.items():
            for row in rows[table].values():
                for _code, (entities, column) in hsds.FLAG_TERMS.items():
                    if entity in entities:
                        row[column] = 0
        for sid in rows["service"]:
            wanted_needs[sid] = set()
        for table, link, code, value in attributes:
            if code.startswith(hsds.NEED_PREFIX):
                if value:
                    wanted_needs.setdefault(link, set()).add(code[len(hsds.NEED_PREFIX) :])
            else:
                row_of(table, link)[hsds.FLAG_TERMS[code][1]] = int(value)
    result = ImportResult(
        report=bundle.report, refused=sum(len(recs) for recs in bundle.refused.values())
    )
    if keep_existing:
        for table in ORDER:
            for row_id in [i for i in rows[table] if repo.exists(db, table, i)]:
                del rows[table][row_id]
                result.counts[(table, "kept")] += 1
        wanted_needs = {sid: c for sid, c in wanted_needs.items() if sid in rows["service"]}
    stale = [] if keep_existing or keep_unlisted else _no_longer_listed(db, bundle, rows)
    for table in ORDER:
        for row in rows[table].values():
            result.counts[(table, repo.upsert(db, table, row))] += 1
    if stale:
        # Counted from the tables: a deleted link takes its phones and schedules along.
        before = {table: repo.count(db, table) for table in OWNED}
        for table, row_id in stale:
            repo.delete(db, table, row_id)
        for table in OWNED:
            gone = before[table] - repo.count(db, table)
            if gone:
                result.counts[(table, "deleted")] += gone
    for sid, codes in wanted_needs.items():
        replace = sid in rows["service"] and sid not in keep_needs
        _sync_needs(db, sid, codes, replace=replace, result=result)
    return result


def _sync_needs(
    db, service_id: str, codes: set[str], *, replace: bool, result: ImportResult
) -> None:
    current = {r["need_code"]: r["id"] for r in repo.service_needs(db, service_id)}
    for code in sorted(codes - set(current)):
        repo.upsert(
            db,
            "service_need",
            {
                "id": hsds.stable_id("service_need", service_id, code),
                "service_id": service_id,
                "need_code": code,
            },
        )
        result.counts[("service_need", "inserted")] += 1
    if replace:
        for code in sorted(set(current) - codes):
            repo.delete(db, "service_need", current[code])
            result.counts[("service_need", "deleted")] += 1


def _owner(table: str, row) -> tuple[str, str] | None:
    """The owner a record belongs to: its most specific owner column that is set (a phone of
    a service at one location belongs to that link, not to the service or organisation)."""
    for column in PRIMARY_OWNER[table]:
        if row[column] is not None:
            return column, str(row[column])
    return None


def _no_longer_listed(
    db, bundle: Bundle, rows: dict[str, dict[str, dict]]
) -> list[tuple[str, str]]:
    """(table, id) of the owned records in the database whose own owner the source describes
    in full but which it no longer lists."""
    described = {table: set(pairs) for table, pairs in bundle.described.items()}
    for table in bundle.whole_tables & set(OWNED):
        for column, owner in REFERENCES[table].items():
            for rec in bundle.tables.get(owner, []):
                described.setdefault(table, set()).add((column, str(rec.data["id"])))
    # A refused record is left as it is, and so is everything it names: a refused service's
    # phones are not its full list, and a refused phone's owner keeps its other phones (the
    # refused one may have been meant to replace one of them).
    for table, pairs in described.items():
        if table not in OWNED:
            continue
        protected = set()
        for column, owner in REFERENCES[table].items():
            protected |= {(column, rid) for rid in bundle.refused_ids(owner)}
        for rec in bundle.refused.get(table, []):
            protected |= {(c, str(rec.data[c])) for c in PRIMARY_OWNER[table] if rec.data.get(c)}
        pairs -= protected
    refused_ids = {table: bundle.refused_ids(table) for table in OWNED}
    stale: dict[tuple[str, str], None] = {}
    for table in OWNED:  # links first: deleting one takes its phones and schedules along
        pairs = described.get(table, set())
        for column, owner_id in sorted(pairs):
            for child in repo.children(db, table, column, owner_id):
                if (
                    child["id"] not in rows[table]
                    and child["id"] not in refused_ids[table]
                    and _owner(table, child) in pairs
                ):
                    stale[(table, child["id"])] = None
    return list(stale)
