"""SystemMessage (X-2): a message the system wrote to the viewer, or to the admins of an org they are admin of."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import exists, select
from strawberry import relay
from strawberry.types import Info

from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.messages.services import addressed_to
from zhtj.graphql.context import Context
from zhtj.graphql.ids import encode_id, parse_pk
from zhtj.infrastructure.tables.schema import message_reads

if TYPE_CHECKING:
    from zhtj.graphql.organization.types import OrganizationType

OrganizationRef = Annotated["OrganizationType", strawberry.lazy("zhtj.graphql.organization.types")]


@strawberry.enum(description="系统消息类型 (X-2).")
class SystemMessageKind(Enum):
    TRANSFER_COMPLETED = strawberry.enum_value("TRANSFER_COMPLETED", description="组织关系转接已完成.")
    TRANSFER_RETURNED = strawberry.enum_value("TRANSFER_RETURNED", description="组织关系转接已退回, with the reason.")
    TRANSFER_WITHDRAWN = strawberry.enum_value("TRANSFER_WITHDRAWN", description="组织关系转接已撤销.")
    TRANSFER_EXPIRED = strawberry.enum_value("TRANSFER_EXPIRED", description="组织关系转接超过10天未处理，已终止 "
                                                                             "(TRF-5).")
    GRADUATION_SWITCH = strawberry.enum_value("GRADUATION_SWITCH", description="毕业生团组织转换 (ORG-11): to the "
                                                                               "switched branch, the org above it and "
                                                                               "each new graduate.")
    ADMIN_REGISTERED = strawberry.enum_value("ADMIN_REGISTERED", description="管理员注册码已使用 (ACC-3): to the org "
                                                                             "that issued it.")


@strawberry.type(name="SystemMessage", description="系统消息 (X-2): to you, or to the admins of an org you are "
                                                   "admin of; read or unread for you.")
class SystemMessageType(relay.Node):
    id: relay.NodeID[int]
    kind: SystemMessageKind = strawberry.field(description="消息类型.")
    at: datetime = strawberry.field(description="时间.")
    title: str = strawberry.field(description="标题.")
    body: str = strawberry.field(description="内容.")
    name: str = strawberry.field(description="名称: the member (or org) it is about, what the operation center's "
                                             "`text` matches.")
    read: bool = strawberry.field(description="已读: read by you (markMessagesRead).")
    about_id: strawberry.ID | None = strawberry.field(description="相关对象 ID: the global id of what it is about "
                                                                  "(a Transfer, an Organization, a Member), for "
                                                                  "`node(id:)`, which answers it if you may see it.")
    _message: strawberry.Private[SystemMessage]

    @classmethod
    def from_domain(cls, m: SystemMessage, read: bool) -> SystemMessageType:
        assert m.id is not None
        about = encode_id(m.item_type, m.item_id) if m.item_type and m.item_id is not None else None
        return cls(id=m.id, kind=SystemMessageKind(m.kind), at=m.created_at, title=m.title, body=m.body, name=m.name,
                   read=read, about_id=strawberry.ID(about) if about else None, _message=m)

    @strawberry.field(description="收件组织: the org whose admins it is for; null for a message to you.")
    async def to_organization(self, info: Info[Context, Any]) -> OrganizationRef | None:
        from zhtj.graphql.organization.types import OrganizationType, visible_org

        org = await visible_org(info, self._message.org_id) if self._message.org_id is not None else None
        return OrganizationType.from_domain(org) if org else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: list[str], required: bool = False
    ) -> list[SystemMessageType | None]:
        return [await visible_message(info, parse_pk(node_id)) for node_id in node_ids]


async def visible_message(info: Info[Context, Any], message_id: int | None) -> SystemMessageType | None:
    """X-2, ACC-4: the message if it is the viewer's; None otherwise, as for an id that does not exist."""
    ctx = info.context
    viewer = ctx.require_viewer()
    if message_id is None:
        return None
    async with ctx.read() as session:
        found = await session.get(SystemMessage, message_id)
        if found is None or not addressed_to(viewer, found):
            return None
        r = message_reads.c
        read = bool(await session.scalar(select(exists().where(r.message_id == message_id,
                                                               r.member_id == viewer.member.id))))
    return SystemMessageType.from_domain(found, read)
