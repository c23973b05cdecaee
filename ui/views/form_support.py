"""What the registration and intake forms share: a field with its error shown right next to
it, and the draft keeper that writes unsaved input to the database so nothing typed is lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from loket.counter import drafts
from loket.errors import LoketError
from loket.i18n import _, ngettext
from ui import fonts, theme
from ui.views.base import plain_label

DRAFT_INTERVAL_MS = 3000


class FormField:
    """A labelled input with a message line beneath it; the message names the problem in
    words and with a sign (never by colour alone) and becomes the input's description."""

    def __init__(self, form: QFormLayout, parent: QWidget, key: str, widget: QWidget) -> None:
        self.key = key
        self.widget = widget
        widget.setObjectName(f"field_{key}")
        self.label = plain_label(parent)
        self.label.setBuddy(widget)
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        self.error = plain_label(box)
        self.error.setObjectName(f"error_{key}")
        theme.mark_text(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        column.addWidget(self.error)
        form.addRow(self.label, box)

    def set_label(self, text: str, accessible: str) -> None:
        self.label.setText(text)
        self.widget.setAccessibleName(accessible)

    def set_error(self, message: str | None) -> None:
        if message:
            self.error.setText(f"{fonts.ERROR_MARK} {message}")
            self.error.show()
            self.widget.setAccessibleDescription(message)
        else:
            self.error.clear()
            self.error.hide()
            self.widget.setAccessibleDescription("")

    @property
    def has_error(self) -> bool:
        return not self.error.isHidden()


def show_errors(fields: dict[str, FormField], errors: dict[str, str]) -> FormField | None:
    """Mark every invalid field; returns the first one (in form order) to put the focus on."""
    first = None
    for key, field in fields.items():
        field.set_error(errors.get(key))
        if key in errors and first is None:
            first = field
    return first


def restored_notice(parent: QWidget) -> QLabel:
    """The line that tells staff a form holds restored input, not a fresh start."""
    label = plain_label(parent)
    label.setObjectName("restoredNotice")
    label.setWordWrap(True)
    theme.mark_text(label, "info")
    label.hide()
    return label


def show_restored(label: QLabel, draft) -> None:
    if draft is None:
        label.hide()
        return
    from ui.models.counter_models import format_date, format_time

    text = _(
        "Restored: what was typed on {date} at {time} and not saved. Check it, then save "
        "with Ctrl+S."
    ).format(date=format_date(draft.updated_at), time=format_time(draft.updated_at))
    label.setText(text)
    label.setAccessibleName(text)
    label.show()


def ask_unsaved(parent: QWidget) -> str:
    """Leaving a form with unsaved input: 'keep' (as a draft), 'discard' or 'stay'."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Unsaved input"))
    box.setText(_("This form has not been saved. Keep it as a draft to finish later?"))
    keep = box.addButton(_("Keep as draft"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton(_("Stay here"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(stay)
    box.exec()
    clicked = box.clickedButton()
    return "keep" if clicked is keep else "discard" if clicked is discard else "stay"


def leave_form(parent: QWidget, drafts: DraftKeeper) -> bool:
    """The answer to `can_leave()` for a form with a draft keeper: ask about unsaved input,
    keep it as a draft or discard it, or stay (False)."""
    if not drafts.dirty and not drafts.has_draft:
        return True
    answer = ask_unsaved(parent)
    if answer == "stay":
        return False
    if answer == "keep":
        drafts.save_now()
    else:
        drafts.discard(saved=False)
    return True


class DraftKeeper(QObject):
    """Writes a form's state as a draft every few seconds while it changes, and at once when
    a field that matters changes.  Failures to write a draft never block typing."""

    def __init__(self, ctx, kind: str, payload: Callable[[], dict], parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.payload = payload
        self.draft_id: str | None = None
        self.visitor_id: str | None = None
        self.dirty = False
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(DRAFT_INTERVAL_MS)
        self._timer.timeout.connect(self.save_now)

    def changed(self) -> None:
        """Something was typed: write within a few seconds."""
        if self.paused:
            return
        self.dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def changed_now(self) -> None:
        """A field that matters changed (left a field, ticked a need): write now."""
        if self.paused:
            return
        self.dirty = True
        self.save_now()

    def save_now(self) -> None:
        self._timer.stop()
        if not self.dirty:
            return
        try:
            self.draft_id = drafts.save_draft(
                self.ctx,
                self.kind,
                self.payload(),
                draft_id=self.draft_id,
                visitor_id=self.visitor_id,
            )
        except (LoketError, sqlite3.Error):
            return  # the form itself still holds everything; the next change tries again
        self.dirty = False

    def reset(self, draft_id: str | None = None, visitor_id: str | None = None) -> None:
        self._timer.stop()
        self.draft_id = draft_id
        self.visitor_id = visitor_id
        self.dirty = False

    def discard(self, *, saved: bool) -> None:
        self._timer.stop()
        if self.draft_id:
            try:
                drafts.discard_draft(self.ctx, self.draft_id, saved=saved)
            except LoketError:
                pass
        self.draft_id = None
        self.dirty = False

    @property
    def has_draft(self) -> bool:
        return self.draft_id is not None


def ask_restore(parent: QWidget, count: int) -> bool:
    """After sign-in: unsaved forms were found (a crash, a power cut).  Restore the latest?"""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Unsaved work found"))
    box.setText(
        ngettext(
            "You have {n} form that was not saved (for example after a power cut). Restore it?",
            "You have {n} forms that were not saved (for example after a power cut). Restore the "
            "latest one? The others are offered again next time.",
            count,
        ).format(n=count)
    )
    restore = box.addButton(_("Restore"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Not now"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


VIEW_FOR_KIND = {"visitor": "register", "visit": "visit"}


def offer_drafts(window) -> str | None:
    """Offer the signed-in staff member's unsaved forms; returns the restored draft id.

    Drafts stay in the database until their form is saved or discarded, so answering
    "not now" loses nothing: the offer comes again at the next sign-in."""
    found = [d for d in drafts.list_drafts(window.ctx) if d.kind in VIEW_FOR_KIND]
    if not found or not ask_restore(window, len(found)):
        return None
    latest = found[0]
    try:
        window.show_view(VIEW_FOR_KIND[latest.kind], draft_id=latest.id)
    except LoketError:
        return None
    return latest.id
