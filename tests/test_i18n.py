"""Translations: every text of the code is in each catalogue, the compiled catalogues match
their sources, a translation keeps the placeholders its code fills, and a desk started in
Vietnamese shows Vietnamese key labels."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from salontui.i18n import DOMAIN, LOCALE_DIR

PACKAGE = LOCALE_DIR.parent
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/salontui.po"))
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def code_messages() -> set[str]:
    """Every msgid of the package, as ``pybabel extract`` finds them (see the README)."""
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), keywords=keywords, comment_tags=()):
        found.add(message if isinstance(message, str) else message[0])
    return found


def po(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_there_are_vietnamese_and_chinese_catalogues():
    assert {p.parts[-3] for p in CATALOGUES} >= {"vi", "zh_CN"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_text_of_the_code_is_translated(path):
    catalogue = po(path)
    missing = sorted(m for m in code_messages()
                     if not (catalogue.get(m) and catalogue.get(m).string))
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_translations_keep_the_placeholders(path):
    """The code fills {name}: a translation that drops or renames one would raise."""
    wrong = []
    for message in po(path):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((ids[0], text))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_matches_its_source(path):
    """The shipped .mo says what the .po says (run ``pybabel compile`` after editing)."""
    with path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in po(path):
        if message.id and message.string and not message.fuzzy:
            if isinstance(message.id, tuple):
                assert compiled.ngettext(*message.id, 1) == message.string[0]
            else:
                assert compiled.gettext(message.id) == message.string, message.id


def test_the_desk_speaks_the_language_it_is_started_in():
    """SALONTUI_LANG=vi: the key labels (made when the screens are imported) and the
    messages are Vietnamese; English stays the fallback."""
    code = (
        "from salontui.i18n import _\n"
        "from salontui.screens.search import CustomerSearchScreen\n"
        "print([b.description for b in CustomerSearchScreen.BINDINGS][1])\n"
        "print(_('Extend package'))\n"
    )
    env = dict(os.environ, SALONTUI_LANG="vi")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=60, check=True).stdout.splitlines()
    vi = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=["vi"])
    assert out == [vi.gettext("New customer"), vi.gettext("Extend package")]
    assert out[0] != "New customer"
    env["SALONTUI_LANG"] = "xx"  # no such catalogue: English
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=60, check=True).stdout.splitlines()
    assert out == ["New customer", "Extend package"]
