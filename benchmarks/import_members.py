"""Benchmark: a 10,000-row import workbook with 2% bad rows (X-4), as `zhtj import` runs it.

In a fresh database (`downgrade base`, `upgrade head`): 团中央, a province, a school committee with 20
branches. The workbook is the downloaded template filled with 10,000 rows over those branches, every 50th row
bad (five kinds, tests/import_samples.py). Timed: reading the workbook, entering the rows (batches of 250,
each one transaction with the job's progress), and the whole; checked: the exact counts and the failed-rows
workbook. The baseline, in the same run: `enter_member` (enterMember's use case, one transaction a person)
for --baseline rows, per row.

    python benchmarks/import_members.py --url sqlite+aiosqlite:////tmp/import_bench.sqlite3
    python benchmarks/import_members.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_bench_import
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from import_samples import filled, sample_rows

from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.membership.imports import BRANCH_MEMBERS
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.membership.services import enter_member
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.shared.clock import SystemClock
from zhtj.infrastructure import downloads, member_imports, member_workbooks, migrate
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.demo import make_id_number
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.passwords import Argon2Hasher
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

ADMIN_ID, PASSWORD = "110101199003071233", "Tuanjian2026"


async def _org(uow: SqlUnitOfWork, parent: Organization, name: str, category: str, industry: str) -> Organization:
    org = Organization(short_name=name, full_name=name, category=category, industry=industry, parent_id=parent.id,
                       depth=parent.depth + 1, sort_order=0, created_at=SystemClock().now())
    uow.organizations.add(org)
    await uow.flush()
    assert org.id is not None
    org.path = child_path(parent.path, org.id)
    return org


async def main(url: str, rows_count: int, bad_every: int, baseline: int) -> None:
    await asyncio.to_thread(migrate.downgrade, url, "base")
    await asyncio.to_thread(migrate.upgrade, url)
    start_mappers()
    db = create_database(url)
    clock, hasher = SystemClock(), Argon2Hasher()
    files = LocalFiles(Path(tempfile.mkdtemp(prefix="zhtj-import-bench-")))
    async with SqlUnitOfWork(db.write_sessions) as uow:
        root, _ = await bootstrap(uow=uow, clock=clock, hasher=hasher, admin_id_number=ADMIN_ID,
                                  admin_name="团中央管理员", password=PASSWORD)
    async with SqlUnitOfWork(db.write_sessions) as uow:
        province = await _org(uow, root, "共青团江苏省委员会", "团的领导机关", "党政机关")
        school = await _org(uow, province, "共青团南京市第一中学委员会", "团委", "普通高中")
        branches = [await _org(uow, school, f"高一{i}班团支部", "团支部", "普通高中") for i in range(1, 21)]
        other = await _org(uow, school, "基准团支部", "团支部", "普通高中")
        await uow.commit()
    viewer = await member_imports.acting_admin(db, school.id or 0, ADMIN_ID)
    assert viewer is not None
    rows, bad = sample_rows(rows_count, bad_every, [b.full_name for b in branches])
    content = filled(rows)

    began = time.perf_counter()
    read = await asyncio.to_thread(member_workbooks.read, BRANCH_MEMBERS, content)
    read_s = time.perf_counter() - began
    job = await member_imports.create(db, clock=clock, viewer=viewer, org_id=school.id or 0, kind=BRANCH_MEMBERS,
                                      file_name="bench.xlsx", rows_total=len(read))
    entered = time.perf_counter()
    job = await member_imports.run(db, files, clock=clock, hasher=hasher, viewer=viewer, job=job, rows=read)
    enter_s = time.perf_counter() - entered
    total_s = time.perf_counter() - began
    assert (job.imported, job.failed, job.already_entered) == (rows_count - len(bad), len(bad), 0), job
    async with SqlUnitOfWork(db.read_sessions) as uow:
        assert uow.session is not None
        kept = await downloads.find(uow.session, job.failed_download_id or "")
        assert await uow.members.count() == 1 + rows_count - len(bad)
    assert kept is not None
    sheet = openpyxl.load_workbook(io.BytesIO(await files.read(kept.stored_name) or b"")).worksheets[0]
    failed_names = {r[0].value for r in sheet.iter_rows(min_row=2)}
    assert failed_names == {rows[i]["姓名*"] for i in bad}
    assert all(r[-1].value for r in sheet.iter_rows(min_row=2))

    forms = [MemberForm(name=f"基准{i}", id_number=(n := make_id_number("110105", _born(i), i % 1000)),
                        id_number_confirm=n, ethnicity="汉族", occupation="青年学生", study_status="普通高中在读",
                        education="初中", political_status="共青团员", join_date="2023-05",
                        development_number=f"2023{90_000_000 + i}", is_cadre=False, mobile=f"1370000{i:04d}",
                        household_address="南京市", registered_volunteer=False) for i in range(baseline)]
    one_by_one = time.perf_counter()
    for form in forms:
        async with SqlUnitOfWork(db.write_sessions) as uow:
            await enter_member(uow=uow, clock=clock, hasher=hasher, viewer=viewer, branch_id=other.id, form=form)
    base_row = (time.perf_counter() - one_by_one) / baseline
    await db.dispose()

    per_row = enter_s / rows_count
    print(f"database: {url.split(':')[0]}; {rows_count} rows, {len(bad)} bad; workbook {len(content) / 1e6:.1f} MB")
    print("| step | seconds | per row, ms | vs enterMember one by one |")
    print("| --- | --- | --- | --- |")
    print(f"| read and check the workbook | {read_s:.2f} | {1000 * read_s / rows_count:.3f} | |")
    print(f"| enter the rows (batches of {member_imports.BATCH}) and write the failed rows | {enter_s:.2f} | "
          f"{1000 * per_row:.3f} | {per_row / base_row:.2f} |")
    whole = total_s / rows_count
    print(f"| whole import | {total_s:.2f} | {1000 * whole:.3f} | {whole / base_row:.2f} |")
    print(f"| baseline: enter_member, one transaction a person ({baseline} people) | {base_row * baseline:.2f} | "
          f"{1000 * base_row:.3f} | 1.00 |")


def _born(i: int):
    from datetime import date, timedelta

    return date(2008, 3, 1) + timedelta(days=i % 300)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="sqlite+aiosqlite:////tmp/import_bench.sqlite3")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--bad-every", type=int, default=50, help="every N-th row is bad (50: 2%%)")
    parser.add_argument("--baseline", type=int, default=200, help="people entered one by one for the baseline")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.rows, args.bad_every, args.baseline))
