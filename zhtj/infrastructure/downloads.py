"""Files made for one account to download (workbooks of registration codes, failed import rows).

Each is a row of `downloads` (SQLAlchemy Core) and a file under `<files_dir>/downloads/`; the id is a
random token, `GET /downloads/{id}` serves it to the same account for 24 hours (app.py)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import quote

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.tables.schema import downloads

LIFETIME = timedelta(hours=24)
FOLDER = "downloads"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]')


@dataclass(frozen=True)
class Download:
    id: str
    account_id: int
    file_name: str
    stored_name: str
    content_type: str
    created_at: datetime
    expires_at: datetime

    @property
    def url(self) -> str:
        return url(self.id)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def url(download_id: str) -> str:
    """Where the file is fetched, relative to the service: `GET /downloads/{id}` with the bearer token."""
    return f"/downloads/{download_id}"


def safe_file_name(name: str) -> str:
    """A name a browser saves as is: no path separators or characters Windows refuses."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:200] or "download"


def content_disposition(file_name: str) -> str:
    """RFC 6266: an ASCII fallback, then the real (Chinese) name as UTF-8 (RFC 8187)."""
    suffix = PurePosixPath(file_name).suffix
    fallback = "download" + (suffix if suffix.isascii() else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


async def keep(session: AsyncSession, files: LocalFiles, *, account_id: int, file_name: str, content: bytes,
               content_type: str, now: datetime, lifetime: timedelta = LIFETIME) -> Download:
    """Writes the file, then its row in the session's transaction (a rollback leaves only an unused file)."""
    name = safe_file_name(file_name)
    found = Download(
        id=secrets.token_urlsafe(32), account_id=account_id, file_name=name,
        stored_name=f"{FOLDER}/{secrets.token_hex(16)}{PurePosixPath(name).suffix}",
        content_type=content_type, created_at=now, expires_at=now + lifetime,
    )
    await files.write(found.stored_name, content)
    await session.execute(insert(downloads).values(
        id=found.id, account_id=found.account_id, file_name=found.file_name, stored_name=found.stored_name,
        content_type=found.content_type, created_at=found.created_at, expires_at=found.expires_at,
    ))
    return found


async def find(session: AsyncSession, download_id: str) -> Download | None:
    if not download_id or len(download_id) > 43:
        return None
    row = (await session.execute(select(downloads).where(downloads.c.id == download_id))).mappings().first()
    return Download(**row) if row is not None else None
