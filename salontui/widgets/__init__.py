"""Reusable widgets of the desk: a non-blinking input, form fields, a choice, tables, the card."""
