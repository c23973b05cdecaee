"""Synthetic demo data: desks, directory, three accounts (password "demo"), and N visitors
from the desks' language communities with visits, needs and referrals over two years.

Deterministic: the same seed gives the same data (ids included).  Refuses a database that
holds real data.  A second process generates each batch of rows in Python while this one
writes the previous batch with executemany, with the secondary indexes and triggers dropped;
the indexes and the trigram search index are then built in one pass.  1,000,000 visitors
(about 11 million rows) cost about two minutes of CPU; bench/RESULTS.md has today's figures.
"""

from __future__ import annotations

import bisect
import itertools
import multiprocessing
import os
import random
from collections.abc import Callable
from datetime import date, datetime

from loket import validation
from loket.counter.textfold import search_text
from loket.db import bulk, reference
from loket.db import directory as dir_repo
from loket.db import staff as staff_repo
from loket.db.connection import Database
from loket.demo.names import COMMUNITIES
from loket.directory import seed as seeding
from loket.errors import DemoRefused
from loket.i18n import _
from loket.privacy.auth import hash_password

DEMO_PASSWORD = "demo"
ACCOUNTS = (
    ("balie", "Balie Medewerker", "balie"),
    ("supervisor", "Supervisor Loket", "supervisor"),
    ("beheerder", "Beheerder Loket", "beheerder"),
)
BATCH = 20_000
REFERRAL_CHANCE = (0.5, 0.2)  # for the first and the second need of a visit
DAYS_BACK = 730  # visits spread over the last two years
VISIT_COUNTS = (1, 1, 1, 2, 2, 3)  # visits per visitor
NEED_COUNTS = (1, 1, 2, 2, 3)  # needs per visit
VISIT_STATUSES = ("waiting", "in_progress", "done")  # of today's visits
FOLLOW_UP_DAYS = (7, 14, 28)
EVENT_GAPS = (1, 3, 7, 14)  # days between referral status changes
REASONS = {"declined": "Geen plek", "cancelled": "Bezoeker wil niet meer"}
STATUS_PATHS = (
    # (weight, statuses in order)
    (45, ("proposed", "sent", "accepted", "completed")),
    (12, ("proposed", "sent", "accepted")),
    (10, ("proposed", "sent")),
    (8, ("proposed",)),
    (8, ("proposed", "sent", "declined")),
    (9, ("proposed", "sent", "accepted", "no_show")),
    (8, ("proposed", "cancelled")),
)

VISITOR_COLS = (
    "id",
    "given_names",
    "family_name",
    "date_of_birth",
    "v_number",
    "bsn",
    "phone",
    "preferred_language",
    "interpreter_needed",
    "interpreter_language",
    "last_activity_at",
    "created_at",
    "updated_at",
    "workstation",
)
VISIT_COLS = (
    "id",
    "visitor_id",
    "desk_id",
    "staff_id",
    "visit_date",
    "arrived_at",
    "status",
    "topic_code",
    "language",
    "interpreter_needed",
    "summary",
    "outcome",
    "follow_up_date",
    "created_at",
    "updated_at",
    "workstation",
)
NEED_COLS = ("id", "visit_id", "need_code", "note", "created_at", "updated_at", "workstation")
REFERRAL_COLS = (
    "id",
    "visit_id",
    "service_id",
    "location_id",
    "staff_id",
    "handover",
    "status",
    "status_changed_at",
    "follow_up_date",
    "reason",
    "created_at",
    "updated_at",
    "workstation",
)
EVENT_COLS = (
    "id",
    "referral_id",
    "from_status",
    "to_status",
    "at",
    "staff_id",
    "note",
    "created_at",
    "updated_at",
    "workstation",
)


def is_demo(db: Database) -> bool:
    return reference.get_setting(db, "demo") == "1"


def _bsn(rnd: Callable[[], float]) -> str:
    """A number that passes the BSN eleven-test (weights 9..2, then -1)."""
    while True:
        digits = [int(rnd() * 10) for _ in range(8)]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


