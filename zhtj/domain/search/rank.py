"""X-1 ranking: exact before partial, then the nearer org first (the shallower branch or org), then by name."""

from __future__ import annotations


def depth_of(path: str) -> int:
    return path.count("/") - 1


def org_rank(full_name: str, short_name: str, word: str, path: str) -> tuple[int, int, str]:
    exact = word in (full_name, short_name)
    return (0 if exact else 1, depth_of(path), full_name)
