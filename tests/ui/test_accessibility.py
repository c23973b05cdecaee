"""Accessibility (EN 301 549 / WCAG 2.1 AA) and translation checks over every view.

Each test walks all views of `VIEWS` (as a beheerder, who sees everything) and reports every
offender by view and objectName in one failure message, so that one run lists all fixes.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt
from PySide6.QtWidgets import QApplication, QWidget

from loket import i18n
from loket.i18n import tools as i18n_tools
from tests.ui import a11y
from ui import i18n_qt, theme


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    i18n_tools.compile_all()


@pytest.fixture
def ui_state(qapp):
    """Restore language, palette, style sheet and font after a test changes them."""
    language = i18n.language()
    # windows of earlier tests are closed but maybe not yet deleted: delete them now, so
    # that a language switch here does not re-translate them over a closed database
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    palette, font, sheet = qapp.palette(), qapp.font(), qapp.styleSheet()
    i18n_qt.install()
    yield qapp
    i18n.set_language(language)
    theme.apply(qapp, scale=100)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _walk(qtbot, db, check, *, size=a11y.COUNTER_WINDOW) -> list[str]:
    window, args = a11y.make_window(qtbot, db, size=size)
    offenders: list[str] = []
    for name in a11y.every_view():
        view, problem = a11y.open_view(window, name, args)
        if view is None:
            offenders.append(problem)
            continue
        offenders += check(name, view, window)
    for name in a11y.DIALOGS:
        dialog, problem = a11y.open_dialog(qtbot, window, name, args)
        if dialog is None:
            offenders.append(problem)
            continue
        offenders += check(name, dialog, dialog)
        dialog.close()
    return offenders


def _report(offenders: list[str], what: str) -> str:
    return f"{len(offenders)} {what}:\n  " + "\n  ".join(offenders)


def test_every_interactive_widget_has_an_accessible_name(qtbot, db, ui_state):
    i18n.set_language("nl")
    offenders = _walk(qtbot, db, lambda name, view, _w: a11y.name_problems(name, view))
    assert not offenders, _report(offenders, "widgets without a name")


def test_every_interactive_widget_takes_keyboard_focus(qtbot, db, ui_state):
    offenders = _walk(qtbot, db, lambda name, view, _w: a11y.focus_problems(name, view))
    assert not offenders, _report(offenders, "widgets out of reach of the keyboard")


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_tab_order_follows_the_reading_order(qtbot, db, ui_state, language):
    i18n.set_language(language)
    offenders = _walk(qtbot, db, a11y.tab_order_problems)
    assert not offenders, _report(offenders, f"Tab steps against the reading order ({language})")


@pytest.mark.parametrize("high_contrast", [False, True])
def test_keyboard_focus_is_visible(qtbot, db, ui_state, high_contrast):
    theme.apply(ui_state, high_contrast=high_contrast)
    offenders = _walk(qtbot, db, a11y.focus_visibility_problems)
    assert not offenders, _report(offenders, "widgets whose focus cannot be seen")


@pytest.mark.parametrize("which", sorted(theme.THEMES))
def test_text_colours_of_the_theme_have_contrast(which):
    t = theme.THEMES[which]
    low = [
        f"{fg} on {bg}: {theme.contrast_ratio(t.colours[fg], t.colours[bg]):.2f}"
        for fg, bg in theme.TEXT_PAIRS
        if theme.contrast_ratio(t.colours[fg], t.colours[bg]) < 4.5
    ]
    low += [
        f"chip {kind}: {theme.contrast_ratio(fg, bg):.2f}"
        for kind, (fg, bg) in t.chips.items()
        if theme.contrast_ratio(fg, bg) < 4.5
    ]
    low += [
        f"{kind} text on {bg}: {theme.contrast_ratio(fg, t.colours[bg]):.2f}"
        for kind, fg in t.text.items()
        for bg in ("window", "base", "alternate_base")
        if theme.contrast_ratio(fg, t.colours[bg]) < 4.5
    ]
    assert not low, _report(low, f"colour pairs below 4.5:1 in {which}")
    # ... and the palette the app gets is made of exactly these colours
    pal = theme.palette(t)
    for name, role in theme._ROLES.items():
        assert pal.color(role).name() == t.colours[name], name


def test_contrast_formula_matches_wcag():
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


_COLOUR = re.compile(r"(?<![-\w])(color|background(?:-color)?)\s*:\s*(#[0-9a-fA-F]{3,6})")


def _sheet_problems(name: str, view: QWidget, _window) -> list[str]:
    """Colours that widgets set in their own style sheets, against the theme's background."""
    out = []
    for w in [view, *view.findChildren(QWidget)]:
        found = dict((k.split("-")[0], v) for k, v in _COLOUR.findall(w.styleSheet()))
        if "color" not in found:
            continue
        background = found.get("background", theme.current().colours["window"])
        ratio = theme.contrast_ratio(found["color"], background)
        if ratio < 4.5:
            out.append(
                f"{a11y.describe(name, w)}: {found['color']} on {background} "
                f"is {ratio:.2f}:1 in the {theme.current().name} theme"
            )
    return out


