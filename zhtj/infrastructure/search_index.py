"""Keeps the X-1 search index current in the same transaction as the change (decision 0025).

Every write session is an `IndexingSession`: after each flush it re-indexes the people and orgs whose name,
branch, status or posts changed in that flush, through the same connection, so the index commits or rolls back
with the change. The repositories' bulk statements (a subtree moved, a branch emptied, an org's posts deleted)
call `move_paths` and `reindex_members` themselves. Deleted people and orgs leave by ON DELETE CASCADE."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, event, func, inspect, literal, select, update
from sqlalchemy.orm import Session

from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.organization.model import Organization, subtree_bounds
from zhtj.domain.search import terms
from zhtj.domain.shared.values import NO_POSITION
from zhtj.infrastructure import progress_counters, province_keys
from zhtj.infrastructure.tables.schema import cadre_positions, member_search, members, org_search, organizations

_MEMBER_FIELDS = ("name", "branch_id", "status")
_POSITION_FIELDS = ("org_id", "position", "member_id")
_ORG_FIELDS = ("full_name", "path")


class IndexingSession(Session):
    """The write sessions' class: the flush hooks below (the search index, the X-3 counters of
    progress_counters.py and the province key of province_keys.py) are listened for on it once."""


@event.listens_for(IndexingSession, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    progress_counters.before_flush(session)
    province_keys.before_flush(session)


def _changed(obj: object, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(IndexingSession, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    member_ids: set[int] = set()
    org_ids: set[int] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Member) and obj.id is not None and (obj in session.new or _changed(obj, _MEMBER_FIELDS)):
            member_ids.add(obj.id)
        elif isinstance(obj, CadrePosition) and (obj in session.new or _changed(obj, _POSITION_FIELDS)):
            member_ids.add(obj.member_id)
            old = inspect(obj).attrs.member_id.history.deleted
            member_ids.update(i for i in old if i is not None)
        elif isinstance(obj, Organization) and obj.id is not None and (
                obj in session.new or _changed(obj, _ORG_FIELDS)):
            org_ids.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, CadrePosition):
            member_ids.add(obj.member_id)
    conn = session.connection()
    if member_ids:
        reindex_members(conn, member_ids)
    if org_ids:
        reindex_orgs(conn, org_ids)
    progress_counters.after_flush(session)
    province_keys.after_flush(session)


def after_bulk(conn: Connection, member_ids: Iterable[int], org_ids: Iterable[int]) -> None:
    """A bulk statement changed these people's branch or posts, and these orgs' people or posts."""
    ids = list(member_ids)
    reindex_members(conn, ids)
    progress_counters.recount(conn, ids, org_ids)


def reindex_members(conn: Connection, member_ids: Iterable[int]) -> None:
    """A person is found by name at their branch (once a member, MEM-14) and at every org of a post they hold."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    conn.execute(delete(member_search).where(member_search.c.member_id.in_(ids)))
    m, o, p = members.c, organizations.c, cadre_positions.c
    names: dict[int, str] = {}
    paths: dict[int, set[str]] = {}
    home = select(m.id, m.name, m.status, o.path).select_from(members.outerjoin(organizations, o.id == m.branch_id))
    for member_id, name, status, path in conn.execute(home.where(m.id.in_(ids))):
        names[member_id] = name
        paths[member_id] = {path} if path and status == ACTIVE else set()
    posts = (select(p.member_id, o.path).select_from(cadre_positions.join(organizations, o.id == p.org_id))
             .where(p.member_id.in_(ids), p.position != NO_POSITION))
    for member_id, path in conn.execute(posts):
        if member_id in paths and path:
            paths[member_id].add(path)
    rows = [{"term": term, "path": path, "member_id": member_id}
            for member_id, name in names.items() for path in paths[member_id] for term in terms.name_terms(name)]
    if rows:
        conn.execute(member_search.insert(), rows)


def reindex_orgs(conn: Connection, org_ids: Iterable[int]) -> None:
    ids = sorted(set(org_ids))
    conn.execute(delete(org_search).where(org_search.c.org_id.in_(ids)))
    o = organizations.c
    rows = [{"term": term, "path": path, "org_id": org_id}
            for org_id, full_name, path in conn.execute(select(o.id, o.full_name, o.path).where(o.id.in_(ids)))
            if path for term in terms.org_terms(full_name)]
    if rows:
        conn.execute(org_search.insert(), rows)


def move_paths(conn: Connection, old_path: str, new_path: str) -> None:
    """A subtree moved (ORG-10): its index rows take the new path prefix, in the same statement's transaction."""
    low, high = subtree_bounds(old_path)
    for table in (member_search, org_search):
        conn.execute(
            update(table).where(table.c.path >= low, table.c.path < high)
            .values(path=literal(new_path) + func.substr(table.c.path, len(old_path) + 1)))


def member_ids_where(conn: Connection, *condition: Any) -> list[int]:
    return list(conn.scalars(select(members.c.id).where(*condition)))


def posted_member_ids(conn: Connection, org_id: int) -> list[int]:
    return list(conn.scalars(select(cadre_positions.c.member_id).where(cadre_positions.c.org_id == org_id)))


def rebuild(conn: Connection) -> None:
    """The whole index from the tables (the migration that adds it; a repair)."""
    conn.execute(delete(member_search))
    conn.execute(delete(org_search))
    batch = 2000
    last = 0
    while True:
        ids = list(conn.scalars(select(members.c.id).where(members.c.id > last).order_by(members.c.id).limit(batch)))
        if not ids:
            break
        reindex_members(conn, ids)
        last = ids[-1]
    last = 0
    while True:
        ids = list(conn.scalars(select(organizations.c.id).where(organizations.c.id > last)
                                .order_by(organizations.c.id).limit(batch)))
        if not ids:
            break
        reindex_orgs(conn, ids)
        last = ids[-1]
