"""GraphQL types of the transfers context: Transfer, its steps, and the card its approvers read (TRF-10)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.membership import idcard
from zhtj.domain.shared.errors import NotFound
from zhtj.domain.transfers import rules, services
from zhtj.domain.transfers.model import Transfer
from zhtj.graphql.context import Context
from zhtj.graphql.ids import parse_pk
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType
    from zhtj.graphql.organization.types import OrganizationType

OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]
MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]


@strawberry.enum(description="转接状态 (TRF-1..5): where a transfer stands; the first three are running.")
class TransferStatus(Enum):
    AWAITING_SOURCE = strawberry.enum_value("AWAITING_SOURCE", description="待转出方审批: the member's branch "
                                                                           "(or above) approves.")
    AWAITING_TARGET = strawberry.enum_value("AWAITING_TARGET", description="待转入方审批: the target (for a special "
                                                                           "unit the provincial-level admin) approves.")
    AWAITING_ASSIGNMENT = strawberry.enum_value("AWAITING_ASSIGNMENT", description="待分配团支部: the target "
                                                                                   "committee assigns a branch.")
    COMPLETED = strawberry.enum_value("COMPLETED", description="已完成: the member moved (or left this system).")
    RETURNED = strawberry.enum_value("RETURNED", description="已退回: refused with a reason.")
    WITHDRAWN = strawberry.enum_value("WITHDRAWN", description="已撤销: withdrawn by the initiator.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="已超时: a step unanswered for more than 10 days (TRF-5).")


@strawberry.enum(description="转接类型: where the member goes.")
class TransferKind(Enum):
    ORDINARY = strawberry.enum_value("ORDINARY", description="系统内转接: to a committee or branch of this system "
                                                             "(national systems included, TRF-8).")
    SPECIAL = strawberry.enum_value("SPECIAL", description="特殊单位 (TRF-6): no target org; a remark says where.")
    EXTERNAL = strawberry.enum_value("EXTERNAL", description="其他系统 (TRF-7): 北京, 广东 or 福建, by full name.")
    BATCH = strawberry.enum_value("BATCH", description="批量转接 (TRF-4): inside one committee, no approval.")


@strawberry.enum(description="转接步骤: what one step did.")
class TransferAction(Enum):
    START = strawberry.enum_value("START", description="发起.")
    APPROVE = strawberry.enum_value("APPROVE", description="审批通过.")
    ASSIGN = strawberry.enum_value("ASSIGN", description="分配团支部.")
    RETURN = strawberry.enum_value("RETURN", description="退回, with the reason as the note.")
    WITHDRAW = strawberry.enum_value("WITHDRAW", description="撤销申请.")
    EXPIRE = strawberry.enum_value("EXPIRE", description="超时自动终止 (TRF-5), by the system.")


@strawberry.type(description="转接步骤: who (null for the system), when, what, with what note.")
class TransferStep:
    at: datetime = strawberry.field(description="时间: when the step was taken.")
    actor: str | None = strawberry.field(description="办理人: the name of who took it; null for the system.")
    action: TransferAction = strawberry.field(description="操作: what the step did.")
    status: TransferStatus = strawberry.field(description="步骤后状态: the transfer's state after the step.")
    note: str | None = strawberry.field(description="备注: the return reason, the assigned branch, a remark.")


@strawberry.type(description="去向说明 (TRF-9): where the starter said the member goes, for the approvers to check "
                             "(001 Q63, Q68).")
class TransferEmployment:
    employed: bool = strawberry.field(description="已落实工作单位（含自主创业）.")
    employer_name: str | None = strawberry.field(description="工作单位名称.")
    workplace_town: str | None = strawberry.field(description="工作单位所在地乡镇街道.")
    household_town: str | None = strawberry.field(description="户籍所在地乡镇街道.")


@strawberry.type(description="管理员联系方式 (TRF-10): an admin of the member's current org, for the approvers.")
class AdminContact:
    name: str = strawberry.field(description="姓名.")
    mobile: str | None = strawberry.field(description="手机号码.")


@strawberry.type(description="转接团员信息 (TRF-10): what the approvers see of the member: basic data, contacts, "
                             "the current org and its admins' contacts; nothing more.")
class TransferMemberCard:
    name: str = strawberry.field(description="姓名.")
    gender: str = strawberry.field(description="性别.")
    id_number_masked: str = strawberry.field(description="身份证号 (脱敏).")
    ethnicity: str | None = strawberry.field(description="民族.")
    political_status: str = strawberry.field(description="政治面貌.")
    join_date: str | None = strawberry.field(description="入团时间, YYYY-MM.")
    education: str | None = strawberry.field(description="学历.")
    occupation: str | None = strawberry.field(description="职业.")
    graduate: bool = strawberry.field(description="毕业生 (ORG-11, TRF-9).")
    mobile: str | None = strawberry.field(description="手机号码.")
    email: str | None = strawberry.field(description="电子邮箱.")
    current_org: str | None = strawberry.field(description="所在组织全称: the member's branch now; null once the "
                                                           "member left this system.")
    admins: list[AdminContact] = strawberry.field(description="所在组织管理员: the current branch's admins.")


@strawberry.type(name="Transfer", description="组织关系转接 (TRF-1..10): one member's organizational relation "
                                              "moving between branches, with every step; seen by the member, by "
                                              "whoever may take its current step and by those who took part.")
class TransferType(relay.Node):
    id: relay.NodeID[int]
    kind: TransferKind = strawberry.field(description="转接类型.")
    reason: str = strawberry.field(description="转接原因 (valueLists.transferReasons).")
    remark: str | None = strawberry.field(description="备注: for a special unit, where the member goes (TRF-6).")
    external_system: str | None = strawberry.field(description="其他系统 (TRF-7): 北京, 广东 or 福建.")
    target_name: str | None = strawberry.field(description="转入组织全称 in another system, as typed (TRF-7); null "
                                                           "for the other kinds (see targetOrgName).")
    started_at: datetime = strawberry.field(description="发起时间.")
    finished_at: datetime | None = strawberry.field(description="办结时间.")
    _transfer: strawberry.Private[Transfer]

    @classmethod
    def from_domain(cls, t: Transfer) -> TransferType:
        assert t.id is not None
        return cls(id=t.id, kind=TransferKind(t.kind), reason=t.reason, remark=t.remark,
                   external_system=t.external_system, target_name=t.target_name if t.kind == "EXTERNAL" else None,
                   started_at=t.started_at,
                   finished_at=t.finished_at, _transfer=t)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[TransferType | None]:
        return [await visible(info, parse_pk(node_id)) for node_id in node_ids]

    @strawberry.field(description="转接状态: EXPIRED as soon as a step has waited more than 10 days (TRF-5), even "
                                  "before the jobs record it.")
    def status(self, info: Info[Context, Any]) -> TransferStatus:
        return TransferStatus(rules.current_status(self._transfer, info.context.clock.now()))

    @strawberry.field(description="去向说明 (TRF-9): null when the starter gave none.")
    def employment(self) -> TransferEmployment | None:
        t = self._transfer
        if t.employed is None:
            return None
        return TransferEmployment(employed=t.employed, employer_name=t.employer_name, workplace_town=t.workplace_town,
                                  household_town=t.household_town)

    @strawberry.field(description="发起方: MEMBER (the member), SOURCE (转出方), TARGET (转入方).")
    def started_side(self) -> str:
        return self._transfer.started_side

    @strawberry.field(description="团员: the member's record, if the viewer may read it (ACC-4); approvers read "
                                  "`memberCard`.")
    async def member(self, info: Info[Context, Any]) -> MemberRef | None:
        from zhtj.graphql.membership.types import MemberType, visible_member

        found = await visible_member(info, self._transfer.member_id)
        return MemberType.from_domain(found) if found else None

    @strawberry.field(description="转出组织: the branch the member leaves, if the viewer may see it.")
    async def source(self, info: Info[Context, Any]) -> OrganizationRef | None:
        return await _org(info, self._transfer.source_branch_id)

    @strawberry.field(description="转入组织: the target committee or branch, if the viewer may see it.")
    async def target(self, info: Info[Context, Any]) -> OrganizationRef | None:
        return await _org(info, self._transfer.target_org_id)

    @strawberry.field(description="接收团支部: where the member landed (the target branch, or the one assigned).")
    async def target_branch(self, info: Info[Context, Any]) -> OrganizationRef | None:
        return await _org(info, self._transfer.target_branch_id)

    @strawberry.field(description="转出组织全称 (TRF-10): the source branch's full name when the transfer started, "
                                  "for everyone who sees it (kept if the branch is deleted later).")
    def source_name(self) -> str:
        return self._transfer.source_name

    @strawberry.field(description="转入组织全称: the target's full name when started (TRF-7: the name in the other "
                                  "system; TRF-6: 特殊单位).")
    def target_org_name(self) -> str | None:
        t = self._transfer
        return t.target_name or ("特殊单位" if t.kind == "SPECIAL" else None)

    @strawberry.field(description="可办理: whether the viewer may take the current step (approve, assign, return).")
    async def can_act(self, info: Info[Context, Any]) -> bool:
        viewer = info.context.require_viewer()
        if rules.is_overdue(self._transfer, info.context.clock.now()):
            return False
        async with SqlUnitOfWork(info.context.services.db.read_sessions) as uow:
            return await services.may_act(uow, viewer, self._transfer)

    @strawberry.field(description="办理步骤: every step, oldest first.")
    async def steps(self, info: Info[Context, Any]) -> list[TransferStep]:
        async with SqlUnitOfWork(info.context.services.db.read_sessions) as uow:
            found = await uow.transfers.steps_of(self._transfer.id or 0)
            names = {}
            for step in found:
                if step.actor_id is not None and step.actor_id not in names:
                    person = await uow.members.get(step.actor_id)
                    names[step.actor_id] = person.name if person else None
        return [TransferStep(at=s.at, actor=names.get(s.actor_id) if s.actor_id else None,
                             action=TransferAction(s.action), status=TransferStatus(s.status_after), note=s.note)
                for s in found]

    @strawberry.field(description="转接团员信息 (TRF-10): basic data, contacts, current org and its admins' "
                                  "contacts, for whoever sees the transfer.")
    async def member_card(self, info: Info[Context, Any]) -> TransferMemberCard | None:
        async with SqlUnitOfWork(info.context.services.db.read_sessions) as uow:
            m = await uow.members.get(self._transfer.member_id)
            if m is None:
                return None
            branch = await uow.organizations.get(m.branch_id) if m.branch_id else None
            admins = []
            for grant in await uow.admins.of_org(branch.id) if branch and branch.id else []:
                person = await uow.members.get(grant.member_id)
                if person is not None:
                    admins.append(AdminContact(name=person.name, mobile=person.mobile))
        return TransferMemberCard(name=m.name, gender=m.gender, id_number_masked=idcard.mask(m.id_number),
                                  ethnicity=m.ethnicity, political_status=m.political_status, join_date=m.join_date,
                                  education=m.education, occupation=m.occupation, graduate=m.graduate,
                                  mobile=m.mobile, email=m.email, current_org=branch.full_name if branch else None,
                                  admins=admins)


async def _org(info: Info[Context, Any], org_id: int | None) -> OrganizationType | None:
    from zhtj.graphql.organization.types import OrganizationType, visible_org

    org = await visible_org(info, org_id) if org_id is not None else None
    return OrganizationType.from_domain(org) if org else None


async def visible(info: Info[Context, Any], transfer_id: int | None) -> TransferType | None:
    """TRF-10: the transfer if the viewer may see it; None otherwise (ACC-4)."""
    viewer = info.context.require_viewer()
    async with SqlUnitOfWork(info.context.services.db.read_sessions) as uow:
        try:
            found = await services.visible_transfer(uow, viewer, transfer_id)
        except NotFound:
            return None
    return TransferType.from_domain(found)
