"""Which partners to suggest for a visit, best first, each with its reasons in plain words.

The ranking is a sum of points that staff can follow from the reasons shown:
- every need of the visit the service helps with: NEED points ("other" matches nothing: it
  says only that the visit is about something the taxonomy does not name);
- how near it is (loket.directory.locality): in the visitor's municipality HOME, in the
  desk's city DESK, in the desk's region REGION, a national service NATIONAL (a national
  organisation's office in the visitor's own municipality NETWORK_HERE); another city's local
  service gets nothing and appears only for a need that nothing nearer serves, saying
  "only in <city>" — a visitor without money for the train is not sent across the country;
- focus: up to FOCUS for a service that does little else than what the visitor needs (a GGD
  for health before a social team that also lists health among many tasks);
- it speaks the visitor's language: LANGUAGE, or it works with an interpreter: INTERPRETER;
- for a visit with health needs, a location with an accessibility note: ACCESS;
- outcome history: the completion rate of referrals to the location nearest the visitor,
  from MIN_HISTORY referrals, ±OUTCOME around 50 %; without that, the service's national
  figure, labelled national, at half weight;
- takes warm handovers: WARM; data not checked for a year: a small STALE deduction, and said
  only when that is unusual in the directory (on every row it would tell nothing).
The list covers every need of the visit before it offers a second partner for a need.
Escalation services are suggested only for `multiple_problems`, and below local options.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loket import i18n
from loket.context import Context
from loket.db import directory as dir_repo
from loket.db import referrals as ref_repo
from loket.directory import locality
from loket.directory.browse import is_stale
from loket.errors import NotFound
from loket.i18n import _, ngettext
from loket.privacy.permissions import Permission

NEED = 10.0
LANGUAGE = 6.0
INTERPRETER = 2.0
ACCESS = 1.5
FOCUS = 1.5
PLACE_POINTS = {
    locality.HOME: 4.0,
    locality.DESK: 3.0,
    locality.REGION: 2.0,
    locality.NATIONAL: 1.5,
    locality.ELSEWHERE: 0.0,
}
NETWORK_HERE = 2.0
WARM = 0.5
OUTCOME = 1.0
STALE = 0.5
ESCALATION = 5.0
MIN_HISTORY = 5
MAX_REASONS = 3
STALE_UNUSUAL = 0.5  # staleness is said when fewer than this share of services are stale
MULTIPLE_PROBLEMS = "multiple_problems"
OTHER = "other"
HEALTH = "health"
SEPARATOR = " · "
# Reasons, most telling first: a caveat, then what it helps with, then the fit to the visitor.
ORDER = ("escalation", "only", "needs", "language", "access", "place", "outcome", "stale", "warm")


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
    tier: str = locality.NATIONAL

    @property
    def explanation(self) -> str:
        return SEPARATOR.join(self.reasons)


def language_name(code: str, ui_language: str | None = None) -> str:
    """The language's name in the UI language ("Arabisch" in Dutch, "Dari" for prs), or the
    code itself (loket.i18n.languages, as everywhere in the UI)."""
    from loket.i18n.languages import language_name as name

    return name(code, ui_language)


def _need_label(labels: dict[str, tuple[str, str]], code: str) -> str:
    nl, en = labels.get(code, (code, code))
    text = nl if i18n.language() == "nl" else en
    return text[:1].lower() + text[1:]


def _needs_reason(labels, matched: list[str]) -> str:
    names = [_need_label(labels, n) for n in matched]
    if len(names) > 1:
        # Translators: a list of needs, e.g. "debts or money, housing and health".
        joined = _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
    else:
        joined = names[0]
    return _("helps with {need}").format(need=joined)


def _place_reason(place: locality.Place) -> tuple[str, str] | None:
    city = place.city
    if place.tier == locality.ELSEWHERE:
        return ("only", _("only in {city}").format(city=city) if city else _("national"))
    if place.national and city:
        return ("place", _("national, office in {city}").format(city=city))
    if place.national:
        return ("place", _("national"))
    if place.tier == locality.REGION:
        return ("place", _("in the region: {city}").format(city=city))
    return ("place", _("in {city}").format(city=city))


def _outcome(tally, service_id: str, place: locality.Place) -> tuple[float, str] | None:
    """Points and reason from the completion rate near the visitor, else nationally."""
    loc_id = place.location["id"] if place.location else ""
    completed, total = tally.get((service_id, loc_id), (0, 0))
    if total >= MIN_HISTORY and place.city:
        text = ngettext(
            "{completed} of {total} referral in {city} completed",
            "{completed} of {total} referrals in {city} completed",
            total,
        ).format(completed=completed, total=total, city=place.city)
        return OUTCOME * 2 * (completed / total - 0.5), text
    pairs = [v for (sid, _loc), v in tally.items() if sid == service_id]
    completed, total = sum(c for c, _t in pairs), sum(t for _c, t in pairs)
    if total < MIN_HISTORY:
        return None
    text = ngettext(
        "nationally {completed} of {total} referral completed",
        "nationally {completed} of {total} referrals completed",
        total,
    ).format(completed=completed, total=total)
    return OUTCOME * (completed / total - 0.5), text


def rank(
    ctx: Context,
    needs: list[str],
    *,
    city: str | None = None,
    language: str | None = None,
    home: str | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Services for these needs, ranked for a desk in `city`, a visitor living in `home`
    (their municipality; the desk's city when unknown) and speaking `language`."""
    ctx.require(Permission.DIRECTORY_READ, object_type="service")
    db = ctx.db
    wanted = [n for n in dict.fromkeys(needs) if n != OTHER]
    rows = [
        r
        for r in dir_repo.candidates(db, wanted)
        if not r["is_escalation"] or MULTIPLE_PROBLEMS in wanted
    ]
    if not rows:
        return []
    labels = ref_repo.need_labels(db)
    ids = [r["id"] for r in rows]
    details = dir_repo.routing_details(db, ids)
    tally = ref_repo.outcome_tally(db, ids)
    dates = dir_repo.active_assured_dates(db)
    stale_unusual = sum(map(is_stale, dates)) < STALE_UNUSUAL * len(dates)
    language = (language or "").strip() or None
    base = language.split("-")[0] if language else None
    foreign = base is not None and base != "nl"
    home = (home or "").strip() or city
    out = []
    for row in rows:
        info = details[row["id"]]
        matched = [n for n in wanted if n in info["needs"]]
        municipal = locality.is_municipal(
            row["organization_legal_status"], row["organization_name"]
        )
        place = locality.place_for(info["locations"], home=home, desk=city, municipal=municipal)
        reasons: dict[str, str] = {"needs": _needs_reason(labels, matched)}
        score = NEED * len(matched)
        own = {n for n in info["needs"] if n != OTHER}
        score += FOCUS * len(matched) / max(len(own), 1)
        if place.national and place.tier == locality.HOME:
            score += NETWORK_HERE
        else:
            score += PLACE_POINTS[place.tier]
        kind_text = _place_reason(place)
        if kind_text:
            reasons[kind_text[0]] = kind_text[1]
        speaks = bool(foreign and (language in info["languages"] or base in info["languages"]))
        if speaks:
            score += LANGUAGE
            reasons["language"] = _("speaks {language}").format(language=language_name(language))
        elif foreign and row["interpretation_services"]:
            score += INTERPRETER
            reasons["language"] = _("works with an interpreter")
        note = ((place.location or {}).get("accessibility") or "").strip()
        if note and HEALTH in wanted:
            score += ACCESS
            reasons["access"] = _("access: {note}").format(note=_shorten(note))
        history = _outcome(tally, row["id"], place)
        if history:
            score += history[0]
            reasons["outcome"] = history[1]
        stale = is_stale(row["assured_date"])
        if stale and stale_unusual:
            score -= STALE
            reasons["stale"] = _("data not checked for a year")
        if row["warm_handover"]:
            score += WARM
            reasons["warm"] = _("warm handover possible")
        if row["is_escalation"]:
            score -= ESCALATION
            reasons["escalation"] = _("national escalation: only after local escalation was tried")
        out.append(
            Suggestion(
                service_id=row["id"],
                service_name=row["name"],
                organization_name=row["organization_name"],
                location_id=place.location["id"] if place.location else None,
                city=place.city,
                score=round(score, 3),
                reasons=[reasons[k] for k in ORDER if k in reasons][:MAX_REASONS],
                needs=matched,
                speaks_language=speaks,
                is_escalation=bool(row["is_escalation"]),
                warm_handover=bool(row["warm_handover"]),
                stale=stale,
                to_verify=bool(row["to_verify"]),
                other_municipality=place.tier == locality.ELSEWHERE,
                tier=place.tier,
            )
        )
    ordered = _covering_first(_without_far_ones(out), wanted)
    return ordered[:limit] if limit is not None else ordered


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _without_far_ones(out: list[Suggestion]) -> list[Suggestion]:
    """Drop another city's local services for needs that something nearer serves."""
    near = {n for s in out if s.tier != locality.ELSEWHERE for n in s.needs}
    return [s for s in out if s.tier != locality.ELSEWHERE or set(s.needs) - near]


