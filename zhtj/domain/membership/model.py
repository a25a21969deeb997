"""People of the league: members and cadres (MEM-1, MEM-2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

ACTIVE = "ACTIVE"                      # entered by an admin, or a self-report approved
AWAITING_REVIEW = "AWAITING_REVIEW"    # MEM-14: a self-report waiting for the branch
RETURNED = "RETURNED"                  # MEM-14: returned with a reason, to be edited
WITHDRAWN = "WITHDRAWN"                # MEM-14: withdrawn by the member


@dataclass(eq=False)
class Member:
    """团员 or 团干部 (MEM-2). Cadres of committees and leading bodies may have no branch (MEM-1)."""

    name: str
    id_number: str
    gender: str
    birth_date: date
    branch_id: int | None = None
    political_status: str = "共青团员"
    join_date: str | None = None  # YYYY-MM
    mobile: str | None = None
    created_at: datetime | None = None
    ethnicity: str | None = None
    ethnicity_note: str | None = None  # the name, when ethnicity is 其他
    occupation: str | None = None
    study_status: str | None = None
    job_type: str | None = None
    education: str | None = None
    development_number: str | None = None
    party_join_date: date | None = None
    is_cadre: bool = False
    household_address: str | None = None
    email: str | None = None
    qq: str | None = None
    wechat: str | None = None
    weibo: str | None = None
    submitted_party_application: bool | None = None
    party_application_date: date | None = None
    registered_volunteer: bool | None = None
    volunteer_since: str | None = None  # YYYY-MM
    verification: str = "未校验"  # MEM-13, see membership/verification.py
    verification_note: str | None = None
    verification_photo: str | None = None
    verification_checked_at: datetime | None = None  # the last answer of the outside service
    verification_started_at: datetime | None = None  # the first try of a check still being retried (72 h)
    status: str = ACTIVE  # MEM-14
    report_submitted_at: datetime | None = None
    report_return_reason: str | None = None
    graduate: bool = False  # ORG-11
    delayed_graduation: bool = False  # 延期毕业 (ORG-11): ticked by an admin, so the yearly switch leaves them be
    aged_out_on: date | None = None  # 超龄离团 (MEM-6): flagged by the jobs on the day they found it
    updated_at: datetime | None = None
    id: int | None = field(default=None)


@dataclass(eq=False)
class CadrePosition:
    """A post held in one org (MEM-12); a cadre may hold posts in several orgs (MEM-1)."""

    member_id: int
    org_id: int
    position: str
    since: str | None = None  # YYYY-MM
    appointment_method: str | None = None  # 任现职方式
    cadre_nature: str | None = None  # 团干部性质
    on_party_committee: bool | None = None  # 是否同级党(工)委委员
    on_duty: str | None = None  # 在岗状态, committees only
    id: int | None = field(default=None)
