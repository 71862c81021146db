"""Spreadsheets in and out: templates, the import of customers and what they still hold,
care actions by file, and the exports of members, invoices and packages (xlsx and csv)."""
