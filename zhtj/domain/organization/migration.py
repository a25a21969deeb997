"""组织迁移 (ORG-10): a whole subtree moves to a new parent.

Inside a province the org's admin asks, the old parent's admin approves, then the new parent's. An
admin who administers both parents (ACC-4 decided: supervision acts in place of the approvers) moves it
at once; cross-province moves are for the root's admins only."""

from __future__ import annotations

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administered_org, administers, is_root_admin
from zhtj.domain.identity.services import Viewer
from zhtj.domain.organization import rules
from zhtj.domain.organization.model import Organization, OrgMigration
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import UnitOfWork

AWAITING_OLD_PARENT = "AWAITING_OLD_PARENT"
AWAITING_NEW_PARENT = "AWAITING_NEW_PARENT"
OPEN = (AWAITING_OLD_PARENT, AWAITING_NEW_PARENT)


async def _target(uow: UnitOfWork, new_parent_id: int | None) -> Organization:
    found = await uow.organizations.get(new_parent_id) if new_parent_id is not None else None
    if found is None:
        raise NotFound("newParentId", "上级组织")
    return found


async def move_organization(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
                            new_parent_id: int | None) -> Organization:
    """A direct move, for whoever could approve every step of it."""
    org = await administered_org(uow, viewer, org_id, "id")
    new_parent = await _target(uow, new_parent_id)
    old_parent = await uow.organizations.get(org.parent_id) if org.parent_id else None
    root_admin = is_root_admin(viewer)
    if not root_admin and not (administers(viewer, new_parent) and old_parent and administers(viewer, old_parent)):
        if not administers(viewer, new_parent):
            raise NotFound("newParentId", "上级组织")
        raise DomainError.of("MIGRATION_NEEDS_APPROVAL", "请提交组织迁移申请，由原上级和新上级组织审核",
                             "newParentId", "ORG-10")
    problems = rules.migration_problems(org, new_parent, actor_is_root_admin=root_admin)
    if problems:
        raise DomainError(problems)
    await _move(uow, org, new_parent)
    open_request = await uow.migrations.open_for(org.id or 0)
    if open_request is not None:
        open_request.status, open_request.decided_at = "WITHDRAWN", clock.now()
    audit.record(uow, clock, viewer.member.id, "moveOrganization", org, f"to Organization:{new_parent.id}")
    await uow.commit()
    moved = await uow.organizations.get(org.id or 0)
    assert moved is not None
    return moved


async def _move(uow: UnitOfWork, org: Organization, new_parent: Organization) -> None:
    assert new_parent.id is not None
    if await uow.organizations.full_name_taken(new_parent.id, org.full_name, org.id):
        raise DomainError(Problem("FULL_NAME_TAKEN", f"新上级组织下已有名为“{org.full_name}”的组织",
                                  "newParentId", "ORG-3"))
    org.sort_order = await uow.organizations.next_sort_order(new_parent.id)
    await uow.organizations.move_subtree(org, new_parent)


async def request_migration(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
                            new_parent_id: int | None) -> OrgMigration:
    org = await administered_org(uow, viewer, org_id, "orgId")
    # Locked before its open migration is looked for: two requests at once open one migration (PostgreSQL).
    locked = await uow.organizations.lock(org.id or 0)
    if locked is None:
        raise NotFound("orgId", "组织")
    org = locked
    new_parent = await _target(uow, new_parent_id)
    if new_parent.province_id() != org.province_id() and not administers(viewer, new_parent):
        raise NotFound("newParentId", "上级组织")  # ACC-4: orgs of other provinces are not there to probe
    problems = rules.migration_problems(org, new_parent, actor_is_root_admin=False)
    if not problems and await uow.migrations.open_for(org.id or 0):
        problems.append(Problem("MIGRATION_ALREADY_OPEN", "该组织已有正在办理的迁移申请", "orgId", "ORG-10"))
    if problems:
        raise DomainError(problems)
    assert org.id is not None and org.parent_id is not None and new_parent.id is not None
    migration = OrgMigration(org_id=org.id, old_parent_id=org.parent_id, new_parent_id=new_parent.id,
                             requested_by=viewer.member.id or 0, requested_at=clock.now())
    uow.migrations.add(migration)
    audit.record(uow, clock, viewer.member.id, "requestMigration", org, f"to Organization:{new_parent.id}")
    await uow.commit()
    return migration


