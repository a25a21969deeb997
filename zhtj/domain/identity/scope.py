"""ACC-4 scope: an admin acts on their orgs and everything below them; a member sees their own
record and their own org. Anything outside scope is treated as not found, never leaked."""

from __future__ import annotations

from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import Member
from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared.errors import NotFound
from zhtj.domain.shared.ports import UnitOfWork
from zhtj.domain.shared.values import NO_POSITION


def administers(viewer: Viewer, org: Organization) -> bool:
    """An admin of the org or of an org above it, once the initial password is changed and any self-report
    approved (ACC-1, MEM-14): until then nobody administers anything."""
    return not viewer.is_restricted and any(is_within(org.path, p) for p in viewer.admin_paths)


def can_see_org(viewer: Viewer, org: Organization) -> bool:
    """Admins see their orgs and below; a member their own branch, once a member: a self-report waiting for
    the branch (MEM-14) does not open the branch's people to whoever chose it."""
    own = org.id == viewer.member.branch_id and not viewer.is_restricted
    return administers(viewer, org) or own


def can_see_member(viewer: Viewer, member_id: int, branch: Organization | None) -> bool:
    if member_id == viewer.member.id:
        return True
    return branch is not None and administers(viewer, branch)


def is_root_admin(viewer: Viewer) -> bool:
    return not viewer.is_restricted and any(o.is_root for o in viewer.admin_of)


async def administered_org(uow: UnitOfWork, viewer: Viewer, org_id: int | None, field: str) -> Organization:
    """The org, if the viewer administers it or an org above it (ACC-4); otherwise NOT_FOUND on the field,
    the same answer as for an org that does not exist."""
    org = await uow.organizations.get(org_id) if org_id is not None else None
    if org is None or not administers(viewer, org):
        raise NotFound(field, "组织")
    return org


async def visible_member(uow: UnitOfWork, viewer: Viewer, member_id: int | None, field: str) -> Member:
    """The member if the viewer may act on them (ACC-4): themself, people of branches in scope, and cadres
    holding a post in an org in scope; otherwise NOT_FOUND on the field."""
    member = await uow.members.get(member_id) if member_id is not None else None
    if member is not None and await administers_member(uow, viewer, member):
        return member
    if member is not None and member.id == viewer.member.id:
        return member
    raise NotFound(field, "团员")


async def administers_member(uow: UnitOfWork, viewer: Viewer, member: Member) -> bool:
    """An admin over the person's branch or an org where they hold a post; a person with neither is in
    团中央's scope only."""
    orgs = await member_orgs(uow, member)
    return any(administers(viewer, org) for org in orgs) if orgs else is_root_admin(viewer)


async def manages_member(uow: UnitOfWork, viewer: Viewer, member: Member) -> bool:
    """May change the person's record, reset their password or delete them (ACC-4): an admin over the
    person's home (their branch; for a cadre without one, every org where they hold a post) and over every
    org the person administers. A post in your org lets you see a person from elsewhere, not take them over."""
    assert member.id is not None
    if member.branch_id is not None:
        home = await uow.organizations.get_many([member.branch_id])
    else:
        home = await member_orgs(uow, member)
    if not home:  # no branch and no post: only 团中央's admins reach such a record
        return is_root_admin(viewer)
    if not all(administers(viewer, org) for org in home):
        return False
    return all(administers(viewer, org) for org in await uow.admins.orgs_of(member.id))


async def member_orgs(uow: UnitOfWork, member: Member) -> list[Organization]:
    """The member's branch and the orgs where they hold a post now (an ended post, 无职务, no longer counts)."""
    assert member.id is not None
    ids = [p.org_id for p in await uow.members.positions_of(member.id) if p.position != NO_POSITION]
    if member.branch_id is not None:
        ids.insert(0, member.branch_id)
    return await uow.organizations.get_many(list(dict.fromkeys(ids)))
