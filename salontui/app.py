"""SalonApp: the desk.

Start-up paints first and loads later: this module imports Textual only. The
first screen (customer search) is on the terminal before SQLAlchemy is even
imported; a thread worker then imports the store, opens the database, brings
its schema up to date and reads the settings and staff, and the status line
goes from "Loading…" to "Ready". On an empty database (no customers, no staff)
the desk offers a demo salon or an empty start (the owner's name).

A signed-in staff member (``app.staff_id``) is shown in the header and
stamped on every write; F2 switches. Screens read ``app.engine``,
``app.staff_id``, ``app.formatter`` and ``app.settings``; the checkout reads
``app.methods``, the salon's payment methods, read at start and again whenever
the database changes (a method added or renamed at another desk shows at the next
checkout).

A desk stands at one branch of a chain (``--branch CODE``, else the one this terminal
was last signed into on this database, see :mod:`salontui.desk_branch`, else the
first): ``app.branch_id`` is where its invoices, refunds and held checkouts are
written and whose staff its pickers offer, and the header names the branch. In a
salon with one branch ``app.branch_id`` is None and nothing names a branch. An
unknown code is refused at start-up (the database is needed to know the codes, and
reading it before the first paint would slow every start): the desk closes before
anyone can use it and the sentence naming the codes goes to stderr, status 1.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from salontui.formatting import Formatter
from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.commands import DeskCommands

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from textual.timer import Timer

    from salontui.store.branches import BranchRow
    from salontui.store.changes import ChangeWatcher
    from salontui.store.settings import Settings

log = logging.getLogger("salontui.desk")

FIRST_SCREEN_ENV = "SALONTUI_FIRST_SCREEN"
DEMO_CUSTOMERS = 500
DEMO_SEED = 1


class StartState(Message):
    """What the start-up worker found: the engine, settings, staff, and whether it is empty;
    the desk's branch; or why the desk does not open (``refusal``)."""

    def __init__(self, *, engine=None, settings=None, staff=(), empty: bool = False,
                 error: BaseException | None = None, demo_built: bool = False,
                 place: DeskPlace | None = None, refusal: str = "", methods=()) -> None:
        super().__init__()
        self.engine = engine
        self.settings = settings
        self.staff = list(staff)
        self.methods = list(methods)
        self.empty = empty
        self.error = error
        self.demo_built = demo_built
        self.place = place
        self.refusal = refusal


@dataclass
class DeskPlace:
    """The branch a desk stands at, the chain's open branches, and what to tell the
    receptionist about it ("" mostly)."""

    branch: BranchRow | None
    branches: list[BranchRow]
    note: str = ""

    @property
    def in_chain(self) -> bool:
        return len(self.branches) > 1

    @property
    def branch_id(self) -> int | None:
        """Where the desk writes: None (the first branch, never named) in a one-branch
        salon, else its branch's id."""
        return self.branch.id if self.branch is not None and self.in_chain else None


class BranchRefused(Exception):
    """The branch asked for with --branch is not one the desk can open at."""


