"""The routing evaluation set: visits at each desk and the partners a careful clerk would pick.

Built from DOMAIN.md's partner table over the seed directory: low literacy -> the library's
Taalhuis; a language barrier -> the Taalhuis; digital skills -> the library's IDO or a
Digisterker course; health -> GGD or GGZ; debts -> the municipality's schuldhulpverlening;
housing, domestic violence, several problems -> the municipality's wijkteam; legal questions
-> Het Juridisch Loket or VluchtelingenWerk.  Always the one in the visitor's own
municipality (their address, else the desk's city), or the desk's region, never another
city's.  `evaluate` says how many visits get one of their partners on top and whether every
need of the visit is covered by the list; bench/bench_routing.py reports the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass

DESKS = {"AMS": "Amsterdam", "DHG": "Den Haag", "DBS": "'s-Hertogenbosch", "ZWL": "Zwolle"}
MIN_SHARE = 0.9


@dataclass(frozen=True)
class Case:
    desk: str
    needs: tuple[str, ...]
    language: str
    picks: tuple[str, ...]  # service names, any of which is right on top
    lives_in: str | None = None  # the visitor's municipality when not the desk's city


def _city_cases(desk: str, city: str) -> list[Case]:
    taalhuis = f"Taalhuis {city}"
    ido = f"Informatiepunt Digitale Overheid ({city})"
    course = f"Digisterker-cursus ({city})"
    health = (
        f"Publieke gezondheidszorg GGD {_ggd(city)}",
        f"Geestelijke gezondheidszorg (GGZ) {city}",
    )
    debts = f"Schuldhulpverlening {city}"
    team = f"Wijkteam / sociaal team {city}"
    legal = ("Gratis juridisch advies", "Begeleiding en uitleg over de asielprocedure")
    return [
        Case(desk, ("low_literacy",), "nl", (taalhuis,)),
        Case(desk, ("language_barrier",), "ar", (taalhuis,)),
        Case(desk, ("language_barrier",), "ti", (taalhuis,)),
        Case(desk, ("language_barrier", "other"), "so", (taalhuis,)),
        Case(desk, ("digital_skills",), "tr", (ido, course)),
        Case(desk, ("low_literacy", "digital_skills"), "prs", (taalhuis, ido, course)),
        Case(desk, ("health",), "fa", health),
        Case(desk, ("debts",), "ar", (debts,)),
        Case(desk, ("housing",), "uk", (team,)),
        Case(desk, ("domestic_violence",), "ar", (team,)),
        Case(desk, ("multiple_problems",), "nl", (team,)),
        Case(desk, ("debts", "housing"), "tr", (debts, team)),
        Case(desk, ("health", "housing"), "so", (team,)),
        Case(desk, ("legal",), "ti", legal),
        Case(desk, ("legal", "other"), "ar", legal),
    ]


def _ggd(city: str) -> str:
    return {
        "Amsterdam": "Amsterdam",
        "Den Haag": "Haaglanden",
        "'s-Hertogenbosch": "Hart voor Brabant",
        "Zwolle": "IJsselland",
    }[city]


CASES: list[Case] = [c for desk, city in DESKS.items() for c in _city_cases(desk, city)] + [
    # Visitors who live elsewhere: their own municipality's services, or the desk's region's.
    Case("ZWL", ("debts",), "ar", ("Schuldhulpverlening Amsterdam",), lives_in="Amsterdam"),
    Case("DBS", ("low_literacy",), "nl", ("Taalhuis 's-Hertogenbosch",), lives_in="Vught"),
    Case("AMS", ("housing",), "ti", ("Wijkteam / sociaal team Den Haag",), lives_in="Den Haag"),
    Case(
        "DHG",
        ("digital_skills",),
        "ar",
        ("Informatiepunt Digitale Overheid (Den Haag)", "Digisterker-cursus (Den Haag)"),
        lives_in="Rijswijk",
    ),
]


@dataclass
class Outcome:
    case: Case
    top: str | None
    uncovered: list[str]

    @property
    def hit(self) -> bool:
        return self.top in self.case.picks


def evaluate(rank, cases: list[Case] = CASES) -> list[Outcome]:
    """`rank(needs, city=, home=, language=)` -> suggestions; one Outcome per case."""
    out = []
    for case in cases:
        city = DESKS[case.desk]
        ranked = rank(
            list(case.needs), city=city, home=case.lives_in or city, language=case.language
        )
        covered = {n for s in ranked[:10] for n in s.needs}
        wanted = [n for n in case.needs if n != "other"]
        out.append(
            Outcome(
                case,
                ranked[0].service_name if ranked else None,
                [n for n in wanted if n not in covered],
            )
        )
    return out


def share(outcomes: list[Outcome]) -> float:
    return sum(o.hit for o in outcomes) / len(outcomes)
