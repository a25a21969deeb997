"""Rules of the transfers context, named for DOMAIN.md §5: small functions over plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
                  target_name: str | None, has_target_org: bool) -> list[Problem]:
    """TRF-3, 6, 7: one destination (a target org, 特殊单位, or another system by its full name), a reason from
    the list, a remark for special units. TRF-9 is destination_problems and routing_problems."""
    problems = []
    chosen = sum((has_target_org, special, bool((external_system or "").strip())))
    if chosen != 1:
        problems.append(Problem("TARGET_REQUIRED", "请选择转入组织、特殊单位或其他系统（只能选择一项）",
                                "targetOrgId", "TRF-3"))
    if reason not in values.TRANSFER_REASONS:
        problems.append(Problem("REASON_INVALID", "请选择转接原因", "reason", "TRF-2"))
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


# TRF-9 (decision 0060)
EMPLOYER_MAX = 100
TOWN_MAX = 50
TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")  # 乡镇街道 (民族乡 ends with 乡)
WORKPLACE_SUFFIXES = (*TOWN_SUFFIXES, "园区")  # 001 Q56: a large park's 团工委 may keep such a branch too
WORKPLACE_TOWN = "工作单位所在地乡镇街道"
NOT_UNEMPLOYED = "已落实工作单位的毕业生不能选择“未就业”将组织关系转往户籍地"
NOT_EMPLOYER = "转入组织须为工作单位的团组织；工作单位未建立团组织的，请转入工作单位所在地乡镇街道的流动团支部"
NOT_THIS_TOWN = "流动团支部只接收在本乡镇街道工作、单位尚未建立团组织的毕业生"
NOT_HOUSEHOLD = "选择“未就业”只能将组织关系转往户籍所在地乡镇街道的团组织"


@dataclass(frozen=True)
class Destination:
    """去向说明 (TRF-9), as the starter states it: employed (含自主创业) at `employer_name`, whose workplace lies
    in `workplace_town` (needed when the employer has no league org and the target is that town's 流动团支部);
    or not employed, with the household town (户籍所在地乡镇街道) that 未就业 may send the member to."""

    employed: bool
    employer_name: str | None = None
    workplace_town: str | None = None
    household_town: str | None = None

    def cleaned(self) -> Destination:
        def clean(text: str | None) -> str | None:
            return "".join((text or "").split()) or None
        if self.employed:
            return Destination(True, clean(self.employer_name), clean(self.workplace_town), None)
        return Destination(False, None, None, clean(self.household_town))


def _town_problems(town: str | None, field: str, suffixes: Sequence[str], what: str) -> list[Problem]:
    code = "WORKPLACE_TOWN" if field == "workplaceTown" else "HOUSEHOLD_TOWN"
    if not town:
        return [Problem(f"{code}_REQUIRED", f"请填写{what}", field, "TRF-9")]
    if len(town) > TOWN_MAX:
        return [Problem(f"{code}_TOO_LONG", f"{what}不能超过{TOWN_MAX}个字", field, "TRF-9")]
    if len(town) < 2 or not town.endswith(tuple(suffixes)):
        ends = "、".join(suffixes)
        return [Problem(f"{code}_INVALID", f"{what}须为乡镇街道的名称（以{ends}结尾）", field, "TRF-9")]
    return []


def destination_problems(destination: Destination | None, *, reason: str | None, graduate: bool,
                         in_system: bool) -> list[Problem]:
    """TRF-9, the statement itself: a graduate moving inside this system says whether they are employed; 未就业
    says "not employed" and names the household town (001 Q62, Q66: for a graduate, and for anyone who left a
    job); an employed graduate cannot choose 未就业; an employed one names the employer."""
    problems = []
    dest = destination.cleaned() if destination is not None else None
    if dest is None:
        if reason == UNEMPLOYED:
            problems.append(Problem("HOUSEHOLD_TOWN_REQUIRED", "选择“未就业”请填写户籍所在地乡镇街道", "householdTown",
                                    "TRF-9"))
        elif graduate and in_system:
            problems.append(Problem("EMPLOYMENT_REQUIRED", "毕业生转接请说明就业去向（已就业或未就业）", "employment",
                                    "TRF-9"))
        return problems
    if dest.employed:
        if reason == UNEMPLOYED:
            problems.append(Problem("REASON_NOT_ALLOWED", NOT_UNEMPLOYED, "reason", "TRF-9"))
        if not dest.employer_name or len(dest.employer_name) < 2:
            problems.append(Problem("EMPLOYER_NAME_REQUIRED", "请填写工作单位名称", "employerName", "TRF-9"))
        elif len(dest.employer_name) > EMPLOYER_MAX:
            problems.append(Problem("EMPLOYER_NAME_TOO_LONG", f"工作单位名称不能超过{EMPLOYER_MAX}个字", "employerName",
                                    "TRF-9"))
        if dest.workplace_town is not None:
            problems += _town_problems(dest.workplace_town, "workplaceTown", WORKPLACE_SUFFIXES, WORKPLACE_TOWN)
    elif reason == UNEMPLOYED or dest.household_town is not None:
        problems += _town_problems(dest.household_town, "householdTown", TOWN_SUFFIXES, "户籍所在地乡镇街道")
    return problems


def routing_problems(destination: Destination | None, *, reason: str | None, graduate: bool, target_floating: bool,
                     floating_names: Sequence[str], chain_names: Sequence[str]) -> list[Problem]:
    """TRF-9, the target inside this system, once the statement holds. `chain_names`: the full names of the
    target and of the orgs above it up to the first leading body (the employer's, or the town's, own league
    structure); `floating_names`: the target 流动团支部's full name and its parent's (the town or street that keeps
    it). An employed graduate goes to the employer's org, or where it has none to the 流动团支部 of the
    workplace's town (001 Q62, Q63: a 流动团支部 takes no graduate employed elsewhere); 未就业 goes to the
    household town's org."""
    dest = destination.cleaned() if destination is not None else None
    if dest is None:
        return []
    if dest.employed and graduate:
        if target_floating:
            town = dest.workplace_town
            if town is None:
                return [Problem("WORKPLACE_TOWN_REQUIRED", f"转入流动团支部请填写{WORKPLACE_TOWN}", "workplaceTown",
                                "TRF-9")]
            if not any(town in name for name in floating_names):
                return [Problem("WORKPLACE_TOWN_MISMATCH", NOT_THIS_TOWN, "targetOrgId", "TRF-9")]
            return []
        if dest.employer_name and not any(dest.employer_name in name for name in chain_names):
            return [Problem("EMPLOYER_ORG_MISMATCH", NOT_EMPLOYER, "targetOrgId", "TRF-9")]
    elif not dest.employed and reason == UNEMPLOYED:
        town = dest.household_town
        if town and not any(town in name for name in chain_names):
            return [Problem("HOUSEHOLD_TOWN_MISMATCH", NOT_HOUSEHOLD, "targetOrgId", "TRF-9")]
    return []
