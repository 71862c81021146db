"""Member states: not activated, active, excluded; the one rule of moving between them.

* **Activate**: not activated → active.
* **Exclude**: active (or not activated) → excluded, with a reason (kept in
  ``customer.member_reason`` and shown wherever the state is).
* **Re-activate**: excluded → active; the reason is cleared.

Nothing goes back to "not activated" (a member who should earn nothing is
excluded, with a reason). Setting the state a customer already has is refused
("already active"), so a bulk change reports who was skipped.

Points are never deleted by a change of state. While excluded, a member keeps
their balance but can neither earn (:func:`salontui.store.rules.points_rate`
gives an excluded or not-activated member's invoice rate 0) nor spend or be
given points (the ledger refuses every points posting for them except the
reversal of a refund; the checkout refuses paying by points); their points do
not expire meanwhile (``store/points_expiry.py`` passes them by). Re-activated,
the same balance can be spent again.

A member **not activated** earns nothing either: as in the reference, a member
must be activated to earn (and spend) points. The salon's setting
``new_member_active`` says whether a new customer starts active (the default)
or waits to be activated (``store/customers.create_customer``).

:func:`points_refusal` is the one sentence the desk shows for a customer who
neither earns nor spends (the checkout's strip and its refusal of a points
payment).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.customers import CustomerRecord, to_record
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import MemberState
from salontui.store.models import Customer
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

MAX_REASON = 250  # customer.member_reason
CHUNK = 500  # customers read (and locked) per statement of a bulk change


@dataclass(frozen=True)
class RefusedMember:
    """A customer a bulk change left as they were, and why."""

    customer_id: int
    code: str
    name: str
    message: str


@dataclass(frozen=True)
class MemberStatesReport:
    """What :func:`set_member_states` did: the customers changed and those refused."""

    changed: list[int]
    refused: list[RefusedMember]


def points_refusal(member_state: str | None, reason: str = "") -> str | None:
    """Why this customer earns and spends no points (one sentence for the desk), or None
    when they do (an active member; a walk-in is the checkout's own case: None)."""
    if member_state == MemberState.EXCLUDED:
        if reason:
            return _("Excluded member: earns and spends no points ({reason}).").format(
                reason=reason)
        return _("Excluded member: earns and spends no points.")
    if member_state == MemberState.NOT_ACTIVATED:
        return _("Member not activated: earns and spends no points until activated.")
    return None


def _clean_state(state: str, reason: str) -> tuple[MemberState, str]:
    if state not in tuple(MemberState):
        raise ValidationError(_("Unknown membership state."), field="state")
    target = MemberState(state)
    if target == MemberState.NOT_ACTIVATED:
        raise RuleViolation(_("A member cannot be set back to not activated; exclude them "
                              "with a reason instead."), field="state")
    if target == MemberState.EXCLUDED:
        reason = clean_line(reason, field="reason", limit=MAX_REASON,
                            required=_("Say why the member is excluded."),
                            too_long=_("The reason is longer than {limit} characters."))
    else:
        reason = ""
    return target, reason


def _refusal(row: Customer, target: MemberState) -> str | None:
    """Why this customer cannot be moved to ``target`` (None: they can)."""
    if row.deleted_at is not None:
        return _("{name} is deleted; restore them first.").format(name=row.name)
    if row.member_state == target:
        if target == MemberState.ACTIVE:
            return _("{name} is already an active member.").format(name=row.name)
        return _("{name} is already excluded.").format(name=row.name)
    return None


def _apply(session: Session, row: Customer, *, staff_id: int, target: MemberState,
           reason: str) -> None:
    before = audit.snapshot(row, fields=("member_state", "member_reason"))
    row.member_state = str(target)
    row.member_reason = reason
    row.updated_at = clock.now()
    session.add(row)
    audit.record(session, staff_id=staff_id, action="set_member_state", entity="customer",
                 entity_id=row.id, before=before,
                 after={"member_state": str(target), "member_reason": reason})


@boundary
def set_member_state(session: Session, *, staff_id: int, customer_id: int, state: str,
                     reason: str = "") -> CustomerRecord:
    """Activate, exclude (``reason`` required) or re-activate one customer; one audit row
    with the state and reason before and after."""
    require_staff(session, staff_id)
    target, reason = _clean_state(state, reason)
    row = session.execute(for_update(select(Customer).where(col(Customer.id) == customer_id),
                                     session)).scalar_one_or_none()
    if row is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    refused = _refusal(row, target)
    if refused:
        raise RuleViolation(refused, field="state")
    _apply(session, row, staff_id=staff_id, target=target, reason=reason)
    session.flush()
    return to_record(row)


@boundary
def set_member_states(session: Session, *, staff_id: int, customer_ids: list[int], state: str,
                      reason: str = "") -> MemberStatesReport:
    """:func:`set_member_state` over many customers (the customer list's selection).

    A wrong state or a missing reason refuses the whole call at its field. Then each
    customer is changed wholly or not at all: one who cannot be (deleted, already in that
    state, not found) is left as they were and reported, the others go through."""
    require_staff(session, staff_id)
    target, reason = _clean_state(state, reason)
    wanted = list(dict.fromkeys(customer_ids))  # each once, in the order given
    found: dict[int, Customer] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        statement = for_update(select(Customer).where(col(Customer.id).in_(chunk)), session)
        for row in session.execute(statement).scalars():
            found[row.id or 0] = row
    changed: list[int] = []
    refused: list[RefusedMember] = []
    for customer_id in wanted:
        row = found.get(customer_id)
        if row is None:
            refused.append(RefusedMember(customer_id, "", "", _("No customer #{id}.").format(
                id=customer_id)))
            continue
        why = _refusal(row, target)
        if why:
            refused.append(RefusedMember(customer_id, row.code, row.name, why))
            continue
        _apply(session, row, staff_id=staff_id, target=target, reason=reason)
        changed.append(customer_id)
    session.flush()
    return MemberStatesReport(changed=changed, refused=refused)
