"""X-3/X-5 reads: one statement for an org's subtree with its live counters (decision 0026).

The subtree is one range of paths; each org brings its own counters (org_progress), so the cost is the
number of orgs below, not of people: a province of a million members has some tens of thousands of orgs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.organization.model import Organization, subtree_bounds
from zhtj.domain.progress.model import OrgFacts, Progress, entry_progress, school_progress
from zhtj.infrastructure.tables.schema import org_progress, organizations

COUNTERS = ("members", "members_complete", "people_complete", "cadres", "cadres_complete")


@dataclass
class Subtree:
    org: OrgFacts
    below: list[OrgFacts]
    children: list[OrgFacts]  # in sibling order
    parent: OrgFacts | None

    def progress(self, domain: str | None = None) -> Progress:
        return entry_progress(self.org, self.below, self.children, domain)

    def schools(self) -> tuple[list[OrgFacts], list[OrgFacts]]:
        parents = {self.parent.id: self.parent} if self.parent else {}
        return school_progress([self.org, *self.below], parents)


def _select():  # type: ignore[no-untyped-def]
    o, c = organizations.c, org_progress.c
    counters = [func.coalesce(getattr(c, name), 0).label(name) for name in COUNTERS]
    return (select(o.id, o.parent_id, o.path, o.category, o.industry, o.school_code, o.sort_order, *counters)
            .select_from(organizations.outerjoin(org_progress, c.org_id == o.id)))


def _facts(row) -> OrgFacts:  # type: ignore[no-untyped-def]
    return OrgFacts(id=row.id, parent_id=row.parent_id, path=row.path, category=row.category, industry=row.industry,
                    school_code=row.school_code, **{name: int(getattr(row, name)) for name in COUNTERS})


async def subtree(session: AsyncSession, org: Organization) -> Subtree:
    low, high = subtree_bounds(org.path)
    o = organizations.c
    rows = (await session.execute(_select().where(o.path >= low, o.path < high))).all()
    own = next(r for r in rows if r.id == org.id)
    children = sorted((r for r in rows if r.parent_id == org.id), key=lambda r: (r.sort_order, r.id))
    parent = None
    if org.parent_id is not None:
        found = (await session.execute(_select().where(o.id == org.parent_id))).first()
        parent = _facts(found) if found else None
    return Subtree(_facts(own), [_facts(r) for r in rows if r.id != org.id], [_facts(r) for r in children], parent)


async def orgs_by_id(session: AsyncSession, ids: list[int]) -> list[Organization]:
    found = {x.id: x for x in await session.scalars(select(Organization).where(organizations.c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
