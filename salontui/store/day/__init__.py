"""The salon's day: the appointment book, check-in, the visit's lines, its follow-up and
the reminders due (到店 → 消费 → 收银 → 预约).

``appointments`` reads visits and writes their history; ``book`` books, moves, changes
and cancels them; ``schedule`` says who works when; ``conflicts`` finds what a booking
clashes with; ``visit`` checks in and records what was done; ``follow_up`` saves the
after-visit record; ``today`` is the desk's board; ``reminders`` lists what is due.
"""