class StatusText(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class DatabaseChanged(Message):
    """The database changed (this desk or another wrote): what is shown is read again."""


class MethodsRead(Message):
    """The salon's payment methods, read again after a change."""

    def __init__(self, methods: list) -> None:
        super().__init__()
        self.methods = methods


class SalonApp(App[None]):
    """The front desk: customer search first, then a customer's detail and its dialogs."""

    CSS_PATH = "app.tcss"
    TITLE = "salontui"
    # Only the desk's commands: Textual's own (theme, screenshot, maximize…) are for
    # developers, and in English whatever the desk's language.
    COMMANDS = {DeskCommands}
    BINDINGS = [
        Binding("f1", "help", _("Help"), id="app.help"),
        Binding("f2", "switch_staff", _("Staff"), id="app.switch_staff", show=False),
        # The day, one key from anywhere (Ctrl: no screen types these, and F-keys are full).
        Binding("ctrl+t", "today", _("Today"), id="app.today", show=False),
        Binding("ctrl+o", "appointment_book", _("Book"), id="app.book", show=False),
    ]

    status: reactive[str] = reactive("")
    ready: reactive[bool] = reactive(False)
    # Bumped when the database changes (screens watch it and read again); a bump itself
    # draws nothing: a repainting reactive of the app would redraw the whole screen.
    data_version: reactive[int] = reactive(0, repaint=False)

    def __init__(self, db_url: str, *, staff_id: int | None = None,
                 demo_if_empty: bool = False, branch: str | None = None,
                 first_screen: str | None = None) -> None:
        super().__init__()
        self.db_url = db_url
        # The Today board opens over the search (Esc or / goes down to it); a desk that
        # should open on the search says so (SALONTUI_FIRST_SCREEN=search).
        self.first_screen = first_screen or os.environ.get(FIRST_SCREEN_ENV) or "today"
        # The branch asked for (--branch), else the remembered one, else the first.
        self.wanted_branch = branch
        self.place = DeskPlace(None, [])
        self.refusal = ""  # why the desk closed at start (an unknown branch), for stderr
        self.engine: Engine | None = None
        self.settings: Settings | None = None
        self.formatter = Formatter()
        self.staff_id: int | None = None
        self.staff_name = ""
        self.wanted_staff_id = staff_id
        # The idle lock: the last key's time (time.monotonic), whether the signed-in person
        # has a PIN (only then the desk locks), and the one-shot timer armed to the deadline.
        self.last_key = time.monotonic()
        self.staff_has_pin = False
        self.lock_timer: Timer | None = None
        self.demo_if_empty = demo_if_empty
        self.staff: list = []
        self.grants: frozenset[str] | None = None  # the signed-in role's (screens/guarded.py)
        # The salon's payment methods (store/admin/methods.py's MethodRow), retired ones
        # too, in its order: the checkout offers the active ones.
        self.methods: list = []
        self.freeze_gc = False
        self.pending_calls = 0  # store answers on their way (see screens/base.py)
        # Live updates: a commit by any desk bumps data_version (store/changes.py).
        self.change_watcher: ChangeWatcher | None = None
        # No sliding tab underlines or smooth scrolls: every animation frame is bytes
        # over SSH and time on a slow PC; the desk changes in one frame.
        self.animation_level = "none"
        if os.environ.get("TERM") == "linux":
            # The Linux console has 16 colours: use them as they are, not approximations.
            self.theme = "ansi-dark"

    def get_default_screen(self):
        from salontui.screens.search import CustomerSearchScreen

        return CustomerSearchScreen()

    def on_mount(self) -> None:
        self.use_user_keys()
        self.status = _("Loading…")
        self.sub_title = _("Loading…")
        # Load after the first frame is on the terminal: the loader's imports hold the GIL
        # and would otherwise delay the first paint on a slow PC.
        self.call_after_refresh(self._start_up)

    def use_user_keys(self) -> None:
        """Apply the receptionist's keymap file (salontui/keymap.py); a bad entry is one
        line at start, and the good ones apply all the same."""
        from salontui.keymap import read_keymap

        try:
            keymap, report = read_keymap()
        except Exception as error:  # a keymap never keeps the desk shut
            keymap, report = {}, str(error)
        if keymap:
            self.set_keymap(keymap)
        if report:
            self.notify(report, severity="warning", timeout=15)

    # -- start-up -------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def _start_up(self, build_demo: bool = False) -> None:
        try:
            from salontui.store.db import make_engine
            from salontui.store.schema import ensure_current

            engine = self.engine or make_engine(self.db_url)
            ensure_current(engine)
            self._open_watcher(engine)  # before the first read: no change falls between
            place = self._read_place(engine)
            settings, staff, empty = read_state(engine, place.branch_id)
            built = False
            if empty and (build_demo or self.demo_if_empty):
                self.post_message(StatusText(_("Building the demo salon…")))
                from salontui.store.demo import build_demo as make_demo

                def progress(stage: str, fraction: float) -> None:
                    self.post_message(StatusText(
                        _("Building the demo salon… {stage} {percent}%").format(
                            stage=stage, percent=int(fraction * 100))))

                engine.dispose()  # the builder writes through its own connection
                make_demo(self.db_url, customers=DEMO_CUSTOMERS, seed=DEMO_SEED,
                          progress=progress)
                place = self._read_place(engine)
                settings, staff, empty = read_state(engine, place.branch_id)
                built = True
            methods = read_methods(engine)
        except BranchRefused as refused:
            self.post_message(StartState(refusal=str(refused)))
            return
        except Exception as error:
            log.exception("start-up failed")
            self.post_message(StartState(error=error))
            return
        self.post_message(StartState(engine=engine, settings=settings, staff=staff,
                                     empty=empty, demo_built=built, place=place,
                                     methods=methods))

    def _read_place(self, engine: Engine) -> DeskPlace:
        """The desk's branch (in the start-up worker): the one asked for, which this
        terminal then remembers, else the remembered one, else the first."""
        from salontui.desk_branch import remember_branch, remembered_branch

        wanted = self.wanted_branch
        place = read_place(engine, wanted, None if wanted else remembered_branch(self.db_url))
        if wanted and place.branch is not None:
            remember_branch(self.db_url, place.branch.code)
        return place

    def on_status_text(self, message: StatusText) -> None:
        self.status = message.text

    def on_start_state(self, message: StartState) -> None:
        if message.refusal:  # not this desk's branch: closed before anyone uses it
            self.refusal = message.refusal
            self.status = message.refusal
            self.exit(return_code=1)
            return
        if message.error is not None:
            text = _("Could not open the salon: {error}").format(error=message.error)
            self.status = text
            self.sub_title = _("not ready")
            self.notify(text, severity="error", timeout=15)
            return
        self.engine = message.engine
        if message.place is not None:
            self.place = message.place
        self.apply_settings(message.settings)
        self.staff = message.staff
        self.methods = message.methods
        if self.place.note:
            self.notify(self.place.note, severity="warning", timeout=10)
        self.ready = True
        self.status = _("Ready")
        self.data_version += 1
        self._watch_changes()
        if self.freeze_gc:
            # Everything imported and built so far lives as long as the desk: take it out of
            # the collector's rounds, which otherwise rescan it in the middle of keystrokes.
            # (No gc.collect() first: 0.1 s on the first results for little memory.)
            gc.freeze()
        if message.empty:
            self.sub_title = _("new salon")
            self._offer_setup()
            return
        if self.first_screen == "today":
            self.action_today()
        self._choose_staff(prefer_owner=message.demo_built)

    # -- live updates -----------------------------------------------------------------
    def _open_watcher(self, engine: Engine) -> None:
        """Open the change watcher (in the start-up worker: a PostgreSQL connection may
        take a moment). Without one the desk works all the same, without live updates."""
        if self.change_watcher is not None:
            return
        from salontui.store.changes import open_watcher

        watcher = open_watcher(engine)
        if watcher is not None and not self.is_running:  # quit while it opened
            watcher.stop()
            return
        self.change_watcher = watcher

    def _watch_changes(self) -> None:
        """Start the watcher: each change it sees (from its thread) bumps data_version,
        which the screens watch. Nothing runs on this thread while nothing changes."""
        watcher = self.change_watcher
        if watcher is not None and not watcher.running:
            watcher.start(self._changed)

    def _changed(self) -> None:
        """From the watcher's thread: post_message is safe there, and never waits (a desk
        quitting just drops it)."""
        self.post_message(DatabaseChanged())

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        if self.engine is not None:
            self.data_version += 1
            self._load_methods()

    @work(thread=True, exclusive=True, group="methods", exit_on_error=False)
    def _load_methods(self) -> None:
        """Read the payment methods again (another desk, or this one, may have changed
        them); a failure keeps the list the desk had."""
        engine = self.engine
        if engine is None:
            return
        try:
            methods = read_methods(engine)
        except Exception:  # the desk keeps the list it had
            log.exception("reading the payment methods failed")
            return
        self.post_message(MethodsRead(methods))

    def on_methods_read(self, message: MethodsRead) -> None:
        self.methods = message.methods

    def on_unmount(self) -> None:
        watcher, self.change_watcher = self.change_watcher, None
        if watcher is not None:
            watcher.stop()

    def apply_settings(self, settings: Settings) -> None:
        from salontui.store.dates import use_salon_locale

        self.settings = settings
        self.formatter = Formatter.from_settings(settings)
        use_salon_locale(settings.locale)  # the store's messages write dates as the desk does
        self.title = settings.name or "salontui"
        branch = self.branch
        if branch is not None:  # a chain: every screen's header says where the desk is
            # ("Salon Hoa Mai Thanh Khê" already names the salon: not twice)
            self.title = branch.name if branch.name.startswith(self.title) \
                else f"{self.title} · {branch.name}"
        self.arm_lock()  # the lock minutes may have changed

    # -- the desk's branch ------------------------------------------------------------
    @property
    def in_chain(self) -> bool:
        """Whether the salon has more than one open branch (else none is ever named)."""
        return self.place.in_chain

    @property
    def branch_id(self) -> int | None:
        """The branch the desk writes at and reads for: None in a one-branch salon (its
        rows keep no branch, which is the first)."""
        return self.place.branch_id

    @property
    def branch(self) -> BranchRow | None:
        """The desk's branch, in a chain (None in a one-branch salon)."""
        return self.place.branch if self.in_chain else None

    def _offer_setup(self) -> None:
        from salontui.screens.dialogs.setup import DEMO, SetupDialog

        def answer(choice: str | None) -> None:
            if choice == DEMO:
                self.status = _("Building the demo salon…")
                self._start_up(build_demo=True)
            elif choice is not None:
                self._ask_owner()
            else:
                self.status = _("Ready: empty salon. {new} adds a customer; {staff} signs "
                                "in.").format(new=self.key_on_search("search.new_customer"),
                                              staff=key_of(self, "app.switch_staff"))

        self.push_screen(SetupDialog(), callback=answer)

    def _ask_owner(self) -> None:
        from salontui.screens.dialogs.owner import OwnerDialog

        def answer(member) -> None:
            if member is not None:
                self.staff = [member]
                self.sign_in(member)
                self.data_version += 1

        self.push_screen(OwnerDialog(), callback=answer)

    def _choose_staff(self, *, prefer_owner: bool = False) -> None:
        active = [m for m in self.staff if m.active]
        wanted = next((m for m in active if m.id == self.wanted_staff_id), None)
        if wanted is None and len(active) == 1:
            wanted = active[0]
        if wanted is None and prefer_owner:
            wanted = next((m for m in active if m.role == "owner"), None)
        self.sub_title = _("nobody signed in ({key})").format(
            key=key_of(self, "app.switch_staff"))
        if wanted is not None:
            # By name only if they have no PIN yet; else the desk starts on their PIN.
            self._sign_in_picked(wanted, announce=False)
            return
        if active:
            self._pick_staff(active)

    def sign_in(self, member) -> None:
        self.staff_id = member.id
        self.staff_name = member.name
        self.sub_title = member.name
        self.grants = None  # what the new role may do alone: read again (screens/guarded.py)
        self._read_grants(member.role)

    @work(thread=True, exclusive=True, group="grants", exit_on_error=False)
    def _read_grants(self, role: str) -> None:
        """What ``role`` may do alone by the owner's table, for the palette's notes."""
        from salontui.store.admin.permissions import role_allows
        from salontui.store.db import read_session
        from salontui.store.kinds import Permission

        engine = self.engine
        if engine is None:
            return
        with read_session(engine) as session:
            grants = frozenset(p.value for p in Permission if role_allows(session, role, p))
        self.call_from_thread(setattr, self, "grants", grants)

    # -- staff ----------------------------------------------------------------------
    def _pick_staff(self, staff: list) -> None:
        from salontui.screens.dialogs.staff_picker import StaffPickerDialog

        def answer(member) -> None:
            if member is not None:
                self._sign_in_picked(member)

        self.push_screen(StaffPickerDialog(staff, current_id=self.staff_id), callback=answer)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _sign_in_picked(self, member, announce: bool = True) -> None:
        """The store says whether ``member`` signs in by name (no PIN yet) or must type
        their PIN (asked then, in PinSignInDialog). At start (``announce`` False) a sign-in
        by name is quiet, as it always was; nobody is signed in until then."""
        from salontui.store.admin.pins import sign_in
        from salontui.store.db import read_session
        from salontui.store.errors import SalonError

        engine = self.engine
        if engine is None:
            return
        try:
            with read_session(engine) as session:
                signed = sign_in(session, staff_id=member.id, pin=None)
        except SalonError as error:
            if error.field == "pin":
                self.call_from_thread(self._ask_pin, member)
            else:
                self.call_from_thread(self.notify, error.message, severity="error")
            return
        except Exception as error:
            self.call_from_thread(self.notify, str(error), severity="error")
            return
        self.call_from_thread(self._signed_in, signed, False, announce=announce)

    def _ask_pin(self, member) -> None:
        """The PIN of ``member``; Esc signs nobody in (at start the desk stays with nobody
        signed in, F2 to sign in)."""
        from salontui.screens.dialogs.pin_sign_in import PinSignInDialog

        def answer(signed) -> None:
            if signed is not None:
                self._signed_in(signed, True)
            elif self.staff_id is None:
                # Said on the header and, since a screen's own title (the Today board's)
                # covers it there, once in a notification.
                key = key_of(self, "app.switch_staff")
                self.sub_title = _("nobody signed in ({key})").format(key=key)
                self.notify(_("Nobody is signed in: {key} signs in.").format(key=key),
                            timeout=5)

        self.push_screen(PinSignInDialog(member), callback=answer)

    def _signed_in(self, member, has_pin: bool, *, announce: bool = True) -> None:
        """Signed in at F2 (or past the lock): an idle lock open underneath goes."""
        from salontui.screens.dialogs.pin_sign_in import LockDialog

        self.sign_in(member)
        self.staff_has_pin = has_pin
        if isinstance(self.screen, LockDialog):
            self.screen.dismiss(None)
        if announce:
            self.notify(_("Signed in: {name}").format(name=member.name), timeout=3)
        self.arm_lock()

    # -- the idle lock ----------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.last_key = time.monotonic()
        await super().on_event(event)

    @property
    def lock_seconds(self) -> float:
        """Idle seconds before the desk locks (0: never; only a PIN holder's desk locks)."""
        minutes = getattr(self.settings, "lock_minutes", 0) or 0
        return minutes * 60.0 if self.staff_has_pin and self.staff_id is not None else 0.0

    def arm_lock(self) -> None:
        """One timer to the moment the desk would lock (nothing runs in between)."""
        if self.lock_timer is not None:
            self.lock_timer.stop()
            self.lock_timer = None
        seconds = self.lock_seconds
        if seconds:
            left = max(1.0, self.last_key + seconds - time.monotonic())
            self.lock_timer = self.set_timer(left, self.idle_check)

    def idle_check(self, now: float | None = None) -> bool:
        """Lock if no key came for the lock minutes (``now``: a time.monotonic value, for
        tests), else wait again to the new deadline; whether the desk is locked now."""
        from salontui.screens.dialogs.pin_sign_in import LockDialog

        self.lock_timer = None
        seconds = self.lock_seconds
        if not seconds:
            return False
        if any(isinstance(s, LockDialog) for s in self.screen_stack):
            return True
        now = time.monotonic() if now is None else now
        if now - self.last_key < seconds:
            self.arm_lock()
            return False
        member = next((m for m in self.staff if m.id == self.staff_id), None)
        if member is None:
            from salontui.store.staff import StaffMember

            member = StaffMember(id=self.staff_id or 0, name=self.staff_name, role="",
                                 active=True)

        def answer(signed) -> None:
            if signed is not None:  # the PIN unlocked (someone else closes it themselves)
                self._signed_in(signed, True)

        self.push_screen(LockDialog(member), callback=answer)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Locked: only signing in (F2), help and quitting work."""
        from salontui.screens.dialogs.pin_sign_in import LockDialog

        if action not in ("switch_staff", "help", "quit") and any(
                isinstance(s, LockDialog) for s in self.screen_stack):
            return False
        return super().check_action(action, parameters)

    def action_switch_staff(self) -> None:
        if self.engine is None:
            self.notify(_("The salon is still loading."), timeout=3)
            return
        self._load_staff()

    @work(thread=True, exclusive=True, group="staff", exit_on_error=False)
    def _load_staff(self) -> None:
        engine = self.engine
        if engine is None:  # action_switch_staff asks only once the salon is open
            return
        try:
            from salontui.store.db import read_session
            from salontui.store.staff import list_staff

            with read_session(engine) as session:
                staff = list_staff(session, branch_id=self.branch_id)
        except Exception as error:
            self.call_from_thread(self.notify, str(error), severity="error")
            return
        self.call_from_thread(self._pick_staff, staff)

    def get_key_display(self, binding: Binding) -> str:
        """Plain key names on the Linux console, whose font has no ⏎."""
        display = super().get_key_display(binding)
        if os.environ.get("TERM") == "linux":
            display = display.replace("⏎", "enter")
        return display

    # -- the day ----------------------------------------------------------------------
    def action_today(self) -> None:
        """The Today board: brought forward if it is open (what lies on it closes), else
        opened over the search."""
        from salontui.screens.day.today import TodayScreen

        self._bring_forward(TodayScreen, TodayScreen)

    def action_appointment_book(self) -> None:
        from salontui.screens.day.book import AppointmentBookScreen

        self._bring_forward(AppointmentBookScreen, AppointmentBookScreen)

    def _bring_forward(self, kind: type, make) -> None:
        """Show the screen of ``kind``: pop down to it when it is on the stack, else push a
        new one over what is shown. A checkout is never closed this way (its cart would be
        lost): over a checkout the screen opens on top. Nothing while the salon loads or a
        dialog is open."""
        from textual.screen import ModalScreen

        from salontui.screens.checkout.screen import CheckoutScreen

        if self.engine is None:
            self.notify(_("The salon is still loading."), timeout=3)
            return
        if isinstance(self.screen, ModalScreen | kind):
            return
        stack = self.screen_stack
        below = next((n for n in range(len(stack) - 1, -1, -1)
                      if isinstance(stack[n], kind)), None)
        if below is None or any(isinstance(s, CheckoutScreen) for s in stack[below + 1:]):
            self.push_screen(make())
            return
        while not isinstance(self.screen, kind):
            self.pop_screen()

    # -- help and palette -----------------------------------------------------------
    def action_help(self) -> None:
        from salontui.screens.dialogs.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            return
        self.push_screen(HelpDialog(self.screen))

    def desk_commands(self):
        from salontui.screens.commands import Command, binding_commands

        return [
            *binding_commands(self, (
                Command("app.switch_staff", _("Switch staff member"), _("Who is at the desk")),
                Command("app.today", _("Open today's board"),
                        _("Today's visits: expected, arrived, paid, not followed up")),
                Command("app.book", _("Open the appointment book"),
                        _("The day by staff member and time")),
                Command("app.help", _("Show keys"), _("Every key of this screen")),
            )),
            (_("Quit the desk"), _("Close salontui ({key})").format(key=self.quit_key()),
             self.exit),
        ]

    def quit_key(self) -> str:
        """The key of Textual's own quit binding ("Ctrl+Q"), read from the app's bindings
        (it has no id: it is found by its action)."""
        from salontui.keymap import key_label, live_bindings

        for bindings in live_bindings(self).key_to_bindings.values():
            for binding in bindings:
                if binding.action == "quit":
                    return key_label(binding.key)
        return "Ctrl+Q"

    def key_on_search(self, binding_id: str) -> str:
        """A key of the search screen (the desk's first), after the user's keymap."""
        from salontui.keymap import key_on
        from salontui.screens.search import CustomerSearchScreen

        return key_on(self, CustomerSearchScreen, binding_id)

    def action_command_palette(self) -> None:
        """The command palette, with its prompt in the desk's language."""
        from textual.command import CommandPalette

        # Textual types is_open(app: App[object]) where App[Any] is meant: App is invariant
        # in its return type, so an App[None] (this desk) does not match App[object].
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=_("Type a command…")))


