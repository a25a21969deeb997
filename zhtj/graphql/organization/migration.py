"""组织迁移 (ORG-10): moveOrganization, requestMigration, reviewMigration, withdrawMigration, and the
migrationsToReview list of the approvers."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.scope import administers
from zhtj.domain.identity.services import Viewer
from zhtj.domain.organization import migration as use_cases
from zhtj.domain.organization.model import OrgMigration, subtree_bounds
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id, parse_pk
from zhtj.graphql.mutation import perform
from zhtj.graphql.organization.loaders import keyset_beyond
from zhtj.graphql.organization.mutations import OrganizationPayload
from zhtj.graphql.organization.types import OrganizationType, visible_org
from zhtj.graphql.relay import Connection, cursor_time, encode_cursor, page_request
from zhtj.infrastructure.tables.schema import org_migrations, organizations

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
            migration, pk = None, parse_pk(node_id)
            if pk is not None:
                async with ctx.read() as session:
                    migration = await session.get(OrgMigration, pk)
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

    @strawberry.field(description="组织全称 of the org that moves: for its admins and for whoever may take the "
                                  "current step (its approvers may not see the org itself); null for anyone else "
                                  "(ACC-4).")
    async def organization_name(self, info: Info[Context, Any]) -> str | None:
        return await _full_name(info, self._migration, self._migration.org_id)

    @strawberry.field(description="组织全称 of the old parent: for its admins and whoever may take the current step.")
    async def old_parent_name(self, info: Info[Context, Any]) -> str | None:
        return await _full_name(info, self._migration, self._migration.old_parent_id)

    @strawberry.field(description="组织全称 of the new parent: for its admins and whoever may take the current step.")
    async def new_parent_name(self, info: Info[Context, Any]) -> str | None:
        return await _full_name(info, self._migration, self._migration.new_parent_id)


async def _full_name(info: Info[Context, Any], migration: OrgMigration, org_id: int) -> str | None:
    """ACC-4: a name goes to an admin of that org, or to whoever may act on the migration's current step (the
    old parent's admins while it awaits them, then the new parent's). A requester does not learn the name of
    a new parent they merely typed the id of, nor an approver that of an org after it is done."""
    ctx = info.context
    viewer = ctx.require_viewer()
    org = await ctx.loaders.org_by_id.load(org_id)
    if org is None:
        return None
    step_parent_id = {use_cases.AWAITING_OLD_PARENT: migration.old_parent_id,
                      use_cases.AWAITING_NEW_PARENT: migration.new_parent_id}.get(migration.status)
    step_parent = await ctx.loaders.org_by_id.load(step_parent_id) if step_parent_id is not None else None
    if administers(viewer, org) or (step_parent is not None and administers(viewer, step_parent)):
        return org.full_name
    return None


def _awaiting(viewer: Viewer) -> list[Any]:
    """Open migrations whose current step an admin of `viewer.admin_paths` may take (ORG-10, ACC-4): the old
    parent's approval for an admin of the old parent or above, then the new parent's."""
    def within(parent: Any) -> Any:
        return or_(*(and_(parent.c.path >= low, parent.c.path < high)
                     for low, high in map(subtree_bounds, viewer.admin_paths)))
    old_parent, new_parent = aliased(organizations), aliased(organizations)
    mig = org_migrations.c
    old_step = select(old_parent.c.id).where(old_parent.c.id == mig.old_parent_id, within(old_parent))
    new_step = select(new_parent.c.id).where(new_parent.c.id == mig.new_parent_id, within(new_parent))
    return [or_(and_(mig.status == use_cases.AWAITING_OLD_PARENT, old_step.exists()),
                and_(mig.status == use_cases.AWAITING_NEW_PARENT, new_step.exists()))]


@strawberry.type
class MigrationQuery:
    @strawberry.field(description="组织迁移 waiting for you (ORG-10): open migrations whose current step you may "
                                  "approve or refuse, the oldest request first.")
    async def migrations_to_review(self, info: Info[Context, Any], first: int | None = None,
                                   after: str | None = None, last: int | None = None,
                                   before: str | None = None) -> Connection[MigrationType]:
        ctx = info.context
        viewer = ctx.require_viewer()
        page = page_request(first, after, last, before, str, int)
        key = page.key
        start = (cursor_time(key[0], "before" if page.backward else "after"), key[1]) if key else None
        if not viewer.admin_paths or viewer.is_restricted:
            return Connection.empty(page)
        cond, at, mig_id = _awaiting(viewer), org_migrations.c.requested_at, org_migrations.c.id
        beyond = cond + ([keyset_beyond(at, mig_id, start, page.backward)] if start else [])
        order = (at.desc(), mig_id.desc()) if page.backward else (at, mig_id)
        async with ctx.read() as session:
            rows = list(await session.scalars(
                select(OrgMigration).where(*beyond).order_by(*order).limit(page.size + 1)))

        async def count() -> int:
            async with ctx.read() as session:
                return await session.scalar(select(func.count()).select_from(org_migrations).where(*cond)) or 0

        return Connection.build(
            rows, page, cursor_of=lambda m: encode_cursor(m.requested_at.isoformat(), m.id),
            node_of=MigrationType.from_domain, count=count)


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
