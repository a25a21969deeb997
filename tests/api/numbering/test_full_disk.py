"""A full disk while an e-archive is written (issue 12, fault tests; NUM-6, decision 0016): the upload answers a
clean error, no partial file and no row are left, and once there is room again the same upload works.

The files root is a 16 KiB tmpfs filled up when the test may mount one (root on Linux); elsewhere the disk is
made full at the file store's fsync (ENOSPC), the moment a real full disk reports delayed writes."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
from pathlib import Path

import pdf_samples
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from numberingapi import ENTER, PASSWORD, league, mid, student
from sqlalchemy import func, select

from zhtj.infrastructure import files as files_module
from zhtj.infrastructure.tables.schema import audit_log, member_archives

UPLOAD = """mutation($input: UploadArchiveInput!) { uploadArchive(input: $input) {
  archive { status size } errors { code } } }"""


def _fill(root: Path) -> Path:
    filler = root / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()
            os.fsync(out.fileno())
    return filler


@pytest.fixture
def full_disk(settings, monkeypatch):
    """Makes the files root full; yields a function that frees it again."""
    root = settings.files_dir
    root.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=700", "tmpfs", str(root)],
                             capture_output=True).returncode == 0 if os.geteuid() == 0 else False
    if mounted:
        filler = _fill(root)
        yield lambda: filler.unlink()
        subprocess.run(["umount", "-l", str(root)], check=True)
        return

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files_module.os, "fsync", no_space)
    yield lambda: monkeypatch.undo()


async def rows(db) -> tuple[int, int]:
    async with db.engine.connect() as conn:
        archives = await conn.scalar(select(func.count()).select_from(member_archives))
        uploads = await conn.scalar(select(func.count()).select_from(audit_log).where(
            audit_log.c.action == "uploadArchive"))
    return archives, uploads


def stored(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "filler")


async def test_a_full_disk_leaves_no_partial_file_and_no_row_NUM6(client, uow, hasher, clock, root, db, settings,
                                                                   full_disk):
    t = await league(uow, hasher, clock, root)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    member = (await client.query(ENTER, {"input": student(t.class1, developmentNumber="202000000001")}))[
        "enterMember"]["member"]
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    content = pdf_samples.valid_pdf()
    form = {"operations": json.dumps({"query": UPLOAD, "variables": {"input": {"memberId": mid(member["id"]),
                                                                              "file": None}}}),
            "map": json.dumps({"0": ["variables.input.file"]})}

    async def send():
        return await client.http.post("/graphql", headers={"Authorization": f"Bearer {client.token}"},
                                      files={"0": ("form.pdf", content, "application/pdf")}, data=form)

    refused = await send()
    assert refused.status_code == 200
    body = refused.json()
    assert body["errors"][0]["message"] == "服务器内部错误" and body["errors"][0]["extensions"]["requestId"]
    assert stored(settings.files_dir) == []  # not even the temporary file
    assert await rows(db) == (0, 0)
    full_disk()  # room again
    done = (await send()).json()["data"]["uploadArchive"]
    assert done["errors"] == [] and done["archive"]["size"] == len(content)
    assert len(stored(settings.files_dir)) == 1 and await rows(db) == (1, 1)
