"""HeaderCard: a customer at a glance (from ``summary.customer_summary``).

Code, name, phone, tier and group; points, each stored-value card, debt, vouchers (when
there are any); the products left at the salon to collect (when there are any, first on
their line, so they are never cut), total spend and since when; packages expiring within
30 days. An excluded member has a line of its own
under the name, in reverse video: "Excluded: <reason>" and that they earn and spend no
points. Debt is marked by the words
"DEBT ▲" in reverse video as well as by colour, so it reads on a monochrome
console and with NO_COLOR. A deleted customer says DELETED the same way.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.store.kinds import MEMBER_STATE_LABELS, MemberState
from salontui.store.names import card_label, tier_label
from salontui.widgets import fmt as cached


def points_text(formatter, value: int) -> str:
    return cached.points(formatter, value)


def to_collect_text(n: int) -> str:
    """"3 products to collect ▲": the header's and the checkout's mark."""
    return ngettext("{n} product to collect ▲", "{n} products to collect ▲", n).format(n=n)


class HeaderCard(Static):
    """A few lines about the customer; updated in place after every change, and laid out
    again when the terminal's width changes (a balance moves to the next line rather than
    be cut)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(_("Loading…"), id=id)
        self.summary = None
        self.formatter = None

    def show(self, summary, fmt) -> None:
        self.summary, self.formatter = summary, fmt
        self.update(card_content(summary, fmt, width=self.text_width()))

    def text_width(self) -> int | None:
        """The columns a line has (None before the first layout: nothing is wrapped)."""
        width = self.content_region.width
        return width if width > 0 else None

    def on_resize(self) -> None:
        if self.summary is not None:
            self.update(card_content(self.summary, self.formatter, width=self.text_width()))


def fit(parts: list[Content], width: int | None, separator: str = " · ") -> list[Content]:
    """``parts`` joined by ``separator`` on as few lines as fit in ``width`` columns, a part
    never split (a card's name and its balance stay together); one line when ``width`` is
    None."""
    if width is None:
        return [Content(separator).join(parts)]
    lines: list[list[Content]] = [[]]
    used = 0
    for part in parts:
        need = part.cell_length + (len(separator) if lines[-1] else 0)
        if lines[-1] and used + need > width:
            lines.append([])
            used, need = 0, part.cell_length
        lines[-1].append(part)
        used += need
    return [Content(separator).join(line) for line in lines]


def card_content(s, fmt, *, width: int | None = None) -> Content:
    line1 = Content.from_markup("[b]$code[/b]  [b]$name[/b]  $phone  ·  $tier",
                                code=s.code, name=s.name, phone=fmt.phone(s.phone),
                                tier=tier_label(s.tier))
    excluded = s.member_state == MemberState.EXCLUDED  # a line of its own, below
    state = MEMBER_STATE_LABELS.get(s.member_state, s.member_state)
    if state and not excluded:
        line1 += Content.from_markup("  ($state)", state=_(state))
    group = getattr(s, "group_name", "")  # the group (VIP, staff family…), as the salon named it
    if group:
        line1 += Content.from_markup("  ·  $group", group=group)
    if s.deleted_at is not None:
        line1 += Content.from_markup("  [reverse bold $warning] $label [/]",
                                     label=_("DELETED {date}").format(date=fmt.date(s.deleted_at)))

    parts = [Content.from_markup(_("Points") + " [b]$p[/b]", p=points_text(fmt, s.points))]
    for card in s.cards:
        parts.append(Content.from_markup("$card [b]$amount[/b]", card=card_label(card.name),
                                         amount=fmt.money(card.balance)))
    if s.debt:
        parts.append(Content.from_markup("[reverse bold $error] $label $amount [/]",
                                         label=_("DEBT ▲"), amount=fmt.money(s.debt)))
    else:
        parts.append(Content.from_markup(_("Debt") + " $amount", amount=fmt.money(0)))
    vouchers = getattr(s, "vouchers", 0)
    if vouchers:
        parts.append(Content.from_markup(_("Vouchers") + " [b]$amount[/b]",
                                         amount=fmt.money(vouchers)))
    balances = fit(parts, width)

    history = [Content.from_markup(_("Spent") + " [b]$spent[/b]",
                                   spent=fmt.money(s.total_spend)),
               Content.from_markup(_("customer since") + " $since", since=fmt.date(s.created_at))]
    to_collect = getattr(s, "to_collect", 0)
    if to_collect:
        history.insert(0, Content.from_markup("[b $warning]$label[/]",
                                              label=to_collect_text(to_collect)))
    if s.birthday:
        history.append(Content.from_markup(_("birthday") + " $b", b=fmt.date(s.birthday)))

    lines = [line1, *balances, *fit(history, width)]
    if excluded:  # obvious in reverse video, with the reason (store/loyalty/members.py)
        reason = getattr(s, "member_reason", "")
        label = _("Excluded: {reason}").format(reason=reason) if reason else _("Excluded")
        lines.insert(1, Content.from_markup(
            "[reverse bold $warning] $label [/] $rule", label=label,
            rule=_("earns and spends no points")))
    if s.expiring:
        items = []
        for p in s.expiring[:3]:
            left = "" if p.remaining is None else _(", {n} left").format(n=p.remaining)
            items.append(f"{p.name} {fmt.date(p.expires_on)}{left}")
        more = len(s.expiring) - 3
        text = "; ".join(items) + (_(" and {n} more").format(n=more) if more > 0 else "")
        lines.append(Content.from_markup("[b $warning]$label[/] $items",
                                         label=_("Expiring ▲"), items=text))
    return Content("\n").join(lines)
