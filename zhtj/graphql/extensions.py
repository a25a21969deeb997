"""Schema-wide behaviour: who may call which root field, and how errors leave the service."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSchema, get_operation_ast
from strawberry.extensions import SchemaExtension

from zhtj.graphql.documents import policy_of
from zhtj.graphql.errors import api_error
from zhtj.infrastructure import metrics

log = logging.getLogger("zhtj.graphql")
_SUGGESTION = " Did you mean "  # graphql-core's words; strawberry's own way passes no hide_suggestions

# API.md: without a token only these work (valueLists too: the public selfReport form needs its dropdowns);
# with an initial password only these and `me`.
PUBLIC_FIELDS = frozenset({"login", "resetPassword", "registerAdmin", "selfReport", "valueLists"})
INITIAL_PASSWORD_FIELDS = frozenset({"me", "viewer", "changePassword", "sendPasswordChangeCode", "logout"})
# MEM-14: until the branch approves a self-report, nothing else is possible.
SELF_REPORT_FIELDS = frozenset({"me", "viewer", "selfReport", "withdrawSelfReport", "changePassword", "logout"})


def gate_root_fields(schema: GraphQLSchema) -> None:
    """Deny by default: a root field needs a viewer who has changed the initial password and is a member
    (not a self-report waiting for its branch), unless it is public (login …) or one of the few a fresh
    account or a waiting reporter needs. Wrapped once around each root resolver, so the fields below the
    root cost nothing (a schema-wide middleware is a call per field)."""
    for root in (schema.query_type, schema.mutation_type):
        if root is None:
            continue
        for name, field in root.fields.items():
            if name not in PUBLIC_FIELDS and field.resolve is not None:
                field.resolve = _gated(field.resolve, name)


def _gated(resolve: Any, name: str) -> Any:
    allow_initial, allow_pending = name in INITIAL_PASSWORD_FIELDS, name in SELF_REPORT_FIELDS

    def gated(root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        info.context.require_viewer(allow_initial_password=allow_initial, allow_pending=allow_pending)
        return resolve(root, info, *args, **kwargs)

    return gated


def shown_errors(errors: list[GraphQLError], request_id: str, suggestions: bool = True) -> list[GraphQLError]:
    """The errors as the client sees them; the unexpected ones logged with the request id. Without
    suggestions (ZHTJ_FIELD_SUGGESTIONS off) no message names a field, argument or value that was not asked."""
    shown = []
    for error in errors:
        public, unexpected = api_error(error, request_id)
        if not suggestions and _SUGGESTION in public.message:
            public.message = public.message.split(_SUGGESTION)[0].rstrip()
        if (public.extensions or {}).get("code") == "SERVICE_BUSY":
            log.warning("request %s: %s", request_id, error.message)
        if unexpected:
            log.error("request %s: %s", request_id, error.message,
                      exc_info=(type(error.original_error), error.original_error,
                                error.original_error.__traceback__) if error.original_error else None)
        shown.append(public)
        metrics.count_error(str((public.extensions or {}).get("code", "UNKNOWN")))
    return shown


class RequestErrors(SchemaExtension):
    """Unexpected errors are masked ("服务器内部错误") and logged with the request id, which every
    error and the response's `extensions.requestId` carry."""

    def on_operation(self) -> Iterator[None]:
        yield
        _name_operation(self.execution_context)
        result = self.execution_context.result
        if not result or not getattr(result, "errors", None):
            return
        suggestions = policy_of(self.execution_context.context)[1]
        result.errors = shown_errors(result.errors, self._request_id(), suggestions)

    def get_results(self) -> dict[str, Any]:
        return {"requestId": self._request_id()}

    def _request_id(self) -> str:
        return getattr(self.execution_context.context, "request_id", "-")




def _name_operation(execution: Any) -> None:
    """The operation's name and type on the context, for /metrics, when the text parsed and named one."""
    context = execution.context
    if not hasattr(context, "operation") or execution.graphql_document is None:
        return
    try:
        kind = execution.operation_type.value
    except Exception:  # no operation to run: strawberry has answered with an error
        return
    operation = get_operation_ast(execution.graphql_document, execution.operation_name)
    name = operation.name.value if operation is not None and operation.name else metrics.UNNAMED
    context.operation = (name, kind)
