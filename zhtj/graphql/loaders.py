"""Per-request DataLoaders, named for what they batch. Built fresh for every request (and after
every mutation, so nothing read before a write is served after it)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from zhtj.domain.shared.clock import today
from zhtj.graphql.membership import loaders as member_loaders
from zhtj.graphql.numbering import loaders as numbering_loaders
from zhtj.graphql.organization import loaders as org_loaders

if TYPE_CHECKING:
    from zhtj.domain.membership.model import CadrePosition, Member
    from zhtj.domain.numbering.model import Archive
    from zhtj.domain.organization.model import Organization
    from zhtj.domain.shared.clock import Clock
    from zhtj.graphql.context import Reader


class Loaders:
    """Each DataLoader is made when first asked for: most requests need one or two of them."""

    def __init__(self, reader: Reader, clock: Clock):
        self._reader = reader
        self._clock = clock

    def _bind(self, fn: Any) -> Any:
        reader = self._reader

        async def load(keys: Any) -> Any:
            async with reader.read() as session:
                return await fn(session, keys)

        return load

    def _bind_rows(self, fn: Any) -> Any:
        """For batch functions that read plain rows only (infrastructure/rows.py): no session is made."""
        rows = self._reader.db.rows

        async def load(keys: Any) -> Any:
            return await fn(rows, keys)

        return load

    @cached_property
    def org_by_id(self) -> DataLoader[int, Organization | None]:
        return DataLoader(self._bind_rows(org_loaders.org_by_id))

    @cached_property
    def children_page_by_parent(self) -> DataLoader[org_loaders.PageKey, list[Organization]]:
        return DataLoader(self._bind_rows(org_loaders.children_page_by_parent))

    @cached_property
    def children_count_by_parent(self) -> DataLoader[int, int]:
        return DataLoader(self._bind_rows(org_loaders.children_count_by_parent))

    @cached_property
    def admins_by_org_id(self) -> DataLoader[int, list[Member]]:
        return DataLoader(self._bind(org_loaders.admins_by_org_id))

    @cached_property
    def admin_orgs_by_member_id(self) -> DataLoader[int, list[Organization]]:
        return DataLoader(self._bind(org_loaders.admin_orgs_by_member_id))

    @cached_property
    def member_by_id(self) -> DataLoader[int, Member | None]:
        return DataLoader(self._bind_rows(member_loaders.member_by_id))

    @cached_property
    def archive_by_member_id(self) -> DataLoader[int, Archive | None]:
        return DataLoader(self._bind(numbering_loaders.archive_by_member_id))

    @cached_property
    def member_and_branch_by_id(self) -> DataLoader[int, tuple[Member, Organization | None] | None]:
        return DataLoader(self._bind_rows(member_loaders.member_and_branch_by_id))

    @cached_property
    def positions_by_org_id(self) -> DataLoader[int, list[tuple[CadrePosition, Member]]]:
        return DataLoader(self._bind(org_loaders.positions_by_org_id))

    @cached_property
    def positions_by_member_id(self) -> DataLoader[int, list[CadrePosition]]:
        return DataLoader(self._bind(member_loaders.positions_by_member_id))

    @cached_property
    def counted_members_by_branch(self) -> DataLoader[int, int]:
        return DataLoader(self._bind(org_loaders.counted_members_by_branch(today(self._clock))))

    @cached_property
    def branches_below_by_path(self) -> DataLoader[str, int]:
        return DataLoader(self._bind(org_loaders.branches_below_by_path))

    @cached_property
    def members_page_by_org(self) -> DataLoader[org_loaders.MembersKey, list[Member]]:
        return DataLoader(self._bind(org_loaders.members_page_by_org))

    @cached_property
    def members_count_by_org(self) -> DataLoader[tuple[str, str | None], int]:
        return DataLoader(self._bind(org_loaders.members_count_by_org))

    @cached_property
    def has_account_by_member_id(self) -> DataLoader[int, bool]:
        return DataLoader(self._bind(org_loaders.has_account_by_member_id))
