"""Counter use cases: register and look up visitors, record visits and their needs.

Every write validates all fields first (collecting every error, so the form can mark each
field at once), then happens in one transaction together with its audit row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from loket import validation
from loket.clock import new_id, now_iso, today
from loket.context import Context
from loket.counter.names import matching
from loket.counter.textfold import fold
from loket.db import counter as counter_repo
from loket.db import merge as merge_repo
from loket.db import reference
from loket.db import visitors as visitor_repo
from loket.db import visits as visit_repo
from loket.errors import LoketError, NotFound, ValidationError
from loket.i18n import _, shipped_languages
from loket.model import VISIT_STATUSES, Visit, VisitNeed, Visitor, from_row
from loket.privacy import audit
from loket.privacy.permissions import Permission

LEGAL_GROUNDS = (
    # AVG art. 9(2): the grounds under which the desk may record health details.
    "explicit_consent",  # art. 9(2)(a)
    "vital_interests",  # art. 9(2)(c)
    "substantial_public_interest",  # art. 9(2)(g)
)


# Needs whose details are special-category data (AVG art. 9): they take no ordinary note;
# the details go in the separate health field with its legal ground.
PROTECTED_NEEDS = frozenset({"health"})


@dataclass
class DuplicateMatch:
    reason: str  # 'v_number', 'bsn' or 'name_dob'
    visitor: Visitor | None  # None: a file of another desk, known from the keyed index
    # for 'name_dob': how the names match (search's reason codes: name_exact, name_script …)
    name_reason: str = ""
    # a file of another desk (an enrolled PC's keyed index): its id at the hub and the desk
    elsewhere_id: str | None = None
    elsewhere_desk: str | None = None

    @property
    def visitor_id(self) -> str:
        return self.visitor.id if self.visitor is not None else self.elsewhere_id or ""


class DuplicateVisitor(LoketError):
    """A new visitor looks like one already registered; staff decide whether to go on."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        self.matches = matches
        super().__init__(_("This visitor may already be registered."))


def clean_visitor(visitor: Visitor) -> dict:
    """Validate every field; the returned dict holds the normalised values."""
    values = validation.collect(
        ("given_names", lambda: validation.name(visitor.given_names, "given_names")),
        ("family_name", lambda: validation.name(visitor.family_name, "family_name")),
        (
            "latin_given_names",
            lambda: validation.latin_name(visitor.latin_given_names, "latin_given_names"),
        ),
        (
            "latin_family_name",
            lambda: validation.latin_name(visitor.latin_family_name, "latin_family_name"),
        ),
        ("date_of_birth", lambda: validation.date_of_birth(visitor.date_of_birth)),
        ("v_number", lambda: validation.v_number(visitor.v_number)),
        ("bsn", lambda: validation.bsn(visitor.bsn)),
        ("phone", lambda: validation.phone(visitor.phone)),
        ("email", lambda: validation.email(visitor.email)),
        ("postal_code", lambda: validation.postcode(visitor.postal_code)),
        ("address", lambda: validation.free_text(visitor.address, "address", max_length=200)),
        ("city", lambda: validation.free_text(visitor.city, "city", max_length=100)),
    )
    if not values["given_names"] and not values["family_name"]:
        raise ValidationError.single("family_name", _("Fill in a name."))
    _check_printable(values)
    values["address"] = values["address"] or None
    values["city"] = values["city"] or None
    values["preferred_language"] = visitor.preferred_language or "nl"
    values["interpreter_needed"] = int(bool(visitor.interpreter_needed))
    values["interpreter_language"] = visitor.interpreter_language or None
    _check_languages(values, ("preferred_language", "interpreter_language"))
    return values


