"""Workbooks (.xlsx) people download: a header row, then one row per record (openpyxl).

Building one is CPU work: call `workbook` from a thread (`asyncio.to_thread`) with plain rows."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

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


MARKER_SHEET = "zhtj"  # very hidden: which template a workbook is (X-4), and the dropdowns' value lists
DROPDOWN_ROWS = 20_000


def workbook(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *, marker: str | None = None,
             dropdowns: Mapping[int, Sequence[str]] | None = None) -> bytes:
    """One sheet: a bold, frozen header row, every cell text (never a formula), each column as wide as its
    widest cell. `marker` goes into A1 of a very hidden sheet (a template knows its kind); `dropdowns` gives
    columns (0-based) a list to choose from, kept in that hidden sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if marker is not None or dropdowns:
        hidden = book.create_sheet(MARKER_SHEET)
        hidden.sheet_state = "veryHidden"
        hidden["A1"] = marker or ""
        for number, (index, choices) in enumerate(sorted((dropdowns or {}).items()), start=2):
            letter = get_column_letter(number)
            for line, choice in enumerate(choices, start=1):
                hidden[f"{letter}{line}"] = choice
            rule = DataValidation(type="list", formula1=f"{MARKER_SHEET}!${letter}$1:${letter}${max(len(choices), 1)}",
                                  allow_blank=True, showErrorMessage=False)
            target = get_column_letter(index + 1)
            rule.add(f"{target}2:{target}{DROPDOWN_ROWS}")
            sheet.add_data_validation(rule)
        for cells in hidden.iter_rows():
            for cell in cells:
                as_text(cell)
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


# Reading a workbook somebody uploaded: an .xlsx is a ZIP of XML. Its sizes are checked from the ZIP's
# directory before openpyxl opens it (zipfile never inflates an entry past its declared size), then the
# sheet is read row by row (read-only mode) and refused at the first row past the limit or the first formula.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # XML of a real sheet packs 5 to 30 times; a bomb packs thousands of times
MAX_ENTRIES = 500


class UnreadableWorkbook(Exception):
    """What is wrong with the file, in words for the person who uploaded it."""


def _count_rows(archive: zipfile.ZipFile, name: str, most: int) -> int:
    """Rows of a sheet, counted in its XML as it inflates, up to `most` + 1: a sheet of a million rows is
    refused after its first rows, before openpyxl parses any of it."""
    found, tail = 0, b""
    with archive.open(name) as stream:
        while found <= most and (chunk := stream.read(1 << 20)):
            found += (tail + chunk).count(b"<row") - tail.count(b"<row")
            tail = chunk[-4:]
    return found


def _check_zip(content: bytes, max_rows: int) -> None:
    if len(content) > MAX_UPLOAD_BYTES:
        raise UnreadableWorkbook(f"文件过大，导入文件不能超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableWorkbook("文件不是Excel工作簿（.xlsx），请使用导入模板填写后上传") from error
    if len(entries) > MAX_ENTRIES or "xl/workbook.xml" not in {e.filename for e in entries}:
        raise UnreadableWorkbook("文件不是Excel工作簿（.xlsx），请使用导入模板填写后上传")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES or any(e.file_size > MAX_RATIO * max(e.compress_size, 1024) for e in entries):
        raise UnreadableWorkbook("文件内容异常（解压后过大），请使用导入模板重新填写后上传")
    for entry in entries:
        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
            try:
                rows = _count_rows(archive, entry.filename, max_rows + 1)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise UnreadableWorkbook("文件不是Excel工作簿（.xlsx），请使用导入模板填写后上传") from error
            if rows > max_rows + 1:
                raise UnreadableWorkbook(f"一次最多导入{max_rows}行，请分成多个文件上传")


def cell_text(value: object) -> str:
    """A cell as the text a person typed: dates as YYYY-MM-DD (YYYY-MM when the first of a month is all that
    a year-month column needs is the reader's), whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(content: bytes, *, max_rows: int, max_columns: int) -> tuple[str, list[tuple[str, ...]]]:
    """(the marker of the hidden sheet, the first sheet's rows as texts, header first). Refuses with
    UnreadableWorkbook: not an .xlsx, a ZIP bomb, more than `max_rows` rows, any formula."""
    _check_zip(content, max_rows)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file; all mean the same to a person
        raise UnreadableWorkbook("文件不是Excel工作簿（.xlsx），请使用导入模板填写后上传") from error
    try:
        marker = ""
        if MARKER_SHEET in book.sheetnames:
            for cells in book[MARKER_SHEET].iter_rows(min_row=1, max_row=1, max_col=1):
                marker = cell_text(cells[0].value) if cells else ""
        sheet = book.worksheets[0]
        rows: list[tuple[str, ...]] = []
        for cells in sheet.iter_rows(max_row=max_rows + 2, max_col=max_columns):
            if any(getattr(c, "data_type", None) == "f" for c in cells):
                raise UnreadableWorkbook("表格中含有公式，请将公式转换为数值后再上传")
            texts = tuple(cell_text(c.value) for c in cells)
            if not any(texts):
                continue
            rows.append(texts)
            if len(rows) > max_rows + 1:
                raise UnreadableWorkbook(f"一次最多导入{max_rows}行，请分成多个文件上传")
        return marker, rows
    finally:
        book.close()
