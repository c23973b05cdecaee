"""What a PC holds of other desks' visitors (docs/sync-staff.md): its desk's files whole,
of the others a keyed index that names no one; a file opened is fetched (and logged at the
hub) and leaves the PC again unless the desk goes on to work with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loket.db import hub as hub_repo
from loket.db import outbox
from loket.sync import elsewhere, holdings
from tests import helpers
from tests.pcs import sync as _sync
from tests.ui.test_counter_flow import make_window, type_search


@pytest.fixture
def two_desks(make_pc):
    """PC a of Zwolle, PC b of Den Haag; b registered Selam with a visit and a referral."""
    a, b = make_pc("a", "ZWL"), make_pc("b", "DHG")
    _sync(a, b)
    ctx_b = helpers.context(b, desk_code="DHG")
    selam = helpers.visitor(ctx_b, given_names="Selam", family_name="Tesfaye",
                            v_number="4444444444", bsn="123456782",
                            date_of_birth="1990-02-03")  # fmt: skip
    helpers.visit(ctx_b, selam.id)
    _sync(b, a, a)
    return a, b, selam


def _dump(db) -> str:
    return "\n".join(db.conn.iterdump())


def _offline(db):
    with db.transaction():
        outbox.put_setting(db, "sync_dsn", "host=127.0.0.1 port=1 user=x dbname=x")
    outbox.set_state(db, {"hub_reachable": "0"})


def test_a_pc_holds_its_desks_files_and_of_other_desks_an_index_naming_no_one(two_desks):
    a, b, selam = two_desks
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (selam.id,)) == 0
    assert b.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 1
    desk = a.scalar("SELECT desk_id FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,))
    assert desk == a.scalar("SELECT id FROM desk WHERE code = 'DHG'")
    keys = a.scalar(
        "SELECT count(*) FROM visitor_index i JOIN visitor_elsewhere e ON e.ref = i.ref"
        " WHERE e.visitor_id = ?",
        (selam.id,),
    )
    assert keys >= 4  # V-nummer, BSN, and the name parts with the birth date
    dump = _dump(a)  # nothing on a names her or carries her numbers
    for text in ("Selam", "Tesfaye", "4444444444", "123456782", "1990-02-03"):
        assert text not in dump
    # b's own desk's visitor is not in b's index: b holds the file itself
    assert b.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,)) == 0


def test_offline_the_index_says_where_a_file_is_by_number_or_name_with_birth_date(two_desks):
    a, _b, selam = two_desks
    _offline(a)
    ctx = helpers.context(a)
    for query, match in (
        ("4444444444", "v_number"),
        ("123456782", "bsn"),
        ("Tesfaye 03-02-1990", "name_dob"),
        ("selam tesfaye 1990-02-03", "name_dob"),
    ):
        found = elsewhere.search(ctx, query)
        assert found.reachable is False
        assert [(h.visitor_id, h.desk, h.index_match) for h in found.hits] == [
            (selam.id, "IND-loket Den Haag", match)
        ], query
        assert found.hits[0].family_name == ""  # the index keeps no name
    for query in ("4444444445", "Tesfaye 04-02-1990", "Tesfaye", "Mohammed 03-02-1990"):
        assert elsewhere.search(ctx, query).hits == [], query
    logged = a.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.search_index'")
    assert logged == 4 + 3  # every search the index could answer ("Tesfaye" alone it cannot)


def test_opening_fetches_the_file_logs_it_at_the_hub_and_it_leaves_again(two_desks, hub):
    a, _b, selam = two_desks
    ctx = helpers.context(a)
    opened = elsewhere.fetch(ctx, selam.id)
    assert opened.family_name == "Tesfaye"
    assert a.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (selam.id,)) == 1
    [entry] = hub_repo.file_opens(hub)
    assert entry["visitor_id"] == selam.id and entry["staff"] == ctx.user.id
    assert entry["workstation"] == outbox.sync_workstation(a)
    assert entry["desk_id"] == a.scalar("SELECT id FROM desk WHERE code = 'ZWL'")
    assert a.scalar("SELECT count(*) FROM audit_log WHERE action = 'visitor.fetch_hub'") == 1
    _sync(a)
    assert outbox.waiting(a) == 0  # nothing of a fetched file goes back to the hub
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 1  # still kept
    old = (datetime.now(UTC) - timedelta(hours=holdings.KEEP_HOURS + 1)).isoformat()
    with a.transaction():
        a.execute("UPDATE visitor_fetched SET fetched_at = ?", (old,))
    _sync(a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visitor_fetched") == 0
    assert elsewhere.search(ctx, "4444444444").hits[0].visitor_id == selam.id  # found again
    assert hub_repo.row(hub, "visitor", selam.id)["deleted"] is False  # the hub keeps it


def test_a_file_this_desk_works_with_stays_and_comes_whole_from_then_on(two_desks, hub):
    a, b, selam = two_desks
    ctx = helpers.context(a)
    elsewhere.fetch(ctx, selam.id)
    helpers.visit(ctx, selam.id)  # Selam comes to Zwolle: now Zwolle's visitor too
    _sync(a)
    old = (datetime.now(UTC) - timedelta(hours=holdings.KEEP_HOURS + 1)).isoformat()
    with a.transaction():
        a.execute("UPDATE visitor_fetched SET fetched_at = ?", (old,))
    ctx_b = helpers.context(b, desk_code="DHG")
    with b.transaction():
        b.execute("UPDATE visitor SET city = 'Den Haag' WHERE id = ?", (selam.id,))
    helpers.visit(ctx_b, selam.id)
    _sync(b, a)
    assert a.scalar("SELECT city FROM visitor WHERE id = ?", (selam.id,)) == "Den Haag"
    assert a.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (selam.id,)) == 3
    assert a.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visitor_fetched") == 0


def test_unsent_work_keeps_a_fetched_file(two_desks):
    a, _b, selam = two_desks
    ctx = helpers.context(a)
    elsewhere.fetch(ctx, selam.id)
    with a.transaction():
        a.execute("UPDATE visitor SET phone = '0612345678' WHERE id = ?", (selam.id,))
    old = (datetime.now(UTC) - timedelta(hours=holdings.KEEP_HOURS + 1)).isoformat()
    with a.transaction():
        a.execute("UPDATE visitor_fetched SET fetched_at = ?", (old,))
    with a.transaction():  # the tidy runs while the change is still unsent
        a.execute("UPDATE sync_outbox SET acked_at = NULL")
        from loket.db import visitor_index

        assert visitor_index.with_local_work(a, [selam.id], outbox.rows_with_pending(a)) == {
            selam.id
        }


def test_a_file_a_merge_task_names_stays_and_the_rest_is_tidied(two_desks):
    from loket.db import merge as merge_repo

    a, b, selam = two_desks
    ctx_b = helpers.context(b, desk_code="DHG")
    other = helpers.visitor(ctx_b, given_names="Reza", family_name="Ahmadi",
                            v_number="5555555555")  # fmt: skip
    _sync(b)
    ctx = helpers.context(a)
    elsewhere.fetch(ctx, selam.id)
    elsewhere.fetch(ctx, other.id)
    with a.transaction():  # a pair staff have still to look at
        mine = helpers.visitor(ctx, given_names="Selam", family_name="Tesfaye")
        merge_repo.add_task(a, mine.id, selam.id, "name_dob", None)
        task = merge_repo.task_for_pair(a, mine.id, selam.id)
    old = (datetime.now(UTC) - timedelta(hours=holdings.KEEP_HOURS + 1)).isoformat()
    with a.transaction():
        a.execute("UPDATE visitor_fetched SET fetched_at = ?", (old,))
    _sync(a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 1
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (other.id,)) == 0
    # decided (two people) and the decision at the hub: the file and its task leave
    with a.transaction():
        merge_repo.decide_task(a, task["id"], "dismissed", None, None)
    _sync(a, a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert merge_repo.task_for_pair(a, mine.id, selam.id) is None
    elsewhere.fetch(ctx, selam.id)  # opened again: the decision comes with the file
    assert merge_repo.task_for_pair(a, mine.id, selam.id)["status"] == "dismissed"


def test_a_pc_that_pulled_every_desk_before_keeps_only_its_own(two_desks):
    """A PC enrolled before PCs held only their desk's files: its copies of other desks'
    files are removed once (in rounds), its own desk's stay."""
    a, _b, selam = two_desks
    ctx = helpers.context(a)
    mine = helpers.visitor(ctx, given_names="Own", family_name="Visitor")
    elsewhere.fetch(ctx, selam.id)
    with a.transaction():  # as if pulled in full long ago
        a.execute("DELETE FROM visitor_fetched")
    outbox.set_state(a, {"holdings_tidied_rowid": None})
    _sync(a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (mine.id,)) == 1
    assert outbox.get_state(a, "holdings_tidied_rowid") == "-1"


