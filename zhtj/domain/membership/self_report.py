"""团员报到 (MEM-14) and self-registration (ACC-2): a member fills in their own profile, chooses their branch and
waits for it. Until the branch approves, nothing else is possible; the member may withdraw and edit and submit
again; the branch (or an admin above it, ACC-4 decided) approves, or returns it with a reason. A report left
unanswered for 30 days ends by itself (ACC-2 decided): it shows as EXPIRED and can be submitted again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from zhtj.domain.identity import audit
from zhtj.domain.identity import rules as account_rules
from zhtj.domain.identity.scope import administers_member, visible_member
from zhtj.domain.identity.services import Viewer, token_hash
from zhtj.domain.membership import idcard, probing, profile, verification
from zhtj.domain.membership.model import ACTIVE, AWAITING_REVIEW, RETURNED, WITHDRAWN, Member
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.membership.services import MEMBER_ORGS, _new_person, province_name, uniqueness_problems
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork

EXPIRED = "EXPIRED"  # computed, never stored: AWAITING_REVIEW for 30 days or more
REPORT_LIFETIME = timedelta(days=30)  # ACC-2 decided
REASON_MAX = 200
BRANCH_DELETED = "所选团支部已被撤销，请重新选择团支部后提交"


def report_status(member: Member, now: datetime) -> str:
    """ACTIVE, AWAITING_REVIEW, RETURNED, WITHDRAWN, or EXPIRED once a report has waited 30 days (ACC-2)."""
    submitted = member.report_submitted_at
    if member.status == AWAITING_REVIEW and submitted is not None and now - submitted >= REPORT_LIFETIME:
        return EXPIRED
    return member.status


def expiry_cutoff(now: datetime) -> datetime:
    """Reports submitted at or before this moment have expired."""
    return now - REPORT_LIFETIME


def review_problems(status: str, approve: bool, reason: str | None) -> list[Problem]:
    """MEM-14: only a report awaiting review is reviewed; a return says why. ACC-2: an expired one is not."""
    problems = []
    if status == EXPIRED:
        problems.append(Problem("SELF_REPORT_EXPIRED", "该报到申请超过30天未审核，已自动失效，请团员重新提交",
                                "memberId", "ACC-2"))
    elif status != AWAITING_REVIEW:
        problems.append(Problem("SELF_REPORT_NOT_AWAITING", "该报到申请不在待审核状态", "memberId", "MEM-14"))
    text = (reason or "").strip()
    if not approve and not text:
        problems.append(Problem("REASON_REQUIRED", "退回报到申请请填写退回原因", "reason", "MEM-14"))
    elif not approve and len(text) > REASON_MAX:
        problems.append(Problem("REASON_TOO_LONG", f"退回原因不能超过{REASON_MAX}个字", "reason", "MEM-14"))
    return problems


async def self_report(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer | None,
                      branch_id: int | None, form: MemberForm, password: str | None,
                      secret: str = "", client: str | None = None) -> Member:
    """团员报到. Without a login: a new person waiting for the branch, with an account and the typed password
    (ACC-2). Logged in while not yet a member: their own record is rewritten and submitted again. Every
    problem of the form at once, with the checks of enterMember (MEM-2..12, MEM-4, NUM-4)."""
    now = clock.now()
    form = replace(form, is_cadre=False, position=None, position_since=None, appointment_method=None,
                   cadre_nature=None, on_party_committee=None, on_duty=None)  # a self-reporter is no cadre
    member = None
    if viewer is not None:
        assert viewer.member.id is not None
        member = await uow.members.lock(viewer.member.id)
        if member is None:
            raise NotFound(None, "团员")
        if member.status == ACTIVE:
            raise DomainError.of("SELF_REPORT_NOT_ALLOWED", "您已是团员，无需报到；资料有误请联系所在团支部修改",
                                 None, "MEM-14")
    # Per client address, with or without a token: a waiting reporter's token must not lift the limit; with a
    # token, per account as well, whatever the address.
    keys = ([_probe_key(secret, client)] if client else []) + ([probing.account_key(viewer)] if viewer else [])
    for key in keys:
        probing.refuse_if_probing(await uow.throttles.get(key), now, "SELF_REPORT_THROTTLED", "ACC-2")
    password_hash = None
    if member is None and password and not account_rules.password_problems(
            password, idcard.normalize(form.id_number or ""), field="password", name=(form.name or "").strip()):
        await uow.commit()  # nothing is locked while the slow hash waits for its slot and runs (decision 0065)
        password_hash = await hasher.hash(password)
    problems: list[Problem] = []
    branch = await uow.organizations.get(branch_id) if branch_id is not None else None
    if branch is not None and branch.category not in MEMBER_ORGS:
        branch = None  # not a branch: answered as no branch at all, so org ids cannot be sorted by kind
    if branch is None:
        problems += NotFound("branchId", "团支部").problems
    province = await province_name(uow, branch) if branch else None
    problems += profile.form_problems(form, today=today(clock), org_category=values.BRANCH, province=province)
    problems += await uniqueness_problems(uow, None, form, except_id=member.id if member else None)
    if member is None:
        if not password:
            problems.append(Problem("PASSWORD_REQUIRED", "请设置登录密码", "password", "ACC-1"))
        else:
            problems += account_rules.password_problems(password, idcard.normalize(form.id_number or ""),
                                                        field="password", name=(form.name or "").strip())
    if problems:
        if probing.reveals(problems):
            for key in keys:
                await probing.count_probe(uow, key, now)
        raise DomainError(problems)
    assert branch is not None and branch.id is not None
    if member is None:
        member = await _new_person(uow, clock, hasher, form, branch.id, password_hash=password_hash)
    else:
        await _rewrite(uow, member, form, today(clock))
    member.branch_id, member.status = branch.id, AWAITING_REVIEW
    member.report_submitted_at, member.report_return_reason, member.updated_at = now, None, now
    verification.queue(member, now)  # MEM-13: the name/ID check runs at the next round
    audit.record(uow, clock, member.id, "selfReport", member, f"Organization:{branch.id}")
    await uow.commit()
    return member


async def _rewrite(uow: UnitOfWork, member: Member, form: MemberForm, on: date) -> None:
    """The reporter's own record, as typed again; a new ID number is also the new login name (ACC-1)."""
    old_number = member.id_number
    new_number = idcard.normalize(form.id_number or "")
    renamed = (form.name or "").strip() != member.name
    profile.apply(form, member)
    if new_number != old_number:
        parsed = idcard.parse(new_number, on)  # already checked by form_problems
        assert not isinstance(parsed, list)
        member.id_number, member.gender, member.birth_date = parsed.value, parsed.gender, parsed.birth_date
        account = await uow.accounts.by_id_number(old_number)
        if account is not None:
            account.id_number = parsed.value
    if renamed or new_number != old_number:
        verification.reset(member)


