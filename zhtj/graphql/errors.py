"""The one place where domain failures become API answers.

A broken rule (DomainError) becomes `errors: [UserError!]!` in a mutation's payload; an access
failure becomes a GraphQL error with `extensions.code`; anything else is masked."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from zhtj.domain.shared.errors import AccessDenied, DomainError

INTERNAL_MESSAGE = "服务器内部错误"


@strawberry.type(description="A broken rule: code, Chinese message, the input field and the DOMAIN.md rule.")
class UserError:
    code: str
    message: str
    field: str | None = None
    rule: str | None = None


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(code=p.code, message=p.message, field=p.field, rule=p.rule) for p in error.problems]


def api_error(error: GraphQLError, request_id: str) -> tuple[GraphQLError, bool]:
    """The error as the client sees it, and whether it was unexpected (to be logged)."""
    original = error.original_error
    if isinstance(original, AccessDenied):
        return _with(error, original.message, {"code": original.code, "requestId": request_id}), False
    if original is None:  # syntax and validation errors: the client's own query
        code = "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"
        extensions = {"code": code, **(error.extensions or {})}
        return _with(error, error.message, {**extensions, "requestId": request_id}), False
    if isinstance(original, GraphQLError) and original.original_error is None:
        return _with(error, error.message, {"code": "BAD_USER_INPUT", "requestId": request_id}), False
    return _with(error, INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}), True


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions=extensions)
