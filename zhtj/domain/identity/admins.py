"""Org admins (ACC-3): registration codes from above, registering with one, adding and removing admins.

A code is issued by an admin of the org's parent or of any org above it (ACC-4 decided); only an HMAC of
it is stored, one live code per org, and it registers one admin. Later admins are added by an admin of
the org or of an org above it, from the org's cadres."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from zhtj.domain.identity import audit
from zhtj.domain.identity import rules as account_rules
from zhtj.domain.identity.model import Account, AdminCode, LoginThrottle, OrgAdmin
from zhtj.domain.identity.scope import administered_org
from zhtj.domain.identity.services import Viewer, count_failure, seconds_blocked, throttle_key, token_hash, wait_words
from zhtj.domain.membership import idcard
from zhtj.domain.membership import rules as member_rules
from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.messages import model as message_kinds
from zhtj.domain.messages import services as messages
from zhtj.domain.organization import rules as org_rules
from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import DomainError, NotFound, Problem, Problems
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_LENGTH = 12
NAME_MAX = 50
BRANCH_DEFAULT_POST = "委员"   # the post a registrant takes when they name none
OTHER_DEFAULT_POST = "工作人员"
CODE_INVALID = Problem("ADMIN_CODE_INVALID", "注册码无效或已被使用", "code", "ACC-3")
WRONG_PASSWORD = Problem("ACCOUNT_EXISTS_WRONG_PASSWORD", "该身份证号已注册，请输入该账号的现有密码",
                         "password", "ACC-1")


@dataclass(frozen=True)
class IssuedCode:
    """A code for one org, shown once; `code` is None when the org needs none (`note` says why)."""

    organization: Organization
    code: str | None
    note: str | None = None


# issueAdminCodes hands the issued codes to this (the infrastructure writes the workbook and keeps a
# download) before the transaction commits; what it answers (the download's id) comes back.
CodeSheetExport = Callable[[Organization, Sequence[IssuedCode]], Awaitable[str]]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """Codes are read aloud and retyped: case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]", "", raw).upper()


def code_hash(secret: str, code: str) -> str:
    return token_hash(secret, "admin-code:" + normalize_code(code))


def code_tries_key(secret: str, hashed_code: str) -> str:
    """ACC-3: the throttle of failed registrations with one code (its stored hash), apart from any login's."""
    return token_hash(secret, "admin-code-tries:" + hashed_code)


def _refuse_if_code_blocked(throttle: LoginThrottle | None, now: datetime) -> None:
    seconds = seconds_blocked(throttle, now)
    if seconds is not None:
        raise DomainError.of("ADMIN_CODE_THROTTLED", f"注册失败次数过多，请{wait_words(seconds)}后再试", "code",
                             "ACC-3")


async def _locked_in_scope(uow: UnitOfWork, viewer: Viewer, org: Organization,
                           field: str) -> tuple[Organization, tuple[str, ...]]:
    """ACC-3, ACC-4: the org row locked, then the viewer's own admin rights read again inside the transaction, with
    their paths. The Viewer was built when the request came in; a removeAdmin that committed since (two admins
    removing each other at once) must not leave its loser acting on a right it no longer has. An org the viewer
    no longer administers answers NOT_FOUND, as any org out of scope."""
    locked = await uow.organizations.lock(org.id or 0)
    paths = tuple(o.path for o in await uow.admins.orgs_of(viewer.member.id or 0))
    if locked is None or viewer.is_restricted or not any(is_within(locked.path, p) for p in paths):
        raise NotFound(field, "组织")
    return locked, paths


def _limit_reached(org: Organization, field: str) -> Problem:
    limit = org_rules.max_admins(org.category)
    return Problem("ADMIN_LIMIT_REACHED", f"本组织管理员已达上限（{limit}人）", field, "ACC-3")


async def _admin_count(uow: UnitOfWork, org: Organization) -> int:
    return len(await uow.admins.of_org(org.id or 0))


