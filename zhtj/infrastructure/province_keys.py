"""Keeps the province key of the large tables current in the same transaction as the change (decision 0078).

Every row of `members`, `cadre_positions`, `org_admins`, `number_segments`, `number_releases` carries the
province of its org (a person's branch, a post's, an admin's, a segment's owner); `member_archives` and
`transfers` carry their person's; an audit line carries its subject's at the time it was written (the log is
append-only). The key is `organization.model.province_key` of the org's path.

The write sessions call `before_flush` (it sets the key on new rows and on people whose branch changed, so the
flush writes it) and `after_flush` (the person's archive and transfers follow). The repositories' bulk
statements call `subtree_moved` (ORG-10 across provinces) and `members_moved` themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, inspect, select, update
from sqlalchemy.orm import Session

from zhtj.domain.identity.model import AuditEntry, OrgAdmin
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.numbering.model import Archive, NumberRelease, Segment
from zhtj.domain.organization.model import Organization, province_key, subtree_bounds
from zhtj.domain.transfers.model import Transfer
from zhtj.infrastructure.tables.schema import (
    cadre_positions,
    member_archives,
    members,
    number_releases,
    number_segments,
    org_admins,
    organizations,
    transfers,
)

# rows keyed by an org of theirs: (class, table, the org's attribute and column)
_KEYED_BY_ORG = ((Member, members, "branch_id"), (CadrePosition, cadre_positions, "org_id"),
                 (OrgAdmin, org_admins, "org_id"), (Segment, number_segments, "org_id"),
                 (NumberRelease, number_releases, "owner_org_id"))
# rows keyed by their person's key: (class, table)
_KEYED_BY_MEMBER = ((Archive, member_archives), (Transfer, transfers))
BY_ORG = tuple((cls, name) for cls, _, name in _KEYED_BY_ORG)
BY_ORG_TABLES = tuple((table, table.c[name]) for _, table, name in _KEYED_BY_ORG)
BY_MEMBER = tuple(cls for cls, _ in _KEYED_BY_MEMBER)
FOLLOWERS = tuple(table for _, table in _KEYED_BY_MEMBER)

_SUBJECT = re.compile(r"^(Member|Organization):(\d+)$")
_MOVED = "province_keys.moved"  # session.info: ids of people whose key changed in the flush under way


def before_flush(session: Session) -> None:
    """Sets `province_id` on every new keyed row, and on the people and posts whose org changed."""
    by_org: list[tuple[object, int | None]] = []
    by_member: list[tuple[object, int | None]] = []
    for obj in session.new:
        for cls, name in BY_ORG:
            if isinstance(obj, cls):
                by_org.append((obj, getattr(obj, name)))
        if isinstance(obj, BY_MEMBER):
            by_member.append((obj, obj.member_id))
        elif isinstance(obj, AuditEntry):
            subject = _SUBJECT.match(obj.subject)
            if subject and subject[1] == "Organization":
                by_org.append((obj, int(subject[2])))
            elif subject:
                by_member.append((obj, int(subject[2])))
    moved: list[Member] = []
    for obj in session.dirty:
        if isinstance(obj, Member | CadrePosition):
            name = "branch_id" if isinstance(obj, Member) else "org_id"
            if inspect(obj).attrs[name].history.has_changes():
                by_org.append((obj, getattr(obj, name)))
                if isinstance(obj, Member):
                    moved.append(obj)
    if not by_org and not by_member:
        return
    paths = _paths(session, {org_id for _, org_id in by_org if org_id is not None})
    for obj, org_id in by_org:
        if org_id is not None:  # a person without a branch keeps the key of their last one
            obj.province_id = province_key(paths.get(org_id))  # type: ignore[attr-defined]
    for obj, member_id in by_member:
        obj.province_id = _member_key(session, member_id)  # type: ignore[attr-defined]
    if moved:
        session.info.setdefault(_MOVED, set()).update(m.id for m in moved if m.id is not None)


def after_flush(session: Session) -> None:
    """The archive and the transfers of a person whose branch changed take the person's new key."""
    moved = session.info.pop(_MOVED, None)
    if moved:
        follow(session.connection(), moved)


