"""argon2id password hashes (ACC-1), computed off the event loop.

An initial password (ACC-1: the last 8 characters of the ID number, which the same row holds) is kept as a
plain SHA-256 marked `initial$` (decision 0030): a slow hash of a value anyone with the row can derive
protects nothing, and costs 0.1 s a person on a 10,000-row import. Checking one still takes argon2's time."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, **params: int):
        self._hasher = PasswordHasher(**params)  # argon2id with RFC 9106's low-memory defaults
        self._decoy = self._hasher.hash("zhtj decoy: no account has this password")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    def initial_hash(self, password: str) -> str:
        return initial_hash(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        if password_hash.startswith(INITIAL_PREFIX):
            await self.spend_like_verify(password)  # the same time as a real check
            return hmac.compare_digest(password_hash, initial_hash(password))
        return await asyncio.to_thread(self._check, password_hash, password)

    async def spend_like_verify(self, password: str) -> None:
        await asyncio.to_thread(self._check, self._decoy, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


INITIAL_PREFIX = "initial$sha256$"


def initial_hash(password: str) -> str:
    return INITIAL_PREFIX + hashlib.sha256(password.encode()).hexdigest()
