"""Below the search results: visitors registered at other PCs or desks, found at the hub
(`loket.sync.elsewhere`), each with the desk of their latest visit.  Enter or a double
click fetches the file to this PC and opens it.  Offline it shows what this PC's keyed index
of other desks' visitors knows (where a matching file is, no name), and says so.  All hub
work runs on the worker thread, on a connection of its own."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

from loket.context import worker
from loket.errors import LoketError
from loket.i18n import _, ngettext
from ui.screen_text import isolate, shown_name
from ui.views.base import plain_label
from ui.workers import run_in_background

ASK_AFTER_MS = 500


def hit_line(hit) -> str:
    where = shown_name(hit.desk) if hit.desk else _("another PC")
    if hit.index_match is not None:  # offline, from the keyed index: no name is kept here
        from loket.counter.merge import REASONS

        known = _(REASONS[hit.index_match])
        return _("A file at {desk} — {known}").format(desk=where, known=known)
    name = isolate(f"{hit.given_names} {hit.family_name}".strip()) or _("(no name)")
    from loket.i18n.dates import format_date

    born = format_date(hit.date_of_birth) if hit.date_of_birth else "—"
    return _("{name}, born {born} — registered at {desk}").format(name=name, born=born, desk=where)


class ElsewhereBox(QWidget):
    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("elsewhereBox")
        self.hits: list = []
        self.reachable: bool | None = None
        self._generation = 0
        self.fetching = False
        self._query = ""
        # the hub is asked after a longer pause than the PC's own search (a connection each)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ASK_AFTER_MS)
        self._timer.timeout.connect(self._ask)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label(self)
        self.label.setObjectName("elsewhereLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.list = QListWidget(self)
        self.list.setObjectName("elsewhereList")
        # as tall as its lines (a few), not half the screen
        self.list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        lines = self.list.fontMetrics().lineSpacing()
        self.list.setMaximumHeight(3 * lines + 4 * self.list.frameWidth() + lines // 2)
        self.list.itemActivated.connect(lambda item: self.open_hit(self.list.row(item)))
        layout.addWidget(self.list)
        self.list.hide()
        self.hide()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.list.setAccessibleName(_("Visitors registered elsewhere"))
        self._show()

    def search(self, query: str) -> None:
        self._generation += 1
        self._query = query
        if not query.strip():
            self._timer.stop()
            self._found(self._generation, None)
            return
        self._timer.start()

    def _ask(self) -> None:
        generation, ctx, query = self._generation, self.view.ctx, self._query

        def work():
            from loket.sync import elsewhere

            with worker(ctx) as own:
                return elsewhere.search(own, query)

        run_in_background(work, lambda found: self._found(generation, found), self._failed)

    def _found(self, generation: int, found) -> None:
        if generation != self._generation:
            return  # an older query's answer
        self.hits = list(found.hits) if found is not None else []
        self.reachable = found.reachable if found is not None else None
        self.list.clear()
        for hit in self.hits:
            item = QListWidgetItem(hit_line(hit))
            item.setData(Qt.ItemDataRole.UserRole, hit.visitor_id)
            self.list.addItem(item)
        self._show()

    def _failed(self, err: BaseException) -> None:
        self.label.setText(str(err) if isinstance(err, LoketError) else _("That did not work."))
        self.setVisible(True)

    def _show(self) -> None:
        if self.reachable is False and self.hits:
            text = ngettext(
                "No connection: {n} exact match at another desk (opens once connected).",
                "No connection: {n} exact matches at other desks (open once connected).",
                len(self.hits),
            ).format(n=len(self.hits))
        elif self.reachable is False:
            text = _(
                "The hub cannot be reached: only the visitors this PC holds are found, and"
                " other desks' visitors by an exact V-number, BSN, or name with date of birth."
            )
        elif self.hits:
            text = ngettext(
                "{n} visitor registered at another PC or desk (from the hub). Enter opens.",
                "{n} visitors registered at other PCs or desks (from the hub). Enter opens.",
                len(self.hits),
            ).format(n=len(self.hits))
        else:
            text = ""
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.list.setVisible(bool(self.hits))
        self.setVisible(bool(text))

    def open_hit(self, row: int) -> None:
        if not 0 <= row < len(self.hits) or self.fetching:
            return
        self.fetching = True
        hit, ctx = self.hits[row], self.view.ctx
        self.label.setText(_("Fetching the file from the hub…"))

        def work():
            from loket.sync import elsewhere

            with worker(ctx) as own:
                return elsewhere.fetch(own, hit.visitor_id).id

        run_in_background(work, self._fetched, self._fetch_failed)

    def _fetched(self, visitor_id: str) -> None:
        self.fetching = False
        window = self.view.main_window()
        if window is not None:
            window.show_view("visitor", visitor_id=visitor_id)

    def _fetch_failed(self, err: BaseException) -> None:
        self.fetching = False
        self._failed(err)
