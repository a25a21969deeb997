"""Mutations of the organization tree (ORG-1..9, ORG-11): thin resolvers over the use cases."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.organization import secretary, services
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.membership.types import MemberType
from zhtj.graphql.mutation import perform
from zhtj.graphql.organization.types import OrganizationType

ORG = "Organization"


@strawberry.input(description="ORG-1..3, ORG-5: under an org you administer.")
class CreateOrganizationInput:
    parent_id: strawberry.ID
    category: str = strawberry.field(description="组织类别: one of valueLists.userOrgCategories.")
    short_name: str
    full_name: str = strawberry.field(description="Unique among the parent's children.")
    industry: str | None = strawberry.field(default=None, description="单位所属行业类别 (valueLists.industries).")
    contact_phone: str | None = None
    school_code: str | None = strawberry.field(default=None, description="学校标识码, 10 digits (ORG-5).")
    floating: bool | None = strawberry.field(default=False, description="流动团支部 (TRF-9): a 团支部 of a town or "
                                                                        "street for members whose employer has no "
                                                                        "league org.")


@strawberry.input(description="ORG-4: only the fields given change; null clears an optional field.")
class UpdateOrganizationInput:
    id: strawberry.ID
    short_name: str | None = strawberry.UNSET
    full_name: str | None = strawberry.UNSET
    category: str | None = strawberry.field(default=strawberry.UNSET, description="Once, by the org's own admin.")
    industry: str | None = strawberry.UNSET
    contact_phone: str | None = strawberry.UNSET
    school_code: str | None = strawberry.UNSET
    graduation_date: date | None = strawberry.UNSET
    floating: bool | None = strawberry.field(default=strawberry.UNSET, description="流动团支部 (TRF-9): only a "
                                                                                  "团支部.")


@strawberry.type
class OrganizationPayload:
    organization: OrganizationType | None
    errors: list[UserError]


@strawberry.input
class DeleteOrganizationInput:
    id: strawberry.ID


@strawberry.type
class DeleteOrganizationPayload:
    deleted_id: strawberry.ID | None
    pending_branch: OrganizationType | None = strawberry.field(
        description="The 待接转团支部 that received the deleted branch's members (ORG-7).")
    errors: list[UserError]


@strawberry.enum
class Direction(Enum):
    UP = "UP"
    DOWN = "DOWN"


@strawberry.input(description="上移/下移 among siblings (ORG-3).")
class ReorderOrganizationInput:
    id: strawberry.ID
    direction: Direction


@strawberry.input(description="ORG-11: graduation dates of school branches; null clears them.")
class MarkGraduationInput:
    org_ids: list[strawberry.ID] = strawberry.field(description="The branches to mark: at most 500 at once.")
    graduation_date: date | None


@strawberry.type
class MarkGraduationPayload:
    organizations: list[OrganizationType]
    errors: list[UserError]


@strawberry.input(description="ORG-8: a person without an account gets one (initial password).")
class SetSecretaryInput:
    org_id: strawberry.ID
    id_number: str
    name: str
    mobile: str | None = None


@strawberry.type
class SetSecretaryPayload:
    secretary: MemberType | None
    organization: OrganizationType | None
    errors: list[UserError]


def _org_payload(org: Any, errors: list[UserError]) -> OrganizationPayload:
    return OrganizationPayload(organization=OrganizationType.from_domain(org) if org else None, errors=errors)


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(description="新建下级组织 (ORG-1..3, ORG-5).")
    async def create_organization(self, info: Info[Context, Any],
                                  input: CreateOrganizationInput) -> OrganizationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        org, errors = await perform(info, lambda uow: services.create_organization(
            uow=uow, clock=ctx.clock, viewer=viewer, parent_id=decode_id(input.parent_id, ORG),
            category=input.category, short_name=input.short_name, full_name=input.full_name,
            industry=input.industry, contact_phone=input.contact_phone, school_code=input.school_code,
            floating=bool(input.floating)))
        return _org_payload(org, errors)

    @strawberry.mutation(description="修改组织信息 (ORG-4).")
    async def update_organization(self, info: Info[Context, Any],
                                  input: UpdateOrganizationInput) -> OrganizationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        fields = ("short_name", "full_name", "category", "industry", "contact_phone", "school_code", "graduation_date",
                  "floating")
        changes = {f: getattr(input, f) for f in fields if getattr(input, f) is not strawberry.UNSET}
        if changes.get("floating", False) is None:
            changes["floating"] = False
        org, errors = await perform(info, lambda uow: services.update_organization(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.id, ORG), changes=changes))
        return _org_payload(org, errors)

    @strawberry.mutation(description="删除下级组织, bottom-up (ORG-6, ORG-7).")
    async def delete_organization(self, info: Info[Context, Any],
                                  input: DeleteOrganizationInput) -> DeleteOrganizationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        done, errors = await perform(info, lambda uow: services.delete_organization(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.id, ORG)))
        if done is None:
            return DeleteOrganizationPayload(deleted_id=None, pending_branch=None, errors=errors)
        _, pending = done
        return DeleteOrganizationPayload(
            deleted_id=input.id, errors=[],
            pending_branch=OrganizationType.from_domain(pending) if pending else None)

    @strawberry.mutation(description="上移/下移 (ORG-3).")
    async def reorder_organization(self, info: Info[Context, Any],
                                   input: ReorderOrganizationInput) -> OrganizationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        org, errors = await perform(info, lambda uow: services.reorder_organization(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.id, ORG),
            upward=input.direction is Direction.UP))
        return _org_payload(org, errors)

    @strawberry.mutation(description="标记毕业时间 (ORG-11).")
    async def mark_graduation(self, info: Info[Context, Any], input: MarkGraduationInput) -> MarkGraduationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        orgs, errors = await perform(info, lambda uow: services.mark_graduation(
            uow=uow, clock=ctx.clock, viewer=viewer, org_ids=[decode_id(i, ORG) for i in input.org_ids],
            graduation_date=input.graduation_date))
        return MarkGraduationPayload(organizations=[OrganizationType.from_domain(o) for o in orgs or []],
                                     errors=errors)

    @strawberry.mutation(description="设置团组织书记 (ORG-8, MEM-12).")
    async def set_secretary(self, info: Info[Context, Any], input: SetSecretaryInput) -> SetSecretaryPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        org_id = decode_id(input.org_id, ORG)
        person, errors = await perform(info, lambda uow: secretary.set_secretary(
            uow=uow, clock=ctx.clock, hasher=ctx.services.hasher, viewer=viewer, org_id=org_id,
            id_number=input.id_number, name=input.name, mobile=input.mobile))
        if person is None:
            return SetSecretaryPayload(secretary=None, organization=None, errors=errors)
        org = await ctx.loaders.org_by_id.load(org_id or 0)
        return SetSecretaryPayload(secretary=MemberType.from_domain(person),
                                   organization=OrganizationType.from_domain(org) if org else None, errors=[])
