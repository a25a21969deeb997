"""Answers that tell whether an ID number is registered (MEM-4) or a development number taken (NUM-4) must not
become a lookup service. They are counted like wrong passwords and meet the same waits (ACC-1: free tries, then
2 s, 4 s, 8 s, then 15 minutes), in the login throttle table: per client address for anonymous self-reports
(ACC-2), per account for everyone logged in (NUM-4 decided). While a wait runs, every such form is refused."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from zhtj.domain.identity import rules as account_rules
from zhtj.domain.identity.model import LoginThrottle
from zhtj.domain.identity.services import Viewer, wait_words
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.domain.shared.ports import UnitOfWork

PROBING_CODES = ("ID_NUMBER_TAKEN", "DEVELOPMENT_NUMBER_TAKEN")
FORGET_AFTER = timedelta(days=1)  # a quiet day starts the count again: an admin's rare duplicates never add up


def account_key(viewer: Viewer) -> str:
    """The throttle row of a logged-in caller: their account, whatever address or token they use."""
    return f"probe:account:{viewer.account.id}"


def reveals(problems: Iterable[Problem]) -> bool:
    return any(p.code in PROBING_CODES for p in problems)


def refuse_if_probing(throttle: LoginThrottle | None, now: datetime, code: str = "LOOKUP_THROTTLED",
                      rule: str = "NUM-4") -> None:
    if throttle and throttle.blocked_until and now < throttle.blocked_until:
        seconds = math.ceil((throttle.blocked_until - now).total_seconds())
        raise DomainError.of(code, f"操作过于频繁，请{wait_words(seconds)}后再试", None, rule)


async def refuse_account_if_probing(uow: UnitOfWork, viewer: Viewer, now: datetime) -> None:
    refuse_if_probing(await uow.throttles.get(account_key(viewer)), now)


async def count_probe(uow: UnitOfWork, key: str, now: datetime) -> None:
    """One more revealing answer, committed at once: the use case raises its errors right after, and nothing
    else is written yet."""
    throttle = await uow.throttles.lock(key)
    if throttle.last_failure_at is not None and now - throttle.last_failure_at >= FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    throttle.blocked_until = account_rules.blocked_until(throttle.failures, now)
    await uow.commit()


async def raise_counted(uow: UnitOfWork, viewer: Viewer, problems: list[Problem], now: datetime) -> None:
    """Raises the form's problems, first counting them against the account when they tell of a registered ID
    number or a taken development number."""
    if not problems:
        return
    if reveals(problems):
        await count_probe(uow, account_key(viewer), now)
    raise DomainError(problems)
