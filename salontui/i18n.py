"""One translation function for every user-facing string (gettext style).

Screens write ``_("Extend package")``; a Vietnamese or Chinese catalogue
(``salontui/locale/<lang>/LC_MESSAGES/salontui.mo``) can follow without
touching a screen. ``SALONTUI_LANG`` (or LANGUAGE/LANG) picks the language;
without a catalogue the English text is shown.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
_translation: gettext.NullTranslations = gettext.NullTranslations()


def install(language: str | None = None) -> None:
    """Load the catalogue for ``language`` (or the environment's), falling back to English."""
    global _translation
    lang = language or os.environ.get("SALONTUI_LANG")
    languages = [lang] if lang else None
    _translation = gettext.translation("salontui", localedir=LOCALE_DIR,
                                       languages=languages, fallback=True)


def _(message: str) -> str:
    """Translate ``message``."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
