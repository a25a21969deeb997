"""Relay connections (first/after and last/before, at most 100; totalCount, pageInfo, edges, nodes) and opaque
cursors, after the Cursor Connections spec."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from zhtj.domain.shared.errors import AccessDenied

MAX_PAGE = 100
DEFAULT_PAGE = 20
NodeT = TypeVar("NodeT")


class BadPageRequest(AccessDenied):
    def __init__(self, message: str):
        super().__init__("BAD_USER_INPUT", message)


def page_size(first: int | None, name: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise BadPageRequest(f"{name} 必须在 0 到 {MAX_PAGE} 之间")
    return first


@dataclass(frozen=True)
class Page:
    """What one connection request asks for: `size` items after `key` (forward, first/after), or the last
    `size` items before `key` (backward, last/before). Loaders read up to size+1 items, in the direction
    of reading (descending backward): the extra one only tells that more lie that way."""

    size: int
    key: tuple[Any, ...] | None
    backward: bool = False


def page_request(first: int | None, after: str | None, last: int | None, before: str | None,
                 *types: type) -> Page:
    """The page asked for, or BAD_USER_INPUT: forward (first/after) or backward (last/before), never both."""
    if (first is not None or after is not None) and (last is not None or before is not None):
        raise BadPageRequest("first/after 与 last/before 不能同时使用")
    if last is not None or before is not None:
        return Page(page_size(last, "last"), decode_cursor(before, *types, name="before"), backward=True)
    return Page(page_size(first), decode_cursor(after, *types))


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, *types: type, name: str = "after") -> tuple[Any, ...] | None:
    """The key in an `after` (or `before`) cursor, one value of each of `types` (an int is never a bool, a str never
    empty), or BAD_USER_INPUT: a cursor is data from outside, and a wrong one must not reach a query."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        key = None
    if isinstance(key, list) and len(key) == len(types) and all(map(_is_a, key, types)):
        return tuple(key)
    raise BadPageRequest(f"{name} 游标无效")


def _is_a(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 2**63 - 1
    return isinstance(value, kind) and (kind is not str or value != "")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many there are in all, whatever the page.")
    async def total_count(self) -> int:
        return await self._count()

    @classmethod
    def build(
        cls, rows: Sequence[Any], page: Page, *, cursor_of: Callable[[Any], str],
        node_of: Callable[[Any], Any], count: Callable[[], Awaitable[int]],
    ) -> Connection[Any]:
        """`rows` holds up to size+1 items in reading order (descending for a backward page): the extra one
        only tells that more lie that way. Forward, a previous page exists when `after` was given; backward,
        a next page exists when `before` was given."""
        items = list(rows[:page.size])
        if page.backward:
            items.reverse()
        edges = [Edge(cursor=cursor_of(r), node=node_of(r)) for r in items]
        more, given = len(rows) > page.size, page.key is not None
        info = PageInfo(
            has_next_page=given if page.backward else more,
            has_previous_page=more if page.backward else given,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=info, _count=count)

    @classmethod
    def empty(cls, page: Page) -> Connection[Any]:
        """No items (ACC-4: not there for this viewer)."""
        return cls.build([], page, cursor_of=str, node_of=str, count=_zero)


async def _zero() -> int:
    return 0


def cursor_time(text: str, name: str = "after") -> datetime:
    """The time in a cursor: ISO 8601 with a UTC offset, as encode_cursor wrote it; else a bad page request."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise BadPageRequest(f"{name} 游标无效")
    return at
