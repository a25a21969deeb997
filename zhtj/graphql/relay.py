"""Relay connections (first ≤ 100, after, totalCount, pageInfo, edges, nodes) and opaque cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from zhtj.domain.shared.errors import AccessDenied

MAX_PAGE = 100
DEFAULT_PAGE = 20
NodeT = TypeVar("NodeT")


class BadPageRequest(AccessDenied):
    def __init__(self, message: str):
        super().__init__("BAD_USER_INPUT", message)


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise BadPageRequest(f"first 必须在 0 到 {MAX_PAGE} 之间")
    return first


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """The key in an `after` cursor, one value of each of `types` (an int is never a bool, a str never
    empty), or BAD_USER_INPUT: a cursor is data from outside, and a wrong one must not reach a query."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        key = None
    if isinstance(key, list) and len(key) == len(types) and all(map(_is_a, key, types)):
        return tuple(key)
    raise BadPageRequest("after 游标无效")


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
        cls, rows: Sequence[Any], first: int, *, cursor_of: Callable[[Any], str],
        node_of: Callable[[Any], Any], count: Callable[[], Awaitable[int]], has_previous: bool,
    ) -> Connection[Any]:
        """`rows` holds up to first+1 items: the extra one only tells that a next page exists."""
        page = list(rows[:first])
        edges = [Edge(cursor=cursor_of(r), node=node_of(r)) for r in page]
        info = PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=info, _count=count)