@pytest.mark.parametrize("high_contrast", [False, True])
def test_style_sheet_colours_keep_contrast(qtbot, db, ui_state, high_contrast):
    theme.apply(ui_state, high_contrast=high_contrast)
    offenders = _walk(qtbot, db, _sheet_problems)
    assert not offenders, _report(offenders, "text colours below 4.5:1")


@pytest.mark.parametrize("high_contrast", [False, True])
def test_no_meaning_by_colour_alone(qtbot, db, ui_state, high_contrast):
    theme.apply(ui_state, high_contrast=high_contrast)
    offenders = _walk(qtbot, db, a11y.colour_problems)
    assert not offenders, _report(offenders, "colours without text or below 4.5:1")


def test_every_view_survives_double_text_size(qtbot, db, ui_state):
    theme.apply(ui_state, scale=200)
    assert QApplication.font().pointSizeF() == pytest.approx(2 * theme._base_point_size)
    offenders = _walk(qtbot, db, lambda name, view, window: a11y.size_problems(name, view, window))
    assert not offenders, _report(offenders, "clipped widgets at 200 % text size")


def test_every_string_is_translated_and_retranslated(qtbot, db, ui_state):
    """Open every view in Dutch, switch to the pseudo-locale: every string must follow."""
    i18n.set_language("nl")
    window, args = a11y.make_window(qtbot, db)
    offenders = []
    views = {}
    for name in a11y.every_view():
        view, problem = a11y.open_view(window, name, args)
        if view is None:
            offenders.append(problem)
        else:
            views[name] = view
    i18n.set_language(i18n.PSEUDO)
    for name, view in views.items():
        offenders += a11y.untranslated(name, view)
    for name in a11y.DIALOGS:  # dialogs are short-lived: built in the language of the moment
        dialog, problem = a11y.open_dialog(qtbot, window, name, args)
        offenders += a11y.untranslated(name, dialog) if dialog is not None else [problem]
    window.show_view("preferences")
    assert "⟦" in window.windowTitle()
    assert not offenders, _report(offenders, "strings not translated (no ⟦ ⟧ markers)")


def test_arabic_turns_the_layout_right_to_left_and_back(qtbot, db, ui_state):
    i18n.set_language("nl")
    window, _args = a11y.make_window(qtbot, db)
    dutch_banner = window.demo_banner.text()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"

    i18n.set_language("ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.isRightToLeft()
    assert window.stack.currentWidget().isRightToLeft()
    assert QLocale().language() == QLocale.Language.Arabic
    assert QLocale().toString(1234567) == "1,234,567"  # Western digits, as elsewhere
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") != "Cancel"
    assert window.demo_banner.text() != dutch_banner
    assert re.search("[\u0600-\u06ff]", window.demo_banner.text())

    i18n.set_language("nl")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert not window.isRightToLeft()
    assert QLocale().language() == QLocale.Language.Dutch
    assert window.demo_banner.text() == dutch_banner


def test_lists_sort_the_way_the_language_does(ui_state):
    i18n.set_language("nl")
    names = ["Zoë", "apple", "Émile", "item 10", "item 9", "Çelik", "Dirk"]
    assert i18n_qt.sort_strings(names) == [
        "apple",
        "Çelik",
        "Dirk",
        "Émile",
        "item 9",
        "item 10",
        "Zoë",
    ]
    i18n.set_language("ar")
    arabic = ["ياسين", "أحمد", "بشير", "خالد"]  # ya, alif, ba, kha
    assert i18n_qt.sort_strings(arabic) == ["أحمد", "بشير", "خالد", "ياسين"]
    rows = [{"n": "b"}, {"n": "A"}]
    assert i18n_qt.sort_strings(rows, key=lambda r: r["n"]) == [{"n": "A"}, {"n": "b"}]


def test_the_checks_find_what_they_look_for(qtbot, ui_state):
    """Each check on a small widget that breaks its rule (so the walks above can fail)."""
    from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QVBoxLayout

    theme.apply(ui_state)
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    chip = QLabel(root)
    chip.setObjectName("chip")
    chip.setStyleSheet("background: #d9f2de;")
    icon = QPushButton(root)
    icon.setObjectName("iconOnly")
    table = QTableView(root)
    table.setObjectName("table")
    table.setAccessibleName("Results")
    model = QStandardItemModel(1, 1, table)
    item = QStandardItem("late")
    item.setForeground(QColor("#ff9e9e"))
    model.setItem(0, 0, item)
    table.setModel(model)
    for w in (chip, icon, table):
        layout.addWidget(w)
    root.resize(400, 300)
    root.show()
    colour = "\n".join(a11y.colour_problems("t", root, root))
    assert "chip (QLabel): a coloured mark without text" in colour
    assert "table (QTableView) row 0 col 0: text colour #ff9e9e" in colour
    names = "\n".join(a11y.name_problems("t", root))
    assert "iconOnly (QPushButton): no accessible name" in names
    assert "icon-only button without tooltip" in names
    assert "table" not in names
    chip.setText("done")
    icon.setText("Search")
    assert not a11y.name_problems("t", root)
    assert "chip" not in "\n".join(a11y.colour_problems("t", root, root))
