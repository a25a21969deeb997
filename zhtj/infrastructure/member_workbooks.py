"""The import templates (X-4) and what is read from them: columns in Chinese, dropdowns from the value lists
(DOMAIN.md §7), a hidden marker telling the branch-members template from the committee-cadres one.

A column is (header, MemberForm field, kind): kind "text", "bool" (是/否), "month" (YYYY-MM, a date cell
read as its month), "date" (YYYY-MM-DD). Headers marked * are MEM-3's minimum. The failed-rows workbook is
the template again, with the reason in a last column: fixed and uploaded again, it imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zhtj.domain.membership.imports import BRANCH_MEMBERS, COMMITTEE_CADRES, MIXED_TEMPLATES, ImportRow, Kind
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.shared import values
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.infrastructure import excel

MAX_ROWS = 20_000  # one upload; a bigger file is split (a county's new members of a year fit in one)
YES, NO = "是", "否"
REASON = "失败原因"
MARKERS = {BRANCH_MEMBERS: "zhtj-import:branch-members:1", COMMITTEE_CADRES: "zhtj-import:committee-cadres:1"}
TITLES = {BRANCH_MEMBERS: "导入下级团支部团员团干部", COMMITTEE_CADRES: "导入本级团干部"}
FILE_NAMES = {BRANCH_MEMBERS: "智慧团建导入团员团干部数据模板.xlsx",
              COMMITTEE_CADRES: "智慧团建导入本级团干部数据模板.xlsx"}
BRANCH = "所在团支部*"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"
    choices: tuple[str, ...] = ()


_PERSON = (
    Column("姓名*", "name"), Column("身份证号*", "id_number"),
    Column("民族*", "ethnicity", choices=values.ETHNICITIES), Column("民族名称（民族为其他时）", "ethnicity_note"),
    Column("政治面貌*", "political_status", choices=values.POLITICAL_STATUSES),
    Column("入团年月*（YYYY-MM）", "join_date", "month"),
)
_MORE = (
    Column("发展团员编号", "development_number"), Column("入党时间（YYYY-MM-DD）", "party_join_date", "date"),
    Column("职业", "occupation", choices=values.OCCUPATIONS),
    Column("在读状况", "study_status", choices=values.STUDY_STATUSES),
    Column("具体职业", "job_type", choices=values.SPECIFIC_OCCUPATIONS),
    Column("学历", "education", choices=values.EDUCATIONS),
    Column("手机号码", "mobile"), Column("户籍地址", "household_address"), Column("电子邮箱", "email"),
    Column("QQ号", "qq"),
    Column("微信号", "wechat"), Column("微博号", "weibo"),
    Column("是否已递交入党申请书", "submitted_party_application", "bool", (YES, NO)),
    Column("递交入党申请书时间（YYYY-MM-DD）", "party_application_date", "date"),
    Column("是否注册志愿者", "registered_volunteer", "bool", (YES, NO)),
    Column("注册志愿者时间（YYYY-MM）", "volunteer_since", "month"),
)
def _post(positions: tuple[str, ...]) -> tuple[Column, ...]:
    return (Column("团内现任职务", "position", choices=(*positions, values.NO_POSITION)), *_POST_DETAILS)


_POST_DETAILS = (
    Column("任现职年月（YYYY-MM）", "position_since", "month"),
    Column("任现职方式", "appointment_method", choices=values.APPOINTMENT_METHODS),
    Column("团干部性质", "cadre_nature", choices=values.CADRE_NATURES),
    Column("是否同级党(工)委委员", "on_party_committee", "bool", (YES, NO)),
)
COLUMNS: dict[Kind, tuple[Column, ...]] = {
    BRANCH_MEMBERS: (*_PERSON, Column(BRANCH, "branch"), Column("是否团干部*", "is_cadre", "bool", (YES, NO)),
                     *_post(values.BRANCH_POSITIONS), *_MORE),
    COMMITTEE_CADRES: (*_PERSON, *_post(values.LEADING_BODY_POSITIONS),
                       Column("在岗状态", "on_duty", choices=values.DUTY_STATUSES), *_MORE),
}


def template(kind: Kind, branches: Sequence[str] = ()) -> bytes:
    """An empty template; `branches` are the 所在团支部 choices (the branches under the org)."""
    return _book(kind, [], branches)


def failed_rows(kind: Kind, failed: Sequence[tuple[ImportRow, Sequence[Problem]]]) -> bytes:
    """X-4: the failed rows as typed, each with its reasons, in the template (marker included)."""
    rows = [(*_padded(kind, row.cells), "；".join(p.message for p in problems)) for row, problems in failed]
    return _book(kind, rows, (), reason=True)


def _book(kind: Kind, rows: list[tuple[str, ...]], branches: Sequence[str], reason: bool = False) -> bytes:
    columns = COLUMNS[kind]
    header = [c.header for c in columns] + ([REASON] if reason else [])
    dropdowns = {i: (branches if c.header == BRANCH else c.choices) for i, c in enumerate(columns)
                 if c.choices or (c.header == BRANCH and branches)}
    return excel.workbook(TITLES[kind], header, rows, marker=MARKERS[kind], dropdowns=dropdowns)


def _padded(kind: Kind, cells: tuple[str, ...]) -> tuple[str, ...]:
    width = len(COLUMNS[kind])
    return (*cells[:width], *([""] * (width - len(cells))))


def read(kind: Kind, content: bytes) -> list[ImportRow]:
    """The rows of an uploaded template; a file that is no workbook, too big, with formulas, or the other
    template is refused as a whole (DomainError on `file`)."""
    try:
        marker, rows = excel.read_sheet(content, max_rows=MAX_ROWS, max_columns=len(COLUMNS[kind]) + 1)
    except excel.UnreadableWorkbook as error:
        raise DomainError.of("IMPORT_FILE_UNREADABLE", str(error), "file", "X-4") from error
    if marker != MARKERS[kind]:
        raise DomainError([MIXED_TEMPLATES])
    columns = COLUMNS[kind]
    if not rows or [h.strip() for h in rows[0][:len(columns)]] != [c.header for c in columns]:
        raise DomainError([MIXED_TEMPLATES])
    return [_row(kind, line, _padded(kind, cells)) for line, cells in enumerate(rows[1:], start=2)]


def _row(kind: Kind, line: int, cells: tuple[str, ...]) -> ImportRow:
    given: dict[str, Any] = {}
    problems: list[Problem] = []
    branch = ""
    for column, text in zip(COLUMNS[kind], cells, strict=True):
        if column.field == "branch":
            branch = text
        elif column.kind == "bool":
            if text in (YES, NO):
                given[column.field] = text == YES
            elif text:
                label = column.header.rstrip("*")
                problems.append(Problem("YES_NO_FORMAT", f"{label}请填写“是”或“否”", _camel(column.field), "X-4"))
        elif column.kind == "month" and len(text) == 10 and text[4] == "-" and text.endswith("-01"):
            given[column.field] = text[:7]  # a date cell (Excel turns 2019-05 into 2019-05-01)
        elif text:
            given[column.field] = text
    if kind == COMMITTEE_CADRES:
        given["is_cadre"] = True
    return ImportRow(line=line, cells=cells, form=MemberForm(**given), branch=branch, problems=problems)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# 导出团员: one row a member; the ID number masked unless asked for in full (then audited, exports.py).
EXPORT_HEADER = ("姓名", "性别", "身份证号", "出生日期", "民族", "政治面貌", "入团年月", "发展团员编号", "所在团支部",
                 "是否团干部", "职业", "学历", "实名校验")


def export(people: Sequence[tuple[Any, str]], *, full_id_numbers: bool) -> bytes:
    from zhtj.domain.membership import idcard

    rows = [(m.name, m.gender, m.id_number if full_id_numbers else idcard.mask(m.id_number),
             m.birth_date.isoformat() if m.birth_date else "", m.ethnicity or "", m.political_status or "",
             m.join_date or "", m.development_number or "", branch, YES if m.is_cadre else NO, m.occupation or "",
             m.education or "", m.verification or "") for m, branch in people]
    return excel.workbook("团员名单", EXPORT_HEADER, rows)
