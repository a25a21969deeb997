"""argon2id password hashes (ACC-1), computed off the event loop, a bounded number at a time.

An initial password (ACC-1: the last 8 characters of the ID number, which the same row holds) is kept as a
plain SHA-256 marked `initial$` (decision 0030): a slow hash of a value anyone with the row can derive
protects nothing, and costs 0.1 s a person on a 10,000-row import. Checking one still takes argon2's time.

Each hash or check takes 64 MiB and about half a second of one core. At most `slots` of them run at once
(ZHTJ_PASSWORD_HASHES, half the cores by default), on threads of their own (never those of asyncio's default
executor, which file reads share); the others wait their turn, at most `wait_seconds` (ZHTJ_WAIT_SECONDS),
then the request is answered 服务繁忙 (ServiceBusy). A burst of logins so queues behind its own slots and
leaves the other cores to the requests that read (decision 0065)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from zhtj.domain.shared.errors import ServiceBusy

T = TypeVar("T")
DEFAULT_WAIT_SECONDS = 30.0


def default_slots() -> int:
    """Half the machine's cores, at least one: the other half stays for the event loop and the database."""
    return max(1, (os.cpu_count() or 2) // 2)


class HashSlots:
    """At most `size` slow calls at once, on `size` threads of their own; a caller waits for a slot at most
    `wait_seconds`. Waiting happens on the event loop, so a caller that gives up (a closed connection) leaves no
    work queued behind it."""

    def __init__(self, size: int | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS):
        self.size = max(1, size or default_slots())
        self.wait_seconds = wait_seconds
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        self._executor = ThreadPoolExecutor(self.size, thread_name_prefix="zhtj-argon2")

    async def run(self, work: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphore(loop)
        try:
            await asyncio.wait_for(semaphore.acquire(), self.wait_seconds)
        except TimeoutError:
            raise ServiceBusy() from None
        try:
            return await loop.run_in_executor(self._executor, work, *args)
        finally:
            semaphore.release()

    def _semaphore(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        """The running loop's (a server has one; tests run several loops one after another)."""
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            for closed in [other for other in self._semaphores if other.is_closed()]:
                del self._semaphores[closed]
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.size)
        return semaphore


class Argon2Hasher:
    def __init__(self, *, slots: HashSlots | None = None, **params: int):
        self._hasher = PasswordHasher(**params)  # argon2id with RFC 9106's low-memory defaults
        self._decoy = self._hasher.hash("zhtj decoy: no account has this password")
        self.slots = slots or HashSlots()

    async def hash(self, password: str) -> str:
        return await self.slots.run(self._hasher.hash, password)

    def initial_hash(self, password: str) -> str:
        return initial_hash(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        if password_hash.startswith(INITIAL_PREFIX):
            await self.spend_like_verify(password)  # the same time as a real check
            return hmac.compare_digest(password_hash, initial_hash(password))
        return await self.slots.run(self._check, password_hash, password)

    async def spend_like_verify(self, password: str) -> None:
        await self.slots.run(self._check, self._decoy, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


INITIAL_PREFIX = "initial$sha256$"


def initial_hash(password: str) -> str:
    return INITIAL_PREFIX + hashlib.sha256(password.encode()).hexdigest()
