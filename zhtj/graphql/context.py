"""Per-request state: who asks, one read session guarded by a lock, fresh DataLoaders.

GraphQL resolves sibling fields concurrently; an AsyncSession must never be used by two
coroutines at once, so every read goes through `read()`, which holds the request's lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.identity.model import AuditEntry
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import ACTIVE
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import AccessDenied, PasswordChangeRequired, SelfReportPending, Unauthenticated
from zhtj.domain.shared.ports import CodeSender, NameIdVerifier, PasswordHasher
from zhtj.infrastructure.audit_writer import AuditWriter
from zhtj.infrastructure.db import Database
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.infrastructure.verifier import LocalVerifier
from zhtj.infrastructure.viewers import ViewerCache
from zhtj.settings import Settings

MAX_FULL_READS = 10  # full ID numbers and birth dates one request may read (decision 0018)
FULL_READS_MESSAGE = f"一次请求最多查看{MAX_FULL_READS}个完整身份证号或出生日期，请分次查看"

if TYPE_CHECKING:
    from zhtj.graphql.loaders import Loaders
    from zhtj.graphql.persisted import PersistedDocuments


@dataclass
class Services:
    """What the app is wired with, once, by create_app()."""

    settings: Settings
    db: Database
    clock: Clock
    hasher: PasswordHasher
    verifier: NameIdVerifier = field(default_factory=LocalVerifier)  # MEM-13: the outside name/ID check
    viewers: ViewerCache | None = None  # who is behind a token, kept a few seconds (infrastructure/viewers.py)
    sender: CodeSender | None = None  # texts to mobiles (ACC-1's first-password code; infrastructure/messages.py)
    persisted: PersistedDocuments | None = None  # documents registered by hash (graphql/persisted.py)
    audits: AuditWriter = field(default_factory=AuditWriter)  # audit lines of reads, committed in groups


class Reader:
    """The request's one read session, opened when a resolver first needs it and used by one coroutine at a
    time. Loaders hold this, not the Context, so a request leaves no reference cycle for the collector."""

    def __init__(self, db: Database):
        self.db = db
        self.lock = asyncio.Lock()
        self.session: AsyncSession | None = None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self.lock:
            if self.session is None:
                self.session = self.db.read_sessions()
            yield self.session

    async def close_session(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            if session.in_transaction():  # a session that never held a connection has nothing to close
                await session.close()


class Context:
    def __init__(self, services: Services, request_id: str, token: str | None, viewer: Viewer | None,
                 client: str | None = None):
        self.services = services
        self.request_id = request_id
        self._audited = False
        self.token = token
        self.viewer = viewer
        self.client = client  # the caller's address, for throttling anonymous calls
        self.policy = services.settings.document_policy  # what query texts are validated under (documents.py)
        self.reader = Reader(services.db)
        self.operation: tuple[str, str] | None = None  # (name, type) once chosen, for /metrics and the access log
        self._loaders: Loaders | None = None
        self.full_reads = 0
        self.connection_params: dict[str, Any] | None = None  # graphql-transport-ws: connection_init's payload

    @property
    def loaders(self) -> Loaders:
        """Made when first used (most requests need none), and anew after every write."""
        if self._loaders is None:
            from zhtj.graphql.loaders import Loaders

            self._loaders = Loaders(self.reader, self.clock)
        return self._loaders

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def require_viewer(self, *, allow_initial_password: bool = False, allow_pending: bool = False) -> Viewer:
        """The viewer, or the access error: none (UNAUTHENTICATED), an initial password not yet changed
        (ACC-1), a self-report not yet approved (MEM-14). Fields reachable from `me` by such a viewer pass
        both flags and then show nothing beyond the viewer's own record (`Viewer.is_restricted`)."""
        if self.viewer is None:
            raise Unauthenticated()
        if self.viewer.must_change_password and not allow_initial_password:
            raise PasswordChangeRequired()
        if self.viewer.member.status != ACTIVE and not allow_pending:
            raise SelfReportPending()
        return self.viewer

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self.reader.read()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlUnitOfWork]:
        """One transaction for one mutation; reads after it see what it wrote, and so do the viewers of
        every later request of this process (a write may revoke or change who someone is)."""
        async with self.reader.lock:
            await self.reader.close_session()
            self._loaders = None
            try:
                async with SqlUnitOfWork(self.services.db.write_sessions) as uow:
                    yield uow
            finally:
                if self.services.viewers is not None:
                    self.services.viewers.forget_all()

    def count_full_read(self) -> None:
        """One more full ID number or birth date in this request's answer; beyond MAX_FULL_READS, FORBIDDEN (a
        request may alias the field many times, each alias a person)."""
        self.full_reads += 1
        if self.full_reads > MAX_FULL_READS:
            raise AccessDenied("FORBIDDEN", FULL_READS_MESSAGE)

    async def audit(self, action: str, subject: str, detail: str = "") -> None:
        """Writes an audit line before the answer goes out; lines of requests arriving together share one
        transaction (infrastructure/audit_writer.py)."""
        actor = self.viewer.member.id if self.viewer else None
        entry = AuditEntry(at=self.services.clock.now(), actor_member_id=actor, action=action, subject=subject,
                           detail=detail or f"request {self.request_id}")
        self._audited = True
        await self.services.audits.write(self.services.db.write_sessions, [entry])

    async def close(self) -> None:
        async with self.reader.lock:
            await self.reader.close_session()
        if self._audited:  # an execution cut short by an error left its line's transaction running: it ends first
            await self.services.audits.settled()
