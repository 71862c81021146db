"""The ``salontui`` command's entry point: opens the desk without importing Typer.

Opening the desk is what a receptionist does many times a day on a slow PC,
and Typer (with its vendored Click) costs about 80 ms to import there, a
fifth of the time to the first paint. So a command line made only of the
desk's own options (``--db PATH``, ``--demo``, ``--staff ID``, ``--branch CODE``)
opens the desk straight away; anything else (a sub-command, ``--help``, a typo,
a staff id that is not a number) goes to the Typer CLI in :mod:`salontui.cli`,
which owns the help texts and the error messages.
"""

from __future__ import annotations

import os
import sys

# Textual batches screen updates into frames of 1/60 s: a keystroke and its search
# results wait for two frames. At 120 the wait halves (keystroke to results ≈10 ms
# sooner, measured); the desk has no animations, so idle it still sends nothing.
DESK_FPS = "120"


def desk_options(args: list[str]) -> dict | None:
    """The desk's options if ``args`` holds nothing else, else None (let Typer decide).
    ``branch`` only when given (without it the desk opens at the remembered branch)."""
    options: dict = {"db": None, "demo_if_empty": False, "staff_id": None}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name in ("--db", "--staff", "--branch"):
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            if name == "--db":
                if not value:
                    return None
                options["db"] = value
            elif name == "--branch":
                if not value.strip():
                    return None
                options["branch"] = value
            elif value.isdigit():
                options["staff_id"] = int(value)
            else:
                return None
        elif arg == "--demo":
            options["demo_if_empty"] = True
        else:
            return None
    return options


def main() -> None:
    """Entry point of the ``salontui`` script and of ``python -m salontui``."""
    options = desk_options(sys.argv[1:])
    if options is None:
        from salontui.cli import main as cli_main

        cli_main()
        return
    os.environ.setdefault("TEXTUAL_FPS", DESK_FPS)  # read when Textual is imported
    from salontui.app import run_desk
    from salontui.config import resolve_db_url

    try:
        run_desk(resolve_db_url(options.pop("db")), **options)
    except KeyboardInterrupt:
        sys.exit(130)
