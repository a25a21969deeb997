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
from sqlalchemy import func, select
from strawberry.types import Info

from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import AWAITING_REVIEW
from zhtj.domain.numbering.model import RELEASE_PENDING
from zhtj.domain.organization.model import is_within
from zhtj.domain.shared.errors import AccessDenied
from zhtj.graphql.context import Context
from zhtj.graphql.organization.loaders import self_reports_count
from zhtj.infrastructure.tables.schema import number_releases

TICK_SECONDS = 10.0  # how often a stream looks again; a multi-process service has no cheaper signal
ENDED_MESSAGE = "登录已失效，请重新登录后再订阅"


@strawberry.type(description="待办: what waits for the viewer's decision in the orgs they administer.")
class PendingWork:
    self_reports_to_review: int = strawberry.field(
        description="团员报到 waiting for review (MEM-14, not yet 30 days old) in the branches at or below the "
                    "viewer's orgs.")
    number_releases_to_review: int = strawberry.field(
        description="释放申请 (NUM-4) waiting for a decision of an org the viewer administers.")


def _top_orgs(viewer: Viewer) -> list[Any]:
    """The viewer's orgs without those below another of them (each subtree counted once)."""
    orgs = list(viewer.admin_of)
    return [o for o in orgs if not any(p.id != o.id and is_within(o.path, p.path) for p in orgs)]


async def pending_work(ctx: Context, viewer: Viewer) -> PendingWork:
    db, now = ctx.services.db, ctx.clock.now()
    async with db.read_sessions() as session:
        reports = 0
        for org in _top_orgs(viewer):
            reports += await self_reports_count(session, org.path, AWAITING_REVIEW, now)
        owners = [o.id for o in viewer.admin_of]
        releases = await session.scalar(select(func.count()).select_from(number_releases).where(
            number_releases.c.owner_org_id.in_(owners), number_releases.c.status == RELEASE_PENDING)) if owners else 0
    return PendingWork(self_reports_to_review=reports, number_releases_to_review=releases or 0)


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
