"""Synthetic demo data: desks, directory, three accounts (password "demo"), and N visitors
from the desks' language communities with visits, needs and referrals over two years.

Deterministic: the same seed gives the same data (ids included).  Refuses a database that
holds real data.  Rows are generated in Python and written with executemany in large
transactions; 1,000,000 visitors take well under two minutes.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from loket import seed as seeding
from loket.auth import hash_password
from loket.clock import uuid7
from loket.db import bulk, reference
from loket.db import staff as staff_repo
from loket.db.connection import Database
from loket.demo_names import COMMUNITIES
from loket.errors import DemoRefused
from loket.i18n import _

DEMO_PASSWORD = "demo"
ACCOUNTS = (
    ("balie", "Balie Medewerker", "balie"),
    ("supervisor", "Supervisor Loket", "supervisor"),
    ("beheerder", "Beheerder Loket", "beheerder"),
)
BATCH = 20_000
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


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


class _Ids:
    """Deterministic time-ordered ids: each batch gets its own millisecond range."""

    BASE_MS = 1_700_000_000_000

    def __init__(self, rng: random.Random, batch: int) -> None:
        self.rng = rng
        self.ms = self.BASE_MS + batch * 1_000_000

    def __call__(self) -> str:
        self.ms += 1
        return uuid7(self.ms, self.rng.getrandbits(74))


def generate(
    db: Database,
    *,
    visitors: int,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
    today: date | None = None,
) -> dict[str, int]:
    if visitors < 0:
        raise DemoRefused(_("The number of visitors cannot be negative."))
    if bulk.has_visitors(db):
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
    _accounts(db, desks)
    staff_ids = [r["id"] for r in staff_repo.all_staff(db)]
    topics = [r["code"] for r in reference.codes(db, "topic")]
    needs = [r["code"] for r in reference.codes(db, "need")]
    by_need: dict[str, list[tuple[str, str | None]]] = {}
    for service_id, need, city in bulk.service_needs(db):
        by_need.setdefault(need, []).append((service_id, city))
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
        for rows_v, rows_visit, rows_need, rows_ref, rows_ev in batches:
            with db.transaction():
                bulk.insert_many(db, "visitor", VISITOR_COLS, rows_v)
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


def _make_batch(job) -> tuple[list, list, list, list, list]:
    """One batch of visitors with their visits, needs, referrals and referral events."""
    (seed, batch, n, today, desks, staff_ids, topics, needs, by_need, ws, stamp) = job
    rng = random.Random(seed * 1_000_003 + batch)
    new_id = _Ids(rng, batch)
    communities = list(COMMUNITIES.values())
    weights = [c[1] for c in communities]
    path_weights = [w for w, _p in STATUS_PATHS]
    rows_v, rows_visit, rows_need, rows_ref, rows_ev = [], [], [], [], []
    for _i in range(n):
        lang, _w, given, family = rng.choices(communities, weights)[0]
        vid = new_id()
        dob = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 66))
        visit_days = sorted(rng.sample(range(730), rng.choice((1, 1, 1, 2, 2, 3))))
        last_day = today - timedelta(days=visit_days[0])
        interp = int(lang not in ("nl", "en") and rng.random() < 0.5)
        rows_v.append(
            (
                vid,
                rng.choice(given),
                rng.choice(family),
                dob.isoformat(),
                f"{rng.randrange(10**9, 10**10)}" if rng.random() < 0.9 else None,
                _bsn(rng) if rng.random() < 0.4 else None,
                f"+316{rng.randrange(10**7, 10**8)}" if rng.random() < 0.6 else None,
                lang,
                interp,
                lang if interp else None,
                f"{last_day.isoformat()}T12:00:00Z",
                stamp,
                stamp,
                ws,
            )
        )
        desk = rng.choice(desks)
        for ago in reversed(visit_days):
            day = today - timedelta(days=ago)
            visit_id = new_id()
            at = f"{day.isoformat()}T{8 + rng.randrange(9):02d}:{rng.randrange(60):02d}:00Z"
            staff_id = rng.choice(staff_ids)
            status = "done" if ago > 0 else rng.choice(("waiting", "in_progress", "done"))
            follow = (
                (day + timedelta(days=rng.choice((7, 14, 28)))).isoformat()
                if rng.random() < 0.4
                else None
            )
            rows_visit.append(
                (
                    visit_id,
                    vid,
                    desk["id"],
                    staff_id,
                    day.isoformat(),
                    at,
                    status,
                    rng.choice(topics),
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
            chosen = rng.sample(needs, rng.choice((1, 1, 2, 2, 3)))
            for need in chosen:
                rows_need.append((new_id(), visit_id, need, "", at, at, ws))
            for need in chosen[:2]:
                options = by_need.get(need)
                if not options or rng.random() < 0.35:
                    continue
                local = [o for o in options if o[1] == desk["city"]] or options
                service_id = rng.choice(local)[0]
                path = rng.choices(STATUS_PATHS, path_weights)[0][1]
                ref_id = new_id()
                moment = datetime.fromisoformat(at[:-1])
                prev, last_t = None, at
                for step, status_ in enumerate(path):
                    if moment.date() > today:
                        break
                    t = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
                    rows_ev.append((new_id(), ref_id, prev, status_, t, staff_id, "", t, t, ws))
                    prev, last_t = status_, t
                    moment += timedelta(days=rng.choice((1, 3, 7, 14)) if step else 0, minutes=5)
                reason = (
                    "Geen plek"
                    if prev == "declined"
                    else "Bezoeker wil niet meer"
                    if prev == "cancelled"
                    else None
                )
                rows_ref.append(
                    (
                        ref_id,
                        visit_id,
                        service_id,
                        staff_id,
                        "warm" if rng.random() < 0.3 else "cold",
                        prev,
                        last_t,
                        follow,
                        reason,
                        at,
                        last_t,
                        ws,
                    )
                )
    return rows_v, rows_visit, rows_need, rows_ref, rows_ev


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
