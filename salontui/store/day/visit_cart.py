"""What the checkout of a visit starts with: the visit's lines as cart lines, and the
package sessions the customer could use instead of paying.

A visit's lines become the cart's: a service with its staff (priced from the catalogue
by the quote), a session the technician recorded as redeemed from a package (with who
did it), a product with its quantity. For each service line not already a session, the
customer's packages *in use* whose plan covers that service (``plan_service``) are
offered, soonest expiry first, with the sessions they have left after the visit's own
redemptions, so the cashier can redeem instead of charging (:func:`planned_redemptions`
says which package each line would use, :meth:`VisitCart.cart_lines` builds the cart).

Who recorded each line travels along (``recorded_by_name``; None: booked at the desk).
What cannot go on a cart is left out and said in ``notes``: a line with no catalogue item
(free text from before appointment lines), an item retired from the catalogue, a session
of a package that can no longer be redeemed (charged as its service instead, when the
line names one). Reading writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from salontui.i18n import _
from salontui.store.bounds import boundary
from salontui.store.cart import CartLine
from salontui.store.catalog import services_covered
from salontui.store.day.appointments import LineRow, get_appointment, status_words
from salontui.store.errors import RuleViolation
from salontui.store.models import CatalogItem, PlanService, table_of
from salontui.store.package_reads import IN_USE, PackageRow, list_packages

# Visits whose lines may still be paid.
PAYABLE = ("booked", "checked_in")

_PS = table_of(PlanService)


@dataclass(frozen=True)
class RedeemOffer:
    """A package of the customer's whose session covers a line's service."""

    package_id: int
    name: str
    remaining: int | None  # sessions left after the visit's own sessions (None: time card)
    expires_on: date


@dataclass(frozen=True)
class VisitLine:
    """One line of the visit as the checkout takes it."""

    position: int
    kind: str  # service / redeem / product: the cart line's kind
    item_id: int | None
    package_id: int | None  # redeem: the customer's package
    label: str  # the item's name (a session: the package's name)
    service: str  # the service or product's name (a session: the service done, or "")
    quantity: int
    staff_id: int | None
    staff_name: str | None
    recorded_by: int | None  # None: booked at the desk
    recorded_by_name: str | None
    offers: tuple[RedeemOffer, ...] = ()  # a service line: packages that could pay for it

    def cart_line(self, offer: RedeemOffer | None = None) -> CartLine:
        """The line for the cart; with ``offer``, a session of that package instead of
        the service."""
        if offer is not None:
            return CartLine(kind="redeem", item_id=self.item_id, package_id=offer.package_id,
                            description=offer.name, staff_id=self.staff_id)
        if self.kind == "redeem":
            return CartLine(kind="redeem", item_id=self.item_id, package_id=self.package_id,
                            description=self.label, staff_id=self.staff_id)
        return CartLine(kind=self.kind, item_id=self.item_id, quantity=self.quantity,
                        staff_id=self.staff_id)


@dataclass(frozen=True)
class VisitCart:
    appointment_id: int
    customer_id: int
    status: str
    lines: tuple[VisitLine, ...]
    notes: tuple[str, ...]  # lines left out or changed, one sentence each

    def cart_lines(self, redeem: Collection[int] = ()) -> list[CartLine]:
        """The cart's lines; the lines at the indexes in ``redeem`` (of those
        :func:`planned_redemptions` offers) as a session instead of the service."""
        planned = planned_redemptions(self)
        return [line.cart_line(planned.get(i) if i in redeem else None)
                for i, line in enumerate(self.lines)]

    @property
    def recorders(self) -> list[tuple[str, list[int]]]:
        """Who recorded which lines (numbered from 1 on the cart), in the order of the
        lines; lines booked at the desk are left out."""
        found: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, 1):
            if line.recorded_by_name:
                found.setdefault(line.recorded_by_name, []).append(number)
        return list(found.items())


def planned_redemptions(visit: VisitCart) -> dict[int, RedeemOffer]:
    """Which package each offered line would use if every offer were taken: by line
    index, the first package (soonest expiry) with a session still left once the lines
    before it took theirs. A line without its staff is not offered (a session needs who
    did it); nor is one whose packages have run out."""
    used: dict[int, int] = {}
    planned: dict[int, RedeemOffer] = {}
    for index, line in enumerate(visit.lines):
        if line.kind != "service" or line.staff_id is None or line.quantity != 1:
            continue
        for offer in line.offers:
            taken = used.get(offer.package_id, 0)
            if offer.remaining is None or offer.remaining - taken > 0:
                used[offer.package_id] = taken + 1
                planned[index] = RedeemOffer(offer.package_id, offer.name,
                                             None if offer.remaining is None
                                             else offer.remaining - taken, offer.expires_on)
                break
    return planned


def _covered(session: Session, plan_ids: set[int], service_ids: set[int]
             ) -> set[tuple[int, int]]:
    """The (plan, service) pairs among those asked that a session pays for."""
    return {(plan, service) for plan, services in services_covered(session, plan_ids).items()
            for service in services if service in service_ids}


def _session_of(line: LineRow, package: PackageRow | None, taken: int) -> str | None:
    """Why a recorded session cannot be redeemed now (None: it can)."""
    if package is None:
        return _("Line {n}: the package of its session is not this customer's.").format(
            n=line.position)
    if package.status != IN_USE:
        return _("Line {n}: {package} is not in use any more.").format(
            n=line.position, package=package.name)
    if package.remaining is not None and taken >= package.remaining:
        return _("Line {n}: {package} has no session left.").format(
            n=line.position, package=package.name)
    return None


@boundary
def visit_cart(session: Session, appointment_id: int) -> VisitCart:
    """What the checkout of a booked or checked-in visit starts with (see the module).
    A visit already paid, cancelled or a no-show is refused: it is never paid twice."""
    visit = get_appointment(session, appointment_id=appointment_id)
    if visit.status not in PAYABLE:
        if visit.status == "paid":
            message = _("This visit is already paid (invoice {code}).").format(
                code=visit.invoice_code or "?")
        else:
            message = _("A {status} visit cannot be paid.").format(
                status=status_words(visit.status))
        raise RuleViolation(message, field="appointment")
    packages = {p.id: p for p in list_packages(session, customer_id=visit.customer_id)}
    in_use = [p for p in packages.values() if p.status == IN_USE]
    items = {i: session.get(CatalogItem, i) for i in {line.item_id for line in visit.lines
                                                       if line.item_id is not None}}
    covered = _covered(session, {p.plan_id for p in in_use if p.plan_id is not None},
                       {i for i, item in items.items()
                        if item is not None and item.kind == "service"})
    notes: list[str] = []
    taken: dict[int, int] = {}  # sessions the visit's own lines take, by package
    kept: list[tuple[LineRow, str, CatalogItem | None]] = []
    for line in visit.lines:
        item = items.get(line.item_id) if line.item_id is not None else None
        if line.kind == "redeem" and line.package_id is not None:
            package = packages.get(line.package_id)
            why = _session_of(line, package, taken.get(line.package_id, 0))
            if why is None:
                taken[line.package_id] = taken.get(line.package_id, 0) + 1
                kept.append((line, "redeem", item))
                continue
            if item is None or item.kind != "service" or not item.active:
                notes.append(why + " " + _("Left out: redeem or charge it by hand."))
                continue
            notes.append(why + " " + _("Charged as {service} instead.").format(
                service=item.name))
            kept.append((line, "service", item))
            continue
        if item is None:
            notes.append(_("Line {n} ({label}) names no item of the catalogue: left out, "
                           "add it by hand.").format(n=line.position, label=line.label))
            continue
        kind = "product" if line.kind == "product" else "service"
        if item.kind != kind:
            notes.append((_("Line {n}: {name} is not a product of the catalogue: left out.")
                          if kind == "product" else
                          _("Line {n}: {name} is not a service of the catalogue: left out."))
                         .format(n=line.position, name=item.name))
            continue
        if not item.active:
            notes.append(_("Line {n}: {name} is retired from the catalogue: left "
                           "out.").format(n=line.position, name=item.name))
            continue
        kept.append((line, kind, item))
    lines: list[VisitLine] = []
    for line, kind, item in kept:
        offers: tuple[RedeemOffer, ...] = ()
        if kind == "service" and item is not None:
            offers = tuple(
                RedeemOffer(p.id, p.name, None if p.remaining is None
                            else p.remaining - taken.get(p.id, 0), p.expires_on)
                for p in sorted(in_use, key=lambda p: (p.expires_on, p.id))
                if p.plan_id is not None and (p.plan_id, item.id) in covered
                and (p.remaining is None or p.remaining - taken.get(p.id, 0) > 0))
        is_session = kind == "redeem"
        package = packages.get(line.package_id) if line.package_id is not None else None
        label = package.name if is_session and package is not None else (
            item.name if item is not None else line.label)
        lines.append(VisitLine(
            position=line.position, kind=kind, item_id=line.item_id,
            package_id=line.package_id if is_session else None, label=label,
            service=item.name if item is not None else "",
            quantity=max(1, line.quantity) if kind == "product" else 1,
            staff_id=line.staff_id, staff_name=line.staff_name,
            recorded_by=line.recorded_by, recorded_by_name=line.recorded_by_name,
            offers=offers))
    return VisitCart(appointment_id=visit.id, customer_id=visit.customer_id,
                     status=visit.status, lines=tuple(lines), notes=tuple(notes))
