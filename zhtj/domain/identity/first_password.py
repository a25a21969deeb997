"""The first password change needs something the person has (ACC-1, decided; issue 12, finding 6).

An initial password is the last 8 characters of the ID number, which others know too. So while an account is on
it, `changePassword` also needs a one-time code texted to the mobile number on record (`sendPasswordChangeCode`),
or the person asks an admin who manages them for a reset code (ACC-5, `resetPassword`). A texted code is 6
digits, valid 10 minutes, used once; a new one ends the older ones; one is sent a minute and 5 a day at most. Only its
keyed hash is kept, in the reset codes' table with no issuer; the hash covers the account, so it never fits a
reset or another account. A wrong code is a wrong password: it counts in the account's login throttle (3 free,
then 2, 4, 8 s, then 15 minutes locked), so 6 digits are never guessed in the 10 minutes a code lives."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from zhtj.domain.identity import audit
from zhtj.domain.identity.model import Account, PasswordResetCode
from zhtj.domain.identity.services import Viewer, token_hash
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.domain.shared.ports import CodeSender, UnitOfWork

CODE_DIGITS = 6
CODE_VALID_FOR = timedelta(minutes=10)
RESEND_AFTER = timedelta(minutes=1)
MAX_A_DAY = 5  # texts an account may ask for in 24 hours: whoever knows the initial password must not spam the phone
CODE_NEEDED = Problem("PASSWORD_CODE_REQUIRED", "首次修改密码须填写发送到本人手机的验证码", "code", "ACC-1")
CODE_WRONG = Problem("PASSWORD_CODE_INVALID", "验证码错误或已失效，请重新获取", "code", "ACC-1")


@dataclass(frozen=True)
class SentCode:
    mobile_masked: str
    expires_at: datetime


def phone_code_hash(secret: str, account_id: int, code: str) -> str:
    """Keyed, and bound to the account: 6 digits repeat across accounts, a hash must not."""
    return token_hash(secret, f"phone:{account_id}:{''.join(code.split())}")


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "*" * max(len(mobile) - 7, 0) + mobile[-4:] if len(mobile) >= 7 else "*" * len(mobile)


def _is_texted(code: PasswordResetCode) -> bool:
    return code.issued_by is None


async def send_password_change_code(*, uow: UnitOfWork, clock: Clock, secret: str, sender: CodeSender,
                                    viewer: Viewer) -> SentCode:
    """ACC-1: a code to the viewer's own mobile on record, for the change of their initial password."""
    account = await uow.accounts.get(viewer.account.id or 0)
    member = await uow.members.get(viewer.member.id or 0)
    if account is None or account.id is None or member is None:
        raise DomainError(CODE_WRONG)
    if not account.must_change_password:
        raise DomainError.of("PASSWORD_CODE_NOT_NEEDED", "密码已修改过，修改密码只需原密码", None, "ACC-1")
    if not member.mobile:
        raise DomainError.of("NO_MOBILE_ON_RECORD", "未登记手机号，请联系所在团组织管理员发放密码重置码",
                             None, "ACC-5")
    now = clock.now()
    live = [c for c in await uow.reset_codes.live_for(account.id) if c.is_live(now)]
    last = max((c.issued_at for c in live if _is_texted(c)), default=None)
    if last is not None and now - last < RESEND_AFTER:
        raise DomainError.of("PASSWORD_CODE_TOO_SOON", "验证码已发送，请1分钟后再试", None, "ACC-1")
    unused = await uow.reset_codes.live_for(account.id)  # unused ones, expired or not: a used one ends the need
    if sum(1 for c in unused if _is_texted(c) and now - c.issued_at < timedelta(days=1)) >= MAX_A_DAY:
        message = "今日验证码发送次数已达上限，请联系所在团组织管理员发放密码重置码"
        raise DomainError.of("PASSWORD_CODE_TOO_MANY", message, None, "ACC-1")
    for earlier in live:
        if _is_texted(earlier):
            earlier.expires_at = now
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    while await uow.reset_codes.by_hash(phone_code_hash(secret, account.id, code)) is not None:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    expires_at = now + CODE_VALID_FOR
    uow.reset_codes.add(PasswordResetCode(account_id=account.id, code_hash=phone_code_hash(secret, account.id, code),
                                          issued_at=now, expires_at=expires_at, issued_by=None))
    audit.record(uow, clock, member.id, "sendPasswordChangeCode", member, f"expires {expires_at.isoformat()}")
    await uow.commit()  # the code is kept before it leaves: a text that fails costs a retry, never a lost code
    await sender.send(member.mobile, f"【智慧团建】您的验证码为{code}，10分钟内有效，仅用于首次修改密码。"
                                     "如非本人操作，请勿告诉他人。")
    return SentCode(mask_mobile(member.mobile), expires_at)


async def code_fits(uow: UnitOfWork, secret: str, account: Account, code: str | None, now: datetime,
                    for_update: bool = False) -> PasswordResetCode | None:
    """The live texted code of the account that `code` is, or None."""
    if not code or not code.strip() or account.id is None:
        return None
    digest = phone_code_hash(secret, account.id, code)
    issued = await uow.reset_codes.by_hash(digest, for_update=for_update)
    if issued is None or not _is_texted(issued) or issued.account_id != account.id or not issued.is_live(now):
        return None
    return issued if hmac.compare_digest(issued.code_hash, digest) else None


def code_problems(account: Account, code: str | None, issued: PasswordResetCode | None) -> list[Problem]:
    if not account.must_change_password or issued is not None:
        return []
    return [CODE_NEEDED if not code or not code.strip() else CODE_WRONG]
