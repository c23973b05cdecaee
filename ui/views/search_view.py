"""The start screen: find a visitor while typing, open one with Enter, or register a new one.

The search runs a short moment after the last keystroke (a pause, not a timer per key), on
the main thread: the core search is bounded and answers within a frame even on a million
visitors.  Down arrow moves from the field into the results; Enter opens the selected row
(or the first one when the focus is still in the field).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from loket.counter.textfold import digits
from loket.errors import LoketError
from loket.i18n import _, ngettext
from ui import theme
from ui.models.counter_models import SearchResultsModel
from ui.views.base import View, plain_label, select_row

DEBOUNCE_MS = 120
# loket.counter.search.MIN_TEXT_QUERY (a test keeps them equal): the search code itself loads with
# the first search, not with the first window.
MIN_TEXT_QUERY = 2


class SearchView(View):
    name = "search"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("searchView")
        layout = QVBoxLayout(self)
        self.heading = plain_label(self)
        self.heading.setObjectName("searchHeading")
        theme.emphasise(self.heading, 1.4)
        layout.addWidget(self.heading)
        row = QHBoxLayout()
        self.field_label = plain_label(self)
        self.field = QLineEdit(self)
        self.field.setObjectName("searchField")
        self.field.setClearButtonEnabled(True)
        self.field_label.setBuddy(self.field)
        row.addWidget(self.field_label)
        row.addWidget(self.field, 1)
        self.register_button = QPushButton(self)
        self.register_button.setObjectName("registerButton")
        row.addWidget(self.register_button)
        self.drafts_button = QPushButton(self)
        self.drafts_button.setObjectName("continueDraft")
        self.drafts_button.hide()
        row.addWidget(self.drafts_button)
        layout.addLayout(row)
        self.status = plain_label(self)
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model = SearchResultsModel(ctx, self)
        self.table = QTableView(self)
        self.table.setObjectName("searchResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        # room for a result whatever sits below (other desks' visitors, at 200 % text)
        rows = self.table.verticalHeader().defaultSectionSize()
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height() + rows + frame
        )
        layout.addWidget(self.table, 1)
        self._layout = layout
        self.elsewhere = None  # visitors of other PCs and desks: made with the first search
        self._on_its_own = False
        self.keys_hint = plain_label(self)
        self.keys_hint.setObjectName("searchKeys")
        self.keys_hint.setWordWrap(True)
        layout.addWidget(self.keys_hint)
        self.setTabOrder(self.field, self.register_button)
        self.setTabOrder(self.register_button, self.drafts_button)
        self.setTabOrder(self.drafts_button, self.table)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.field.returnPressed.connect(self._enter_in_field)
        self.field.installEventFilter(self)
        self.register_button.clicked.connect(self.register_new)
        self.drafts_button.clicked.connect(self.continue_draft)
        self.retranslate_ui()

    # -- View -----------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Find a visitor")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Find a visitor"))
        self.field_label.setText(_("&Search"))
        self.field.setPlaceholderText(_("Name, V-number, BSN, date of birth or phone"))
        self.field.setAccessibleName(_("Search visitors"))
        self.field.setAccessibleDescription(
            _("Type a name in any script, a V-number, BSN, date of birth or phone number.")
        )
        self.register_button.setText(_("&New visitor (Ctrl+N)"))
        self.register_button.setAccessibleName(_("Register a new visitor"))
        self.table.setAccessibleName(_("Search results"))
        self._show_drafts()
        self.keys_hint.setText(
            _(
                "Keys: Down arrow to the results · Enter opens · Ctrl+N new visitor · Ctrl+T "
                "today at this desk · Esc back · Ctrl+L lock"
            )
        )
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        self._show_status()
        if getattr(self, "elsewhere", None) is not None:
            self.elsewhere.retranslate_ui()

    def open(self, **kwargs) -> None:
        if kwargs.get("query") is not None:
            self.field.setText(kwargs["query"])
        elif self.model.query:
            self.run_search()  # a visitor may have changed while we were away
        self._show_drafts()
        self.field.setFocus()
        self.field.selectAll()

    # -- unsaved forms ----------------------------------------------------------------------------
    def _own_drafts(self) -> list:
        if self.ctx.user is None:  # nobody signed in: no drafts, and no need to load the code
            return []
        from loket.counter import drafts
        from ui.views.form_support import VIEW_FOR_KIND

        return [d for d in drafts.list_drafts(self.ctx) if d.kind in VIEW_FOR_KIND]

    def _show_drafts(self) -> None:
        """Forms kept as drafts (Esc on an unsaved form, or after a crash) stay reachable."""
        n = len(self._own_drafts())
        self.drafts_button.setVisible(n > 0)
        text = ngettext("&Continue unsaved form ({n})", "&Continue unsaved forms ({n})", n)
        self.drafts_button.setText(text.format(n=n))
        self.drafts_button.setAccessibleName(
            ngettext(
                "Continue {n} unsaved form", "Continue the latest of {n} unsaved forms", n
            ).format(n=n)
        )

    def continue_draft(self) -> None:
        from ui.views.form_support import VIEW_FOR_KIND

        found = self._own_drafts()
        window = self.main_window()
        if found and window is not None:
            try:
                window.show_view(VIEW_FOR_KIND[found[0].kind], draft_id=found[0].id)
            except LoketError as err:
                self.status.setText(str(err))

    # -- searching --------------------------------------------------------------------------------
    def run_search(self) -> None:
        self._timer.stop()
        try:
            self.model.set_query(self.field.text())
        except LoketError as err:
            self.model.clear()
            self.status.setText(str(err))
            return
        if self.model.rowCount():
            select_row(self.table, 0)
        self._show_status()
        self._search_elsewhere()

    def _search_elsewhere(self) -> None:
        """On an enrolled PC, ask the hub too (on the worker thread)."""
        if self.elsewhere is None:
            if self._on_its_own:
                return
            from loket.sync.status import read_status

            if not read_status(self.ctx.db).enrolled:
                self._on_its_own = True  # a PC on its own: the search never asks a hub
                return
            from ui.views.elsewhere_box import ElsewhereBox

            self.elsewhere = ElsewhereBox(self)
            self._layout.insertWidget(self._layout.indexOf(self.table) + 1, self.elsewhere)
        self.elsewhere.search(self.field.text())

    def _show_status(self) -> None:
        text = self.field.text().strip()
        n = self.model.rowCount()
        if not text:
            msg = _("Type a name, V-number, BSN, date of birth or phone number.")
        elif n == 0 and len(text) < MIN_TEXT_QUERY and not digits(text):
            msg = _("Type at least two letters.")
        elif n == 0:
            msg = _("No visitor found. Press Ctrl+N to register a new visitor.")
        elif self.model.variants_only():
            # No "register" suggestion: one of these may well be the visitor.
            msg = ngettext(
                "No exact match, but {n} visitor with a similar name. Check the date of birth"
                " and V-number before registering anyone new.",
                "No exact match, but {n} visitors with a similar name. Check the date of birth"
                " and V-number before registering anyone new.",
                n,
            ).format(n=n)
        else:
            msg = ngettext(
                "{n} visitor found. Press Enter to open.",
                "{n} visitors found. Press Enter to open the selected one.",
                n,
            ).format(n=n)
        self.status.setText(msg)
        self.status.setAccessibleName(msg)

    def _enter_in_field(self) -> None:
        if self._timer.isActive():
            self.run_search()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_row(rows[0].row())
        elif self.model.rowCount():
            self.open_row(0)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.field and self._is_ctrl_n(event):
            # Ctrl+N from the search field registers with what was typed already in the form.
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
            else:
                self.register_new()
            return True
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                if self._timer.isActive():
                    self.run_search()
                self.table.setFocus()
                select_row(self.table, 0)
                return True
        return super().eventFilter(obj, event)

    @staticmethod
    def _is_ctrl_n(event) -> bool:
        return (
            event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and event.key() == Qt.Key.Key_N
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
        )

    # -- actions ----------------------------------------------------------------------------------
    def open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            window = self.main_window()
            if window is not None:
                window.show_view("visitor", visitor_id=self.model.item(row).visitor_id)

    def register_new(self) -> None:
        window = self.main_window()
        if window is not None:
            window.show_view("register", prefill=prefill_from_query(self.field.text()))


def prefill_from_query(query: str) -> dict:
    """What the search box already says, put in the registration form's fields."""
    text = query.strip()
    if not text:
        return {}
    from loket.counter import search

    iso = search.as_iso_date(text)
    if iso is not None:
        return {"date_of_birth": text}
    num = digits(text)
    if num and len(num) == len(text.replace(" ", "").replace(".", "")):
        if len(num) == 10:
            return {"v_number": num}
        if len(num) in (8, 9):
            return {"bsn": num}
        return {}
    words = text.split()
    if len(words) == 1:
        return {"family_name": words[0]}
    return {"given_names": " ".join(words[:-1]), "family_name": words[-1]}
