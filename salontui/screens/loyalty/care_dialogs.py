"""The customer list's dialogs: the filter, a bulk care action and its run, the member
state of a selection (:class:`~salontui.screens.loyalty.customers.CustomerListScreen`).

* :class:`FilterDialog`: every condition of a
  :class:`~salontui.store.loyalty.customer_list.CustomerFilter`; an empty field is "any".
  Dates are typed the salon's way (or YYYY-MM-DD), amounts as at the checkout; what cannot
  be read, or what the store refuses (a month 13, a range upside down), is said at its
  field. Answers the filter.
* :class:`CareActionDialog`: what is done (give or deduct points or accumulated spend, or
  log a call, an SMS or an email sent), how much, the care type, the reason (one of the
  care catalogue's for that type, or a new one typed: it joins the catalogue) and a note
  (each customer's care history says it). Confirm asks once more, naming how many
  customers; then the store writes the batch and the dialog answers it.
* :class:`BatchRunDialog`: runs a batch in a thread worker, a chunk of customers per
  transaction, with a progress bar; Escape stops after the chunk under way (the rest
  waits, offered when the list opens again). At the end: how many done, refused and
  pending, and who was refused, why.
* :class:`MemberStateDialog`: activate, re-activate or exclude (with a reason) the
  selection; each customer wholly or not (store/loyalty/members.py).

Choices with many values (the action, the care type, the reason, a tier, a month of the
list) are a :class:`CycleChoice`: one line whatever the language, Left/Right (or Space)
step through them, a first letter jumps.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.renderables.bar import Bar as BarRenderable
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from salontui.i18n import N_, _, ngettext
from salontui.screens.app_access import DeskApp
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError, ValidationError
from salontui.store.kinds import CARE_TYPE_LABELS, MEMBER_STATE_LABELS, CareType, MemberState
from salontui.store.money import to_decimal_string
from salontui.store.names import tier_label
from salontui.widgets import fmt as cached
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.loyalty.care_batches import BatchReport, BatchRow
    from salontui.store.loyalty.care_catalogue import ReasonRow
    from salontui.store.loyalty.customer_list import CustomerFilter, TierChoice
    from salontui.store.loyalty.members import MemberStatesReport

log = logging.getLogger("salontui.desk")

ANY = ""
NEW_REASON = "new"
NOTE_CHARS = 4000  # store.care.MAX_DESCRIPTION
REASON_CHARS = 120  # store.loyalty.care_catalogue.MAX_NAME
MEMBER_REASON_CHARS = 250  # store.loyalty.members.MAX_REASON
DATE_CHARS = 20  # store.bounds.MAX_DATE_TEXT
AMOUNT_CHARS = 30  # store.bounds.MAX_NUMBER_TEXT
MAX_POINTS_TYPED = 1_000_000  # points given or taken at once (parse_count's own limit)
MAX_IDS_A_CALL = 10_000  # store.bounds.MAX_ITEMS: ids in one list argument

# What a bulk care action does, as the dialog offers it: (value, label, store action, sign).
ACTIONS = (
    ("give_points", N_("Give points"), "points", 1),
    ("deduct_points", N_("Deduct points"), "points", -1),
    ("give_spend", N_("Give spend"), "spend", 1),
    ("deduct_spend", N_("Deduct spend"), "spend", -1),
    ("call", N_("Log a call"), "call", 0),
    ("sms", N_("Log an SMS"), "sms", 0),
    ("email", N_("Log an email"), "email", 0),
)
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
          N_("December"))


def care_type_text(care_type: str) -> str:
    return stored_label(CARE_TYPE_LABELS, care_type)


def member_state_text(state: str) -> str:
    """A member state in words ("active" too: the list names every state)."""
    if state == MemberState.ACTIVE:
        return _("active")
    return stored_label(MEMBER_STATE_LABELS, state)


def batch_action_text(fmt: Formatter, action: str, amount: int) -> str:
    """What a batch does, in a few words: "Give 100 points", "Deduct 500.000 ₫ of spend",
    "Log a call"."""
    if action == "points":
        n = cached.points(fmt, abs(amount))
        return (ngettext("Give {n} point", "Give {n} points", abs(amount)) if amount > 0
                else ngettext("Deduct {n} point", "Deduct {n} points", abs(amount))
                ).format(n=n)
    if action == "spend":
        money = cached.money(fmt, abs(amount))
        return (_("Give {amount} of spend") if amount > 0
                else _("Deduct {amount} of spend")).format(amount=money)
    label = next((label for value, label, _a, _s in ACTIONS if value == action), action)
    return _(label)


class CycleChoice(RadioChoice):
    """One value of many on one line, ``< Treatment >``: Left/Right/Space step through the
    values (round), a first letter jumps to the next value starting with it; Enter is left
    to the form. (A :class:`RadioChoice` shows every value: too wide for a dozen.)"""

    def render(self) -> Content:
        label = next((label for value, label in self.options if value == self.value), "")
        return Content.assemble("< ", (label, "bold"), " >")

    def on_key(self, event) -> None:
        char = (event.character or "").lower()
        if len(char) != 1 or not char.isalpha():
            return
        start = self._index()
        count = len(self.options)
        for step in range(1, count + 1):
            value, label = self.options[(start + step) % count]
            if label.lower().startswith(char):
                self.value = value
                event.stop()
                return

    def on_click(self, event) -> None:
        self.action_move(1)

    def set_options(self, options: Sequence[tuple[str, str]], value: str | None = None) -> None:
        self.options = list(options)
        values = [v for v, _label in self.options]
        self.value = value if value in values else (values[0] if values else "")
        self.refresh()


def _cycle(options: Sequence[tuple[str, str]], value: str, widget_id: str) -> CycleChoice:
    return CycleChoice(options, value=value, id=widget_id)


# -- the filter ---------------------------------------------------------------------------


class FilterDialog(FormDialog):
    """Every condition of the customer list; answers the CustomerFilter (checked by the
    store: a tier that is gone, a month 13, a range upside down are said at their field)."""

    store_writes = False  # the store only checks: a read

    DEFAULT_CSS = """
    FilterDialog .dialog { width: 76; }
    FilterDialog Field .field-label { width: 20; }
    FilterDialog Field .field-error { padding-left: 20; }
    """

    def __init__(self, current: CustomerFilter, tiers: Sequence[TierChoice]) -> None:
        super().__init__()
        self.current = current
        self.tiers = list(tiers)
        self.title_text = _("Filter the customers")
        self.confirm_label = _("Show")

    def compose_body(self) -> ComposeResult:
        f, fmt = self.current, self.formatter
        anyone = _("Any")
        yield Field(_("Member state"), _cycle(
            [(ANY, anyone), *((str(s), member_state_text(s)) for s in MemberState)],
            f.member_state or ANY, "member-state"), key="member_state")
        yield Field(_("Tier"), _cycle(
            [(ANY, anyone), *((str(t.id), tier_label(t.name)) for t in self.tiers)],
            str(f.tier_id) if f.tier_id is not None else ANY, "tier"), key="tier_id")
        yield Field(_("Born in month"), DeskInput(
            str(f.birthday_month) if f.birthday_month else "", id="birthday-month",
            max_length=2, placeholder="1-12"), key="birthday_month")
        hint = fmt.date_hint()
        for key, label, day in (
                ("visited_after", _("Last visit from"), f.visited_after),
                ("visited_before", _("Last visit before"), f.visited_before),
                ("not_visited_since", _("No visit since"), f.not_visited_since)):
            yield Field(label, DeskInput(fmt.date(day) if day else "",
                                         id=key.replace("_", "-"), max_length=DATE_CHARS,
                                         placeholder=hint), key=key)
        for key, label, spend in (("spend_min", _("Spent at least"), f.spend_min),
                                  ("spend_max", _("Spent at most"), f.spend_max)):
            typed = "" if spend is None else to_decimal_string(spend, fmt.exponent)
            yield Field(label, DeskInput(typed, id=key.replace("_", "-"),
                                         max_length=AMOUNT_CHARS), key=key)
        debt = ANY if f.has_debt is None else ("yes" if f.has_debt else "no")
        yield Field(_("Debt"), _cycle([(ANY, anyone), ("yes", _("Owes")),
                                       ("no", _("Owes nothing"))], debt, "has-debt"),
                    key="has_debt")
        yield Field(_("Package expiring"), DeskInput(
            str(f.package_days) if f.package_days is not None else "", id="package-days",
            max_length=5, placeholder=_("within days")), key="package_days")
        yield Field(_("Care received"), _cycle(
            [(ANY, anyone), *((str(t), care_type_text(t)) for t in CareType)],
            f.care_type or ANY, "care-type"), key="care_type")

    def focus_first(self) -> None:
        self.query_one("#member-state", CycleChoice).focus()

    def choice(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", CycleChoice).value

    def read_filter(self) -> CustomerFilter:
        """What was typed, parsed (a SalonError at the field that cannot be read)."""
        from salontui.store.loyalty.customer_list import CustomerFilter

        fmt = self.formatter
        month = parse_count(self.value("birthday_month"), field="birthday_month",
                            label=_("The month"), allow_zero=False, required=False)
        days = parse_count(self.value("package_days"), field="package_days",
                           label=_("Days"), required=False)
        spends: dict[str, int | None] = {}
        for key in ("spend_min", "spend_max"):
            typed = self.value(key)
            spends[key] = (fmt.parse_money(typed, field=key, allow_zero=True)
                           if typed else None)
        dates: dict[str, date | None] = {
            key: fmt.parse_date(self.value(key), field=key, required=False)
            for key in ("visited_after", "visited_before", "not_visited_since")}
        tier = self.choice("tier")
        debt = self.choice("has-debt")
        return CustomerFilter(
            member_state=self.choice("member-state") or None,
            tier_id=int(tier) if tier else None, birthday_month=month,
            visited_after=dates["visited_after"], visited_before=dates["visited_before"],
            spend_min=spends["spend_min"], spend_max=spends["spend_max"],
            has_debt=None if not debt else debt == "yes", package_days=days,
            not_visited_since=dates["not_visited_since"],
            care_type=self.choice("care-type") or None)

    def prepare(self) -> Callable[[Session], CustomerFilter]:
        wanted = self.read_filter()

        def check(session: Session) -> CustomerFilter:
            from salontui.store.loyalty.customer_list import check_filter

            return check_filter(session, wanted)

        return check


# -- a bulk care action -------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    """The customers a care action is for: a list, or all matching a filter less some."""

    count: int
    customer_ids: list[int] | None = None
    matching: CustomerFilter | None = None
    except_ids: list[int] | None = None


class CareActionDialog(FormDialog):
    """A bulk care action over ``chosen``; answers the BatchRow the store started (not run:
    :class:`BatchRunDialog` runs it)."""

    DEFAULT_CSS = """
    CareActionDialog #care-for { height: auto; padding: 0 0 1 0; }
    """

    def __init__(self, chosen: Chosen, reasons: Sequence[ReasonRow]) -> None:
        super().__init__()
        self.chosen = chosen
        self.reasons = [r for r in reasons if r.active]
        self.title_text = _("Care action")
        self.confirm_label = _("Go on")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(ngettext("For {n} customer", "For {n} customers",
                                      self.chosen.count).format(
            n=cached.points(self.formatter, self.chosen.count))), id="care-for")
        yield Field(_("Action"), _cycle([(value, _(label)) for value, label, _a, _s in ACTIONS],
                                        "give_points", "action"), key="action")
        yield Field(_("Points or spend"), DeskInput("", id="amount", max_length=AMOUNT_CHARS,
                                           placeholder="100"), key="amount", required=True)
        yield Field(_("Care type"), _cycle([(str(t), care_type_text(t)) for t in CareType],
                                           str(CareType.CARE), "care-type"), key="care_type")
        reasons = self.reason_options(str(CareType.CARE))
        yield Field(_("Reason"), _cycle(reasons, reasons[0][0], "reason"),
                    key="reason_choice")
        yield Field(_("New reason"), DeskInput("", id="new-reason", max_length=REASON_CHARS,
                                               placeholder=_("joins the care catalogue")),
                    key="new_reason", aliases=("reason",), required=True)
        yield Field(_("Note"), DeskInput("", id="note", max_length=NOTE_CHARS,
                                         placeholder=_("each customer's care history says it")),
                    key="note")

    def on_mount(self) -> None:
        super().on_mount()
        self.sync()

    def focus_first(self) -> None:
        self.query_one("#action", CycleChoice).focus()

    def reason_options(self, care_type: str) -> list[tuple[str, str]]:
        options = [(str(r.id), r.name) for r in self.reasons if r.care_type == care_type]
        return [*options, (NEW_REASON, _("New reason…"))]

    def action(self) -> tuple[str, str, int]:
        value = self.query_one("#action", CycleChoice).value
        return next((v, a, sign) for v, _label, a, sign in ACTIONS if v == value)

    def sync(self) -> None:
        """The amount only for points and spend; the new reason only when chosen."""
        _value, action, sign = self.action()
        self.field("amount").display = sign != 0
        placeholder = "100" if action == "points" else self.formatter.money(100_000)
        self.query_one("#amount", DeskInput).placeholder = placeholder
        self.field("new_reason").display = self.query_one(
            "#reason", CycleChoice).value == NEW_REASON

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        if not self.is_mounted:
            return
        if event.choice.id == "action":
            value, _action, sign = self.action()
            if sign == 0:  # a call is logged as a call, unless changed after
                self.query_one("#care-type", CycleChoice).value = value
        elif event.choice.id == "care-type":
            self.query_one("#reason", CycleChoice).set_options(
                self.reason_options(event.value))
        self.sync()

    def field_for(self, name: str | None) -> Field | None:
        if name == "reason" and self.query_one("#reason", CycleChoice).value != NEW_REASON:
            return self.field("reason_choice")
        if name in ("customers", "action"):
            return None  # said on the dialog's own line
        return super().field_for(name)

    def read(self) -> dict[str, Any]:
        """The store call's arguments from what was typed (a SalonError at a field)."""
        _value, action, sign = self.action()
        amount = 0
        if sign:
            typed = self.value("amount")
            if action == "points":
                amount = parse_count(typed, field="amount", label=_("The number of points"),
                                     allow_zero=False)
            else:
                amount = self.formatter.parse_money(typed, field="amount")
            amount *= sign
        care_type = self.query_one("#care-type", CycleChoice).value
        choice = self.query_one("#reason", CycleChoice).value
        reason_id, reason = None, ""
        if choice == NEW_REASON:
            reason = self.value("new_reason")
            if not reason:
                raise ValidationError(_("Type the reason, or choose one of the catalogue."),
                                      field="reason")
        else:
            reason_id = int(choice)
        return {"action": action, "amount": amount, "care_type": care_type,
                "reason_id": reason_id, "reason": reason, "note": self.value("note")}

    def prepare(self) -> Callable[[Session], BatchRow]:
        args = self.read()
        chosen, staff_id = self.chosen, self.staff_id

        def start(session: Session) -> BatchRow:
            from salontui.store.loyalty.care_batches import start_batch

            assert staff_id is not None
            return start_batch(session, staff_id=staff_id, customer_ids=chosen.customer_ids,
                               matching=chosen.matching, except_ids=chosen.except_ids,
                               **args)

        return start

    def question(self, args: dict[str, Any]) -> str:
        what = batch_action_text(self.formatter, args["action"], args["amount"])
        reason = args["reason"] or next(
            (r.name for r in self.reasons if r.id == args["reason_id"]), "")
        return ngettext(
            "{what} for {n} customer? {type}: {reason}. Each one gets a line in their care "
            "history; a customer it cannot be done for is left out and named at the end.",
            "{what} for {n} customers? {type}: {reason}. Each one gets a line in their care "
            "history; a customer it cannot be done for is left out and named at the end.",
            self.chosen.count).format(what=what, n=cached.points(self.formatter,
                                                                 self.chosen.count),
                                      type=care_type_text(args["care_type"]), reason=reason)

    def action_confirm(self) -> None:
        """Read the fields, ask once more naming how many customers, then start it."""
        args = self.read_form(self.read)
        if args is None:
            return
        from salontui.screens.dialogs.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(self.question(args), title=_("Care action"),
                                           confirm_label=_("Start")),
                             callback=self.confirmed)

    def confirmed(self, yes: bool | None) -> None:
        if not yes or self.busy:
            return
        try:
            job = self.prepare()
        except SalonError as error:
            self.show_error(error)
            return
        self.busy = True
        self.ask(job, self.saved, write=True, failed=self.save_refused,
                 crashed=self.save_crashed)


