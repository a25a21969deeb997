"""People of the league: members and cadres (MEM-1, MEM-2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(eq=False)
class Member:
    name: str
    id_number: str
    gender: str
    birth_date: date
    branch_id: int | None = None
    political_status: str = "共青团员"
    join_date: str | None = None  # YYYY-MM
    mobile: str | None = None
    created_at: datetime | None = None
    id: int | None = field(default=None)


@dataclass(eq=False)
class CadrePosition:
    """A post held in one org (MEM-12); a cadre may hold posts in several orgs (MEM-1)."""

    member_id: int
    org_id: int
    position: str
    since: str | None = None  # YYYY-MM
    id: int | None = field(default=None)
