"""One sync: push, then pull.  `sync_now(ctx)` never raises for a hub that cannot be
reached (or refuses, or a full disk): every attempt is written to `sync_state`, which the
status line and `loket sync status` read.

Error codes (sync_state 'last_error_code'): 'unreachable', 'certificate', 'refused',
'not_enrolled', 'disk_full', 'other'; 'last_error' is a short English detail for the log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from loket.clock import now_iso
from loket.db import outbox
from loket.errors import DiskFull

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class SyncResult:
    ok: bool
    pushed: int = 0  # batches the hub now holds
    pulled: int = 0  # rows changed on this PC
    waiting: int = 0
    conflicts_open: int = 0
    error_code: str | None = None
    error: str | None = None


class NotEnrolled(Exception):
    pass


def connection_settings(db) -> dict:
    """psycopg keyword arguments for this PC's hub connection (from enrolment)."""
    dsn = outbox.setting(db, "sync_dsn")
    if not dsn or outbox.setting(db, "sync_enrolled") != "1":
        raise NotEnrolled("this PC is not enrolled at a hub")
    params = {"conninfo": dsn, "connect_timeout": CONNECT_TIMEOUT_S, "autocommit": True}
    folder = db.path.parent / "sync"
    if (folder / "hub-ca.crt").exists():  # enrolled with the hub's authority: mutual TLS
        params.update(sslmode="verify-full", sslrootcert=str(folder / "hub-ca.crt"),
                      sslcert=str(folder / "pc.crt"), sslkey=str(folder / "pc.key"))  # fmt: skip
    return params


def connect(db):
    import psycopg

    return psycopg.connect(**connection_settings(db))


def _classify(err: BaseException) -> str:
    import psycopg

    from loket.sync.receive import BatchRefused

    if isinstance(err, NotEnrolled):
        return "not_enrolled"
    if isinstance(err, BatchRefused):
        return "not_enrolled" if err.reason == "not enrolled" else "refused"
    if isinstance(err, DiskFull):
        return "disk_full"
    if isinstance(err, psycopg.OperationalError):
        text = str(err).lower()
        if "not permitted to log in" in text:  # revoked at the hub (loket.db.hub_admin)
            return "not_enrolled"
        if "certificate" in text or "ssl" in text or "tls" in text:
            return "certificate"
        if "permission denied" in text or "authentication" in text or "no pg_hba" in text:
            return "refused"
        return "unreachable"
    from loket.errors import disk_full

    return "disk_full" if disk_full(err) is not None else "other"


def _lock(db) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(db.path), threading.Lock())


NAMES_BUDGET_S = 10.0  # of the name search's chunks per sync; the next sync goes on


def sync_now(ctx, names_budget: float | None = NAMES_BUDGET_S) -> SyncResult:
    """Push then pull, once, then a share of the name search a first pull left to build
    (`names_budget` seconds of it, all with None).  Two calls at the same time: the second
    waits for the first."""
    db = ctx.db
    with _lock(db):
        result = _sync(db)
        _build_names(db, names_budget)
        return result


def _sync(db) -> SyncResult:
    from loket.sync import exchange  # loaded on the first sync, not at the app's start

    started = now_iso()
    pushed = pulled = 0
    try:
        conn = connect(db)
    except BaseException as err:  # every failure is recorded, none raised
        return _failed(db, started, err)
    try:
        with conn:
            exchange.record_contact(conn)
            ws = outbox.sync_workstation(db)
            pushed = exchange.push(db, conn, ws)
            pulled = exchange.pull(db, conn)
            _tidy(db, conn)
    except Exception as err:
        return _failed(db, started, err, pushed=pushed)
    outbox.set_state(
        db,
        {
            "last_attempt_at": started,
            "last_success_at": now_iso(),
            "hub_reachable": "1",
            "last_error_code": None,
            "last_error": None,
        },
    )
    return SyncResult(
        ok=True,
        pushed=pushed,
        pulled=pulled,
        waiting=outbox.waiting(db),
        conflicts_open=outbox.open_conflicts(db),
    )


def _tidy(db, conn) -> None:
    """Files of other desks this desk no longer works with leave the PC (a failure here is
    logged and tried again next round: the sync itself went well)."""
    from loket.sync import holdings

    try:
        holdings.tidy(db, conn, outbox.get_state(db, "hub_desk"))
    except Exception:
        log.exception("files of other desks not yet tidied")


def _failed(db, started: str, err: BaseException, pushed: int = 0) -> SyncResult:
    code = _classify(err)
    if code == "other":
        log.exception("sync failed")
    detail = (f"{type(err).__name__}: {err}".splitlines() or [""])[0][:300]
    reachable = None if code in ("not_enrolled",) else ("0" if code == "unreachable" else "1")
    try:
        outbox.set_state(
            db,
            {
                "last_attempt_at": started,
                "hub_reachable": reachable,
                "last_error_code": code,
                "last_error": detail,
            },
        )
    except Exception:  # a full disk: nothing more can be written
        log.warning("sync state not written: %s", detail)
    return SyncResult(
        ok=False,
        pushed=pushed,
        waiting=_safe(outbox.waiting, db),
        conflicts_open=_safe(outbox.open_conflicts, db),
        error_code=code,
        error=detail,
    )


def _safe(fn, db) -> int:
    try:
        return fn(db)
    except Exception:
        return 0


def is_enrolled(db) -> bool:
    return outbox.setting(db, "sync_enrolled") == "1"


def sync_file(path) -> SyncResult:
    """One sync on a connection of its own (for the app's worker thread: the counter's own
    connection is not held while pulled rows are applied)."""
    from loket.db.connection import Database

    db = Database(path)
    try:
        with _lock(db):
            result = _sync(db)
            _build_names(db, NAMES_BUDGET_S)
            return result
    finally:
        db.close()


def _build_names(db, budget: float | None) -> None:
    """After a new PC's first pull (or a crash during it): the name search's chunks that are
    left, each its own transaction (`loket.sync.names`), for about `budget` seconds, so the
    sync's worker returns and the status line shows how far; the next sync goes on."""
    from loket.sync import names

    try:
        names.run(db, budget=budget)
    except Exception:  # what is built stays; the next sync goes on from there
        log.exception("name search not yet built")
