"""store/numbers.py: one check of the whole numbers the store is given."""

from __future__ import annotations

import pytest

from salontui.store.errors import ValidationError
from salontui.store.numbers import NumberTexts, is_whole, whole_number

TEXTS = NumberTexts(not_whole="not whole", too_low="below {low}", too_high="above {high}")
WITH_NEGATIVE = NumberTexts(not_whole="not whole", negative="negative",
                            too_high="above {high}")


@pytest.mark.parametrize("value", [0, 1, -3, 10**12])
def test_ints_are_whole(value):
    assert is_whole(value)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None, 2.5])
def test_bools_floats_and_text_are_not_whole(value):
    assert not is_whole(value)


def test_a_number_within_its_bounds_is_answered_as_given():
    assert whole_number(5, field="n", texts=TEXTS, low=1, high=5) == 5
    assert whole_number(1, field="n", texts=TEXTS, low=1, high=5) == 1


def test_open_bounds_take_any_whole_number():
    assert whole_number(-(10**9), field="n", texts=NumberTexts(not_whole="x")) == -(10**9)


@pytest.mark.parametrize(("value", "message"), [
    (True, "not whole"), ("3", "not whole"), (0, "below 1"), (-1, "below 1"), (6, "above 5"),
])
def test_each_way_of_being_wrong_has_its_own_message_at_the_field(value, message):
    with pytest.raises(ValidationError) as caught:
        whole_number(value, field="line0.quantity", texts=TEXTS, low=1, high=5)
    assert str(caught.value) == message
    assert caught.value.field == "line0.quantity"


def test_a_negative_message_comes_before_too_low_and_stands_in_for_it():
    with pytest.raises(ValidationError, match=r"^negative$"):
        whole_number(-1, field="n", texts=WITH_NEGATIVE, low=1, high=9)
    with pytest.raises(ValidationError, match=r"^negative$"):
        whole_number(0, field="n", texts=WITH_NEGATIVE, low=1, high=9)
    with pytest.raises(ValidationError, match=r"^above 9$"):
        whole_number(10, field="n", texts=WITH_NEGATIVE, low=1, high=9)
