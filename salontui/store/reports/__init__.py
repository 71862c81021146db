"""The owner's reports: each one computed from the invoices and the ledgers over a period
(never from cached totals), as a :class:`~salontui.store.reports.shape.Report` that the
Reports screen, the ``salontui report`` command and ``check`` all read the same way."""
