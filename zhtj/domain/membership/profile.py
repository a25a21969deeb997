"""A member's profile as typed on a form (MEM-2), checked as a whole: every problem at once.

Every typed text of a form is read through `rules.normalize_text` (NFKC, trimmed) when the form is made,
and again before it is checked or stored: a full-width １３８… from a Chinese IME is the ASCII number, so
it is checked, looked up (MEM-4, NUM-4) and stored as one (decision 0005)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from zhtj.domain.membership import idcard, rules
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.shared import values
from zhtj.domain.shared.errors import Problem

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_QQ = re.compile(r"[1-9][0-9]{4,11}")  # ASCII digits only, matched whole

# MEM-2: the longest value each text field of a profile and a post may hold, as (label, characters): the
# sizes of the `members` and `cadre_positions` columns. NUM-F1 (before 2016) sets no maximum of its own.
TEXT_LIMITS: Mapping[str, tuple[str, int]] = MappingProxyType({
    "name": ("姓名", 50), "idNumber": ("身份证号", 18), "ethnicity": ("民族", 20), "ethnicityNote": ("民族名称", 20),
    "occupation": ("职业", 10), "studyStatus": ("在读状况", 20), "jobType": ("具体职业", 20),
    "education": ("学历", 20), "politicalStatus": ("政治面貌", 20), "joinDate": ("入团时间", 7),
    "developmentNumber": ("发展团员编号", 20), "mobile": ("手机号码", 20), "householdAddress": ("户籍地址", 200),
    "email": ("电子邮箱", 100), "qq": ("QQ号", 20), "wechat": ("微信号", 50), "weibo": ("微博号", 50),
    "volunteerSince": ("注册志愿者时间", 7), "position": ("团内现任职务", 20), "positionSince": ("任现职年月", 7),
    "appointmentMethod": ("任现职方式", 10), "cadreNature": ("团干部性质", 10), "onDuty": ("在岗状态", 10),
})

NAME_MAX = TEXT_LIMITS["name"][1]


@dataclass
class MemberForm:
    """EnterMemberInput (API.md) in the domain's words; None is "not given"."""

    name: str | None = None
    id_number: str | None = None
    id_number_confirm: str | None = None  # None: typed once (an import row, an unchanged number)
    ethnicity: str | None = None
    ethnicity_note: str | None = None
    occupation: str | None = None
    study_status: str | None = None
    job_type: str | None = None
    education: str | None = None
    political_status: str | None = None
    join_date: str | None = None
    development_number: str | None = None
    party_join_date: str | None = None
    is_cadre: bool | None = None
    position: str | None = None
    position_since: str | None = None
    appointment_method: str | None = None
    cadre_nature: str | None = None
    on_party_committee: bool | None = None
    on_duty: str | None = None
    mobile: str | None = None
    household_address: str | None = None
    email: str | None = None
    qq: str | None = None
    wechat: str | None = None
    weibo: str | None = None
    submitted_party_application: bool | None = None
    party_application_date: str | None = None
    registered_volunteer: bool | None = None
    volunteer_since: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                setattr(self, f.name, rules.normalize_text(value))

    def normalized(self) -> MemberForm:
        """The form with every text in NFKC and trimmed (again: a field may have been set after it was made)."""
        return self.merged({})

    @classmethod
    def of(cls, member: Member, position: CadrePosition | None = None) -> MemberForm:
        """The stored profile as a form, to check it again after an edit."""
        form = cls(**{f.name: getattr(member, f.name) for f in fields(cls)
                      if hasattr(member, f.name) and f.name not in ("party_join_date", "party_application_date")})
        form.party_join_date = member.party_join_date.isoformat() if member.party_join_date else None
        form.party_application_date = (member.party_application_date.isoformat()
                                       if member.party_application_date else None)
        if position is not None:
            form.position, form.position_since = position.position, position.since
            form.appointment_method, form.cadre_nature = position.appointment_method, position.cadre_nature
            form.on_party_committee, form.on_duty = position.on_party_committee, position.on_duty
        return form

    def merged(self, changes: dict[str, Any]) -> MemberForm:
        return MemberForm(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


def _text(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def province_of(name: str | None) -> str | None:
    """The province key that MEM-5/MEM-7 rules know (新疆, 山东), read off a provincial org's name."""
    text = name or ""
    if "兵团" in text:
        return None
    return next((key for key in ("新疆", "山东") if key in text), None)


def form_problems(form: MemberForm, *, today: date, org_category: str, province: str | None,
                  minimal: bool = False, check_post: bool = True) -> list[Problem]:
    """MEM-2..12 on a whole form. `minimal` is MEM-3 (an import row: only the least fields are required);
    otherwise the input's required fields must hold a value. `check_post=False` leaves the cadre post alone
    (an edit of the profile). Uniqueness is the service's."""
    form = form.normalized()
    problems: list[Problem] = []
    add = problems.append
    if not _text(form.name):
        add(Problem("NAME_REQUIRED", "请填写姓名", "name", "MEM-2"))
    problems += rules.name_character_problems(form.name)
    problems += rules.id_number_problems(form.id_number, form.id_number_confirm, today=today)
    parsed = idcard.parse(form.id_number or "", today)
    born = None if isinstance(parsed, list) else parsed.birth_date

    if not _text(form.ethnicity):
        add(Problem("ETHNICITY_REQUIRED", "请选择民族", "ethnicity", "MEM-2"))
    elif form.ethnicity not in values.ETHNICITIES:
        add(Problem("ETHNICITY_INVALID", "民族不在可选范围内", "ethnicity", "MEM-2"))
    elif form.ethnicity == values.ETHNICITY_OTHER and not _text(form.ethnicity_note):
        add(Problem("ETHNICITY_NOTE_REQUIRED", "民族选择“其他”时请填写民族名称", "ethnicityNote", "MEM-2"))
    if not _text(form.political_status):
        add(Problem("POLITICAL_STATUS_REQUIRED", "请选择政治面貌", "politicalStatus", "MEM-2"))
    elif form.political_status not in values.POLITICAL_STATUSES:
        add(Problem("POLITICAL_STATUS_INVALID", "政治面貌不在可选范围内", "politicalStatus", "MEM-2"))
    if form.is_cadre is None:
        add(Problem("IS_CADRE_REQUIRED", "请选择是否为团干部", "isCadre", "MEM-2"))

    joined = rules.parse_year_month(form.join_date, today=today, rule="MEM-5")
    if born is not None:
        problems += rules.join_date_problems(form.join_date, born, today=today, province=province)
        problems += rules.age_now_problems(born, today=today, is_cadre=bool(form.is_cadre),
                                           political_status=form.political_status)
        problems += rules.party_join_date_problems(form.political_status, form.party_join_date, birth_date=born,
                                                   today=today)
        problems += rules.party_application_problems(form.submitted_party_application,
                                                     form.party_application_date, born, today=today)
    elif isinstance(joined, list):
        problems += joined
    if not isinstance(joined, list):
        problems += rules.development_number_problems(form.development_number, joined.year, province=province)

    if not minimal:
        problems += _full_entry_problems(form)
    problems += rules.study_problems(form.occupation, form.study_status, form.job_type, form.education,
                                     job_types=values.SPECIFIC_OCCUPATIONS, educations=values.EDUCATIONS)
    problems += rules.mobile_problems(form.mobile, required=not minimal)
    problems += _contact_problems(form, today)
    if not check_post:  # posts change through changePosition
        pass
    elif form.is_cadre:
        problems += rules.cadre_problems(position=form.position, org_category=org_category,
                                         cadre_nature=form.cadre_nature, appointment_method=form.appointment_method,
                                         position_since=form.position_since, on_duty=form.on_duty, today=today)
    elif _text(form.position) and rules.normalize_position(form.position,
                                                           org_category=org_category) != values.NO_POSITION:
        add(Problem("POSITION_NOT_ALLOWED", "非团干部不填写团内职务", "position", "MEM-12"))
    return problems + _length_problems(form, org_category, checked={p.field for p in problems})


def _length_problems(form: MemberForm, org_category: str, *, checked: set[str | None]) -> list[Problem]:
    """MEM-2: the values to be stored fit their fields (TEXT_LIMITS). A field that already has a problem
    keeps that one (a 25-digit mobile is a wrong mobile); the post is measured as it will be stored."""
    texts = {_camel(f.name): value for f in fields(form)
             if f.name != "id_number_confirm" and isinstance(value := getattr(form, f.name), str)}
    if _text(form.position):
        texts["position"] = rules.normalize_position(form.position, org_category=org_category)
    return [p for p in text_length_problems(texts) if p.field not in checked]


def text_length_problems(texts: Mapping[str, str | None]) -> list[Problem]:
    """MEM-2: a value longer than its field's TEXT_LIMITS is refused as `<FIELD>_TOO_LONG`, "…不能超过N个字"
    (rather than failing in storage). `texts` maps GraphQL field names to the values to be stored."""
    problems = []
    for field, value in texts.items():
        label, limit = TEXT_LIMITS.get(field, ("", 0))
        if limit and value is not None and len(value) > limit:
            code = re.sub(r"(?<!^)(?=[A-Z])", "_", field).upper() + "_TOO_LONG"
            problems.append(Problem(code, f"{label}不能超过{limit}个字", field, "MEM-2"))
    return problems


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _full_entry_problems(form: MemberForm) -> list[Problem]:
    """What an admin's entry form requires beyond the import minimum (MEM-2 * fields)."""
    problems = []
    for value, field, code, message in (
        (form.occupation, "occupation", "OCCUPATION_REQUIRED", "请选择职业"),
        (form.education, "education", "EDUCATION_REQUIRED", "请选择学历"),
        (form.household_address, "householdAddress", "HOUSEHOLD_ADDRESS_REQUIRED", "请填写户籍地址"),
    ):
        if not _text(value):
            problems.append(Problem(code, message, field, "MEM-2"))
    if form.registered_volunteer is None:
        problems.append(Problem("REGISTERED_VOLUNTEER_REQUIRED", "请选择是否为注册志愿者", "registeredVolunteer",
                                "MEM-2"))
    return problems


def _contact_problems(form: MemberForm, today: date) -> list[Problem]:
    problems = []
    if _text(form.email) and not _EMAIL.fullmatch(_text(form.email)):
        problems.append(Problem("EMAIL_FORMAT", "电子邮箱格式不正确", "email", "MEM-2"))
    if _text(form.qq) and not _QQ.fullmatch(_text(form.qq)):
        problems.append(Problem("QQ_FORMAT", "QQ号应为5至12位数字", "qq", "MEM-2"))
    if _text(form.volunteer_since):
        if not form.registered_volunteer:
            problems.append(Problem("VOLUNTEER_SINCE_NOT_ALLOWED", "非注册志愿者不填写注册时间", "volunteerSince",
                                    "MEM-2"))
        else:
            since = rules.parse_year_month(form.volunteer_since, today=today, field="volunteerSince",
                                           label="注册志愿者时间")
            if isinstance(since, list):
                problems += since
    return problems


def apply(form: MemberForm, member: Member) -> None:
    """Writes a checked form onto the stored member (normalized values: NFKC, trimmed; dates parsed)."""
    form = form.normalized()
    for name in ("ethnicity", "occupation", "study_status", "job_type", "education", "political_status",
                 "join_date", "mobile", "household_address", "email", "qq", "wechat", "weibo", "volunteer_since"):
        setattr(member, name, _text(getattr(form, name)) or None)
    member.name = _text(form.name)
    member.ethnicity_note = _text(form.ethnicity_note) if form.ethnicity == values.ETHNICITY_OTHER else None
    member.development_number = _text(form.development_number) or None
    member.party_join_date = date.fromisoformat(form.party_join_date) if _text(form.party_join_date) else None
    member.party_application_date = (date.fromisoformat(form.party_application_date)
                                     if _text(form.party_application_date) else None)
    member.submitted_party_application = form.submitted_party_application
    member.registered_volunteer = form.registered_volunteer
    member.is_cadre = bool(form.is_cadre)

