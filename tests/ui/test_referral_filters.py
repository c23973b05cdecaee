"""The shared filter row: what it reads back is what it was given, its texts follow the
language, and each screen's subset and mnemonics are its own."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from PySide6.QtWidgets import QFormLayout, QGridLayout, QWidget

from loket import i18n
from loket.db.exports import Filters
from loket.reports import exports
from tests.helpers import context
from ui.views.referral_filters import KEYS, ReferralFilters


@pytest.fixture
def language():
    """Switch the UI language; the test starts in Dutch and the language is put back."""
    before = i18n.language()
    i18n.set_language("nl")
    yield i18n.set_language
    i18n.set_language(before)


def _row(qtbot, db, **kwargs) -> tuple[QWidget, ReferralFilters]:
    parent = QWidget()
    qtbot.addWidget(parent)
    kwargs.setdefault("date_from", "2026-01-01")
    kwargs.setdefault("date_to", "2026-03-31")
    fields = ReferralFilters(parent, **kwargs)
    return parent, fields


def test_values_and_set_values_round_trip(qtbot, db, language):
    ctx = context(db, "supervisor")
    choices = exports.filter_choices(ctx)
    assert choices.desks and choices.partners and choices.needs
    _parent, fields = _row(qtbot, db)
    fields.fill_from(ctx)
    wanted = Filters(
        "2025-12-01",
        "2026-02-15",
        choices.desks[-1][0],
        choices.partners[-1][0],
        choices.needs[-1][0],
        "completed",
    )
    fields.set_values(wanted)
    assert fields.values() == asdict(wanted)
    assert fields.status.currentText() == "Afgerond"
    # the values are keyword arguments the core takes as they are
    assert exports.check_filters(ctx, **fields.values()) == wanted

    everything = Filters("2026-01-01", "2026-01-31")
    fields.set_values(everything)
    assert fields.values() == asdict(everything)
    assert all(fields.widgets[k].currentIndex() == 0 for k in ("desk", "partner", "need"))

    # a value no longer offered (a desk since removed) falls back to "All …"
    fields.set_values(Filters("2026-01-01", "2026-01-31", desk_code="GONE"))
    assert fields.values()["desk_code"] is None


def test_retranslate_to_english_and_back(qtbot, db, language):
    ctx = context(db, "supervisor")
    _parent, fields = _row(qtbot, db)
    fields.fill_from(ctx)
    fields.set_values(Filters("2026-01-01", "2026-03-31", status="declined"))
    fields.retranslate()

    def texts() -> list[str]:
        out = [label.text() for label in fields.labels.values()]
        out += [w.accessibleName() for w in fields.widgets.values()]
        for key in ("desk", "partner", "need"):
            out.append(fields.widgets[key].itemText(0))
        status = fields.status
        out += [status.itemText(i) for i in range(status.count())]
        return out

    dutch = texts()
    language("en")
    fields.retranslate()
    english = texts()
    assert english[:6] == ["&From", "&To", "&Desk", "&Partner", "&Need", "&Status"]
    assert "All partners" in english and "Every status" in english
    assert fields.status.currentText() == "Declined"
    assert english != dutch
    # data (desk, partner and need names) is not translated
    assert [fields.desk.itemText(i) for i in range(1, fields.desk.count())] == [
        label for _code, label in exports.filter_choices(ctx).desks
    ]
    language("nl")
    fields.retranslate()
    assert texts() == dutch
    assert dutch[:6] == ["&Van", "&Tot en met", "&Loket", "&Partner", "&Hulpvraag", "&Status"]


def test_subset_names_mnemonics_and_layouts(qtbot, db, language):
    _parent, overview = _row(qtbot, db, keys=("from", "to", "desk"), prefix="overview")
    overview.fill(desks=[("ZWL", "Zwolle")])
    overview.retranslate()
    assert set(overview.widgets) == {"from", "to", "desk"}
    assert overview.partner is None and overview.need is None and overview.status is None
    assert [w.objectName() for w in overview.widgets.values()] == [
        "overviewFrom",
        "overviewTo",
        "overviewDesk",
    ]
    assert overview.desk.property("i18n_data") is True
    overview.desk.setCurrentIndex(1)
    assert overview.values() == {
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
        "desk_code": "ZWL",
        "partner": None,
        "need": None,
        "status": None,
    }
    form = QFormLayout()
    overview.add_to_form(form)
    assert form.rowCount() == 3
    assert form.labelForField(overview.desk) is overview.labels["desk"]

    _parent, log = _row(qtbot, db, prefix="log", min_chars=14, status_mnemonic_a=True)
    log.retranslate()
    assert log.labels["status"].text() == "St&atus"
    assert log.status.minimumContentsLength() == 14
    assert log.status.objectName() == "logStatus"
    # without choices (no export permission) only the "All …" items, not marked as data
    assert log.desk.count() == 1 and log.desk.property("i18n_data") is None
    grid = QGridLayout()
    log.add_to_grid(grid)
    for i, key in enumerate(KEYS):
        row, col = divmod(i, 2)
        assert grid.itemAtPosition(row, col * 2).widget() is log.labels[key]
        assert grid.itemAtPosition(row, col * 2 + 1).widget() is log.widgets[key]
        assert log.labels[key].buddy() is log.widgets[key]
