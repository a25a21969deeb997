"""Membership rules (MEM-4..MEM-16, NUM-F1..F5) as small pure functions that return every Problem.

Each function checks one rule of DOMAIN.md and names it. Whether a plain field must be present at all
is MEM-3 (import minimum) and MEM-16 (complete profile, `missing_fields`): the other functions check
what is given, and an empty value passes unless the rule itself makes it required (MEM-7, MEM-10).
Fields are the GraphQL input names (EnterMemberInput in API.md); value lists are the shared ones of
DOMAIN.md §7 (zhtj.domain.shared.values); only the MEM-10 table of educations by study status is kept here.
Digits are ASCII digits only (`[0-9]`): a form is read through `normalize_text` (NFKC) first, which turns
full-width digits into ASCII; other scripts' digits are refused (decision 0005).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from zhtj.domain.membership import idcard
from zhtj.domain.shared import text, values
from zhtj.domain.shared.errors import Problem

# MEM-10 (decided): the highest FINISHED level (学历) a student of each study status may have.
# 中职 also takes upper-secondary graduates; 高职专科 also runs five-year programmes from 初中 (五年一贯制);
# a bachelor student comes from 普通高中, 中职 or 专科 (专升本); a postgraduate has a bachelor's or master's.
EDUCATION_BY_STUDY_STATUS: Mapping[str, tuple[str, ...]] = {
    "初中在读": ("小学",),
    "普通高中在读": ("初中",),
    "中职在读": ("初中", "普通高中"),
    "高职专科在读": ("初中", "普通高中", "中等职业教育"),
    "普通本科在读": ("普通高中", "中等职业教育", "大学专科"),
    "研究生在读": ("大学本科", "硕士研究生"),
}

# MEM-5: provincial rules may raise the join age: (from join year, minimum age).
PROVINCIAL_JOIN_AGE: Mapping[str, tuple[tuple[int, int], ...]] = {"新疆": ((2016, 13),)}
# MEM-7, NUM-F2: the development number is required from 2017, earlier in some provinces.
NUMBER_REQUIRED_FROM = 2017
PROVINCIAL_NUMBER_REQUIRED_FROM: Mapping[str, int] = {"新疆": 2016}
MIN_AGE = 14  # MEM-6
MAX_AGE = 28  # MEM-6
PARTY_APPLICATION_AGE = 18  # MEM-8: the party application is asked, and made, from 18
PARTY_JOIN_AGE = 18  # MEM-2: party membership starts at 18 (党章: 年满十八岁)

ID_NUMBER_TAKEN = Problem("ID_NUMBER_TAKEN", "该身份证号已注册", "idNumber", "MEM-4")


def name_character_problems(name: str | None, field: str = "name") -> list[Problem]:
    """MEM-2: a person's name shows what it holds: no zero-width, bidi-control or line-break characters, which
    would make look-alike duplicates or reversed text (shared/text.py)."""
    if not text.has_invisible(name):
        return []
    return [Problem("NAME_INVISIBLE_CHARACTER", "姓名" + text.INVISIBLE_WORDS, field, "MEM-2")]

# ASCII digits only, matched whole (fullmatch): `\d` would take any script's digits, and `$` a final newline.
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a digit of another script (Arabic-Indic ٣, Devanagari ३, …)
_SHANDONG_LEGACY = {"201516": (2015, 2016), "201617": (2016, 2017)}  # NUM-F5: prefix → join years
_NUMBER_MESSAGES = {
    "REQUIRED": "2017年以后发展的团员，发展团员编号必填",
    "FORMAT": "发展团员编号格式错误",
    "YEAR": "发展团员编号前四位必须与入团年份相同",
}
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def normalize_text(value: str | None) -> str | None:
    """How a typed text is read (decision 0005): NFKC, so the full-width ０-９, Ａ-Ｚ, ＠ and spaces of a Chinese
    IME become ASCII, then trimmed. None stays None (not given); other scripts' digits stay as typed."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _parse_date(value: str) -> date | None:
    """'YYYY-MM-DD' in ASCII digits as a real date, or None."""
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def last_day_of_month(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def province_key(province: str | None) -> str:
    """'新疆维吾尔自治区' and '新疆' are the same province (decided: 新疆生产建设兵团 is not 新疆 here)."""
    value = _text(province)
    for suffix in _PROVINCE_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            return value[: -len(suffix)]
    return value


def id_number_problems(id_number: str | None, id_number_confirm: str | None, *, today: date) -> list[Problem]:
    """MEM-4: a GB 11643 number with a real birth date; typed twice on entry, both the same.
    `id_number_confirm=None` means it was typed once (an import row); uniqueness is the service's."""
    problems = idcard.problems_of(id_number or "", today)
    if id_number_confirm is not None and idcard.normalize(id_number_confirm) != idcard.normalize(id_number or ""):
        problems.append(Problem("ID_NUMBER_MISMATCH", "两次输入的身份证号不一致", "idNumberConfirm", "MEM-4"))
    return problems


def parse_year_month(
    raw: str | None, *, today: date, field: str = "joinDate", label: str = "入团时间", rule: str = "MEM-2"
) -> date | list[Problem]:
    """'YYYY-MM' (ASCII digits) as the first day of that month, or its problems: a real month, not after this
    month. The first day orders months ("not in the future" is by month); ages on a year-month are taken on
    its LAST day (decision 0009, MEM-5: the benefit of the doubt)."""
    value = _text(raw)
    if not value:
        return [Problem("YEAR_MONTH_REQUIRED", f"请填写{label}", field, rule)]
    match = _YEAR_MONTH.fullmatch(value)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        return [Problem("YEAR_MONTH_FORMAT", f"{label}格式应为YYYY-MM（例如2019-05）", field, rule)]
    first = date(int(match[1]), int(match[2]), 1)
    if first > today.replace(day=1):
        return [Problem("YEAR_MONTH_IN_FUTURE", f"{label}不能晚于当前月份", field, rule)]
    return first


def min_join_age(join_year: int, province: str | None = None) -> int:
    """MEM-5: 14 from 2019, 13 in 2017-2018, 12 before; a province rule may only raise it."""
    base = 14 if join_year >= 2019 else 13 if join_year >= 2017 else 12
    raised = [age for since, age in PROVINCIAL_JOIN_AGE.get(province_key(province), ()) if join_year >= since]
    return max([base, *raised])


def join_date_problems(
    join_date: str | None, birth_date: date, *, today: date, province: str | None = None
) -> list[Problem]:
    """MEM-5: the join month is real, not in the future (by month), not before the birth month, and the
    member was old enough by its LAST day (decision 0009: the day of the month is unknown, so the benefit
    of the doubt: someone who turns 14 on 20 May 2019 may have joined in May 2019, not in April)."""
    joined = parse_year_month(join_date, today=today, rule="MEM-5")
    if isinstance(joined, list):
        return joined
    if joined < birth_date.replace(day=1):
        return [Problem("JOIN_DATE_BEFORE_BIRTH", "入团时间不能早于出生日期", "joinDate", "MEM-5")]
    needed = min_join_age(joined.year, province)
    if idcard.age_on(birth_date, last_day_of_month(joined)) < needed:
        return [Problem("JOIN_AGE_TOO_YOUNG", f"{joined.year}年入团须年满{needed}周岁", "joinDate", "MEM-5")]
    return []


def is_over_age(birth_date: date, *, today: date, is_cadre: bool) -> bool:
    """MEM-6 (超龄离团): at 28 full years a member without a league post leaves; cadres have no bound."""
    return not is_cadre and idcard.age_on(birth_date, today) >= MAX_AGE


def age_now_problems(
    birth_date: date, *, today: date, is_cadre: bool, political_status: str | None = None
) -> list[Problem]:
    """MEM-6, decided precisely: "older than 14" = at least 14 full years (周岁) today, for members and
    cadres; "younger than 28" = under 28 full years, for members without a post. Party members
    (中共党员/中共预备党员) under 28 keep their membership; at 28 they leave like everyone else."""
    age = idcard.age_on(birth_date, today)
    if age < MIN_AGE:
        return [Problem("AGE_TOO_YOUNG", f"团员、团干部须年满{MIN_AGE}周岁", "idNumber", "MEM-6")]
    if is_over_age(birth_date, today=today, is_cadre=is_cadre):
        who = "中共党员" if political_status in values.PARTY_STATUSES else "团员"
        message = f"{who}已满{MAX_AGE}周岁且未担任团内职务，不再保留团籍（超龄离团）"
        return [Problem("AGE_OVER_LIMIT", message, "idNumber", "MEM-6")]
    return []


def development_number_required(join_year: int, province: str | None = None) -> bool:
    """MEM-7: required for those who joined in 2017 or later (新疆: 2016 or later)."""
    return join_year >= PROVINCIAL_NUMBER_REQUIRED_FROM.get(province_key(province), NUMBER_REQUIRED_FROM)


def development_number_problems(
    number: str | None, join_year: int, *, province: str | None = None, field: str = "developmentNumber"
) -> list[Problem]:
    """MEM-7 with the NUMBERS format; at most one problem (a wrong format makes the year moot).
    Decided: 2016 in 新疆 follows NUM-F4 (12 digits, first four = 2016, as MEM-7 says); 2016 elsewhere
    is optional but, when given, checked like NUM-F1 (its year part must equal the join year, NUM-1).
    Digits are ASCII: a free-form NUM-F1 number with another script's digit is a format error too. Its
    length is MEM-2's (TEXT_LIMITS)."""
    value = _text(number)

    def problem(kind: str, rule: str) -> list[Problem]:
        return [Problem(f"DEVELOPMENT_NUMBER_{kind}", _NUMBER_MESSAGES[kind], field, rule)]

    required = development_number_required(join_year, province)
    if not value:
        return problem("REQUIRED", "MEM-7") if required else []
    legacy = _SHANDONG_LEGACY.get(value[:6], ()) if province_key(province) == "山东" else ()
    if join_year in legacy and _SIXTEEN_DIGITS.fullmatch(value):
        return []  # NUM-F5
    if join_year in (2017, 2018):
        if not _TWELVE_DIGITS.fullmatch(value):
            return problem("FORMAT", "NUM-F3")
        return [] if value[:4] in ("2017", "2018") else problem("YEAR", "NUM-F3")
    if required:
        rule = "NUM-F4" if join_year >= 2019 else "NUM-F2"
        if not _TWELVE_DIGITS.fullmatch(value):
            return problem("FORMAT", rule)
        return [] if value[:4] == str(join_year) else problem("YEAR", rule)
    rule = "NUM-F2" if join_year == 2016 else "NUM-F1"
    if len(value) <= 4 or _OTHER_DIGIT.search(value):
        return problem("FORMAT", rule)
    return [] if value.startswith(str(join_year)) else problem("YEAR", rule)


def party_application_problems(
    submitted: bool | None, application_date: str | None, birth_date: date, *, today: date
) -> list[Problem]:
    """MEM-8: members under 18 (full years, today) are not asked whether they applied to join the party.
    From 18 the date (YYYY-MM-DD) is given only with a submitted application (MEM-2), is not in the future,
    and is not before the 18th birthday: the application is only made from 18."""
    value, field = _text(application_date), "partyApplicationDate"
    if idcard.age_on(birth_date, today) < PARTY_APPLICATION_AGE:
        if submitted or value:
            message = f"未满{PARTY_APPLICATION_AGE}周岁的团员不填写是否递交入党申请书"
            return [Problem("PARTY_APPLICATION_UNDER_18", message, "submittedPartyApplication", "MEM-8")]
        return []
    if not value:
        return []
    if submitted is not True:
        message = "未递交入党申请书的团员不填写递交入党申请书时间"
        return [Problem("PARTY_APPLICATION_DATE_NOT_ALLOWED", message, field, "MEM-2")]
    applied = _parse_date(value)
    if applied is None:
        return [Problem("DATE_FORMAT", "递交入党申请书时间格式应为YYYY-MM-DD", field, "MEM-2")]
    if applied > today:
        return [Problem("PARTY_APPLICATION_DATE_IN_FUTURE", "递交入党申请书时间不能晚于今天", field, "MEM-2")]
    if idcard.age_on(birth_date, applied) < PARTY_APPLICATION_AGE:
        age = PARTY_APPLICATION_AGE
        message = f"递交入党申请书时间不能早于年满{age}周岁之日（年满{age}周岁方可递交入党申请书）"
        return [Problem("PARTY_APPLICATION_DATE_TOO_EARLY", message, field, "MEM-8")]
    return []


def party_join_date_problems(
    political_status: str | None, party_join_date: str | None, *, birth_date: date, today: date
) -> list[Problem]:
    """MEM-2: party join date (YYYY-MM-DD) is required for 中共党员/中共预备党员 and not given otherwise; it is
    not in the future and not before the 18th birthday (full years: party membership starts at 18)."""
    value, field = _text(party_join_date), "partyJoinDate"
    if political_status not in values.PARTY_STATUSES:
        if value:
            return [Problem("PARTY_JOIN_DATE_NOT_ALLOWED", "非中共党员（预备党员）不填写入党时间", field, "MEM-2")]
        return []
    if not value:
        return [Problem("PARTY_JOIN_DATE_REQUIRED", "中共党员（预备党员）须填写入党时间", field, "MEM-2")]
    joined = _parse_date(value)
    if joined is None:
        return [Problem("DATE_FORMAT", "入党时间格式应为YYYY-MM-DD", field, "MEM-2")]
    if joined > today:
        return [Problem("PARTY_JOIN_DATE_INVALID", "入党时间不能晚于今天", field, "MEM-2")]
    if idcard.age_on(birth_date, joined) < PARTY_JOIN_AGE:
        message = f"入党时间不能早于年满{PARTY_JOIN_AGE}周岁之日（年满{PARTY_JOIN_AGE}周岁方可入党）"
        return [Problem("PARTY_JOIN_DATE_INVALID", message, field, "MEM-2")]
    return []


def study_problems(
    occupation: str | None,
    study_status: str | None,
    job_type: str | None,
    education: str | None,
    *,
    job_types: tuple[str, ...] = values.SPECIFIC_OCCUPATIONS,
    educations: tuple[str, ...] = values.EDUCATIONS,
    education_by_study_status: Mapping[str, tuple[str, ...]] = EDUCATION_BY_STUDY_STATUS,
) -> list[Problem]:
    """MEM-10: a student gives a study status and no specific occupation, a working youth the reverse;
    a student's education is the highest FINISHED level, as EDUCATION_BY_STUDY_STATUS allows."""
    occupation, study_status, job_type, education = map(_text, (occupation, study_status, job_type, education))
    problems: list[Problem] = []

    def add(code: str, message: str, field: str) -> None:
        problems.append(Problem(code, message, field, "MEM-10"))

    if occupation and occupation not in values.OCCUPATIONS:
        add("OCCUPATION_INVALID", "职业应为青年学生或职业青年", "occupation")
    if education and education not in educations:
        add("EDUCATION_INVALID", "学历不在可选范围内", "education")
    if occupation == values.STUDENT:
        if not study_status:
            add("STUDY_STATUS_REQUIRED", "青年学生须填写在读状况", "studyStatus")
        elif study_status not in education_by_study_status:
            add("STUDY_STATUS_INVALID", "在读状况不在可选范围内", "studyStatus")
        elif education in educations and education not in education_by_study_status[study_status]:
            allowed = "、".join(education_by_study_status[study_status])
            add("EDUCATION_INCONSISTENT", f"学历应为已完成的最高学历，{study_status}的学历应为{allowed}", "education")
        if job_type:
            add("JOB_TYPE_NOT_ALLOWED", "青年学生不填写具体职业", "jobType")
    elif occupation == values.WORKING_YOUTH:
        if not job_type:
            add("JOB_TYPE_REQUIRED", "职业青年须填写具体职业", "jobType")
        elif job_type not in job_types:
            add("JOB_TYPE_INVALID", "具体职业不在可选范围内", "jobType")
        if study_status:
            add("STUDY_STATUS_NOT_ALLOWED", "职业青年不填写在读状况", "studyStatus")
    return problems


def mobile_problems(mobile: str | None, *, required: bool = False, field: str = "mobile") -> list[Problem]:
    """MEM-11: a mainland mobile number, 11 digits 1[3-9]xxxxxxxxx (a parent's or teacher's will do)."""
    value = _text(mobile)
    if not value:
        return [Problem("MOBILE_REQUIRED", "请填写手机号码", field, "MEM-11")] if required else []
    if not _MOBILE.fullmatch(value):
        return [Problem("MOBILE_FORMAT", "请输入正确的11位手机号码", field, "MEM-11")]
    return []


# MEM-12: grassroots orgs (团委, 团工委, 团总支 and the branches) have only 书记, 副书记, 委员 (+ 工作人员 in
# committees): their 常委, 候补委员 and old 组织委员… are 委员. Staff titles are 工作人员 (none in branches).
GRASSROOTS_CATEGORIES: tuple[str, ...] = (*values.COMMITTEE_CATEGORIES, *values.BRANCH_CATEGORIES)
STAFF_TITLES: tuple[str, ...] = ("干事", "专职干事", "兼职干事", "工作人员")


def normalize_position(title: str | None, *, org_category: str | None = None) -> str:
    """MEM-12: old and long titles map to the normalized posts: 团委书记 → 书记; 团委副书记 → 副书记; 组织委员,
    宣传委员, 团支部纪检委员 → 委员; 干事 → 工作人员. 常委/常务委员 → 常委 and 候补委员 stay posts of leading bodies
    only: in a grassroots org (`org_category` in GRASSROOTS_CATEGORIES, 000 Q3.10) they are 委员. Without a
    category the leading bodies' reading is kept. Unknown titles stay as typed (without spaces)."""
    value = (normalize_text(title) or "").replace(" ", "")
    grassroots = org_category in GRASSROOTS_CATEGORIES
    if value.endswith("副书记"):
        return "副书记"
    if value.endswith("书记"):
        return "书记"
    if value.endswith("候补委员"):
        return "委员" if grassroots else "候补委员"
    if "常委" in value or "常务委员" in value:
        return "委员" if grassroots else "常委"
    if value.endswith("委员"):
        return "委员"
    if value in STAFF_TITLES:
        return "工作人员"
    return value


def position_problems(position: str | None, org_category: str, *, field: str = "position") -> list[Problem]:
    """MEM-12: a cadre's post, normalized for its org first, is one of its org's posts (无职务 ends a post:
    not here). A branch has no staff: 干事/工作人员 there is refused with the branch's posts."""
    normalized = normalize_position(position, org_category=org_category)
    if not normalized:
        return [Problem("POSITION_REQUIRED", "请填写团内现任职务", field, "MEM-12")]
    allowed = values.positions_for(org_category)
    if normalized not in allowed:
        posts = "、".join(allowed)
        staff = org_category in values.BRANCH_CATEGORIES and normalized == "工作人员"
        message = (f"{org_category}不设工作人员（干事），团内现任职务应为：{posts}" if staff
                   else f"{org_category}的团内现任职务应为：{posts}")
        return [Problem("POSITION_INVALID", message, field, "MEM-12")]
    return []


def cadre_problems(
    *,
    position: str | None,
    org_category: str,
    cadre_nature: str | None = None,
    appointment_method: str | None = None,
    position_since: str | None = None,
    on_duty: str | None = None,
    today: date,
) -> list[Problem]:
    """MEM-12 for a cadre's post; nature, method, start month and on-duty status (在岗状态, MEM-2) are
    checked when given (MEM-16 asks for them)."""
    problems = position_problems(position, org_category)
    if _text(cadre_nature) not in ("", *values.CADRE_NATURES):
        problems.append(Problem("CADRE_NATURE_INVALID", "团干部性质应为专职、兼职或挂职", "cadreNature", "MEM-12"))
    if _text(appointment_method) not in ("", *values.APPOINTMENT_METHODS):
        message = "任现职方式应为选举、任命、聘任或其他"
        problems.append(Problem("APPOINTMENT_METHOD_INVALID", message, "appointmentMethod", "MEM-12"))
    if _text(position_since):
        since = parse_year_month(position_since, today=today, field="positionSince", label="任现职年月")
        if isinstance(since, list):
            problems.extend(since)
    if _text(on_duty) not in ("", *values.DUTY_STATUSES):
        problems.append(Problem("ON_DUTY_INVALID", "在岗状态应为在岗或离岗", "onDuty", "MEM-2"))
    return problems


_MEMBER_REQUIRED = ("name", "idNumber", "ethnicity", "occupation")
_MEMBER_REQUIRED_AFTER_STUDY = ("education", "politicalStatus", "joinDate")
_MEMBER_REQUIRED_LAST = ("isCadre", "mobile", "householdAddress", "registeredVolunteer")
_CADRE_REQUIRED = ("position", "positionSince", "cadreNature", "onPartyCommittee")


def _is_empty(value: object) -> bool:
    """None, blank text and empty collections are empty; False and 0 are answers."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple | set | dict) and not value)


def missing_fields(
    member_fields: Mapping[str, object],
    *,
    is_cadre: bool,
    is_student: bool,
    org_is_committee: bool,
    party_member: bool,
    joined_2020_or_later: bool,
    has_application_pdf: bool,
) -> list[str]:
    """MEM-16: the camelCase names of the * fields of MEM-2 that apply and are empty, in MEM-2's order.
    A missing key counts as empty; False is an answer. Students need studyStatus, others jobType; party
    members partyJoinDate; cadres their post fields, and committee cadres onDuty (在岗状态); MEM-9:
    applicationForm when joined in 2020 or later without a PDF. The name/ID check plays no part."""
    wanted = [*_MEMBER_REQUIRED, "studyStatus" if is_student else "jobType", *_MEMBER_REQUIRED_AFTER_STUDY]
    if party_member:
        wanted.append("partyJoinDate")
    wanted.extend(_MEMBER_REQUIRED_LAST)
    if is_cadre:
        wanted.extend(_CADRE_REQUIRED)
        if org_is_committee:
            wanted.append("onDuty")
    missing = [name for name in wanted if _is_empty(member_fields.get(name))]
    if joined_2020_or_later and not has_application_pdf:
        missing.append("applicationForm")
    return missing
