"""Per-request DataLoaders, named for what they batch. Built fresh for every request (and after
every mutation, so nothing read before a write is served after it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    def __init__(self, reader: Reader, clock: Clock):
        def bind(fn):  # type: ignore[no-untyped-def]
            async def load(keys):  # type: ignore[no-untyped-def]
                async with reader.read() as session:
                    return await fn(session, keys)

            return load

        self.org_by_id: DataLoader[int, Organization | None] = DataLoader(bind(org_loaders.org_by_id))
        self.children_page_by_parent: DataLoader[org_loaders.PageKey, list[Organization]] = DataLoader(
            bind(org_loaders.children_page_by_parent)
        )
        self.children_count_by_parent: DataLoader[int, int] = DataLoader(
            bind(org_loaders.children_count_by_parent)
        )
        self.admins_by_org_id: DataLoader[int, list[Member]] = DataLoader(bind(org_loaders.admins_by_org_id))
        self.member_by_id: DataLoader[int, Member | None] = DataLoader(bind(member_loaders.member_by_id))
        self.archive_by_member_id: DataLoader[int, Archive | None] = DataLoader(
            bind(numbering_loaders.archive_by_member_id))
        self.member_and_branch_by_id: DataLoader[int, tuple[Member, Organization | None] | None] = DataLoader(
            bind(member_loaders.member_and_branch_by_id))
        self.positions_by_org_id: DataLoader[int, list[tuple[CadrePosition, Member]]] = DataLoader(
            bind(org_loaders.positions_by_org_id)
        )
        self.positions_by_member_id: DataLoader[int, list[CadrePosition]] = DataLoader(
            bind(member_loaders.positions_by_member_id)
        )
        self.counted_members_by_branch: DataLoader[int, int] = DataLoader(
            bind(org_loaders.counted_members_by_branch(today(clock)))
        )
        self.branches_below_by_path: DataLoader[str, int] = DataLoader(bind(org_loaders.branches_below_by_path))
        self.members_page_by_org: DataLoader[org_loaders.MembersKey, list[Member]] = DataLoader(
            bind(org_loaders.members_page_by_org)
        )
        self.members_count_by_org: DataLoader[tuple[str, str | None], int] = DataLoader(
            bind(org_loaders.members_count_by_org)
        )
        self.has_account_by_member_id: DataLoader[int, bool] = DataLoader(
            bind(org_loaders.has_account_by_member_id)
        )
