"""login, logout, changePassword (ACC-1)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.identity import first_password, services
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.identity.types import ViewerType
from zhtj.graphql.mutation import perform
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


@strawberry.input
class LoginInput:
    id_number: str = strawberry.field(description="身份证号: the username (ACC-1).")
    password: str


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(description="Send as `Authorization: Bearer <token>`.")
    viewer: ViewerType | None
    must_change_password: bool
    errors: list[UserError]


@strawberry.input
class ChangePasswordInput:
    old_password: str
    new_password: str = strawberry.field(description="8 to 64 characters, letters and digits.")
    code: str | None = strawberry.field(default=None, description=(
        "短信验证码 from `sendPasswordChangeCode`: needed while the password is the initial one (ACC-1), "
        "ignored after that."))


@strawberry.type
class ChangePasswordPayload:
    viewer: ViewerType | None
    errors: list[UserError]


@strawberry.type
class SendPasswordChangeCodePayload:
    sent_to: str | None = strawberry.field(description="发送到的手机号: the mobile on record, masked: 138****5678.")
    expires_at: datetime | None
    errors: list[UserError]


@strawberry.type
class LogoutPayload:
    ok: bool
    errors: list[UserError]


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="登录: a bearer token that expires (ACC-1).")
    async def login(self, info: Info[Context, Any], input: LoginInput) -> LoginPayload:
        ctx = info.context
        s = ctx.services
        secret = s.settings.secret_key

        async def login_and_look_up(uow: SqlUnitOfWork) -> tuple[str, services.Viewer | None]:
            session = await services.login(
                uow=uow, clock=s.clock, hasher=s.hasher, secret=secret,
                id_number=input.id_number, password=input.password,
                lifetime=timedelta(hours=s.settings.token_hours), client=ctx.client,
            )
            return session.token, await services.authenticate(
                uow=uow, clock=s.clock, secret=secret, token=session.token)

        done, errors = await perform(info, login_and_look_up)
        if done is None or done[1] is None:
            return LoginPayload(token=None, viewer=None, must_change_password=False, errors=errors)
        token, viewer = done
        ctx.token, ctx.viewer = token, viewer
        return LoginPayload(token=token, viewer=ViewerType.from_domain(viewer),
                            must_change_password=viewer.must_change_password, errors=[])

    @strawberry.mutation(description="退出登录: the token stops working at once.")
    async def logout(self, info: Info[Context, Any]) -> LogoutPayload:
        ctx = info.context
        ctx.require_viewer(allow_initial_password=True, allow_pending=True)
        assert ctx.token is not None
        _, errors = await perform(info, lambda uow: services.logout(
            uow=uow, clock=ctx.clock, secret=ctx.services.settings.secret_key, token=ctx.token or ""))
        return LogoutPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="修改密码; other sessions of the account end (ACC-1).")
    async def change_password(self, info: Info[Context, Any], input: ChangePasswordInput) -> ChangePasswordPayload:
        ctx = info.context
        viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
        s = ctx.services
        assert viewer.account.id is not None
        account, errors = await perform(info, lambda uow: services.change_password(
            uow=uow, clock=s.clock, hasher=s.hasher, secret=s.settings.secret_key,
            account_id=viewer.account.id or 0, current_token=ctx.token or "",
            old_password=input.old_password, new_password=input.new_password, code=input.code,
        ))
        if account is None:
            return ChangePasswordPayload(viewer=None, errors=errors)
        ctx.viewer = viewer = services.Viewer(account, viewer.member, viewer.admin_of, viewer.expires_at)
        return ChangePasswordPayload(viewer=ViewerType.from_domain(viewer), errors=[])

    @strawberry.mutation(description="发送验证码 to the mobile on record, for the first change of the initial "
                                     "password (ACC-1): valid 10 minutes, used once, one a minute. Without a "
                                     "mobile, an admin issues a reset code instead (ACC-5).")
    async def send_password_change_code(self, info: Info[Context, Any]) -> SendPasswordChangeCodePayload:
        ctx = info.context
        viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
        s = ctx.services
        assert s.sender is not None
        sent, errors = await perform(info, lambda uow: first_password.send_password_change_code(
            uow=uow, clock=s.clock, secret=s.settings.secret_key, sender=s.sender, viewer=viewer))  # type: ignore[arg-type]
        if sent is None:
            return SendPasswordChangeCodePayload(sent_to=None, expires_at=None, errors=errors)
        return SendPasswordChangeCodePayload(sent_to=sent.mobile_masked, expires_at=sent.expires_at, errors=[])