def test_offline_the_search_view_says_where_the_file_is(qtbot, two_desks, english):
    a = two_desks[0]
    _offline(a)
    window = make_window(qtbot, helpers.context(a))
    view = window.show_view("search")
    type_search(qtbot, view, "4444444444")
    qtbot.waitUntil(lambda: view.elsewhere is not None and view.elsewhere.list.count() == 1,
                    timeout=20_000)  # fmt: skip
    line = view.elsewhere.list.item(0).text()
    assert "IND-loket Den Haag" in line and "the same V-number" in line
    assert "opens once connected" in view.elsewhere.label.text()


def test_an_older_hub_learns_whose_files_its_rows_are_and_keys_its_visitors(two_desks, hub,
                                                                            make_pc):  # fmt: skip
    """`loket hub init` on a hub from before desks held files: every row gets its visitor,
    the desks of the visits hold them, and the visitors get their keyed index."""
    from loket.sync.enroll import init_hub

    a, _b, selam = two_desks
    tagged = hub.execute("SELECT count(*) FROM loket.row WHERE visitor_id IS NOT NULL")
    before = tagged.fetchone()[0]
    keys_before = hub.execute("SELECT keys FROM loket.visitor_key WHERE visitor_id = %s",
                              (selam.id,)).fetchone()[0]  # fmt: skip
    with hub.transaction():
        hub.execute("UPDATE loket.row SET visitor_id = NULL")
        hub.execute("DELETE FROM loket.holding")
        hub.execute("DELETE FROM loket.visitor_key")
    init_hub(hub)
    after = hub.execute("SELECT count(*) FROM loket.row WHERE visitor_id IS NOT NULL")
    assert after.fetchone()[0] == before > 0
    holding = hub.execute("SELECT desk_id FROM loket.holding WHERE visitor_id = %s", (selam.id,))
    assert [r[0] for r in holding] == [a.scalar("SELECT id FROM desk WHERE code = 'DHG'")]
    keys = hub.execute("SELECT keys FROM loket.visitor_key WHERE visitor_id = %s", (selam.id,))
    assert sorted(keys.fetchone()[0]) == sorted(keys_before)  # the same keys a PC made
    c = make_pc("c", "ZWL")
    _sync(c)
    assert c.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert c.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,))


