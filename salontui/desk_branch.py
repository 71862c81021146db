"""Which branch of a chain this terminal's desk stands at, remembered between starts.

``salontui --branch Q2`` signs the desk into branch Q2; the code is kept, for that
database, in ``desk-branch.json`` in the user's config folder (platformdirs, beside
``keymap.toml``; or the file that ``SALONTUI_BRANCH_FILE`` names), so the next start
without ``--branch`` opens at Q2 again. The file maps a database URL, without its
password, to a branch code::

    {"postgresql+psycopg://desk@db.salon/salon": "Q2"}

Nothing heavy is imported here (the desk reads it in its start-up worker). A file
that cannot be read is no memory; one that cannot be written is left as it was.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from salontui.config import APP_NAME

BRANCH_FILE_ENV = "SALONTUI_BRANCH_FILE"
BRANCH_FILE = "desk-branch.json"

log = logging.getLogger("salontui.desk")


def branch_file() -> Path:
    """Where the desk keeps the branch it was last signed into, per database."""
    named = os.environ.get(BRANCH_FILE_ENV)
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / BRANCH_FILE


def database_key(url: str) -> str:
    """``url`` without its password (in the address or as a ``password=`` parameter):
    the key a branch is remembered under, and nothing secret written to the file."""
    parts = urlsplit(url)
    user, at, host = parts.netloc.rpartition("@")
    netloc = f"{user.partition(':')[0]}@{host}" if at else parts.netloc
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if name.lower() != "password"]
    if netloc == parts.netloc and len(kept) == len(pairs):
        return url  # nothing to take out (a SQLite file's URL): as it is
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), parts.fragment))


def _read(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def remembered_branch(db_url: str) -> str | None:
    """The code of the branch this terminal's desk was last signed into on ``db_url``."""
    return _read(branch_file()).get(database_key(db_url)) or None


def remember_branch(db_url: str, code: str) -> None:
    """Keep ``code`` as this terminal's branch on ``db_url`` (a file that cannot be
    written is logged, never a reason to keep the desk shut)."""
    path = branch_file()
    known = _read(path)
    key = database_key(db_url)
    if known.get(key) == code:
        return
    known[key] = code
    text = json.dumps(known, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    try:
        if path.exists() and not path.is_file():  # a device (os.devnull): written in place
            path.write_text(text, encoding="utf-8")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)  # another desk reading it sees the old file or the new
    except OSError as error:
        log.warning("the desk's branch was not remembered in %s: %s", path, error)
