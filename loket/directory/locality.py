"""Where a visitor can go: municipalities, the desks' regions, and where a service is offered.

A service is local to the municipalities of its locations.  It is national when it has no
location (a phone line, a national office), or when it is offered in three or more
municipalities (`national_from_municipalities` in the regions table): a national
organisation with offices in several cities, such as VluchtelingenWerk or Het Juridisch
Loket; the visitor goes to its office nearby, but it is not one city's own service.  The
desks' regions are a data table, `resources/seed/regions.json`, that an administrator can
correct without a code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from loket.paths import resources_dir

NETWORK_MUNICIPALITIES = 3  # unless regions.json says otherwise
# HSDS organisation legal_status values (casefolded) that mean "serves its own residents only"
MUNICIPAL_STATUSES = frozenset(
    {"gemeente", "municipality", "local government", "gemeenschappelijke regeling"}
)
MUNICIPAL_NAME_PREFIXES = ("gemeente ", "municipality of ")

# How near a service is to the visitor, nearest first.
HOME, DESK, REGION, NATIONAL, ELSEWHERE = "home", "desk", "region", "national", "elsewhere"


def fold(city: str | None) -> str:
    """A municipality's name for comparing: case, spacing and the usual aliases folded."""
    text = " ".join((city or "").split()).casefold()
    text = text.replace("\u2019", "'")
    return _aliases().get(text, text)


@cache
def _table() -> dict:
    return json.loads((resources_dir() / "seed" / "regions.json").read_text(encoding="utf-8"))


@cache
def _aliases() -> dict[str, str]:
    return {k.casefold(): v.casefold() for k, v in _table().get("aliases", {}).items()}


def network_municipalities() -> int:
    """From how many municipalities on a service counts as a national organisation's."""
    return int(_table().get("national_from_municipalities", NETWORK_MUNICIPALITIES))


def region_of(city: str | None) -> frozenset[str]:
    """The folded municipalities of the region that `city` (a desk's city) lies in."""
    key = fold(city)
    if not key:
        return frozenset()
    for region in _table().get("regions", []):
        members = frozenset(fold(m) for m in region["municipalities"])
        if key in members:
            return members
    return frozenset({key})


def is_municipal(legal_status: str | None, organization_name: str | None) -> bool:
    """Whether the service is bound to the residents of the municipality it is in."""
    status = (legal_status or "").strip().casefold()
    name = (organization_name or "").strip().casefold()
    return status in MUNICIPAL_STATUSES or name.startswith(MUNICIPAL_NAME_PREFIXES)


@dataclass(frozen=True)
class Place:
    """Where the visitor would go for a service, and how near that is."""

    tier: str
    location: dict | None
    national: bool

    @property
    def city(self) -> str | None:
        return self.location["city"] if self.location else None


def place_for(
    locations: list[dict], *, home: str | None, desk: str | None, municipal: bool
) -> Place:
    """The service's location nearest to the visitor, and its tier.

    `home` is the visitor's municipality (their address, else the desk's city); a municipal
    service outside it is ELSEWHERE, because it serves its own residents only.
    """
    home_key, desk_key = fold(home), fold(desk)
    offered = {fold(loc["city"]) for loc in locations if loc["city"]}
    national = not locations or len(offered) >= network_municipalities()
    region = region_of(desk) | region_of(home)

    def first(keys) -> dict | None:
        return next((loc for loc in locations if fold(loc["city"]) in keys), None)

    if home_key and (here := first({home_key})):
        return Place(HOME, here, national)
    if municipal and locations:
        return Place(ELSEWHERE, locations[0] if locations else None, False)
    if desk_key and (here := first({desk_key})):
        return Place(DESK, here, national)
    if national:
        return Place(NATIONAL, first(region), True)
    if near := first(region):
        return Place(REGION, near, False)
    return Place(ELSEWHERE, locations[0], False)
