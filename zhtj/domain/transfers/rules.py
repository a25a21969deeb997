"""Rules of the transfers context, named for DOMAIN.md §5: small functions over plain values."""

from __future__ import annotations

from datetime import datetime

from zhtj.domain.shared import values
from zhtj.domain.shared.errors import Problem
from zhtj.domain.transfers.model import AWAITING_SOURCE, AWAITING_TARGET, EXPIRED, Transfer

RUNNING_MESSAGE = "已有业务正在办理，不能重复发起"
TRANSFER_RUNNING = Problem("TRANSFER_RUNNING", RUNNING_MESSAGE, "memberId", "TRF-1")
REMARK_MAX = 200
TARGET_NAME_MAX = 200
BATCH_MAX = 30  # TRF-4
TARGET_CATEGORIES = (*values.COMMITTEE_CATEGORIES, values.BRANCH)  # TRF-3: any committee or branch
ASSIGNABLE = (values.BRANCH,)  # a committee assigns one of its branches (TRF-2, TRF-3)
UNEMPLOYED = "未就业"


def is_overdue(transfer: Transfer, now: datetime) -> bool:
    """TRF-5: a running step unanswered for more than 10 days ends the transfer by itself."""
    return transfer.running and now - transfer.step_started_at > values.TRANSFER_STEP_LIMIT


def current_status(transfer: Transfer, now: datetime) -> str:
    """The stored state, or EXPIRED for a running one past its 10 days that the jobs have not reached yet."""
    return EXPIRED if is_overdue(transfer, now) else transfer.status


def may_withdraw_in(status: str) -> bool:
    """TRF-5: the initiator withdraws before the last approval (an assignment is not an approval)."""
    return status in (AWAITING_SOURCE, AWAITING_TARGET)


def form_problems(*, reason: str | None, remark: str | None, special: bool, external_system: str | None,
                  target_name: str | None, has_target_org: bool, graduate: bool) -> list[Problem]:
    """TRF-3, 6, 7, 9: one destination (a target org, 特殊单位, or another system by its full name), a reason from
    the list, a remark for special units; 未就业 only for graduates (TRF-9 decided)."""
    problems = []
    chosen = sum((has_target_org, special, bool((external_system or "").strip())))
    if chosen != 1:
        problems.append(Problem("TARGET_REQUIRED", "请选择转入组织、特殊单位或其他系统（只能选择一项）",
                                "targetOrgId", "TRF-3"))
    if reason not in values.TRANSFER_REASONS:
        problems.append(Problem("REASON_INVALID", "请选择转接原因", "reason", "TRF-2"))
    elif reason == UNEMPLOYED and not graduate:
        problems.append(Problem("REASON_NOT_ALLOWED", "“未就业”原因仅适用于毕业生", "reason", "TRF-9"))
    remark = (remark or "").strip()
    if special and not remark:
        problems.append(Problem("REMARK_REQUIRED", "转往特殊单位请在备注中填写去向", "remark", "TRF-6"))
    if len(remark) > REMARK_MAX:
        problems.append(Problem("REMARK_TOO_LONG", f"备注不能超过{REMARK_MAX}个字", "remark", "TRF-6"))
    if external_system is not None and external_system.strip():
        if external_system.strip() not in values.EXTERNAL_SYSTEMS:
            problems.append(Problem("EXTERNAL_SYSTEM_INVALID", "请选择其他系统（北京、广东、福建）",
                                    "externalSystem", "TRF-7"))
        name = (target_name or "").strip()
        if not name:
            problems.append(Problem("TARGET_NAME_REQUIRED", "请填写转入组织的准确全称", "targetName", "TRF-7"))
        elif len(name) > TARGET_NAME_MAX:
            problems.append(Problem("TARGET_NAME_TOO_LONG", f"组织全称不能超过{TARGET_NAME_MAX}个字", "targetName",
                                    "TRF-7"))
    return problems


def needs_archive(join_date: str | None) -> bool:
    """NUM-8: a member who joined in 2020 or later leaves for another system only with an approved e-archive."""
    return (join_date or "0") >= "2020"


def reason_text_problems(reason: str | None, field: str = "reason", rule: str = "TRF-5") -> list[Problem]:
    text = (reason or "").strip()
    if not text:
        return [Problem("REASON_REQUIRED", "请填写退回原因", field, rule)]
    if len(text) > REMARK_MAX:
        return [Problem("REASON_TOO_LONG", f"退回原因不能超过{REMARK_MAX}个字", field, rule)]
    return []
