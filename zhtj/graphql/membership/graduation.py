"""markDelayedGraduation (ORG-11): 延期毕业 ticked or cleared for members of school branches."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.membership.graduation import mark_delayed_graduation
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.membership.types import MemberType
from zhtj.graphql.mutation import perform


@strawberry.input(description="标记延期毕业 (ORG-11): members of school branches you manage (at most 100).")
class MarkDelayedGraduationInput:
    member_ids: list[strawberry.ID] = strawberry.field(description="团员 ID: 1 to 100 members.")
    delayed: bool = strawberry.field(description="延期毕业: true ticks (and clears the graduate flag), false clears.")


@strawberry.type(description="标记延期毕业结果: the members as they now stand, or `errors` and nothing written.")
class MarkDelayedGraduationPayload:
    members: list[MemberType] = strawberry.field(description="团员: the members marked.")
    errors: list[UserError]


@strawberry.type
class GraduationMutation:
    @strawberry.mutation(description="标记延期毕业 (ORG-11): the yearly switch leaves these members unflagged.")
    async def mark_delayed_graduation(self, info: Info[Context, Any],
                                      input: MarkDelayedGraduationInput) -> MarkDelayedGraduationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: mark_delayed_graduation(
            uow=uow, clock=ctx.clock, viewer=viewer, member_ids=[decode_id(i, "Member") for i in input.member_ids],
            delayed=input.delayed))
        return MarkDelayedGraduationPayload(members=[MemberType.from_domain(m) for m in found or []], errors=errors)
