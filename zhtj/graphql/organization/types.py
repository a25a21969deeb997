"""GraphQL types of the organization context, separate from the stored objects (`from_domain`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import administers, can_see_org
from zhtj.domain.membership.model import Member
from zhtj.domain.organization import rules
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared import values
from zhtj.graphql.context import Context
from zhtj.graphql.ids import parse_pk
from zhtj.graphql.membership.types import SelfReportStatus
from zhtj.graphql.organization.loaders import PageKey
from zhtj.graphql.permissions import can_edit_org
from zhtj.graphql.relay import BadPageRequest, Connection, encode_cursor, page_request

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import CadrePositionType, MemberType
    from zhtj.graphql.numbering.reports import NumberReport
    from zhtj.graphql.numbering.types import NumberReleaseType, SegmentType
    from zhtj.graphql.search.progress import EntryProgress

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]
SegmentRef = Annotated["SegmentType", strawberry.lazy("zhtj.graphql.numbering.types")]
NumberReleaseRef = Annotated["NumberReleaseType", strawberry.lazy("zhtj.graphql.numbering.types")]
NumberReportRef = Annotated["NumberReport", strawberry.lazy("zhtj.graphql.numbering.reports")]
CadrePositionRef = Annotated["CadrePositionType", strawberry.lazy("zhtj.graphql.membership.types")]
EntryProgressRef = Annotated["EntryProgress", strawberry.lazy("zhtj.graphql.search.progress")]


async def visible_org(info: Info[Context, Any], org_id: int | None) -> Organization | None:
    """The org if it exists and lies in the viewer's scope (ACC-4); otherwise None, never a leak."""
    if org_id is None:
        return None
    ctx = info.context
    org = await ctx.loaders.org_by_id.load(org_id)
    viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
    return org if org is not None and can_see_org(viewer, org) else None