async def _issue(uow: UnitOfWork, clock: Clock, secret: str, viewer: Viewer, org: Organization) -> str:
    """A fresh code for the org; an earlier unused one stops working (one live code per org)."""
    now = clock.now()
    for earlier in await uow.admin_codes.live_for(org.id or 0):
        earlier.revoked_at = now
    code = new_code()
    uow.admin_codes.add(AdminCode(org_id=org.id or 0, code_hash=code_hash(secret, code), issued_at=now,
                                  issued_by=viewer.member.id))
    return code


async def issue_admin_code(*, uow: UnitOfWork, clock: Clock, secret: str, viewer: Viewer,
                           org_id: int | None) -> IssuedCode:
    """ACC-3: a registration code for an org below one the viewer administers, while it has room for an admin."""
    org = await administered_org(uow, viewer, org_id, "orgId")
    # Locked before its admins and live codes are read: two issues at once leave one live code (PostgreSQL).
    org, admin_paths = await _locked_in_scope(uow, viewer, org, "orgId")
    if org.is_root:
        raise DomainError.of("ROOT_HAS_NO_CODE", "团中央没有上级组织，不发放注册码；请由现有管理员添加管理员",
                             "orgId", "ACC-3")
    if not any(is_within(org.path, p) and p != org.path for p in admin_paths):
        raise DomainError.of("CODE_FROM_ABOVE_ONLY", "注册码由上级组织的管理员发放", "orgId", "ACC-3")
    if await _admin_count(uow, org) >= org_rules.max_admins(org.category):
        raise DomainError(_limit_reached(org, "orgId"))
    code = await _issue(uow, clock, secret, viewer, org)
    audit.record(uow, clock, viewer.member.id, "issueAdminCode", org, "")
    await uow.commit()
    return IssuedCode(org, code)


async def issue_admin_codes(*, uow: UnitOfWork, clock: Clock, secret: str, viewer: Viewer, org_id: int | None,
                            export: CodeSheetExport) -> tuple[list[IssuedCode], str]:
    """ACC-3: codes for every direct child at once, as a file; children at their limit get none."""
    parent = await administered_org(uow, viewer, org_id, "orgId")
    parent, _ = await _locked_in_scope(uow, viewer, parent, "orgId")
    children = await uow.organizations.children(parent.id or 0)
    if not children:
        raise DomainError.of("NO_CHILD_ORGS", "该组织没有直属下级组织", "orgId", "ACC-3")
    issued = []
    for child in children:
        if await uow.organizations.lock(child.id or 0) is None:  # each child locked before its codes are read
            continue
        limit = org_rules.max_admins(child.category)
        if await _admin_count(uow, child) >= limit:
            issued.append(IssuedCode(child, None, f"管理员已达上限（{limit}人），未生成注册码"))
        else:
            issued.append(IssuedCode(child, await _issue(uow, clock, secret, viewer, child)))
    audit.record(uow, clock, viewer.member.id, "issueAdminCodes", parent, f"{sum(1 for i in issued if i.code)} codes")
    download_id = await export(parent, issued)
    await uow.commit()
    return issued, download_id


