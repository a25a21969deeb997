"""Forgotten passwords (ACC-5): an admin issues a reset code, the member resets with ID number + code.

A code is issued by an admin of the member's branch or of an org where they hold a post, or of any org
above (ACC-4 decided); only an HMAC of it is stored. It is valid 2 days, used once, and a new one ends
the older unused ones. `resetPassword` is public, so it answers every wrong ID number, code or state with
one RESET_CODE_INVALID and counts the tries per typed ID number, known or not, as login does (ACC-1)."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from zhtj.domain.identity import audit, rules
from zhtj.domain.identity.admins import CODE_ALPHABET, normalize_code
from zhtj.domain.identity.model import Account, AuditEntry, LoginThrottle, PasswordResetCode
from zhtj.domain.identity.scope import administers_member, manages_member
from zhtj.domain.identity.services import Viewer, throttle_key, token_hash, wait_words
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import Member
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import DomainError, NotFound, Problem, Problems
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork

CODE_LENGTH = 8  # about 40 bits; tries are throttled per ID number like logins
CODE_INVALID = Problem("RESET_CODE_INVALID", "身份证号或重置码错误，或重置码已失效", "code", "ACC-5")


@dataclass(frozen=True)
class IssuedResetCode:
    """A code shown once to the admin who passes it on; only its keyed hash is kept."""

    member: Member
    code: str
    expires_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(secret: str, code: str) -> str:
    """Read aloud and retyped like registration codes: case, spaces and dashes do not matter."""
    return token_hash(secret, "reset:" + normalize_code(code))


def reset_throttle_key(secret: str, id_number: str) -> str:
    """Reset tries are counted apart from login failures, for the same typed ID number."""
    return throttle_key(secret, "reset:" + id_number)


async def _end_live_codes(uow: UnitOfWork, account_id: int, now: datetime) -> None:
    """An unused code that is still valid stops working now (it expires: the table keeps no other mark)."""
    for earlier in await uow.reset_codes.live_for(account_id):
        if earlier.is_live(now):
            earlier.expires_at = now


async def issue_password_reset_code(*, uow: UnitOfWork, clock: Clock, secret: str, viewer: Viewer,
                                    member_id: int | None) -> IssuedResetCode:
    """ACC-5: a code for a member in the viewer's scope; anyone else is NOT_FOUND. Not for oneself (the
    password is changed with the old one), nor for an admin of an org outside the viewer's scope."""
    member = await uow.members.get(member_id) if member_id is not None else None
    if member is None or member.id is None or not await administers_member(uow, viewer, member):
        raise NotFound("memberId", "团员")
    if member.id == viewer.member.id:
        raise DomainError.of("RESET_CODE_FOR_SELF", "不能为本人发放重置码，请使用修改密码", "memberId", "ACC-5")
    if not await manages_member(uow, viewer, member):
        message = "该人员的所在组织或其管理的组织不在您的管理范围内，请由其上级组织的管理员发放重置码"
        raise DomainError.of("RESET_CODE_NEEDS_HIGHER_ADMIN", message, "memberId", "ACC-4")
    account = await uow.accounts.by_id_number(member.id_number)
    if account is None or account.id is None or account.member_id != member.id:
        raise DomainError.of("NO_ACCOUNT", "该人员尚无账号", "memberId", "ACC-5")
    now = clock.now()
    await _end_live_codes(uow, account.id, now)
    code = new_code()
    while await uow.reset_codes.by_hash(code_hash(secret, code)) is not None:  # the hash is unique
        code = new_code()
    expires_at = now + values.RESET_CODE_VALID_FOR
    uow.reset_codes.add(PasswordResetCode(account_id=account.id, code_hash=code_hash(secret, code), issued_at=now,
                                          expires_at=expires_at, issued_by=viewer.member.id))
    audit.record(uow, clock, viewer.member.id, "issuePasswordResetCode", member,
                 f"expires {expires_at.isoformat()}")
    await uow.commit()
    return IssuedResetCode(member, code, expires_at)


