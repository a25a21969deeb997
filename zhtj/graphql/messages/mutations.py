"""markMessagesRead (X-2): the viewer's system messages, read."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.domain.messages import services
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError
from zhtj.graphql.ids import decode_id
from zhtj.graphql.messages.types import SystemMessageType
from zhtj.graphql.mutation import perform


@strawberry.input(description="标记已读 (X-2): messages of yours (at most 100), or `all: true` for every unread one.")
class MarkMessagesReadInput:
    message_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="系统消息 ID.")
    all: bool | None = strawberry.field(default=False, description="全部标为已读: every message to you or to "
                                                                   "the orgs you are admin of.")


@strawberry.type(description="标记已读结果.")
class MarkMessagesReadPayload:
    messages: list[SystemMessageType] = strawberry.field(description="系统消息: the messages given, now read.")
    marked_count: int = strawberry.field(description="标记数量: how many messages became read (those read "
                                                     "before not counted).")
    errors: list[UserError]


@strawberry.type
class MessageMutation:
    @strawberry.mutation(description="标记已读 (X-2): a message is yours if it is to you, or to an org you are admin "
                                     "of; any other id is NOT_FOUND, as for one that does not exist (ACC-4).")
    async def mark_messages_read(self, info: Info[Context, Any],
                                 input: MarkMessagesReadInput) -> MarkMessagesReadPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        done, errors = await perform(info, lambda uow: services.mark_read(
            uow=uow, clock=ctx.clock, viewer=viewer,
            message_ids=[decode_id(i, "SystemMessage") for i in input.message_ids], every=bool(input.all)))
        found, count = done if done is not None else ([], 0)
        return MarkMessagesReadPayload(messages=[SystemMessageType.from_domain(m, True) for m in found],
                                       marked_count=count, errors=errors)
