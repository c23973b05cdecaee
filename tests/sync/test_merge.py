"""The hub's merge rules as plain functions, with hypothesis varying the values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loket.sync.merge import apply_entry

values = st.one_of(st.none(), st.text(max_size=5), st.integers(-3, 3))
WS = "ws-b"


def _hub(**data):
    return {"data": {"id": "r1", **data}, "deleted": False, "meta": {}}


def _edit(old, new, table="visitor"):
    return {
        "table": table,
        "row_id": "r1",
        "op": "U",
        "old": {"id": "r1", **old},
        "new": {"id": "r1", **new},
        "at": "2026-01-01T00:00:00Z",
        "staff": "anna",
    }


@given(values, values, values)
def test_per_field_rule(base, hub_value, incoming):
    out = apply_entry(_hub(city=hub_value), _edit({"city": base}, {"city": incoming}), WS)
    if incoming == base:
        assert out.data["city"] == hub_value and not out.conflicts  # the edit did not touch it
    elif hub_value == base or hub_value == incoming:
        assert out.data["city"] == incoming and not out.conflicts
    else:
        assert out.data["city"] == hub_value  # the hub keeps its value
        [c] = out.conflicts
        assert (c["base"], c["hub"], c["incoming"]) == (base, hub_value, incoming)


@given(values, values, values)
def test_applying_twice_changes_nothing_more(base, hub_value, incoming):
    entry = _edit({"city": base}, {"city": incoming})
    once = apply_entry(_hub(city=hub_value), entry, WS)
    again = apply_entry({"data": once.data, "deleted": False, "meta": once.meta}, entry, WS)
    assert again.data == once.data
    assert not again.changed


@given(values, values)
def test_append_only_records_never_conflict(hub_value, incoming):
    out = apply_entry(_hub(summary=hub_value), _edit({}, {"summary": incoming}, "visit"), WS)
    assert out.data["summary"] == incoming and not out.conflicts


@given(
    st.sampled_from(
        ["proposed", "sent", "accepted", "declined", "completed", "no_show", "cancelled"]
    ),
    st.sampled_from(["sent", "accepted", "cancelled"]),
)
def test_a_referral_status_from_another_base_applies_only_as_a_legal_step(hub_status, incoming):
    from loket.referrals.model import TRANSITIONS

    out = apply_entry(
        _hub(status=hub_status), _edit({"status": "proposed"}, {"status": incoming}, "referral"), WS
    )
    if hub_status in ("proposed", incoming) or incoming in TRANSITIONS[hub_status]:
        assert out.data["status"] == incoming and not out.conflicts
    else:
        assert out.data["status"] == hub_status and len(out.conflicts) == 1


@given(values)
def test_an_anonymised_visitor_takes_no_edit_and_anonymisation_takes_all(incoming):
    gone = _hub(phone=None, anonymised_at="2026-01-01T00:00:00Z")
    out = apply_entry(gone, _edit({"phone": None}, {"phone": incoming or "x"}), WS)
    assert out.data["phone"] is None and not out.conflicts and not out.changed
    edited = _hub(phone="0611", anonymised_at=None)
    erase = {
        "table": "visitor",
        "row_id": "r1",
        "op": "U",
        "old": None,
        "new": {"id": "r1", "phone": None, "anonymised_at": "2026-01-02T00:00:00Z"},
    }
    out = apply_entry(edited, erase, WS)
    assert out.data["phone"] is None and not out.conflicts


def test_stamps_follow_the_change_and_never_conflict():
    out = apply_entry(
        _hub(city="A", updated_at="t0", workstation="ws-a"),
        _edit(
            {"city": "A", "updated_at": "t-other"},
            {"city": "B", "updated_at": "t1", "workstation": WS},
        ),
        WS,
    )
    assert out.data == {"id": "r1", "city": "B", "updated_at": "t1", "workstation": WS}
    assert not out.conflicts and out.meta["city"]["staff"] == "anna"


def test_a_deleted_row_stays_deleted():
    out = apply_entry({"data": {}, "deleted": True, "meta": {}}, _edit({}, {"city": "X"}), WS)
    assert out.deleted and out.data == {}
