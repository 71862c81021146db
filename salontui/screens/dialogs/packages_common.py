"""Text shared by the package dialogs: which package, its expiry and what is left."""

from __future__ import annotations

from salontui.i18n import _
from salontui.screens.dialogs.labels import stored_label
from salontui.store.kinds import PACKAGE_KIND_LABELS, PACKAGE_STATUS_LABELS


def status_label(status: str) -> str:
    return stored_label(PACKAGE_STATUS_LABELS, status)


def remaining_text(package) -> str:
    if package.remaining is None:
        return _("unlimited until expiry")
    return _("{left} of {total} left").format(left=package.remaining, total=package.total_uses)


def package_intro(package, fmt) -> str:
    """Two lines: the package's name and kind, then status, expiry and sessions left."""
    kind = _(PACKAGE_KIND_LABELS.get(package.kind, package.kind))
    lines = [f"{package.name} ({kind})"]
    status = status_label(package.status)
    if package.status == "reserved" and package.frozen_until:
        status = _("reserved until {date}").format(date=fmt.date(package.frozen_until))
    lines.append(_("{status} · expires {date} · {left}").format(
        status=status, date=fmt.date(package.expires_on), left=remaining_text(package)))
    return "\n".join(lines)