class _Ids:
    """Deterministic time-ordered ids (UUID version 7 layout): each batch gets its own
    millisecond range, the random bits come from the batch's generator.  Formatted in one
    step rather than with clock.uuid7, because a million visitors need ten million ids."""

    BASE_MS = 1_700_000_000_000

    def __init__(self, rng: random.Random, batch: int) -> None:
        self.bits = rng.getrandbits
        self.ms = self.BASE_MS + batch * 1_000_000

    def __call__(self) -> str:
        self.ms += 1
        ms, r = self.ms, self.bits(64)
        return (
            f"{ms >> 16:08x}-{ms & 0xFFFF:04x}-7{r >> 52:03x}-{(r >> 36 & 0x3FFF) | 0x8000:04x}"
            f"-{r & 0xFFFFFFFFFFFF:012x}"
        )


# The IND's general public number (ind.nl, "Contact"): real, answered by the IND itself,
# and what a visitor of an IND desk could sensibly call.  Loket never invents a number.
DEMO_DESK_PHONE = "088 043 0430"


def generate(
    db: Database,
    *,
    visitors: int,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
    today: date | None = None,
    desk_phone: str | None = DEMO_DESK_PHONE,
) -> dict[str, int]:
    """Fill an empty database with synthetic data.  Every demo desk gets `desk_phone` (by
    default the IND's public number, not an invented one), so demo letters are complete and
    can be given; an empty `desk_phone` leaves the desks without, as on a new installation.
    Demo staff get no direct number."""
    if visitors < 0:
        raise DemoRefused(_("The number of visitors cannot be negative."))
    phone = validation.phone(desk_phone, "desk_phone") if desk_phone else None
    if is_demo(db) or bulk.has_activity(db):
        # Staff accounts, visitors or audit rows mean somebody used this database: demo
        # accounts with the password "demo" must never appear in it.
        if is_demo(db):
            raise DemoRefused(_("This database already holds demo data; use a new data folder."))
        raise DemoRefused(
            _("This database holds real data; demo data is only made in an empty data folder.")
        )
    say = progress or (lambda _msg: None)
    today = today or date.today()
    with db.transaction():
        reference.set_setting(db, "demo", "1")
    seeding.load_all(db)
    desks = [dict(r) for r in reference.desks(db)]
    if phone:
        with db.transaction():
            for desk in desks:
                fields = ("code", "name", "city", "address", "postal_code")
                reference.upsert_desk(db, {**{k: desk[k] for k in fields}, "phone": phone})
    _accounts(db, desks)
    staff_ids = [r["id"] for r in staff_repo.all_staff(db)]
    topics = [r["code"] for r in reference.codes(db, "topic")]
    needs = [r["code"] for r in reference.codes(db, "need")]
    # (service, city, the service's location in that city): a demo referral names the
    # location in the desk's city, as referrals.propose does.
    offered = bulk.service_needs(db)
    location_in = {
        (sid, loc["city"]): loc["id"]
        for sid in sorted({row[0] for row in offered})
        for loc in reversed(dir_repo.service_locations(db, sid))
    }
    by_need: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for service_id, need, city in offered:
        by_need.setdefault(need, []).append((service_id, city, location_in.get((service_id, city))))
    stats = {"visitors": 0, "visits": 0, "referrals": 0}
    bulk.fast_writes(db, True)
    tables = ("visitor", "visit", "visit_need", "referral", "referral_event", "visitor_search")
    try:
        with bulk.suspended_indexes(db, tables):
            _fill(db, seed, visitors, today, desks, staff_ids, topics, needs, by_need, stats, say)
        bulk.analyze(db)
    finally:
        bulk.fast_writes(db, False)
    return stats


