"""X-3/X-5 reads: one statement for an org's subtree with its live counters (decision 0026).

The subtree is one range of paths; each org brings its own counters (org_progress), so the cost is the
number of orgs below, not of people: a province of a million members has some tens of thousands of orgs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.organization.model import Organization, subtree_bounds
from zhtj.domain.progress.model import OrgFacts, Progress, entry_progress, school_progress
from zhtj.infrastructure.rows import reader_of
from zhtj.infrastructure.tables.schema import org_progress, organizations

COUNTERS = ("members", "members_complete", "people_complete", "cadres", "cadres_complete")


@dataclass
class Subtree:
    org: OrgFacts
    below: list[OrgFacts]
    children: list[OrgFacts]  # in sibling order
    parent: OrgFacts | None
    _done: dict[str | None, Progress] = field(default_factory=dict)

    def progress(self, domain: str | None = None) -> Progress:
        """Counted once per domain: the totals and the rows come from the same pass."""
        if domain not in self._done:
            self._done[domain] = entry_progress(self.org, self.below, self.children, domain)
        return self._done[domain]

    def schools(self) -> tuple[list[OrgFacts], list[OrgFacts]]:
        parents = {self.parent.id: self.parent} if self.parent else {}
        return school_progress([self.org, *self.below], parents)


def _select():  # type: ignore[no-untyped-def]
    o, c = organizations.c, org_progress.c
    counters = [func.coalesce(getattr(c, name), 0).label(name) for name in COUNTERS]
    return (select(o.id, o.parent_id, o.path, o.category, o.industry, o.school_code, *counters, o.sort_order)
            .select_from(organizations.outerjoin(org_progress, c.org_id == o.id)))


_PATH = organizations.c.path
# Built once (the row reader keeps their compiled form): the subtree, a range of paths; one org by id.
SUBTREE = _select().where(bindparam("low", type_=_PATH.type) <= _PATH, bindparam("high", type_=_PATH.type) > _PATH)
ONE = _select().where(organizations.c.id == bindparam("id", type_=organizations.c.id.type))


def _facts(row: tuple[Any, ...]) -> OrgFacts:
    return OrgFacts(*row[:6], *(int(v) for v in row[6:11]))


async def subtree(session: AsyncSession, org: Organization) -> Subtree:
    """The org, everything below it and its parent, with their counters: one statement for the subtree."""
    low, high = subtree_bounds(org.path)
    reader = reader_of(session)
    rows = await reader.rows(SUBTREE, {"low": low, "high": high})
    own = next(r for r in rows if r[0] == org.id)
    children = sorted((r for r in rows if r[1] == org.id), key=lambda r: (r[11], r[0]))
    parent = None
    if org.parent_id is not None:
        found = await reader.rows(ONE, {"id": org.parent_id}, lookup=True)
        parent = _facts(found[0]) if found else None
    return Subtree(_facts(own), [_facts(r) for r in rows if r[0] != org.id], [_facts(r) for r in children], parent)


async def orgs_by_id(session: AsyncSession, ids: list[int]) -> list[Organization]:
    found = {x.id: x for x in await session.scalars(select(Organization).where(organizations.c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