# -- running a batch ------------------------------------------------------------------------


class ConsoleBar(BarRenderable):
    """The bar in characters every console font has, done and to do told apart without
    colour: ``#########---------`` (TERM=linux has no ━, and 16 colours)."""

    def __rich_console__(self, console, options):
        width = self.width or options.max_width
        done = max(0, min(width, round(self.highlight_range[1])))
        yield Text.assemble(("#" * done, console.get_style(self.highlight_style)),
                            ("-" * (width - done), console.get_style(self.background_style)),
                            end="")


class DeskProgressBar(ProgressBar):
    """A progress bar without an ETA, drawn with ``=`` on the Linux console."""

    if os.environ.get("TERM") == "linux":
        BAR_RENDERABLE = ConsoleBar


class BatchRunDialog(DeskApp, ModalScreen):
    """Runs a started (or unfinished) batch; answers its BatchReport, or None if it could
    not run at all."""

    DEFAULT_CSS = """
    BatchRunDialog .dialog { width: 76; }
    BatchRunDialog #run-what { height: auto; }
    BatchRunDialog #run-bar { margin: 1 0 0 0; }
    BatchRunDialog #run-count { height: auto; margin: 1 0 0 0; }
    BatchRunDialog #run-refused { height: auto; max-height: 8; display: none; }
    BatchRunDialog #run-hint { color: $text-muted; height: 1; margin: 1 0 0 0; }
    """

    BINDINGS = [
        Binding("escape", "stop", _("Stop"), id="loyalty.care_run.stop",
                tooltip=_("Stop after this chunk (the rest waits; finish it later)")),
        Binding("enter", "close", _("Close"), id="loyalty.care_run.close"),
    ]

    def __init__(self, batch: BatchRow, engine=None) -> None:
        super().__init__()
        self.care_batch = batch
        self.engine = engine
        self.running = False
        self.stopping = False
        self.report: BatchReport | None = None

    def compose(self) -> ComposeResult:
        b, fmt = self.care_batch, self.desk.formatter
        with Vertical(classes="dialog") as box:
            box.border_title = _("Care action")
            what = _("{what} · {type}: {reason}").format(
                what=batch_action_text(fmt, b.action, b.amount),
                type=care_type_text(b.care_type), reason=b.reason)
            yield Static(Content(what), id="run-what")
            yield DeskProgressBar(total=b.total, show_eta=False, id="run-bar")
            yield Static(Content(self.count_text(b.handled, b.total)), id="run-count")
            yield DeskTable([Col("code", _("Code"), 8),
                             Col("name", _("Customer"), 16, max_width=24, prose=True),
                             Col("why", _("Why"), None, min_width=20)], id="run-refused")
            yield Static(Content(_("Esc stops after this chunk")), id="run-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(_("Close (Enter)")), id="run-close", compact=True,
                             disabled=True)

    def count_text(self, handled: int, total: int) -> str:
        fmt = self.desk.formatter
        return _("{done} of {total} customers").format(done=cached.points(fmt, handled),
                                                       total=cached.points(fmt, total))

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=self.care_batch.handled)
        self.running = True
        self.run_worker(self.work, thread=True, exclusive=True, group="care-batch",
                        name="care-batch", exit_on_error=False)

    # -- in the worker's thread ---------------------------------------------------------
    def work(self) -> None:
        from salontui.store.loyalty.care_batches import run_batch

        engine = self.engine or self.desk.engine
        assert engine is not None  # (the list it was started from read the salon)
        try:
            report = run_batch(engine, self.care_batch.id, progress=self.progress)
        except SalonError as error:
            self.app.call_from_thread(self.failed, error.message)
            return
        except Exception as error:  # never let a worker take the desk down
            log.exception("care batch %s failed", self.care_batch.id)
            self.app.call_from_thread(self.failed, str(error))
            return
        self.app.call_from_thread(self.finished, report)

    def progress(self, handled: int, total: int) -> bool:
        self.app.call_from_thread(self.show_progress, handled, total)
        return not self.stopping

    # -- on the UI thread -----------------------------------------------------------------
    def show_progress(self, handled: int, total: int) -> None:
        self.query_one(ProgressBar).update(progress=handled, total=total)
        text = self.count_text(handled, total)
        if self.stopping:
            text += " · " + _("stopping after this chunk…")
        self.query_one("#run-count", Static).update(Content(text))

    def done(self) -> None:
        self.running = False
        self.query_one("#run-hint", Static).update(Content(_("Enter or Esc closes")))
        button = self.query_one("#run-close", Button)
        button.disabled = False
        button.focus()

    def failed(self, message: str) -> None:
        self.query_one("#run-count", Static).update(Content(
            _("▲ Stopped: {error}. What is not done waits; it is offered when the customer "
              "list opens again.").format(error=message)))
        self.done()

    def finished(self, report: BatchReport) -> None:
        self.report = report
        b, fmt = report.batch, self.desk.formatter
        self.query_one(ProgressBar).update(progress=b.handled, total=b.total)
        parts = [_("Done: {n}").format(n=cached.points(fmt, b.done)),
                 _("refused: {n}").format(n=cached.points(fmt, b.refused))]
        if b.pending:
            parts.append(_("waiting: {n} (finish it later: it is offered when the customer "
                           "list opens)").format(n=cached.points(fmt, b.pending)))
        self.query_one("#run-count", Static).update(Content(" · ".join(parts)))
        if report.refused:
            table = self.query_one("#run-refused", DeskTable)
            table.set_rows([(str(r.customer_id), [r.code, r.name, r.message])
                            for r in report.refused])
            table.display = True
        self.done()

    def action_stop(self) -> None:
        if self.running:
            self.stopping = True
            self.query_one("#run-hint", Static).update(Content(
                _("Stopping after this chunk…")))
            return
        self.dismiss(self.report)

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.report)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()


