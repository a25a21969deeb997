"""Numbering rules (NUM-2, NUM-3, NUM-F6) as small pure functions that return every Problem."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta

from zhtj.domain.membership import rules as member_rules
from zhtj.domain.numbering.model import Segment
from zhtj.domain.shared import values
from zhtj.domain.shared.errors import Problem

NUMBER_LENGTH = 12  # NUM-F3, NUM-F4: segments hold the 12-digit numbers of 2016 (新疆) and later
FIRST_SEGMENT_YEAR = 2016


def is_segment_number(number: str) -> bool:
    """A number a segment can hold: exactly 12 ASCII digits."""
    return len(number) == NUMBER_LENGTH and number.isascii() and number.isdigit()


def range_problems(start: str, end: str, *, this_year: int) -> list[Problem]:
    """NUM-2: start and end are 12-digit numbers of one year (equal for a single number), start ≤ end."""
    problems = []
    for name, value in (("start", start), ("end", end)):
        if not is_segment_number(value):
            problems.append(Problem("SEGMENT_FORMAT", "号段起止编号须为12位数字", name, "NUM-2"))
    if problems:
        return problems
    if start > end:
        return [Problem("SEGMENT_RANGE", "号段结束编号不能小于起始编号", "end", "NUM-2")]
    if start[:4] != end[:4]:
        return [Problem("SEGMENT_YEAR", "一个号段的起止编号须属于同一年份", "end", "NUM-2")]
    if not FIRST_SEGMENT_YEAR <= int(start[:4]) <= this_year:
        return [Problem("SEGMENT_YEAR", f"号段年份须在{FIRST_SEGMENT_YEAR}年至今年之间", "start", "NUM-2")]
    return []


def domain_problems(domain: str, school_level: str | None) -> list[Problem]:
    """NUM-2: 学校领域 with its school level, or 社会领域 without one."""
    if domain not in values.NUMBER_DOMAINS:
        return [Problem("SEGMENT_DOMAIN", "号段领域须为学校领域或社会领域", "domain", "NUM-2")]
    if domain == values.SCHOOL_NUMBER_DOMAIN and school_level not in values.SCHOOL_LEVELS:
        return [Problem("SCHOOL_LEVEL_REQUIRED", "学校领域的号段须选择学段（初中、高中、中职、高校）",
                        "schoolLevel", "NUM-2")]
    if domain == values.SOCIAL_NUMBER_DOMAIN and school_level:
        return [Problem("SCHOOL_LEVEL_NOT_ALLOWED", "社会领域的号段没有学段", "schoolLevel", "NUM-2")]
    return []


def innermost(segments: Sequence[Segment]) -> Segment | None:
    """Of nested segments, the one handed down furthest: the smallest."""
    return min(segments, key=lambda s: s.size, default=None)


def placement_problems(start: str, end: str, domain: str, school_level: str | None, *,
                       overlapping: Sequence[Segment], target_ancestor_ids: Sequence[int],
                       may_open_top_level: bool) -> tuple[Segment | None, list[Problem]]:
    """NUM-2: segments never overlap; a segment handed down lies wholly inside the segment of an org above the
    target, in the same domain (decision 0015). Answers the parent segment (None: a top-level segment, which
    only a provincial-level org receives) and the problems."""
    containing = [s for s in overlapping if s.start <= start and end <= s.end]
    if len(containing) != len(overlapping):
        return None, [Problem("SEGMENT_OVERLAP", "号段与已分配的号段重叠", "start", "NUM-2")]
    parent = innermost(containing)
    if parent is None:
        if may_open_top_level:
            return None, []
        return None, [Problem("SEGMENT_OUTSIDE_PARENT", "号段须在上级组织已分配的号段之内", "start", "NUM-2")]
    if parent.org_id not in target_ancestor_ids:
        return None, [Problem("SEGMENT_OVERLAP", "号段与已分配的号段重叠", "start", "NUM-2")]
    if (parent.domain, parent.school_level) != (domain, school_level or None):
        message = f"号段须与上级号段属于同一领域（{parent.label}领域）"
        return None, [Problem("SEGMENT_DOMAIN_MISMATCH", message, "domain", "NUM-2")]
    return parent, []


def entry_domain_problem(segment: Segment, *, occupation: str | None, study_status: str | None,
                         field: str = "developmentNumber") -> Problem | None:
    """NUM-3: a school-domain number needs a student of that school level, a social-domain one working youth."""
    if segment.domain == values.SCHOOL_NUMBER_DOMAIN:
        fits = (occupation == values.STUDENT
                and values.SCHOOL_LEVEL_OF_STUDY_STATUS.get(study_status or "") == segment.school_level)
    else:
        fits = occupation == values.WORKING_YOUTH
    if fits:
        return None
    message = f"该发展团员编号属于{segment.label}领域，与拟录入团员所属领域不符，请重新核实"
    return Problem("NUMBER_DOMAIN_MISMATCH", message, field, "NUM-3")


NOT_OUR_SEGMENT = Problem("NUMBER_SEGMENT_NOT_OURS", "该发展团员编号不在本组织的号段内（号段不对）",
                          "developmentNumber", "NUM-F6")
OUTSIDE_SEGMENTS = Problem("NUMBER_OUTSIDE_SEGMENTS", "该发展团员编号不在已分配的号段内（号段不对）",
                           "developmentNumber", "NUM-F6")


# NUM-6: one PDF of at most 15 MB, every page present
ARCHIVE_MAX_BYTES = 15 * 1024 * 1024
_PDF_PROBLEMS = {
    "NOT_PDF": ("ARCHIVE_NOT_PDF", "文件不是PDF格式，请上传PDF格式的入团志愿书"),
    "ENCRYPTED": ("ARCHIVE_ENCRYPTED", "PDF文件已加密，请上传未加密的文件"),
    "NO_PAGES": ("ARCHIVE_NO_PAGES", "PDF文件没有页面，请上传完整的入团志愿书"),
    "UNREADABLE": ("ARCHIVE_UNREADABLE", "PDF文件已损坏或无法读取，请重新扫描后上传"),
}


def archive_size_problem(size: int, field: str = "file") -> Problem | None:
    if size == 0:
        return Problem("ARCHIVE_EMPTY", "文件为空，请上传入团志愿书PDF文件", field, "NUM-6")
    if size > ARCHIVE_MAX_BYTES:
        return Problem("ARCHIVE_TOO_LARGE", "文件不能超过15MB", field, "NUM-6")
    return None


def pdf_problem(verdict: str, field: str = "file") -> Problem | None:
    """The PdfChecker's word as a problem; OK is none, anything unknown is unreadable."""
    if verdict == "OK":
        return None
    code, message = _PDF_PROBLEMS.get(verdict, _PDF_PROBLEMS["UNREADABLE"])
    return Problem(code, message, field, "NUM-6")


