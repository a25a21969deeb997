"""X-1 lookups on the search index (decision 0025): one term, one range of org paths per scope, a LIMIT.

Every statement reads index rows in (term, path) order inside the viewer's subtrees, so its cost is the
rows it returns, not the size of the country. At most CANDIDATES rows are read per list; they are ranked in
Python (exact before partial, nearer orgs first)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, and_, bindparam, func, literal_column, or_, select, union_all

from zhtj.domain.membership.model import ACTIVE, Member
from zhtj.domain.numbering.model import Archive
from zhtj.domain.organization.model import Organization, is_within, subtree_bounds
from zhtj.domain.search import rank, terms
from zhtj.infrastructure.rows import RowReader, build
from zhtj.infrastructure.tables.schema import member_archives, member_search, members, org_search, organizations

CANDIDATES = 200  # rows read per list before ranking; more means tooMany
NARROWING_ORGS = 50  # subtrees a narrowing word may open


def outermost(paths: Sequence[str]) -> list[str]:
    """The paths not inside another of them: the subtrees to search, each once."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not is_within(path, kept[-1]):
            kept.append(path)
    return kept


MAX_PREBUILT_SCOPES = 4  # statements are built once per number of scope ranges; more are sent in chunks of 4
_M, _O = [c.key for c in members.c], [c.key for c in organizations.c]


def _ranges(column: Any, count: int) -> Any:
    """`count` subtrees as bound ranges: lo0 <= path < hi0 OR …"""
    parts = [and_(column >= bindparam(f"lo{i}", type_=column.type), column < bindparam(f"hi{i}", type_=column.type))
             for i in range(count)]
    return or_(*parts) if count > 1 else parts[0]


def _range_values(scopes: Sequence[str]) -> dict[str, str]:
    values = {}
    for i, (low, high) in enumerate(map(subtree_bounds, scopes)):
        values[f"lo{i}"], values[f"hi{i}"] = low, high
    return values


def _member_statement(count: int) -> Any:
    t = member_search.c
    parts = [select(t.member_id, t.path, literal_column(str(kind)).label("kind"))
             .where(t.term.in_(bindparam(name, type_=t.term.type, expanding=True)), _ranges(t.path, count))
             .limit(bindparam(f"{name}_cap")).subquery()
             for kind, name in ((0, "exact"), (1, "partial"))]
    found = union_all(*(select(p.c.member_id, p.c.path, p.c.kind) for p in parts)).subquery()
    # the status is read, not filtered: a list that filled its LIMIT may hold more (tooMany)
    return (select(found.c.kind, found.c.path, members.c.id, members.c.name, members.c.status)
            .join(members, members.c.id == found.c.member_id))


def _org_statement(count: int, grouped: bool) -> Any:
    t = org_search.c
    hits = select(t.org_id).where(t.term.in_(bindparam("grams", type_=t.term.type, expanding=True)),
                                  _ranges(t.path, count))
    if grouped:
        hits = hits.group_by(t.org_id).having(func.count(t.term.distinct()) == bindparam("n"))
    found = hits.limit(bindparam("cap")).subquery()
    stmt = select(*organizations.c).join(found, found.c.org_id == organizations.c.id)
    if grouped:
        stmt = stmt.where(organizations.c.full_name.like(bindparam("pattern", type_=String()), escape="/"))
    return stmt


MEMBER_STATEMENTS = {n: _member_statement(n) for n in range(1, MAX_PREBUILT_SCOPES + 1)}
ORG_STATEMENTS = {(n, g): _org_statement(n, g) for n in range(1, MAX_PREBUILT_SCOPES + 1) for g in (False, True)}
PERSON_BY = {name: select(*members.c, *organizations.c, *member_archives.c)
             .outerjoin(organizations, organizations.c.id == members.c.branch_id)
             .outerjoin(member_archives, member_archives.c.member_id == members.c.id)
             .where(getattr(members.c, name) == bindparam("value", type_=getattr(members.c, name).type))
             for name in ("id_number", "development_number")}
_A = [c.key for c in member_archives.c]


def _like(word: str) -> str:
    return "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