def _fill(db, seed, visitors, today, desks, staff_ids, topics, needs, by_need, stats, say) -> int:
    ws = db.workstation
    stamp = datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    jobs = [
        (
            seed,
            b,
            min(BATCH, visitors - b * BATCH),
            today,
            desks,
            staff_ids,
            topics,
            needs,
            by_need,
            ws,
            stamp,
        )
        for b in range((visitors + BATCH - 1) // BATCH)
    ]
    done = 0
    pool = None
    if len(jobs) > 2 and (os.cpu_count() or 1) > 1:
        # Generate batches in a second process while this one writes the previous batch.
        pool = multiprocessing.get_context("spawn").Pool(1)
        batches = pool.imap(_make_batch, jobs)
    else:
        batches = map(_make_batch, jobs)
    try:
        for rows_v, rows_search, rows_visit, rows_need, rows_ref, rows_ev in batches:
            with db.transaction():
                bulk.insert_many(db, "visitor", VISITOR_COLS, rows_v)
                bulk.insert_many(db, "visitor_search", ("visitor_id", "text"), rows_search)
                bulk.insert_many(db, "visit", VISIT_COLS, rows_visit)
                bulk.insert_many(db, "visit_need", NEED_COLS, rows_need)
                bulk.insert_many(db, "referral", REFERRAL_COLS, rows_ref)
                bulk.insert_many(db, "referral_event", EVENT_COLS, rows_ev)
            done += len(rows_v)
            stats["visitors"] = done
            stats["visits"] += len(rows_visit)
            stats["referrals"] += len(rows_ref)
            say(_("{done} of {total} visitors").format(done=done, total=visitors))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return done


def _make_batch(job) -> tuple[list, list, list, list, list, list]:
    """One batch of visitors with their search lines, visits, needs, referrals and referral
    events.  The search line is made here, in the generating process, so the writing process
    does not have to call loket_search_text a million times after the load.

    Written for speed (this loop makes ten million rows): choices use rng.random() directly
    instead of random.choice/randrange, and dates are looked up from a table of ISO strings.
    """
    (seed, batch, n, today, desks, staff_ids, topics, needs, by_need, ws, stamp) = job
    rng = random.Random(seed * 1_000_003 + batch)
    rnd = rng.random
    new_id = _Ids(rng, batch)
    communities = list(COMMUNITIES.values())
    cum_weights = list(itertools.accumulate(c[1] for c in communities))
    total_weight = cum_weights[-1]
    paths = [p for _w, p in STATUS_PATHS]
    cum_paths = list(itertools.accumulate(w for w, _p in STATUS_PATHS))
    # ISO date of "today minus `ago` days" for every ago a row can have (follow-ups and
    # referral events lie up to ~60 days after a visit, so some are in the future).
    first_day = today.toordinal() - DAYS_BACK
    iso = [date.fromordinal(first_day + i).isoformat() for i in range(DAYS_BACK + 90)]
    today_i = DAYS_BACK
    born_0 = date(1940, 1, 1).toordinal()
    local_options = {
        (d["city"], need): [(o[0], o[2]) for o in opts if o[1] == d["city"]]
        or [(o[0], None) for o in opts]
        for d in desks
        for need, opts in by_need.items()
        if opts
    }
    rows_v, rows_search, rows_visit, rows_need, rows_ref, rows_ev = [], [], [], [], [], []
    for _i in range(n):
        lang, _w, given, family = communities[bisect.bisect(cum_weights, rnd() * total_weight)]
        vid = new_id()
        born = date.fromordinal(born_0 + int(rnd() * 24_090)).isoformat()
        k = VISIT_COUNTS[int(rnd() * len(VISIT_COUNTS))]
        days = {int(rnd() * DAYS_BACK)}
        while len(days) < k:
            days.add(int(rnd() * DAYS_BACK))
        visit_days = sorted(days)  # days ago, most recent first
        interp = int(lang not in ("nl", "en") and rnd() < 0.5)
        first = given[int(rnd() * len(given))]
        last = family[int(rnd() * len(family))]
        v_number = str(1_000_000_000 + int(rnd() * 9_000_000_000)) if rnd() < 0.9 else None
        bsn = _bsn(rnd) if rnd() < 0.4 else None
        phone = f"+316{10_000_000 + int(rnd() * 90_000_000)}" if rnd() < 0.6 else None
        rows_search.append((vid, search_text(first, last, v_number, bsn, born, phone)))
        rows_v.append(
            (
                vid,
                first,
                last,
                born,
                v_number,
                bsn,
                phone,
                lang,
                interp,
                lang if interp else None,
                f"{iso[today_i - visit_days[0]]}T12:00:00Z",
                stamp,
                stamp,
                ws,
            )
        )
        desk = desks[int(rnd() * len(desks))]
        desk_id, city = desk["id"], desk["city"]
        for ago in reversed(visit_days):
            day_i = today_i - ago
            day = iso[day_i]
            visit_id = new_id()
            minute = 480 + int(rnd() * 540)  # arrived between 08:00 and 17:00
            at = f"{day}T{minute // 60:02d}:{minute % 60:02d}:00Z"
            staff_id = staff_ids[int(rnd() * len(staff_ids))]
            status = "done" if ago > 0 else VISIT_STATUSES[int(rnd() * 3)]
            follow = iso[day_i + FOLLOW_UP_DAYS[int(rnd() * 3)]] if rnd() < 0.4 else None
            rows_visit.append(
                (
                    visit_id,
                    vid,
                    desk_id,
                    staff_id,
                    day,
                    at,
                    status,
                    topics[int(rnd() * len(topics))],
                    lang,
                    interp,
                    "",
                    "",
                    follow,
                    at,
                    at,
                    ws,
                )
            )
            chosen = rng.sample(needs, NEED_COUNTS[int(rnd() * len(NEED_COUNTS))])
            for need in chosen:
                rows_need.append((new_id(), visit_id, need, "", at, at, ws))
            # About one referral per visitor: most visits refer for their first need, a few
            # for a second one as well.
            for need, chance in zip(chosen[:2], REFERRAL_CHANCE, strict=False):
                options = local_options.get((city, need))
                if not options or rnd() >= chance:
                    continue
                service_id, location_id = options[int(rnd() * len(options))]
                path = paths[bisect.bisect(cum_paths, rnd() * cum_paths[-1])]
                ref_id = new_id()
                prev, last_t, event_i, event_m = None, at, day_i, minute
                for step, status_ in enumerate(path):
                    if event_i > today_i:
                        break
                    t = f"{iso[event_i]}T{event_m // 60:02d}:{event_m % 60:02d}:00Z"
                    rows_ev.append((new_id(), ref_id, prev, status_, t, staff_id, "", t, t, ws))
                    prev, last_t = status_, t
                    if step:
                        event_i += EVENT_GAPS[int(rnd() * 4)]
                    event_m += 5
                reason = REASONS.get(prev)
                rows_ref.append(
                    (
                        ref_id,
                        visit_id,
                        service_id,
                        location_id,
                        staff_id,
                        "warm" if rnd() < 0.3 else "cold",
                        prev,
                        last_t,
                        follow,
                        reason,
                        at,
                        last_t,
                        ws,
                    )
                )
    return rows_v, rows_search, rows_visit, rows_need, rows_ref, rows_ev


def _accounts(db: Database, desks: list[dict]) -> None:
    """The three demo accounts, password "demo" (shorter than real accounts may have)."""
    password_hash = hash_password(DEMO_PASSWORD)
    desk_id = desks[0]["id"] if desks else None
    with db.transaction():
        for username, display, role in ACCOUNTS:
            if staff_repo.by_username(db, username) is None:
                staff_repo.insert(
                    db,
                    username=username,
                    display_name=display,
                    role=role,
                    desk_id=desk_id,
                    password_hash=password_hash,
                    language="nl",
                )