def read_place(engine, wanted: str | None, remembered: str | None = None) -> DeskPlace:
    """Where the desk stands: the branch ``wanted`` (a code; an unknown or closed one is
    :class:`BranchRefused`, one sentence naming the open branches), else the
    ``remembered`` one if it is still open, else the first."""
    from salontui.store.branches import find_branch, get_branch, list_branches
    from salontui.store.db import read_session
    from salontui.store.errors import NotFound
    from salontui.store.text import quote

    with read_session(engine) as session:
        branches = list_branches(session)
        if wanted:
            try:
                branch = find_branch(session, code=wanted)
            except NotFound as error:
                raise BranchRefused(error.message) from None
            if not branch.active:
                raise BranchRefused(_("Branch {code} is closed (the open branches are: "
                                      "{known}).").format(
                    code=quote(branch.code), known=", ".join(b.code for b in branches)))
            return DeskPlace(branch, branches)
        code = (remembered or "").strip().upper()
        branch = next((b for b in branches if code and b.code == code), None)
        if branch is not None:
            return DeskPlace(branch, branches)
        place = DeskPlace(get_branch(session, None), branches)
        if code and place.in_chain and place.branch is not None:
            place.note = _("Branch {code} is closed or gone: this desk is at {name}.").format(
                code=quote(code), name=place.branch.name)
        return place


