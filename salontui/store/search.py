"""Customer search as the receptionist types: name, phone digits or code.

Every path is an index range scan, never ``LIKE 'x%'`` (which cannot use an
index): measured at 100k customers, a range on an index answers in ~0.1 ms,
``LIKE`` in ~7 ms and ``LIKE '%1234' ORDER BY name`` in ~130 ms.

* **Name**: the folded query (no case, no diacritics, đ→d) is a prefix of a
  word-suffix of the name (see :func:`text.name_keys`), so "huong",
  "thi huong" and "nguyen t" all find "Nguyễn Thị Hương". Ordered by the
  matched words, then name. Words typed out of order ("nguyen huong") are
  matched by the last word, then filtered on all words.
* **Phone**: the digits end the number (the usual "ending 2888"), or begin
  it ("0935…"); then the numbers customers had before (an old phone, marked
  in the row: ``old_phone``), the same two ways; only when none finds anything
  is the number searched for the digits anywhere (a scan, ~10 ms, only on a
  miss).
* **Code**: "KH000123", "kh123" or "KH0001" (prefix).

Hot path: columns, not entities (entities cost 5–7× raw sqlite3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import permutations

from sqlmodel import Session

from salontui.store.bounds import MAX_QUERY, MAX_QUERY_WORDS, boundary
from salontui.store.db import fetch_all
from salontui.store.phones import digits_of
from salontui.store.text import fold, prefix_upper_bound

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_CODE = re.compile(r"^\s*([a-zA-Z]{2})\s*0*(\d+)\s*$")
_PHONEISH = re.compile(r"^[\d\s+().-]+$")


@dataclass(frozen=True)
class CustomerRow:
    """One line of the search results."""

    id: int
    code: str
    name: str
    phone: str
    tier: str
    points: int
    debt: int
    last_visit: datetime | None
    deleted: bool
    old_phone: str = ""  # found by this number the customer had before (E.164), not theirs now


_COLUMNS = """
    c.id, c.code, c.name, c.phone, c.tier,
    (SELECT coalesce(sum(amount), 0) FROM ledger_entry
      WHERE customer_id = c.id AND account = 'points') AS points,
    (SELECT coalesce(sum(amount), 0) FROM ledger_entry
      WHERE customer_id = c.id AND account = 'debt') AS debt,
    (SELECT max(created_at) FROM invoice WHERE customer_id = c.id) AS last_visit,
    c.deleted_at IS NOT NULL AS deleted
