"""After a new PC's first pull the name search (search lines, trigram index, name keys) is
built in chunks: the same outcome as building it in the pull's transaction, resumable after a
crash, and search meanwhile correct for what is built."""

from __future__ import annotations

import json

import pytest

from loket.cli.common import anonymous_context
from loket.counter.search import search_visitors_db
from loket.db import bulk, outbox
from loket.db import search as repo
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.sync import exchange, names, run
from loket.sync.enroll import install, issue_pc
from loket.sync.status import describe, read_status
from tests.pcs import pc_connection

GIVEN = ["Mohammed", "Muhammad", "Ayşe", "Aïcha", "Nguyễn Văn", "Amina", "Yusuf", "Fatima"]
FAMILY = ["Kaya", "El Amrani", "Yılmaz", "Öztürk", "Haddad", "Nguyen", "Abdullahi"]
LATIN = ["", "", "MOHAMED", "", "AISHA", ""]
QUERIES = ["kaya", "moh", "muhamed kaya", "aisha", "yilmaz", "nguyen", "fatma", "amina el",
           "1000000012", "123456782", "01-02-1990", "haddad yusuf", "ozturk"]  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    from loket import i18n

    language = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(language)


def _visitor(n: int) -> dict:
    return {"id": f"v{n:03d}", "given_names": GIVEN[n % len(GIVEN)],
            "family_name": FAMILY[n % len(FAMILY)], "v_number": f"{1000000000 + n}",
            "bsn": "123456782" if n % 9 == 0 else None,
            "date_of_birth": "1990-02-01" if n % 4 == 0 else f"19{60 + n % 30}-05-0{1 + n % 9}",
            "preferred_language": "nl", "interpreter_needed": 0,
            "latin_given_names": LATIN[n % len(LATIN)], "latin_family_name": "",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "workstation": "other"}  # fmt: skip


def _fresh(hub, path) -> Database:
    path.mkdir()
    db = Database(path / "loket.sqlite")
    migrate(db)
    # a national PC (no desk): the first pull of every visitor the hub holds
    install(db, issue_pc(hub, name=path.name, desk_code=None, dsn=hub.info.dsn))
    return db


@pytest.fixture
def hub_visitors(hub):
    with hub.cursor() as cur:
        cur.executemany(
            "INSERT INTO loket.row (table_name, row_id, data) VALUES ('visitor', %s, %s)",
            [(f"v{n:03d}", json.dumps(_visitor(n))) for n in range(60)],
        )
    return hub


def _pull(db) -> None:
    with pc_connection(db) as conn:
        exchange.pull(db, conn)


def _in_transaction(hub, path, monkeypatch) -> Database:
    """A first pull that builds the name search in its own transaction, as before."""
    real = bulk.suspended_indexes
    with monkeypatch.context() as m:
        m.setattr(bulk, "suspended_indexes", lambda db, tables, names=True: real(db, tables))
        m.setattr(names, "plan", lambda db: None)
        db = _fresh(hub, path)
        _pull(db)
    assert names.progress(db) is None
    return db


def _derived(db) -> tuple:
    return (
        [tuple(r) for r in db.all("SELECT rowid, visitor_id, text FROM visitor_search ORDER BY 1")],
        [tuple(r) for r in db.all("SELECT key, visitor_id FROM visitor_name_key ORDER BY 1, 2")],
    )


def _searches(db) -> list:
    return [search_visitors_db(db, q) for q in QUERIES]


def _fts_ok(db) -> None:
    db.execute("INSERT INTO visitor_fts(visitor_fts, rank) VALUES ('integrity-check', 1)")


def test_the_deferred_build_gives_the_same_search_as_the_build_in_the_pull(
    hub_visitors, tmp_path, monkeypatch
):
    whole = _in_transaction(hub_visitors, tmp_path / "whole", monkeypatch)
    later = _fresh(hub_visitors, tmp_path / "later")
    try:
        _pull(later)
        assert 0 < names.progress(later) < 0.1  # only the newest visitor so far
        names.run(later, size=7)
        assert names.progress(later) is None
        assert outbox.get_state(later, names.STATE) is None
        assert _derived(later) == _derived(whole)
        assert len(_derived(later)[1]) > 60
        _fts_ok(later)
        found = _searches(later)
        assert found == _searches(whole)
        assert all(found[:8]), "each name query finds someone"
    finally:
        whole.close(), later.close()


def test_a_crash_halfway_resumes_where_it_stopped(hub_visitors, tmp_path, monkeypatch):
    whole = _in_transaction(hub_visitors, tmp_path / "whole", monkeypatch)
    path = tmp_path / "crash"
    db = _fresh(hub_visitors, path)
    _pull(db)
    calls = []
    real = repo.build_names

    def crash(db, low, high):
        calls.append((low, high))
        if len(calls) == 4:
            real(db, low, high)  # written, then the PC goes down before the commit
            raise KeyboardInterrupt
        real(db, low, high)

    monkeypatch.setattr(repo, "build_names", crash)
    with pytest.raises(KeyboardInterrupt):
        names.run(db, size=10)
    db.close()
    monkeypatch.setattr(repo, "build_names", real)
    again = Database(path / "loket.sqlite")
    try:
        # three chunks of ten (and the newest visitor) are kept, the fourth rolled back
        assert outbox.get_state(again, names.STATE) == f"1 {calls[3][1]} 60"
        assert again.scalar("SELECT count(*) FROM visitor_search") == 31
        assert "Name search is being prepared (51 %)" in describe(read_status(again))
        names.run(again, size=10)
        assert _derived(again) == _derived(whole)
        _fts_ok(again)
        assert _searches(again) == _searches(whole)
    finally:
        again.close(), whole.close()


