"""Finding visitors of other PCs and desks: the search asks the hub for files this PC does
not hold yet; opening one fetches it; offline the search says it finds this PC's only."""

from __future__ import annotations

import pytest

from loket.db import hub as hub_repo
from loket.db import outbox
from loket.sync import elsewhere
from tests import helpers
from tests.pcs import sync as _sync
from tests.ui.test_counter_flow import make_window, type_search


@pytest.fixture
def elsewhere_pcs(make_pc):
    """PC a of Zwolle synced before PC b of Den Haag registered Selam (with a visit)."""
    a, b = make_pc("a", "ZWL"), make_pc("b", "DHG")
    _sync(a, b)
    ctx_b = helpers.context(b, desk_code="DHG")
    selam = helpers.visitor(ctx_b, given_names="Selam", family_name="Tesfaye",
                            v_number="4444444444", date_of_birth="1990-02-03")  # fmt: skip
    helpers.visit(ctx_b, selam.id)
    _sync(b)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    return a, b, selam


def test_the_hub_finds_by_number_and_name_and_the_file_comes_on_opening(elsewhere_pcs, hub):
    a, _b, selam = elsewhere_pcs
    ctx = helpers.context(a)
    for query in ("4444444444", "selam tesf", "Tesfaye"):
        found = elsewhere.search(ctx, query)
        assert found.reachable is True
        assert [(h.visitor_id, h.desk) for h in found.hits] == [(selam.id, "IND-loket Den Haag")]
    assert elsewhere.search(ctx, "Nobody Here").hits == []
    opened = elsewhere.fetch(ctx, selam.id)
    assert opened.id == selam.id and opened.family_name == "Tesfaye"
    assert elsewhere.search(ctx, "Tesfaye").hits == []  # now the PC's own search finds it
    assert a.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.search_hub'") == 5
    logged = hub_repo.searches(hub)  # the hub logs them too, never what was typed
    assert [(s["kind"], s["hits"]) for s in logged] == [
        ("number", 1),
        ("name", 1),
        ("name", 1),
        ("name", 0),
        ("name", 0),
    ]
    assert {s["staff"] for s in logged} == {ctx.user.id}
    assert {s["workstation"] for s in logged} == {outbox.sync_workstation(a)}


def test_the_search_view_shows_other_desks_visitors_and_opens_one(qtbot, elsewhere_pcs, english):
    a, _b, selam = elsewhere_pcs
    window = make_window(qtbot, helpers.context(a))
    view = window.show_view("search")
    type_search(qtbot, view, "Tesfaye")
    qtbot.waitUntil(lambda: view.elsewhere is not None and view.elsewhere.list.count() == 1,
                    timeout=20_000)  # fmt: skip
    box = view.elsewhere
    assert view.model.rowCount() == 0  # not on this PC
    assert "Den Haag" in box.list.item(0).text() and "Selam Tesfaye" in box.list.item(0).text()
    assert "from the hub" in box.label.text()
    box.open_hit(0)
    qtbot.waitUntil(lambda: window.current_view().name == "visitor", timeout=20_000)
    assert window.current_view().visitor.id == selam.id


def test_offline_the_search_says_it_finds_this_pcs_visitors_only(qtbot, elsewhere_pcs, english):
    a = elsewhere_pcs[0]
    with a.transaction():
        outbox.put_setting(a, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    window = make_window(qtbot, helpers.context(a))
    view = window.show_view("search")
    type_search(qtbot, view, "Tesfaye")
    qtbot.waitUntil(lambda: view.elsewhere is not None and view.elsewhere.isVisible(),
                    timeout=20_000)  # fmt: skip
    assert "only the visitors this PC holds" in view.elsewhere.label.text()
