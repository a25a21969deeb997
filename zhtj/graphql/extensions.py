"""Schema-wide behaviour: who may call which root field, and how errors leave the service."""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from zhtj.domain.shared.errors import AccessDenied
from zhtj.graphql.errors import api_error

log = logging.getLogger("zhtj.graphql")

# API.md: without a token only these work (valueLists too: the public selfReport form needs its dropdowns);
# with an initial password only these and `me`.
PUBLIC_FIELDS = frozenset({"login", "resetPassword", "registerAdmin", "selfReport", "valueLists"})
INITIAL_PASSWORD_FIELDS = frozenset({"me", "changePassword", "logout"})
# MEM-14: until the branch approves a self-report, nothing else is possible.
SELF_REPORT_FIELDS = frozenset({"me", "selfReport", "withdrawSelfReport", "changePassword", "logout"})
ROOT_TYPES = frozenset({"Query", "Mutation"})


class AccessGate(SchemaExtension):
    """Deny by default: a root field needs a viewer who has changed the initial password and is a member
    (not a self-report waiting for its branch), unless it is public (login …) or one of the few a fresh
    account or a waiting reporter needs."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs and _has_control_characters(kwargs):
            raise AccessDenied("BAD_USER_INPUT", "输入中含有不可见的控制字符，请删除后重新提交")
        if info.parent_type.name in ROOT_TYPES:
            name = info.field_name
            if not (name.startswith("__") or name in PUBLIC_FIELDS):
                info.context.require_viewer(allow_initial_password=name in INITIAL_PASSWORD_FIELDS,
                                            allow_pending=name in SELF_REPORT_FIELDS)
        return _next(root, info, *args, **kwargs)


def _has_control_characters(value: Any) -> bool:
    """NUL and other control characters (tab and line breaks aside) are never meant in a form, and some
    databases refuse them: every argument of every field is checked once, in one place."""
    if isinstance(value, str):
        return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value)
    if isinstance(value, dict):
        return any(_has_control_characters(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_control_characters(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # strawberry inputs; never uploads
        return any(_has_control_characters(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


class RequestErrors(SchemaExtension):
    """Unexpected errors are masked ("服务器内部错误") and logged with the request id, which every
    error and the response's `extensions.requestId` carry."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not result or not getattr(result, "errors", None):
            return
        request_id = self._request_id()
        shown = []
        for error in result.errors:
            public, unexpected = api_error(error, request_id)
            if unexpected:
                log.error("request %s: %s", request_id, error.message,
                          exc_info=(type(error.original_error), error.original_error,
                                    error.original_error.__traceback__) if error.original_error else None)
            shown.append(public)
        result.errors = shown

    def get_results(self) -> dict[str, Any]:
        return {"requestId": self._request_id()}

    def _request_id(self) -> str:
        return getattr(self.execution_context.context, "request_id", "-")


