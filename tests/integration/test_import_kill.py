"""X-4: `zhtj import` from the shell, and a process killed mid-import (SIGKILL) leaves every row entered
whole or absent; running the same file again enters each person once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from factories import ROOT_ADMIN_ID, add_org
from import_samples import filled, sample_rows
from sqlalchemy import func, select

from zhtj.infrastructure.tables.schema import accounts, audit_log, import_jobs, members

ROWS = 1200


def _env(settings) -> dict[str, str]:
    return {**os.environ, "ZHTJ_DATABASE_URL": settings.database_url, "ZHTJ_FILES_DIR": str(settings.files_dir),
            "ZHTJ_SECRET_KEY": settings.secret_key}


def _command(path, branch_org, batch: int) -> list[str]:
    return [sys.executable, "-m", "zhtj", "import", str(path), "--org", str(branch_org.id), "--admin",
            ROOT_ADMIN_ID, "--batch", str(batch)]


async def _count(db, stmt) -> int:
    async with db.engine.connect() as conn:
        return (await conn.execute(stmt)).scalar_one()


async def test_x_4_killed_import_leaves_rows_whole_or_absent_and_a_rerun_enters_each_once(
        db, root, uow, settings, tmp_path):
    province = await add_org(uow, root, "江苏团省委")
    branch = await add_org(uow, province, "一班团支部", category="团支部", industry="普通高中")
    rows, bad = sample_rows(ROWS, 0, [branch.full_name])
    path = tmp_path / "名单.xlsx"
    path.write_bytes(filled(rows))
    process = await asyncio.create_subprocess_exec(*_command(path, branch, 20), env=_env(settings),
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = 0
    for _ in range(1200):  # waits for the first committed batches, at most a minute
        done = await _count(db, select(func.coalesce(func.max(import_jobs.c.rows_done), 0)))
        if done >= 100 or process.returncode is not None:
            break
        await asyncio.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    _, stderr = await process.communicate()
    assert process.returncode == -signal.SIGKILL, stderr
    people = await _count(db, select(func.count()).select_from(members)) - 1  # the root's admin
    assert done >= 100 and people < ROWS  # killed mid-way
    # Whole or absent: each entered person has an account and an audit line, and the job counted them all.
    assert await _count(db, select(func.count()).select_from(accounts)) - 1 == people
    entered_lines = select(func.count()).select_from(audit_log).where(audit_log.c.action == "importMembers")
    assert await _count(db, entered_lines) == people
    assert await _count(db, select(func.max(import_jobs.c.imported))) == people

    again = await asyncio.create_subprocess_exec(*_command(path, branch, 250), env=_env(settings),
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await again.communicate()
    assert again.returncode == 0, err.decode()
    assert f"成功导入 {ROWS - people} 位团员，0 位团员导入失败" in out.decode()
    assert out.decode().startswith("导入\n")  # the progress bar's label (the bar itself only on a terminal)
    assert await _count(db, select(func.count()).select_from(members)) - 1 == ROWS
    assert await _count(db, select(func.count(func.distinct(members.c.id_number)))) - 1 == ROWS
    last = select(import_jobs.c.already_entered).order_by(import_jobs.c.id.desc()).limit(1)
    assert await _count(db, last) == people and bad == {}


async def test_x_4_the_shell_refuses_a_hostile_file_with_the_same_words(db, root, uow, settings, tmp_path):
    branch = await add_org(uow, root, "一班团支部", category="团支部", industry="普通高中")
    path = tmp_path / "不是表格.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    process = await asyncio.create_subprocess_exec(*_command(path, branch, 250), env=_env(settings),
                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 1
    assert "文件不是Excel工作簿" in err.decode() and "IMPORT_FILE_UNREADABLE" in err.decode()