# -- the member state of a selection --------------------------------------------------------


class MemberStateDialog(FormDialog):
    """Activate (or re-activate) or exclude, with a reason, the chosen customers; answers
    the MemberStatesReport (who changed, who was left as they were and why)."""

    def __init__(self, chosen: Chosen) -> None:
        super().__init__()
        self.chosen = chosen
        self.title_text = _("Member state")
        self.confirm_label = _("Set")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(ngettext("For {n} customer", "For {n} customers",
                                      self.chosen.count).format(
            n=cached.points(self.formatter, self.chosen.count))))
        yield Field(_("State"), RadioChoice([(str(MemberState.ACTIVE), _("Activate")),
                                             (str(MemberState.EXCLUDED), _("Exclude"))],
                                            id="state"), key="state")
        yield Field(_("Reason"), DeskInput("", id="member-reason",
                                           max_length=MEMBER_REASON_CHARS,
                                           placeholder=_("why excluded (required to exclude)")),
                    key="reason")

    def focus_first(self) -> None:
        self.query_one("#state", RadioChoice).focus()

    def prepare(self) -> Callable[[Session], MemberStatesReport]:
        state = self.query_one("#state", RadioChoice).value
        reason = self.value("reason")
        chosen, staff_id = self.chosen, self.staff_id

        def save(session: Session) -> MemberStatesReport:
            from salontui.store.loyalty.customer_list import customer_ids
            from salontui.store.loyalty.members import MemberStatesReport, set_member_states

            assert staff_id is not None
            if chosen.matching is not None:
                left_out = set(chosen.except_ids or ())
                ids = [c for c in customer_ids(session, chosen.matching) if c not in left_out]
            else:
                ids = list(chosen.customer_ids or ())
            changed: list[int] = []
            refused: list = []
            for start in range(0, max(1, len(ids)), MAX_IDS_A_CALL):
                part = set_member_states(session, staff_id=staff_id,
                                         customer_ids=ids[start:start + MAX_IDS_A_CALL],
                                         state=state, reason=reason)
                changed += part.changed
                refused += part.refused
            return MemberStatesReport(changed=changed, refused=refused)

        return save