async def review_migration(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, migration_id: int | None,
                           approve: bool, reason: str | None) -> OrgMigration:
    """The old parent's admin approves first, then the new parent's; a refusal needs a reason. Scope comes
    before state (ACC-4): a migration the viewer has no part in is NOT_FOUND, open or not."""
    migration, (org, old_parent, new_parent) = await _seen_migration(uow, viewer, migration_id)
    if migration.status not in OPEN:
        raise DomainError.of("MIGRATION_NOT_OPEN", "该迁移申请已办结", "migrationId", "ORG-10")
    step_parent = old_parent if migration.status == AWAITING_OLD_PARENT else new_parent
    if not administers(viewer, step_parent):
        raise NotFound("migrationId", "迁移申请")
    now = clock.now()
    if not approve:
        if not (reason or "").strip():
            raise DomainError.of("REASON_REQUIRED", "退回时请填写原因", "reason", "ORG-10")
        migration.status, migration.decided_by, migration.decided_at = "REFUSED", viewer.member.id, now
        migration.reason = (reason or "").strip()
        audit.record(uow, clock, viewer.member.id, "refuseMigration", org, migration.reason)
        await uow.commit()
        return migration
    if migration.status == AWAITING_OLD_PARENT:
        migration.status = AWAITING_NEW_PARENT
        migration.old_parent_approved_by, migration.old_parent_approved_at = viewer.member.id, now
        if not administers(viewer, new_parent):
            audit.record(uow, clock, viewer.member.id, "approveMigration", org, "old parent")
            await uow.commit()
            return migration
    problems = rules.migration_problems(org, new_parent, actor_is_root_admin=False)
    if org.parent_id != migration.old_parent_id:
        problems.append(Problem("MIGRATION_OUTDATED", "该组织已不在原上级组织下", "migrationId", "ORG-10"))
    if problems:
        raise DomainError(problems)
    await _move(uow, org, new_parent)
    migration.status, migration.decided_by, migration.decided_at = "COMPLETED", viewer.member.id, now
    audit.record(uow, clock, viewer.member.id, "approveMigration", org, "completed")
    await uow.commit()
    return migration


async def _seen_migration(uow: UnitOfWork, viewer: Viewer, migration_id: int | None
                          ) -> tuple[OrgMigration, tuple[Organization, Organization, Organization]]:
    """The migration with its org, old and new parent, if the viewer administers one of the three (ACC-4);
    otherwise NOT_FOUND, as for an id that does not exist."""
    migration = await uow.migrations.get(migration_id) if migration_id is not None else None
    orgs = [await uow.organizations.get(i) for i in
            ((migration.org_id, migration.old_parent_id, migration.new_parent_id) if migration else ())]
    if migration is None or not any(o is not None and administers(viewer, o) for o in orgs):
        raise NotFound("migrationId", "迁移申请")
    org, old_parent, new_parent = orgs
    assert org is not None and old_parent is not None and new_parent is not None
    return migration, (org, old_parent, new_parent)


async def withdraw_migration(*, uow: UnitOfWork, clock: Clock, viewer: Viewer,
                             migration_id: int | None) -> OrgMigration:
    """By an admin of the org that asked (or above); scope before state, as in review_migration."""
    migration = await uow.migrations.get(migration_id) if migration_id is not None else None
    org = await uow.organizations.get(migration.org_id) if migration else None
    if migration is None or org is None or not administers(viewer, org):
        raise NotFound("migrationId", "迁移申请")
    if migration.status not in OPEN:
        raise DomainError.of("MIGRATION_NOT_OPEN", "该迁移申请已办结，不能撤销", "migrationId", "ORG-10")
    migration.status, migration.decided_by, migration.decided_at = "WITHDRAWN", viewer.member.id, clock.now()
    audit.record(uow, clock, viewer.member.id, "withdrawMigration", org, "")
    await uow.commit()
    return migration
