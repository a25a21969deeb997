"""系统消息 (X-2): what the system tells a person, or the admins of an org, about something that happened to them
(a transfer that ended, the yearly graduation switch, an admin registered with a code). Written in the
transaction of the event; read or unread per reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Kinds
TRANSFER_COMPLETED = "TRANSFER_COMPLETED"
TRANSFER_RETURNED = "TRANSFER_RETURNED"
TRANSFER_WITHDRAWN = "TRANSFER_WITHDRAWN"
TRANSFER_EXPIRED = "TRANSFER_EXPIRED"
GRADUATION_SWITCH = "GRADUATION_SWITCH"
ADMIN_REGISTERED = "ADMIN_REGISTERED"
KINDS = (TRANSFER_COMPLETED, TRANSFER_RETURNED, TRANSFER_WITHDRAWN, TRANSFER_EXPIRED, GRADUATION_SWITCH,
         ADMIN_REGISTERED)


@dataclass(eq=False)
class SystemMessage:
    """To one person (member_id) or to the admins of one org (org_id), never both. `name` is what the operation
    center's search matches (the member's name, or the org's full name); `item_type`/`item_id` name what it is
    about, as a global id does (Transfer, Organization, Member)."""

    created_at: datetime
    kind: str
    name: str
    title: str
    body: str
    member_id: int | None = None
    org_id: int | None = None
    item_type: str | None = None
    item_id: int | None = None
    id: int | None = field(default=None)