async def _orgs_containing(rows: RowReader, word: str, scopes: Sequence[str], cap: int) -> list[Organization]:
    """Orgs in the scopes whose full name contains the word, unranked: one statement per 4 subtrees, each
    reading at most `cap` index rows."""
    grams = terms.org_lookup(word)
    grouped = len(grams) > 1
    found: list[Organization] = []
    for start in range(0, len(scopes), MAX_PREBUILT_SCOPES):
        chunk = scopes[start:start + MAX_PREBUILT_SCOPES]
        params: dict[str, Any] = {"grams": grams, "cap": cap, **_range_values(chunk)}
        if grouped:
            params.update(n=len(grams), pattern=_like(word))
        found += await rows.objects(Organization, ORG_STATEMENTS[len(chunk), grouped], params, lookup=True)
    return found


async def narrow(rows: RowReader, words: Sequence[str], scopes: Sequence[str]) -> tuple[list[str], bool]:
    """The subtrees of orgs (in scope) whose full names contain every narrowing word, each word at some level
    above or at the hit; and whether a word matched more orgs than were opened."""
    cut = False
    for word in words:
        found = await _orgs_containing(rows, word, scopes, NARROWING_ORGS + 1)
        cut = cut or len(found) > NARROWING_ORGS
        # each new subtree lies inside one of the scopes already (it was looked up there)
        scopes = outermost([o.path for o in found[:NARROWING_ORGS]])
        if not scopes:
            break
    return list(scopes), cut


async def find_orgs(rows: RowReader, word: str, scopes: Sequence[str], first: int) -> tuple[list[Organization], bool]:
    """Orgs in the scopes whose full name contains the word, ranked."""
    if not word or not scopes:
        return [], False
    loaded = await _orgs_containing(rows, word, scopes, CANDIDATES + 1)
    loaded.sort(key=lambda o: rank.org_rank(o.full_name, o.short_name, word, o.path))
    return loaded[:first], len(loaded) > first


async def find_members(rows: RowReader, word: str, scopes: Sequence[str], first: int) -> tuple[list[int], bool]:
    """The ids of people found by name, ranked: the whole name first, then any part of it; pinyin and initials.
    One statement: the whole-name rows and the part rows, each LIMITed, with each person's name.

    The limits are what `first` needs (decision 0075): first + 1 whole-name rows, twice as many part rows (a part
    row repeats every whole-name hit). All hits are read and ranked whenever they fit in `first`; past that the
    answer says tooMany and ranks the rows it read, which come in tree order. A word longer than the index's terms
    must still be checked against each name, so it reads CANDIDATES rows."""
    if not word or not scopes:
        return [], False
    looked_up, check = terms.name_lookup(word)
    exact = [terms.PINYIN + word] if word.isascii() else [terms.EXACT + word]
    partial = [x for x in looked_up if x not in exact]  # never empty: a part of the name, or the initials
    caps = (CANDIDATES + 1, 2 * CANDIDATES + 2) if check else (first + 1, 2 * first + 2)
    found, cut = [], False
    for start in range(0, len(scopes), MAX_PREBUILT_SCOPES):  # one statement, or chunks of 4 subtrees
        chunk = scopes[start:start + MAX_PREBUILT_SCOPES]
        params = {"exact": exact, "partial": partial, "exact_cap": caps[0], "partial_cap": caps[1],
                  **_range_values(chunk)}
        read = await rows.rows(MEMBER_STATEMENTS[len(chunk)], params, lookup=True)
        cut = cut or any(sum(1 for row in read if int(row[0]) == kind) >= cap for kind, cap in enumerate(caps))
        found += read
    best: dict[int, tuple[int, int, str, int]] = {}
    for kind, path, member_id, name, status in found:
        if status != ACTIVE or (check and word not in name):
            continue
        key = (0 if int(kind) == 0 or name == word else 1, rank.depth_of(path), name, member_id)
        if member_id not in best or key < best[member_id]:
            best[member_id] = key
    ranked = sorted(best, key=best.__getitem__)
    return ranked[:first], len(ranked) > first or cut


async def person_by(rows: RowReader, column: str, value: str
                    ) -> tuple[Member, Organization | None, Archive | None] | None:
    """The person with this ID number or development number, their branch and e-archive: one lookup."""
    found = await rows.rows(PERSON_BY[column], {"value": value}, lookup=True)
    if not found:
        return None
    row, m, o = found[0], len(_M), len(_M) + len(_O)
    return (build(Member, _M, row[:m]), build(Organization, _O, row[m:o]) if row[m] is not None else None,
            build(Archive, _A, row[o:]) if row[o] is not None else None)