async def review_self_report(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None,
                             approve: bool, reason: str | None) -> Member:
    """资料审核 (MEM-14): an admin of the chosen branch or of an org above it approves (the person becomes a
    member) or returns the report with a reason."""
    member = await visible_member(uow, viewer, member_id, "memberId")
    if not await administers_member(uow, viewer, member):
        raise NotFound("memberId", "团员")
    assert member.id is not None
    locked = await uow.members.lock(member.id)
    assert locked is not None
    problems = review_problems(report_status(locked, clock.now()), approve, reason)
    if problems:
        raise DomainError(problems)
    locked.status = ACTIVE if approve else RETURNED
    locked.report_return_reason = None if approve else (reason or "").strip()
    locked.updated_at = clock.now()
    audit.record(uow, clock, viewer.member.id, "reviewSelfReport", locked,
           "approved" if approve else f"returned: {locked.report_return_reason}")
    await uow.commit()
    return locked


async def withdraw_self_report(*, uow: UnitOfWork, clock: Clock, viewer: Viewer) -> Member:
    """撤回报到 (MEM-14): the reporter takes back a report awaiting review (or expired), to edit it."""
    assert viewer.member.id is not None
    member = await uow.members.lock(viewer.member.id)
    if member is None or member.status != AWAITING_REVIEW:
        raise DomainError.of("NOTHING_TO_WITHDRAW", "没有待审核的报到申请可以撤回", None, "MEM-14")
    member.status, member.updated_at = WITHDRAWN, clock.now()
    audit.record(uow, clock, member.id, "withdrawSelfReport", member)
    await uow.commit()
    return member


async def release_reports(uow: UnitOfWork, branch_id: int) -> int:
    """A branch is deleted (ORG-7): people still reporting to it are not members to move; their reports come
    back to them (awaiting ones as RETURNED, with the reason) without a branch, to choose another."""
    found = await uow.members.reports_in(branch_id)
    for member in found:
        if member.status == AWAITING_REVIEW:
            member.status, member.report_return_reason = RETURNED, BRANCH_DELETED
        member.branch_id = None
    await uow.flush()
    return len(found)


def _probe_key(secret: str, client: str) -> str:
    return token_hash(secret, "self-report:" + client)
