"""argon2id password hashes (ACC-1), computed off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, **params: int):
        self._hasher = PasswordHasher(**params)  # argon2id with RFC 9106's low-memory defaults
        self._decoy = self._hasher.hash("zhtj decoy: no account has this password")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._check, password_hash, password)

    async def spend_like_verify(self, password: str) -> None:
        await asyncio.to_thread(self._check, self._decoy, password)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
