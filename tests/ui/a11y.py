"""Walking every view of the main window, for the accessibility and translation tests.

`open_every_view()` builds a MainWindow for a signed-in beheerder (who sees everything),
creates one visitor with one visit so that views about a visitor have something to show,
and opens each view in `VIEWS` with the arguments its `open()` asks for.  The checks return
lists of readable offenders ("view: objectName (Class): problem") so that one test run
names every widget that needs fixing, not only the first.
"""

from __future__ import annotations

import inspect
import itertools
import re

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QTabBar,
    QTableView,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QWidget,
)

from tests import helpers
from ui.main_window import VIEWS, MainWindow
from ui.theme import prop

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
    QAbstractSlider,
)
# Parts that Qt builds inside a composite widget and names itself.
_COMPOSITES = (
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QCalendarWidget,
    QTabBar,
    QScrollBar,
    QHeaderView,
)
_TAGS = re.compile(r"<[^>]+>")
_LETTER = re.compile(r"[^\W\d_]")


def sample_arguments(ctx) -> dict:
    """Values for the keyword arguments that views' open() commonly takes."""
    person = helpers.visitor(ctx)
    visit = helpers.visit(ctx, person.id)
    # something left to decide about this visitor, so the views that show it have content:
    # a second file with the same V-nummer (a merge task) and a field two PCs changed
    helpers.visitor(ctx, given_names="Ayse", family_name="Yilmaz", phone="0612345678")
    from loket.counter import merge
    from tests.sync.support import conflict

    merge.scan(ctx)
    conflict(
        ctx.db,
        "visitor",
        person.id,
        "phone",
        base=None,
        hub="+31687654321",
        incoming="+31611111111",
        desk_id=ctx.desk.id,
    )
    return {"visitor_id": person.id, "visit_id": visit.id, "visitor": person, "visit": visit}


# A counter PC's screen is 1366×768; a maximised window loses a title bar and a task bar.
COUNTER_WINDOW = (1366, 700)


def make_window(qtbot, db, *, size=COUNTER_WINDOW) -> tuple[MainWindow, dict]:
    ctx = helpers.context(db, role="beheerder")
    args = sample_arguments(ctx)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    return window, args


def open_view(
    window: MainWindow, name: str, args: dict, size: tuple[int, int] = COUNTER_WINDOW
) -> tuple[QWidget | None, str]:
    """Show view `name`; returns (view, "") or (None, the reason it could not be opened)."""
    try:
        view = window.view(name)
        params = inspect.signature(view.open).parameters
        kwargs = {k: v for k, v in args.items() if k in params}
        window.stack.setCurrentWidget(view)
        view.open(**kwargs)
    except Exception as err:  # a view that cannot open is itself an offender
        return None, f"{name}: cannot be opened ({type(err).__name__}: {err})"
    QApplication.processEvents()
    window.resize(*size)  # a view shown before may have grown the window
    QApplication.processEvents()
    return view, ""


def describe(view_name: str, widget: QWidget) -> str:
    name = widget.objectName() or "<no objectName>"
    return f"{view_name}: {name} ({type(widget).__name__})"