def test_search_during_the_build_is_correct_for_what_is_built(hub_visitors, tmp_path, monkeypatch):
    whole = _in_transaction(hub_visitors, tmp_path / "whole", monkeypatch)
    db = _fresh(hub_visitors, tmp_path / "during")
    try:
        _pull(db)
        names.step(db, 20)  # the newest 21 visitors (rowids 40..60) besides the one of the pull
        built = {r[0] for r in db.all("SELECT visitor_id FROM visitor_search")}
        assert built == {r[0] for r in db.all("SELECT id FROM visitor WHERE rowid >= 40")}
        assert len(built) == 21
        edited = db.scalar("SELECT id FROM visitor WHERE rowid = 3")  # not yet built
        done = db.scalar("SELECT id FROM visitor WHERE rowid = 50")
        for query, expected in zip(QUERIES, _searches(whole), strict=True):
            got = search_visitors_db(db, query)
            if query[0].isdigit():  # V-nummer, BSN, birth date: every visitor, at once
                assert [r.visitor_id for r in got] == [r.visitor_id for r in expected], query
            else:  # names: exactly the built ones among the full build's results, in order
                want = [r.visitor_id for r in expected if r.visitor_id in built]
                assert [r.visitor_id for r in got if r.visitor_id in built] == want, query
                assert {r.visitor_id for r in got} <= built | {r.visitor_id for r in expected}, (
                    query
                )
        # staff edit a visitor not yet built and register a new one meanwhile
        for target in (db, whole):
            target.execute(
                "UPDATE visitor SET family_name = 'Bakker' WHERE id IN (?, ?)", (edited, done)
            )
        for target in (db, whole):
            target.execute(
                "INSERT INTO visitor (id, given_names, family_name, preferred_language,"
                " created_at, updated_at, workstation) VALUES ('new', 'Sara', 'Bakker', 'nl',"
                " '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z', 'here')"
            )
        assert search_visitors_db(db, "bakker")[0].visitor_id == "new"
        names.run(db, size=20)
        assert _derived(db) == _derived(whole)
        _fts_ok(db)
        assert _searches(db) == _searches(whole)
        assert [r.visitor_id for r in search_visitors_db(db, "bakker")][:3] == [
            "new",
            done,
            edited,
        ]
    finally:
        db.close(), whole.close()


def test_the_sync_builds_the_name_search_right_after_the_first_pull(hub_visitors, tmp_path):
    db = _fresh(hub_visitors, tmp_path / "synced")
    path = tmp_path / "synced" / "loket.sqlite"
    try:
        chunks = []
        real = repo.build_names
        with pytest.MonkeyPatch.context() as m:
            m.setattr(names, "CHUNK", 25)
            m.setattr(run, "NAMES_BUDGET_S", 0)  # one chunk per sync
            m.setattr(repo, "build_names", lambda db, *span: chunks.append(span) or real(db, *span))
            assert run.sync_file(path).ok
            # the newest visitor in the pull's transaction, then one chunk, newest first
            assert chunks == [(60, 60), (35, 59)]
            line = describe(read_status(db))
            assert "Name search is being prepared (43 %)" in line
            assert run.sync_file(path).ok  # the next sync goes on
            assert chunks[2:] == [(10, 34)]
            assert run.sync_now(anonymous_context(db)).ok  # and the last one
        assert chunks[3:] == [(1, 9)]
        assert names.progress(db) is None
        assert "Name search" not in describe(read_status(db))
        assert db.scalar("SELECT count(*) FROM visitor_search") == 60
        assert {r.visitor_id for r in search_visitors_db(db, "yilmaz")} == {
            f"v{n:03d}" for n in range(60) if n % len(FAMILY) == 2
        }
    finally:
        db.close()


def test_a_search_number_taken_meanwhile_does_not_stop_the_build(hub_visitors, tmp_path):
    db = _fresh(hub_visitors, tmp_path / "taken")
    try:
        _pull(db)
        newest = db.scalar("SELECT id FROM visitor WHERE rowid = 60")
        db.execute("DELETE FROM visitor WHERE id = ?", (newest,))  # its line goes with it
        db.execute(
            "INSERT INTO visitor (id, given_names, family_name, preferred_language,"
            " created_at, updated_at, workstation) VALUES ('new', 'Sara', 'Bakker', 'nl',"
            " '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z', 'here')"
        )
        assert db.scalar("SELECT rowid FROM visitor_search WHERE visitor_id = 'new'") == 1
        names.run(db, size=25)
        assert names.progress(db) is None
        assert db.scalar("SELECT count(*) FROM visitor_search") == 60
        lacking = "SELECT 1 FROM visitor_search s WHERE s.visitor_id = v.id"
        assert db.scalar(f"SELECT count(*) FROM visitor v WHERE NOT EXISTS ({lacking})") == 0
        _fts_ok(db)
        first = db.scalar("SELECT id FROM visitor WHERE rowid = 1")
        assert first in {r.visitor_id for r in search_visitors_db(db, db.scalar(
            "SELECT family_name FROM visitor WHERE id = ?", (first,)))}  # fmt: skip
    finally:
        db.close()
