"""Runs an import (X-4) as a job: the server starts it in the background and the front end polls
`importJob`; `zhtj import` runs it in the foreground with a progress bar. Same code either way.

Each batch of rows is one transaction together with the job's progress: a server killed mid-import leaves
every row entered or absent, and the job's counts as they were at the last batch. Uploading the same file
again enters only the rows that are missing (the others count as already entered, decision 0031)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from zhtj.domain.identity import audit
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership import imports, probing
from zhtj.domain.membership.imports import ImportRow, Kind
from zhtj.domain.shared.clock import Clock, SystemClock
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.domain.shared.ports import PasswordHasher
from zhtj.infrastructure import downloads, excel, member_workbooks
from zhtj.infrastructure.db import Database, create_database
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.passwords import Argon2Hasher
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.tables.schema import import_jobs
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.settings import Settings

log = logging.getLogger(__name__)
BATCH = 250  # rows a transaction: big enough to write fast, small enough to hold the write lock briefly
RUNNING, DONE, FAILED = "RUNNING", "DONE", "FAILED"


@dataclass
class Job:
    id: int
    account_id: int
    org_id: int
    kind: str
    file_name: str
    status: str
    rows_total: int
    rows_done: int
    imported: int
    already_entered: int
    failed: int
    failed_download_id: str | None
    message: str | None
    created_at: datetime
    finished_at: datetime | None


async def create(db: Database, *, clock: Clock, viewer: Viewer, org_id: int, kind: Kind, file_name: str,
                 rows_total: int) -> Job:
    async with SqlUnitOfWork(db.write_sessions) as uow:
        assert uow.session is not None and viewer.account.id is not None
        job_id = (await uow.session.execute(insert(import_jobs).values(
            account_id=viewer.account.id, org_id=org_id, kind=kind, file_name=downloads.safe_file_name(file_name),
            status=RUNNING, rows_total=rows_total, rows_done=0, imported=0, already_entered=0, failed=0,
            created_at=clock.now()).returning(import_jobs.c.id))).scalar_one()
        await uow.commit()
    found = await get(db, job_id)
    assert found is not None
    return found


async def get(db: Database, job_id: int | None) -> Job | None:
    if job_id is None:
        return None
    async with SqlUnitOfWork(db.read_sessions) as uow:
        assert uow.session is not None
        row = (await uow.session.execute(select(import_jobs).where(import_jobs.c.id == job_id))).mappings().first()
    return Job(**row) if row is not None else None


Progress = Callable[[int, int], Awaitable[None] | None]


async def run(db: Database, files: LocalFiles, *, clock: Clock, hasher: PasswordHasher, viewer: Viewer, job: Job,
              rows: list[ImportRow], progress: Progress | None = None, batch: int = BATCH) -> Job:
    """Enters the rows batch by batch, then keeps the failed rows as a workbook to download. An unexpected
    error ends the job as FAILED (its batches so far stay entered)."""
    try:
        return await _run(db, files, clock=clock, hasher=hasher, viewer=viewer, job=job, rows=rows,
                          progress=progress, batch=batch)
    except Exception:
        log.exception("import job %s failed", job.id)
        async with SqlUnitOfWork(db.write_sessions) as uow:
            assert uow.session is not None
            await uow.session.execute(update(import_jobs).where(import_jobs.c.id == job.id).values(
                status=FAILED, message="服务器内部错误，已导入的行保留；请重新上传同一文件", finished_at=clock.now()))
            await uow.commit()
        found = await get(db, job.id)
        assert found is not None
        return found


async def _run(db: Database, files: LocalFiles, *, clock: Clock, hasher: PasswordHasher, viewer: Viewer, job: Job,
               rows: list[ImportRow], progress: Progress | None, batch: int) -> Job:
    kind: Kind = job.kind  # type: ignore[assignment]
    imports.mark_duplicates(rows)
    rows = sorted(rows, key=lambda row: row.branch.strip())  # a batch then enters into one branch or a few
    failed: list[tuple[ImportRow, list[Problem]]] = []
    counts = {"imported": 0, "already_entered": 0, "failed": 0}
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        for attempt in (1, 2):  # a unique key a concurrent writer took first: the second pass sees its holder
            try:
                async with SqlUnitOfWork(db.write_sessions) as uow:
                    assert uow.session is not None
                    outcomes = await imports.enter_batch(uow=uow, clock=clock, hasher=hasher, viewer=viewer,
                                                         org_id=job.org_id, kind=kind, rows=chunk)
                    added = _tally(chunk, outcomes)
                    await uow.session.execute(update(import_jobs).where(import_jobs.c.id == job.id).values(
                        rows_done=start + len(chunk), **{k: counts[k] + v for k, v in added[0].items()}))
                    await uow.commit()
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        for key, value in added[0].items():
            counts[key] += value
        failed += added[1]
        if progress is not None:
            shown = progress(start + len(chunk), len(rows))
            if shown is not None:
                await shown
    download_id = None
    failed.sort(key=lambda item: item[0].line)
    if failed:
        content = await asyncio.to_thread(member_workbooks.failed_rows, kind, failed)
    async with SqlUnitOfWork(db.write_sessions) as uow:
        assert uow.session is not None and viewer.account.id is not None
        if failed:
            kept = await downloads.keep(uow.session, files, account_id=viewer.account.id,
                                        file_name=f"导入失败数据-{job.file_name.rsplit('.', 1)[0]}.xlsx",
                                        content=content, content_type=excel.XLSX, now=clock.now())
            download_id = kept.id
        org = await uow.organizations.get(job.org_id)
        message = imports.summary(counts["imported"], counts["failed"])
        if org is not None:
            audit.record(uow, clock, viewer.member.id, "importMembers", org,
                         f"{job.file_name}: {message}，{counts['already_entered']} 位此前已导入")
        await uow.session.execute(update(import_jobs).where(import_jobs.c.id == job.id).values(
            status=DONE, failed_download_id=download_id, message=message, finished_at=clock.now()))
        await uow.commit()
        # NUM-4 decided: an import that told of registered numbers counts as one lookup of the account.
        if any(probing.reveals(problems) for _, problems in failed):
            await probing.count_probe(uow, probing.account_key(viewer), clock.now())
    found = await get(db, job.id)
    assert found is not None
    return found


def _tally(rows: list[ImportRow], outcomes: list[imports.Outcome]
           ) -> tuple[dict[str, int], list[tuple[ImportRow, list[Problem]]]]:
    added = {"imported": 0, "already_entered": 0, "failed": 0}
    failed = []
    for row, outcome in zip(rows, outcomes, strict=True):
        if isinstance(outcome, list):
            added["failed"] += 1
            failed.append((row, outcome))
        else:
            added["imported" if outcome == imports.IMPORTED else "already_entered"] += 1
    return added, failed


async def acting_admin(db: Database, org_id: int, id_number: str | None = None) -> Viewer | None:
    """Who a shell import acts as (`zhtj import`): the admin with that ID number, or else the first admin of
    the org or of the nearest org above it that has one. The job and the audit name that account."""
    async with SqlUnitOfWork(db.read_sessions) as uow:
        if id_number:
            account = await uow.accounts.by_id_number(id_number)
        else:
            org = await uow.organizations.get(org_id)
            ids = [org.id or 0, *org.ancestor_ids()[::-1]] if org else []
            account = None
            for candidate in ids:
                grants = await uow.admins.of_org(candidate)
                if grants:
                    person = await uow.members.get(grants[0].member_id)
                    account = await uow.accounts.by_id_number(person.id_number) if person else None
                    break
        member = await uow.members.get(account.member_id) if account is not None else None
        if account is None or member is None:
            return None
        return Viewer(account, member, tuple(await uow.admins.orgs_of(member.id or 0)))


@dataclass
class ShellOutcome:
    message: str = ""
    problems: list[Problem] | None = None
    failed_file: Path | None = None


async def import_file(settings: Settings, file: Path, *, org_id: int | None, kind: Kind, admin_id_number: str | None,
                      failed_out: Path | None, progress: Progress | None, batch: int = BATCH) -> ShellOutcome:
    """`zhtj import`: the same checks and job as importMembers, acting as an admin of the org (scope first),
    the failed rows written beside the file."""
    start_mappers()
    db = create_database(settings.database_url)
    files = LocalFiles(settings.files_dir)
    try:
        viewer = await acting_admin(db, org_id or 0, admin_id_number)
        if viewer is None or org_id is None:
            return ShellOutcome(problems=[Problem("NOT_FOUND", "组织不存在或没有可代为操作的管理员", "org", "ACC-4")])
        try:
            async with SqlUnitOfWork(db.read_sessions) as uow:
                await imports.import_target(uow=uow, viewer=viewer, org_id=org_id, kind=kind)
            content = await asyncio.to_thread(file.read_bytes)
            rows = await asyncio.to_thread(member_workbooks.read, kind, content)
        except DomainError as refused:
            return ShellOutcome(problems=list(refused.problems))
        job = await create(db, clock=SystemClock(), viewer=viewer, org_id=org_id, kind=kind, file_name=file.name,
                           rows_total=len(rows))
        job = await run(db, files, clock=SystemClock(), hasher=Argon2Hasher(), viewer=viewer, job=job, rows=rows,
                        progress=progress, batch=batch)
        outcome = ShellOutcome(message=job.message or "")
        if job.failed_download_id:
            async with SqlUnitOfWork(db.read_sessions) as uow:
                assert uow.session is not None
                kept = await downloads.find(uow.session, job.failed_download_id)
            target = failed_out or file.with_name(f"{file.stem}-导入失败.xlsx")
            if kept is not None and (content := await files.read(kept.stored_name)) is not None:
                await asyncio.to_thread(target.write_bytes, content)
                outcome.failed_file = target
        return outcome
    finally:
        await db.dispose()
