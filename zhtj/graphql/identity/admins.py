"""issueAdminCode, issueAdminCodes, registerAdmin, addAdmin, removeAdmin (ACC-3)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from zhtj.domain.identity import admins
from zhtj.domain.organization.model import Organization
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.mutation import perform
from zhtj.infrastructure import downloads, excel
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType
    from zhtj.graphql.organization.types import OrganizationType

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]
OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]


def _org(org: Organization | None) -> OrganizationType | None:
    from zhtj.graphql.organization.types import OrganizationType

    return OrganizationType.from_domain(org) if org is not None else None


@strawberry.input
class IssueAdminCodeInput:
    org_id: strawberry.ID = strawberry.field(description="The org that needs an admin: below one you administer.")


@strawberry.type
class IssueAdminCodePayload:
    code: str | None = strawberry.field(description="注册码: 12 characters, shown once, one admin, no expiry.")
    organization: OrganizationRef | None
    errors: list[UserError]


@strawberry.input
class IssueAdminCodesInput:
    org_id: strawberry.ID = strawberry.field(description="Codes go to every direct child of this org.")


@strawberry.type
class IssuedAdminCode:
    organization: OrganizationRef
    code: str | None = strawberry.field(description="Null when the org already has as many admins as it may.")
    note: str | None = strawberry.field(description="Why there is no code (说明).")


@strawberry.type
class IssueAdminCodesPayload:
    codes: list[IssuedAdminCode]
    download_url: str | None = strawberry.field(
        description="The codes as .xlsx: GET it with the same bearer token, within 24 hours.")
    errors: list[UserError]


@strawberry.input
class RegisterAdminInput:
    code: str = strawberry.field(description="注册码 from the parent org's admin.")
    id_number: str = strawberry.field(description="身份证号: the username (ACC-1).")
    name: str
    mobile: str
    password: str = strawberry.field(
        description="A new password; if the ID number already has an account, that account's password.")
    position: str | None = strawberry.field(
        default=None, description="团内现任职务 in the org; 委员 in branches, 工作人员 elsewhere when left out.")


@strawberry.type
class RegisterAdminPayload:
    member: MemberRef | None
    organization: OrganizationRef | None
    errors: list[UserError]


@strawberry.input
class AddAdminInput:
    org_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="A cadre of the org (ACC-3).")


@strawberry.input
class RemoveAdminInput:
    org_id: strawberry.ID
    member_id: strawberry.ID


@strawberry.type
class AddAdminPayload:
    organization: OrganizationRef | None
    errors: list[UserError]


@strawberry.type
class RemoveAdminPayload:
    organization: OrganizationRef | None
    errors: list[UserError]


@strawberry.type
class AdminMutation:
    @strawberry.mutation(description="发放注册码 for an org below yours; an earlier unused code stops working (ACC-3).")
    async def issue_admin_code(self, info: Info[Context, Any], input: IssueAdminCodeInput) -> IssueAdminCodePayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        issued, errors = await perform(info, lambda uow: admins.issue_admin_code(
            uow=uow, clock=ctx.clock, secret=ctx.services.settings.secret_key, viewer=viewer,
            org_id=decode_id(input.org_id, "Organization")))
        if issued is None:
            return IssueAdminCodePayload(code=None, organization=None, errors=errors)
        return IssueAdminCodePayload(code=issued.code, organization=_org(issued.organization), errors=[])

    @strawberry.mutation(description="批量生成注册码 for every direct child, with a workbook to download (ACC-3).")
    async def issue_admin_codes(self, info: Info[Context, Any], input: IssueAdminCodesInput) -> IssueAdminCodesPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        s = ctx.services
        files = LocalFiles(s.settings.files_dir)

        async def issue(uow: SqlUnitOfWork) -> tuple[list[admins.IssuedCode], str]:
            async def export(parent: Organization, issued: Sequence[admins.IssuedCode]) -> str:
                rows = excel.admin_code_rows(issued)
                content = await asyncio.to_thread(excel.workbook, "注册码", excel.ADMIN_CODE_HEADER, rows)
                assert uow.session is not None and viewer.account.id is not None
                kept = await downloads.keep(
                    uow.session, files, account_id=viewer.account.id, file_name=f"注册码-{parent.short_name}.xlsx",
                    content=content, content_type=excel.XLSX, now=s.clock.now())
                return kept.id

            return await admins.issue_admin_codes(
                uow=uow, clock=s.clock, secret=s.settings.secret_key, viewer=viewer,
                org_id=decode_id(input.org_id, "Organization"), export=export)

        done, errors = await perform(info, issue)
        if done is None:
            return IssueAdminCodesPayload(codes=[], download_url=None, errors=errors)
        issued, download_id = done
        codes = [IssuedAdminCode(organization=_org(i.organization), code=i.code, note=i.note) for i in issued]
        return IssueAdminCodesPayload(codes=codes, download_url=downloads.url(download_id), errors=[])

    @strawberry.mutation(description="注册管理员 with a code, without logging in: the registrant becomes a cadre "
                                     "and an admin of the code's org (ACC-3).")
    async def register_admin(self, info: Info[Context, Any], input: RegisterAdminInput) -> RegisterAdminPayload:
        from zhtj.graphql.membership.types import MemberType

        s = info.context.services
        done, errors = await perform(info, lambda uow: admins.register_admin(
            uow=uow, clock=s.clock, hasher=s.hasher, secret=s.settings.secret_key, code=input.code,
            id_number=input.id_number, name=input.name, mobile=input.mobile, password=input.password,
            position=input.position))
        if done is None:
            return RegisterAdminPayload(member=None, organization=None, errors=errors)
        member, org = done
        return RegisterAdminPayload(member=MemberType.from_domain(member), organization=_org(org), errors=[])

    @strawberry.mutation(description="添加管理员: a cadre of the org, within its limit (ACC-3).")
    async def add_admin(self, info: Info[Context, Any], input: AddAdminInput) -> AddAdminPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        org, errors = await perform(info, lambda uow: admins.add_admin(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.org_id, "Organization"),
            member_id=decode_id(input.member_id, "Member")))
        return AddAdminPayload(organization=_org(org), errors=errors)

    @strawberry.mutation(description="取消管理员; never yourself (ACC-3).")
    async def remove_admin(self, info: Info[Context, Any], input: RemoveAdminInput) -> RemoveAdminPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        org, errors = await perform(info, lambda uow: admins.remove_admin(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.org_id, "Organization"),
            member_id=decode_id(input.member_id, "Member")))
        return RemoveAdminPayload(organization=_org(org), errors=errors)
