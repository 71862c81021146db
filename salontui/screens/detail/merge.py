"""The customer screen's doors to merging (DESIGN: duplicates can be merged, and a merge can
be undone).

``G`` merges a duplicate into the customer shown: pick the duplicate by name, phone or code
(the customer shown is not offered), read what they hold, confirm. Everything they hold
moves here and they leave the search; their invoices stay under their own code and show
on this customer (``store/merge.py``). A merge is a guarded write: without the permission
a manager approves it at the desk.

``U`` undoes a merge: the merges still in force that the customer is part of (those into
them, or the one that merged them away when the customer shown is the duplicate, found
among the deleted customers), newest first. A merge can be undone, so one confirmation
is enough for either (deleting asks to type the code; merging does not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salontui.i18n import _
from salontui.keymap import key_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.screens.detail.screen import CustomerDetailScreen
    from salontui.store.merge import MergeResult, MergeRow


class MergeDoor:
    """Merge and undo a merge for one customer screen (its ``ask`` and notifications)."""

    def __init__(self, screen: CustomerDetailScreen) -> None:
        self.screen = screen

    # -- merge --------------------------------------------------------------------
    def merge(self) -> None:
        from salontui.screens.checkout.dialogs import CustomerPickerDialog

        screen, summary = self.screen, self.screen.summary
        if summary is None or screen.refuse_if_deleted():
            return
        picker = CustomerPickerDialog(
            title=_("Merge a duplicate into {code} {name}").format(code=summary.code,
                                                                  name=summary.name),
            walk_in=False, exclude=screen.customer_id)
        screen.app.push_screen(picker, callback=self.duplicate_chosen)

    def duplicate_chosen(self, duplicate_id: int | str | None) -> None:
        if not isinstance(duplicate_id, int):
            return

        def read(session: Session):
            from salontui.store.package_reads import list_packages
            from salontui.store.summary import customer_summary

            return (customer_summary(session, customer_id=duplicate_id),
                    list_packages(session, customer_id=duplicate_id))

        self.screen.ask(read, self.confirm_merge)

    def confirm_merge(self, found) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        screen, kept = self.screen, self.screen.summary
        duplicate, packages = found
        if kept is None:
            return
        held = screen.holdings(duplicate, packages)
        lines = [_("Merge {code} {name} into {kept_code} {kept_name}?").format(
            code=duplicate.code, name=duplicate.name, kept_code=kept.code,
            kept_name=kept.name)]
        if held:
            lines.append(_("What they hold moves here:"))
            lines += [f"  • {line}" for line in held]
        lines.append(_("Their invoices stay under {code} and show here; {code} leaves the "
                       "search. {key} undoes the merge.").format(
            code=duplicate.code, key=key_of(screen, "detail.undo_merge")))
        staff_id, keep_id, merge_id = screen.desk.staff_id, kept.id, duplicate.id

        def answer(yes) -> None:
            if not yes:
                return

            def merge(session: Session, approved_by: int | None = None) -> MergeResult:
                from salontui.store.merge import merge_customers

                return merge_customers(session, staff_id=staff_id, keep_id=keep_id,
                                       merge_id=merge_id, approved_by=approved_by)

            screen.ask(merge, self.merged, write=True)

        screen.app.push_screen(ConfirmDialog("\n".join(lines), title=_("Merge customers"),
                                             confirm_label=_("Merge")), callback=answer)

    def merged(self, result: MergeResult) -> None:
        self.screen.app.notify(_("Merged. Everything the duplicate held is here now."),
                               timeout=5)
        self.screen.refresh_all()

    # -- undo ---------------------------------------------------------------------
    def undo(self) -> None:
        customer_id = self.screen.customer_id
        if customer_id is None:
            return

        def read(session: Session) -> list[MergeRow]:
            from salontui.store.merge import merges_to_undo

            return merges_to_undo(session, customer_id=customer_id)

        self.screen.ask(read, self.pick_merge)

    def pick_merge(self, merges: list[MergeRow]) -> None:
        from salontui.screens.checkout.dialogs import PickerDialog, PickerOption

        screen = self.screen
        if not merges:
            screen.app.notify(_("There is no merge of this customer to undo."), timeout=4)
            return
        fmt = screen.desk.formatter
        by_id = {str(m.id): m for m in merges}
        options = [PickerOption(str(m.id), _(
            "{merged_code} {merged_name} into {kept_code} {kept_name} · {when} · {staff}")
            .format(merged_code=m.merged_code, merged_name=m.merged_name,
                    kept_code=m.kept_code, kept_name=m.kept_name,
                    when=fmt.datetime(m.created_at), staff=m.staff_name or "—"))
            for m in merges]

        def chosen(key: str | None) -> None:
            if key is not None and key in by_id:
                self.confirm_undo(by_id[key])

        screen.app.push_screen(PickerDialog(_("Undo a merge"), options), callback=chosen)

    def confirm_undo(self, merge: MergeRow) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        screen, staff_id, merge_id = self.screen, self.screen.desk.staff_id, merge.id
        question = _("Undo the merge of {merged_code} {merged_name} into {kept_code} "
                     "{kept_name}? What moved goes back to {merged_code}, and they are "
                     "found by the search again.").format(
            merged_code=merge.merged_code, merged_name=merge.merged_name,
            kept_code=merge.kept_code, kept_name=merge.kept_name)

        def answer(yes) -> None:
            if not yes:
                return

            def undo(session: Session, approved_by: int | None = None) -> MergeResult:
                from salontui.store.merge import undo_merge

                return undo_merge(session, staff_id=staff_id, merge_id=merge_id,
                                  approved_by=approved_by)

            screen.ask(undo, self.undone, write=True)

        screen.app.push_screen(ConfirmDialog(question, title=_("Undo a merge"),
                                             confirm_label=_("Undo the merge")),
                               callback=answer)

    def undone(self, result: MergeResult) -> None:
        self.screen.app.notify(_("The merge is undone."), timeout=4)
        self.screen.refresh_all()
