"""ACC-4 scope: an admin acts on their orgs and everything below them; a member sees their own
record and their own org. Anything outside scope is treated as not found, never leaked."""

from __future__ import annotations

from zhtj.domain.identity.services import Viewer
from zhtj.domain.organization.model import Organization, is_within


def administers(viewer: Viewer, org: Organization) -> bool:
    return any(is_within(org.path, p) for p in viewer.admin_paths)


def can_see_org(viewer: Viewer, org: Organization) -> bool:
    return administers(viewer, org) or org.id == viewer.member.branch_id


def can_see_member(viewer: Viewer, member_id: int, branch: Organization | None) -> bool:
    if member_id == viewer.member.id:
        return True
    return branch is not None and administers(viewer, branch)
