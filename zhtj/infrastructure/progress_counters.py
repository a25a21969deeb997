"""Keeps the X-3 counters current in the same transaction as the change (decision 0026).

After each flush of a write session: the people whose record, posts or application form changed get their
MEM-16 completeness stored again; every org where such a person is a member or holds a post, and every org
that gained or lost a member or a post, is counted again from its own rows (a branch's people, an org's
posts: small, indexed). The repositories' bulk statements call `recount` themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, delete, false, func, inspect, select, true, union
from sqlalchemy.orm import Session

from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.numbering.model import Archive
from zhtj.domain.organization.model import Organization
from zhtj.domain.progress import completeness
from zhtj.domain.shared.values import NO_POSITION
from zhtj.infrastructure.tables.schema import (
    cadre_positions,
    member_archives,
    member_completeness,
    members,
    org_progress,
    organizations,
)

_PENDING = "zhtj_progress_orgs"


def before_flush(session: Session) -> None:
    """People about to be deleted take their branch and posts with them (ON DELETE CASCADE): note those orgs."""
    gone = [m.id for m in session.deleted if isinstance(m, Member) and m.id is not None]
    if gone:
        session.info.setdefault(_PENDING, set()).update(_orgs_of(session.connection(), gone))


def after_flush(session: Session) -> None:
    people: set[int] = set()
    orgs: set[int] = session.info.pop(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Member) and obj.id is not None:
            people.add(obj.id)
            orgs.update(i for i in (obj.branch_id, *_old(obj, "branch_id")) if i is not None)
        elif isinstance(obj, CadrePosition):
            people.update(i for i in (obj.member_id, *_old(obj, "member_id")) if i is not None)
            orgs.update(i for i in (obj.org_id, *_old(obj, "org_id")) if i is not None)
        elif isinstance(obj, Archive):
            people.add(obj.member_id)
        elif isinstance(obj, Organization) and obj.id is not None and obj in session.dirty and _old(obj, "category"):
            orgs.add(obj.id)  # a committee's posts ask for 在岗状态 (MEM-2): its cadres are judged again
            people.update(_posted(session.connection(), obj.id))
    if people or orgs:
        recount(session.connection(), people, orgs)


def _old(obj: object, name: str) -> list[Any]:
    return list(inspect(obj).attrs[name].history.deleted or ())


def _posted(conn: Connection, org_id: int) -> list[int]:
    return list(conn.scalars(select(cadre_positions.c.member_id).where(cadre_positions.c.org_id == org_id)))


def _orgs_of(conn: Connection, member_ids: Iterable[int]) -> set[int]:
    ids = list(member_ids)
    p, m = cadre_positions.c, members.c
    found = set(conn.scalars(select(p.org_id).where(p.member_id.in_(ids))))
    found.update(i for i in conn.scalars(select(m.branch_id).where(m.id.in_(ids))) if i is not None)
    return found


def recount(conn: Connection, member_ids: Iterable[int], org_ids: Iterable[int]) -> None:
    """Stores the completeness of these people, then counts these orgs and every org they belong to again."""
    people = sorted(set(member_ids))
    orgs = set(org_ids)
    if people:
        _store_completeness(conn, people)
        orgs |= _orgs_of(conn, people)
    if orgs:
        _count_orgs(conn, sorted(orgs))


def _stored(table: Table) -> list[Column[Any]]:
    """The table's columns but the province key: migration 0008 rebuilds the counters before 0012 adds it."""
    return [c for c in table.c if c.name != "province_id"]


def _store_completeness(conn: Connection, ids: list[int]) -> None:
    m, p, o = members.c, cadre_positions.c, organizations.c
    rows = conn.execute(select(*_stored(members)).where(m.id.in_(ids))).all()
    posts: dict[int, list[tuple[Any, str | None]]] = {}
    held = (select(*_stored(cadre_positions), o.category)
            .select_from(cadre_positions.join(organizations, o.id == p.org_id))
            .where(p.member_id.in_(ids), p.position != NO_POSITION).order_by(p.id))
    for row in conn.execute(held):
        posts.setdefault(row.member_id, []).append((row, row.category))
    archived = set(conn.scalars(select(member_archives.c.member_id).where(member_archives.c.member_id.in_(ids))))
    conn.execute(delete(member_completeness).where(member_completeness.c.member_id.in_(ids)))
    values = [{"member_id": r.id, "complete": not completeness.missing(r, posts.get(r.id, []), r.id in archived)}
              for r in rows]
    if values:
        conn.execute(member_completeness.insert(), values)


def _count_orgs(conn: Connection, ids: list[int]) -> None:
    m, p, c = members.c, cadre_positions.c, member_completeness.c
    # The counted orgs are locked in id order first (PostgreSQL; SQLite's writers take turns already): two entries
    # into one branch recount it one after the other, the second seeing the first's committed rows, instead of
    # both replacing its counts row at once (X-3). FOR NO KEY UPDATE: the entries' own foreign keys hold KEY SHARE
    # locks on the branch, which it leaves alone (FOR UPDATE would deadlock with them).
    existing = set(conn.scalars(select(organizations.c.id).where(organizations.c.id.in_(ids))
                                .order_by(organizations.c.id).with_for_update(key_share=True)))
    counts: dict[int, dict[str, int]] = {i: {"members": 0, "members_complete": 0, "people_complete": 0, "cadres": 0,
                                             "cadres_complete": 0} for i in existing}
    done = func.coalesce(c.complete, false()) == true()
    in_branch = (select(m.branch_id, func.count(), func.sum(_one_if(done)))
                 .select_from(members.outerjoin(member_completeness, c.member_id == m.id))
                 .where(m.branch_id.in_(ids), m.status == ACTIVE).group_by(m.branch_id))
    for org_id, n, complete in conn.execute(in_branch):
        counts[org_id].update(members=n, members_complete=int(complete or 0))
    posted = (select(p.org_id, func.count(), func.sum(_one_if(done)))
              .select_from(cadre_positions.outerjoin(member_completeness, c.member_id == p.member_id))
              .where(p.org_id.in_(ids), p.position != NO_POSITION).group_by(p.org_id))
    for org_id, n, complete in conn.execute(posted):
        counts[org_id].update(cadres=n, cadres_complete=int(complete or 0))
    people = union(
        select(m.branch_id.label("org_id"), m.id.label("member_id")).where(m.branch_id.in_(ids), m.status == ACTIVE),
        select(p.org_id, p.member_id).where(p.org_id.in_(ids), p.position != NO_POSITION)).subquery()
    complete_people = (select(people.c.org_id, func.count())
                       .select_from(people.join(member_completeness, and_(c.member_id == people.c.member_id,
                                                                          c.complete == true())))
                       .group_by(people.c.org_id))
    for org_id, n in conn.execute(complete_people):
        counts[org_id]["people_complete"] = n
    conn.execute(delete(org_progress).where(org_progress.c.org_id.in_(ids)))
    if counts:
        conn.execute(org_progress.insert(), [{"org_id": i, **v} for i, v in counts.items()])


def _one_if(condition: Any) -> Any:
    from sqlalchemy import case

    return case((condition, 1), else_=0)


def rebuild(conn: Connection) -> None:
    """Every person's completeness and every org's counts from the tables (the migration that adds them)."""
    conn.execute(delete(org_progress))
    conn.execute(delete(member_completeness))
    for table in (members, organizations):
        last = 0
        while True:
            ids = list(conn.scalars(select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(2000)))
            if not ids:
                break
            if table is members:
                _store_completeness(conn, ids)
            else:
                _count_orgs(conn, ids)
            last = ids[-1]
