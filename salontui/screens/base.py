"""How screens talk to the store: in a thread worker, answering a handler.

``ask(fn, then)`` runs ``fn(session)`` in a thread (the store is never called on the UI
thread), inside ``read_session`` (or ``write_session`` with ``write=True``), and hands
what it returns to ``then`` on the UI thread: the result is the store's own typed value
(a dataclass or a model), never a tag matched in a ladder. A refusal (:class:`SalonError`)
goes to ``failed`` (default: a notification); anything else to ``crashed`` (default: a
notification; the desk keeps running). ``app.pending_calls`` counts the answers not yet
handled (tests wait on it). Only the newest call of each handler (its name, or ``tag=``)
is answered: a slower, older answer is dropped, so a result never overwrites a fresher one.

A manager's approval, for every guarded action at once: when ``fn`` takes an
``approved_by`` keyword (``def job(session, approved_by=None)``, passed on to the store's
write) and the store refuses with :class:`~salontui.store.admin.permissions.NotPermitted`,
the desk asks for an approval (``ManagerApprovalDialog``: who approves and their PIN) and
makes the same call once more with ``approved_by``; Esc hands the refusal to ``failed`` as
before, and nothing was written.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message

from salontui.i18n import _
from salontui.screens.app_access import DeskApp
from salontui.store.errors import SalonError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from salontui.store.admin.permissions import NotPermitted

T = TypeVar("T")

log = logging.getLogger("salontui.desk")


@dataclass(frozen=True)
class Handlers:
    """Where one call's answer goes."""

    then: Callable[[Any], None]
    failed: Callable[[SalonError], None] | None = None
    crashed: Callable[[BaseException], None] | None = None
    # The same call again with approved_by=<the approver's id> (see the module).
    approved: Callable[[int], None] | None = None


class StoreDone(Message):
    """The answer of one store call: a value or an error, and where it goes."""

    def __init__(self, tag: str, seq: int, handlers: Handlers, value: Any = None,
                 error: BaseException | None = None) -> None:
        super().__init__()
        self.tag = tag
        self.seq = seq
        self.handlers = handlers
        self.value = value
        self.error = error


def takes_approval(fn: Callable[..., Any]) -> bool:
    """Whether a store call takes ``approved_by`` (a manager's approval may re-run it)."""
    try:
        return "approved_by" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def not_permitted(error: BaseException) -> bool:
    """Whether the store refused for want of a permission (a manager may approve)."""
    if not isinstance(error, SalonError) or not hasattr(error, "permission"):
        return False  # (the store's permissions module is not loaded before it is needed)
    from salontui.store.admin.permissions import NotPermitted

    return isinstance(error, NotPermitted)


def run_in_session(engine: Engine, fn: Callable[[Session], T], *, write: bool) -> T:
    """Open the right unit of work on ``engine`` and call ``fn(session)`` in it (a write
    PostgreSQL aborted for another desk's sake is run again; a lost server is said)."""
    from salontui.store.connect import in_session

    return in_session(engine, fn, write=write)


class StoreCalls(DeskApp):
    """Mixin for Screen / ModalScreen / Widget: store calls in thread workers, answered on
    the UI thread by the handler they name."""

    def ask(self, fn: Callable[[Session], T], then: Callable[[T], None], *,
            write: bool = False, failed: Callable[[SalonError], None] | None = None,
            crashed: Callable[[BaseException], None] | None = None,
            tag: str | None = None, approvable: bool = True) -> int:
        """Run ``fn(session)`` in a worker; hand its value to ``then`` (see the module)."""
        tag = tag or then.__name__
        seqs = self._store_seqs()
        seq = seqs[tag] = seqs.get(tag, 0) + 1
        app = self.desk
        app.pending_calls += 1
        approved = None
        if approvable and takes_approval(fn):
            again: Callable[..., T] = fn

            def approved(approver: int) -> None:
                self.ask(partial(again, approved_by=approver), then, write=write,
                         failed=failed, crashed=crashed, tag=tag, approvable=False)
        handlers = Handlers(then, failed, crashed, approved)
        work = partial(self._store_thread, app.engine, tag, seq, handlers, fn, write)
        self.run_worker(work, thread=True, exclusive=True,  # type: ignore[attr-defined]
                        group=f"store-{tag}", name=f"store-{tag}", exit_on_error=False)
        return seq

    def _store_seqs(self) -> dict[str, int]:
        return self.__dict__.setdefault("_store_seq", {})

    def _store_thread(self, engine: Engine | None, tag: str, seq: int, handlers: Handlers,
                      fn: Callable[[Session], Any], write: bool) -> None:
        post = self.post_message  # type: ignore[attr-defined]
        try:
            if engine is None:
                raise SalonError(_("The salon is still loading; try again in a moment."))
            value = run_in_session(engine, fn, write=write)
        except Exception as error:  # never let a worker take the desk down
            if not isinstance(error, SalonError):
                log.exception("store call %s failed", tag)
            post(StoreDone(tag, seq, handlers, error=error))
            return
        post(StoreDone(tag, seq, handlers, value=value))

    def drop_answers(self) -> None:
        """Answers still on their way are dropped (e.g. another customer is shown)."""
        seqs = self._store_seqs()
        for tag in seqs:
            seqs[tag] += 1

    def is_pending(self, tag: str) -> bool:
        """Whether a call of ``tag`` (a handler's name) is still running."""
        return any(w.node is self and w.group == f"store-{tag}" and not w.is_finished
                   for w in self.workers)  # type: ignore[attr-defined]

    def on_store_done(self, message: StoreDone) -> None:
        message.stop()
        app = self.desk
        app.pending_calls = max(0, app.pending_calls - 1)
        if message.seq != self._store_seqs().get(message.tag):
            return  # a stale answer: a newer call of this handler is on its way
        handlers, error = message.handlers, message.error
        if error is None:
            handlers.then(message.value)
        elif handlers.approved is not None and not_permitted(error):
            self.ask_approval(error, handlers)  # type: ignore[arg-type]
        elif isinstance(error, SalonError):
            (handlers.failed or self.store_refused)(error)
        else:
            (handlers.crashed or self.store_crashed)(error)

    def ask_approval(self, error: NotPermitted, handlers: Handlers) -> None:
        """A manager approves the refused call once (it is made again), or Esc: refused."""
        from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog

        def answered(approver: int | None) -> None:
            if approver is None:
                (handlers.failed or self.store_refused)(error)
            elif handlers.approved is not None:
                handlers.approved(approver)

        self.desk.push_screen(ManagerApprovalDialog(error.permission, error.message),
                              callback=answered)

    def store_refused(self, error: SalonError) -> None:
        """A refusal no handler shows at a field: a notification."""
        self.desk.notify(error.message, severity="error", timeout=6)

    def store_crashed(self, error: BaseException) -> None:
        """Anything but a refusal: said, logged (in the worker), and the desk goes on."""
        self.desk.notify(_("Something went wrong: {error}").format(error=error),
                         title=_("Error"), severity="error", timeout=8)
