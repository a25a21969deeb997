"""组织迁移 (ORG-10): moveOrganization, requestMigration, reviewMigration, withdrawMigration."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import administers
from zhtj.domain.organization import migration as use_cases
from zhtj.domain.organization.model import OrgMigration
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.mutation import perform
from zhtj.graphql.organization.mutations import OrganizationPayload
from zhtj.graphql.organization.types import OrganizationType, visible_org

ORG = "Organization"


@strawberry.enum
class MigrationStatus(Enum):
    AWAITING_OLD_PARENT = "AWAITING_OLD_PARENT"
    AWAITING_NEW_PARENT = "AWAITING_NEW_PARENT"
    COMPLETED = "COMPLETED"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"


@strawberry.type(name="OrganizationMigration", description="组织迁移申请 (ORG-10).")
class MigrationType(relay.Node):
    id: relay.NodeID[int]
    status: MigrationStatus
    requested_at: datetime
    reason: str | None
    _migration: strawberry.Private[OrgMigration]

    @classmethod
    def from_domain(cls, m: OrgMigration) -> MigrationType:
        assert m.id is not None
        return cls(id=m.id, status=MigrationStatus(m.status), requested_at=m.requested_at, reason=m.reason,
                   _migration=m)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[MigrationType | None]:
        ctx = info.context
        viewer = ctx.require_viewer()
        found: list[MigrationType | None] = []
        for node_id in node_ids:
            migration = None
            if node_id.isdigit():
                async with ctx.read() as session:
                    migration = await session.get(OrgMigration, int(node_id))
            orgs = [await ctx.loaders.org_by_id.load(i) for i in
                    ((migration.org_id, migration.old_parent_id, migration.new_parent_id) if migration else ())]
            seen = any(o is not None and administers(viewer, o) for o in orgs)
            found.append(cls.from_domain(migration) if migration and seen else None)
        return found

    @strawberry.field
    async def organization(self, info: Info[Context, Any]) -> OrganizationType | None:
        org = await visible_org(info, self._migration.org_id)
        return OrganizationType.from_domain(org) if org else None

    @strawberry.field
    async def old_parent(self, info: Info[Context, Any]) -> OrganizationType | None:
        org = await visible_org(info, self._migration.old_parent_id)
        return OrganizationType.from_domain(org) if org else None

    @strawberry.field
    async def new_parent(self, info: Info[Context, Any]) -> OrganizationType | None:
        org = await visible_org(info, self._migration.new_parent_id)
        return OrganizationType.from_domain(org) if org else None


@strawberry.input(description="A direct move, for an admin of both parents or of 团中央 (ORG-10).")
class MoveOrganizationInput:
    id: strawberry.ID
    new_parent_id: strawberry.ID


@strawberry.input(description="Asks to move an org you administer under a new parent in the same province.")
class RequestMigrationInput:
    org_id: strawberry.ID
    new_parent_id: strawberry.ID


@strawberry.input(description="The old parent's admin, then the new parent's, approve or refuse with a reason.")
class ReviewMigrationInput:
    migration_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.input
class WithdrawMigrationInput:
    migration_id: strawberry.ID


@strawberry.type
class MigrationPayload:
    migration: MigrationType | None
    errors: list[UserError]


def _payload(m: OrgMigration | None, errors: list[UserError]) -> MigrationPayload:
    return MigrationPayload(migration=MigrationType.from_domain(m) if m else None, errors=errors)


@strawberry.type
class MigrationMutation:
    @strawberry.mutation(description="直接迁移组织 (ORG-10).")
    async def move_organization(self, info: Info[Context, Any], input: MoveOrganizationInput) -> OrganizationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        org, errors = await perform(info, lambda uow: use_cases.move_organization(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.id, ORG),
            new_parent_id=decode_id(input.new_parent_id, ORG)))
        return OrganizationPayload(organization=OrganizationType.from_domain(org) if org else None, errors=errors)

    @strawberry.mutation(description="申请组织迁移 (ORG-10).")
    async def request_migration(self, info: Info[Context, Any], input: RequestMigrationInput) -> MigrationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        m, errors = await perform(info, lambda uow: use_cases.request_migration(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.org_id, ORG),
            new_parent_id=decode_id(input.new_parent_id, ORG)))
        return _payload(m, errors)

    @strawberry.mutation(description="审核组织迁移 (ORG-10).")
    async def review_migration(self, info: Info[Context, Any], input: ReviewMigrationInput) -> MigrationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        m, errors = await perform(info, lambda uow: use_cases.review_migration(
            uow=uow, clock=ctx.clock, viewer=viewer,
            migration_id=decode_id(input.migration_id, "OrganizationMigration"),
            approve=input.approve, reason=input.reason))
        return _payload(m, errors)

    @strawberry.mutation(description="撤销组织迁移申请 (ORG-10).")
    async def withdraw_migration(self, info: Info[Context, Any], input: WithdrawMigrationInput) -> MigrationPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        m, errors = await perform(info, lambda uow: use_cases.withdraw_migration(
            uow=uow, clock=ctx.clock, viewer=viewer,
            migration_id=decode_id(input.migration_id, "OrganizationMigration")))
        return _payload(m, errors)
