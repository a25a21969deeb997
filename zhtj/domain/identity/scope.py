"""ACC-4 scope: an admin acts on their orgs and everything below them; a member sees their own
record and their own org. Anything outside scope is treated as not found, never leaked."""

from __future__ import annotations

from zhtj.domain.identity.services import Viewer
from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared.errors import NotFound
from zhtj.domain.shared.ports import UnitOfWork


def administers(viewer: Viewer, org: Organization) -> bool:
    return any(is_within(org.path, p) for p in viewer.admin_paths)


def can_see_org(viewer: Viewer, org: Organization) -> bool:
    return administers(viewer, org) or org.id == viewer.member.branch_id


def can_see_member(viewer: Viewer, member_id: int, branch: Organization | None) -> bool:
    if member_id == viewer.member.id:
        return True
    return branch is not None and administers(viewer, branch)


def is_root_admin(viewer: Viewer) -> bool:
    return any(o.is_root for o in viewer.admin_of)


async def administered_org(uow: UnitOfWork, viewer: Viewer, org_id: int | None, field: str) -> Organization:
    """The org, if the viewer administers it or an org above it (ACC-4); otherwise NOT_FOUND on the field,
    the same answer as for an org that does not exist."""
    org = await uow.organizations.get(org_id) if org_id is not None else None
    if org is None or not administers(viewer, org):
        raise NotFound(field, "组织")
    return org