@strawberry.type(name="Organization", description="团组织: one node of the league's tree.")
class OrganizationType(relay.Node):
    id: relay.NodeID[int]
    short_name: str
    full_name: str
    category: str
    industry: str | None
    contact_phone: str | None
    school_code: str | None
    graduation_date: date | None
    depth: int = strawberry.field(description="0 for 团中央, 1 for the provincial level, and so on.")
    _org: strawberry.Private[Organization]

    @classmethod
    def from_domain(cls, org: Organization) -> OrganizationType:
        assert org.id is not None
        return cls(
            id=org.id, short_name=org.short_name, full_name=org.full_name, category=org.category,
            industry=org.industry, contact_phone=org.contact_phone, school_code=org.school_code,
            graduation_date=org.graduation_date, depth=org.depth, _org=org,
        )

    @strawberry.field(description="流动团支部 (TRF-9): a 团支部 of a town or street that takes members whose employer "
                                  "has no league org.")
    def floating(self) -> bool:
        return self._org.floating

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[OrganizationType | None]:
        result = []
        for node_id in node_ids:
            org = await visible_org(info, parse_pk(node_id))
            result.append(cls.from_domain(org) if org else None)
        return result

    @strawberry.field
    async def parent(self, info: Info[Context, Any]) -> OrganizationType | None:
        org = await visible_org(info, self._org.parent_id)
        return OrganizationType.from_domain(org) if org else None

    @strawberry.field(description="From the highest org the viewer may see down to the parent.")
    async def ancestors(self, info: Info[Context, Any]) -> list[OrganizationType]:
        found = [await visible_org(info, i) for i in self._org.ancestor_ids()]
        return [OrganizationType.from_domain(o) for o in found if o is not None]

    @strawberry.field(description="Direct children in sibling order (上移/下移).")
    async def children(
        self, info: Info[Context, Any], first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[OrganizationType]:
        page = page_request(first, after, last, before, int, int)
        key = page.key
        loaders = info.context.loaders
        assert self._org.id is not None
        rows = await loaders.children_page_by_parent.load(
            PageKey(self._org.id, page.size, (int(key[0]), int(key[1])) if key else None, page.backward)
        )
        parent_id = self._org.id
        return Connection.build(
            rows, page,
            cursor_of=lambda o: encode_cursor(o.sort_order, o.id),
            node_of=OrganizationType.from_domain,
            count=lambda: loaders.children_count_by_parent.load(parent_id),
        )

    @strawberry.field(description="下级组织数, how many direct children the org has (the tree's expand arrow "
                                  "without a second query); one statement for a whole level of orgs.")
    async def child_count(self, info: Info[Context, Any]) -> int:
        assert self._org.id is not None
        return await info.context.loaders.children_count_by_parent.load(self._org.id)

    @strawberry.field(description="是否有下级组织, whether the org has any direct child: childCount > 0, from "
                                  "the same batched count.")
    async def has_children(self, info: Info[Context, Any]) -> bool:
        return await self.child_count(info) > 0

    @strawberry.field(description="可否修改: whether the viewer administers this org (ACC-4), so "
                                  "`updateOrganization`, `reorderOrganization` and `createOrganization` under it act "
                                  "rather than answer NOT_FOUND; the form's own rules (ORG-4) still apply.")
    def viewer_can_edit(self, info: Info[Context, Any]) -> bool:
        return can_edit_org(info.context, self._org)

    @strawberry.field(description="可否管理管理员: whether `addAdmin` and `removeAdmin` act on this org for the "
                                  "viewer (ACC-3, ACC-4); the limit of admins and never removing oneself still apply.")
    def viewer_can_manage_admins(self, info: Info[Context, Any]) -> bool:
        return can_edit_org(info.context, self._org)

    @strawberry.field(description="统计领域 of the industry (ORG-3): 学校, 机关事业单位, 国有企业, ….")
    def domain(self) -> str | None:
        return values.DOMAIN_OF_INDUSTRY.get(self._org.industry or "")

    @strawberry.field(description="Current posts in this org (团干部), 无职务 left out (MEM-12).")
    async def cadres(self, info: Info[Context, Any]) -> list[CadrePositionRef]:
        from zhtj.graphql.membership.types import CadrePositionType

        assert self._org.id is not None
        held = await info.context.loaders.positions_by_org_id.load(self._org.id)
        return [CadrePositionType.from_domain(p, m, public=self._public_to(info, m)) for p, m in held]

    def _public_to(self, info: Info[Context, Any], member: Member) -> bool:
        """People of this org are shown in full to its admins (and to themselves); to a member who sees
        the org as their own branch only publicly (ACC-4)."""
        viewer = info.context.viewer  # none in a public payload (registerAdmin): public, then
        return viewer is None or (member.id != viewer.member.id and not administers(viewer, self._org))

    @strawberry.field(description="书记 (ORG-8).")
    async def secretary(self, info: Info[Context, Any]) -> MemberRef | None:
        from zhtj.graphql.membership.types import MemberType

        found = await self._secretary(info)
        return MemberType.from_domain(found, public=self._public_to(info, found)) if found else None

    async def _secretary(self, info: Info[Context, Any]) -> Member | None:
        assert self._org.id is not None
        held = await info.context.loaders.positions_by_org_id.load(self._org.id)
        return next((m for p, m in held if p.position == values.SECRETARY), None)

    @strawberry.field(description="ORG-9: required fields filled, a registered secretary with a mobile.")
    async def info_complete(self, info: Info[Context, Any]) -> bool:
        return (await self._completeness(info)).complete

    @strawberry.field(description="ORG-9: what keeps the info from being complete, in Chinese.")
    async def missing_info(self, info: Info[Context, Any]) -> list[str]:
        return (await self._completeness(info)).missing

    async def _completeness(self, info: Info[Context, Any]) -> rules.InfoCompleteness:
        secretary = await self._secretary(info)
        registered = secretary is not None and await info.context.loaders.has_account_by_member_id.load(
            secretary.id or 0)
        return rules.info_completeness(self._org, secretary_registered=registered,
                                       secretary_has_mobile=bool(secretary and secretary.mobile))

    @strawberry.field(description="ORG-12: a branch of fewer than 3 (or more than 50) members, a committee "
                                  "with no branch below it.")
    async def warnings(self, info: Info[Context, Any]) -> list[str]:
        loaders = info.context.loaders
        assert self._org.id is not None
        count = below = 0
        if self._org.category == values.BRANCH:
            count = await loaders.counted_members_by_branch.load(self._org.id)
        elif rules.is_committee(self._org.category):
            below = await loaders.branches_below_by_path.load(self._org.path)
        return rules.org_warnings(self._org, member_count=count, branches_below=below)

    @strawberry.field(description="People of this branch, or of every branch below this org, for its admins "
                                  "(empty for anyone else, ACC-4); `text` filters by name.")
    async def members(self, info: Info[Context, Any], first: int | None = None, after: str | None = None,
                      text: str | None = None, last: int | None = None,
                      before: str | None = None) -> Connection[MemberRef]:
        from zhtj.graphql.membership.types import MemberType
        from zhtj.graphql.organization.loaders import MembersKey

        page = page_request(first, after, last, before, int)
        key = page.key
        ctx = info.context
        if not administers(ctx.require_viewer(allow_initial_password=True, allow_pending=True), self._org):
            return Connection.empty(page)  # ACC-4: a member sees their org, not its people
        wanted = (text or "").strip() or None
        rows = await ctx.loaders.members_page_by_org.load(
            MembersKey(self._org.path, page.size, int(key[0]) if key else None, wanted, page.backward))
        path = self._org.path

        def count() -> Any:
            return ctx.loaders.members_count_by_org.load((path, wanted))

        return Connection.build(rows, page, cursor_of=lambda m: encode_cursor(m.id), node_of=MemberType.from_domain,
                                count=count)

    @strawberry.field(description="团员报到 to this branch or any branch below (MEM-14), oldest submission first: "
                                  "for admins of the org or above, empty for anyone else. Without `status` every "
                                  "report not yet approved; ACTIVE lists the approved ones.")
    async def self_reports(self, info: Info[Context, Any], status: SelfReportStatus | None = None,
                           first: int | None = None, after: str | None = None, last: int | None = None,
                           before: str | None = None) -> Connection[MemberRef]:
        from zhtj.graphql.membership.types import MemberType
        from zhtj.graphql.organization.loaders import self_reports_count, self_reports_page

        page = page_request(first, after, last, before, str, int)
        key = page.key
        ctx = info.context
        if not administers(ctx.require_viewer(allow_initial_password=True, allow_pending=True), self._org):
            return Connection.empty(page)
        path, wanted, now = self._org.path, status.value if status else None, ctx.clock.now()
        cursor_name = "before" if page.backward else "after"
        try:
            start = (datetime.fromisoformat(key[0]), int(key[1])) if key else None
        except (TypeError, ValueError):
            raise BadPageRequest(f"{cursor_name} 游标无效") from None
        if start is not None and start[0].tzinfo is None:  # cursors carry aware times; anything else is made up
            raise BadPageRequest(f"{cursor_name} 游标无效")
        async with ctx.read() as session:
            rows = await self_reports_page(session, path, wanted, now, page.size + 1, start, page.backward)

        async def count() -> int:
            async with ctx.read() as session:
                return await self_reports_count(session, path, wanted, now)

        return Connection.build(
            rows, page, cursor_of=lambda m: encode_cursor(m.report_submitted_at.isoformat(), m.id),
            node_of=MemberType.from_domain, count=count)

    @strawberry.field(description="管理员: at most 2 for a leading body, 3 for other orgs (ACC-3).")
    async def admins(self, info: Info[Context, Any]) -> list[MemberRef]:
        from zhtj.graphql.membership.types import MemberType

        assert self._org.id is not None
        found = await info.context.loaders.admins_by_org_id.load(self._org.id)
        return [MemberType.from_domain(m, public=self._public_to(info, m)) for m in found]

    @strawberry.field(description="号段 owned by this org (NUM-2, NUM-9), by year and start: for admins of the org or "
                                  "above, empty for anyone else.")
    async def segments(self, info: Info[Context, Any]) -> list[SegmentRef]:
        from zhtj.graphql.numbering.loaders import segments_by_org_id
        from zhtj.graphql.numbering.types import SegmentType

        ctx = info.context
        if self._org.id is None or not self._administered_by_viewer(info):
            return []
        async with ctx.read() as session:
            [found] = await segments_by_org_id(session, [self._org.id])
        return [SegmentType.from_domain(s) for s in found]

    @strawberry.field(description="释放申请 waiting for this org's decision (NUM-4): numbers of its segments asked "
                                  "for another member; for admins of the org or above.")
    async def number_releases_to_review(self, info: Info[Context, Any]) -> list[NumberReleaseRef]:
        from zhtj.graphql.numbering.loaders import pending_releases_of
        from zhtj.graphql.numbering.types import NumberReleaseType

        ctx = info.context
        if self._org.id is None or not self._administered_by_viewer(info):
            return []
        async with ctx.read() as session:
            found = await pending_releases_of(session, self._org.id)
        return [NumberReleaseType.from_domain(r) for r in found]

    @strawberry.field(description="编号统计 (NUM-1, NUM-9) of this org and everything below it: irregular "
                                  "development numbers by kind, segment use per domain; for its admins, null for "
                                  "anyone else.")
    async def number_report(self, info: Info[Context, Any]) -> NumberReportRef | None:
        from zhtj.graphql.numbering.reports import number_report

        return await number_report(info, self._org) if self._administered_by_viewer(info) else None

    @strawberry.field(description="录入进度 (X-3, X-5) of this org and everything below it, per direct child, live; "
                                  "`domain` (统计领域) counts only orgs of that domain. For its admins, null for "
                                  "anyone else.")
    async def progress(self, info: Info[Context, Any], domain: str | None = None) -> EntryProgressRef | None:
        from zhtj.graphql.search.progress import entry_progress

        return await entry_progress(info, self._org, domain) if self._administered_by_viewer(info) else None

    def _administered_by_viewer(self, info: Info[Context, Any]) -> bool:
        viewer = info.context.require_viewer(allow_initial_password=True, allow_pending=True)
        return administers(viewer, self._org)
