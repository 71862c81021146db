"""The back office's rules: what the salon configures once (payment methods, card types,
customer groups, the points scheme). Each action is one named store function taking the
staff member who does it, so a permission check can wrap it; every write is audited with
its before and after, and none alters an invoice, a ledger entry or a receipt."""