def test_a_pair_called_two_people_elsewhere_is_not_proposed_when_the_file_comes(two_desks, make_pc):
    """A decision on a pair that a PC could not hold yet (one file another desk's) reaches
    it with the file: fetched later, the pair is not proposed again."""
    from loket.counter import merge

    a, _b, selam = two_desks
    a2 = make_pc("a2", "ZWL")
    _sync(a2)
    namesake = helpers.visitor(helpers.context(a, desk_code="ZWL"), given_names="Selam",
                               family_name="Tesfaye", date_of_birth="1990-02-03")  # fmt: skip
    _sync(a, a2)
    supervisor = helpers.context(a, "supervisor", desk_code="ZWL")
    elsewhere.fetch(supervisor, selam.id)
    merge.scan(supervisor)
    [task] = merge.open_tasks(supervisor)
    assert {task.visitor_a, task.visitor_b} == {namesake.id, selam.id}
    merge.dismiss(supervisor, task.id)
    _sync(a)  # the decision goes to the hub
    other = helpers.context(a2, "supervisor", desk_code="ZWL")
    assert a2.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    elsewhere.fetch(other, selam.id)
    merge.scan(other)
    assert merge.open_tasks(other) == []
    status = a2.scalar("SELECT status FROM merge_task WHERE ? IN (visitor_a, visitor_b)",
                       (selam.id,))  # fmt: skip
    assert status == "dismissed"


