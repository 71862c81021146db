"""The salon's day: the appointment book, booking, the Today board, follow-ups and
reminders (each screen imports its neighbours lazily, inside functions)."""
