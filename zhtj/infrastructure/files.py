"""Files on the local disk under `ZHTJ_FILES_DIR` (e-archives, downloads), read and written with aiofiles.

A write goes to a temporary file in the same folder, is flushed to disk, then renamed over the target
(os.replace is atomic within one file system): a reader sees the whole old file or the whole new one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from pathlib import Path, PurePosixPath

import aiofiles
import aiofiles.os


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


class LocalFiles:
    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        """The file for a stored name such as `downloads/ab12.xlsx`; never outside the root."""
        relative = PurePosixPath(name)
        if not name or relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
            raise ValueError(f"not a stored file name: {name!r}")
        return self.root.joinpath(*relative.parts)

    async def write(self, name: str, content: bytes) -> None:
        target = self.path(name)
        await aiofiles.os.makedirs(target.parent, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            async with aiofiles.open(temporary, "wb", opener=_private) as out:
                await out.write(content)
                await out.flush()
                await asyncio.to_thread(os.fsync, out.fileno())
            await aiofiles.os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                await aiofiles.os.remove(temporary)
            raise

    async def read(self, name: str) -> bytes | None:
        """The content, or None if there is no such file."""
        try:
            async with aiofiles.open(self.path(name), "rb") as source:
                return await source.read()
        except FileNotFoundError:
            return None

    async def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(self.path(name))
