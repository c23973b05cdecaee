"""The partner directory: everyone searches and reads it; supervisors and administrators
edit it.  An entry nobody checked for twelve months says so in words (never by colour
alone), next to the details, so staff know to double-check before sending someone there.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from loket.context import Context
from loket.directory import browse as directory
from loket.directory.browse import ServiceDetail
from loket.directory.routing import language_name
from loket.directory.schedule import format_days
from loket.errors import NotFound
from loket.i18n import _, ngettext
from loket.privacy.permissions import Permission
from ui import i18n_qt
from ui.models.directory_model import DirectoryModel
from ui.theme import chip_style
from ui.views.base import View, plain_label, select_row
from ui.views.partner_import_dialog import PartnerImportDialog, PastImportsDialog
from ui.views.service_edit_dialog import ServiceEditDialog


def detail_html(detail: ServiceDetail, need_labels: dict[str, str]) -> str:
    e = html.escape
    parts = [f"<h2>{e(detail.name)}</h2><p><b>{e(detail.organization_name)}</b></p>"]
    if detail.stale:
        parts.append(
            "<p><b>"
            + e(_("Not checked for 12 months: check the details before you refer."))
            + "</b></p>"
        )
    if detail.to_verify:
        parts.append("<p><b>" + e(_("Contact details to verify.")) + "</b></p>")
    if detail.description:
        parts.append(f"<p>{e(detail.description)}</p>")
    rows = [
        (_("Helps with"), ", ".join(need_labels.get(n, n) for n in detail.needs)),
        (_("Languages"), ", ".join(language_name(c) for c in detail.languages)),
        (_("Interpreter"), detail.interpretation_services or ""),
        (_("Who can come"), detail.eligibility_description or ""),
        (_("Documents to bring"), ", ".join(detail.required_documents)),
        (_("Costs"), detail.fees_description or ""),
        (_("Phone"), ", ".join(detail.phones)),
        (_("E-mail"), detail.email or ""),
        (_("Website"), detail.url or detail.website or ""),
        (_("Warm handover"), _("yes") if detail.warm_handover else _("no")),
        (_("Last checked"), detail.assured_date or _("never")),
    ]
    for line in detail.schedules:
        hours = "–".join(p for p in (line.opens_at, line.closes_at) if p)
        parts_ = (format_days(line.byday), hours, line.description)
        rows.append((_("Opening hours"), " ".join(p for p in parts_ if p)))
    for loc in detail.locations:
        place = ", ".join(p for p in (loc.name, loc.address_1, loc.postal_code, loc.city) if p)
        if loc.accessibility:
            place += f" ({loc.accessibility})"
        rows.append((_("Location"), place))
    parts.append(
        "<table>"
        + "".join(f"<tr><td><b>{e(k)}</b>&nbsp;</td><td>{e(v) or '—'}</td></tr>" for k, v in rows)
        + "</table>"
    )
    return "".join(parts)


class DirectoryView(View):
    name = "directory"

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("directoryView")
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.search_label = QLabel(self)
        self.search = QLineEdit(self)
        self.search.setObjectName("directorySearch")
        self.search.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search)
        self.need = QComboBox(self)
        self.need.setObjectName("directoryNeed")
        self.city = QComboBox(self)
        self.city.setObjectName("directoryCity")
        # Need labels and place names come from the data (the needs table, the directory).
        self.need.setProperty("i18n_data", True)
        self.city.setProperty("i18n_data", True)
        for w in (self.search_label, self.search, self.need, self.city):
            filters.addWidget(w)
        layout.addLayout(filters)
        splitter = QSplitter(self)
        self.model = DirectoryModel(ctx, self)
        self.table = QTableView(splitter)
        self.table.setObjectName("directoryTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Every column shares the width and long names wrap onto a second line, so that no
        # organisation, place or data check is cut off to "Gemeente …".
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        side = QWidget(splitter)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.stale_chip = plain_label(side)
        self.stale_chip.setObjectName("staleChip")
        self.stale_chip.setStyleSheet(chip_style("warning"))
        self.stale_chip.hide()
        side_layout.addWidget(self.stale_chip)
        self.detail = QTextBrowser(side)
        self.detail.setObjectName("directoryDetail")
        self.detail.setOpenExternalLinks(False)
        side_layout.addWidget(self.detail, 1)
        self.edit_button = QPushButton(side)
        self.edit_button.setObjectName("editService")
        self.edit_button.clicked.connect(self.edit_selected)
        self.edit_button.setVisible(ctx.can(Permission.DIRECTORY_EDIT))
        self.edit_button.setEnabled(False)
        side_layout.addWidget(self.edit_button)
        self.new_button = QPushButton(side)
        self.new_button.setObjectName("newService")
        self.new_button.clicked.connect(self.new_service)
        self.new_button.setVisible(ctx.can(Permission.DIRECTORY_EDIT))
        side_layout.addWidget(self.new_button)
        self.import_button = QPushButton(side)
        self.import_button.setObjectName("importPartners")
        self.import_button.clicked.connect(self.import_partners)
        self.import_button.setVisible(ctx.can(Permission.DIRECTORY_EDIT))
        side_layout.addWidget(self.import_button)
        self.past_imports_button = QPushButton(side)
        self.past_imports_button.setObjectName("pastPartnerImports")
        self.past_imports_button.clicked.connect(self.show_past_imports)
        self.past_imports_button.setVisible(ctx.can(Permission.DIRECTORY_EDIT))
        side_layout.addWidget(self.past_imports_button)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.count_label = plain_label(self)
        self.count_label.setObjectName("directoryCount")
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)
        self._current: ServiceDetail | None = None
        self._fill_filters()
        self.search.textChanged.connect(self.refresh)
        self.need.currentIndexChanged.connect(self.refresh)
        self.city.currentIndexChanged.connect(self.refresh)
        self.retranslate_ui()
        self.refresh()

    def title(self) -> str:
        return _("Partner directory")

    def _need_labels(self) -> dict[str, str]:
        return directory.need_labels(self.ctx)

    def _fill_filters(self) -> None:
        self.need.blockSignals(True)
        self.city.blockSignals(True)
        self.need.clear()
        self.need.addItem(_("All needs"), None)
        for code, label in self._need_labels().items():
            self.need.addItem(label, code)
        self.city.clear()
        self.city.addItem(_("All places"), None)
        for city in i18n_qt.sort_strings(directory.cities(self.ctx)):  # as the language sorts
            self.city.addItem(city, city)
        self.need.blockSignals(False)
        self.city.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.search_label.setText(_("&Search"))
        self.search.setAccessibleName(_("Search the partner directory"))
        self.search.setPlaceholderText(_("name, organisation or place"))
        self.need.setAccessibleName(_("Filter by need"))
        self.city.setAccessibleName(_("Filter by place"))
        self.need.setItemText(0, _("All needs"))
        self.city.setItemText(0, _("All places"))
        self.table.setAccessibleName(_("Partner services"))
        self.detail.setAccessibleName(_("Details of the chosen service"))
        self.stale_chip.setAccessibleName(_("Data check"))
        self.edit_button.setText(_("&Edit service…"))
        self.edit_button.setAccessibleName(_("Edit service"))
        self.new_button.setText(_("&New service…"))
        self.new_button.setAccessibleName(_("New service"))
        self.import_button.setText(_("&Import partner data…"))
        self.import_button.setAccessibleName(_("Import partner data"))
        self.past_imports_button.setText(_("&Past imports…"))
        self.past_imports_button.setAccessibleName(_("Past imports of partner data"))
        self.count_label.setAccessibleName(_("Number of services found"))
        self._update_count()
        self._show_selected()

    def open(self, **kwargs) -> None:
        self.refresh()

    def refresh(self, *_args) -> None:
        self.model.set_query(self.search.text(), self.need.currentData(), self.city.currentData())
        self._update_count()
        self._show_selected()

    def _update_count(self) -> None:
        n = self.model.total
        self.count_label.setText(ngettext("{n} service", "{n} services", n).format(n=n))

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()).id if rows else None

    def _show_selected(self, *_args) -> None:
        sid = self.selected_id()
        self._current = directory.get_service(self.ctx, sid) if sid else None
        self.edit_button.setEnabled(self._current is not None)
        if self._current is None:
            # A hint rather than an empty pane; as text, so that it wraps at any text size.
            hint = _("Choose a service in the list to see its details here.")
            self.detail.setHtml(f"<p>{html.escape(hint)}</p>")
            self.stale_chip.hide()
            return
        self.detail.setHtml(detail_html(self._current, self._need_labels()))
        words = []
        if self._current.stale:
            words.append(_("Not checked for 12 months"))
        if self._current.to_verify:
            words.append(_("Contact details to verify"))
        self.stale_chip.setText(" · ".join(words))
        self.stale_chip.setVisible(bool(words))

    def edit_selected(self) -> None:
        if self._current is None:
            return
        try:
            dialog = ServiceEditDialog(self.ctx, self._current, self._need_labels(), self)
        except NotFound:  # removed meanwhile (an import): show the list as it is now
            self.refresh()
            return
        self._run_dialog(dialog)

    def import_partners(self, path: str | None = None) -> None:
        """Ask for an HSDS .zip or .json (a folder through its datapackage.json), show the
        check's report, import on confirmation."""
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                self,
                _("Import partner data"),
                "",
                _("HSDS data (*.zip *.json)") + ";;" + _("All files (*)"),
            )
            if not path:
                return
            if Path(path).name == "datapackage.json":
                path = str(Path(path).parent)
        dialog = PartnerImportDialog(self.ctx, path, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._fill_filters()
            self.refresh()

    def show_past_imports(self) -> None:
        PastImportsDialog(self.ctx, self).exec()

    def new_service(self) -> None:
        self._run_dialog(ServiceEditDialog(self.ctx, None, self._need_labels(), self))

    def _run_dialog(self, dialog: ServiceEditDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            sid = dialog.saved_id
            self._fill_filters()
            self.refresh()
            row = self.model.find_row(lambda item: item.id == sid)
            if row >= 0:
                select_row(self.table, row)