async def register_admin(
    *, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, secret: str, code: str, id_number: str,
    name: str, mobile: str, password: str, position: str | None = None,
) -> tuple[Member, Organization]:
    """ACC-3: whoever holds a live code becomes a cadre and an admin of its org. A person already known by the
    ID number keeps their record and, if they have an account, proves it with its password (never replaced)."""
    problems = Problems()
    issued = await uow.admin_codes.by_hash(code_hash(secret, code)) if normalize_code(code) else None
    # The org row is locked first, then the code read again: two registrations with one code, or one
    # racing addAdmin, queue here instead of both passing the limit (PostgreSQL; SQLite locks at BEGIN).
    org = await uow.organizations.lock(issued.org_id) if issued is not None else None
    issued = await uow.admin_codes.by_hash(code_hash(secret, code), for_update=True) if org else None
    org = org if issued is not None and issued.is_live else None
    # A live code answers whether an ID number is registered, under which name: failed registrations are
    # throttled per code like logins, and a code in its wait looks nothing up (ACC-3, ACC-4).
    tries_key = code_tries_key(secret, issued.code_hash) if org is not None and issued is not None else None
    if tries_key is not None:
        _refuse_if_code_blocked(await uow.throttles.get(tries_key), clock.now())
    if org is None:
        problems.extend([CODE_INVALID])
    parsed = idcard.parse(id_number, today(clock), field="idNumber", rule="MEM-4")
    if isinstance(parsed, list):
        problems.extend(parsed)
    name = name.strip()
    if not name:
        problems.add("NAME_REQUIRED", "请填写姓名", "name", "MEM-2")
    elif len(name) > NAME_MAX:
        problems.add("NAME_TOO_LONG", f"姓名不能超过{NAME_MAX}个字", "name", "MEM-2")
    problems.extend(member_rules.name_character_problems(name))
    problems.extend(member_rules.mobile_problems(mobile, required=True))
    post = member_rules.normalize_position(position, org_category=org.category if org else None)
    person = account = None
    if isinstance(parsed, list) or org is None:
        # Without a live code nothing about the ID number is looked up: the answer must not tell whether
        # it is registered (ACC-1), and no login failure is counted for it.
        problems.extend(account_rules.password_problems(password, idcard.normalize(id_number), field="password",
                                                        name=name))
    else:
        person = await uow.members.by_id_number(parsed.value)
        account = await uow.accounts.by_id_number(parsed.value)
        if person is not None and name and person.name != name:
            problems.add("NAME_MISMATCH", "姓名与该身份证号已登记的姓名不一致", "name", "MEM-4")
        if person is not None and person.status != ACTIVE:
            problems.add("MEMBER_NOT_ACTIVE", "该人员的报到尚未审核通过，不能任职", "idNumber", "MEM-14")
        if account is None:
            problems.extend(account_rules.password_problems(password, parsed.value, field="password", name=name))
    if org is not None and post:
        problems.extend(await _post_problems(uow, org, post, person))
    if org is not None and person is not None and person.id is not None:
        problems.extend(await _grant_problems(uow, org, person.id))
    elif org is not None and await _admin_count(uow, org) >= org_rules.max_admins(org.category):
        problems.extend([_limit_reached(org, "code")])
    if account is not None:
        await _check_existing_password(uow, clock, hasher, secret, account, password, problems)
    if problems and tries_key is not None:
        throttle = await uow.throttles.lock(tries_key)
        count_failure(throttle, clock.now())
        await uow.commit()  # nothing else is written yet: this commit keeps only the count
    problems.raise_if_any()
    assert org is not None and issued is not None and not isinstance(parsed, list)
    now = clock.now()
    if person is None:
        person = Member(name=name, id_number=parsed.value, gender=parsed.gender, birth_date=parsed.birth_date,
                        mobile=mobile.strip(), created_at=now)
        uow.members.add(person)
        await uow.flush()
    elif account is not None or not person.mobile:
        person.mobile = mobile.strip()  # their own record: the password (or a first mobile) says so
    assert person.id is not None
    person.is_cadre = True
    if account is None:
        uow.accounts.add(Account(member_id=person.id, id_number=parsed.value, password_hash=await hasher.hash(password),
                                 must_change_password=False, created_at=now, password_changed_at=now))
    default = BRANCH_DEFAULT_POST if org.category in values.BRANCH_CATEGORIES else OTHER_DEFAULT_POST
    await _make_cadre(uow, person.id, org.id or 0, post or default)
    uow.admins.add(OrgAdmin(org_id=org.id or 0, member_id=person.id, granted_at=now, granted_by=issued.issued_by))
    issued.used_at, issued.used_by = now, person.id
    audit.record(uow, clock, person.id, "registerAdmin", org, f"Member:{person.id}")
    # X-2 (decision 0024): the code was the approval, so nothing waits; the issuing side is told it was used.
    messages.to_orgs(uow, clock, (org.parent_id,), kind=message_kinds.ADMIN_REGISTERED, name=org.full_name,
                     title="管理员注册码已使用", body=f"{name}已使用注册码注册为{org.full_name}的管理员。",
                     item=("Organization", org.id))
    await uow.commit()
    return person, org


