"""enterMember, enterCadre, updateMember, changePosition, deleteMember (MEM-1..16)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.membership import services
from zhtj.domain.membership.profile import MemberForm
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.membership.inputs import (
    ChangePositionInput,
    DeleteMemberInput,
    EnterCadreInput,
    EnterMemberInput,
    UpdateMemberInput,
    changes_of,
    to_form,
)
from zhtj.graphql.membership.types import CadrePositionType, MemberType
from zhtj.graphql.mutation import perform
from zhtj.infrastructure.files import LocalFiles


@strawberry.type
class MemberPayload:
    member: MemberType | None
    errors: list[UserError]


@strawberry.type
class ChangePositionPayload:
    position: CadrePositionType | None
    errors: list[UserError]


@strawberry.type
class DeleteMemberPayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


def _payload(member: Any, errors: list[UserError]) -> MemberPayload:
    return MemberPayload(member=MemberType.from_domain(member) if member else None, errors=errors)


@strawberry.type
class MembershipMutation:
    @strawberry.mutation(description="录入团员: the person gets an account with the initial password (ACC-1).")
    async def enter_member(self, info: Info[Context, Any], input: EnterMemberInput) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        member, errors = await perform(info, lambda uow: services.enter_member(
            uow=uow, clock=ctx.clock, hasher=ctx.services.hasher, viewer=viewer,
            branch_id=decode_id(input.branch_id, "Organization"), form=to_form(input)))
        return _payload(member, errors)

    @strawberry.mutation(description="录入团干部 of a committee or leading body (MEM-1, MEM-12).")
    async def enter_cadre(self, info: Info[Context, Any], input: EnterCadreInput) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        member, errors = await perform(info, lambda uow: services.enter_cadre(
            uow=uow, clock=ctx.clock, hasher=ctx.services.hasher, viewer=viewer,
            org_id=decode_id(input.org_id, "Organization"), form=to_form(input, is_cadre=True)))
        return _payload(member, errors)

    @strawberry.mutation(description="修改团员信息 (MEM-2..13): the whole profile is checked again.")
    async def update_member(self, info: Info[Context, Any], input: UpdateMemberInput) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        member, errors = await perform(info, lambda uow: services.update_member(
            uow=uow, clock=ctx.clock, hasher=ctx.services.hasher, viewer=viewer,
            member_id=decode_id(input.id, "Member"), changes=changes_of(input),
            files=LocalFiles(ctx.services.settings.files_dir)))
        return _payload(member, errors)

    @strawberry.mutation(description="职务变更 (MEM-12).")
    async def change_position(self, info: Info[Context, Any], input: ChangePositionInput) -> ChangePositionPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        form = MemberForm(position=input.position, position_since=input.position_since,
                          appointment_method=input.appointment_method, cadre_nature=input.cadre_nature,
                          on_party_committee=input.on_party_committee, on_duty=input.on_duty)
        position, errors = await perform(info, lambda uow: services.change_position(
            uow=uow, clock=ctx.clock, viewer=viewer, member_id=decode_id(input.member_id, "Member"),
            org_id=decode_id(input.org_id, "Organization"), form=form))
        if position is None:
            return ChangePositionPayload(position=None, errors=errors)
        member = await ctx.loaders.member_by_id.load(position.member_id)
        assert member is not None
        return ChangePositionPayload(position=CadrePositionType.from_domain(position, member), errors=[])

    @strawberry.mutation(description="删除团员 (MEM-15).")
    async def delete_member(self, info: Info[Context, Any], input: DeleteMemberInput) -> DeleteMemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        deleted, errors = await perform(info, lambda uow: services.delete_member(
            uow=uow, clock=ctx.clock, viewer=viewer, member_id=decode_id(input.id, "Member"), reason=input.reason))
        return DeleteMemberPayload(deleted_id=input.id if deleted else None, errors=errors)
