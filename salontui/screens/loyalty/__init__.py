"""Loyalty and customer care: the customer list and its care actions, adjustment tickets
and their list (each screen imports its neighbours lazily, inside functions)."""
