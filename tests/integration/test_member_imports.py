"""X-4, MEM-3: an import enters good rows with enterMember's rules, reports bad ones in a workbook that imports
once fixed, and enters each person once when the same file comes again."""

from __future__ import annotations

import io

import openpyxl
from factories import ROOT_ADMIN_ID, add_org
from import_samples import BAD_KINDS, filled, sample_rows

from zhtj.domain.membership.imports import BRANCH_MEMBERS
from zhtj.domain.shared.errors import DomainError
from zhtj.infrastructure import downloads, member_imports, member_workbooks
from zhtj.infrastructure.files import LocalFiles


async def _tree(uow, root):
    province = await add_org(uow, root, "江苏团省委")
    school = await add_org(uow, province, "南京一中团委", category="团委", industry="普通高中")
    branches = [await add_org(uow, school, f"高一{i}班团支部", category="团支部", industry="普通高中")
                for i in (1, 2)]
    return school, branches


async def _import(db, settings, clock, hasher, org, content, name="导入.xlsx"):
    viewer = await member_imports.acting_admin(db, org.id, ROOT_ADMIN_ID)
    rows = member_workbooks.read(BRANCH_MEMBERS, content)
    job = await member_imports.create(db, clock=clock, viewer=viewer, org_id=org.id, kind=BRANCH_MEMBERS,
                                      file_name=name, rows_total=len(rows))
    return await member_imports.run(db, LocalFiles(settings.files_dir), clock=clock, hasher=hasher, viewer=viewer,
                                    job=job, rows=rows, batch=7)


async def test_x_4_mem_3_counts_failed_rows_workbook_and_reupload(db, root, uow, settings, clock, hasher):
    school, branches = await _tree(uow, root)
    rows, bad = sample_rows(40, 4, [b.full_name for b in branches])
    rows.append(dict(rows[0], **{"姓名*": "重复者"}))  # the first row's ID number again: both fail
    job = await _import(db, settings, clock, hasher, school, filled(rows))
    assert (job.status, job.rows_total, job.rows_done) == ("DONE", 41, 41)
    assert (job.imported, job.failed, job.already_entered) == (41 - len(bad) - 2, len(bad) + 2, 0)
    assert job.message == f"成功导入 {41 - len(bad) - 2} 位团员，{len(bad) + 2} 位团员导入失败"
    async with uow:
        assert await uow.members.count() == 1 + 41 - len(bad) - 2
        kept = await downloads.find(uow.session, job.failed_download_id)
    content = await LocalFiles(settings.files_dir).read(kept.stored_name)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "失败原因"
    failed = {r[0].value: r[-1].value for r in sheet.iter_rows(min_row=2)}
    assert set(failed) == {rows[i]["姓名*"] for i in bad} | {"学生0", "重复者"}
    assert "身份证号与本表第42行重复" in failed["学生0"]
    assert {c.data_type for r in sheet.iter_rows() for c in r if c.value is not None} == {"s"}
    assert len(bad) == len(BAD_KINDS) * 2

    again = await _import(db, settings, clock, hasher, school, filled(rows))  # the same file: nobody twice
    assert (again.imported, again.already_entered, again.failed) == (0, 41 - len(bad) - 2, len(bad) + 2)

    fixed = openpyxl.load_workbook(io.BytesIO(content))  # fix the failed rows and upload them again
    sheet = fixed.worksheets[0]
    for line in range(2, sheet.max_row + 1):
        name = sheet.cell(line, 1).value
        index = int(name[2:]) if name.startswith("学生") else None
        if name == "重复者":
            sheet.delete_rows(line)
            break
        if index is not None:
            good = sample_rows(index + 1, 0, [b.full_name for b in branches])[0][index]
            for column, title in enumerate(header[:-1], start=1):
                sheet.cell(line, column).value = good.get(title, "")
    buffer = io.BytesIO()
    fixed.save(buffer)
    third = await _import(db, settings, clock, hasher, school, buffer.getvalue())
    assert (third.imported, third.failed) == (len(bad) + 1, 0) and third.failed_download_id is None


async def test_x_4_mem_1_committee_cadres_template_enters_posts_and_is_idempotent(db, root, uow, settings, clock,
                                                                                 hasher):
    school, _ = await _tree(uow, root)
    cadre = {"姓名*": "王老师", "身份证号*": "110101199203071238", "民族*": "汉族", "政治面貌*": "中共党员",
             "入团年月*（YYYY-MM）": "2006-05", "入党时间（YYYY-MM-DD）": "2014-07-01", "团内现任职务": "副书记",
             "任现职年月（YYYY-MM）": "2022-09", "任现职方式": "选举", "团干部性质": "兼职",
             "是否同级党(工)委委员": "否", "在岗状态": "在岗"}
    content = filled([cadre, {**cadre, "姓名*": "李老师", "身份证号*": "110101199203071", "团内现任职务": "组织委员"}],
                     kind="COMMITTEE_CADRES")
    viewer = await member_imports.acting_admin(db, school.id, ROOT_ADMIN_ID)
    for expected in ((1, 0, 1), (0, 1, 1)):  # the second upload: the post is there already
        rows = member_workbooks.read("COMMITTEE_CADRES", content)
        job = await member_imports.create(db, clock=clock, viewer=viewer, org_id=school.id, kind="COMMITTEE_CADRES",
                                          file_name="干部.xlsx", rows_total=len(rows))
        job = await member_imports.run(db, LocalFiles(settings.files_dir), clock=clock, hasher=hasher,
                                       viewer=viewer, job=job, rows=rows)
        assert (job.imported, job.already_entered, job.failed) == expected
    async with uow:
        person = await uow.members.by_id_number("110101199203071238")
        [post] = await uow.members.positions_of(person.id)
    assert (post.org_id, post.position, person.branch_id, person.is_cadre) == (school.id, "副书记", None, True)
    try:
        member_workbooks.read(BRANCH_MEMBERS, content)
    except DomainError as refused:
        assert refused.problems[0].code == "IMPORT_TEMPLATE_MISMATCH" and "不可混用" in refused.problems[0].message
    else:
        raise AssertionError("a cadres template read as a members one")


async def test_x_4_a_name_typed_as_formula_text_stays_text_in_the_failed_rows(db, root, uow, settings, clock, hasher):
    school, branches = await _tree(uow, root)
    row = dict(sample_rows(1, 0, [branches[0].full_name])[0][0], **{"民族*": ""})  # fails: no ethnicity
    book = openpyxl.load_workbook(io.BytesIO(filled([row])))
    name = book.worksheets[0]["A2"]
    name.value, name.data_type = '=HYPERLINK("http://evil.example","点击")', "s"  # typed as text ('=…)
    typed = io.BytesIO()
    book.save(typed)
    job = await _import(db, settings, clock, hasher, school, typed.getvalue())
    assert (job.imported, job.failed) == (0, 1)
    async with uow:
        kept = await downloads.find(uow.session, job.failed_download_id)
    content = await LocalFiles(settings.files_dir).read(kept.stored_name)
    cell = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (name.value, "s", True)