def is_internal(widget: QWidget, root: QWidget) -> bool:
    """True for the pieces Qt builds inside composite widgets (spin box editor, scroll bars)."""
    if widget.objectName().startswith("qt_"):
        return True
    if widget.metaObject().className() == "QTableCornerButton":
        return True
    if isinstance(widget, (QScrollBar, QHeaderView, QTabBar)):
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, _COMPOSITES):
            return True
        parent = parent.parentWidget()
    return False


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Inputs, buttons and lists, and anything else the Tab key stops at (a scroll area)."""
    return [
        w
        for w in root.findChildren(QWidget)
        if (isinstance(w, INTERACTIVE) or w.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and not is_internal(w, root)
    ]


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader announces (Qt's own accessibility interface)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name).strip() if iface is not None else ""


def name_problems(view_name: str, root: QWidget) -> list[str]:
    out = []
    for w in interactive_widgets(root):
        if not accessible_name(w):
            out.append(f"{describe(view_name, w)}: no accessible name")
        if isinstance(w, QAbstractButton) and not w.text().strip():
            if not w.toolTip().strip():
                out.append(f"{describe(view_name, w)}: icon-only button without tooltip")
    return out


def focus_problems(view_name: str, root: QWidget) -> list[str]:
    out = []
    for w in interactive_widgets(root):
        if isinstance(w, QAbstractSlider):
            continue
        if not w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            out.append(f"{describe(view_name, w)}: cannot be reached with the Tab key")
    return out


def size_problems(
    view_name: str, root: QWidget, window: QWidget, limit: tuple[int, int] = COUNTER_WINDOW
) -> list[str]:
    """Visible widgets squeezed below their minimum size hint (clipped or overlapping text),
    and views that need a window bigger than `limit` (they belong in a scroll area)."""
    out = []
    # the stack of views is as big as its biggest page: measure this view on its own
    need = root.minimumSizeHint().expandedTo(root.minimumSize())
    stack = root.parentWidget()
    chrome_w = window.width() - (stack.width() if stack is not None else window.width())
    chrome_h = window.height() - (stack.height() if stack is not None else window.height())
    need_w, need_h = need.width() + chrome_w, need.height() + chrome_h
    if need_w > limit[0] or need_h > limit[1]:
        widest = max(
            (w for w in root.findChildren(QWidget) if w.isVisibleTo(window)),
            key=lambda w: w.minimumSizeHint().width(),
            default=root,
        )
        out.append(
            f"{view_name}: needs a window of {need_w}×{need_h} px, more than "
            f"{limit[0]}×{limit[1]} (use a scroll area or let text wrap); widest part: "
            f"{describe(view_name, widest)} {widest.minimumSizeHint().width()} px"
        )
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(window) or is_internal(w, root):
            continue
        hint = w.minimumSizeHint()
        if not hint.isValid():
            continue
        minimum = w.minimumSize()
        want_w = max(hint.width(), minimum.width())
        want_h = max(hint.height(), minimum.height())
        if isinstance(w, QLabel) and w.wordWrap() and w.hasHeightForWidth():
            want_h = max(want_h, w.heightForWidth(w.width()))
            want_w = min(want_w, w.width())
        if w.width() + 1 < want_w or w.height() + 1 < want_h:
            out.append(
                f"{describe(view_name, w)}: {w.width()}×{w.height()} px, needs {want_w}×{want_h}"
            )
    return out


def _marked(widget: QWidget, root: QWidget) -> bool:
    """Widgets that show data (names, dates, autonyms) are exempt: property i18n_data."""
    w: QWidget | None = widget
    while w is not None:
        if prop(w, "i18n_data"):
            return True
        if w is root:
            break
        w = w.parentWidget()
    return False


def _qt_standard_button(widget: QWidget) -> bool:
    """A standard button of a button box: Qt's own catalogue (qtbase_<lang>) translates it."""
    box = widget.parentWidget()
    return (
        isinstance(box, QDialogButtonBox)
        and isinstance(widget, QPushButton)
        and box.standardButton(widget) != QDialogButtonBox.StandardButton.NoButton
    )


