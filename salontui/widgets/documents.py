"""Where printed documents (receipts, the day close) are written, and how their files are
named. Used by the receipt view and the day close screen."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR = "salontui"


def documents_dir(kind: str) -> Path:
    """Where printed documents of ``kind`` ("receipts", "day-close") are written.

    The user's documents folder (platformdirs; ``XDG_DOCUMENTS_DIR`` honoured) when
    there is one, else the program's data folder (a server reached over SSH often
    has no ~/Documents). The folder is created.
    """
    from platformdirs import user_data_path, user_documents_path

    docs = user_documents_path()
    if docs.is_dir() or os.environ.get("XDG_DOCUMENTS_DIR"):
        base = docs / APP_DIR
    else:
        base = user_data_path(APP_DIR, appauthor=False) / "documents"
    target = base / kind
    target.mkdir(parents=True, exist_ok=True)
    return target


def safe_name(text: str) -> str:
    """A file name made of ``text`` (an invoice code, a date): letters, digits, - and _."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text.strip())
    return cleaned or "document"


def write_text_file(kind: str, name: str, text: str) -> Path:
    """Write ``text`` as ``<documents>/<kind>/<name>.txt`` (UTF-8) and return the path."""
    path = documents_dir(kind) / f"{safe_name(name)}.txt"
    path.write_text(text, encoding="utf-8")
    return path