def _paths(session: Session, org_ids: set[int]) -> dict[int, str]:
    """Paths of these orgs: the session's own objects first, one statement for the rest."""
    found: dict[int, str] = {}
    for org_id in org_ids:
        org = session.identity_map.get(session.identity_key(Organization, org_id))  # type: ignore[call-overload]
        if org is not None and "path" in inspect(org).dict and org.path:
            found[org_id] = org.path
    missing = sorted(org_ids - found.keys())
    if missing:
        o = organizations.c
        stmt = select(o.id, o.path).where(o.id.in_(missing))
        found.update((i, p) for i, p in session.connection().execute(stmt))
    return found


def _member_key(session: Session, member_id: int | None) -> Any:
    """A person's key: from the session's own object (its key already set above), else read by the INSERT itself
    (a subquery in its VALUES: no round trip more for an audit line of a read)."""
    if member_id is None:
        return None
    member = session.identity_map.get(session.identity_key(Member, member_id))  # type: ignore[call-overload]
    if member is not None and "province_id" in inspect(member).dict:
        return member.province_id
    return select(members.c.province_id).where(members.c.id == member_id).scalar_subquery()


def follow(conn: Connection, member_ids: Iterable[int]) -> None:
    """These people's archive and transfers take their key (after a move of their branch)."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    m = members.c
    for table in FOLLOWERS:
        key = select(m.province_id).where(m.id == table.c.member_id).scalar_subquery()
        for start in range(0, len(ids), 500):
            conn.execute(update(table).where(table.c.member_id.in_(ids[start:start + 500])).values(province_id=key))


def subtree_moved(conn: Connection, old_path: str, new_path: str) -> None:
    """ORG-10: a subtree moved from old_path to new_path. Across provinces (the root's admins only) every row
    at its orgs and of its people takes the new province's key; audit lines keep the key they were written with."""
    key = province_key(new_path)
    if key == province_key(old_path):
        return
    low, high = subtree_bounds(new_path)
    o = organizations.c
    inside = select(o.id).where(o.path >= low, o.path < high)
    for table, column in BY_ORG_TABLES:
        conn.execute(update(table).where(column.in_(inside)).values(province_id=key))
    people = select(members.c.id).where(members.c.branch_id.in_(inside))
    for table in FOLLOWERS:
        conn.execute(update(table).where(table.c.member_id.in_(people)).values(province_id=key))


def members_moved(conn: Connection, member_ids: Iterable[int], branch_id: int) -> None:
    """These people now belong to this branch (a bulk statement moved them): they and their followers take its key."""
    path = conn.scalar(select(organizations.c.path).where(organizations.c.id == branch_id))
    conn.execute(update(members).where(members.c.branch_id == branch_id).values(province_id=province_key(path)))
    follow(conn, member_ids)


def expire(session: Session) -> None:
    """A bulk statement changed keys behind the session's back: its loaded objects read them again when asked."""
    keyed = tuple(cls for cls, _ in BY_ORG) + BY_MEMBER
    for obj in list(session.identity_map.values()):
        if isinstance(obj, keyed):
            session.expire(obj, ["province_id"])


def mismatches(conn: Connection) -> list[tuple[str, Any, Any, Any]]:
    """Rows whose key is not what their org or person gives (a repair's check; the tests' invariant):
    (table, a row's key columns, its key, the key it should have)."""
    o, m = organizations.c, members.c
    out: list[tuple[str, Any, Any, Any]] = []
    for table, column in BY_ORG_TABLES:
        pk = list(table.primary_key.columns)
        stmt = (select(*pk, table.c.province_id, o.path).select_from(table.join(organizations, o.id == column)))
        for *ident, have, path in conn.execute(stmt):
            if have != province_key(path):
                out.append((table.name, tuple(ident), have, province_key(path)))
    for table in FOLLOWERS:
        stmt = (select(table.c.id, table.c.province_id, m.province_id)
                .select_from(table.join(members, m.id == table.c.member_id)))
        for ident, have, should in conn.execute(stmt):
            if have != should:
                out.append((table.name, (ident,), have, should))
    return out

