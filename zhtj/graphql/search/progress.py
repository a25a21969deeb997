"""Organization.progress (X-3, X-5): live entry progress from the counters kept with every change."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from zhtj.domain.progress.model import OrgFacts, Tally
from zhtj.domain.shared import values
from zhtj.domain.shared.errors import AccessDenied
from zhtj.graphql.context import Context
from zhtj.graphql.ids import encode_id
from zhtj.graphql.organization.types import OrganizationType
from zhtj.infrastructure import progress as reads

SCHOOLS_SHOWN = 200  # X-5 lists show the first schools by path; the counts are whole


@strawberry.interface(description="录入进度 counts (X-3) shared by a whole org and each direct child's row.")
class ProgressCounts:
    branches_total: int = strawberry.field(description="团支部总数: 团支部 and 毕业生团组织.")
    branches_complete: int = strawberry.field(description="达标团支部数: at least 3 people with complete profiles.")
    branches_complete_share: float = strawberry.field(description="团支部达标率, 0 to 1 (0 with no branch).")
    members_entered: int = strawberry.field(description="录入团员数.")
    members_complete: int = strawberry.field(description="信息完整团员数 (MEM-16).")
    members_complete_share: float = strawberry.field(description="团员信息完整率, 0 to 1 (0 with no member).")
    grassroots_total: int = strawberry.field(description="基层组织总数: committees and branches.")
    cadres_entered: int = strawberry.field(description="录入团干部数: posts held (not 无职务).")
    cadres_complete: int = strawberry.field(description="信息完整团干部数: posts whose holder's profile is complete.")
    leading_bodies_total: int = strawberry.field(description="团的领导机关数.")
    leading_bodies_complete: int = strawberry.field(description="达标领导机关数: has cadres, all complete.")
    committees_total: int = strawberry.field(description="团委、团工委、团总支数.")
    committees_complete: int = strawberry.field(description="达标团委数: at least 2 complete cadres.")


def _counts(t: Tally) -> dict[str, Any]:
    return {name: getattr(t, name) for name in (
        "branches_total", "branches_complete", "branches_complete_share", "members_entered", "members_complete",
        "members_complete_share", "grassroots_total", "cadres_entered", "cadres_complete", "leading_bodies_total",
        "leading_bodies_complete", "committees_total", "committees_complete")}


@strawberry.type(name="EntryProgressRow", description="录入进度 of one direct child and everything below it.")
class EntryProgressRow(ProgressCounts):
    organization: OrganizationType


@strawberry.type(name="EntryProgress", description="录入进度 (X-3) of an org and everything below it, live, and "
                                                   "its schools' progress (X-5).")
class EntryProgress(ProgressCounts):
    _subtree: strawberry.Private[reads.Subtree]
    _org_id: strawberry.Private[int]
    _domain: strawberry.Private[str | None]

    @strawberry.field(description="每个直属下级组织 one row, in sibling order; `domain` (统计领域, "
                                  "valueLists.domains) as in progress, which it replaces for the rows.")
    async def by_child(self, info: Info[Context, Any], domain: str | None = None) -> list[EntryProgressRow]:
        progress = self._subtree.progress(_domain(domain) or self._domain)
        orgs = await _orgs(info, [c.id for c, _ in progress.by_child])
        return [EntryProgressRow(organization=OrganizationType.from_domain(orgs[c.id]), **_counts(t))
                for c, t in progress.by_child if c.id in orgs]

    @strawberry.field(description="有组织无机构编号的学校 (X-5): schools' own orgs without an institution code.")
    async def schools_without_code(self, info: Info[Context, Any]) -> list[OrganizationType]:
        return await _schools(info, self._subtree.schools()[0])

    @strawberry.field(description="有机构编号无团支部的学校 (X-5): schools with a code and no branch below.")
    async def schools_without_branch(self, info: Info[Context, Any]) -> list[OrganizationType]:
        return await _schools(info, self._subtree.schools()[1])

    @strawberry.field(description="下载录入进度 (X-3): GET it with the bearer token for an .xlsx of the rows and "
                                  "the total, for progress's domain.")
    def download_url(self) -> str:
        query = f"?domain={quote(self._domain)}" if self._domain else ""
        return f"/organizations/{encode_id('Organization', self._org_id)}/progress.xlsx{query}"


def _domain(domain: str | None) -> str | None:
    if domain is not None and domain not in values.DOMAINS:
        raise AccessDenied("BAD_USER_INPUT", f"统计领域须为：{'、'.join(values.DOMAINS)}")
    return domain


async def _orgs(info: Info[Context, Any], ids: list[int]) -> dict[int, Any]:
    async with info.context.read() as session:
        return {o.id: o for o in await reads.orgs_by_id(session, ids)}


async def _schools(info: Info[Context, Any], found: list[OrgFacts]) -> list[OrganizationType]:
    shown = sorted(found, key=lambda o: o.path)[:SCHOOLS_SHOWN]
    orgs = await _orgs(info, [o.id for o in shown])
    return [OrganizationType.from_domain(orgs[o.id]) for o in shown if o.id in orgs]


async def entry_progress(info: Info[Context, Any], org: Any, domain: str | None) -> EntryProgress:
    domain = _domain(domain)
    async with info.context.read() as session:
        subtree = await reads.subtree(session, org)
    return EntryProgress(_subtree=subtree, _org_id=org.id, _domain=domain, **_counts(subtree.progress(domain).total))


