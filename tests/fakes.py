"""In-memory stand-ins for the ports, so use cases are unit-tested without a database."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from zhtj.domain.identity.model import Account, AdminCode, AuditEntry, AuthToken, LoginThrottle, OrgAdmin
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization


class FakeHasher:
    """Not a hash at all: enough to tell right from wrong in unit tests."""

    async def hash(self, password: str) -> str:
        return "plain$" + password

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain$" + password

    async def spend_like_verify(self, password: str) -> None:
        return None


class _Store:
    def __init__(self, ids: itertools.count, key: str = "id"):
        self.rows: list[Any] = []
        self._ids = ids
        self._key = key

    def add(self, obj: Any) -> None:
        if self._key == "id" and obj.id is None:
            obj.id = next(self._ids)
        self.rows.append(obj)

    def find(self, **where: Any) -> Any:
        return next((r for r in self.rows if all(getattr(r, k) == v for k, v in where.items())), None)


class FakeRepo(_Store):
    async def get(self, key: Any) -> Any:
        return self.find(**{self._key: key})

    async def by_id_number(self, id_number: str) -> Any:
        return self.find(id_number=id_number)

    async def by_hash(self, token_hash: str) -> Any:
        return self.find(token_hash=token_hash)

    async def count(self) -> int:
        return len(self.rows)

    async def root(self) -> Any:
        return self.find(parent_id=None)

    async def lock(self, key: Any) -> Any:
        """Throttles are made when missing; orgs are just read (nothing runs concurrently here)."""
        if self._key != "key":
            return self.find(id=key)
        found = self.find(key=key)
        if found is None:
            found = LoginThrottle(key=key)
            self.add(found)
        return found

    async def revoke_all(self, account_id: int, at: datetime, keep: str | None = None) -> None:
        for token in self.rows:
            if token.account_id == account_id and token.revoked_at is None and token.token_hash != keep:
                token.revoked_at = at

    def add_position(self, position: CadrePosition) -> None:
        self.positions.append(position)

    async def orgs_of(self, member_id: int) -> list[Organization]:
        return [o for g in self.rows if g.member_id == member_id for o in self.orgs.rows if o.id == g.org_id]

    async def of_org(self, org_id: int) -> list[OrgAdmin]:
        return [g for g in self.rows if g.org_id == org_id]

    async def remove(self, obj: Any) -> None:
        self.rows.remove(obj)

    async def is_admin_anywhere(self, member_id: int) -> bool:
        return any(g.member_id == member_id for g in self.rows)

    async def position(self, member_id: int, org_id: int) -> CadrePosition | None:
        return next((p for p in self.positions if p.member_id == member_id and p.org_id == org_id), None)

    async def positions_in(self, org_id: int) -> list[CadrePosition]:
        return [p for p in self.positions if p.org_id == org_id]

    async def positions_of(self, member_id: int) -> list[CadrePosition]:
        return [p for p in self.positions if p.member_id == member_id]

    async def get_many(self, ids: list[int]) -> list[Any]:
        return [r for i in ids for r in self.rows if r.id == i]

    async def children(self, parent_id: int) -> list[Organization]:
        return sorted((o for o in self.rows if o.parent_id == parent_id), key=lambda o: (o.sort_order, o.id))


class FakeAdminCodes(FakeRepo):
    """注册码 are found by their keyed hash (ACC-3)."""

    async def by_hash(self, code_hash: str, for_update: bool = False) -> AdminCode | None:
        return self.find(code_hash=code_hash)

    async def live_for(self, org_id: int) -> list[AdminCode]:
        return [c for c in self.rows if c.org_id == org_id and c.is_live]


class FakeUnitOfWork:
    def __init__(self) -> None:
        ids = itertools.count(1)
        self.accounts = FakeRepo(ids)
        self.tokens = FakeRepo(ids)
        self.throttles = FakeRepo(ids, key="key")
        self.organizations = FakeRepo(ids)
        self.members = FakeRepo(ids)
        self.members.positions = []  # type: ignore[attr-defined]
        self.admins = FakeRepo(ids, key="org_id")
        self.admins.orgs = self.organizations  # type: ignore[attr-defined]
        self.audit = FakeRepo(ids)
        self.admin_codes = FakeAdminCodes(ids)
        self.commits = 0

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def flush(self) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        return None


__all__ = ["Account", "AuditEntry", "AuthToken", "FakeHasher", "FakeUnitOfWork", "Member", "OrgAdmin"]
