"""Search ignores case and Vietnamese diacritics, finds phones by any digits, and codes."""

from __future__ import annotations

import pytest

from salontui.store.customers import create_customer
from salontui.store.search import classify, search_customers

PEOPLE = [
    ("Nguyễn Thị Hương", "0935 320 888"),
    ("Đặng Văn Lâm", "0912 345 678"),
    ("Trần Ngọc Hường", "0987 654 321"),
    ("Lê Thị Hương Giang", "0903 111 222"),
    ("Phạm Minh Đức", "0979 002 888"),
]


@pytest.fixture
def people(writer, staff_id) -> dict[str, int]:
    ids = {}
    with writer() as s:
        for name, phone in PEOPLE:
            ids[name] = create_customer(s, staff_id=staff_id, name=name, phone=phone).id
    return ids


def _names(reader, query, **kw) -> list[str]:
    with reader() as s:
        return [r.name for r in search_customers(s, query=query, **kw)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi huong", ["Nguyễn Thị Hương"]),
        ("NGUYỄN", ["Nguyễn Thị Hương"]),
        ("dang", ["Đặng Văn Lâm"]),  # đ folds to d
        ("Đặng", ["Đặng Văn Lâm"]),
        ("duc", ["Phạm Minh Đức"]),
        ("van l", ["Đặng Văn Lâm"]),
        ("giang", ["Lê Thị Hương Giang"]),
    ],
)
def test_name_search_ignores_case_and_diacritics(reader, people, query, expected):
    assert _names(reader, query) == expected


def test_any_word_of_the_name_and_sensible_order(reader, people):
    # "huong" starts a word in three names; the word "huong" alone sorts before "huong giang".
    assert _names(reader, "huong") == ["Nguyễn Thị Hương", "Trần Ngọc Hường",
                                       "Lê Thị Hương Giang"]


def test_words_out_of_order(reader, people):
    assert _names(reader, "huong nguyen") == ["Nguyễn Thị Hương"]
    assert _names(reader, "giang le") == ["Lê Thị Hương Giang"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2888", ["Phạm Minh Đức"]),  # last digits
        ("888", ["Nguyễn Thị Hương", "Phạm Minh Đức"]),
        ("0935", ["Nguyễn Thị Hương"]),  # leading digits
        ("0935 320 888", ["Nguyễn Thị Hương"]),
        ("+84 935 320 888", ["Nguyễn Thị Hương"]),
        ("84935320888", ["Nguyễn Thị Hương"]),
        ("5432", ["Trần Ngọc Hường"]),  # digits in the middle
    ],
)
def test_phone_by_any_digits(reader, people, query, expected):
    assert sorted(_names(reader, query)) == sorted(expected)


def test_code_search(reader, people):
    assert _names(reader, "KH000002") == ["Đặng Văn Lâm"]
    assert _names(reader, "kh2") == ["Đặng Văn Lâm"]
    assert len(_names(reader, "KH0000")) == 5


def test_empty_query_lists_newest_first_and_limit(reader, people):
    assert _names(reader, "")[0] == "Phạm Minh Đức"
    assert len(_names(reader, "", limit=2)) == 2


def test_no_match(reader, people):
    assert _names(reader, "zzz") == []
    assert _names(reader, "x" * 500) == []  # too long is cut, not an error


def test_classify():
    assert classify("") == "empty"
    assert classify("kh123") == "code"
    assert classify("0935 320") == "phone"
    assert classify("Hương") == "name"


def test_fifty_results_at_most(writer, reader, staff_id):
    with writer() as s:
        for i in range(60):
            create_customer(s, staff_id=staff_id, name=f"Nguyễn Văn {i:02d}",
                            phone=f"0935{i:06d}")
    rows = _names(reader, "nguyen")
    assert len(rows) == 50
    assert rows == sorted(rows)  # same first word: by the rest of the name
