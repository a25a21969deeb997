"""Expected failures are data: each carries an English code, a Chinese message, the input field
and the DOMAIN.md rule it enforces. The GraphQL layer maps them in one place (graphql/errors.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str | None = None
    rule: str | None = None


class DomainError(Exception):
    """One or more broken rules; a form gets all of its problems in one answer."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__("; ".join(f"{p.code}: {p.message}" for p in self.problems))

    @classmethod
    def of(cls, code: str, message: str, field: str | None = None, rule: str | None = None) -> DomainError:
        return cls(Problem(code, message, field, rule))


class Problems:
    """Collects every problem of a form, then raises them together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, code: str, message: str, field: str | None = None, rule: str | None = None) -> None:
        self.items.append(Problem(code, message, field, rule))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise DomainError(self.items)


class NotFound(DomainError):
    def __init__(self, field: str | None = None, what: str = "对象"):
        super().__init__(Problem("NOT_FOUND", f"{what}不存在或无权访问", field, "ACC-4"))


class AccessDenied(Exception):
    """Not a form problem: the viewer may not act at all (mapped to a GraphQL error)."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


class Unauthenticated(AccessDenied):
    def __init__(self) -> None:
        super().__init__("UNAUTHENTICATED", "请先登录")


class PasswordChangeRequired(AccessDenied):
    def __init__(self) -> None:
        super().__init__("PASSWORD_CHANGE_REQUIRED", "首次登录请先修改初始密码")


class SelfReportPending(AccessDenied):
    def __init__(self) -> None:
        super().__init__("SELF_REPORT_PENDING", "团员报到尚未通过团支部审核，审核通过前不能办理其他业务")


class ServiceBusy(Exception):
    """Not the caller's fault: the request waited its limit (ZHTJ_WAIT_SECONDS) for a database connection, the
    database's write lock or a password-hash slot (decision 0065). Answered as SERVICE_BUSY; try again later."""

    code = "SERVICE_BUSY"
    message = "服务繁忙，请稍后再试"

    def __init__(self) -> None:
        super().__init__(f"{self.code}: {self.message}")
