"""startTransfer, approveTransfer, returnTransfer, withdrawTransfer (TRF-1..9) and batchTransfer (TRF-4): thin
resolvers over the transfers context's use cases."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.transfers import batch, rules, services
from zhtj.domain.transfers.model import Transfer
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.mutation import perform
from zhtj.graphql.transfers.types import TransferType

ORG, TRANSFER = "Organization", "Transfer"


@strawberry.input(description="去向说明 (TRF-9): where the member goes and why. A graduate moving inside this system "
                              "must give it. Employed (含自主创业): `employerName`, and the target must be the "
                              "employer's league org (its name, or that of an org above it up to the first leading "
                              "body, holds employerName) or, where the employer has none, the 流动团支部 (see "
                              "`transferTargets(floating: true)`) of `workplaceTown`; an employed graduate cannot "
                              "choose 未就业. Not employed: with the reason 未就业 (for anyone, 001 Q66), "
                              "`householdTown`, and the target must be that town's org or one under it.")
class TransferEmploymentInput:
    employed: bool = strawberry.field(description="已落实工作单位（含自主创业）.")
    employer_name: str | None = strawberry.field(default=None, description="工作单位名称 (employed).")
    workplace_town: str | None = strawberry.field(default=None, description="工作单位所在地乡镇街道 (employed, to a "
                                                                            "流动团支部), e.g. 某某街道.")
    household_town: str | None = strawberry.field(default=None, description="户籍所在地乡镇街道 (not employed, with "
                                                                            "未就业), e.g. 某某镇.")


@strawberry.input(description="发起转接 (TRF-1..3, 6..9). The member: `memberId` (the member themself, or an admin "
                              "over the member's branch: 办理转出), or `name` + `idNumber` for an admin of the target "
                              "(办理转入, TRF-2). The destination: exactly one of `targetOrgId` (a committee or "
                              "branch), `special` (特殊单位, TRF-6, with a remark), `externalSystem` + `targetName` "
                              "(其他系统, TRF-7).")
class StartTransferInput:
    member_id: strawberry.ID | None = strawberry.field(default=None, description="团员 ID: the member to move.")
    name: str | None = strawberry.field(default=None, description="姓名: with idNumber, for 办理转入 (TRF-2).")
    id_number: str | None = strawberry.field(default=None, description="身份证号: with name, for 办理转入 (TRF-2).")
    target_org_id: strawberry.ID | None = strawberry.field(default=None, description="转入组织 ID: a committee "
                                                                                    "(团委, 团工委, 团总支) or branch.")
    external_system: str | None = strawberry.field(default=None, description="其他系统 (TRF-7): 北京, 广东 or 福建 "
                                                                             "(valueLists.externalSystems).")
    target_name: str | None = strawberry.field(default=None, description="转入组织全称 in the other system (TRF-7), "
                                                                         "exactly as it is there.")
    special: bool | None = strawberry.field(default=False, description="特殊单位 (TRF-6): no target org; the "
                                                                       "provincial-level admin approves.")
    reason: str = strawberry.field(description="转接原因 (valueLists.transferReasons); 未就业 needs `employment` "
                                               "not employed, with the household town (TRF-9).")
    remark: str | None = strawberry.field(default=None, description="备注: required for a special unit (去向).")
    employment: TransferEmploymentInput | None = strawberry.field(default=None, description="去向说明 (TRF-9): "
                                                                                           "required for a graduate "
                                                                                           "moving inside this "
                                                                                           "system, and with 未就业.")


@strawberry.input(description="审批转接 (TRF-2, 3, 6): the current step's approver approves; a target committee's "
                              "admin gives `assignBranchId` (with the approval or after it).")
class ApproveTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="转接 ID.")
    assign_branch_id: strawberry.ID | None = strawberry.field(default=None, description="分配团支部: a branch under "
                                                                                       "the target committee.")


@strawberry.input(description="退回转接 (TRF-5): the current step's approver refuses, with a reason.")
class ReturnTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="转接 ID.")
    reason: str = strawberry.field(description="退回原因 (at most 200 characters).")


@strawberry.input(description="撤销申请 (TRF-5): the initiator withdraws before the last approval.")
class WithdrawTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="转接 ID.")


@strawberry.input(description="批量转接 (TRF-4): up to 30 members between branches of one committee's subtree, "
                              "without approval.")
class BatchTransferInput:
    member_ids: list[strawberry.ID] = strawberry.field(description="团员 ID: 1 to 30 members.")
    target_branch_id: strawberry.ID = strawberry.field(description="转入团支部 ID.")
    reason: str = strawberry.field(description="转接原因 (valueLists.transferReasons).")


@strawberry.type(description="转接结果: the transfer as it stands after the mutation, or `errors` and nothing "
                             "written.")
class TransferPayload:
    transfer: TransferType | None = strawberry.field(description="转接: null when errors hold anything.")
    errors: list[UserError]


@strawberry.type(description="批量转接结果: one completed transfer per member, or `errors` and nothing moved.")
class BatchTransferPayload:
    transfers: list[TransferType] = strawberry.field(description="转接记录: one per member moved.")
    errors: list[UserError]


def _destination(given: TransferEmploymentInput | None) -> rules.Destination | None:
    if given is None:
        return None
    return rules.Destination(employed=given.employed, employer_name=given.employer_name,
                             workplace_town=given.workplace_town, household_town=given.household_town)


def _payload(found: Transfer | None, errors: list[UserError]) -> TransferPayload:
    return TransferPayload(transfer=TransferType.from_domain(found) if found else None, errors=errors)


@strawberry.type
class TransferMutation:
    @strawberry.mutation(description="发起转接 (TRF-1..3, 6..9): one running transfer per member (已有业务正在办理，"
                                     "不能重复发起); steps the starter may approve themself are taken at once.")
    async def start_transfer(self, info: Info[Context, Any], input: StartTransferInput) -> TransferPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: services.start_transfer(
            uow=uow, clock=ctx.clock, viewer=viewer, member_id=decode_id(input.member_id, "Member"),
            name=input.name, id_number=input.id_number, target_org_id=decode_id(input.target_org_id, ORG),
            external_system=input.external_system, target_name=input.target_name, special=bool(input.special),
            reason=input.reason, remark=input.remark, destination=_destination(input.employment)))
        return _payload(found, errors)

    @strawberry.mutation(description="审批转接 (TRF-2, 3, 6): approve the current step, or assign a branch.")
    async def approve_transfer(self, info: Info[Context, Any], input: ApproveTransferInput) -> TransferPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: services.approve_transfer(
            uow=uow, clock=ctx.clock, viewer=viewer, transfer_id=decode_id(input.transfer_id, TRANSFER),
            assign_branch_id=decode_id(input.assign_branch_id, ORG) if input.assign_branch_id else None))
        return _payload(found, errors)

    @strawberry.mutation(description="退回转接 (TRF-5): refuse the current step with a reason; the transfer ends.")
    async def return_transfer(self, info: Info[Context, Any], input: ReturnTransferInput) -> TransferPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: services.return_transfer(
            uow=uow, clock=ctx.clock, viewer=viewer, transfer_id=decode_id(input.transfer_id, TRANSFER),
            reason=input.reason))
        return _payload(found, errors)

    @strawberry.mutation(description="撤销申请 (TRF-5): by the initiator, before the last approval.")
    async def withdraw_transfer(self, info: Info[Context, Any], input: WithdrawTransferInput) -> TransferPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: services.withdraw_transfer(
            uow=uow, clock=ctx.clock, viewer=viewer, transfer_id=decode_id(input.transfer_id, TRANSFER)))
        return _payload(found, errors)

    @strawberry.mutation(description="批量转接 (TRF-4): up to 30 members inside one committee's subtree at once.")
    async def batch_transfer(self, info: Info[Context, Any], input: BatchTransferInput) -> BatchTransferPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        done, errors = await perform(info, lambda uow: batch.batch_transfer(
            uow=uow, clock=ctx.clock, viewer=viewer, member_ids=[decode_id(i, "Member") for i in input.member_ids],
            target_branch_id=decode_id(input.target_branch_id, ORG), reason=input.reason))
        return BatchTransferPayload(transfers=[TransferType.from_domain(t) for t in done or []], errors=errors)
