"""Subscriptions over graphql-transport-ws on /graphql (decision 0044).

A socket authenticates once, in `connection_init`'s payload (`{"token": "…"}` or `{"Authorization": "Bearer …"}`:
a browser cannot set headers on a WebSocket); without a live token the socket closes with 4403. Each tick asks the
token again, so a logout, a password change or a removed admin right ends the stream within a tick and the
viewer cache's few seconds. Counts are read in a session of their own per tick, never the connection's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.identity.services import Viewer
from zhtj.domain.shared.errors import AccessDenied
from zhtj.graphql.context import Context
from zhtj.graphql.membership.imports import ImportJob, ImportStatus, own_job
from zhtj.graphql.transfers.operation_center import pending_counts

TICK_SECONDS = 10.0  # how often a stream looks again; a multi-process service has no cheaper signal
ENDED_MESSAGE = "登录已失效，请重新登录后再订阅"


@strawberry.type(description="待办: what waits for the viewer's decision in the orgs they administer, and their "
                             "unread system messages, counted as the operation center (X-2) lists them.")
class PendingWork:
    self_reports_to_review: int = strawberry.field(
        description="团员报到 waiting for review (MEM-14, not yet 30 days old) in the branches at or below the "
                    "viewer's orgs.")
    number_releases_to_review: int = strawberry.field(
        description="释放申请 (NUM-4) of segments owned at or below the viewer's orgs, waiting for a decision.")
    transfers_to_act_on: int = strawberry.field(
        description="组织关系转接 whose current step the viewer may take (TRF-1..6, not past 10 days).")
    migrations_to_review: int = strawberry.field(description="组织迁移 (ORG-10) waiting at the viewer's step.")
    archives_to_review: int = strawberry.field(description="电子档案 (NUM-6) and replacements waiting for review.")
    unread_messages: int = strawberry.field(
        description="未读系统消息 (X-2): to the viewer, or to an org they are admin of.")
    total: int = strawberry.field(description="待办总数: all of them, operationCenter's totalCount.")


async def pending_work(ctx: Context, viewer: Viewer) -> PendingWork:
    async with ctx.services.db.read_sessions() as session:
        counts = await pending_counts(session, viewer, ctx.clock.now())
    return PendingWork(self_reports_to_review=counts["SELF_REPORT"],
                       number_releases_to_review=counts["NUMBER_RELEASE"], transfers_to_act_on=counts["TRANSFER"],
                       migrations_to_review=counts["MIGRATION"], archives_to_review=counts["ARCHIVE_REVIEW"],
                       unread_messages=counts["MESSAGE"], total=sum(counts.values()))


async def _still_signed_in(ctx: Context) -> Viewer:
    viewers = ctx.services.viewers
    viewer = await viewers.viewer(ctx.token) if viewers is not None and ctx.token else None
    if viewer is None or viewer.is_restricted:
        raise AccessDenied("UNAUTHENTICATED", ENDED_MESSAGE)
    return viewer


@strawberry.type
class Subscription:
    @strawberry.subscription(description="待办数: the viewer's PendingWork at once, then again whenever a count "
                                         "changes (looked at every few seconds). Over graphql-transport-ws on "
                                         "/graphql, the token in connection_init's payload; the stream ends with "
                                         "UNAUTHENTICATED once the token does.")
    async def pending_work(self, info: Info[Context, Any]) -> AsyncGenerator[PendingWork, None]:
        ctx = info.context
        ctx.require_viewer()
        last: PendingWork | None = None
        while True:
            viewer = await _still_signed_in(ctx)
            now = await pending_work(ctx, viewer)
            if now != last:
                last = now
                yield now
            await asyncio.sleep(TICK_SECONDS)

    @strawberry.subscription(description="导入进度 (X-4): an import job of yours as it runs, sent at once and again "
                                         "whenever rowsDone or the status changes, ending once it is DONE or FAILED; "
                                         "a single null for anyone else's job or an unknown id.")
    async def import_job(self, info: Info[Context, Any], id: strawberry.ID) -> AsyncGenerator[ImportJob | None, None]:
        ctx = info.context
        ctx.require_viewer()
        last = None
        while True:
            job = await own_job(ctx, await _still_signed_in(ctx), id)
            if job is None:
                yield None
                return
            if (job.status, job.rows_done) != last:
                last = (job.status, job.rows_done)
                yield job
            if job.status != ImportStatus.RUNNING:
                return
            await asyncio.sleep(TICK_SECONDS)