def archive_file_name(sha256: str) -> str:
    """Content-addressed: the same bytes are stored once, under their hash."""
    return f"archives/{sha256[:2]}/{sha256}.pdf"


# NUM-7: 姓名+手机号码+入团志愿书.pdf, the "+" typed or not
BATCH_MAX_FILES = 20
_BATCH_NAME = re.compile(r"^(?P<name>.+?)[+＋_\-\s]*(?P<mobile>1[0-9]{10})[+＋_\-\s]*入团志愿书\.pdf$", re.IGNORECASE)


def batch_file_name(file_name: str) -> tuple[str, str] | None:
    """The name and mobile a batch file is named for, or None when the name does not follow NUM-7."""
    found = _BATCH_NAME.match(unicodedata.normalize("NFKC", (file_name or "").strip()))
    return (found["name"].strip(), found["mobile"]) if found else None


# NUM-1, NUM-9: kinds of irregular (不规范) numbers, in report order
IRREGULAR_KINDS = ("RELEASED", "EMPTY", "FORMAT", "YEAR", "SEGMENT", "MISSING_ARCHIVE", "ARCHIVE_OVERDUE")
ARCHIVE_REQUIRED_FROM = "2020"  # MEM-9
ARCHIVE_DEADLINE_DAYS = 30  # NUM-6: "经上级团委审批同意并盖章后 30 日内，完成电子版上传"


def archive_due_on(join_date: str | None) -> date | None:
    """NUM-6: the day by which the e-archive of a member who joined in 2020 or later should be uploaded, or None
    when none is required (MEM-9). The join date is a month (YYYY-MM) and the approval day is not recorded, so
    the 30 days run from the month's last day: the reading that never calls a member late too early. A later
    upload is still accepted (decision 0050): the deadline is reported, not enforced."""
    value = (join_date or "").strip()
    if value < ARCHIVE_REQUIRED_FROM or not re.fullmatch(r"\d{4}-\d{2}", value):
        return None
    year, month = int(value[:4]), int(value[5:])
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1]) + timedelta(days=ARCHIVE_DEADLINE_DAYS)


def irregular_kinds(*, number: str | None, join_date: str | None, province: str | None, branch_path: str,
                    segment_owner_path: str | None, province_has_segments: bool, released: bool,
                    has_archive: bool, today: date | None = None) -> list[str]:
    """NUM-1's kinds for one member: RELEASED (the number went to another member, NUM-4, and none was given
    since), EMPTY (required and missing), FORMAT (length or format), YEAR (not the join year), SEGMENT
    (号段不对, NUM-F6: inside another org's segment, or outside every segment once the province has segments
    of that year), MISSING_ARCHIVE (joined 2020 or later with no e-archive, MEM-9) and ARCHIVE_OVERDUE (missing
    past NUM-6's 30-day deadline on `today`)."""
    kinds = []
    value = (number or "").strip()
    year = int(join_date[:4]) if join_date and join_date[:4].isdigit() else None
    if year is not None:
        codes = {p.code for p in member_rules.development_number_problems(value, year, province=province)}
        if "DEVELOPMENT_NUMBER_REQUIRED" in codes:
            kinds.append("RELEASED" if released else "EMPTY")
        kinds += [kind for kind in ("FORMAT", "YEAR") if f"DEVELOPMENT_NUMBER_{kind}" in codes]
    if is_segment_number(value):
        inside_other = segment_owner_path is not None and not branch_path.startswith(segment_owner_path)
        if inside_other or (segment_owner_path is None and province_has_segments):
            kinds.append("SEGMENT")
    if (join_date or "") >= ARCHIVE_REQUIRED_FROM and not has_archive:
        kinds.append("MISSING_ARCHIVE")
        due = archive_due_on(join_date)
        if today is not None and due is not None and today > due:
            kinds.append("ARCHIVE_OVERDUE")
    return kinds
