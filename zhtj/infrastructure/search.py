"""X-1 lookups on the search index (decision 0025): one term, one range of org paths per scope, a LIMIT.

Every statement reads index rows in (term, path) order inside the viewer's subtrees, so its cost is the
rows it returns, not the size of the country. At most CANDIDATES rows are read per list; they are ranked in
Python (exact before partial, nearer orgs first)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.membership.model import ACTIVE, Member
from zhtj.domain.organization.model import Organization, is_within, subtree_bounds
from zhtj.domain.search import rank, terms
from zhtj.infrastructure.tables.schema import member_search, members, org_search, organizations

CANDIDATES = 200  # rows read per list before ranking; more means tooMany
NARROWING_ORGS = 50  # subtrees a narrowing word may open


def outermost(paths: Sequence[str]) -> list[str]:
    """The paths not inside another of them: the subtrees to search, each once."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not is_within(path, kept[-1]):
            kept.append(path)
    return kept


def _in_scopes(column: Any, scopes: Sequence[str]) -> Any:
    ranges = [and_(column >= low, column < high) for low, high in map(subtree_bounds, scopes)]
    return or_(*ranges) if len(ranges) > 1 else ranges[0]


async def org_hits(session: AsyncSession, word: str, scopes: Sequence[str], limit: int) -> list[tuple[int, str]]:
    """(org id, path) of orgs in the scopes whose full name contains the word, at most `limit`, unranked."""
    grams = terms.org_lookup(word)
    t = org_search.c
    stmt = select(t.org_id, t.path).where(t.term.in_(grams), _in_scopes(t.path, scopes))
    if len(grams) > 1:
        stmt = stmt.group_by(t.org_id, t.path).having(func.count(t.term.distinct()) == len(grams))
    rows = [(int(i), p) for i, p in await session.execute(stmt.limit(limit))]
    if len(word) <= 2 or not rows:
        return rows
    o = organizations.c
    found = await session.execute(select(o.id, o.full_name).where(o.id.in_([i for i, _ in rows])))
    names = {i: n for i, n in found}
    return [(i, p) for i, p in rows if word in names.get(i, "")]


async def narrow(session: AsyncSession, words: Sequence[str], scopes: Sequence[str]) -> tuple[list[str], bool]:
    """The subtrees of orgs (in scope) whose full names contain every narrowing word, each word at some level
    above or at the hit; and whether a word matched more orgs than were opened."""
    cut = False
    for word in words:
        found = await org_hits(session, word, scopes, NARROWING_ORGS + 1)
        cut = cut or len(found) > NARROWING_ORGS
        paths = outermost([p for _, p in found[:NARROWING_ORGS]])
        # each new subtree lies inside one of the scopes already (it was looked up there)
        scopes = paths
        if not scopes:
            break
    return list(scopes), cut


async def find_orgs(session: AsyncSession, word: str, scopes: Sequence[str], first: int
                    ) -> tuple[list[Organization], bool]:
    if not word or not scopes:
        return [], False
    found = await org_hits(session, word, scopes, CANDIDATES + 1)
    ids = [i for i, _ in found]
    loaded = list(await session.scalars(select(Organization).where(organizations.c.id.in_(ids)))) if ids else []
    loaded.sort(key=lambda o: rank.org_rank(o.full_name, o.short_name, word, o.path))
    return loaded[:first], len(found) > first


async def find_members(session: AsyncSession, word: str, scopes: Sequence[str], first: int
                       ) -> tuple[list[tuple[Member, str]], bool]:
    """(member, the path where found) by name: the whole name first, then any part of it; pinyin and initials."""
    if not word or not scopes:
        return [], False
    looked_up, check = terms.name_lookup(word)
    exact = [terms.PINYIN + word] if word.isascii() else [terms.EXACT + word]
    t = member_search.c
    best: dict[int, tuple[tuple[int, int, str], str]] = {}
    read = 0
    for group, is_exact in ((exact, True), ([x for x in looked_up if x not in exact], False)):
        if not group:
            continue
        stmt = select(t.member_id, t.path).where(t.term.in_(group), _in_scopes(t.path, scopes)).limit(CANDIDATES + 1)
        rows = (await session.execute(stmt)).all()
        read += len(rows)
        for member_id, path in rows:
            key = (0 if is_exact else 1, rank.depth_of(path), "")
            if member_id not in best or key < best[member_id][0]:
                best[member_id] = (key, path)
    if not best:
        return [], False
    stmt = select(Member).where(members.c.id.in_(list(best)), members.c.status == ACTIVE) if best else None
    people = {m.id: m for m in await session.scalars(stmt)} if stmt is not None else {}
    hits = []
    for member_id, (key, path) in best.items():
        member = people.get(member_id)
        if member is None or (check and word not in member.name):
            continue
        exact_name = key[0] == 0 or member.name == word
        hits.append(((0 if exact_name else 1, key[1], member.name, member_id), member, path))
    hits.sort(key=lambda h: h[0])
    return [(m, p) for _, m, p in hits[:first]], len(hits) > first or read > CANDIDATES


async def by_id_number(session: AsyncSession, id_number: str) -> Member | None:
    return await session.scalar(select(Member).where(members.c.id_number == id_number))


async def by_development_number(session: AsyncSession, number: str) -> Member | None:
    return await session.scalar(select(Member).where(members.c.development_number == number))
