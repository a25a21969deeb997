"""transferTargets (TRF-3, TRF-8): the committees and branches a transfer may go to, found by part of the full
name, within a provincial-level org or a national system (全国铁道, 全国民航, …) when one is named. Any member or
admin may ask (decision 0023): a target lies outside the asker's scope by nature, and only names are shown."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from zhtj.domain.organization.model import Organization, subtree_bounds
from zhtj.domain.transfers.rules import TARGET_CATEGORIES
from zhtj.graphql.context import Context
from zhtj.graphql.ids import encode_id
from zhtj.graphql.relay import BadPageRequest
from zhtj.infrastructure.tables.schema import organizations

MIN_TEXT, MAX_TEXT, MAX_FIRST = 2, 50, 50


@strawberry.type(description="转入组织候选 (TRF-3, TRF-8): a committee or branch a transfer may go to; names only.")
class TransferTarget:
    organization_id: strawberry.ID = strawberry.field(description="组织 ID: the value startTransfer takes as "
                                                                  "`targetOrgId`.")
    full_name: str = strawberry.field(description="组织全称.")
    category: str = strawberry.field(description="组织类别: 团委, 团工委, 团总支 or 团支部.")
    system: str | None = strawberry.field(description="所属省级组织或全国性系统: its short name.")
    floating: bool = strawberry.field(description="流动团支部 (TRF-9): where an employed graduate whose employer "
                                                  "has no league org goes, in the workplace's town.")


@strawberry.type
class TransferTargetQuery:
    @strawberry.field(description="转入组织查询 (TRF-3, TRF-8): committees and branches whose full name holds `text` "
                                  "(at least 2 characters), under the provincial-level org or national system named "
                                  "by `system` (its short name, e.g. 全国铁道) if given; at most `first` (≤ 50).")
    async def transfer_targets(self, info: Info[Context, Any],
                               text: Annotated[str, strawberry.argument(description="组织全称的一部分.")],
                               system: Annotated[str | None, strawberry.argument(
                                   description="省级组织或全国性系统的简称 (valueLists.nationalSystems).")] = None,
                               floating: Annotated[bool | None, strawberry.argument(
                                   description="true: only 流动团支部 (TRF-9).")] = None,
                               first: int | None = 20) -> list[TransferTarget]:
        ctx = info.context
        ctx.require_viewer()
        words = (text or "").strip()
        if not MIN_TEXT <= len(words) <= MAX_TEXT:
            raise BadPageRequest(f"text 须为 {MIN_TEXT} 到 {MAX_TEXT} 个字")
        size = 20 if first is None else first
        if not 0 <= size <= MAX_FIRST:
            raise BadPageRequest(f"first 必须在 0 到 {MAX_FIRST} 之间")
        o = organizations.c
        cond = [o.category.in_(TARGET_CATEGORIES), o.full_name.contains(words, autoescape=True)]
        if floating is not None:
            cond.append(o.floating.is_(floating))
        async with ctx.read() as session:
            tops = {t.id: t for t in await session.scalars(select(Organization).where(o.depth == 1))}
            if system:
                chosen = [t for t in tops.values() if t.short_name == system.strip()]
                if not chosen:
                    return []
                low, high = subtree_bounds(chosen[0].path)
                cond += [o.path >= low, o.path < high]
            found = list(await session.scalars(select(Organization).where(*cond).order_by(o.path).limit(size)))
        out = []
        for org in found:
            top = tops.get(org.province_id() or 0)
            out.append(TransferTarget(organization_id=strawberry.ID(encode_id("Organization", org.id or 0)),
                                      full_name=org.full_name, category=org.category,
                                      system=top.short_name if top else None, floating=org.floating))
        return out
