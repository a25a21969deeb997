"""操作中心 (X-2): everything waiting for the viewer, as one connection over the kinds that wait for someone:
transfers (TRF), organization migrations (ORG-10), self-reports (MEM-14), number releases (NUM-4), e-archive
reviews (NUM-6) and unread system messages (to the viewer, or to an org they are admin of); filterable by kind and
time, searchable by name, oldest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import and_, exists, false, func, literal, or_, select, union_all
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import AWAITING_REVIEW
from zhtj.domain.membership.self_report import REPORT_LIFETIME
from zhtj.domain.numbering.model import ARCHIVE_PENDING, RELEASE_PENDING
from zhtj.domain.organization.model import subtree_bounds
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import CHINA
from zhtj.domain.transfers.model import RUNNING
from zhtj.graphql.context import Context
from zhtj.graphql.ids import encode_id
from zhtj.graphql.organization.migration import _awaiting
from zhtj.graphql.relay import Connection, cursor_time, encode_cursor, page_request
from zhtj.infrastructure.tables.schema import (
    member_archives,
    members,
    message_reads,
    number_releases,
    org_migrations,
    organizations,
    system_messages,
    transfers,
)

NAME_MAX = 50


@strawberry.enum(description="待办类型 (X-2): what kind of item waits for you.")
class PendingKind(Enum):
    TRANSFER = strawberry.enum_value("TRANSFER", description="组织关系转接: a step you may take (TRF).")
    MIGRATION = strawberry.enum_value("MIGRATION", description="组织迁移: a migration to approve (ORG-10).")
    SELF_REPORT = strawberry.enum_value("SELF_REPORT", description="团员报到: a self-report to review (MEM-14).")
    NUMBER_RELEASE = strawberry.enum_value("NUMBER_RELEASE", description="释放编号: a release to decide (NUM-4).")
    ARCHIVE_REVIEW = strawberry.enum_value("ARCHIVE_REVIEW", description="电子档案审核: a form or a replacement to "
                                                                         "review (NUM-6).")
    MESSAGE = strawberry.enum_value("MESSAGE", description="系统消息: an unread message to you or to an org you are "
                                                           "admin of (read ones too with `includeRead`); "
                                                           "markMessagesRead reads it.")


_TITLES = {"TRANSFER": "组织关系转接", "MIGRATION": "组织迁移", "SELF_REPORT": "团员报到",
           "NUMBER_RELEASE": "释放编号", "ARCHIVE_REVIEW": "电子档案审核", "MESSAGE": "系统消息"}
_NODES = {"TRANSFER": "Transfer", "MIGRATION": "OrganizationMigration", "SELF_REPORT": "Member",
          "NUMBER_RELEASE": "NumberRelease", "ARCHIVE_REVIEW": "Member", "MESSAGE": "SystemMessage"}


@strawberry.type(name="PendingItem", description="待办事项 (X-2): one item waiting for you.")
class PendingItemType:
    kind: PendingKind = strawberry.field(description="待办类型.")
    at: datetime = strawberry.field(description="时间: since when it waits (the current step's start, the request, "
                                                "the submission or the upload).")
    name: str = strawberry.field(description="名称: the member's name (for a migration, the org's full name).")
    item_id: strawberry.ID = strawberry.field(description="对象 ID: the global id of what waits (a Transfer, an "
                                                          "OrganizationMigration, a NumberRelease, the Member of "
                                                          "a self-report or an e-archive, or a SystemMessage), for "
                                                          "`node(id:)`.")

    @strawberry.field(description="标题: the kind and the name, in Chinese, for a list.")
    def title(self) -> str:
        return f"{_TITLES[self.kind.value]}：{self.name}"

    @strawberry.field(description="对象: what waits, as `node(id: itemId)` answers it.")
    async def item(self, info: Info[Context, Any]) -> relay.Node | None:
        from zhtj.graphql.schema import NODE_TYPES

        gid = relay.GlobalID.from_id(self.item_id)
        found = await NODE_TYPES[gid.type_name].resolve_nodes(info=info, node_ids=[gid.node_id])
        return found[0]  # type: ignore[no-any-return]


def _within(path: Any, paths: tuple[str, ...], *, strictly: bool = False) -> Any:
    """The path lies at or under one of `paths` (strictly under, when asked)."""
    parts = []
    for low, high in map(subtree_bounds, paths):
        parts.append(and_(path > low, path < high) if strictly else and_(path >= low, path < high))
    return or_(*parts) if parts else false()


def _messages(viewer: Viewer, include_read: bool = False) -> Any:
    """X-2: messages to the viewer and to the orgs they are admin of (not those below: decision 0061), unread by
    them unless asked."""
    s, r = system_messages.c, message_reads.c
    me = viewer.member.id or 0
    orgs = [o.id for o in viewer.admin_of]
    cond = [or_(s.member_id == me, s.org_id.in_(orgs)) if orgs else s.member_id == me]
    if not include_read:
        cond.append(~exists().where(r.message_id == s.id, r.member_id == me))
    return select(literal("MESSAGE").label("kind"), s.id.label("id"), s.created_at.label("at"),
                  s.name.label("name")).where(*cond)


def _sources(viewer: Viewer, now: datetime, include_read: bool = False) -> dict[str, Any]:
    """One select per kind: (kind, id, at, name) of what waits for the viewer; messages only for one who
    administers nothing."""
    if not viewer.admin_paths:
        return {"MESSAGE": _messages(viewer, include_read)}
    paths = viewer.admin_paths
    leading = tuple(o.path for o in viewer.admin_of if o.category == values.LEADING_BODY)
    t, m, o = transfers.c, members.c, organizations.c
    step_org, branch = organizations.alias("step_org"), organizations.alias("branch")
    transfer = (select(literal("TRANSFER").label("kind"), t.id.label("id"), t.step_started_at.label("at"),
                       m.name.label("name"))
                .join_from(transfers, members, m.id == t.member_id)
                .join(step_org, step_org.c.id == t.step_org_id)
                .where(t.status.in_(RUNNING), t.step_started_at >= now - values.TRANSFER_STEP_LIMIT,
                       _within(step_org.c.path, paths)))
    mig = org_migrations.c
    migration = (select(literal("MIGRATION").label("kind"), mig.id.label("id"), mig.requested_at.label("at"),
                        o.full_name.label("name"))
                 .join_from(org_migrations, organizations, o.id == mig.org_id).where(*_awaiting(viewer)))
    report = (select(literal("SELF_REPORT").label("kind"), m.id.label("id"), m.report_submitted_at.label("at"),
                     m.name.label("name"))
              .join_from(members, branch, branch.c.id == m.branch_id)
              .where(m.status == AWAITING_REVIEW, m.report_submitted_at > now - REPORT_LIFETIME,
                     _within(branch.c.path, paths)))
    r = number_releases.c
    owner = organizations.alias("owner")
    release = (select(literal("NUMBER_RELEASE").label("kind"), r.id.label("id"), r.requested_at.label("at"),
                      m.name.label("name"))
               .join_from(number_releases, members, m.id == r.member_id)
               .join(owner, owner.c.id == r.owner_org_id)
               .where(r.status == RELEASE_PENDING, _within(owner.c.path, paths)))
    a = member_archives.c
    archive_branch = organizations.alias("archive_branch")
    waiting = or_(and_(a.status == ARCHIVE_PENDING, a.replacement_name.is_(None),
                       _within(archive_branch.c.path, paths, strictly=True)),
                  and_(a.replacement_name.is_not(None), _within(archive_branch.c.path, leading, strictly=True)))
    archive = (select(literal("ARCHIVE_REVIEW").label("kind"), m.id.label("id"),
                      func.coalesce(a.replacement_at, a.uploaded_at).label("at"), m.name.label("name"))
               .join_from(member_archives, members, m.id == a.member_id)
               .join(archive_branch, archive_branch.c.id == m.branch_id).where(waiting))
    return {"TRANSFER": transfer, "MIGRATION": migration, "SELF_REPORT": report, "NUMBER_RELEASE": release,
            "ARCHIVE_REVIEW": archive, "MESSAGE": _messages(viewer, include_read)}


async def pending_counts(session: Any, viewer: Viewer, now: datetime) -> dict[str, int]:
    """How many items of each kind wait for the viewer: the operation center's own selects, counted (the
    pendingWork subscription reads these, so a badge and the list never disagree)."""
    kinds = [k.value for k in PendingKind]
    if viewer.is_restricted:
        return dict.fromkeys(kinds, 0)
    union = union_all(*_sources(viewer, now).values()).subquery("pending")
    found = dict((await session.execute(select(union.c.kind, func.count()).group_by(union.c.kind))).all())
    return {kind: int(found.get(kind, 0)) for kind in kinds}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA)


@strawberry.type
class OperationCenterQuery:
    @strawberry.field(description="操作中心 (X-2): everything waiting for you to act on, oldest first: transfers, "
                                  "migrations, self-reports, number releases, e-archive reviews, and unread system "
                                  "messages. `kind` keeps one kind; `since`/`until` are days in China (inclusive); "
                                  "`text` finds a name.")
    async def operation_center(self, info: Info[Context, Any],
                               kind: Annotated[PendingKind | None, strawberry.argument(
                                   description="待办类型: only this kind.")] = None,
                               since: Annotated[date | None, strawberry.argument(
                                   description="起始日期: waiting since this day (China) or later.")] = None,
                               until: Annotated[date | None, strawberry.argument(
                                   description="截止日期: waiting since this day (China) or earlier.")] = None,
                               text: Annotated[str | None, strawberry.argument(
                                   description="姓名搜索: part of the member's name (an org's, for a migration).")
                               ] = None,
                               include_read: Annotated[bool | None, strawberry.argument(
                                   description="含已读消息: system messages you have read too.")] = False,
                               first: int | None = None, after: str | None = None, last: int | None = None,
                               before: str | None = None) -> Connection[PendingItemType]:
        ctx = info.context
        viewer = ctx.require_viewer()
        page = page_request(first, after, last, before, str, str, int)
        sources = _sources(viewer, ctx.clock.now(), bool(include_read))
        if viewer.is_restricted or (kind is not None and kind.value not in sources):
            return Connection.empty(page)
        chosen = [sources[kind.value]] if kind else list(sources.values())
        union = union_all(*chosen).subquery("pending")
        u = union.c
        cond = []
        if since is not None:
            cond.append(u.at >= _day_start(since))
        if until is not None:
            cond.append(u.at < _day_start(until + timedelta(days=1)))
        words = (text or "").strip()[:NAME_MAX]
        if words:
            cond.append(u.name.contains(words, autoescape=True))
        beyond = list(cond)
        if page.key is not None:
            at = cursor_time(page.key[0], "before" if page.backward else "after")
            kind_key, item = page.key[1], page.key[2]
            if page.backward:
                beyond.append(or_(u.at < at, and_(u.at == at, or_(u.kind < kind_key,
                                                                  and_(u.kind == kind_key, u.id < item)))))
            else:
                beyond.append(or_(u.at > at, and_(u.at == at, or_(u.kind > kind_key,
                                                                  and_(u.kind == kind_key, u.id > item)))))
        order = (u.at.desc(), u.kind.desc(), u.id.desc()) if page.backward else (u.at, u.kind, u.id)
        async with ctx.read() as session:
            rows = (await session.execute(select(u.kind, u.id, u.at, u.name).where(*beyond).order_by(*order)
                                          .limit(page.size + 1))).all()

        async def count() -> int:
            async with ctx.read() as session:
                return await session.scalar(select(func.count()).select_from(union).where(*cond)) or 0

        def node(row: Any) -> PendingItemType:
            return PendingItemType(kind=PendingKind(row.kind), at=_aware(row.at), name=row.name,
                                   item_id=strawberry.ID(encode_id(_NODES[row.kind], row.id)))

        return Connection.build(rows, page, cursor_of=lambda r: encode_cursor(_aware(r.at).isoformat(), r.kind, r.id),
                                node_of=node, count=count)


def _aware(at: datetime) -> datetime:
    """A union's column comes back as stored: naive UTC on SQLite."""
    from datetime import UTC

    return at if at.tzinfo else at.replace(tzinfo=UTC)
