"""Lists that cost the same at a million records as at a thousand (DESIGN §6, CONVENTIONS 12).

No list counts its matches: counting reads every match (nx-27017 even reads every document of the
collection). A page asks for one row more than it shows, which tells whether a next page exists.
Pages are bounded (MAX_PAGE) so a skip never walks through history; filters are combined into one
flat document where possible, because the embedded engine turns `$and` into a full scan while it
serves a flat filter from an index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
MAX_PAGE = 500  # 500 pages of up to 100 rows: further back, people narrow the search instead


@dataclass
class Page(Generic[T]):
    """One page of a list: its rows, its number and whether another page follows."""

    items: list[T] = field(default_factory=list)
    number: int = 1
    per_page: int = 20
    has_next: bool = False

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def first(self) -> int:
        """Position of the first row shown (1-based); 0 on an empty page."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)


def page_of(query: Any, number: int, per_page: int) -> Page[Any]:
    """Page `number` of an ordered MongoEngine queryset (or pymongo cursor), without counting."""
    number = max(1, min(number, MAX_PAGE))
    rows = list(query.skip((number - 1) * per_page).limit(per_page + 1))
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)


def page_number(value: Any, default: int = 1) -> int:
    """A page number from a query string: a whole number from 1 to MAX_PAGE, else `default`."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 40:
        return default
    return max(1, min(int(text), MAX_PAGE))


def combine(clauses: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    """One filter that requires every clause: merged flat when their keys differ, `$and` only for clashes."""
    merged: dict[str, Any] = {}
    rest: list[dict[str, Any]] = []
    for clause in clauses:
        for key, value in (clause or {}).items():
            if key in merged or key == "$and":
                rest.extend(value if key == "$and" else [{key: value}])
            else:
                merged[key] = value
    if rest:
        merged["$and"] = rest
    return merged


def page_body(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    """The JSON envelope of an API list page: rows, the page's number and size, and whether more follow."""
    return {"items": items, "page": page.number, "per_page": page.per_page, "has_next": page.has_next}


def capped_count(query: Any, cap: int) -> int:
    """How many match, up to `cap`: reads at most cap + 1 ids, so a badge never counts history."""
    return len(list(query.only("id").limit(cap + 1)))


def any_of(name: str, values: Iterable[str]) -> dict[str, Any]:
    """`{name: value}` for one value (an index look-up on every engine), `{name: {"$in": values}}` for more."""
    wanted = sorted(set(values))
    return {name: wanted[0]} if len(wanted) == 1 else {name: {"$in": wanted}}