def test_registering_someone_another_desk_knows_warns_even_offline(two_desks):
    from loket.counter import intake
    from loket.model import Visitor

    a, _b, selam = two_desks
    _offline(a)
    ctx = helpers.context(a)
    again = Visitor(id="", given_names="Selam", family_name="Tesfaye", v_number="4444444444")
    with pytest.raises(intake.DuplicateVisitor) as err:
        intake.register_visitor(ctx, again)
    [match] = err.value.matches
    assert (match.reason, match.visitor, match.elsewhere_id) == ("v_number", None, selam.id)
    assert match.elsewhere_desk == "IND-loket Den Haag"
    by_name = Visitor(id="", given_names="Selam", family_name="Tesfay", date_of_birth="1990-02-03")
    with pytest.raises(intake.DuplicateVisitor) as err:
        intake.register_visitor(ctx, by_name)
    assert [(m.reason, m.elsewhere_id) for m in err.value.matches] == [("name_dob", selam.id)]
    other_day = Visitor(id="", given_names="Selam", family_name="Tesfaye",
                        date_of_birth="1991-02-03")  # fmt: skip
    assert intake.register_visitor(ctx, other_day).id  # not her: no warning
    assert intake.register_visitor(ctx, again, confirmed_new=True).id  # staff say: someone else
    shown = a.all("SELECT detail FROM audit_log WHERE action = 'visitor.duplicate_shown'")
    assert len(shown) == 2 and all('"elsewhere": true' in r["detail"] for r in shown)


def test_the_register_form_opens_the_other_desks_file_instead_of_a_second(qtbot, two_desks,
                                                                          english):  # fmt: skip
    from PySide6.QtCore import Qt

    from tests.ui.test_counter_flow import shortcut

    a, _b, selam = two_desks
    window = make_window(qtbot, helpers.context(a))
    shortcut(qtbot, window, Qt.Key.Key_N)
    form = window.current_view()
    qtbot.keyClicks(form.fields["given_names"].widget, "Selam")
    qtbot.keyClicks(form.fields["family_name"].widget, "Tesfaye")
    qtbot.keyClicks(form.fields["v_number"].widget, "4444444444")
    shortcut(qtbot, window, Qt.Key.Key_S)
    assert form.duplicate.isVisible()
    text = form.duplicate_text.text()
    assert "IND-loket Den Haag" in text and "the same V-number" in text and "hub" in text
    qtbot.keyClick(form.open_existing, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_view().name == "visitor", timeout=20_000)
    assert window.current_view().visitor.id == selam.id
    assert a.scalar("SELECT count(*) FROM visitor WHERE family_name = 'Tesfaye'") == 1


def test_a_conflict_travels_only_to_the_desks_holding_its_file(make_pc):
    """A conflict carries the row's values: PCs of a desk without the file do not get it;
    a desk that starts holding the file gets its open conflicts with it."""
    z1, z2, d = make_pc("z1", "ZWL"), make_pc("z2", "ZWL"), make_pc("d", "DHG")
    _sync(z1, z2, d)
    amina = helpers.visitor(helpers.context(z1, desk_code="ZWL"), given_names="Amina",
                            v_number="6666666666")  # fmt: skip
    _sync(z1, z2)
    for db, phone in ((z1, "0611111111"), (z2, "0622222222")):
        with db.transaction():
            db.execute("UPDATE visitor SET phone = ? WHERE id = ?", (phone, amina.id))
    _sync(z1, z2, z1, d)
    assert outbox.open_conflicts(z1) == outbox.open_conflicts(z2) == 1
    assert outbox.open_conflicts(d) == 0
    assert "0622222222" not in _dump(d) and "0611111111" not in _dump(d)
    ctx_d = helpers.context(d, desk_code="DHG")
    elsewhere.fetch(ctx_d, amina.id)
    helpers.visit(ctx_d, amina.id)  # Den Haag now holds the file: its conflict comes too
    _sync(d, d)
    assert outbox.open_conflicts(d) == 1


