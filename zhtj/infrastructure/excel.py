"""Workbooks (.xlsx) people download: a header row, then one row per record (openpyxl).

Building one is CPU work: call `workbook` from a thread (`asyncio.to_thread`) with plain rows."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhtj.domain.identity.admins import IssuedCode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_WIDTH, MAX_WIDTH = 8, 60

# ACC-3: the registration codes of every direct child, one row each.
ADMIN_CODE_HEADER = ("组织全称", "组织简称", "组织类别", "注册码", "说明")
ADMIN_CODE_NOTE = "一码一人，用于注册本组织管理员；请妥善保管"


def admin_code_rows(issued: Sequence[IssuedCode]) -> list[tuple[str, ...]]:
    return [(i.organization.full_name, i.organization.short_name, i.organization.category, i.code or "",
             i.note or ADMIN_CODE_NOTE) for i in issued]


# entry progress, a row per direct child and a total row; numbers stay numbers.
PROGRESS_HEADER = ("组织全称", "团支部总数", "达标团支部数", "团支部达标率", "录入团员数", "信息完整团员数",
                   "团员信息完整率", "基层组织总数", "录入团干部数", "信息完整团干部数")
PROGRESS_TOTAL = "合计"


def progress_rows(named: Sequence[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    """(name, tally) pairs, each tally with the counts of domain/progress/model.py's Tally."""
    return [(name, t.branches_total, t.branches_complete, t.branches_complete_share, t.members_entered,
             t.members_complete, t.members_complete_share, t.grassroots_total, t.cadres_entered, t.cadres_complete)
            for name, t in named]


def display_width(text: str) -> int:
    """Columns a text takes on screen: Chinese characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# A text starting with one of these is a formula to a spreadsheet once its cell is edited, or at once when
# imported as CSV: such cells also get Excel's quote prefix (shown as text, kept as text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Cell) -> None:
    """What people typed is a value, never a formula: openpyxl reads a string starting with "=" as one."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def workbook(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """One sheet: a bold, frozen header row, every cell text (never a formula), each column as wide as its
    widest cell."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            as_text(cell)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.number_format = "@"  # text: codes and numbers stay as typed
    for index, name in enumerate(header, start=1):
        widest = max([display_width(name), *(display_width(str(r[index - 1])) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
