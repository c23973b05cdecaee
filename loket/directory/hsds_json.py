"""HSDS JSON: a list of services, each with its organisation and locations nested inside.

Accepted shape (HSDS 3 names; unknown keys are ignored):

    [{"id", "name", ..., "organization": {"id", "name", ..., "phones": [], "attributes": []},
      "service_at_locations": [{"id", "location": {"id", ..., "addresses": [],
                                "accessibility": [], "phones": [], "attributes": []}}],
      "languages": [], "phones": [], "schedules": [], "required_documents": [],
      "attributes": [{"taxonomy_term": {"code": "need.debts"}}, ...]}]

`"locations": [...]` may stand in for `service_at_locations`.  Child records without an id
get a stable one derived from their parent, so importing the same file twice is a no-op.
An organisation or location nested under several services must be the same every time.
"""

from __future__ import annotations

import re

from loket.directory import hsds
from loket.directory.hsds_bundle import Bundle, ImportFailed, Rec
from loket.i18n import _

_TABLE_FILE = {table: name for name, table in hsds.FILE_TABLE.items()}
# The lists of an organisation or location that Loket reads (others, e.g. metadata or
# funding, are ignored and may differ between copies).
_READ_LISTS = ("phones", "addresses", "accessibility", "languages", "attributes")
_PARENTS = ("organizations.csv", "services.csv", "locations.csv", "service_at_location.csv")
_KNOWN_KEYS = frozenset(
    {
        "organization",
        "location",
        "locations",
        "service_at_locations",
        "schedules",
        "required_documents",
        *_READ_LISTS,
    }
)


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.bundle = Bundle(addresses=[], accessibility=[], attributes=[])
        self.seen: dict[tuple[str, str], Rec] = {}
        # the lists of an organisation or location as first given (it may come again under
        # another service: its lists must then say the same, or a later list would be lost)
        self.lists: dict[tuple[str, str], dict] = {}

    # -- helpers ----------------------------------------------------------------------------
    def _dict(self, value, row: int, where: str) -> dict:
        if not isinstance(value, dict):
            raise ImportFailed(self.name, row, where, _("an object is expected here"))
        return value

    def _list(self, obj: dict, key: str, row: int, prefix: str) -> list:
        value = obj.get(key) or []
        if not isinstance(value, list):
            raise ImportFailed(self.name, row, prefix + key, _("a list is expected here"))
        return value

    def _pick(self, obj: dict, spec_name: str, row: int, prefix: str, **fixed) -> Rec:
        spec = hsds.SPECS[spec_name]
        data = {}
        refused: list[str] = []
        for col in spec.columns:
            if col not in obj:
                continue
            value = obj[col]
            if isinstance(value, (dict, list)):
                raise ImportFailed(self.name, row, prefix + col, _("a single value is expected"))
            if isinstance(value, bool):
                # true/false is no name, number or text: which one did the publisher mean?
                refused.append(prefix + col)
                value = None
            data[col] = None if value is None or value == "" else value
        # the lists Loket reads hang under organisations, services, locations and links only
        nested = _KNOWN_KEYS if spec_name in _PARENTS else frozenset()
        for key in obj:
            if key not in spec.columns and key not in nested:
                kind = re.sub(r"\[[0-9]+\]", "[]", prefix)
                self.bundle.report.ignore_once(self.name, kind + key, _("field not read by Loket"))
        data.update({k: v for k, v in fixed.items() if v is not None})
        rec = Rec(self.name, row, data, prefix)
        for col in refused:
            self.bundle.report.refuse_record(
                rec, col, obj[col[len(prefix) :]], _("a text is expected here, not true/false")
            )
        for col in spec.required:
            if data.get(col) is None or not str(data[col]).strip():
                if col == "id" or prefix + col not in refused:
                    problem = _("a value is required here")
                    if col == "id":  # nothing after this can say which record it is
                        raise ImportFailed(
                            self.name, row, prefix + col, problem, self.bundle.report
                        )
                    self.bundle.report.refuse_record(rec, prefix + col, None, problem)
        return rec

    def _keep(self, table: str, rec: Rec) -> bool:
        """Add a record once; True when it is new.  A repeat must be identical."""
        key = (table, str(rec.data["id"]))
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = rec
            if table in _TABLE_FILE:
                self.bundle.add(table, rec)
            return True
        if table in ("organisation", "location") and earlier.data == rec.data:
            return False
        raise self._duplicate(rec.row, rec.where("id"), rec.data["id"], earlier.row)

    def _same_lists(self, table: str, obj: dict, row_id: str, row: int, prefix: str) -> None:
        """Record an organisation's or location's lists, or check a repeat against them."""
        lists = {k: obj[k] for k in _READ_LISTS if k in obj}
        first = self.lists.setdefault((table, row_id), lists)
        if first is lists:
            return
        for key, value in lists.items():
            if first.get(key) != value:
                raise ImportFailed(
                    self.name,
                    row,
                    prefix + key,
                    _("{id} comes again with other {key}: give them the same each time").format(
                        id=row_id, key=key
                    ),
                )

    def _duplicate(self, row: int, where: str, row_id, other: int) -> ImportFailed:
        return ImportFailed(
            self.name,
            row,
            where,
            _("duplicate id {id}: already used in row {other}").format(id=row_id, other=other),
        )

    def _children(
        self,
        obj: dict,
        key: str,
        spec_name: str,
        table: str,
        row: int,
        prefix: str,
        parent: str,
        **fixed,
    ) -> None:
        if key in obj and len(fixed) == 1:
            self.bundle.described.setdefault(table, set()).add(next(iter(fixed.items())))
        for k, item in enumerate(self._list(obj, key, row, prefix)):
            where = f"{prefix}{key}[{k}]."
            item = self._dict(item, row, where.rstrip("."))
            if not item.get("id"):
                item = {**item, "id": hsds.stable_id(key, parent, str(k))}
            rec = self._pick(item, spec_name, row, where, **fixed)
            self._keep(table, rec)
            if table == "address":
                self.bundle.addresses.append(rec)
            elif table == "accessibility":
                self.bundle.accessibility.append(rec)

    def _attributes(self, obj: dict, row: int, prefix: str, link_id: str, entity: str) -> None:
        for k, item in enumerate(self._list(obj, "attributes", row, prefix)):
            item = self._dict(item, row, f"{prefix}attributes[{k}]")
            term = item.get("taxonomy_term") or {}
            term = self._dict(term, row, f"{prefix}attributes[{k}].taxonomy_term")
            code = term.get("code")
            taxonomy = term.get("taxonomy") or term.get("taxonomy_id")
            if taxonomy not in (None, hsds.TAXONOMY_NAME, hsds.TAXONOMY_ID):
                continue  # someone else's taxonomy
            term_id = item.get("taxonomy_term_id") or term.get("id")
            if code is None and term_id is None:
                raise ImportFailed(
                    self.name,
                    row,
                    f"{prefix}attributes[{k}].taxonomy_term",
                    _("a value is required here"),
                )
            self.bundle.attributes.append(
                Rec(
                    self.name,
                    row,
                    {
                        "link_id": link_id,
                        "link_entity": entity,
                        "code": code,
                        "term_id": term_id,
                        "value": None if item.get("value") is None else str(item.get("value")),
                    },
                    f"{prefix}attributes[{k}].",
                )
            )

    # -- the shapes ---------------------------------------------------------------------------
    def organisation(self, org: dict, row: int) -> str:
        prefix = "organization."
        rec = self._pick(org, "organizations.csv", row, prefix)
        oid = str(rec.data["id"])
        self._same_lists("organisation", org, oid, row, prefix)
        if self._keep("organisation", rec):
            self._children(
                org, "phones", "phones.csv", "phone", row, prefix + "", oid, organization_id=oid
            )
            self._attributes(org, row, prefix, oid, "organization")
        return oid

    def location(self, loc: dict, row: int, prefix: str, org_id: str | None) -> str:
        if "organization_id" not in loc and org_id:
            loc = {**loc, "organization_id": org_id}
        rec = self._pick(loc, "locations.csv", row, prefix)
        lid = str(rec.data["id"])
        self._same_lists("location", loc, lid, row, prefix)
        if self._keep("location", rec):
            self._children(
                loc, "addresses", "addresses.csv", "address", row, prefix, lid, location_id=lid
            )
            self._children(
                loc,
                "accessibility",
                "accessibility.csv",
                "accessibility",
                row,
                prefix,
                lid,
                location_id=lid,
            )
            self._children(loc, "phones", "phones.csv", "phone", row, prefix, lid, location_id=lid)
            self._children(
                loc,
                "languages",
                "languages.csv",
                "service_language",
                row,
                prefix,
                lid,
                location_id=lid,
            )
            self._attributes(loc, row, prefix, lid, "location")
        return lid

    def service(self, svc: dict, row: int) -> None:
        # A repeated service id is said as such, before any other check of the repeat.
        earlier = self.seen.get(("service", str(svc.get("id"))))
        if svc.get("id") not in (None, "") and earlier is not None:
            raise self._duplicate(row, "id", svc["id"], earlier.row)
        org_id = svc.get("organization_id")
        if svc.get("organization") is not None:
            org_id = self.organisation(self._dict(svc["organization"], row, "organization"), row)
        rec = self._pick(svc, "services.csv", row, "", organization_id=org_id)
        sid = str(rec.data["id"])
        self._keep("service", rec)
        if "service_at_locations" in svc or "locations" in svc:
            self.bundle.described.setdefault("service_at_location", set()).add(("service_id", sid))
        for key in ("service_at_locations", "locations"):
            for k, item in enumerate(self._list(svc, key, row, "")):
                where = f"{key}[{k}]."
                item = self._dict(item, row, where.rstrip("."))
                if key == "service_at_locations":
                    loc = self._dict(item.get("location"), row, where + "location")
                    lid = self.location(loc, row, where + "location.", org_id)
                    sal = {**item, "location_id": lid, "service_id": sid}
                else:
                    lid = self.location(item, row, where, org_id)
                    sal = {"location_id": lid, "service_id": sid}
                sal.setdefault("id", hsds.stable_id("service_at_location", sid, lid))
                self._keep(
                    "service_at_location", self._pick(sal, "service_at_location.csv", row, where)
                )
        for key, spec_name, table in (
            ("languages", "languages.csv", "service_language"),
            ("phones", "phones.csv", "phone"),
            ("schedules", "schedules.csv", "schedule"),
            ("required_documents", "required_documents.csv", "required_document"),
        ):
            self._children(svc, key, spec_name, table, row, "", sid, service_id=sid)
        self._attributes(svc, row, "", sid, "service")


def bundle_from_json(name: str, data) -> Bundle:
    """Our own export's list of services, or what the HSDS API returns: one service, or a
    page of them (`{"total_items": .., "contents": [...]}`)."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    elif isinstance(data, dict) and "id" in data and "name" in data:
        data = [data]
    if not isinstance(data, list):
        raise ImportFailed(name, None, None, _("HSDS JSON here is a list of services"))
    reader = _Reader(name)
    for row, svc in enumerate(data, start=1):
        if not isinstance(svc, dict):
            raise ImportFailed(name, row, None, _("an object is expected here"))
        reader.service(svc, row)
    bundle = reader.bundle
    # As for CSV: no address, accessibility note or attribute anywhere in the data says
    # nothing about them (a tool that does not keep them must not clear Loket's).
    bundle.addresses = bundle.addresses or None
    bundle.accessibility = bundle.accessibility or None
    bundle.attributes = bundle.attributes or None
    return bundle
