"""Batch functions of the organization context: about one SQL statement per level of a tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, and_, bindparam, func, literal, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.identity.model import OrgAdmin
from zhtj.domain.membership import self_report
from zhtj.domain.membership.model import ACTIVE, AWAITING_REVIEW, CadrePosition, Member
from zhtj.domain.organization.model import Organization, subtree_bounds
from zhtj.domain.shared import values
from zhtj.infrastructure.rows import RowReader
from zhtj.infrastructure.tables.schema import accounts, cadre_positions, members
from zhtj.infrastructure.tables.schema import organizations as orgs


class PageKey(NamedTuple):
    parent_id: int
    first: int
    after: tuple[int, int] | None  # (sort_order, id) of the last org already seen (of the first, backward)
    backward: bool = False  # the last `first` children before `after`, read from the end


async def org_by_id(rows: RowReader, ids: Sequence[int]) -> list[Organization | None]:
    found = {o.id: o for o in await rows.objects(Organization, ORGS_BY_ID, {"ids": list(ids)}, lookup=True)}
    return [found.get(i) for i in ids]


def children_pages(stmt: Select, parents: Any, first: Any, after: tuple[Any, Any] | None, *,
                   backward: bool = False) -> Select:
    """`stmt` (what to read of each org) narrowed to up to first+1 children of each parent after `after`, in
    sibling order: one statement for any number of parents. Each of `parents`, `first` and `after` is a value
    or a bound parameter (the planned tree path compiles the statement once, organization/tree.py).
    `backward`: up to first+1 children before `after` instead, read from the end (descending)."""
    order = (orgs.c.sort_order.desc(), orgs.c.id.desc()) if backward else (orgs.c.sort_order, orgs.c.id)
    rank = func.row_number().over(partition_by=orgs.c.parent_id, order_by=order)
    inner = select(orgs.c.id, rank.label("rank")).where(orgs.c.parent_id.in_(parents))
    if after is not None:
        position = tuple_(orgs.c.sort_order, orgs.c.id)
        inner = inner.where(position < tuple_(*after) if backward else position > tuple_(*after))
    ranked = inner.subquery()
    return (
        stmt.join(ranked, ranked.c.id == orgs.c.id)
        .where(ranked.c.rank <= first + 1)
        .order_by(orgs.c.parent_id, *order)
    )


async def children_page_by_parent(rows: RowReader, keys: Sequence[PageKey]) -> list[list[Organization]]:
    """Up to first+1 children of each parent in sibling order (descending backward); one statement per
    (first, after, direction)."""
    by_window: dict[tuple[int, tuple[int, int] | None, bool], list[int]] = defaultdict(list)
    for key in keys:
        by_window[(key.first, key.after, key.backward)].append(key.parent_id)
    pages: dict[PageKey, list[Organization]] = {}
    for (first, after, backward), parent_ids in by_window.items():
        params: dict[str, Any] = {"parents": parent_ids, "first": first}
        if after is not None:
            params.update(after_order=after[0], after_id=after[1])
        statement = STATEMENTS[(after is not None, backward)]
        grouped: dict[int, list[Organization]] = defaultdict(list)
        for org in await rows.objects(Organization, statement, params):
            assert org.parent_id is not None
            grouped[org.parent_id].append(org)
        for parent_id in parent_ids:
            pages[PageKey(parent_id, first, after, backward)] = grouped.get(parent_id, [])
    return [pages[key] for key in keys]


def id_list_param(name: str) -> Any:
    return bindparam(name, type_=orgs.c.id.type, expanding=True)


# Built once, compiled once (infrastructure/rows.py).
ORGS_BY_ID = select(orgs).where(orgs.c.id.in_(id_list_param("ids")))
FIRST_PARAM = bindparam("first", type_=Integer)
AFTER_PARAMS = (bindparam("after_order", type_=orgs.c.sort_order.type), bindparam("after_id", type_=orgs.c.id.type))
CHILDREN = children_pages(select(orgs), id_list_param("parents"), FIRST_PARAM, None)
CHILDREN_AFTER = children_pages(select(orgs), id_list_param("parents"), FIRST_PARAM, AFTER_PARAMS)
CHILD_COUNTS = (select(orgs.c.parent_id, func.count()).where(orgs.c.parent_id.in_(id_list_param("parents")))
                .group_by(orgs.c.parent_id))  # the children pages' totalCount, childCount and hasChildren
CHILDREN_LAST = children_pages(select(orgs), id_list_param("parents"), FIRST_PARAM, None, backward=True)
CHILDREN_BEFORE = children_pages(select(orgs), id_list_param("parents"), FIRST_PARAM, AFTER_PARAMS, backward=True)
STATEMENTS = {(False, False): CHILDREN, (True, False): CHILDREN_AFTER, (False, True): CHILDREN_LAST,
              (True, True): CHILDREN_BEFORE}


async def children_count_by_parent(rows: RowReader, parent_ids: Sequence[int]) -> list[int]:
    counts = dict(await rows.rows(CHILD_COUNTS, {"parents": list(parent_ids)}))
    return [counts.get(i, 0) for i in parent_ids]


async def admins_by_org_id(session: AsyncSession, org_ids: Sequence[int]) -> list[list[Member]]:
    rows = await session.execute(
        select(OrgAdmin.org_id, Member)  # type: ignore[call-overload]
        .join(Member, Member.id == OrgAdmin.member_id)  # type: ignore[arg-type]
        .where(OrgAdmin.org_id.in_(org_ids))  # type: ignore[attr-defined]
        .order_by(OrgAdmin.granted_at)  # type: ignore[arg-type]
    )
    grouped: dict[int, list[Member]] = defaultdict(list)
    for org_id, member in rows:
        grouped[org_id].append(member)
    return [grouped.get(i, []) for i in org_ids]


async def admin_orgs_by_member_id(session: AsyncSession, member_ids: Sequence[int]) -> list[list[Organization]]:
    """The orgs each person administers, by path (what `uow.admins.orgs_of` reads, for many people at once)."""
    rows = await session.execute(
        select(OrgAdmin.member_id, Organization)  # type: ignore[call-overload]
        .join(Organization, orgs.c.id == OrgAdmin.org_id)  # type: ignore[arg-type]
        .where(OrgAdmin.member_id.in_(member_ids))  # type: ignore[attr-defined]
        .order_by(orgs.c.path)
    )
    grouped: dict[int, list[Organization]] = defaultdict(list)
    for member_id, org in rows:
        grouped[member_id].append(org)
    return [grouped.get(i, []) for i in member_ids]


async def positions_by_org_id(
    session: AsyncSession, org_ids: Sequence[int]
) -> list[list[tuple[CadrePosition, Member]]]:
    """Current posts held in each org (无职务 is no post), with their holders."""
    rows = await session.execute(
        select(CadrePosition, Member)
        .join(Member, members.c.id == cadre_positions.c.member_id)
        .where(cadre_positions.c.org_id.in_(org_ids), cadre_positions.c.position != values.NO_POSITION)
        .order_by(cadre_positions.c.org_id, cadre_positions.c.id)
    )
    grouped: dict[int, list[tuple[CadrePosition, Member]]] = defaultdict(list)
    for position, member in rows:
        grouped[position.org_id].append((position, member))
    return [grouped.get(i, []) for i in org_ids]


def counted_members_by_branch(today: date):  # type: ignore[no-untyped-def]
    """ORG-12 branch size: league members under 28 (older ones only while they hold a post: 超龄离团, MEM-6),
    and party members while under 28; a self-report not yet approved is no member (MEM-14)."""
    born_after = _years_before(today, 28)

    async def load(session: AsyncSession, branch_ids: Sequence[int]) -> list[int]:
        young = members.c.birth_date > born_after
        counted = or_(
            and_(members.c.political_status == values.LEAGUE_MEMBER, or_(young, members.c.is_cadre)),
            and_(members.c.political_status.in_(values.PARTY_STATUSES), young),
        )
        rows = await session.execute(
            select(members.c.branch_id, func.count())
            .where(members.c.branch_id.in_(branch_ids), members.c.status == ACTIVE, counted)
            .group_by(members.c.branch_id)
        )
        counts = {branch_id: n for branch_id, n in rows}
        return [counts.get(i, 0) for i in branch_ids]

    return load


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# SQLite allows at most 500 terms in one compound SELECT: batches of more orgs take one statement per chunk.
CHUNK = 400


def _chunks(items: Sequence, size: int = CHUNK):  # type: ignore[no-untyped-def,type-arg]
    for start in range(0, len(items), size):
        yield start, items[start:start + size]


async def _per_key(session: AsyncSession, parts: list) -> list[tuple[int, object]]:  # type: ignore[type-arg]
    """Runs one labelled SELECT per key as UNION ALL, CHUNK keys a statement; rows are (key index, value)."""
    rows: list[tuple[int, object]] = []
    for start, chunk in _chunks(parts):
        statement = union_all(*chunk) if len(chunk) > 1 else chunk[0]
        rows += [(start + i, value) for i, value in await session.execute(statement)]
    return rows


async def branches_below_by_path(session: AsyncSession, paths: Sequence[str]) -> list[int]:
    """How many branch-like orgs lie under each org: a range count per org, CHUNK orgs a statement."""
    parts = []
    for index, path in enumerate(paths):
        low, high = subtree_bounds(path)
        parts.append(
            select(literal(index % CHUNK).label("i"), func.count().label("n"))
            .select_from(orgs)
            .where(orgs.c.path > low, orgs.c.path < high, orgs.c.category.in_(values.BRANCH_CATEGORIES))
        )
    counts = dict(await _per_key(session, parts))
    return [int(counts.get(i, 0)) for i in range(len(paths))]  # type: ignore[call-overload]


async def has_account_by_member_id(session: AsyncSession, member_ids: Sequence[int]) -> list[bool]:
    found = set(await session.scalars(select(accounts.c.member_id).where(accounts.c.member_id.in_(member_ids))))
    return [i in found for i in member_ids]


def _members_below(path: str, text: str | None):  # type: ignore[no-untyped-def]
    """Members (not self-reports waiting or returned, MEM-14) of every branch in the subtree at `path`."""
    low, high = subtree_bounds(path)
    in_subtree = select(orgs.c.id).where(orgs.c.path >= low, orgs.c.path < high)
    cond = [members.c.branch_id.in_(in_subtree), members.c.status == ACTIVE]
    if text and text.strip():
        cond.append(members.c.name.contains(text.strip(), autoescape=True))
    return cond


class MembersKey(NamedTuple):
    path: str
    first: int
    after: int | None  # the last member id already seen (the first, backward)
    text: str | None
    backward: bool = False  # the last `first` members before `after`, read from the end


async def members_page_by_org(session: AsyncSession, keys: Sequence[MembersKey]) -> list[list[Member]]:
    """Up to first+1 members below each org, by id (descending backward): each org's own LIMITed query (so a
    province stops early), CHUNK orgs a statement, then one statement for the rows."""
    parts = []
    for index, key in enumerate(keys):
        cond = _members_below(key.path, key.text)
        if key.after is not None:
            cond.append(members.c.id < key.after if key.backward else members.c.id > key.after)
        page = (select(literal(index % CHUNK).label("i"), members.c.id.label("member_id")).where(*cond)
                .order_by(members.c.id.desc() if key.backward else members.c.id).limit(key.first + 1).subquery())
        parts.append(select(page.c.i, page.c.member_id))
    found = await _per_key(session, parts) if parts else []
    ids = [member_id for _, member_id in found]
    loaded = {m.id: m for m in await session.scalars(select(Member).where(members.c.id.in_(ids)))} if ids else {}
    pages: list[list[Member]] = [[] for _ in keys]
    for index, member_id in found:
        pages[index].append(loaded[member_id])
    return [sorted(page, key=lambda m: m.id or 0, reverse=key.backward) for page, key in zip(pages, keys, strict=True)]


async def members_count_by_org(session: AsyncSession, keys: Sequence[tuple[str, str | None]]) -> list[int]:
    parts = [select(literal(index % CHUNK).label("i"), func.count().label("n")).select_from(members)
             .where(*_members_below(path, text)) for index, (path, text) in enumerate(keys)]
    counts = dict(await _per_key(session, parts))
    return [int(counts.get(i, 0)) for i in range(len(keys))]  # type: ignore[call-overload]


def _reports_below(path: str, status: str | None, now: datetime):  # type: ignore[no-untyped-def]
    """Self-reports (MEM-14) to every branch in the subtree at `path`: all that are not members yet, or one
    status; EXPIRED and AWAITING_REVIEW split at the 30-day mark (ACC-2), ACTIVE are approved self-reports."""
    low, high = subtree_bounds(path)
    cond = [members.c.branch_id.in_(select(orgs.c.id).where(orgs.c.path >= low, orgs.c.path < high))]
    cutoff = self_report.expiry_cutoff(now)
    submitted = members.c.report_submitted_at
    if status is None:
        cond.append(members.c.status != ACTIVE)
    elif status == ACTIVE:
        cond += [members.c.status == ACTIVE, submitted.is_not(None)]
    elif status == self_report.EXPIRED:
        cond += [members.c.status == AWAITING_REVIEW, submitted <= cutoff]
    elif status == AWAITING_REVIEW:
        cond += [members.c.status == AWAITING_REVIEW, submitted > cutoff]
    else:
        cond.append(members.c.status == status)
    return cond


async def self_reports_page(session: AsyncSession, path: str, status: str | None, now: datetime, limit: int,
                            after: tuple[datetime, int] | None, backward: bool = False) -> list[Member]:
    """Oldest submission first, keyset-paged on (report_submitted_at, id); backward: the ones before `after`,
    newest first."""
    cond = _reports_below(path, status, now)
    submitted = members.c.report_submitted_at
    if after is not None:
        cond.append(keyset_beyond(submitted, members.c.id, after, backward))
    order = (submitted.desc(), members.c.id.desc()) if backward else (submitted, members.c.id)
    stmt = select(Member).where(*cond).order_by(*order).limit(limit)
    return list(await session.scalars(stmt))


def keyset_beyond(first: Any, second: Any, key: tuple[Any, Any], backward: bool) -> Any:
    """(first, second) after `key` in ascending order, or before it when `backward`."""
    if backward:
        return or_(first < key[0], and_(first == key[0], second < key[1]))
    return or_(first > key[0], and_(first == key[0], second > key[1]))


async def self_reports_count(session: AsyncSession, path: str, status: str | None, now: datetime) -> int:
    stmt = select(func.count()).select_from(members).where(*_reports_below(path, status, now))
    return await session.scalar(stmt) or 0
