"""How screens talk to the store: in a thread worker, answering with a message.

``call_store(tag, fn)`` runs ``fn(session)`` in a thread (the store is never
called on the UI thread), inside ``read_session`` or ``write_session``, and
posts a :class:`StoreDone` back to the screen (``app.pending_calls`` counts the answers not
yet handled: tests wait on it). Only the newest call of each tag
is answered: a slower, older answer is dropped (a sequence number per tag),
so a result never overwrites a fresher one. Every exception is caught in the
worker: a :class:`SalonError` goes to ``store_error`` (which shows it at its
field); anything else becomes a notification and the desk keeps running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.message import Message

from salontui.i18n import _
from salontui.screens.app_access import DeskApp
from salontui.store.errors import SalonError

log = logging.getLogger("salontui.desk")


class StoreDone(Message):
    """The answer of one ``call_store``: a value or an error."""

    def __init__(self, tag: str, seq: int, value: Any = None,
                 error: BaseException | None = None) -> None:
        super().__init__()
        self.tag = tag
        self.seq = seq
        self.value = value
        self.error = error


def run_in_session(engine, fn: Callable, *, write: bool) -> Any:
    """Open the right unit of work on ``engine`` and call ``fn(session)`` in it."""
    from salontui.store.db import read_session, write_session

    opener = write_session if write else read_session
    with opener(engine) as session:
        return fn(session)


class StoreCalls(DeskApp):
    """Mixin for Screen / ModalScreen: store calls in thread workers, answered by message."""

    def call_store(self, tag: str, fn: Callable, *, write: bool = False) -> int:
        seqs = self.__dict__.setdefault("_store_seq", {})
        seq = seqs.get(tag, 0) + 1
        seqs[tag] = seq
        app = self.desk
        engine = app.engine
        app.pending_calls += 1
        self.run_worker(partial(self._store_thread, engine, tag, seq, fn, write), thread=True,
                        exclusive=True, group=f"store-{tag}", name=f"store-{tag}",
                        exit_on_error=False)
        return seq

    def _store_thread(self, engine, tag: str, seq: int, fn: Callable, write: bool) -> None:
        try:
            if engine is None:
                raise SalonError(_("The salon is still loading; try again in a moment."))
            value = run_in_session(engine, fn, write=write)
        except Exception as error:  # never let a worker take the desk down
            if not isinstance(error, SalonError):
                log.exception("store call %s failed", tag)
            self.post_message(StoreDone(tag, seq, error=error))
            return
        self.post_message(StoreDone(tag, seq, value=value))

    def is_pending(self, tag: str) -> bool:
        return any(w.node is self and w.group == f"store-{tag}" and not w.is_finished
                   for w in self.workers)

    def on_store_done(self, message: StoreDone) -> None:
        message.stop()
        app = self.desk
        app.pending_calls = max(0, app.pending_calls - 1)
        if message.seq != self.__dict__.get("_store_seq", {}).get(message.tag):
            return  # a stale answer: a newer call of this tag is on its way
        if message.error is None:
            self.store_result(message.tag, message.value)
            return
        if isinstance(message.error, SalonError):
            self.store_error(message.tag, message.error)
        else:
            self.unexpected_error(message.tag, message.error)

    def store_result(self, tag: str, value: Any) -> None:  # pragma: no cover - overridden
        pass

    def store_error(self, tag: str, error: SalonError) -> None:
        self.app.notify(error.message, severity="error", timeout=6)

    def unexpected_error(self, tag: str, error: BaseException) -> None:
        self.app.notify(_("Something went wrong: {error}").format(error=error),
                        title=_("Error"), severity="error", timeout=8)
