"""E-archive files on disk and their rows (NUM-6): a file is whole on disk before the row naming it commits,
so a crash in between leaves only a file no row names, and the cleanup pass removes such files."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time

import pdf_samples
import pytest
from factories import add_org, add_person
from typer.testing import CliRunner

from zhtj.cli import app
from zhtj.domain.identity.services import Viewer
from zhtj.domain.numbering import archives, rules
from zhtj.infrastructure.file_cleanup import cleanup_archives
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

HOUR = 3600


class CrashBeforeCommit(SqlUnitOfWork):
    """The process dies after the file is written and before the row commits."""

    async def commit(self) -> None:
        raise RuntimeError("crash")


@pytest.fixture
async def place(db, root, uow, hasher, clock):
    branch = await add_org(uow, root, "一班团支部", category="团支部")
    admin, _ = await add_person(uow, hasher, clock, name="管理员", password="Guanliyuan2026", admin_of=branch)
    member, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch)
    async with uow:
        account = await uow.accounts.by_id_number(admin.id_number)
        viewer = Viewer(account, admin, tuple(await uow.admins.orgs_of(admin.id)))
    return viewer, member


async def store(db, clock, files, viewer, member, content, uow_class=SqlUnitOfWork):
    async with uow_class(db.write_sessions) as uow:
        return await archives.store_archive(uow=uow, clock=clock, viewer=viewer, files=files, member_id=member.id,
                                            content=content)


def age(files: LocalFiles, name: str, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(files.path(name), (then, then))


async def test_num6_a_crash_between_the_file_and_the_commit_leaves_no_row_and_cleanup_takes_the_file(
        db, clock, tmp_path, place):
    viewer, member = place
    files = LocalFiles(tmp_path / "files")
    content = pdf_samples.valid_pdf()
    with pytest.raises(RuntimeError):
        await store(db, clock, files, viewer, member, content, CrashBeforeCommit)
    async with SqlUnitOfWork(db.read_sessions) as uow:
        assert await uow.archives.lock_for(member.id) is None  # no row names a file
    name = rules.archive_file_name(hashlib.sha256(content).hexdigest())
    assert await files.read(name) == content  # the file was whole on disk first
    assert await cleanup_archives(db, files) == []  # within the grace period: maybe an upload committing now
    age(files, name, 2 * HOUR)
    assert await cleanup_archives(db, files) == [name]
    assert await files.read(name) is None


async def test_num6_cleanup_keeps_the_files_rows_name_and_removes_the_rest(db, clock, tmp_path, place):
    viewer, member = place
    files = LocalFiles(tmp_path / "files")
    first = await store(db, clock, files, viewer, member, pdf_samples.valid_pdf())
    second = await store(db, clock, files, viewer, member, pdf_samples.other_valid_pdf())  # a re-upload
    assert first.stored_name != second.stored_name
    stray = "archives/ab/.stray.pdf.0123456789abcdef.tmp"  # a write that died before its rename
    await files.write(stray, b"half")
    for name in (first.stored_name, second.stored_name, stray):
        age(files, name, 2 * HOUR)
    removed = await cleanup_archives(db, files)
    assert sorted(removed) == sorted([first.stored_name, stray])
    assert await files.read(second.stored_name) == pdf_samples.other_valid_pdf()


async def test_num6_zhtj_files_cleanup_runs_one_pass(db, database_url, tmp_path, monkeypatch, clock, place):
    viewer, member = place
    files = LocalFiles(tmp_path / "files")
    orphan = rules.archive_file_name("0" * 64)
    await files.write(orphan, b"%PDF-orphan")
    age(files, orphan, 2 * HOUR)
    kept = await store(db, clock, files, viewer, member, pdf_samples.valid_pdf())
    age(files, kept.stored_name, 2 * HOUR)
    monkeypatch.setenv("ZHTJ_DATABASE_URL", database_url)
    monkeypatch.setenv("ZHTJ_FILES_DIR", str(files.root))
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "cli-test-secret")
    result = await asyncio.to_thread(CliRunner().invoke, app, ["files", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "removed 1" in result.output
    assert await files.read(orphan) is None and await files.read(kept.stored_name) is not None


async def test_num6_the_periodic_jobs_run_the_cleanup_pass_too(db, clock, tmp_path, place):
    """`zhtj serve` runs the jobs every ZHTJ_JOBS_INTERVAL_MINUTES: an unnamed file does not stay forever."""
    from zhtj.infrastructure.jobs import run_once

    viewer, member = place
    files = LocalFiles(tmp_path / "files")
    orphan = rules.archive_file_name("1" * 64)
    await files.write(orphan, b"%PDF-orphan")
    kept = await store(db, clock, files, viewer, member, pdf_samples.valid_pdf())
    for name in (orphan, kept.stored_name):
        age(files, name, 2 * HOUR)
    await run_once(db, clock, (6, 1), files)
    assert await files.read(orphan) is None
    assert await files.read(kept.stored_name) == pdf_samples.valid_pdf()
    await run_once(db, clock, (6, 1), files)  # again: nothing left to do, nothing fails
