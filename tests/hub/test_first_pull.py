"""A new PC's first pull fills its empty tables straight from a COPY per table (executemany
in chunks), with the same outcome as applying the feed row by row."""

from __future__ import annotations

import json

from loket.db import outbox
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.db.visitors import search_candidates
from loket.sync import exchange, names
from loket.sync.enroll import install, issue_pc
from tests.pcs import pc_connection


def _visitor(n: int, **fields) -> dict:
    return {"id": f"v{n:03d}", "given_names": "Amina", "family_name": f"Kaya{n}",
            "v_number": f"{1000000000 + n}", "preferred_language": "nl",
            "interpreter_needed": 0, "latin_given_names": "", "latin_family_name": "",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "workstation": "other"} | fields  # fmt: skip


def _fresh(hub, tmp_path) -> Database:
    (tmp_path / "new").mkdir()
    db = Database(tmp_path / "new" / "loket.sqlite")
    migrate(db)
    # a national PC (no desk): the first pull of every visitor the hub holds
    install(db, issue_pc(hub, name="new", desk_code=None, dsn=hub.info.dsn))
    return db


def _put(hub, rows: list[dict]) -> None:
    with hub.cursor() as cur:
        cur.executemany(
            "INSERT INTO loket.row (table_name, row_id, data) VALUES ('visitor', %s, %s)",
            [(r["id"], json.dumps(r)) for r in rows],
        )


def test_a_first_pull_inserts_in_chunks_and_skips_only_the_bad_rows(hub, tmp_path, monkeypatch):
    rows = [_visitor(n) for n in range(10)]
    rows[4]["given_names"] = None  # breaks NOT NULL: skipped, not the whole chunk
    partial = _visitor(20)
    del partial["latin_given_names"], partial["interpreter_needed"]  # from an older schema
    _put(hub, [*rows, partial])
    fresh = _fresh(hub, tmp_path)
    monkeypatch.setattr(exchange, "BULK_CHUNK", 3)
    slow = []
    real = exchange._apply
    monkeypatch.setattr(
        exchange, "_apply", lambda db, item, *a: slow.append(item) or real(db, item, *a)
    )
    try:
        with pc_connection(fresh) as conn:
            assert exchange.pull(fresh, conn) == 10
        assert fresh.scalar("SELECT count(*) FROM visitor") == 10
        assert fresh.scalar("SELECT count(*) FROM visitor WHERE id = 'v004'") == 0
        assert outbox.get_state(fresh, "pull_skipped") == "1"
        # only the row that lacks columns went the slow way (its defaults apply)
        assert [i["row_id"] for i in slow if i["table"] == "visitor"] == ["v020"]
        got = fresh.one("SELECT latin_given_names, interpreter_needed, v_number FROM visitor"
                        " WHERE id = 'v020'")  # fmt: skip
        assert (got[0], got[1], got[2]) == ("", 0, "1000000020")
        assert fresh.scalar("SELECT typeof(interpreter_needed) FROM visitor WHERE id = 'v001'") == (
            "integer"
        )
        names.run(fresh)  # the name search, built after the pull
        assert [h["visitor_id"] for h in search_candidates(fresh, '"kaya7"', 10)] == ["v007"]
        # the full-text index matches its search lines (each went in once, by the rebuild)
        fresh.execute("INSERT INTO visitor_fts(visitor_fts, rank) VALUES ('integrity-check', 1)")
        assert fresh.scalar("SELECT count(*) FROM sync_outbox") == 0  # pulled, not captured
    finally:
        fresh.close()
