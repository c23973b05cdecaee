"""Which partners to suggest for a visit, best first, each with its reasons in plain words.

The ranking is a sum of points that staff can follow from the reasons shown:
- every need of the visit the service helps with: NEED points (a service that helps with none
  of the needs is not suggested at all);
- it speaks the visitor's language: LANGUAGE points — more than being in the desk's own city
  (CITY), because a partner the visitor cannot talk to is further away than another town;
  an interpreter arrangement counts for a little (INTERPRETER);
- offered in the desk's city: CITY; a national service without a location: NATIONAL;
- takes warm handovers: WARM;
- outcome history, once a service has MIN_HISTORY referrals with a partner outcome:
  up to ±OUTCOME points around a 50 % completion rate;
- data not checked for a year: a small STALE deduction, said out loud.
Municipal services (an organisation whose HSDS `legal_status` is a municipality or a joint
body of municipalities such as a GGD, or whose name starts with "Gemeente") only serve their
own residents.  Such a service in another municipality than the desk's is left out, unless no
service in the desk's city helps with any of its needs; when it does appear, its reasons say
"other municipality".  National services (no location) always stay.
Escalation services (the national multiproblem desk) are only suggested when the visit has
the need `multiple_problems`, and then below local options (ESCALATION deduction): escalation
comes after local escalation was tried.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError

from loket import i18n
from loket.context import Context
from loket.db import directory as dir_repo
from loket.db import referrals as ref_repo
from loket.directory.browse import is_stale
from loket.errors import NotFound
from loket.i18n import _, ngettext
from loket.privacy.permissions import Permission

NEED = 10.0
LANGUAGE = 6.0
INTERPRETER = 2.0
CITY = 4.0
NATIONAL = 1.0
WARM = 1.0
OUTCOME = 3.0
STALE = 0.5
ESCALATION = 5.0
MIN_HISTORY = 5
MULTIPLE_PROBLEMS = "multiple_problems"
# HSDS organisation legal_status values (casefolded) that mean "serves its own residents only"
MUNICIPAL_STATUSES = frozenset(
    {"gemeente", "municipality", "local government", "gemeenschappelijke regeling"}
)
MUNICIPAL_NAME_PREFIXES = ("gemeente ", "municipality of ")
SEPARATOR = " · "


@dataclass
class Suggestion:
    service_id: str
    service_name: str
    organization_name: str
    location_id: str | None
    city: str | None
    score: float
    reasons: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    speaks_language: bool = False
    is_escalation: bool = False
    warm_handover: bool = False
    stale: bool = False
    to_verify: bool = False
    other_municipality: bool = False

    @property
    def explanation(self) -> str:
        return SEPARATOR.join(self.reasons)


def language_name(code: str, ui_language: str | None = None) -> str:
    """The language's name in the UI language ("Arabisch" in Dutch), or the code itself."""
    try:
        locale = Locale.parse((ui_language or i18n.language()).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    names = locale.languages
    for key in (code.replace("-", "_"), code.split("-")[0]):
        if key in names:
            return names[key]
    return code


def _need_label(labels: dict[str, tuple[str, str]], code: str) -> str:
    nl, en = labels.get(code, (code, code))
    text = nl if i18n.language() == "nl" else en
    return text[:1].lower() + text[1:]


def is_municipal(row) -> bool:
    """Whether the service is bound to the residents of the municipality it is in."""
    status = (row["organization_legal_status"] or "").strip().casefold()
    name = (row["organization_name"] or "").strip().casefold()
    return status in MUNICIPAL_STATUSES or name.startswith(MUNICIPAL_NAME_PREFIXES)


def rank(
    ctx: Context,
    needs: list[str],
    *,
    city: str | None = None,
    language: str | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Services for these needs, ranked for a desk in `city` and a visitor speaking `language`."""
    ctx.require(Permission.DIRECTORY_READ, object_type="service")
    db = ctx.db
    labels = ref_repo.need_labels(db)
    history = ref_repo.outcome_counts(db)
    language = (language or "").strip() or None
    foreign = language is not None and language.split("-")[0] != "nl"
    out = []
    for row in dir_repo.candidates(db, needs):
        if row["is_escalation"] and MULTIPLE_PROBLEMS not in needs:
            continue
        served = [n["need_code"] for n in dir_repo.service_needs(db, row["id"])]
        matched = [n for n in needs if n in served]
        score = NEED * len(matched)
        reasons = [_("helps with {need}").format(need=_need_label(labels, n)) for n in matched]
        speaks = False
        if foreign:
            spoken = dir_repo.languages_of(db, row["id"])
            base = language.split("-")[0]
            speaks = language in spoken or base in spoken
            if speaks:
                score += LANGUAGE
                reasons.append(_("speaks {language}").format(language=language_name(language)))
            elif row["interpretation_services"]:
                score += INTERPRETER
                reasons.append(_("works with an interpreter"))
        locations = dir_repo.service_locations(db, row["id"])
        here = [
            loc for loc in locations if city and (loc["city"] or "").casefold() == city.casefold()
        ]
        chosen = here[0] if here else (locations[0] if locations else None)
        elsewhere = bool(city and locations and not here and is_municipal(row))
        if here:
            score += CITY
            reasons.append(_("in {city}").format(city=here[0]["city"]))
        elif not locations:
            score += NATIONAL
            reasons.append(_("national"))
        elif chosen["city"]:
            reasons.append(_("in {city}").format(city=chosen["city"]))
        if elsewhere:
            reasons.append(_("other municipality: for its own residents"))
        if row["warm_handover"]:
            score += WARM
            reasons.append(_("warm handover possible"))
        completed, total = history.get(row["id"], (0, 0))
        if total >= MIN_HISTORY:
            score += OUTCOME * 2 * (completed / total - 0.5)
            reasons.append(
                ngettext(
                    "{completed} of {total} referral completed",
                    "{completed} of {total} referrals completed",
                    total,
                ).format(completed=completed, total=total)
            )
        stale = is_stale(row["assured_date"])
        if stale:
            score -= STALE
            reasons.append(_("data not checked for a year"))
        if row["is_escalation"]:
            score -= ESCALATION
            reasons.append(_("national escalation: only after local escalation was tried"))
        out.append(
            Suggestion(
                service_id=row["id"],
                service_name=row["name"],
                organization_name=row["organization_name"],
                location_id=chosen["id"] if chosen else None,
                city=chosen["city"] if chosen else None,
                score=round(score, 3),
                reasons=reasons,
                needs=matched,
                speaks_language=speaks,
                is_escalation=bool(row["is_escalation"]),
                warm_handover=bool(row["warm_handover"]),
                stale=stale,
                to_verify=bool(row["to_verify"]),
                other_municipality=elsewhere,
            )
        )
    out = _without_other_municipalities(out, city)
    out.sort(
        key=lambda s: (
            -s.score,
            s.organization_name.casefold(),
            s.service_name.casefold(),
            s.service_id,
        )
    )
    return out[:limit] if limit is not None else out


def _without_other_municipalities(out: list[Suggestion], city: str | None) -> list[Suggestion]:
    """Drop another municipality's services for needs the desk's own city has a service for."""
    if not city:
        return out
    local_needs = {
        n for s in out if s.city and s.city.casefold() == city.casefold() for n in s.needs
    }
    return [s for s in out if not s.other_municipality or set(s.needs) - local_needs]


def visit_language(info) -> str | None:
    """The language to look for: the visit's, its interpreter's, else the visitor's own."""
    return info["language"] or info["interpreter_language"] or info["preferred_language"]


def suggest(ctx: Context, visit_id: str, *, limit: int | None = 10) -> list[Suggestion]:
    """Suggestions for a recorded visit: its needs, its desk's city, the visitor's language."""
    info = ref_repo.visit_info(ctx.db, visit_id)
    if info is None:
        raise NotFound(_("This visit does not exist."))
    needs = ref_repo.visit_needs(ctx.db, visit_id)
    return rank(ctx, needs, city=info["desk_city"], language=visit_language(info), limit=limit)