def test_a_new_pcs_first_pull_brings_its_desks_files_and_the_index_of_the_others(
    two_desks, make_pc
):
    a, _b, selam = two_desks
    mine = helpers.visitor(helpers.context(a, desk_code="ZWL"), given_names="Own",
                           family_name="Zwolle", v_number="7777777777")  # fmt: skip
    _sync(a)
    c = make_pc("c", "ZWL")
    assert c.scalar("SELECT count(*) FROM visitor") == 0  # a new PC: the seed only
    _sync(c)  # the first pull: straight from COPY, per desk
    assert c.scalar("SELECT count(*) FROM visitor WHERE id = ?", (mine.id,)) == 1
    assert c.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert c.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (selam.id,)) == 0
    assert c.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,))
    assert not c.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (mine.id,))


@pytest.mark.parametrize(("language", "demo"), [("nl", False), ("ar", False), ("ar", True)])
def test_the_offline_answer_fits_at_double_text_size(qtbot, qapp, two_desks, language, demo):
    """At 200 % text on a counter screen the results keep a row and the box from the keyed
    index (its sentence and its line) fits below them, nothing squeezed or drawn over; on a
    real PC (no demo banner) the view fits the counter window."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from loket import i18n
    from tests.ui import a11y
    from ui import i18n_qt, theme
    from ui.main_window import MainWindow

    a = two_desks[0]
    _offline(a)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    palette, font, sheet, before = qapp.palette(), qapp.font(), qapp.styleSheet(), i18n.language()
    try:
        i18n.set_language(language)
        i18n_qt.install()
        theme.apply(qapp, scale=200)
        window = MainWindow(helpers.context(a), demo=demo)
        qtbot.addWidget(window)
        window.show()
        window.resize(*a11y.COUNTER_WINDOW)
        view = window.show_view("search")
        type_search(qtbot, view, "Tesfaye 03-02-1990")
        qtbot.waitUntil(lambda: view.elsewhere is not None and view.elsewhere.list.count() == 1,
                        timeout=20_000)  # fmt: skip
        qtbot.wait(50)
        box = view.elsewhere
        assert view.table.viewport().height() >= view.table.verticalHeader().defaultSectionSize()
        assert box.label.geometry().bottom() < box.list.geometry().top()
        if not demo:
            assert a11y.size_problems("search", view, window) == []
    finally:
        i18n.set_language(before)
        theme.apply(qapp, scale=100)
        qapp.setPalette(palette)
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)


def test_an_erasure_at_another_desk_removes_the_copy_this_pc_fetched(two_desks):
    """A PC that only fetched a file gets no pull of it; the erasure reaches it through the
    keyed index (no keys any more), and the fetched copy goes at once."""
    from loket.privacy import rights

    a, b, selam = two_desks
    elsewhere.fetch(helpers.context(a), selam.id)
    assert "Tesfaye" in _dump(a)
    supervisor_b = helpers.context(b, "supervisor", desk_code="DHG")
    rights.erase_visitor(supervisor_b, selam.id, "asked at the desk")
    _sync(b, a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,)) == 0
    for text in ("Selam", "Tesfaye", "4444444444"):
        assert text not in _dump(a)


def test_an_erased_file_that_must_stay_here_is_fetched_again_and_is_erased_here_too(two_desks):
    from loket.db import merge as merge_repo
    from loket.privacy import rights

    a, b, selam = two_desks
    ctx = helpers.context(a)
    elsewhere.fetch(ctx, selam.id)
    with a.transaction():  # an open pair names her file: it stays
        mine = helpers.visitor(ctx, given_names="Selam", family_name="Tesfaye")
        merge_repo.add_task(a, mine.id, selam.id, "name_dob", None)
    rights.erase_visitor(helpers.context(b, "supervisor", desk_code="DHG"), selam.id,
                         "asked at the desk")  # fmt: skip
    _sync(b, a)
    row = a.one("SELECT family_name, v_number, anonymised_at FROM visitor WHERE id = ?",
                (selam.id,))  # fmt: skip
    assert row["anonymised_at"] and row["v_number"] is None and row["family_name"] != "Tesfaye"
    assert outbox.get_state(a, holdings.REFRESH_STATE) is None


def test_a_fetched_file_follows_what_its_desk_changes(two_desks):
    a, b, selam = two_desks
    elsewhere.fetch(helpers.context(a), selam.id)
    with b.transaction():
        b.execute("UPDATE visitor SET city = 'Rijswijk' WHERE id = ?", (selam.id,))
    helpers.visit(helpers.context(b, desk_code="DHG"), selam.id)
    _sync(b, a)
    assert a.scalar("SELECT city FROM visitor WHERE id = ?", (selam.id,)) == "Rijswijk"
    assert a.scalar("SELECT count(*) FROM visit WHERE visitor_id = ?", (selam.id,)) == 2
    sql = "SELECT detail FROM audit_log WHERE action = 'visitor.fetch_hub' AND object_id = ?"
    details = [r[0] for r in a.all(sql, (selam.id,))]
    assert len(details) == 2 and '"reason": "refresh"' in details[-1]  # staff's, then the sync's
    _sync(a)
    assert outbox.waiting(a) == 0  # nothing of the file goes back (its audit rows do)


def test_before_the_hub_is_upgraded_pcs_sync_as_before_and_tidy_after(make_pc, hub):
    """PCs of this version at a hub whose `loket hub init` has not run yet: they sync as
    before (every file, no index); once it ran, the index is made and they keep their own."""
    from loket.sync.enroll import init_hub

    with hub.transaction():  # what an older hub lacks
        hub.execute("DROP FUNCTION loket.put_keys(uuid, text, text[])")
    a, b = make_pc("a", "ZWL"), make_pc("b", "DHG")
    _sync(a, b)
    selam = helpers.visitor(helpers.context(b, desk_code="DHG"), given_names="Selam",
                            family_name="Tesfaye", v_number="4444444444")  # fmt: skip
    _sync(b, a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 1  # as before
    init_hub(hub)  # the administrator upgrades the hub
    _sync(a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert a.scalar("SELECT count(*) FROM visitor_elsewhere WHERE visitor_id = ?", (selam.id,))


def test_a_desk_that_enrols_with_years_of_files_sends_each_row_to_its_desk_only(make_pc, hub):
    """Rows queued at enrolment go parents first, so every row of a file names its visitor
    at the hub; a row that names none goes to no desk's PC (never to all)."""
    from loket.db import outbox as pc_outbox
    from loket.referrals import lifecycle

    z = make_pc("z", "ZWL")
    service = z.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    with z.transaction():  # as if made before enrolment: nothing captured yet
        z.execute("DELETE FROM sync_outbox")
    ctx = helpers.context(z, desk_code="ZWL")
    with z.transaction():
        outbox.put_setting(z, "sync_enrolled", "0")  # work done while on its own
    amina = helpers.visitor(ctx, given_names="Amina", v_number="8888888888")
    visit = helpers.visit(ctx, amina.id)
    lifecycle.propose(ctx, visit.id, service)
    with z.transaction():
        outbox.put_setting(z, "sync_enrolled", "1")
        pc_outbox.capture_existing(z)
    _sync(z)
    untagged = hub.execute(
        "SELECT count(*) FROM loket.row WHERE visitor_id IS NULL AND table_name = ANY(%s)",
        (["visit", "referral", "visit_need", "referral_event"],),
    ).fetchone()[0]
    assert untagged == 0
    d = make_pc("d", "DHG")
    _sync(d)
    for table in ("visitor", "visit", "referral", "visit_need"):
        assert d.scalar(f"SELECT count(*) FROM {table}" + (
            " WHERE id = ?" if table == "visitor" else ""
        ), *([(amina.id,)] if table == "visitor" else [])) == 0, table  # fmt: skip
    with hub.transaction():  # a row that names no visitor (from an older version)
        hub.execute("UPDATE loket.row SET visitor_id = NULL, xid = pg_current_xact_id()"
                    " WHERE table_name = 'referral'")  # fmt: skip
    _sync(d)
    assert d.scalar("SELECT count(*) FROM referral") == 0