def visible_strings(root: QWidget) -> list[tuple[QWidget, str, str]]:
    """(widget, where, text) for every user-visible string that should be translated."""
    out: list[tuple[QWidget, str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        if is_internal(w, root) or _marked(w, root) or _qt_standard_button(w):
            continue
        pieces = [
            ("toolTip", w.toolTip()),
            ("accessibleName", w.accessibleName()),
            ("accessibleDescription", w.accessibleDescription()),
        ]
        if isinstance(w, QLabel):
            pieces.append(("text", w.text()))
        elif isinstance(w, QAbstractButton):
            pieces.append(("text", w.text()))
        elif isinstance(w, QGroupBox):
            pieces.append(("title", w.title()))
        elif isinstance(w, (QLineEdit, QTextEdit, QPlainTextEdit)):
            pieces.append(("placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox):
            pieces += [(f"item {i}", w.itemText(i)) for i in range(w.count())]
            if w.isEditable() and w.lineEdit() is not None:
                pieces.append(("placeholder", w.lineEdit().placeholderText()))
        elif isinstance(w, QTabWidget):
            pieces += [(f"tab {i}", w.tabText(i)) for i in range(w.count())]
        header = (
            w.horizontalHeader()
            if isinstance(w, QTableView)
            else w.header()
            if isinstance(w, QTreeView)
            else None
        )
        if header is not None and w.model() is not None and not header.isHidden():
            for col in range(header.count()):
                if header.isSectionHidden(col):
                    continue
                head = w.model().headerData(
                    col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
                )
                pieces.append((f"column {col}", str(head) if head is not None else ""))
        out += [(w, where, text) for where, text in pieces if text]
    return out


def untranslated(view_name: str, root: QWidget) -> list[str]:
    """Strings shown in the pseudo-locale without its ⟦ ⟧ markers."""
    out = []
    for w, where, text in visible_strings(root):
        plain = _TAGS.sub("", text)
        if "⟦" in plain or not _LETTER.search(plain):
            continue
        out.append(f"{describe(view_name, w)} {where}: {plain[:60]!r}")
    title = root.title() if hasattr(root, "title") else ""
    if title and "⟦" not in title and not prop(root, "i18n_title_data"):
        out.append(f"{view_name}: title(): {title!r}")
    return out


def every_view() -> list[str]:
    return list(VIEWS)


def _dialogs() -> dict:
    """Dialogs outside the view stack, each built the way the app builds it."""

    def login(ctx, args):
        from ui.views.login_dialog import LoginDialog

        return LoginDialog(ctx)

    def first_run(ctx, args):
        from ui.views.first_run_dialog import FirstRunDialog

        return FirstRunDialog(ctx)

    def export(ctx, args):
        from ui.views.export_dialog import ExportDialog

        return ExportDialog(ctx)

    def visitor_rights(ctx, args):
        from ui.views.visitor_rights_dialog import VisitorRightsDialog

        return VisitorRightsDialog(ctx, args["visitor_id"])

    def service_edit(ctx, args):
        from ui.views.service_edit_dialog import ServiceEditDialog

        return ServiceEditDialog(ctx, None, {})

    def lock_screen(ctx, args):
        from ui.lock import LockController, LockScreen

        window = args["window"]
        controller = LockController(window, ctx, minutes=60)
        window._a11y_lock = controller  # kept alive as long as the window
        return LockScreen(controller, None)

    return {
        "login": login,
        "first_run": first_run,
        "export": export,
        "visitor_rights": visitor_rights,
        "service_edit": service_edit,
        "lock_screen": lock_screen,
    }


DIALOGS = _dialogs()


def open_dialog(qtbot, window: MainWindow, name: str, args: dict):
    """Build and show dialog `name` (not modal); returns (dialog, "") or (None, reason)."""
    try:
        dialog = DIALOGS[name](window.ctx, {**args, "window": window})
    except Exception as err:
        return None, f"{name}: cannot be built ({type(err).__name__}: {err})"
    qtbot.addWidget(dialog)
    if hasattr(dialog, "setModal"):
        dialog.setModal(False)
    dialog.show()
    # the offscreen screen is small (800×600) and would squeeze the dialog: size it as on a
    # counter PC's screen, where it gets its full size hint
    dialog.resize(dialog.sizeHint().expandedTo(dialog.minimumSizeHint()))
    QApplication.processEvents()
    return dialog, ""


def focus_chain(root: QWidget) -> list[QWidget]:
    """The widgets of `root` in Tab order (Qt's focus chain), as the keyboard reaches them."""
    chain: list[QWidget] = []
    start = root
    w = root.nextInFocusChain()
    while w is not None and w is not start and len(chain) < 2000:
        if (
            root.isAncestorOf(w)
            and w.isVisibleTo(root.window())
            and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not is_internal(w, root)
        ):
            chain.append(w)
        w = w.nextInFocusChain()
    return chain


def _rect(w: QWidget, window: QWidget) -> QRect:
    """Where `w` is on screen.  A widget scrolled out of a scroll area's viewport is where
    the viewport shows it once Tab scrolls it in: at the viewport's near edge, not below
    (or above) the buttons that stay under the scroll area."""
    rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
    parent = w.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            port = parent.viewport()
            view = QRect(port.mapTo(window, QPoint(0, 0)), port.size())
            height = min(rect.height(), view.height())
            top = min(max(rect.top(), view.top()), view.bottom() - height)
            rect = QRect(rect.left(), top, rect.width(), height)
        parent = parent.parentWidget()
    return rect


def tab_order_problems(view_name: str, root: QWidget, window: QWidget) -> list[str]:
    """Tab steps that go against the reading order: back up within a column, or backwards
    within a row (leftwards in Dutch and English, rightwards in Arabic)."""
    out = []
    rtl = root.isRightToLeft()
    chain = focus_chain(root)
    for a, b in itertools.pairwise(chain):
        ra, rb = _rect(a, window), _rect(b, window)
        same_column = ra.left() < rb.right() and rb.left() < ra.right()
        same_row = ra.top() < rb.bottom() and rb.top() < ra.bottom()
        if same_column and rb.bottom() <= ra.top():
            out.append(f"{describe(view_name, a)} → {describe(view_name, b)}: Tab goes back up")
        elif same_row and not same_column:
            backwards = rb.right() <= ra.left() if not rtl else rb.left() >= ra.right()
            if backwards:
                where = "right" if rtl else "left"
                out.append(
                    f"{describe(view_name, a)} → {describe(view_name, b)}: Tab goes {where}, "
                    "against the reading direction"
                )
    return out


def focus_visibility_problems(view_name: str, root: QWidget, window: QWidget) -> list[str]:
    """Widgets that look the same with and without keyboard focus (WCAG 2.4.7)."""
    out = []
    window.activateWindow()
    for w in focus_chain(root):
        if isinstance(w, QAbstractSlider):
            continue
        w.clearFocus()
        QApplication.processEvents()
        before = w.grab().toImage()
        w.setFocus(Qt.FocusReason.TabFocusReason)
        # what a Tab key press sets: styles draw the focus frame only after keyboard use
        w.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        QApplication.processEvents()
        if not w.hasFocus():
            continue  # e.g. the window is not active on this platform: nothing to compare
        after = w.grab().toImage()
        w.clearFocus()
        if before == after:
            out.append(f"{describe(view_name, w)}: looks the same with keyboard focus")
    return out


def _colour(value) -> QColor | None:
    if isinstance(value, QBrush):
        return value.color() if value.style() != Qt.BrushStyle.NoBrush else None
    if isinstance(value, QColor):
        return value
    return None


def colour_problems(view_name: str, root: QWidget, window: QWidget) -> list[str]:
    """Meaning carried by colour alone (a coloured chip or cell without text), and text
    colours that table models set themselves below 4.5:1 against their background."""
    from ui import theme

    out = []
    base = QColor(theme.current().colours["base"])
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(window) or is_internal(w, root):
            continue
        sheet = w.styleSheet()
        if isinstance(w, QLabel) and "background" in sheet and not w.text().strip():
            if not w.pixmap() or w.pixmap().isNull():
                out.append(f"{describe(view_name, w)}: a coloured mark without text")
        if not isinstance(w, QAbstractItemView) or w.model() is None:
            continue
        model = w.model()
        rows = min(model.rowCount(), 50)
        cols = w.horizontalHeader().count() if isinstance(w, QTableView) else 1
        for row in range(rows):
            for col in range(cols):
                index = model.index(row, col)
                text = model.data(index, Qt.ItemDataRole.DisplayRole)
                fg = _colour(model.data(index, Qt.ItemDataRole.ForegroundRole))
                bg = _colour(model.data(index, Qt.ItemDataRole.BackgroundRole))
                if (fg or bg) and not str(text or "").strip():
                    out.append(f"{describe(view_name, w)} row {row} col {col}: coloured, no text")
                if fg is not None:
                    ratio = theme.contrast_ratio(fg, bg or base)
                    if ratio < 4.5:
                        out.append(
                            f"{describe(view_name, w)} row {row} col {col}: text colour "
                            f"{fg.name()} on {(bg or base).name()} is {ratio:.2f}:1"
                        )
    return out
