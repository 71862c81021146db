"""Loyalty and customer care: member states, tiers and their history, adjustment tickets
(a reviewed correction of points and tiers, applied by a manager), the phone-change rule,
and care given to many customers at once. One module per area (``tiers``, ``members``,
``tickets``, ``phone``, ``customer_list``, ``care_batches``, ``care_catalogue``); each
public write takes the acting staff member, checks its input first, and writes its audit
rows in the caller's transaction."""