def test_a_file_another_file_here_is_merged_into_stays_with_it(two_desks):
    from loket.db import visitor_index

    a, _b, selam = two_desks
    ctx = helpers.context(a)
    elsewhere.fetch(ctx, selam.id)
    old_file = helpers.visitor(ctx, given_names="Selam", family_name="T.")
    with a.transaction():
        a.execute("UPDATE visitor SET merged_into = ? WHERE id = ?", (selam.id, old_file.id))
    assert visitor_index.with_local_work(a, [selam.id], set()) == {selam.id}


def test_a_fetched_visitor_without_numbers_or_birth_date_is_not_taken_for_erased(two_desks):
    a, b, _selam = two_desks
    ctx_b = helpers.context(b, desk_code="DHG")
    plain = helpers.visitor(ctx_b, given_names="Noor", family_name="Zonder", v_number=None)
    _sync(b)
    elsewhere.fetch(helpers.context(a), plain.id)
    helpers.visit(ctx_b, plain.id)  # its key row comes again (no keys: nothing to key on)
    _sync(b, a)
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (plain.id,)) == 1


def test_a_pc_whose_desk_the_hub_does_not_know_gets_no_desks_files(two_desks, make_pc):
    _a, _b, selam = two_desks
    x = make_pc("x", "XXX")  # a desk code the hub has no desk for
    _sync(x)
    assert x.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 0
    assert outbox.get_state(x, "hub_desk") is None  # and nothing is tidied there


