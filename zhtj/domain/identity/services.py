"""Use cases of the identity context: login, logout, password change, who is asking."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from zhtj.domain.identity import rules
from zhtj.domain.identity.model import Account, AuthToken, LoginThrottle
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import Member
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork

BAD_CREDENTIALS = Problem("INVALID_CREDENTIALS", "身份证号或密码错误", None, "ACC-1")


@dataclass(frozen=True)
class Viewer:
    """Who is asking, for the length of one request."""

    account: Account
    member: Member
    admin_of: tuple[Organization, ...]
    expires_at: datetime | None = None  # the token's; a viewer kept between requests ends with it

    @property
    def must_change_password(self) -> bool:
        return self.account.must_change_password

    @property
    def is_restricted(self) -> bool:
        """An initial password not yet changed (ACC-1) or a self-report not yet approved (MEM-14): such a
        viewer may read their own record only, and administers nothing until then."""
        return self.account.must_change_password or self.member.status != "ACTIVE"

    @property
    def admin_paths(self) -> tuple[str, ...]:
        return tuple(o.path for o in self.admin_of)


def token_hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def throttle_key(secret: str, id_number: str) -> str:
    return token_hash(secret, "login:" + id_number)


def address_throttle_key(secret: str, client: str) -> str:
    """The throttle row of wrong logins from one address (ACC-1, decision 0018)."""
    return token_hash(secret, "login-address:" + client)


@dataclass(frozen=True)
class Session:
    token: str
    account: Account


async def login(
    *, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, secret: str,
    id_number: str, password: str, lifetime: timedelta = rules.TOKEN_LIFETIME, client: str | None = None,
) -> Session:
    """ACC-1: a bearer token for the right ID number and password; repeated failures slow down, then
    lock, whether or not the ID number exists, and the answer never tells which. Failures are counted per ID
    number and per `client` address; while either waits, no password is checked."""
    now = clock.now()
    parsed = idcard.parse(id_number, today(clock), field="idNumber", rule="ACC-1")
    if isinstance(parsed, list):
        raise DomainError(parsed)
    key = throttle_key(secret, parsed.value)
    address_key = address_throttle_key(secret, client) if client else None
    _refuse_if_blocked(await uow.throttles.get(key), now)
    if address_key is not None:
        _refuse_if_blocked(await uow.throttles.get(address_key), now)
    account = await uow.accounts.by_id_number(parsed.value)
    await uow.commit()  # nothing is locked while the slow hash is checked
    checked_hash = account.password_hash if account is not None else None
    if account is None or checked_hash is None:
        await hasher.spend_like_verify(password)  # the same time as a real check
        ok = False
    else:
        ok = await hasher.verify(checked_hash, password)
    throttle = await uow.throttles.lock(key)
    # Attempts that raced a failure which started a wait count for nothing, right or wrong.
    _refuse_if_blocked(throttle, now)
    if not ok:
        count_failure(throttle, now)
        if address_key is not None:  # locked after the ID number's row, in every login alike
            _count_address_failure(await uow.throttles.lock(address_key), now)
        await uow.commit()  # the failure counts even though the answer is an error
        raise DomainError(BAD_CREDENTIALS)
    assert account is not None and account.id is not None
    # The token is stored under the account's row lock (after the throttle's, as changePassword takes them): a
    # change or reset that landed while the hash was checked wins, and one that comes later revokes this token.
    current = await uow.accounts.lock(account.id)
    if current is None or current.password_hash != checked_hash:
        raise DomainError(BAD_CREDENTIALS)  # the password checked is no longer the account's
    throttle.failures = 0
    throttle.blocked_until = None
    token = secrets.token_urlsafe(32)
    uow.tokens.add(AuthToken(token_hash(secret, token), account.id, now, now + lifetime))
    await uow.commit()
    return Session(token, current)


def seconds_blocked(throttle: LoginThrottle | None, now: datetime) -> int | None:
    """How many more seconds a throttle refuses every try, right or wrong; None when it does not."""
    if throttle and throttle.blocked_until and now < throttle.blocked_until:
        return math.ceil((throttle.blocked_until - now).total_seconds())
    return None


def count_failure(throttle: LoginThrottle, now: datetime) -> None:
    """ACC-1: one more failure, and the wait it starts (rules.blocked_until)."""
    throttle.failures += 1
    throttle.last_failure_at = now
    throttle.blocked_until = rules.blocked_until(throttle.failures, now)


def _count_address_failure(throttle: LoginThrottle, now: datetime) -> None:
    """One more wrong login from an address; a quiet hour (rules.ADDRESS_QUIET) starts the count again."""
    if throttle.last_failure_at is not None and now - throttle.last_failure_at >= rules.ADDRESS_QUIET:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    wait = rules.address_wait_after_failures(throttle.failures)
    throttle.blocked_until = now + wait if wait else None


def _refuse_if_blocked(throttle: LoginThrottle | None, now: datetime, field: str | None = None) -> None:
    seconds = seconds_blocked(throttle, now)
    if seconds is not None:
        raise DomainError.of(
            "LOGIN_THROTTLED", f"密码错误次数过多，请{wait_words(seconds)}后再试", field, "ACC-1"
        )


def wait_words(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 120 else f"{(seconds + 59) // 60}分钟"


async def logout(*, uow: UnitOfWork, clock: Clock, secret: str, token: str) -> None:
    found = await uow.tokens.by_hash(token_hash(secret, token))
    if found is not None and found.revoked_at is None:
        found.revoked_at = clock.now()
    await uow.commit()


async def authenticate(*, uow: UnitOfWork, clock: Clock, secret: str, token: str) -> Viewer | None:
    """The viewer behind a bearer token, or None if it is unknown, expired or revoked: one read."""
    found = await uow.tokens.holder(token_hash(secret, token))
    if found is None or not found.token.is_live(clock.now()):
        return None
    return Viewer(found.account, found.member, found.admin_of, found.token.expires_at)


async def change_password(
    *, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, secret: str, account_id: int,
    current_token: str, old_password: str, new_password: str, code: str | None = None,
) -> Account:
    """ACC-1: the old password proves it is the owner; other sessions end, this one stays. A wrong old password
    is a login failure of the account (a stolen token must not guess the password without limit), and while
    the account's logins wait, so does this. An initial password is known to others (the end of the ID number):
    its change also needs the code texted to the person's mobile (first_password.py); a wrong code counts as a
    wrong password."""
    from zhtj.domain.identity import first_password

    account = await uow.accounts.get(account_id)
    if account is None:
        raise DomainError(BAD_CREDENTIALS)
    now = clock.now()
    key = throttle_key(secret, account.id_number)
    _refuse_if_blocked(await uow.throttles.get(key), now, "oldPassword")
    person = await uow.members.get(account.member_id)
    issued = await first_password.code_fits(uow, secret, account, code, now) if account.must_change_password else None
    await uow.commit()  # nothing is locked while the slow hashes run
    checked_hash = account.password_hash
    right = await hasher.verify(checked_hash, old_password)
    problems: list[Problem] = [] if right else [Problem("WRONG_PASSWORD", "原密码错误", "oldPassword", "ACC-1")]
    code_problems = first_password.code_problems(account, code, issued)
    right = right and not any(p.code == first_password.CODE_WRONG.code for p in code_problems)
    problems += code_problems
    problems += rules.password_problems(new_password, account.id_number, name=person.name if person else None)
    if not problems and new_password == old_password:
        problems.append(Problem("PASSWORD_UNCHANGED", "新密码不能与原密码相同", "newPassword", "ACC-1"))
    new_hash = await hasher.hash(new_password) if not problems else None
    throttle = await uow.throttles.lock(key)
    _refuse_if_blocked(throttle, now, "oldPassword")  # raced a failure that started a wait: counts for nothing
    if not right:
        count_failure(throttle, now)
        await uow.commit()  # the failure counts even though the answer is an error
    if problems or new_hash is None:
        raise DomainError(problems)
    account = await uow.accounts.lock(account_id) or account
    if account.password_hash != checked_hash:  # a reset landed while the hashes ran: that password wins
        raise DomainError(Problem("WRONG_PASSWORD", "原密码错误", "oldPassword", "ACC-1"))
    if issued is not None:  # used once: a change racing this one with the same code finds it used
        issued = await first_password.code_fits(uow, secret, account, code, now, for_update=True)
        if issued is None:
            raise DomainError(first_password.CODE_WRONG)
        issued.used_at = now
    throttle.failures = 0
    throttle.blocked_until = None
    account.password_hash = new_hash
    account.must_change_password = False
    account.password_changed_at = now
    await uow.tokens.revoke_all(account_id, now, keep=token_hash(secret, current_token))
    await uow.commit()
    return account
