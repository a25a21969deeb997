"""The league's tree (ORG-1, ORG-3). Each org keeps a materialized path of its ancestors' ids, so
"this org and everything under it" is one indexed range of paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

ROOT_NAME = "团中央"
LEADING_BODY = "团的领导机关"
BRANCH = "团支部"


def encode_segment(org_id: int) -> str:
    """One path segment: the id in base 36, so deep paths stay short."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    n = org_id
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def child_path(parent_path: str, org_id: int) -> str:
    return f"{parent_path}{encode_segment(org_id)}/"


def subtree_bounds(path: str) -> tuple[str, str]:
    """Paths p with lower <= p < upper are the org itself and everything under it."""
    return path, path[:-1] + chr(ord("/") + 1)


def province_key(path: str | None) -> int | None:
    """The province key of rows at the org with this path (decision 0078): the id of its provincial-level org
    (depth 1, the path's second segment), itself at depth 1; the root's own id for the root (团中央's own rows
    are a "province" of their own); None without a path."""
    segments = path.strip("/").split("/") if path else []
    return int(segments[1] if len(segments) >= 2 else segments[0], 36) if segments and segments[0] else None


def is_within(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)


@dataclass(eq=False)
class Organization:
    short_name: str
    full_name: str
    category: str
    parent_id: int | None = None
    path: str = ""
    depth: int = 0
    industry: str | None = None
    contact_phone: str | None = None
    school_code: str | None = None
    graduation_date: date | None = None
    sort_order: int = 0
    category_changed: bool = False
    created_at: datetime | None = None
    floating: bool = False  # 流动团支部 (TRF-9): a branch of a town or street for members whose employer has no org
    id: int | None = field(default=None)

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read off the path."""
        return [int(s, 36) for s in self.path.strip("/").split("/")[:-1]] if self.path else []

    def province_id(self) -> int | None:
        """ORG-10: the id of the provincial-level org (depth 1) this org lies in, itself at depth 1;
        None for the root."""
        return province_key(self.path) if self.path.count("/") > 2 else None


@dataclass(eq=False)
class OrgMigration:
    """组织迁移 (ORG-10): the org's admin asks, the old parent's admin approves, then the new one's."""

    org_id: int
    old_parent_id: int
    new_parent_id: int
    requested_by: int
    requested_at: datetime
    status: str = "AWAITING_OLD_PARENT"  # AWAITING_NEW_PARENT, COMPLETED, REFUSED, WITHDRAWN
    old_parent_approved_by: int | None = None
    old_parent_approved_at: datetime | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    id: int | None = field(default=None)
