"""Query.search (X-1): thin; the routing is domain/search/query.py, the lookups infrastructure/search.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from zhtj.domain.identity.scope import administers
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import ACTIVE, Member
from zhtj.domain.organization.model import Organization
from zhtj.domain.search import query
from zhtj.graphql.context import Context
from zhtj.graphql.membership.loaders import member_and_branch_by_id
from zhtj.graphql.membership.types import MemberType, _administered
from zhtj.graphql.numbering.archives import ArchiveType, archive_of
from zhtj.graphql.organization.types import OrganizationType
from zhtj.graphql.relay import MAX_PAGE, BadPageRequest
from zhtj.infrastructure import search as index
from zhtj.infrastructure.rows import RowReader


@strawberry.type(name="SearchResult", description="全局搜索 (X-1): what lies under the viewer's orgs, ranked exact "
                                                   "before partial, nearer orgs first. A hit's breadcrumb is "
                                                   "`branch { ancestors }` (a person) or `ancestors` (an org).")
class SearchResult:
    organizations: list[OrganizationType] = strawberry.field(
        description="团组织: orgs whose full name contains the text (any part of it).")
    members: list[MemberType] = strawberry.field(
        description="团员: people by name (any part, pinyin or initials), by ID number (an audited full read) or by "
                    "development number.")
    archives: list[ArchiveType] = strawberry.field(description="电子档案 of the development number's member.")
    too_many: bool = strawberry.field(description="结果过多: more hits than returned; add an org name.")
    hint: str | None = strawberry.field(description="结果过多，请输入组织名称或省份等信息辅助搜索, with tooMany.")


def _empty() -> SearchResult:
    return SearchResult(organizations=[], members=[], archives=[], too_many=False, hint=None)


PeopleReader = Callable[[RowReader, Sequence[int]], Awaitable[list[tuple[Any, Organization | None] | None]]]


DEFAULT_FIRST = 20  # Query.search's `first` when none is given (the plan answers with the same)


@dataclass
class Found:
    """What a search found, before it is shown: people with their branches (read with them), orgs, tooMany."""

    members: list[tuple[Any, Organization | None]] = field(default_factory=list)  # Member, or a plan's row
    organizations: list[Organization] = field(default_factory=list)
    too_many: bool = False


def scopes_of(viewer: Viewer) -> list[str]:
    """X-1: the subtrees a viewer searches, each once: under the orgs they administer."""
    return index.outermost(viewer.admin_paths) if not viewer.is_restricted else []


async def by_text(ctx: Context, asked: query.SearchText, scopes: list[str], first: int,
                  people_of: PeopleReader = member_and_branch_by_id) -> Found:
    """People by name and orgs by any part of their full name, in the scopes, narrowed by the further words;
    the people and their branches read by `people_of` (the whole rows, or what a plan shows)."""
    rows = ctx.services.db.rows
    cut = False
    if asked.narrowing:
        scopes, cut = await index.narrow(rows, asked.narrowing, scopes)
    people_ids, many_people = await index.find_members(rows, asked.value, scopes, first)
    orgs, many_orgs = ([], False) if asked.is_pinyin else await index.find_orgs(rows, asked.value, scopes, first)
    people = [p for p in await people_of(rows, people_ids) if p is not None]
    return Found(people, orgs, cut or many_people or many_orgs)


async def full_read(ctx: Context, member: Member) -> None:
    """A person found by the whole ID number typed: a full read, counted and audited (decision 0018)."""
    ctx.count_full_read()
    await ctx.audit("searchIdNumber", f"Member:{member.id}")


@strawberry.type
class SearchQuery:
    @strawberry.field(description="全局搜索 (X-1), routed by the text's shape: an 18-character ID number finds the "
                                  "person (an audited full read, counted like idNumber); a 12-digit number the "
                                  "development number's member and e-archive; anything else people by name "
                                  "(全拼 zhangwei and initials zw too) and orgs by any part of their full name, "
                                  "every further word narrowing to orgs whose names contain it (张伟 海淀). Only "
                                  "what lies under the orgs you administer.")
    async def search(
        self, info: Info[Context, Any],
        text: Annotated[str, strawberry.argument(description="搜索内容: an ID number, a development number, or a "
                                                             "name or part of an org's full name, then any "
                                                             "narrowing words.")],
        first: Annotated[int, strawberry.argument(description="每类条数: people and orgs each, 1-100.")
                         ] = DEFAULT_FIRST,
    ) -> SearchResult:
        ctx = info.context
        viewer = ctx.require_viewer()
        if not 0 < first <= MAX_PAGE:
            raise BadPageRequest(f"first 须在 1 到 {MAX_PAGE} 之间")
        asked = query.read(text)
        scopes = scopes_of(viewer)
        if asked.route is query.Route.EMPTY or not scopes:
            return _empty()
        if asked.route is query.Route.ID_NUMBER:
            found = await index.person_by(ctx.services.db.rows, "id_number", asked.value)
            if found is None or not await _in_scope(info, viewer, *found[:2]):
                return _empty()  # out of scope answers exactly like nobody (ACC-4)
            member = found[0]
            await full_read(ctx, member)
            return SearchResult(organizations=[], members=[MemberType.from_domain(member)], archives=[],
                                too_many=False, hint=None)
        if asked.route is query.Route.DEVELOPMENT_NUMBER:
            found = await index.person_by(ctx.services.db.rows, "development_number", asked.value)
            if found is None or not await _in_scope(info, viewer, *found[:2]):
                return _empty()
            ctx.loaders.archive_by_member_id.prime(found[0].id or 0, found[2])  # read with the person
            archive = await archive_of(info, found[0])
            return SearchResult(organizations=[], members=[MemberType.from_domain(found[0])],
                                archives=[archive] if archive else [], too_many=False, hint=None)
        found = await by_text(ctx, asked, scopes, first)
        _prime(ctx, [home for _, home in found.members] + list(found.organizations))
        for person, home in found.members:
            ctx.loaders.member_and_branch_by_id.prime(person.id or 0, (person, home))
        return SearchResult(
            organizations=[OrganizationType.from_domain(o) for o in found.organizations],
            members=[MemberType.from_domain(m) for m, _ in found.members], archives=[],
            too_many=found.too_many, hint=query.TOO_MANY_HINT if found.too_many else None)


def _prime(ctx: Context, orgs: list[Organization | None]) -> None:
    """The orgs a hit's row shows (its branch, the org itself) were read with it: no second lookup."""
    for org in orgs:
        if org is not None and org.id is not None:
            ctx.loaders.org_by_id.prime(org.id, org)


async def _in_scope(info: Info[Context, Any], viewer: Viewer, member: Member, branch: Organization | None) -> bool:
    """X-1, ACC-4: a member (not a self-report) under the viewer's orgs: by their branch, read with them, or
    else by a post (the same check as Member.idNumber's)."""
    if member.status != ACTIVE:
        return False
    _prime(info.context, [branch])
    if branch is not None and administers(viewer, branch):
        return True
    return await _administered(info, member)
