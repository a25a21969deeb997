"""valueLists: every list of DOMAIN.md §7, for the front ends' dropdowns (data, not code)."""

from __future__ import annotations

from dataclasses import make_dataclass
from typing import Any

import strawberry

from zhtj.domain.shared.values import value_lists

_LISTS = value_lists()
ValueLists: Any = strawberry.type(
    make_dataclass("ValueLists", [(key, list[str]) for key in _LISTS]),
    description="取值列表: the allowed values of every value-list field, in display order (DOMAIN.md §7).",
)


def current_value_lists() -> Any:
    return ValueLists(**{key: list(items) for key, items in _LISTS.items()})
