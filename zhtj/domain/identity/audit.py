"""The audit log: who did what to which org or person, written in the use case's own transaction."""

from __future__ import annotations

from zhtj.domain.identity.model import AuditEntry
from zhtj.domain.membership.model import Member
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.ports import UnitOfWork


def record(uow: UnitOfWork, clock: Clock, actor_member_id: int | None, action: str,
           subject: Organization | Member, detail: str = "") -> None:
    """One line; the subject is named as its global id names it (`Organization:12`, `Member:34`)."""
    uow.audit.add(AuditEntry(at=clock.now(), actor_member_id=actor_member_id, action=action,
                             subject=f"{type(subject).__name__}:{subject.id}", detail=detail))
