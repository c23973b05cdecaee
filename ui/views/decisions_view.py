"""What sync and the duplicate check leave for people to decide, for the whole desk:
open conflicts (oldest first) and "possibly the same visitor" tasks (oldest first).

Enter on a line opens it side by side.  "Look for possible duplicates" runs the check on
the worker thread (it reads the files added since the last check).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from loket.counter import intake, merge
from loket.errors import LoketError
from loket.i18n import _, ngettext
from loket.privacy.permissions import Permission
from loket.sync import decide
from ui.models.counter_models import format_date
from ui.views.base import View, plain_label
from ui.views.conflict_view import field_label, when_text
from ui.workers import run_in_background


class DecisionsView(View):
    name = "decisions"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("decisionsView")
        self.scanning = False
        layout = QVBoxLayout(self)
        self.conflicts_box = QGroupBox(self)
        self.conflicts = QListWidget(self.conflicts_box)
        self.conflicts.setObjectName("openConflicts")
        self.conflicts.itemActivated.connect(self._open_conflict)
        QVBoxLayout(self.conflicts_box).addWidget(self.conflicts)
        layout.addWidget(self.conflicts_box, 1)
        self.tasks_box = QGroupBox(self)
        tasks_layout = QVBoxLayout(self.tasks_box)
        self.tasks = QListWidget(self.tasks_box)
        self.tasks.setObjectName("openMergeTasks")
        self.tasks.itemActivated.connect(self._open_task)
        tasks_layout.addWidget(self.tasks)
        row = QHBoxLayout()
        self.scan_button = QPushButton(self.tasks_box)
        self.scan_button.setObjectName("scanDuplicates")
        self.scan_button.clicked.connect(self.scan)
        row.addWidget(self.scan_button)
        row.addStretch(1)
        tasks_layout.addLayout(row)
        layout.addWidget(self.tasks_box, 1)
        self.message = plain_label(self)
        self.message.setObjectName("decisionsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def title(self) -> str:
        return _("To decide")

    def retranslate_ui(self) -> None:
        self.conflicts_box.setTitle(_("Changed differently on two PCs (oldest first)"))
        self.conflicts.setAccessibleName(_("Open conflicts, oldest first"))
        self.tasks_box.setTitle(_("Possibly the same visitor (oldest first)"))
        self.tasks.setAccessibleName(_("Pairs of files that may be one visitor"))
        self.scan_button.setText(_("&Look for possible duplicates"))
        self.scan_button.setAccessibleName(_("Look for files that may be the same visitor"))
        self.refresh()

    def open(self, **_kwargs) -> None:
        self.refresh()
        self.conflicts.setFocus()

    def refresh(self) -> None:
        self.conflicts.clear()
        self.tasks.clear()
        try:
            conflicts = decide.open_conflicts(self.ctx)
        except LoketError:
            conflicts = []
        for c in conflicts:
            text = _("{table} · {field} — since {when}").format(
                table=c.table_label, field=field_label(c.field), when=when_text(c.created_at)
            )
            item = QListWidgetItem(text, self.conflicts)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
        if not conflicts:
            self.conflicts.addItem(_("Nothing to decide."))
        may_merge = self.ctx.can(Permission.VISITOR_MERGE)
        self.tasks_box.setVisible(may_merge)
        tasks = merge.open_tasks(self.ctx) if may_merge else []
        for task in tasks:
            names = []
            for visitor_id in (task.visitor_a, task.visitor_b):
                try:
                    names.append(intake.get_visitor(self.ctx, visitor_id, log_view=False))
                except LoketError:
                    pass
            text = _("{names} — {reason}, since {date}").format(
                names=" / ".join(v.display_name or v.latin_name for v in names),
                reason=task.reason_text,
                date=format_date(task.created_at),
            )
            item = QListWidgetItem(text, self.tasks)
            item.setData(Qt.ItemDataRole.UserRole, task.id)
        if not tasks:
            self.tasks.addItem(_("No pairs to compare."))

    def scan(self) -> None:
        if self.scanning:
            return
        self.scanning = True
        self.scan_button.setEnabled(False)
        self.message.setText(_("Looking for possible duplicates…"))
        ctx = self.ctx
        run_in_background(lambda: merge.scan(ctx), self._scanned, self._scan_failed)

    def _scanned(self, found: int) -> None:
        self.scanning = False
        self.scan_button.setEnabled(True)
        self.message.setText(
            ngettext("{n} new pair found.", "{n} new pairs found.", found).format(n=found)
        )
        self.refresh()

    def _scan_failed(self, err: BaseException) -> None:
        self.scanning = False
        self.scan_button.setEnabled(True)
        self.message.setText(str(err) if isinstance(err, LoketError) else _("The check failed."))

    def _open_conflict(self, item: QListWidgetItem) -> None:
        conflict_id = item.data(Qt.ItemDataRole.UserRole)
        window = self.main_window()
        if window is not None and conflict_id:
            window.show_view("conflict", conflict_id=conflict_id)

    def _open_task(self, item: QListWidgetItem) -> None:
        task_id = item.data(Qt.ItemDataRole.UserRole)
        window = self.main_window()
        if window is not None and task_id:
            window.show_view("merge", task_id=task_id)
