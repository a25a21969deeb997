"""selfReport, reviewSelfReport, withdrawSelfReport (MEM-14, ACC-2)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.membership import self_report
from zhtj.graphql.context import Context
from zhtj.graphql.ids import decode_id
from zhtj.graphql.membership.inputs import ProfileInput, to_form
from zhtj.graphql.membership.mutations import MemberPayload, _payload
from zhtj.graphql.mutation import perform

_PROFILE_DOC = "Value-list fields take the Chinese values of valueLists; year-months are YYYY-MM."


@strawberry.input(description="团员报到 (MEM-14): the profile fields of EnterMemberInput (a self-reporter is no "
                              "cadre), the chosen branch and, without a token, a password (ACC-2). " + _PROFILE_DOC)
class SelfReportInput(ProfileInput):
    branch_id: strawberry.ID = strawberry.field(description="所在团支部: a 团支部 or 毕业生团组织.")
    password: str | None = strawberry.field(
        default=None, description="Required without a token: the new account's password (ACC-1 rules). Not used "
                                  "with a token (change it with changePassword).")


@strawberry.input(description="资料审核 of a self-report (MEM-14): approve, or return it with a reason.")
class ReviewSelfReportInput:
    member_id: strawberry.ID
    approve: bool
    reason: str | None = strawberry.field(default=None, description="退回原因: required to return (approve: false).")


@strawberry.type
class SelfReportMutation:
    @strawberry.mutation(description="团员报到 (MEM-14, ACC-2). Without a token: a new person and account, waiting "
                                     "for the branch. With the token of someone not yet a member: their record is "
                                     "edited and submitted again. Log in to follow it (me.member.reportStatus).")
    async def self_report(self, info: Info[Context, Any], input: SelfReportInput) -> MemberPayload:
        ctx = info.context
        member, errors = await perform(info, lambda uow: self_report.self_report(
            uow=uow, clock=ctx.clock, hasher=ctx.services.hasher, viewer=ctx.viewer,
            branch_id=decode_id(input.branch_id, "Organization"), form=to_form(input), password=input.password,
            secret=ctx.services.settings.secret_key, client=ctx.client))
        return _payload(member, errors)

    @strawberry.mutation(description="资料审核 (MEM-14): an admin of the branch or an org above it approves the "
                                     "report (the person becomes a member) or returns it with a reason.")
    async def review_self_report(self, info: Info[Context, Any], input: ReviewSelfReportInput) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        member, errors = await perform(info, lambda uow: self_report.review_self_report(
            uow=uow, clock=ctx.clock, viewer=viewer, member_id=decode_id(input.member_id, "Member"),
            approve=input.approve, reason=input.reason))
        return _payload(member, errors)

    @strawberry.mutation(description="撤回报到 (MEM-14): the reporter takes back their report awaiting review, to "
                                     "edit it and submit it again with selfReport. Acts on the viewer: no input.")
    async def withdraw_self_report(self, info: Info[Context, Any]) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer(allow_pending=True)
        member, errors = await perform(info, lambda uow: self_report.withdraw_self_report(
            uow=uow, clock=ctx.clock, viewer=viewer))
        return _payload(member, errors)
