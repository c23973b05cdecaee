"""Checking letter text in plain Dutch (B1) while writing it: scores, and flagged sentences
highlighted in the text itself (background and underline, so not by colour alone).

The measuring is `loket.letters.readability`, the same check the tests apply to every shipped
letter; it runs off the UI thread (the word-frequency table takes a moment to load once).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from loket.i18n import _
from loket.letters import readability
from loket.privacy.permissions import Permission
from ui.views.base import View, plain_label
from ui.workers import run_in_background

FLAG_BACKGROUND = QColor("#FFF1B8")


class LetterTextView(View):
    name = "letter_text"

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("letterText")
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("checkLetterText")
        self.scores = plain_label(self)
        self.scores.setObjectName("letterTextScores")
        self.scores.setWordWrap(True)
        self.problems = QListWidget(self)
        self.problems.setObjectName("letterTextProblems")
        self.report: readability.Report | None = None
        layout = QVBoxLayout(self)
        for w in (self.intro, self.editor, self.check_button, self.scores, self.problems):
            layout.addWidget(w)
        self.check_button.clicked.connect(self.check)
        self.retranslate_ui()

    def title(self) -> str:
        return _("Letter text check")

    def retranslate_ui(self) -> None:
        self.intro.setText(
            _(
                "Plain Dutch (B1): short sentences, common words. Sentences above the limits are "
                "highlighted. Scores guide; reader tests decide."
            )
        )
        self.check_button.setText(_("Check the text"))
        self.editor.setAccessibleName(_("Letter text"))
        self.problems.setAccessibleName(_("Problems found"))
        if self.report is not None:
            self._show(self.report)

    def open(self, text: str | None = None, **_kwargs) -> None:
        if text is not None:
            self.editor.setPlainText(text)
        elif not self.editor.toPlainText():
            self.editor.setPlainText(readability.shipped_text())
        self.editor.setReadOnly(not self.ctx.can(Permission.LETTER_TEXT_EDIT))

    def check(self) -> None:
        text = self.editor.toPlainText()
        self.check_button.setEnabled(False)
        run_in_background(lambda: readability.analyse(text), self._done, self._failed)

    def _failed(self, err: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.scores.setText(str(err))

    def _done(self, report: readability.Report) -> None:
        self.check_button.setEnabled(True)
        self.report = report
        self._show(report)

    def _show(self, report: readability.Report) -> None:
        verdict = _("Within the B1 limits.") if report.ok else _("Above the B1 limits.")
        self.scores.setText(
            _(
                "Flesch-Douma {douma:.0f}, Brouwer {brouwer:.0f}; {words} words, {sentences} "
                "sentences. {verdict}"
            ).format(
                douma=report.flesch_douma,
                brouwer=report.brouwer,
                words=report.words,
                sentences=len(report.sentences),
                verdict=verdict,
            )
        )
        self.problems.clear()
        for problem in report.problems:
            self.problems.addItem(problem)
        for s in report.flagged:
            self.problems.addItem(f"{s.text} — {'; '.join(s.problems)}")
        self._highlight(report)

    def _highlight(self, report: readability.Report) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(FLAG_BACKGROUND)
        fmt.setForeground(QColor("#000000"))
        fmt.setFontUnderline(True)
        text = self.editor.toPlainText()
        selections = []
        start = 0
        for s in report.sentences:
            at = text.find(s.text, start)
            if at < 0:
                continue
            start = at + len(s.text)
            if not s.problems:
                continue
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(at)
            cursor.setPosition(at + len(s.text), QTextCursor.MoveMode.KeepAnchor)
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format = fmt
            selections.append(sel)
        self.editor.setExtraSelections(selections)

    def flagged_count(self) -> int:
        return len(self.editor.extraSelections())
