"""The Qt side of a language switch: Qt's own translations, layout direction, locale, sorting.

`loket.i18n.set_language()` swaps the gettext catalogue; the listener installed here (once,
by `install()`) then
- replaces the `qtbase_<lang>` QTranslator that ships with PySide6, so Qt's own dialogs and
  standard buttons ("Cancel", "Yes", the colour and file dialogs) speak the same language;
- sets `QLocale.setDefault()` (dates, numbers, collation) and the application's layout
  direction (right to left for Arabic; Qt mirrors every layout and the tab order with it);
- emits `notifier().language_changed`, to which the main window connects `retranslate_ui`.

`sort_strings()` / `sort_key()` sort lists the way a reader of the current language expects
(QCollator: "Ç" next to "C", Arabic in alphabetical order, numbers numerically).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import (
    QCollator,
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTranslator,
    Signal,
)

from loket import i18n

T = TypeVar("T")

# The pseudo-locale has no Qt catalogue; its dates and numbers follow English.  Arabic is
# Modern Standard Arabic with Western digits (ar_001), like the V-numbers, BSNs and phone
# numbers around it, the digits in letters and the dates the core formats with Babel.
_QT_LOCALE = {"nl": "nl_NL", "en": "en_GB", "ar": "ar_001", i18n.PSEUDO: "en_GB"}


class LanguageNotifier(QObject):
    language_changed = Signal(str)


_notifier: LanguageNotifier | None = None
_translator: QTranslator | None = None
_installed = False


def notifier() -> LanguageNotifier:
    global _notifier
    if _notifier is None:
        _notifier = LanguageNotifier()
    return _notifier


class _Retranslator(QObject):
    """Calls `retranslate_ui()` of its parent window when the language changes: at once when
    the window is shown, else the next time it is shown (a closed window is left alone)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._stale = False
        notifier().language_changed.connect(self.language_changed)
        window.installEventFilter(self)

    def language_changed(self, _language: str) -> None:
        if self._window.isVisible():
            self._stale = False
            self._window.retranslate_ui()
        else:
            self._stale = True

    def eventFilter(self, watched, event) -> bool:
        if self._stale and event.type() == QEvent.Type.Show:
            self._stale = False
            self._window.retranslate_ui()
        return False


def follow_language(window) -> None:
    """Re-translate `window` (anything with `retranslate_ui()`) whenever the language changes."""
    _Retranslator(window)


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def qt_locale(language: str) -> QLocale:
    return QLocale(_QT_LOCALE.get(language, language))


def layout_direction(language: str) -> Qt.LayoutDirection:
    if i18n.is_rtl(language):
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def _install_qt_translator(language: str) -> bool:
    """Swap Qt's own catalogue; False when PySide6 ships none for the language."""
    global _translator
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
    if language in (i18n.PSEUDO, "en"):
        return language == "en"  # Qt's source texts are English
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", qt_translations_dir()):
        return False
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return True


def apply(language: str) -> None:
    """Make Qt follow `language` (the listener of loket.i18n.set_language)."""
    QLocale.setDefault(qt_locale(language))
    _install_qt_translator(language)
    app = QCoreApplication.instance()
    if app is not None and hasattr(app, "setLayoutDirection"):
        app.setLayoutDirection(layout_direction(language))
    notifier().language_changed.emit(language)


def install() -> None:
    """Hook Qt to loket.i18n once per process and apply the current language now."""
    global _installed
    if not _installed:
        i18n.on_language_changed(apply)
        _installed = True
    apply(i18n.language())


def collator() -> QCollator:
    c = QCollator(QLocale())
    c.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    c.setNumericMode(True)
    return c


def sort_key() -> Callable[[str], object]:
    """A key function for sorted() in the current language (QCollator.sortKey)."""
    c = collator()
    return lambda text: c.sortKey(text or "")


def sort_strings(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """Sort `items` by `key(item)` the way the current language sorts text."""
    collate = sort_key()
    return sorted(items, key=lambda item: collate(key(item)))