async def _post_problems(uow: UnitOfWork, org: Organization, post: str, person: Member | None) -> list[Problem]:
    """MEM-12: one of the org's posts; an org has one 书记, changed through 职务变更, not by registering."""
    problems = member_rules.position_problems(post, org.category)
    if not problems and post == values.SECRETARY:
        holders = {p.member_id for p in await uow.members.positions_in(org.id or 0) if p.position == post}
        if holders - {person.id if person else None}:
            problems.append(Problem("SECRETARY_TAKEN", "本组织已有书记，请选择其他职务（更换书记请使用职务变更）",
                                    "position", "MEM-12"))
    return problems


async def _grant_problems(uow: UnitOfWork, org: Organization, member_id: int) -> list[Problem]:
    """ACC-3 re-checked at registration: room for one more admin, and not one already."""
    grants = await uow.admins.of_org(org.id or 0)
    if any(g.member_id == member_id for g in grants):
        return [Problem("ALREADY_ADMIN", "您已是本组织管理员", "idNumber", "ACC-3")]
    return [_limit_reached(org, "code")] if len(grants) >= org_rules.max_admins(org.category) else []


async def _check_existing_password(uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, secret: str,
                                   account: Account, password: str, problems: Problems) -> None:
    """ACC-1: the existing account's password. A wrong one counts against the code (register_admin), never
    against the account's login: a code holder must not lock its owner out. While the login itself is
    locked, a registration cannot try the password either."""
    if seconds_blocked(await uow.throttles.get(throttle_key(secret, account.id_number)), clock.now()) is not None:
        problems.add("LOGIN_THROTTLED", "密码错误次数过多，请稍后再试", "password", "ACC-1")
    elif not await hasher.verify(account.password_hash, password):
        problems.extend([WRONG_PASSWORD])


async def _make_cadre(uow: UnitOfWork, member_id: int, org_id: int, post: str) -> None:
    held = await uow.members.position(member_id, org_id)
    if held is None:
        uow.members.add_position(CadrePosition(member_id=member_id, org_id=org_id, position=post))
    elif held.position == values.NO_POSITION:
        held.position = post


async def add_admin(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
                    member_id: int | None) -> Organization:
    """ACC-3: a cadre of the org becomes one of its admins, within the limit."""
    org = await administered_org(uow, viewer, org_id, "orgId")
    org, _ = await _locked_in_scope(uow, viewer, org, "orgId")  # admins of one org are added one at a time
    if member_id is None:
        raise NotFound("memberId", "团干部")
    held = await uow.members.position(member_id, org.id or 0)
    grants = await uow.admins.of_org(org.id or 0)
    problems = org_rules.add_admin_problems(
        category=org.category, admin_count=len(grants),
        is_cadre_of_org=held is not None and held.position != values.NO_POSITION,
        already_admin=any(g.member_id == member_id for g in grants),
    )
    if problems:
        raise DomainError(problems)
    uow.admins.add(OrgAdmin(org_id=org.id or 0, member_id=member_id, granted_at=clock.now(),
                            granted_by=viewer.member.id))
    audit.record(uow, clock, viewer.member.id, "addAdmin", org, f"Member:{member_id}")
    await uow.commit()
    return org


async def remove_admin(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
                       member_id: int | None) -> Organization:
    """ACC-3: an admin of the org or above takes an admin right away; never their own. Two admins removing each
    other at once queue on the org's row, and the second finds its own right gone: one admin stays."""
    org = await administered_org(uow, viewer, org_id, "orgId")
    org, _ = await _locked_in_scope(uow, viewer, org, "orgId")
    if member_id is None:
        raise NotFound("memberId", "管理员")
    problems = org_rules.remove_admin_problems(actor_member_id=viewer.member.id or 0, target_member_id=member_id)
    if problems:
        raise DomainError(problems)
    grant = next((g for g in await uow.admins.of_org(org.id or 0) if g.member_id == member_id), None)
    if grant is None:
        raise DomainError.of("NOT_AN_ADMIN", "该成员不是本组织管理员", "memberId", "ACC-3")
    await uow.admins.remove(grant)
    audit.record(uow, clock, viewer.member.id, "removeAdmin", org, f"Member:{member_id}")
    await uow.commit()
    return org


__all__ = ["CodeSheetExport", "IssuedCode", "add_admin", "issue_admin_code", "issue_admin_codes",
           "register_admin", "remove_admin"]
