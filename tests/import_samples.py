"""Filled import templates (X-4) for the tests and benchmarks/import_members.py: good rows and a share of
bad ones of several kinds, each kind with the code it must fail with."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl

from zhtj.domain.membership.imports import BRANCH_MEMBERS, Kind
from zhtj.infrastructure import member_workbooks
from zhtj.infrastructure.demo import make_id_number

HEADER = [c.header for c in member_workbooks.COLUMNS[BRANCH_MEMBERS]]


def person(index: int, branch: str) -> dict[str, str]:
    """A valid row: born 2008-2009 (before May 2009), joined 2023 (MEM-5: at least 14), a 2023 development
    number (NUM-F4)."""
    born = date(2008, 1, 1) + timedelta(days=index % 500)
    number = make_id_number(f"{320102 + index // 1000 % 100:06d}", born, index % 1000)
    return {"姓名*": f"学生{index}", "身份证号*": number,
            "民族*": "汉族", "政治面貌*": "共青团员", "入团年月*（YYYY-MM）": "2023-05", "所在团支部*": branch,
            "是否团干部*": "否", "发展团员编号": f"2023{index:08d}", "手机号码": f"139{index:08d}",
            "是否注册志愿者": "是"}


def _wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


BAD_KINDS = (
    ("ID_NUMBER_CHECKSUM", lambda r: {**r, "身份证号*": _wrong_check(r["身份证号*"])}),
    ("ETHNICITY_REQUIRED", lambda r: {**r, "民族*": ""}),
    ("YEAR_MONTH_IN_FUTURE", lambda r: {**r, "入团年月*（YYYY-MM）": "2031-01"}),
    ("YES_NO_FORMAT", lambda r: {**r, "是否注册志愿者": "也许"}),
    ("BRANCH_NOT_FOUND", lambda r: {**r, "所在团支部*": "不存在的团支部"}),
)


def sample_rows(count: int, bad_every: int, branches: list[str]) -> tuple[list[dict[str, str]], dict[int, str]]:
    """`count` rows spread over the branches; every `bad_every`-th row is bad. Returns the rows and, for each
    bad row's index, the code it must fail with."""
    rows, bad = [], {}
    for index in range(count):
        row = person(index, branches[index % len(branches)])
        if bad_every and index % bad_every == bad_every - 1:
            code, spoil = BAD_KINDS[(index // bad_every) % len(BAD_KINDS)]
            row, bad[index] = spoil(row), code
        rows.append(row)
    return rows, bad


def filled(rows: list[dict[str, str]], kind: Kind = BRANCH_MEMBERS, template: bytes | None = None) -> bytes:
    """The downloaded template with the rows typed in, as text cells (as the template's text format keeps them)."""
    book = openpyxl.load_workbook(io.BytesIO(template or member_workbooks.template(kind)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
