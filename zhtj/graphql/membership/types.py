"""GraphQL types of the membership context."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import administers, can_see_member, is_root_admin
from zhtj.domain.membership import idcard, rules, self_report, verification
from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.numbering import rules as numbering_rules
from zhtj.domain.progress import completeness
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import today
from zhtj.domain.shared.errors import AccessDenied
from zhtj.graphql.context import Context
from zhtj.graphql.ids import encode_id

if TYPE_CHECKING:
    from zhtj.graphql.numbering.archives import ArchiveType
    from zhtj.graphql.organization.types import OrganizationType
    from zhtj.graphql.transfers.types import TransferType

OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]
ArchiveRef = Annotated["ArchiveType", strawberry.lazy("zhtj.graphql.numbering.archives")]
TransferRef = Annotated["TransferType", strawberry.lazy("zhtj.graphql.transfers.types")]

# Stored fields shown as they are (MEM-2).
# Shown to whoever may see the person at all (a branch's secretary to its members, say).
PUBLIC = ("name", "gender", "political_status", "is_cadre", "verification", "graduate")
# The rest of the profile: for the member and for admins in scope only (ACC-4).
PRIVATE = ("ethnicity", "ethnicity_note", "occupation", "study_status", "job_type",
           "education", "join_date", "development_number", "party_join_date",
           "household_address", "email", "qq", "wechat", "weibo", "submitted_party_application",
         "party_application_date", "registered_volunteer", "volunteer_since",
           "verification_note", "verification_checked_at", "report_submitted_at", "report_return_reason")


@strawberry.enum(name="SelfReportStatus", description="团员报到 (MEM-14, ACC-2): where a person stands.")
class SelfReportStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="A member: entered by an admin, or a report approved.")
    AWAITING_REVIEW = strawberry.enum_value("AWAITING_REVIEW", description="Submitted, waiting for the branch.")
    RETURNED = strawberry.enum_value("RETURNED", description="Returned by the branch with a reason, to edit.")
    WITHDRAWN = strawberry.enum_value("WITHDRAWN", description="Withdrawn by the person, to edit.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Unanswered for 30 days: ended by itself; submit again.")


@strawberry.enum(name="VerificationStatus", description="实名校验状态 (MEM-13): the name/ID check as a machine state; "
                                                        "`Member.verification` gives the same in Chinese.")
class VerificationStatus(Enum):
    NOT_CHECKED = strawberry.enum_value(verification.NOT_CHECKED, description="未校验: not asked yet, or an "
                                                                               "unanswered check that lapsed.")
    CHECKING = strawberry.enum_value(verification.CHECKING, description="校验中: asked, no answer yet.")
    PASSED = strawberry.enum_value(verification.PASSED, description="校验通过: the check service confirmed it.")
    FAILED = strawberry.enum_value(verification.FAILED, description="校验不通过: refused; retried for 72 h, then "
                                                                     "for an admin to check offline.")
    PASSED_OFFLINE = strawberry.enum_value(verification.PASSED_OFFLINE, description="线下通过: an admin checked "
                                                                                     "the papers offline.")


@strawberry.type(description="报到团支部, the branch a self-report went to (MEM-14): its names only. Its `id` is a "
                             "global id of its own type (not the Organization's, which the reporter may not read "
                             "yet); `organizationId` is the Organization's, to send again as `branchId`.")
class SelfReportBranch(relay.Node):
    id: relay.NodeID[int]
    organization_id: strawberry.ID = strawberry.field(
        description="The branch's Organization global id (组织 ID), the value `selfReport` takes as `branchId`.")
    short_name: str = strawberry.field(description="组织简称, the branch's short name.")
    full_name: str = strawberry.field(description="组织全称, the branch's full name.")

    @classmethod
    def from_org(cls, org_id: int, short_name: str, full_name: str) -> SelfReportBranch:
        return cls(id=org_id, organization_id=strawberry.ID(encode_id("Organization", org_id)),
                   short_name=short_name, full_name=full_name)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[SelfReportBranch | None]:
        """The names of a branch the viewer may see (ACC-4); null otherwise."""
        from zhtj.graphql.organization.types import visible_org

        found = [await visible_org(info, int(i)) if i.isdigit() else None for i in node_ids]
        return [cls.from_org(o.id, o.short_name, o.full_name) if o and o.id else None for o in found]


async def visible_member(info: Info[Context, Any], member_id: int) -> Member | None:
    """The member if the viewer may see them (ACC-4): themself, people of branches in scope, and cadres
    holding a post in an org in scope."""
    ctx = info.context
    viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
    found = await ctx.loaders.member_and_branch_by_id.load(member_id)  # one statement for both
    if found is None:
        return None
    member, branch = found
    ctx.loaders.member_by_id.prime(member_id, member)
    if branch is not None:
        ctx.loaders.org_by_id.prime(branch.id, branch)
    if can_see_member(viewer, member_id, branch) or await _administered(info, member):
        return member
    return None


async def _administered(info: Info[Context, Any], member: Member) -> bool:
    ctx = info.context
    viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
    orgs = [member.branch_id] if member.branch_id else []
    orgs += [p.org_id for p in await ctx.loaders.positions_by_member_id.load(member.id or 0)
             if p.position != values.NO_POSITION]  # an ended post no longer shows the person
    for org_id in orgs:
        org = await ctx.loaders.org_by_id.load(org_id)
        if org is not None and administers(viewer, org):
            return True
    return not orgs and is_root_admin(viewer)  # no branch and no post: 团中央's admins only


def _listed(info: Info[Context, Any]) -> bool:
    """Whether the field is read inside a list (a connection, a search result): contacts are masked there."""
    path = info.path
    while path is not None:
        if isinstance(path.key, int):
            return True
        path = path.prev
    return False


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) == 11 else "*" * len(mobile)


@strawberry.type(name="Member", description="团员或团干部 (MEM-2).")
class MemberType(relay.Node):
    id: relay.NodeID[int]
    name: str
    id_number_masked: str = strawberry.field(
        description="110101********123X: the full number is never listed; a person shown publicly only 110101****.")
    gender: str
    ethnicity: str | None = strawberry.field(description="民族 (valueLists.ethnicities).")
    ethnicity_note: str | None = strawberry.field(description="The group's name when ethnicity is 其他.")
    occupation: str | None = strawberry.field(description="职业: 青年学生 or 职业青年.")
    study_status: str | None = strawberry.field(description="在读状况, students (MEM-10).")
    job_type: str | None = strawberry.field(description="具体职业, working youth.")
    education: str | None = strawberry.field(description="学历: the highest level finished (MEM-10).")
    political_status: str
    join_date: str | None = strawberry.field(description="入团时间, YYYY-MM.")
    development_number: str | None = strawberry.field(description="发展团员编号 (MEM-7, NUM-F*).")
    party_join_date: date | None
    is_cadre: bool
    household_address: str | None
    email: str | None
    qq: str | None
    wechat: str | None
    weibo: str | None
    submitted_party_application: bool | None
    party_application_date: date | None
    registered_volunteer: bool | None
    volunteer_since: str | None
    verification: str = strawberry.field(description="实名校验 (MEM-13): 未校验, 校验中 (asked, no answer yet), "
                                                     "校验通过, 校验不通过 (retried for 72 h), 线下通过.")
    verification_note: str | None = strawberry.field(description="线下核验说明 of an offline pass (MEM-13).")
    verification_checked_at: datetime | None = strawberry.field(
        description="When the name/ID check last got an answer, or was passed offline.")
    graduate: bool = strawberry.field(description="Flagged a graduate by the yearly switch (ORG-11).")
    report_submitted_at: datetime | None = strawberry.field(description="When the self-report was last submitted.")
    report_return_reason: str | None = strawberry.field(description="退回原因 of a returned self-report (MEM-14).")
    _member: strawberry.Private[Member]
    _public: strawberry.Private[bool] = False

    @classmethod
    def from_domain(cls, member: Member, *, public: bool = False) -> MemberType:
        """`public`: seen by someone who is neither the person nor an admin over them, so only PUBLIC."""
        assert member.id is not None
        shown = {name: getattr(member, name) for name in PUBLIC}
        shown.update({name: None if public else getattr(member, name) for name in PRIVATE})
        masked = member.id_number[:6] + "*" * 12 if public else idcard.mask(member.id_number)
        return cls(id=member.id, id_number_masked=masked, _member=member, _public=public, **shown)

    @strawberry.field(description="实名校验 (MEM-13) as an enum for code generators: the same state as "
                                  "`verification`.")
    def verification_status(self) -> VerificationStatus:
        return VerificationStatus(self._member.verification)

    @strawberry.field(description="出生日期: with the masked ID number it gives the whole number away, so it is "
                                  "read like idNumber: one person at a time (null in lists), by the member or an "
                                  "admin in scope, and written to the audit log. Lists have `age`.")
    async def birth_date(self, info: Info[Context, Any]) -> date | None:
        if self._public or _listed(info):
            return None
        info.context.count_full_read()
        await info.context.audit("readBirthDate", f"Member:{self._member.id}")
        return self._member.birth_date

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[MemberType | None]:
        found = [await visible_member(info, int(i)) if i.isdigit() else None for i in node_ids]
        return [cls.from_domain(m) if m else None for m in found]

    @strawberry.field(description="身份证号, the full ID number: one person at a time, for an admin in scope or the "
                                  "member, and every read is written to the audit log. Nullable: where it is refused "
                                  "(inside a list, or to anyone else) it is null with a FORBIDDEN error on this path "
                                  "only, so the list around it still answers.")
    async def id_number(self, info: Info[Context, Any]) -> str | None:
        ctx = info.context
        if not await self._may_read_id_number(info):
            raise AccessDenied("FORBIDDEN", "无权查看完整身份证号")
        if _listed(info):
            raise AccessDenied("FORBIDDEN", "列表中只显示脱敏身份证号，请逐个查看完整身份证号")
        ctx.count_full_read()
        await ctx.audit("readIdNumber", f"Member:{self._member.id}")
        return self._member.id_number

    async def _may_read_id_number(self, info: Info[Context, Any]) -> bool:
        """The member themself, or an admin over their branch or one of their posts (ACC-4)."""
        viewer = info.context.require_viewer(allow_initial_password=True, allow_pending=True)
        return not self._public and (viewer.member.id == self._member.id or await _administered(info, self._member))

    @strawberry.field(description="可否查看完整身份证号: whether `idNumber`, asked for this person alone (not inside a "
                                  "list), answers the number rather than FORBIDDEN; from the rule idNumber applies.")
    async def viewer_can_read_id_number(self, info: Info[Context, Any]) -> bool:
        return await self._may_read_id_number(info)

    @strawberry.field(description="可否修改: whether `updateMember` accepts a change to this person from the viewer: "
                                  "any field from an admin who manages them (`viewerCanManage`), the person's own "
                                  "contact fields from themself (ACC-4).")
    async def viewer_can_edit(self, info: Info[Context, Any]) -> bool:
        from zhtj.graphql.permissions import can_edit_member

        return await can_edit_member(info.context, self._member)

    @strawberry.field(description="可否管理: whether the viewer manages this person (ACC-4, the rule of "
                                  "`MEMBER_MANAGED_ELSEWHERE`): change every field with `updateMember`, issue a "
                                  "password reset code, make them 书记 of an org. Deletion (MEM-15) asks more.")
    async def viewer_can_manage(self, info: Info[Context, Any]) -> bool:
        from zhtj.graphql.permissions import manages

        return await manages(info.context, self._member)

    @strawberry.field(description="手机号码: masked (138****8000) in lists and search results.")
    def mobile(self, info: Info[Context, Any]) -> str | None:
        value = None if self._public else self._member.mobile
        return mask_mobile(value) if value and _listed(info) else value

    @strawberry.field(description="The member's branch (所在团支部), if the viewer may see it.")
    async def branch(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._member.branch_id)
        return OrganizationType.from_domain(org) if org else None

    @strawberry.field(description="Posts held, in every org the viewer may see (MEM-1, MEM-12).")
    async def positions(self, info: Info[Context, Any]) -> list[CadrePositionType]:
        from zhtj.graphql.organization.types import visible_org

        assert self._member.id is not None
        held = await info.context.loaders.positions_by_member_id.load(self._member.id)
        return [CadrePositionType.from_domain(p, self._member, public=self._public) for p in held
                if await visible_org(info, p.org_id)]

    @strawberry.field(description="MEM-16: every * field of MEM-2 that applies is filled.")
    async def profile_complete(self, info: Info[Context, Any]) -> bool:
        return not await self._missing(info)

    @strawberry.field(description="MEM-16: the * fields still empty (input field names), applicationForm "
                                  "for those who joined in 2020 or later (MEM-9).")
    async def missing_fields(self, info: Info[Context, Any]) -> list[str]:
        return [] if self._public else await self._missing(info)  # empty for a person shown publicly

    async def _missing(self, info: Info[Context, Any]) -> list[str]:
        """MEM-16 for the person and for every post they hold (each post's own * fields)."""
        m = self._member
        loaders = info.context.loaders
        posts = [p for p in await loaders.positions_by_member_id.load(m.id or 0) if p.position != values.NO_POSITION]
        orgs = [await loaders.org_by_id.load(p.org_id) for p in posts]
        has_pdf = (m.join_date or "0") >= "2020" and await loaders.archive_by_member_id.load(m.id or 0) is not None
        return completeness.missing(m, [(p, o.category if o else None) for p, o in zip(posts, orgs, strict=True)],
                                    has_pdf)

    @strawberry.field(description="MEM-14, ACC-2: ACTIVE once a member; a self-report's state otherwise.")
    def report_status(self, info: Info[Context, Any]) -> SelfReportStatus:
        return SelfReportStatus(self_report.report_status(self._member, info.context.clock.now()))

    @strawberry.field(description="The branch chosen in a self-report not yet approved (MEM-14); null for members "
                                  "(see branch).")
    async def report_branch(self, info: Info[Context, Any]) -> SelfReportBranch | None:
        m = self._member
        org = await info.context.loaders.org_by_id.load(m.branch_id) if m.branch_id and m.status != ACTIVE else None
        if org is None or org.id is None:
            return None
        return SelfReportBranch.from_org(org.id, org.short_name, org.full_name)

    @strawberry.field(description="GET it with the bearer token: the photo of an offline name/ID check "
                                  "(线下通过, MEM-13); for admins in scope, null otherwise.")
    async def verification_photo_url(self, info: Info[Context, Any]) -> str | None:
        if not self._member.verification_photo or not await _administered(info, self._member):
            return None
        return f"/members/{encode_id('Member', self._member.id or 0)}/verification-photo"

    @strawberry.field(description="电子档案 (NUM-6): the application form and its review, for admins over the "
                                  "member's branch; null for anyone else or before an upload.")
    async def archive(self, info: Info[Context, Any]) -> ArchiveRef | None:
        from zhtj.graphql.numbering.archives import archive_of

        return None if self._public else await archive_of(info, self._member)

    @strawberry.field(description="电子档案上传期限 (NUM-6): 30 days after the join month for members who joined in "
                                  "2020 or later; null when none is required or for a person shown publicly. A "
                                  "later upload is still accepted; numberReport lists it as ARCHIVE_OVERDUE.")
    def archive_due_on(self) -> date | None:
        return None if self._public else numbering_rules.archive_due_on(self._member.join_date)

    @strawberry.field(description="超龄离团 (MEM-6): 28 or older and no league post, so no longer a member; "
                                  "null for a person shown publicly.")
    def over_age(self, info: Info[Context, Any]) -> bool | None:
        if self._public:
            return None
        m = self._member
        return rules.is_over_age(m.birth_date, today=today(info.context.clock), is_cadre=m.is_cadre)

    @strawberry.field(description="转接记录 (TRF-10): the member's transfers that the viewer may see (the member "
                                  "sees all of their own; an admin those they take or took a step of), oldest first.")
    async def transfers(self, info: Info[Context, Any]) -> list[TransferRef]:
        from zhtj.graphql.transfers.types import TransferType, visible

        async with info.context.read() as session:
            from zhtj.infrastructure.repositories import SqlTransfers

            ids = [t.id for t in await SqlTransfers(session).of_member(self._member.id or 0)]
        found = [await visible(info, i) for i in ids]
        return [t for t in found if isinstance(t, TransferType)]

    @strawberry.field(description="延期毕业 (ORG-11): ticked by an admin so the yearly graduation switch leaves the "
                                  "member unflagged; null for a person shown publicly.")
    def delayed_graduation(self) -> bool | None:
        return None if self._public else self._member.delayed_graduation

    @strawberry.field(description="超龄离团日期 (MEM-6): the day the jobs found the person 28 without a league post; "
                                  "null if not (or shown publicly).")
    def aged_out_on(self) -> date | None:
        return None if self._public else self._member.aged_out_on

    @strawberry.field(description="周岁 today; null for a person shown publicly.")
    def age(self, info: Info[Context, Any]) -> int | None:
        return None if self._public else idcard.age_on(self._member.birth_date, today(info.context.clock))


@strawberry.type(name="CadrePosition", description="团内职务: a post one person holds in one org.")
class CadrePositionType:
    position: str = strawberry.field(description="团内现任职务 (MEM-12).")
    since: str | None = strawberry.field(description="任现职年月, YYYY-MM.")
    appointment_method: str | None = strawberry.field(description="任现职方式.")
    cadre_nature: str | None = strawberry.field(description="团干部性质: 专职, 兼职, 挂职.")
    on_party_committee: bool | None = strawberry.field(description="是否同级党(工)委委员.")
    on_duty: str | None = strawberry.field(description="在岗状态, cadres of committees.")
    member: MemberType
    _position: strawberry.Private[CadrePosition]

    @classmethod
    def from_domain(cls, position: CadrePosition, member: Member, *, public: bool = False) -> CadrePositionType:
        """`public`: only the post's title (the person is shown publicly, see MemberType.from_domain)."""
        details = ({} if public else
                   {"since": position.since, "appointment_method": position.appointment_method,
                    "cadre_nature": position.cadre_nature, "on_party_committee": position.on_party_committee,
                    "on_duty": position.on_duty})
        return cls(position=position.position, member=MemberType.from_domain(member, public=public),
                   _position=position, **{"since": None, "appointment_method": None, "cadre_nature": None,
                                          "on_party_committee": None, "on_duty": None, **details})

    @strawberry.field
    async def organization(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._position.org_id)
        return OrganizationType.from_domain(org) if org else None