def test_a_pc_cannot_make_its_desk_hold_a_file_without_opening_it(two_desks):
    import psycopg

    from tests.pcs import pc_connection

    a, _b, selam = two_desks
    desk = a.scalar("SELECT id FROM desk WHERE code = 'ZWL'")
    with pc_connection(a) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT loket.hold(%s, %s)", (selam.id, desk))


def test_the_kept_file_of_a_merge_comes_whole_to_another_desk(two_desks, hub):
    """A merge moves visits; their needs and referrals go with them at the hub, so another
    desk opening the kept file gets them too."""
    from loket.counter import merge
    from loket.referrals import lifecycle

    a, b, selam = two_desks
    ctx_b = helpers.context(b, desk_code="DHG")
    service = b.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    [visit_id] = [r[0] for r in b.all("SELECT id FROM visit WHERE visitor_id = ?", (selam.id,))]
    referral = lifecycle.propose(ctx_b, visit_id, service)
    twice = helpers.visitor(ctx_b, given_names="Selam", family_name="Tesfaye",
                            date_of_birth="1990-02-03", v_number=None)  # fmt: skip
    _sync(b)
    merge.merge(helpers.context(b, "supervisor", desk_code="DHG"), twice.id, selam.id)
    _sync(b)
    kept = elsewhere.fetch(helpers.context(a), twice.id)
    assert kept.id == twice.id
    assert a.scalar("SELECT visitor_id FROM visit WHERE id = ?", (visit_id,)) == twice.id
    assert a.scalar("SELECT count(*) FROM referral WHERE id = ?", (referral.id,)) == 1
    assert a.scalar("SELECT count(*) FROM visit_need WHERE visit_id = ?", (visit_id,)) >= 1


def test_the_same_number_at_two_desks_fetches_the_other_file_for_the_task(two_desks, hub):
    from loket.counter import merge

    a, b, selam = two_desks
    again = helpers.visitor(helpers.context(a, desk_code="ZWL"), given_names="Selam",
                            family_name="Tesfaye", v_number="4444444444")  # fmt: skip
    _sync(a, b, a)
    [task] = merge.open_tasks(helpers.context(a, "supervisor", desk_code="ZWL"))
    assert {task.visitor_a, task.visitor_b} == {again.id, selam.id}
    assert a.scalar("SELECT count(*) FROM visitor WHERE id = ?", (selam.id,)) == 1  # fetched
    detail = a.scalar("SELECT detail FROM audit_log WHERE action = 'visitor.fetch_hub'"
                      " AND object_id = ?", (selam.id,))  # fmt: skip
    assert '"reason": "merge_task"' in detail and '"by": "sync"' in detail
    # each desk's PC fetched the other desk's file, logged at the hub with no member of staff
    opened = {(o["visitor_id"], o["staff"]) for o in hub_repo.file_opens(hub)}
    assert opened == {(selam.id, None), (again.id, None)}
    assert hub_repo.quarantined(hub) == []  # the audit rows went to the hub in their order
