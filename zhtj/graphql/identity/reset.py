"""issuePasswordResetCode and resetPassword (ACC-5)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from zhtj.domain.identity import reset
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.mutation import perform

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]


@strawberry.input
class IssuePasswordResetCodeInput:
    member_id: strawberry.ID = strawberry.field(description="A member of an org you administer, or below it.")


@strawberry.type
class IssuePasswordResetCodePayload:
    code: str | None = strawberry.field(
        description="重置码: 8 characters, shown once; give it to the member. Valid 2 days, used once; "
                    "issuing another ends this one.")
    expires_at: datetime | None
    member: MemberRef | None
    errors: list[UserError]


@strawberry.input
class ResetPasswordInput:
    id_number: str = strawberry.field(description="身份证号: the username (ACC-1).")
    code: str = strawberry.field(description="重置码 from an admin; case, spaces and dashes do not matter.")
    new_password: str = strawberry.field(description="8 to 64 characters, letters and digits.")


@strawberry.type
class ResetPasswordPayload:
    ok: bool
    errors: list[UserError]


@strawberry.type
class PasswordResetMutation:
    @strawberry.mutation(description="发放密码重置码 for a member in your scope (ACC-5); only its hash is kept.")
    async def issue_password_reset_code(
        self, info: Info[Context, Any], input: IssuePasswordResetCodeInput
    ) -> IssuePasswordResetCodePayload:
        from zhtj.graphql.membership.types import MemberType

        ctx = info.context
        viewer = ctx.require_viewer()
        issued, errors = await perform(info, lambda uow: reset.issue_password_reset_code(
            uow=uow, clock=ctx.clock, secret=ctx.services.settings.secret_key, viewer=viewer,
            member_id=decode_id(input.member_id, "Member")))
        if issued is None:
            return IssuePasswordResetCodePayload(code=None, expires_at=None, member=None, errors=errors)
        return IssuePasswordResetCodePayload(code=issued.code, expires_at=issued.expires_at,
                                             member=MemberType.from_domain(issued.member), errors=[])

    @strawberry.mutation(description="找回密码 with ID number + reset code, without logging in (ACC-5): every "
                                     "session of the account ends. Wrong tries wait and lock as logins do.")
    async def reset_password(self, info: Info[Context, Any], input: ResetPasswordInput) -> ResetPasswordPayload:
        s = info.context.services
        account, errors = await perform(info, lambda uow: reset.reset_password(
            uow=uow, clock=s.clock, hasher=s.hasher, secret=s.settings.secret_key, id_number=input.id_number,
            code=input.code, new_password=input.new_password))
        return ResetPasswordPayload(ok=account is not None, errors=errors)
