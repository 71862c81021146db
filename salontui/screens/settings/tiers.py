"""TiersSection: the salon's loyalty tiers (Member, Silver, Gold, Diamond…) by rank, the
first tier at the top: where each starts (on the salon's basis: spend or points), what it
gives (a discount on services, a points multiplier), its one-time reward and how many
customers hold it; the dialogs that add or edit one and that set how the salon ranks.

``a`` adds a tier (it takes the rank its threshold says), ``e`` or Enter edits one, ``x``
retires it (its holders move at once to the tier they earn) or brings it back, ``[`` and
``]`` move it one rank lower or higher (refused when thresholds would no longer rise
with the rank), ``s`` sets the basis (spend or points), the rolling period in months and
when a top-up of stored value counts as spend (when paid or when spent). The rules are
``store/loyalty/tiers.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.settings.groups import active_cell
from salontui.screens.settings.section import SettingsSection
from salontui.store.names import tier_label
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.screens.commands import Command
    from salontui.store.loyalty.tiers import TierRow, TierSettings

AMOUNT_CHARS = 30  # store/bounds.py MAX_NUMBER_TEXT


@dataclass(frozen=True)
class TierLine:
    """A row of the section: a tier, with how the salon ranks (its "From" column)."""

    tier: TierRow
    settings: TierSettings

    @property
    def id(self) -> int:
        return self.tier.id


def threshold_text(fmt: Formatter, tier: TierRow, basis: str, *, first: bool) -> str:
    """Where a tier starts on ``basis``: an amount, "1,000 points", or "by hand" (no
    threshold: reached only when given); the first tier starts at 0."""
    value = tier.threshold(basis)
    if value is None and first:
        value = 0
    if value is None:
        return _("by hand")
    if basis == "points":
        return ngettext("{n} point", "{n} points", value).format(n=f"{value:,}")
    return fmt.money(value)


def benefit_text(tier: TierRow) -> str:
    """"-5 % · ×1.5": the discount on services and the points multiplier ("" for none)."""
    parts = []
    if tier.discount_percent:
        parts.append(f"-{tier.discount_percent} %")
    if tier.points_percent != 100:
        parts.append(f"×{tier.points_percent / 100:g}")
    return " · ".join(parts)


def basis_options() -> list[tuple[str, str]]:
    return [("spend", _("Spend")), ("points", _("Points"))]


def topup_options() -> list[tuple[str, str]]:
    return [("spent", _("When spent")), ("paid", _("When paid"))]


def ranking_text(settings: TierSettings) -> str:
    """How the salon ranks, in one line of the status bar."""
    months = ngettext("{n} month", "{n} months", settings.period_months).format(
        n=settings.period_months)
    if settings.basis == "points":
        return _("by points earned over {months}").format(months=months)
    if settings.topup_spend == "paid":
        return _("by spend over {months} (top-ups when paid)").format(months=months)
    return _("by spend over {months} (top-ups when spent)").format(months=months)


class TierDialog(FormDialog):
    """Add a tier (``tier`` None) or edit one; answers the TierRow saved."""

    def __init__(self, tier: TierRow | None = None, *, first: bool = False) -> None:
        super().__init__()
        self.tier = tier
        self.first = first  # the first tier: it starts at 0
        self.title_text = _("Edit tier") if tier else _("New tier")

    def compose_body(self):
        t, fmt = self.tier, self.formatter

        def number(value: int | None, default: str = "") -> str:
            return default if value is None else str(value)

        spend = "" if t is None or t.min_spend is None else fmt.money(t.min_spend)
        none = "0" if self.first else _("by hand only")
        yield Field(_("Tier"), DeskInput(t.name if t else "", id="name", max_length=40),
                    key="name", required=True)
        yield Field(_("Spend from"), DeskInput(spend, id="min-spend", max_length=AMOUNT_CHARS,
                                               placeholder=none),
                    key="min_spend")
        yield Field(_("Points from"), DeskInput(number(t.min_points) if t else "",
                                                id="min-points", max_length=AMOUNT_CHARS,
                                                placeholder=none),
                    key="min_points",
                    hint=_("the first tier starts at 0; higher tiers need more"))
        yield Field(_("Discount %"), DeskInput(number(t.discount_percent or None) if t else "",
                                               id="discount", max_length=5,
                                               placeholder=_("none")),
                    key="discount_percent", hint=_("off the services at the checkout"))
        yield Field(_("Points ×%"), DeskInput(str(t.points_percent) if t else "100",
                                              id="points-percent", max_length=5),
                    key="points_percent", hint=_("100 earns as everyone, 150 half as much again"))
        yield Field(_("Reward"), DeskInput(number(t.reward_points or None) if t else "",
                                           id="reward", max_length=AMOUNT_CHARS,
                                           placeholder=_("no points")),
                    key="reward_points", hint=_("points given once, on reaching the tier"))

    def prepare(self) -> Callable[[Session], TierRow]:
        fmt = self.formatter
        name = self.value("name")
        typed_spend = self.value("min_spend")
        min_spend = fmt.parse_money(typed_spend, field="min_spend",
                                    allow_zero=True) if typed_spend else None
        min_points = parse_count(self.value("min_points"), field="min_points",
                                 label=_("The points threshold"), required=False)
        discount = parse_count(self.value("discount_percent").removesuffix("%").strip(),
                               field="discount_percent", label=_("The discount"),
                               required=False)
        multiplier = parse_count(self.value("points_percent").removesuffix("%").strip(),
                                 field="points_percent", label=_("The points multiplier"),
                                 required=False)
        reward = parse_count(self.value("reward_points"), field="reward_points",
                             label=_("The reward"), required=False)
        staff_id, tier = self.staff_id, self.tier
        fields = {"name": name, "min_spend": min_spend, "min_points": min_points,
                  "discount_percent": discount, "points_percent": multiplier,
                  "reward_points": reward}

        def save(session: Session, approved_by: int | None = None) -> TierRow:
            from salontui.store.loyalty.tier_admin import create_tier, update_tier

            assert staff_id is not None
            if tier is None:
                return create_tier(session, staff_id=staff_id, **fields, approved_by=approved_by)
            return update_tier(session, staff_id=staff_id, tier_id=tier.id, **fields,
                               approved_by=approved_by)

        return save


class TierSettingsDialog(FormDialog):
    """How the salon ranks: by spend or points, over how many months, when a top-up counts;
    answers the TierSettings saved."""

    def __init__(self, settings: TierSettings) -> None:
        super().__init__()
        self.settings = settings
        self.title_text = _("How tiers are ranked")

    def compose_body(self):
        s = self.settings
        yield Field(_("Rank by"), RadioChoice(basis_options(), value=s.basis, id="basis"),
                    key="tier_basis")
        yield Field(_("Over"), DeskInput(str(s.period_months), id="months", max_length=5),
                    key="tier_period_months", hint=_("months, rolling (12: the last year)"))
        yield Field(_("A top-up counts"), RadioChoice(topup_options(), value=s.topup_spend,
                                                      id="topup"),
                    key="topup_spend",
                    hint=_("as spend once: when spent from the card, or when paid"))

    def prepare(self) -> Callable[[Session], TierSettings]:
        basis = self.query_one("#basis", RadioChoice).value
        topup = self.query_one("#topup", RadioChoice).value
        months = parse_count(self.value("tier_period_months"), field="tier_period_months",
                             label=_("The period"))
        staff_id = self.staff_id

        def save(session: Session, approved_by: int | None = None) -> TierSettings:
            from salontui.store.loyalty.tier_admin import update_tier_settings

            assert staff_id is not None
            return update_tier_settings(session, staff_id=staff_id, basis=basis,
                                        period_months=months, topup_spend=topup,
                                        approved_by=approved_by)

        return save


class TiersSection(SettingsSection):
    section_id = "tiers"
    title = N_("Tiers")
    add_name = N_("Add tier")
    edit_name = N_("Edit tier")
    toggle_name = N_("Retire or restore tier")
    KEYS: ClassVar[tuple[Binding, ...]] = (
        Binding("left_square_bracket", "tier_lower", _("Rank down"),
                id="settings.tiers.lower", tooltip=_("Move the tier one rank lower")),
        Binding("right_square_bracket", "tier_higher", _("Rank up"),
                id="settings.tiers.higher", tooltip=_("Move the tier one rank higher")),
        Binding("s", "tier_settings", _("Ranking"), id="settings.tiers.settings",
                tooltip=_("Rank by spend or points, over how many months, when a top-up "
                          "counts")),
    )

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.tier_settings: TierSettings | None = None

    def columns(self) -> list[Col]:
        return [Col("name", _("Tier"), None, min_width=10),
                Col("from", _("From"), 12, justify="right"),
                Col("benefit", _("Benefit"), 11),
                Col("reward", _("Reward"), 7, justify="right"),
                Col("holders", _("Customers"), 9, justify="right"),
                Col("state", _("State"), 7, drop=1)]

    def reader(self) -> Callable[[Session], list[TierLine]]:
        def read(session: Session) -> list[TierLine]:
            from salontui.store.loyalty.tiers import get_tier_settings, list_tiers

            settings = get_tier_settings(session)
            return [TierLine(t, settings) for t in list_tiers(session, include_inactive=True)]

        return read

    def show_rows(self, rows, select: str | None = None) -> None:
        if rows:
            self.tier_settings = rows[0].settings
        super().show_rows(rows, select)

    def cells(self, row: TierLine) -> list:
        from salontui.widgets import fmt as cached

        fmt, tier = self.desk.formatter, row.tier
        first = bool(self.rows) and self.rows[0].id == tier.id
        return [tier_label(tier.name),
                threshold_text(fmt, tier, row.settings.basis, first=first),
                benefit_text(tier),
                cached.points(fmt, tier.reward_points) if tier.reward_points else "",
                cached.points(fmt, tier.holders), active_cell(tier.active)]

    def status(self) -> str:
        n = len(self.rows)
        text = ngettext("{n} tier", "{n} tiers", n).format(n=n)
        if self.tier_settings is not None:
            text += " · " + ranking_text(self.tier_settings)
        return text + " · " + _("{key} to change").format(
            key=key_of(self.settings_screen, "settings.tiers.settings"))

    def add_dialog(self) -> TierDialog:
        return TierDialog()

    def edit_dialog(self, row: TierLine) -> TierDialog:
        return TierDialog(row.tier, first=bool(self.rows) and self.rows[0].id == row.id)

    def toggle_job(self, row: TierLine) -> Callable[[Session], TierRow]:
        staff_id, tier_id, active = self.desk.staff_id, row.id, row.tier.active

        def toggle(session: Session, approved_by: int | None = None) -> TierRow:
            from salontui.store.loyalty.tier_admin import restore_tier, retire_tier

            assert staff_id is not None
            if active:
                return retire_tier(session, staff_id=staff_id, tier_id=tier_id,
                                   approved_by=approved_by)
            return restore_tier(session, staff_id=staff_id, tier_id=tier_id,
                                approved_by=approved_by)

        return toggle

    def allows(self, action: str) -> bool:
        return action == "tier_settings" or bool(self.rows)

    def move_job(self, row: TierRow, direction: str) -> Callable[[Session], TierRow]:
        staff_id, tier_id = self.desk.staff_id, row.id

        def move(session: Session, approved_by: int | None = None) -> TierRow:
            from salontui.store.loyalty.tier_admin import move_tier

            assert staff_id is not None
            return move_tier(session, staff_id=staff_id, tier_id=tier_id, direction=direction,
                             approved_by=approved_by)

        return move

    def action_tier_lower(self) -> None:
        self.move("lower")

    def action_tier_higher(self) -> None:
        self.move("higher")

    def action_tier_settings(self) -> None:
        settings = self.tier_settings

        def open_form(found: TierSettings) -> None:
            self.app.push_screen(TierSettingsDialog(found), callback=self.settings_saved)

        if settings is not None:
            open_form(settings)
            return

        def read(session: Session) -> TierSettings:
            from salontui.store.loyalty.tiers import get_tier_settings

            return get_tier_settings(session)

        self.ask(read, open_form, failed=self.show_error)

    def settings_saved(self, value: TierSettings | None) -> None:
        if value is not None:
            self.tier_settings = value
            self.load()
            self.settings_screen.focus_list()

    def commands(self) -> list[Command]:
        from salontui.screens.commands import Command

        return [Command("settings.tiers.settings", _("How tiers are ranked"),
                        _("By spend or points, the months counted, when a top-up counts")),
                Command("settings.tiers.lower", _("Move tier one rank lower")),
                Command("settings.tiers.higher", _("Move tier one rank higher"))]
