"""The signed-in colleague's own settings: UI language, text size, high-contrast theme.

Saving applies everything at once, without a restart: `set_language()` re-translates every
view (and Qt's own dialogs, and the layout direction), `theme.apply()` swaps palette and
application font.  `apply_user_preferences(ctx)` does the same right after sign-in.
"""

from __future__ import annotations

import dataclasses
import os

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)
from shiboken6 import isValid

from loket import i18n
from loket.counter import preferences
from loket.counter.preferences import Preferences
from loket.errors import LoketError
from loket.i18n import _
from ui import theme
from ui.views.base import View, plain_label

# Each language under its own name, so that someone who cannot read the current language
# still finds theirs.
AUTONYMS = {"nl": "Nederlands", "en": "English", "ar": "العربية"}


def apply_preferences(prefs: Preferences) -> None:
    app = QApplication.instance()
    if app is not None:
        theme.apply(app, high_contrast=prefs.high_contrast, scale=prefs.text_scale)
    if i18n.language() != prefs.language:
        i18n.set_language(prefs.language)


def apply_user_preferences(ctx) -> Preferences:
    prefs = preferences.load(ctx)
    if os.environ.get("LOKET_LANG") == i18n.PSEUDO:  # a developer looking for clipped text
        prefs = dataclasses.replace(prefs, language=i18n.PSEUDO)
    apply_preferences(prefs)
    return prefs


def add_menu_entry(window) -> QAction:
    """A "My settings" entry in the main window's menu bar, for every colleague (Ctrl+,)."""
    from ui import i18n_qt

    action = QAction(window)
    action.setObjectName("mySettingsAction")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Preferences))
    action.triggered.connect(lambda: window.show_view("preferences"))
    window.menuBar().addAction(action)

    def retranslate(_language: str = "") -> None:
        if not isValid(action):  # the window is gone
            return
        action.setText(_("My &settings"))
        action.setToolTip(_("Language, text size and contrast"))

    retranslate()
    i18n_qt.notifier().language_changed.connect(retranslate)
    window.my_settings_action = action  # kept alive with the window
    return action


class SettingsView(View):
    name = "preferences"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("settingsView")
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("settingsHeading")
        theme.emphasise(self.heading, 1.4)
        layout.addWidget(self.heading)
        self.intro = QLabel(self)
        self.intro.setObjectName("settingsIntro")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.language = QComboBox(self)
        self.language.setObjectName("settingsLanguage")
        self.language.setProperty("i18n_data", True)  # autonyms: deliberately untranslated
        for code in i18n.UI_LANGUAGES:
            self.language.addItem(AUTONYMS.get(code, code), code)
        self.language_label = QLabel(self)
        self.language_label.setBuddy(self.language)
        form.addRow(self.language_label, self.language)

        self.text_size = QSpinBox(self)
        self.text_size.setObjectName("settingsTextSize")
        self.text_size.setRange(preferences.MIN_SCALE, preferences.MAX_SCALE)
        self.text_size.setSingleStep(25)
        self.text_size.setSuffix(" %")
        self.text_size_label = QLabel(self)
        self.text_size_label.setBuddy(self.text_size)
        form.addRow(self.text_size_label, self.text_size)

        self.high_contrast = QCheckBox(self)
        self.high_contrast.setObjectName("settingsHighContrast")
        form.addRow(self.high_contrast)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("settingsSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.status = plain_label(self)
        self.status.setObjectName("settingsStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._last_message: tuple[str, str] | None = None
        self.retranslate_ui()
        self.load()

    def title(self) -> str:
        return _("Settings")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("My settings"))
        self.intro.setText(
            _(
                "These settings are yours: they follow you to every counter PC. They take effect "
                "as soon as you save them."
            )
        )
        self.language_label.setText(_("&Language of the program"))
        self.language.setAccessibleName(_("Language of the program"))
        self.text_size_label.setText(_("&Text size"))
        self.text_size.setAccessibleName(_("Text size"))
        self.text_size.setAccessibleDescription(
            _("From 100 to 200 percent of the normal text size, in steps of 25 percent.")
        )
        self.high_contrast.setText(_("&High contrast (white text on black)"))
        self.save_button.setText(_("&Save settings"))
        self.save_button.setToolTip(_("Save and apply your settings (Ctrl+S)"))
        if self._last_message is not None:
            self._show(*self._last_message)

    def load(self) -> None:
        prefs = preferences.load(self.ctx)
        index = self.language.findData(prefs.language)
        self.language.setCurrentIndex(max(0, index))
        self.text_size.setValue(prefs.text_scale)
        self.high_contrast.setChecked(prefs.high_contrast)
        editable = self.ctx.user is not None
        for widget in (self.language, self.text_size, self.high_contrast, self.save_button):
            widget.setEnabled(editable)

    def open(self, **kwargs) -> None:
        self._last_message = None
        self.status.hide()
        self.load()

    def current(self) -> Preferences:
        return Preferences(
            language=self.language.currentData(),
            text_scale=int(self.text_size.value()),
            high_contrast=self.high_contrast.isChecked(),
        )

    def save(self) -> None:
        try:
            prefs = preferences.save(self.ctx, self.current())
        except LoketError as err:
            self._last_message = ("error", err.message)
            self._show(*self._last_message)
            return
        apply_preferences(prefs)  # re-translates this view too
        self._last_message = ("ok", "")
        self._show(*self._last_message)

    def _show(self, kind: str, text: str) -> None:
        if kind == "ok":
            text = _("Your settings are saved.")
        self.status.setText(text)
        theme.mark_chip(self.status, "ok" if kind == "ok" else "error")
        self.status.setAccessibleName(text)
        self.status.show()
