"""One translation function for every user-facing string (gettext style).

Screens and the store write ``_("Extend package")``; the catalogues in
``salontui/locale/<lang>/LC_MESSAGES/salontui.mo`` (Vietnamese ``vi`` and
Chinese ``zh_CN`` so far) translate them without touching a screen.

The language is chosen once, when this module is first imported, because
key labels are class attributes evaluated at import: ``SALONTUI_LANG`` if
set (``vi``, ``zh_CN``, ``en``), else the system's LANGUAGE / LC_ALL /
LC_MESSAGES / LANG as gettext reads them. Without a catalogue for that
language the English text is shown.

The catalogues are made from the code (see CONTRIBUTING in the README):
``pybabel extract`` collects every ``_()`` and ``N_()`` into ``locale/salontui.pot``,
translators edit the ``.po`` files, ``pybabel compile`` writes the ``.mo``
files that ship in the package; a test fails if one of them is stale.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "salontui"
LOCALE_DIR = Path(__file__).with_name("locale")
LANG_ENV = "SALONTUI_LANG"
_translation: gettext.NullTranslations = gettext.NullTranslations()


def install(language: str | None = None) -> str:
    """Load the catalogue for ``language`` (or the environment's), falling back to English.

    Returns the language in use ("en" when no catalogue matched). Text already
    evaluated (key labels of imported screens) keeps its language: call this
    before importing screens.
    """
    global _translation
    lang = language or os.environ.get(LANG_ENV) or None
    _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR,
                                       languages=[lang] if lang else None, fallback=True)
    info = _translation.info() if type(_translation) is not gettext.NullTranslations else {}
    return info.get("language", "en") or "en"


def _(message: str) -> str:
    """Translate ``message``."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (gettext_noop): for
    labels kept in tables at import time and translated with ``_()`` where shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _translation.ngettext(singular, plural, n)


install()
