"""importMembers over GraphQL multipart (X-4, MEM-3): the template, the job a front end polls, the failed-rows
workbook; hostile workbooks refused whole with one clear UserError; scope before the file is read (ACC-4)."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

import openpyxl
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from import_samples import filled, sample_rows
from memberapi import oid
from sqlalchemy import select

from zhtj.infrastructure import excel, member_workbooks
from zhtj.infrastructure.tables.schema import audit_log

ERRORS = "errors { code message field rule }"
JOB = "id status rowsTotal rowsDone imported alreadyEntered failed message failedRowsUrl"
IMPORT = f"""mutation($input: ImportMembersInput!) {{ importMembers(input: $input) {{
  job {{ {JOB} }} {ERRORS} }} }}"""
POLL = f"query($id: ID!) {{ importJob(id: $id) {{ {JOB} }} }}"
TEMPLATE = f"""mutation($input: CreateImportTemplateInput!) {{ createImportTemplate(input: $input) {{
  url {ERRORS} }} }}"""


async def upload(client, org, content: bytes, kind: str = "BRANCH_MEMBERS", token: str | None = None) -> dict:
    variables = {"input": {"orgId": oid(org), "file": None, "kind": kind}}
    response = await client.http.post("/graphql", headers={"Authorization": f"Bearer {token or client.token}"},
                                      files={"0": ("名单.xlsx", content, excel.XLSX)},
                                      data={"operations": json.dumps({"query": IMPORT, "variables": variables}),
                                            "map": json.dumps({"0": ["variables.input.file"]})})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["importMembers"]


async def finished(client, job_id: str) -> dict:
    for _ in range(600):  # the job runs in the app's event loop: give it turns until it is done
        job = (await client.query(POLL, {"id": job_id}))["importJob"]
        if job["status"] != "RUNNING":
            return job
        await asyncio.sleep(0.02)
    raise AssertionError("the import job did not finish")


async def _school(uow, root):
    province = await add_org(uow, root, "江苏团省委")
    school = await add_org(uow, province, "南京一中团委", category="团委", industry="普通高中")
    return province, school, [await add_org(uow, school, f"高二{i}班团支部", category="团支部", industry="普通高中")
                              for i in (1, 2)]


async def test_x_4_template_import_poll_and_failed_rows_download(client, root, uow):
    _, school, branches = await _school(uow, root)
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    made = (await client.query(TEMPLATE, {"input": {"orgId": oid(school)}}))["createImportTemplate"]
    template = (await client.http.get(made["url"], headers={"Authorization": f"Bearer {token}"})).content
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert book.worksheets[0]["A1"].value == "姓名*" and book["zhtj"].sheet_state == "veryHidden"
    lists = {str(v.sqref): v.formula1 for v in book.worksheets[0].data_validations.dataValidation}
    assert len(lists) >= 10  # dropdowns: 民族, 政治面貌, 所在团支部, 是否团干部, …
    hidden = [[c.value for c in column if c.value] for column in book["zhtj"].iter_cols()]
    assert sorted(b.full_name for b in branches) in hidden  # 所在团支部's choices

    rows, bad = sample_rows(12, 4, [b.full_name for b in branches])
    started = await upload(client, school, filled(rows, template=template))
    assert started["errors"] == [] and started["job"]["rowsTotal"] == 12
    job = await finished(client, started["job"]["id"])
    assert (job["status"], job["rowsDone"], job["imported"], job["failed"]) == ("DONE", 12, 9, 3)
    assert job["message"] == "成功导入 9 位团员，3 位团员导入失败"
    failed = await client.http.get(job["failedRowsUrl"], headers={"Authorization": f"Bearer {token}"})
    sheet = openpyxl.load_workbook(io.BytesIO(failed.content)).worksheets[0]
    reasons = {r[0].value: r[-1].value for r in sheet.iter_rows(min_row=2)}
    assert set(reasons) == {rows[i]["姓名*"] for i in bad} and all(reasons.values())

    again = await finished(client, (await upload(client, school, filled(rows)))["job"]["id"])
    assert (again["imported"], again["alreadyEntered"], again["failed"]) == (0, 9, 3)
    # The person entered can log in with the initial password (ACC-1) and must change it.
    entered = rows[0]["身份证号*"]
    login = await client.login(entered, entered[-8:])
    assert login["token"] and login["mustChangePassword"] is True


async def test_x_4_hostile_workbooks_are_refused_whole(client, root, uow):
    _, school, branches = await _school(uow, root)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))  # 40 MB of zeros in 40 KB
    formula = openpyxl.load_workbook(io.BytesIO(filled(sample_rows(2, 0, [branches[0].full_name])[0])))
    formula.worksheets[0]["A3"] = "=HYPERLINK(\"http://evil.example\",\"点击\")"
    with_formula = io.BytesIO()
    formula.save(with_formula)
    cases = {
        "not a workbook": (b"%PDF-1.7 not a spreadsheet", "文件不是Excel工作簿"),
        "a ZIP bomb": (bomb.getvalue(), "解压后过大"),
        "a million rows": (_million_rows(), "一次最多导入"),
        "a formula": (with_formula.getvalue(), "含有公式"),
        "the other template": (filled([], kind="COMMITTEE_CADRES"), "模板不可混用"),
    }
    for name, (content, words) in cases.items():
        answer = await upload(client, school, content)
        assert answer["job"] is None, name
        [error] = answer["errors"]
        assert error["field"] == "file" and words in error["message"] and error["rule"] == "X-4", (name, error)
    async with uow:
        assert await uow.members.count() == 1  # nothing entered, only the root's admin


def _million_rows() -> bytes:
    """The template's marker and a sheet of 1,000,000 rows, written as XML (openpyxl would take minutes)."""
    template = zipfile.ZipFile(io.BytesIO(member_workbooks.template("BRANCH_MEMBERS")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for item in template.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                z.writestr(item, template.read(item))
        body = b"".join(b"<row><c><v>%d</v></c></row>" % n for n in range(1_000_000))
        z.writestr("xl/worksheets/sheet1.xml", b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                   b'2006/main"><sheetData>' + body + b"</sheetData></worksheet>")
    return out.getvalue()


async def test_x_4_acc_4_scope_first_and_jobs_are_their_owners(client, root, uow, hasher, clock):
    province, school, branches = await _school(uow, root)
    other = await add_org(uow, root, "浙江团省委")
    await add_person(uow, hasher, clock, name="浙江管理员", admin_of=other, password="Zhejiang2026")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    started = await upload(client, school, filled(sample_rows(2, 0, [branches[0].full_name])[0]))
    job = await finished(client, started["job"]["id"])
    people = await _people(uow)
    zhejiang_token = await _token_of(client, uow, other)
    # Out of scope: the same NOT_FOUND as an org that does not exist, however bad the file.
    refused = await upload(client, province, b"not even a zip", token=zhejiang_token)
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"] and refused["errors"][0]["field"] == "orgId"
    assert (await client.query(POLL, {"id": job["id"]}, token=zhejiang_token))["importJob"] is None
    assert await _people(uow) == people


async def _people(uow) -> int:
    async with uow:
        return await uow.members.count()


async def _token_of(client, uow, org) -> str:
    async with uow:
        grants = await uow.admins.of_org(org.id)
        person = await uow.members.get(grants[0].member_id)
    return (await client.login(person.id_number, "Zhejiang2026"))["token"]


def test_x_4_rows_past_the_limit_are_refused_before_openpyxl_reads_them():
    content = excel.workbook("名单", ["姓名*"], [[f"学生{i}"] for i in range(6)])
    assert len(excel.read_sheet(content, max_rows=6, max_columns=3)[1]) == 7  # the header and 6 rows
    try:
        excel.read_sheet(content, max_rows=5, max_columns=3)
    except excel.UnreadableWorkbook as refused:
        assert "一次最多导入5行" in str(refused)
    else:
        raise AssertionError("6 rows passed a limit of 5")


EXPORT = f"""mutation($input: ExportMembersInput!) {{ exportMembers(input: $input) {{ url count {ERRORS} }} }}"""


async def test_x_4_acc_4_export_masks_id_numbers_unless_asked_and_audits_that(client, root, uow):
    province, school, branches = await _school(uow, root)
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    rows = sample_rows(3, 0, [b.full_name for b in branches])[0]
    await finished(client, (await upload(client, school, filled(rows)))["job"]["id"])
    sheets = {}
    for full in (False, True):
        made = (await client.query(EXPORT, {"input": {"orgId": oid(province), "fullIdNumbers": full}}))["exportMembers"]
        assert made["errors"] == [] and made["count"] == 3
        content = (await client.http.get(made["url"], headers={"Authorization": f"Bearer {token}"})).content
        sheets[full] = {r[0].value: r[2].value for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(
            min_row=2)}
    number = rows[0]["身份证号*"]
    assert sheets[False]["学生0"] == number[:6] + "********" + number[-4:]
    assert sheets[True]["学生0"] == number
    async with client.app.state.services.db.engine.connect() as conn:
        lines = (await conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "exportMembers"))).all()
    assert len(lines) == 1  # the masked export is not logged, the full one is
    missing = (await client.query(EXPORT, {"input": {"orgId": "T3JnYW5pemF0aW9uOjk5OTk="}}))["exportMembers"]
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]