"""


def _state(deleted: bool) -> str:
    return "c.deleted_at IS NOT NULL" if deleted else "c.deleted_at IS NULL"


def _rows(session: Session, sql: str, params: dict) -> list[CustomerRow]:
    result = fetch_all(session, sql, params)
    rows = []
    for r in result:
        last = r[7]
        if isinstance(last, str):
            last = datetime.fromisoformat(last)
        rows.append(CustomerRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], last, bool(r[8]),
                                r[9] if len(r) > 9 else ""))
    return rows


def classify(query: str) -> str:
    """'code', 'phone', 'name' or 'empty': which search a query means."""
    q = query.strip()
    if not q:
        return "empty"
    if _CODE.match(q):
        return "code"
    if _PHONEISH.match(q) and len(digits_of(q)) >= 2:
        return "phone"
    return "name"


@boundary
def search_customers(
    session: Session, *, query: str, limit: int = DEFAULT_LIMIT, deleted: bool = False
) -> list[CustomerRow]:
    """The best ``limit`` customers for what was typed. ``deleted=True`` searches the bin.

    Bounded before any work: the first ``MAX_QUERY`` characters, the first
    ``MAX_QUERY_WORDS`` words of a name (a pasted page costs what a name costs).
    """
    query = query[:MAX_QUERY]
    limit = max(0, min(limit, MAX_LIMIT))
    kind = classify(query)
    if kind == "empty":
        return recent_customers(session, limit=limit, deleted=deleted)
    if kind == "code":
        return _by_code(session, query, limit, deleted)
    if kind == "phone":
        return _by_phone(session, digits_of(query), limit, deleted)
    return _by_name(session, " ".join(fold(query).split()[:MAX_QUERY_WORDS]), limit, deleted)


def recent_customers(session: Session, *, limit: int = DEFAULT_LIMIT,
                     deleted: bool = False) -> list[CustomerRow]:
    """Newest customers first: what the search shows before anything is typed."""
    sql = f"SELECT {_COLUMNS} FROM customer c WHERE {_state(deleted)} ORDER BY c.id DESC LIMIT :n"
    return _rows(session, sql, {"n": limit})


def _by_code(session: Session, query: str, limit: int, deleted: bool) -> list[CustomerRow]:
    match = _CODE.match(query)
    assert match is not None  # classify said "code": _CODE matched the stripped query
    prefix, number = match.group(1).upper(), match.group(2)
    exact = f"{prefix}{int(number):06d}"
    sql = (f"SELECT {_COLUMNS} FROM customer c WHERE c.code = :exact AND {_state(deleted)}")
    rows = _rows(session, sql, {"exact": exact})
    if len(rows) < limit:
        typed = prefix + query.strip()[2:].strip()
        sql = (f"SELECT {_COLUMNS} FROM customer c WHERE c.code >= :p AND c.code < :u "
               f"AND c.code != :exact AND {_state(deleted)} ORDER BY c.code LIMIT :n")
        rows += _rows(session, sql, {"p": typed.upper(), "u": prefix_upper_bound(typed.upper()),
                                     "exact": exact, "n": limit - len(rows)})
    return rows


def _by_phone(session: Session, digits: str, limit: int, deleted: bool) -> list[CustomerRow]:
    national = digits
    if digits.startswith("84") and len(digits) >= 11:  # typed with the country code
        national = "0" + digits[2:]
    rev = national[::-1]
    sql = (f"SELECT {_COLUMNS} FROM customer c WHERE c.phone_rev >= :p AND c.phone_rev < :u "
           f"AND {_state(deleted)} ORDER BY c.phone_rev LIMIT :n")
    rows = _rows(session, sql, {"p": rev, "u": prefix_upper_bound(rev), "n": limit})
    seen = {r.id for r in rows}
    if len(rows) < limit:
        sql = (f"SELECT {_COLUMNS} FROM customer c WHERE c.phone_national >= :p "
               f"AND c.phone_national < :u AND {_state(deleted)} "
               f"ORDER BY c.phone_national LIMIT :n")
        more = _rows(session, sql, {"p": national, "u": prefix_upper_bound(national),
                                    "n": limit})
        rows += [r for r in more if r.id not in seen][: limit - len(rows)]
    if len(rows) < limit:
        found = {r.id for r in rows}
        old = _by_old_phone(session, national, rev, limit, deleted)
        rows += [r for r in old if r.id not in found][: limit - len(rows)]
    if not rows and len(national) >= 3:
        sql = (f"SELECT {_COLUMNS} FROM customer c WHERE c.phone_national LIKE :d "
               f"AND {_state(deleted)} ORDER BY c.name_norm LIMIT :n")
        rows = _rows(session, sql, {"d": f"%{national}%", "n": limit})  # digits: no escapes
    return rows


def _by_old_phone(session: Session, national: str, rev: str, limit: int,
                  deleted: bool) -> list[CustomerRow]:
    """Customers by a number they had before (``customer_phone``, store/loyalty/phone.py):
    its last digits, then its first, as for a current number; each row says the old number
    it was found by."""
    found: list[CustomerRow] = []
    for column, typed in (("phone_rev", rev), ("phone_national", national)):
        sql = (f"SELECT {_COLUMNS}, o.phone FROM customer_phone o "
               f"JOIN customer c ON c.id = o.customer_id "
               f"WHERE o.{column} >= :p AND o.{column} < :u AND {_state(deleted)} "
               f"ORDER BY o.{column} LIMIT :n")
        found += _rows(session, sql, {"p": typed, "u": prefix_upper_bound(typed), "n": limit})
    return _unique(found, limit)


def _unique(rows: list[CustomerRow], limit: int) -> list[CustomerRow]:
    """Each customer once (a name may match on two of its words), first place kept."""
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            out.append(row)
    return out[:limit]


def _by_name_prefix(session: Session, folded: str, limit: int,
                    deleted: bool) -> list[CustomerRow]:
    sql = (f"SELECT {_COLUMNS} FROM customer_name_key k JOIN customer c ON c.id = k.customer_id "
           f"WHERE k.key >= :p AND k.key < :u AND {_state(deleted)} "
           f"ORDER BY k.key, k.customer_id LIMIT :n")
    rows = _rows(session, sql, {"p": folded, "u": prefix_upper_bound(folded), "n": limit * 2})
    return _unique(rows, limit)


def _by_name(session: Session, folded: str, limit: int, deleted: bool) -> list[CustomerRow]:
    rows = _by_name_prefix(session, folded, limit, deleted)
    if rows or " " not in folded:
        return rows
    return _by_words(session, folded.split(), limit, deleted)


def _like_word(word: str) -> str:
    """A LIKE pattern for a word starting anywhere in a space-prefixed name (escaped)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


_CANDIDATE_CAP = 5000


def _key_count(session: Session, word: str) -> int:
    """How many name keys start with ``word`` (counted up to the cap: an index range)."""
    sql = ("SELECT count(*) FROM (SELECT 1 FROM customer_name_key WHERE key >= :p AND key < :u "
           "LIMIT :cap) AS hits")
    params = {"p": word, "u": prefix_upper_bound(word), "cap": _CANDIDATE_CAP}
    return fetch_all(session, sql, params)[0][0]


def _by_words(session: Session, words: list[str], limit: int,
              deleted: bool) -> list[CustomerRow]:
    """Words in any order ("huong nguyen" for "Nguyễn Thị Hương").

    First the words as a phrase in another order (each an index range); then
    the customers whose key starts with the rarest word, the other words
    checked in SQL on the folded name, among at most ``_CANDIDATE_CAP`` keys.
    """
    if len(words) <= 3:
        for order in permutations(words):
            if list(order) != words:
                rows = _by_name_prefix(session, " ".join(order), limit, deleted)
                if rows:
                    return rows
    anchor = min(words, key=lambda w: (_key_count(session, w), -len(w)))
    others = [w for w in words if w != anchor]
    checks = " ".join(f"AND (' ' || c.name_norm) LIKE :w{i} ESCAPE '\\'"
                      for i in range(len(others)))
    # Pick the ids first, so the per-row balances are computed for the chosen few only.
    sql = (f"SELECT {_COLUMNS} FROM (SELECT DISTINCT c.id AS cid, c.name_norm AS nn "
           f"FROM (SELECT customer_id FROM customer_name_key "
           f"WHERE key >= :p AND key < :u ORDER BY key LIMIT :cap) k "
           f"JOIN customer c ON c.id = k.customer_id WHERE {_state(deleted)} {checks} "
           f"ORDER BY c.name_norm, c.id LIMIT :n) chosen JOIN customer c ON c.id = chosen.cid "
           f"ORDER BY chosen.nn, chosen.cid")
    params = {"p": anchor, "u": prefix_upper_bound(anchor), "n": limit * 2,
              "cap": _CANDIDATE_CAP}
    params.update({f"w{i}": _like_word(w) for i, w in enumerate(others)})
    return _unique(_rows(session, sql, params), limit)