def read_state(engine, branch_id: int | None = None):
    """(settings, active staff, empty?) of the database: empty = no customers and no staff.
    With ``branch_id``, the staff of that branch (and those of every branch)."""
    from salontui.store import clock
    from salontui.store.db import read_session
    from salontui.store.search import recent_customers
    from salontui.store.settings import get_settings
    from salontui.store.staff import list_staff

    with read_session(engine) as session:
        settings = get_settings(session)
        staff = list_staff(session, branch_id=branch_id)
        anyone = list_staff(session, include_inactive=True)
        customers = (recent_customers(session, limit=1)
                     or recent_customers(session, limit=1, deleted=True))
    clock.use_salon_offset(settings.utc_offset_minutes)  # "today" is the salon's day
    return settings, staff, not anyone and not customers


def read_methods(engine) -> list:
    """The salon's payment methods, retired ones too, in its order."""
    from salontui.store.admin.methods import list_methods
    from salontui.store.db import read_session

    with read_session(engine) as session:
        return list_methods(session)


def run_desk(db_url: str, *, demo_if_empty: bool = False, staff_id: int | None = None,
             branch: str | None = None) -> None:
    """Open the desk on ``db_url`` (at ``branch``, a code) and run it until the
    receptionist quits. A branch the desk cannot open at: one sentence on stderr and
    exit status 1, once the terminal is the shell's again."""
    import sys

    app = SalonApp(db_url, demo_if_empty=demo_if_empty, staff_id=staff_id, branch=branch)
    app.freeze_gc = True
    app.run()
    if app.refusal:
        print(app.refusal, file=sys.stderr)
        raise SystemExit(1)
