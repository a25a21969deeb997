"""System messages (X-2): written by the use cases in their own transaction, read by their recipients only.

A message to a person is theirs; a message to an org is for the people granted admin of that very org (not for
every admin above it: supervision acts in a lower org's place, ACC-4 decided, but is not told of everything that
happens below). Each reader marks a message read for themself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zhtj.domain.identity.services import Viewer
from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound
from zhtj.domain.shared.ports import UnitOfWork

MARK_MAX = 100


def to_member(uow: UnitOfWork, clock: Clock, member_id: int, *, kind: str, name: str, title: str, body: str,
              item: tuple[str, int | None] | None = None) -> None:
    uow.messages.add(SystemMessage(created_at=clock.now(), kind=kind, name=name, title=title, body=body,
                                   member_id=member_id, item_type=item[0] if item else None,
                                   item_id=item[1] if item else None))


def to_orgs(uow: UnitOfWork, clock: Clock, org_ids: Iterable[int | None], *, kind: str, name: str, title: str,
            body: str, item: tuple[str, int | None] | None = None) -> None:
    """One message per org (each id once, None skipped), for that org's admins."""
    for org_id in dict.fromkeys(i for i in org_ids if i is not None):
        uow.messages.add(SystemMessage(created_at=clock.now(), kind=kind, name=name, title=title, body=body,
                                       org_id=org_id, item_type=item[0] if item else None,
                                       item_id=item[1] if item else None))


def addressed_to(viewer: Viewer, message: SystemMessage) -> bool:
    """X-2, ACC-4: the viewer's own messages and those to the orgs they are admin of; nobody else's."""
    if viewer.is_restricted and message.member_id != viewer.member.id:
        return False
    return message.member_id == viewer.member.id or (
        message.org_id is not None and message.org_id in {o.id for o in viewer.admin_of})


async def mark_read(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, message_ids: Sequence[int | None],
                    every: bool = False) -> tuple[list[SystemMessage], int]:
    """标记已读 (X-2): the messages given (each must be the viewer's, or the answer is NOT_FOUND as for an id
    that does not exist, ACC-4), or with `every` all the viewer's unread ones. Answers the given messages and how
    many became read."""
    if not every and not message_ids:
        raise DomainError.of("MESSAGES_REQUIRED", "请选择要标为已读的消息", "messageIds", "X-2")
    if len(message_ids) > MARK_MAX:
        raise DomainError.of("MESSAGE_COUNT", f"每次最多标记{MARK_MAX}条消息", "messageIds", "X-2")
    found = []
    for message_id in dict.fromkeys(message_ids):
        message = await uow.messages.get(message_id) if message_id is not None else None
        if message is None or not addressed_to(viewer, message):
            raise NotFound("messageIds", "系统消息")
        found.append(message)
    me = viewer.member.id or 0
    now = clock.now()
    count = await uow.messages.mark_read([m.id for m in found if m.id is not None], me, now)
    if every:
        orgs = () if viewer.is_restricted else tuple(o.id for o in viewer.admin_of if o.id is not None)
        count += await uow.messages.mark_all_read(me, orgs, now)
    await uow.commit()
    return found, count
