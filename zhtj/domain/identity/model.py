"""Accounts, bearer tokens, login throttling and admin grants (ACC-1, ACC-3, ACC-4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(eq=False)
class Account:
    """One per person; the username is the resident ID number (ACC-1)."""

    member_id: int
    id_number: str
    password_hash: str
    must_change_password: bool
    created_at: datetime
    password_changed_at: datetime | None = None
    id: int | None = field(default=None)


@dataclass(eq=False)
class AuthToken:
    """A bearer token, stored only as a keyed hash; it expires and can be revoked."""

    token_hash: str
    account_id: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    id: int | None = field(default=None)

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(eq=False)
class LoginThrottle:
    """Failed logins per typed ID number, known or not, so the answer never tells which exists."""

    key: str
    failures: int = 0
    last_failure_at: datetime | None = None
    blocked_until: datetime | None = None


@dataclass(eq=False)
class OrgAdmin:
    """An admin right over one org and everything below it (ACC-3, ACC-4)."""

    org_id: int
    member_id: int
    granted_at: datetime
    granted_by: int | None = None


@dataclass(eq=False)
class AuditEntry:
    at: datetime
    actor_member_id: int | None
    action: str
    subject: str
    detail: str = ""
    id: int | None = field(default=None)


@dataclass(eq=False)
class AdminCode:
    """注册码 (ACC-3): one code registers one admin of one org; only a keyed hash is stored."""

    org_id: int
    code_hash: str
    issued_at: datetime
    issued_by: int | None = None
    used_at: datetime | None = None
    used_by: int | None = None
    revoked_at: datetime | None = None
    id: int | None = field(default=None)

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.revoked_at is None


@dataclass(eq=False)
class PasswordResetCode:
    """ACC-5: issued by an admin of the member's org or its parent; valid 2 days, used once."""

    account_id: int
    code_hash: str
    issued_at: datetime
    expires_at: datetime
    issued_by: int | None = None
    used_at: datetime | None = None
    id: int | None = field(default=None)

    def is_live(self, now: datetime) -> bool:
        """Unused and not expired; a code replaced by a newer one was expired at that moment."""
        return self.used_at is None and now < self.expires_at
