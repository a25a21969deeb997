"""The cleanup pass of stored e-archives (NUM-6): removes files under `archives/` that no row names.

An upload (an e-archive, or the form a release request carries) writes its file before the row that names
it commits (domain/numbering/archives.py), so a crash or a refused commit in between leaves a file nobody
names, and a re-upload or an approved replacement leaves the old one. Files younger than the grace period
are kept: their upload may still be committing.
Each candidate's age is read again just before it goes. `zhtj files cleanup` runs one pass."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy import select

from zhtj.infrastructure.db import Database
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.tables.schema import member_archives, number_releases

FOLDER = "archives"
GRACE_SECONDS = 3600.0


def _old_files(root: Path, folder: str, before: float) -> list[str]:
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*")
                  if p.is_file() and not p.is_symlink() and p.stat().st_mtime < before)


async def named_archives(db: Database) -> set[str]:
    """Every stored name a row still names: e-archives, their waiting replacements, and the forms that
    release requests carry (NUM-4), refused ones included."""
    async with db.read_sessions() as session:
        rows = await session.execute(select(member_archives.c.stored_name, member_archives.c.replacement_name))
        named = {name for row in rows for name in row if name}
        r = number_releases.c
        forms = await session.scalars(select(r.form_name).where(r.form_name.is_not(None)))
        return named | set(forms)


async def cleanup_archives(db: Database, files: LocalFiles, *, grace_seconds: float = GRACE_SECONDS,
                           now: float | None = None) -> list[str]:
    """Removes unnamed files older than the grace period; answers their stored names."""
    before = (time.time() if now is None else now) - grace_seconds
    candidates = await asyncio.to_thread(_old_files, files.root, FOLDER, before)  # listed before the rows are read
    if not candidates:
        return []
    named = await named_archives(db)
    removed = []
    for name in candidates:
        if name in named:
            continue
        try:
            still_old = (await asyncio.to_thread(files.path(name).stat)).st_mtime < before
        except FileNotFoundError:
            continue
        if still_old:  # a re-upload of the same content renames a fresh file over it: then it stays
            await files.remove(name)
            removed.append(name)
    return removed
