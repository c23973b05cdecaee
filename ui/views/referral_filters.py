"""The referral filters (period from/to, desk, partner, need, status) that the export dialog,
the referral log and the overview all show.

One place makes the fields, their labels and accessible names, the "All desks"/"Every status"
first items and the translated statuses, and reads and pre-fills them, so the three screens
cannot drift apart.  The caller keeps its own layout: the fields go into its QFormLayout (one
row each) or its QGridLayout (two filters a row), so each screen looks as it did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QGridLayout, QLabel, QWidget

from loket.i18n import _
from ui.views.base import localise_date_edit

KEYS = ("from", "to", "desk", "partner", "need", "status")
_COMBOS = ("desk", "partner", "need", "status")
_ARGS = {"desk": "desk_code", "partner": "partner", "need": "need", "status": "status"}


def qdate(iso: str) -> QDate:
    d = date.fromisoformat(iso)
    return QDate(d.year, d.month, d.day)


class ReferralFilters:
    """The filter fields of one screen, made as children of `parent`.

    `keys` picks the filters (the overview has only the period and the desk); `prefix` gives
    the object names (prefix "log" → logFrom, logDesk…); `min_chars` keeps the combo boxes from
    growing with long partner names; `status_mnemonic_a` labels the status "St&atus" for a
    screen where Alt+S is taken.
    """

    def __init__(
        self,
        parent: QWidget,
        *,
        date_from: str,
        date_to: str,
        keys: Sequence[str] = KEYS,
        prefix: str | None = None,
        min_chars: int | None = None,
        status_mnemonic_a: bool = False,
    ) -> None:
        self.keys = tuple(keys)
        self.status_mnemonic_a = status_mnemonic_a
        self.widgets: dict[str, QWidget] = {}
        self._status_msgids: list[str] = []
        self._choices_ctx = None
        for key, iso in (("from", date_from), ("to", date_to)):
            if key in self.keys:
                edit = QDateEdit(qdate(iso), parent)
                edit.setCalendarPopup(True)
                localise_date_edit(edit)
                self.widgets[key] = edit
        for key in _COMBOS:
            if key in self.keys:
                box = QComboBox(parent)
                if min_chars is not None:
                    box.setSizeAdjustPolicy(
                        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                    )
                    box.setMinimumContentsLength(min_chars)
                box.addItem("", None)
                self.widgets[key] = box
        if prefix is not None:
            for key, widget in self.widgets.items():
                widget.setObjectName(prefix + key.capitalize())
        # the fields by name; None where this screen has no such filter
        self.date_from: QDateEdit | None = self.widgets.get("from")
        self.date_to: QDateEdit | None = self.widgets.get("to")
        self.desk, self.partner, self.need, self.status = (self.widgets.get(k) for k in _COMBOS)
        self.labels: dict[str, QLabel] = {}
        for key in self.keys:
            label = QLabel(parent)
            label.setBuddy(self.widgets[key])
            self.labels[key] = label

    # -- layout ----------------------------------------------------------------------------
    def add_to_form(self, form: QFormLayout) -> None:
        """One row per filter, in the order of `keys`."""
        for key in self.keys:
            form.addRow(self.labels[key], self.widgets[key])

    def add_to_grid(self, grid: QGridLayout, per_row: int = 2) -> None:
        """`per_row` filters a row, each as label and field side by side."""
        for i, key in enumerate(self.keys):
            row, col = divmod(i, per_row)
            grid.addWidget(self.labels[key], row, col * 2)
            grid.addWidget(self.widgets[key], row, col * 2 + 1)

    # -- choices ---------------------------------------------------------------------------
    def fill(
        self,
        *,
        desks: Iterable[tuple[str, str]] = (),
        partners: Iterable[tuple[str, str]] = (),
        needs: Iterable[tuple[str, str]] = (),
        statuses: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Add the choices after the "All …" item: names of desks, partners and needs as
        the database has them; statuses are msgids, translated here and on retranslate."""
        for key, items in (("desk", desks), ("partner", partners), ("need", needs)):
            box = self.widgets.get(key)
            if box is None:
                continue
            box.setProperty("i18n_data", True)  # names from the database
            for value, label in items:
                box.addItem(label, value)
        if self.status is not None:
            for value, msgid in statuses:
                self.status.addItem(_(msgid), value)
                self._status_msgids.append(msgid)

    def fill_from(self, ctx) -> None:
        """The choices an export offers (`loket.reports.exports.filter_choices`; needs the export
        permission)."""
        from loket.reports import exports

        self._choices_ctx = ctx  # needs are named again in another UI language
        choices = exports.filter_choices(ctx)
        self.fill(
            desks=choices.desks,
            partners=choices.partners,
            needs=choices.needs,
            statuses=choices.statuses,
        )

    # -- texts -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        texts = {
            "from": _("&From"),
            "to": _("&To"),
            "desk": _("&Desk"),
            "partner": _("&Partner"),
            "need": _("&Need"),
            "status": _("St&atus") if self.status_mnemonic_a else _("&Status"),
        }
        for key, label in self.labels.items():
            label.setText(texts[key])
        names = {
            "from": (_("First visit date"), None),
            "to": (_("Last visit date"), None),
            "desk": (_("Desk"), _("All desks")),
            "partner": (_("Partner"), _("All partners")),
            "need": (_("Need"), _("All needs")),
            "status": (_("Status"), _("Every status")),
        }
        for key, widget in self.widgets.items():
            name, everything = names[key]
            widget.setAccessibleName(name)
            if everything is not None:
                widget.setItemText(0, everything)
        for i, msgid in enumerate(self._status_msgids, start=1):
            self.status.setItemText(i, _(msgid))
        if self._choices_ctx is not None and self.need is not None:
            from loket.reports import exports

            names = dict(exports.filter_choices(self._choices_ctx).needs)
            for i in range(1, self.need.count()):
                code = self.need.itemData(i)
                if code in names:
                    self.need.setItemText(i, names[code])

    def on_change(self, slot: Callable[[], None]) -> None:
        """Call `slot` whenever a filter changes (a date, a choice)."""
        for widget in self.widgets.values():
            if isinstance(widget, QDateEdit):
                widget.dateChanged.connect(lambda _date: slot())
            else:
                widget.currentIndexChanged.connect(lambda _index: slot())

    # -- values ----------------------------------------------------------------------------
    def values(self) -> dict[str, str | None]:
        """The filters as the core takes them: date_from, date_to (ISO), desk_code, partner,
        need, status (None for "All …" and for filters this screen does not have)."""
        out: dict[str, str | None] = {
            "date_from": self.date_from.date().toString("yyyy-MM-dd") if self.date_from else None,
            "date_to": self.date_to.date().toString("yyyy-MM-dd") if self.date_to else None,
        }
        for key, arg in _ARGS.items():
            box = self.widgets.get(key)
            out[arg] = box.currentData() if box is not None else None
        return out

    def set_values(self, filters) -> None:
        """Show `filters` (a `loket.db.exports.Filters`); a value no longer offered (a desk
        since removed) shows as "All …", as it did before."""
        if self.date_from is not None:
            self.date_from.setDate(qdate(filters.date_from))
        if self.date_to is not None:
            self.date_to.setDate(qdate(filters.date_to))
        for key, arg in _ARGS.items():
            box = self.widgets.get(key)
            if box is not None:
                value = getattr(filters, arg)
                box.setCurrentIndex(0 if value is None else max(0, box.findData(value)))
