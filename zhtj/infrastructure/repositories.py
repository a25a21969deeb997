"""SQLAlchemy repositories behind the domain's ports (domain/shared/ports.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.identity.model import Account, AuditEntry, AuthToken, LoginThrottle, OrgAdmin
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization
from zhtj.infrastructure.tables.schema import auth_tokens, login_throttles, organizations


class _Repository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, obj: object) -> None:
        self.session.add(obj)


class SqlAccounts(_Repository):
    async def get(self, account_id: int) -> Account | None:
        return await self.session.get(Account, account_id)

    async def by_id_number(self, id_number: str) -> Account | None:
        return await self.session.scalar(select(Account).filter_by(id_number=id_number))


class SqlTokens(_Repository):
    async def by_hash(self, token_hash: str) -> AuthToken | None:
        return await self.session.scalar(select(AuthToken).filter_by(token_hash=token_hash))

    async def revoke_all(self, account_id: int, at: datetime, keep: str | None = None) -> None:
        stmt = (
            update(auth_tokens)
            .where(auth_tokens.c.account_id == account_id, auth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        if keep is not None:
            stmt = stmt.where(auth_tokens.c.token_hash != keep)
        await self.session.execute(stmt, execution_options={"synchronize_session": False})


class SqlThrottles(_Repository):
    async def get(self, key: str) -> LoginThrottle | None:
        return await self.session.get(LoginThrottle, key)

    async def lock(self, key: str) -> LoginThrottle:
        insert = postgresql_insert if self.session.bind.dialect.name == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(login_throttles).values(key=key, failures=0).on_conflict_do_nothing(index_elements=["key"])
        )
        found = await self.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert found is not None
        return found


class SqlOrganizations(_Repository):
    async def get(self, org_id: int) -> Organization | None:
        return await self.session.get(Organization, org_id)

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(organizations)) or 0

    async def root(self) -> Organization | None:
        return await self.session.scalar(select(Organization).filter_by(parent_id=None))


class SqlMembers(_Repository):
    async def get(self, member_id: int) -> Member | None:
        return await self.session.get(Member, member_id)

    async def by_id_number(self, id_number: str) -> Member | None:
        return await self.session.scalar(select(Member).filter_by(id_number=id_number))

    async def count(self) -> int:
        return await self.session.scalar(select(func.count(Member.id))) or 0  # type: ignore[arg-type]

    def add_position(self, position: CadrePosition) -> None:
        self.session.add(position)


class SqlAdmins(_Repository):
    async def orgs_of(self, member_id: int) -> Sequence[Organization]:
        rows = await self.session.scalars(
            select(Organization)
            .join(OrgAdmin, OrgAdmin.org_id == Organization.id)  # type: ignore[arg-type]
            .where(OrgAdmin.member_id == member_id)  # type: ignore[arg-type]
            .order_by(Organization.path)  # type: ignore[arg-type]
        )
        return rows.all()


class SqlAudit(_Repository):
    def add(self, entry: AuditEntry) -> None:  # type: ignore[override]
        self.session.add(entry)
