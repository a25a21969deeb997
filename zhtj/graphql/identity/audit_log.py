"""auditLog: who did what, read by leading-body admins for their subtree (ACC-3, ACC-4; issue 12).

The table is append-only: the code has no update or delete of it, and the database refuses both (triggers of
migration 0010). An entry is in a viewer's subtree when its subject (an org or a person) or its actor is: an org
under one of the viewer's leading bodies, a person whose branch or a post is there. 团中央's admins see all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import String, and_, cast, func, literal, or_, select, union
from strawberry.types import Info

from zhtj.domain.identity.model import AuditEntry
from zhtj.domain.identity.scope import is_root_admin
from zhtj.domain.identity.services import Viewer
from zhtj.domain.organization.model import LEADING_BODY, subtree_bounds
from zhtj.domain.shared.errors import AccessDenied
from zhtj.domain.shared.values import NO_POSITION
from zhtj.graphql.context import Context
from zhtj.graphql.ids import decode_id, encode_id, parse_pk
from zhtj.graphql.relay import Connection, encode_cursor, page_request
from zhtj.infrastructure.tables.schema import audit_log, cadre_positions, members, organizations

if TYPE_CHECKING:
    from zhtj.graphql.membership.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("zhtj.graphql.membership.types")]
LEADING_BODIES_ONLY = "仅团的领导机关的管理员可查看审计日志"


@strawberry.type(name="AuditEntry", description="审计记录: one mutation or full read, as written; never changed.")
class AuditEntryType:
    id: strawberry.ID = strawberry.field(description="编号: the entry's global id.")
    at: datetime = strawberry.field(description="时间 (UTC).")
    action: str = strawberry.field(description="操作: the mutation or read, e.g. `enterMember`, `readIdNumber`.")
    subject_id: strawberry.ID | None = strawberry.field(
        description="对象: the global id of the org or person acted on (it may no longer exist).")
    detail: str = strawberry.field(description="说明: what the entry adds (an expiry, a request id, a reason).")
    _actor_id: strawberry.Private[int | None]

    @strawberry.field(description="操作人: null if no one logged in, or the person is not there for you (ACC-4).")
    async def actor(self, info: Info[Context, Any]) -> MemberRef | None:
        from zhtj.graphql.membership.types import MemberType

        if self._actor_id is None:
            return None
        return (await MemberType.resolve_nodes(info=info, node_ids=[str(self._actor_id)]))[0]

    @classmethod
    def from_domain(cls, entry: AuditEntry) -> AuditEntryType:
        kind, _, pk = entry.subject.partition(":")
        subject = encode_id(kind, int(pk)) if kind in ("Organization", "Member") and parse_pk(pk) else None
        return cls(id=strawberry.ID(encode_id("AuditEntry", entry.id or 0)), at=entry.at, action=entry.action,
                   subject_id=strawberry.ID(subject) if subject else None, detail=entry.detail,
                   _actor_id=entry.actor_member_id)


@strawberry.input(description="审计记录筛选: every field given narrows the list.")
class AuditLogFilter:
    action: str | None = strawberry.field(default=None, description="操作, exactly: `resetPassword`.")
    actor_id: strawberry.ID | None = strawberry.field(default=None, description="操作人: a Member's id.")
    subject_id: strawberry.ID | None = strawberry.field(default=None,
                                                        description="对象: an Organization's or Member's id.")
    since: datetime | None = strawberry.field(default=None, description="起始时间: from this moment on.")
    until: datetime | None = strawberry.field(default=None, description="截止时间: before this moment.")


def _scope(viewer: Viewer) -> list[Any]:
    """The entries in the subtrees of the viewer's leading bodies (nothing for 团中央's admins: all of it)."""
    if is_root_admin(viewer):
        return []
    orgs = organizations.c
    ranges = [subtree_bounds(o.path) for o in viewer.admin_of if o.category == LEADING_BODY]
    org_ids = select(orgs.id).where(or_(*(and_(orgs.path >= low, orgs.path < high) for low, high in ranges)))
    people = union(select(members.c.id).where(members.c.branch_id.in_(org_ids)),
                   select(cadre_positions.c.member_id).where(cadre_positions.c.org_id.in_(org_ids),
                                                             cadre_positions.c.position != NO_POSITION))
    person_ids = select(people.subquery().c[0])
    entry = audit_log.c
    return [or_(entry.subject.in_(select(literal("Organization:") + cast(orgs.id, String)).where(orgs.id.in_(org_ids))),
                entry.subject.in_(select(literal("Member:") + cast(person_ids.subquery().c[0], String))),
                entry.actor_member_id.in_(person_ids))]


def _filtered(given: AuditLogFilter | None) -> list[Any] | None:
    """The filter's conditions; None when an id in it names nothing (then nothing matches)."""
    if given is None:
        return []
    entry, cond = audit_log.c, []
    if given.action:
        cond.append(entry.action == given.action)
    if given.actor_id is not None:
        actor = decode_id(given.actor_id, "Member")
        if actor is None:
            return None
        cond.append(entry.actor_member_id == actor)
    if given.subject_id is not None:
        pk = decode_id(given.subject_id, "Member")
        kind = "Member"
        if pk is None:
            pk, kind = decode_id(given.subject_id, "Organization"), "Organization"
        if pk is None:
            return None
        cond.append(entry.subject == f"{kind}:{pk}")
    if given.since is not None:
        cond.append(entry.at >= _aware(given.since))
    if given.until is not None:
        cond.append(entry.at < _aware(given.until))
    return cond


def _aware(at: datetime) -> datetime:
    """A time without an offset is read as UTC, the time the entries are written in."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@strawberry.type
class AuditLogQuery:
    @strawberry.field(description="审计日志 of your subtree, newest first: for admins of a leading body (团的领导机关) "
                                  "only; anyone else gets FORBIDDEN. Entries are never changed or deleted.")
    async def audit_log(self, info: Info[Context, Any], filter: AuditLogFilter | None = None,
                        first: int | None = None, after: str | None = None, last: int | None = None,
                        before: str | None = None) -> Connection[AuditEntryType]:
        ctx = info.context
        viewer = ctx.require_viewer()
        if viewer.is_restricted or not any(o.category == LEADING_BODY for o in viewer.admin_of):
            raise AccessDenied("FORBIDDEN", LEADING_BODIES_ONLY)
        page = page_request(first, after, last, before, int)
        narrowed = _filtered(filter)
        if narrowed is None:
            return Connection.empty(page)
        cond = _scope(viewer) + narrowed
        entry_id = audit_log.c.id
        beyond = [entry_id > page.key[0] if page.backward else entry_id < page.key[0]] if page.key else []
        order = entry_id.asc() if page.backward else entry_id.desc()  # newest first
        async with ctx.read() as session:
            rows = list(await session.scalars(
                select(AuditEntry).where(*cond, *beyond).order_by(order).limit(page.size + 1)))

        async def count() -> int:
            async with ctx.read() as session:
                return await session.scalar(select(func.count()).select_from(audit_log).where(*cond)) or 0

        return Connection.build(rows, page, cursor_of=lambda e: encode_cursor(e.id),
                                node_of=AuditEntryType.from_domain, count=count)
