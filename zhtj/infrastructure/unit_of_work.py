"""One transaction per use case: `async with uow: ...; await uow.commit()`.

Writers use the write session factory (BEGIN IMMEDIATE on SQLite); leaving the block without a
commit rolls everything back, so a broken rule never leaves half a write behind."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from zhtj.infrastructure.repositories import (
    SqlAccounts,
    SqlAdminCodes,
    SqlAdmins,
    SqlArchives,
    SqlAudit,
    SqlJobRuns,
    SqlMembers,
    SqlMessages,
    SqlMigrations,
    SqlOrganizations,
    SqlReleases,
    SqlResetCodes,
    SqlSegments,
    SqlThrottles,
    SqlTokens,
    SqlTransfers,
)


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]):
        self._sessions = sessions
        self.session: AsyncSession | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = session = self._sessions()
        self.accounts = SqlAccounts(session)
        self.tokens = SqlTokens(session)
        self.throttles = SqlThrottles(session)
        self.organizations = SqlOrganizations(session)
        self.members = SqlMembers(session)
        self.admins = SqlAdmins(session)
        self.admin_codes = SqlAdminCodes(session)
        self.reset_codes = SqlResetCodes(session)
        self.migrations = SqlMigrations(session)
        self.segments = SqlSegments(session)
        self.releases = SqlReleases(session)
        self.archives = SqlArchives(session)
        self.audit = SqlAudit(session)
        self.transfers = SqlTransfers(session)
        self.job_runs = SqlJobRuns(session)
        self.messages = SqlMessages(session)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self.session is not None
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so what a use case returns stays readable.
        session, self.session = self.session, None
        await session.close()

    async def flush(self) -> None:
        assert self.session is not None
        await self.session.flush()

    async def commit(self) -> None:
        assert self.session is not None
        await self.session.commit()

    async def rollback(self) -> None:
        assert self.session is not None
        await self.session.rollback()