def _matches(account: Account | None, issued: PasswordResetCode | None, now: datetime) -> bool:
    return (account is not None and issued is not None and issued.account_id == account.id
            and issued.is_live(now))


def _refuse_if_blocked(throttle: LoginThrottle | None, now: datetime) -> None:
    if throttle and throttle.blocked_until and now < throttle.blocked_until:
        seconds = math.ceil((throttle.blocked_until - now).total_seconds())
        raise DomainError.of("RESET_THROTTLED", f"重置码错误次数过多，请{wait_words(seconds)}后再试", "code", "ACC-5")


async def reset_password(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, secret: str,
                         id_number: str, code: str, new_password: str) -> Account:
    """ACC-5: with a live code of the account, the new password replaces the old one, every session ends
    and the code is used up. The new password's problems all come back at once, with RESET_CODE_INVALID
    when the code does not fit; a code that does not fit counts towards the wait and the lock (ACC-1)."""
    now = clock.now()
    problems = Problems()
    parsed = idcard.parse(id_number, today(clock), field="idNumber", rule="ACC-5")
    if isinstance(parsed, list):
        problems.extend(parsed)
        problems.extend(rules.password_problems(new_password, idcard.normalize(id_number)))
        problems.raise_if_any()
    assert not isinstance(parsed, list)
    problems.extend(rules.password_problems(new_password, parsed.value))
    key = reset_throttle_key(secret, parsed.value)
    _refuse_if_blocked(await uow.throttles.get(key), now)
    digest = code_hash(secret, code)
    account = await uow.accounts.by_id_number(parsed.value)
    issued = await uow.reset_codes.by_hash(digest) if normalize_code(code) else None
    fits = _matches(account, issued, now)
    new_hash = ""
    if fits and not problems:  # only the code's holder learns that the name is in the password
        assert account is not None
        person = await uow.members.get(account.member_id)
        problems.extend(rules.password_problems(new_password, parsed.value, name=person.name if person else None))
    if fits:
        problems.raise_if_any()  # the code stays usable for a better password; nothing is counted
        await uow.commit()  # nothing is locked while the slow hash is made
        new_hash = await hasher.hash(new_password)
    throttle = await uow.throttles.lock(key)
    _refuse_if_blocked(throttle, now)  # a failure that raced this try started a wait
    if fits:  # a reset racing this one may have used the code meanwhile
        issued = await uow.reset_codes.by_hash(digest, for_update=True)
        fits = _matches(account, issued, now)
    if not fits:
        throttle.failures += 1
        throttle.last_failure_at = now
        throttle.blocked_until = rules.blocked_until(throttle.failures, now)
        await uow.commit()  # the failure counts even though the answer is an error
        problems.extend([CODE_INVALID])
        problems.raise_if_any()
    assert account is not None and account.id is not None and issued is not None
    throttle.failures, throttle.blocked_until = 0, None
    login_key = throttle_key(secret, parsed.value)
    login_throttle = await uow.throttles.lock(login_key) if await uow.throttles.get(login_key) else None
    if login_throttle is not None:  # the owner proved themself: a login lock ends too
        login_throttle.failures, login_throttle.blocked_until = 0, None
    # The account's row, locked after the login throttle's as login takes them: a login that checked the old
    # password either stored its token before (revoked below) or finds the new hash and gets none.
    account = await uow.accounts.lock(account.id) or account
    account.password_hash = new_hash
    account.must_change_password = False
    account.password_changed_at = now
    issued.used_at = now
    await _end_live_codes(uow, account.id, now)
    await uow.tokens.revoke_all(account.id, now)
    uow.audit.add(AuditEntry(at=now, actor_member_id=account.member_id, action="resetPassword",
                             subject=f"Member:{account.member_id}", detail=f"code issued by Member:{issued.issued_by}"))
    await uow.commit()
    return account


__all__ = ["CODE_INVALID", "IssuedResetCode", "issue_password_reset_code", "reset_password"]