def _key(s: Suggestion, score: float) -> tuple:
    return (-score, s.organization_name.casefold(), s.service_name.casefold(), s.service_id)


def _covering_first(out: list[Suggestion], wanted: list[str]) -> list[Suggestion]:
    """Best first, but every need is covered before any need gets a second partner.

    While needs are open, the next suggestion is the one with the most points counting only
    the open needs it helps with; once all are covered, the rest follow by score.
    """
    remaining = sorted(out, key=lambda s: _key(s, s.score))
    open_needs = set(wanted)
    picked: list[Suggestion] = []
    while open_needs and remaining:
        helpful = [s for s in remaining if open_needs & set(s.needs)]
        if not helpful:
            break
        best = min(helpful, key=lambda s: _key(s, s.score - NEED * len(set(s.needs) - open_needs)))
        picked.append(best)
        remaining.remove(best)
        open_needs -= set(best.needs)
    return picked + remaining


def visit_language(info) -> str | None:
    """The language to look for: the visit's, its interpreter's, else the visitor's own."""
    return info["language"] or info["interpreter_language"] or info["preferred_language"]


def suggest(ctx: Context, visit_id: str, *, limit: int | None = 10) -> list[Suggestion]:
    """Suggestions for a recorded visit: its needs, the visitor's municipality (their address,
    else the desk's city), the desk's region, the visitor's language."""
    info = ref_repo.visit_info(ctx.db, visit_id)
    if info is None:
        raise NotFound(_("This visit does not exist."))
    needs = ref_repo.visit_needs(ctx.db, visit_id)
    return rank(
        ctx,
        needs,
        city=info["desk_city"],
        home=info["visitor_city"],
        language=visit_language(info),
        limit=limit,
    )
