"""What the viewer may do, for a front end to show or hide a button without trying (decision 0041).

Each answer comes from the rule the mutation itself applies (zhtj/domain/identity/scope.py): `administers` for
an org, `manages_member` for a person. `manages_member` reads through a UnitOfWork; here it reads through the
request's DataLoaders instead (`LoadedReads`), so the rule is the same code and a list of fifty people costs a
few grouped statements, not fifty rounds of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from zhtj.domain.identity.scope import administers, manages_member
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared.ports import UnitOfWork

if TYPE_CHECKING:
    from zhtj.graphql.context import Context
    from zhtj.graphql.loaders import Loaders


class _Organizations:
    def __init__(self, loaders: Loaders):
        self.loaders = loaders

    async def get_many(self, org_ids: Sequence[int]) -> list[Organization]:
        found = await self.loaders.org_by_id.load_many(list(org_ids))
        return [o for o in found if o is not None]


class _Members:
    def __init__(self, loaders: Loaders):
        self.loaders = loaders

    async def positions_of(self, member_id: int) -> list[CadrePosition]:
        return await self.loaders.positions_by_member_id.load(member_id)


class _Admins:
    def __init__(self, loaders: Loaders):
        self.loaders = loaders

    async def orgs_of(self, member_id: int) -> list[Organization]:
        return await self.loaders.admin_orgs_by_member_id.load(member_id)


class LoadedReads:
    """The reads of a UnitOfWork that the scope rules make (organizations.get_many, members.positions_of,
    admins.orgs_of), answered by DataLoaders: nothing else of a UnitOfWork is there, and nothing writes."""

    def __init__(self, loaders: Loaders):
        self.organizations = _Organizations(loaders)
        self.members = _Members(loaders)
        self.admins = _Admins(loaders)


def acting_viewer(ctx: Context) -> Viewer | None:
    """The viewer as every mutation but the few of a fresh account sees them (`require_viewer()`): none while
    the initial password is unchanged (ACC-1) or a self-report waits (MEM-14)."""
    viewer = ctx.viewer
    return None if viewer is None or viewer.is_restricted else viewer


def can_edit_org(ctx: Context, org: Organization) -> bool:
    """updateOrganization, moveOrganization, addAdmin, removeAdmin: `administered_org` (ACC-4)."""
    viewer = acting_viewer(ctx)
    return viewer is not None and administers(viewer, org)


async def manages(ctx: Context, member: Member) -> bool:
    """updateMember (every field), issuePasswordResetCode, setSecretary of someone else: `manages_member`."""
    viewer = acting_viewer(ctx)
    if viewer is None:
        return False
    return await manages_member(cast(UnitOfWork, LoadedReads(ctx.loaders)), viewer, member)


async def can_edit_member(ctx: Context, member: Member) -> bool:
    """updateMember accepts a change: from whoever manages the person (any field), or from the person
    themself (their own contact fields only, SELF_EDITABLE; `update_member`)."""
    viewer = acting_viewer(ctx)
    if viewer is None:
        return False
    return member.id == viewer.member.id or await manages(ctx, member)