def _check_printable(values: dict) -> None:
    """A name no letter font can print (Chinese, Tamil, Devanagari, Georgian, Armenian,
    Khmer, emoji …) needs its Latin spelling, or no letter can ever be made for the visitor."""
    from loket.letters.fonts import unprintable

    own = f"{values['given_names']} {values['family_name']}"
    latin = f"{values['latin_given_names']} {values['latin_family_name']}".strip()
    missing = unprintable(own)
    if missing and not latin:
        raise ValidationError.single(
            "latin_family_name",
            _(
                "Letters cannot print {chars} in this name. Fill in the name in Latin letters"
                " as well, as on the IND document."
            ).format(chars=" ".join(missing[:5])),
        )
    if unprintable(latin):
        raise ValidationError.single(
            "latin_family_name", _("Type this name in Latin letters, as on the IND document.")
        )


def _check_languages(values: dict, keys: tuple[str, ...]) -> None:
    """A language is one Loket ships a catalogue for (a code, never free text or a path)."""
    shipped = shipped_languages()
    errors = {
        key: _("Choose a language from the list.")
        for key in keys
        if values.get(key) and values[key] not in shipped
    }
    if errors:
        raise ValidationError(errors)


def find_duplicates(ctx: Context, visitor: Visitor) -> list[DuplicateMatch]:
    """Visitors this one may be: the same V-nummer or BSN, or born the same day with a name
    that matches in any spelling or script (the search's name rules).  Whole records: reading
    them needs VISITOR_READ and each one shown is written to the audit log."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor.id or None)
    values = clean_visitor(visitor)
    rows = visitor_repo.find_duplicates(
        ctx.db,
        v_number=values["v_number"],
        bsn=values["bsn"],
        date_of_birth=values["date_of_birth"],
        exclude_id=visitor.id or None,
    )
    spellings = [
        f"{values['given_names']} {values['family_name']}",
        f"{values['latin_given_names']} {values['latin_family_name']}",
    ]
    out = []
    for reason, row in rows:
        name_reason = ""
        if reason == "name_dob":
            name_reason = _names_match(spellings, row)
            if not name_reason:
                continue
        out.append(DuplicateMatch(reason, from_row(Visitor, row), name_reason))
    out += _known_elsewhere(ctx, values, {m.visitor.id for m in out})
    for match in out[:10]:
        detail = {"reason": match.reason}
        if match.visitor is None:
            detail["elsewhere"] = True
        audit.record(
            ctx,
            action="visitor.duplicate_shown",
            object_type="visitor",
            object_id=match.visitor_id,
            detail=detail,
        )
    return out[:10]


def _known_elsewhere(ctx: Context, values: dict, seen: set[str]) -> list[DuplicateMatch]:
    """Files of other desks this person may have (an enrolled PC's keyed index, also when
    the hub cannot be reached): staff can fetch the file instead of making a second one."""
    from loket.counter import known_elsewhere

    out = []
    for reason, known in known_elsewhere.duplicates(ctx.db, values):
        if known.visitor_id in seen or visitor_repo.get(ctx.db, known.visitor_id) is not None:
            continue
        desk = reference.desk_by_id(ctx.db, known.desk_id) if known.desk_id else None
        out.append(
            DuplicateMatch(
                reason, None, elsewhere_id=known.visitor_id,
                elsewhere_desk=desk["name"] if desk is not None else None,
            )
        )  # fmt: skip
    return out


def _names_match(spellings: list[str], row) -> str:
    """The best reason any spelling of the new name matches either spelling of `row`."""
    stored = (
        f"{row['given_names']} {row['family_name']}",
        f"{row['latin_given_names'] or ''} {row['latin_family_name'] or ''}",
    )
    best = None
    for spelling in spellings:
        if not spelling.strip():
            continue
        found = matching.match(spelling, *stored)
        if found is not None and (best is None or found.level > best.level):
            best = found
    return best.reason if best is not None else ""


def register_visitor(ctx: Context, visitor: Visitor, *, confirmed_new: bool = False) -> Visitor:
    """Create a visitor.  Raises DuplicateVisitor unless staff confirmed it is someone else."""
    ctx.require(Permission.VISITOR_WRITE, object_type="visitor")
    values = clean_visitor(visitor)
    if not confirmed_new:
        matches = find_duplicates(ctx, visitor)
        if matches:
            raise DuplicateVisitor(matches)
    values["id"] = visitor.id or new_id()
    values["created_by"] = ctx.user.id if ctx.user else None
    values["last_activity_at"] = now_iso()
    with ctx.db.transaction():
        visitor_repo.insert(ctx.db, values)
        audit.record(
            ctx,
            action="visitor.create",
            object_type="visitor",
            object_id=values["id"],
            subject=values["v_number"] or values["bsn"],
            detail={"confirmed_new": confirmed_new},
        )
    return get_visitor(ctx, values["id"], log_view=False)


def update_visitor(ctx: Context, visitor: Visitor, *, confirmed: bool = False) -> Visitor:
    """Change a visitor's details.  Raises DuplicateVisitor when the change makes the record
    match another visitor (a V-nummer or BSN typed over with someone else's), unless staff
    confirmed it; a match that already existed before this change is not raised again."""
    ctx.require(Permission.VISITOR_WRITE, object_type="visitor", object_id=visitor.id)
    stored = visitor_repo.get(ctx.db, visitor.id)
    if stored is None:
        raise NotFound(_("This visitor does not exist."))
    values = clean_visitor(visitor)
    if not confirmed:
        matches = [
            m for m in find_duplicates(ctx, visitor) if _changed_for(m.reason, stored, values)
        ]
        if matches:
            raise DuplicateVisitor(matches)
    with ctx.db.transaction():
        visitor_repo.update(ctx.db, visitor.id, values)
        audit.record(
            ctx,
            action="visitor.update",
            object_type="visitor",
            object_id=visitor.id,
            subject=values["v_number"] or values["bsn"],
            detail={"fields": sorted(k for k in values if k != "id"), "confirmed": confirmed},
        )
    return get_visitor(ctx, visitor.id, log_view=False)


def _changed_for(reason: str, stored, values: dict) -> bool:
    """Whether this edit changed the field(s) a duplicate match rests on."""
    if reason in ("v_number", "bsn"):
        return stored[reason] != values[reason]
    old_name = fold(
        f"{stored['given_names'] or ''} {stored['family_name'] or ''}"
        f" {stored['latin_given_names'] or ''} {stored['latin_family_name'] or ''}"
    )
    new_name = fold(
        f"{values['given_names']} {values['family_name']}"
        f" {values['latin_given_names']} {values['latin_family_name']}"
    )
    return old_name != new_name or stored["date_of_birth"] != values["date_of_birth"]


def get_visitor(ctx: Context, visitor_id: str, *, log_view: bool = True) -> Visitor:
    """Read a visitor record; every view by staff is written to the audit log.  A file
    merged into another opens that one (its `id` is then the kept file's)."""
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    row = visitor_repo.get(ctx.db, visitor_id)
    if row is not None and row["merged_into"]:
        visitor_id = merge_repo.resolve(ctx.db, visitor_id)
        row = visitor_repo.get(ctx.db, visitor_id)
    if row is None:
        raise NotFound(_("This visitor does not exist."))
    visitor = from_row(Visitor, row)
    if log_view:
        audit.record(
            ctx,
            action="visitor.view",
            object_type="visitor",
            object_id=visitor_id,
            subject=visitor.v_number or visitor.bsn,
        )
    return visitor


def clean_visit(ctx: Context, visit: Visit) -> dict:
    topics = {row["code"] for row in reference.codes(ctx.db, "topic")}
    needs = {row["code"] for row in reference.codes(ctx.db, "need")}
    errors: dict[str, str] = {}
    if visit.topic_code and visit.topic_code not in topics:
        errors["topic_code"] = _("Choose a reason for the visit from the list.")
    if visit.status not in VISIT_STATUSES:
        errors["status"] = _("Unknown status.")
    seen = set()
    for need in visit.needs:
        if need.need_code not in needs:
            errors["needs"] = _("Unknown need: {code}.").format(code=need.need_code)
        if need.need_code in seen:
            errors["needs"] = _("A need is listed twice.")
        if need.need_code in PROTECTED_NEEDS and (need.note or "").strip():
            errors["needs"] = _(
                "Write health details only in the protected health field (AVG art. 9), "
                "not in the note of a need."
            )
        seen.add(need.need_code)
    values: dict = {}
    try:
        values.update(
            validation.collect(
                ("summary", lambda: validation.free_text(visit.summary, "summary")),
                ("outcome", lambda: validation.free_text(visit.outcome, "outcome")),
                (
                    "brought_by_org",
                    lambda: validation.free_text(
                        visit.brought_by_org, "brought_by_org", max_length=200
                    ),
                ),
                (
                    "brought_by_contact",
                    lambda: validation.free_text(
                        visit.brought_by_contact, "brought_by_contact", max_length=200
                    ),
                ),
                ("follow_up_date", lambda: _future_date(visit.follow_up_date)),
            )
        )
    except ValidationError as err:
        errors.update(err.errors)
    for need in visit.needs:
        try:
            validation.free_text(need.note, "needs", max_length=500)
        except ValidationError as err:
            errors.update(err.errors)
    if errors:
        raise ValidationError(errors)
    values["brought_by_org"] = values["brought_by_org"] or None
    values["brought_by_contact"] = values["brought_by_contact"] or None
    for key in ("topic_code", "language", "interpreter_language", "status"):
        values[key] = getattr(visit, key) or None
    _check_languages(values, ("language", "interpreter_language"))
    values["interpreter_needed"] = int(bool(visit.interpreter_needed))
    values["referent_involved"] = int(bool(visit.referent_involved))
    return values


def _future_date(value: str | None) -> str | None:
    if not value:
        return None
    return validation.parse_date(value, "follow_up_date").isoformat()


def save_visit(
    ctx: Context, visit: Visit, *, health: tuple[str, str | None] | None = None
) -> Visit:
    """Create or update a visit with its needs, and (with `health=(note, legal_ground)`)
    its health details, all in ONE transaction: either everything is saved or nothing."""
    ctx.require(Permission.VISIT_WRITE, object_type="visit", object_id=visit.id or None)
    if health is not None:
        ctx.require(Permission.HEALTH_WRITE, object_type="visit_health", object_id=visit.id or None)
    if visitor_repo.get(ctx.db, visit.visitor_id) is None:
        raise NotFound(_("This visitor does not exist."))
    # a file merged into another (here or on another PC): the visit is the kept file's
    visit = replace(visit, visitor_id=merge_repo.resolve(ctx.db, visit.visitor_id))
    errors: dict[str, str] = {}
    try:
        values = clean_visit(ctx, visit)
    except ValidationError as err:
        errors.update(err.errors)
    if health is not None:
        try:
            health_note = _clean_health(*health)
        except ValidationError as err:
            errors.update(err.errors)
    if errors:
        raise ValidationError(errors)
    needs = [
        (n.need_code, validation.free_text(n.note, "needs", max_length=500)) for n in visit.needs
    ]
    existing = visit_repo.get(ctx.db, visit.id) if visit.id else None
    with ctx.db.transaction():
        if existing is None:
            desk_id = visit.desk_id or (ctx.desk.id if ctx.desk else None)
            if not desk_id:
                raise ValidationError.single("desk_id", _("Choose the desk first."))
            values.update(
                id=visit.id or new_id(),
                visitor_id=visit.visitor_id,
                desk_id=desk_id,
                staff_id=visit.staff_id or (ctx.user.id if ctx.user else None),
                visit_date=visit.visit_date or today().isoformat(),
                arrived_at=visit.arrived_at or now_iso(),
            )
            visit_repo.insert(ctx.db, values)
            action = "visit.create"
        else:
            visit_repo.update(ctx.db, visit.id, values)
            values["id"] = visit.id
            action = "visit.update"
        visit_repo.replace_needs(ctx.db, values["id"], needs)
        visitor_repo.touch_activity(ctx.db, visit.visitor_id, now_iso())
        audit.record(
            ctx,
            action=action,
            object_type="visit",
            object_id=values["id"],
            detail={"needs": [code for code, _note in needs]},
        )
        if health is not None:
            _write_health(ctx, values["id"], health_note, health[1])
    return get_visit(ctx, values["id"])


def get_visit(ctx: Context, visit_id: str) -> Visit:
    ctx.require(Permission.VISITOR_READ, object_type="visit", object_id=visit_id)
    row = visit_repo.get(ctx.db, visit_id)
    if row is None:
        raise NotFound(_("This visit does not exist."))
    visit = from_row(Visit, row)
    visit.needs = [VisitNeed(r["need_code"], r["note"]) for r in visit_repo.needs(ctx.db, visit_id)]
    return visit


def set_status(ctx: Context, visit_id: str, status: str) -> None:
    ctx.require(Permission.VISIT_WRITE, object_type="visit", object_id=visit_id)
    if status not in VISIT_STATUSES:
        raise ValidationError.single("status", _("Unknown status."))
    with ctx.db.transaction():
        if visit_repo.get(ctx.db, visit_id) is None:
            raise NotFound(_("This visit does not exist."))
        visit_repo.update(ctx.db, visit_id, {"status": status})
        audit.record(
            ctx,
            action="visit.status",
            object_type="visit",
            object_id=visit_id,
            detail={"status": status},
        )


def _clean_health(note: str, legal_ground: str | None) -> str:
    errors = {}
    if legal_ground not in LEGAL_GROUNDS:
        errors["legal_ground"] = _("Choose the legal ground for recording health details.")
    try:
        note = validation.free_text(note, "health_note", max_length=2000)
    except ValidationError as err:
        errors.update(err.errors)
    if errors:
        raise ValidationError(errors)
    return note


def _write_health(ctx: Context, visit_id: str, note: str, legal_ground: str) -> None:
    visit_repo.set_health(ctx.db, visit_id, note, legal_ground, ctx.user.id if ctx.user else None)
    audit.record(
        ctx,
        action="health.write",
        object_type="visit_health",
        object_id=visit_id,
        detail={"legal_ground": legal_ground},
    )


def set_health(ctx: Context, visit_id: str, note: str, legal_ground: str) -> None:
    """Health details (AVG art. 9): kept apart from the visit, with the legal ground.
    Saving them together with the visit is `save_visit(..., health=(note, ground))`."""
    ctx.require(Permission.HEALTH_WRITE, object_type="visit_health", object_id=visit_id)
    note = _clean_health(note, legal_ground)
    with ctx.db.transaction():
        if visit_repo.get(ctx.db, visit_id) is None:
            raise NotFound(_("This visit does not exist."))
        _write_health(ctx, visit_id, note, legal_ground)


def get_health(ctx: Context, visit_id: str) -> dict | None:
    """Open the health details deliberately; the opening itself is logged."""
    ctx.require(Permission.HEALTH_READ, object_type="visit_health", object_id=visit_id)
    row = visit_repo.get_health(ctx.db, visit_id)
    audit.record(ctx, action="health.view", object_type="visit_health", object_id=visit_id)
    return None if row is None else {"note": row["note"], "legal_ground": row["legal_ground"]}


def visit_history(ctx: Context, visitor_id: str, *, limit: int = 100, offset: int = 0) -> list:
    ctx.require(Permission.VISITOR_READ, object_type="visitor", object_id=visitor_id)
    return [dict(r) for r in visit_repo.for_visitor(ctx.db, visitor_id, limit=limit, offset=offset)]


def today_at_desk(ctx: Context, *, limit: int = 100, offset: int = 0) -> list[dict]:
    """One page of this desk's visits today, in order of arrival."""
    ctx.require(Permission.VISITOR_READ, object_type="visit")
    if ctx.desk is None:
        return []
    rows = counter_repo.visits_of_desk_day(
        ctx.db, ctx.desk.id, today().isoformat(), limit=limit, offset=offset
    )
    return [dict(r) for r in rows]


def today_status_counts(ctx: Context) -> dict[str, int]:
    """How many of today's visits at this desk are in each status (for the summary line)."""
    ctx.require(Permission.VISITOR_READ, object_type="visit")
    if ctx.desk is None:
        return {}
    return counter_repo.desk_day_status_counts(ctx.db, ctx.desk.id, today().isoformat())


def visitor_as_dict(visitor: Visitor) -> dict:
    return asdict(visitor)
