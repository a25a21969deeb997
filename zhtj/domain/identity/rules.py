"""Account rules (ACC-1): passwords and how repeated wrong passwords slow down, then lock."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from zhtj.domain.identity import passwords
from zhtj.domain.shared.errors import Problem

FREE_FAILURES = 3          # wrong passwords allowed before answers slow down
LOCK_AFTER = 6             # consecutive wrong passwords that lock the account
LOCK_FOR = timedelta(minutes=15)
TOKEN_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 8
# ACC-1 (decided, decision 0018): wrong logins are counted per address too, whatever ID numbers they name, so a
# few clients guessing cannot take the server's time from everyone else. More are free than per ID number (a
# school behind one address), and an hour without failures starts the count again.
ADDRESS_FREE_FAILURES = 10
ADDRESS_QUIET = timedelta(hours=1)


def initial_password(id_number: str) -> str:
    """ACC-1, ORG-8: people entered by an admin start with the last 8 characters of their ID number."""
    return id_number[-8:]


def wait_after_failures(failures: int) -> timedelta:
    """ACC-1 (decided): free tries, then 2 s, 4 s, 8 s between tries, then a 15-minute lock."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    if failures < LOCK_AFTER:
        return timedelta(seconds=2 ** (failures - FREE_FAILURES + 1))
    return LOCK_FOR


def address_wait_after_failures(failures: int) -> timedelta:
    """From ADDRESS_FREE_FAILURES wrong logins of one address on: 2 s, 4 s, 8 s … up to 15 minutes."""
    if failures < ADDRESS_FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - ADDRESS_FREE_FAILURES + 1, 20)), LOCK_FOR)


def blocked_until(failures: int, last_failure_at: datetime) -> datetime | None:
    wait = wait_after_failures(failures)
    return last_failure_at + wait if wait else None


def password_problems(new: str, id_number: str, field: str = "newPassword", name: str | None = None) -> list[Problem]:
    """A password that is neither the initial one nor trivially guessed (ACC-1, decided): not one of the most
    common passwords, and not the person's own data (ID number parts, birth date, name in pinyin) with a
    little around it. `name` when it is known."""
    if len(new) < MIN_PASSWORD_LENGTH or len(new) > 64:
        return [Problem("PASSWORD_TOO_SHORT", "密码长度应为8至64位", field, "ACC-1")]
    if new.upper() == initial_password(id_number).upper() or id_number.upper() in new.upper():
        return [Problem("PASSWORD_IS_INITIAL", "新密码不能是初始密码或包含身份证号", field, "ACC-1")]
    if not (re.search(r"[A-Za-z]", new) and re.search(r"\d", new)):
        return [Problem("PASSWORD_TOO_WEAK", "密码须同时包含字母和数字", field, "ACC-1")]
    if passwords.is_common(new):
        return [Problem("PASSWORD_TOO_COMMON", "该密码过于常见，很容易被猜中，请换一个", field, "ACC-1")]
    if passwords.is_personal(new, id_number, name):
        return [Problem("PASSWORD_TOO_PERSONAL", "密码不能由本人的姓名拼音、出生日期或身份证号的一部分组成",
                        field, "ACC-1")]
    return []
