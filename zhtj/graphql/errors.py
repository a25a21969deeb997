"""The one place where domain failures become API answers.

A broken rule (DomainError) becomes `errors: [UserError!]!` in a mutation's payload; an access
failure becomes a GraphQL error with `extensions.code`; so does a request that waited too long for the
database or a password-hash slot (SERVICE_BUSY, decision 0066); anything else is masked."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from zhtj.domain.shared.errors import AccessDenied, DomainError, ServiceBusy
from zhtj.infrastructure.db import is_busy

INTERNAL_MESSAGE = "服务器内部错误"


@strawberry.type(description="错误信息, a broken domain rule in a mutation's payload: a machine code, the Chinese "
                             "message, the input field and the DOMAIN.md rule. Nothing is written when a payload "
                             "holds any.")
class UserError:
    code: str = strawberry.field(description=(
        "错误代码, SCREAMING_SNAKE_CASE, stable for code to branch on. The families: `NOT_FOUND` (the object is "
        "not there for you, ACC-4, answered before the form is read); `<FIELD>_REQUIRED`, `<FIELD>_FORMAT`, "
        "`<FIELD>_INVALID` (not in its value list), `<FIELD>_TOO_LONG`, `<FIELD>_INVISIBLE_CHARACTER` for one input "
        "field (`field` names it); `<THING>_TAKEN` (ID number, development number, full name, secretary); "
        "`<ACTION>_NOT_ALLOWED` and `MEMBER_MANAGED_ELSEWHERE` (the viewer's scope or the object's state forbids "
        "it); `ID_NUMBER_*` (GB 11643 checks: format, region, birth date, checksum, mismatch); `SEGMENT_*`, "
        "`NUMBER_*`, `ARCHIVE_*`, `MIGRATION_*`, `PASSWORD_*`, `SELF_REPORT_*`, `LOOKUP_THROTTLED`. Read `rule` "
        "for the DOMAIN.md rule behind it."))
    message: str = strawberry.field(description="错误提示, in Chinese as the source system words it, to show as is.")
    field: str | None = strawberry.field(
        default=None, description="出错字段, the input field's name (camelCase) the error belongs to; null for the "
                                  "form as a whole.")
    rule: str | None = strawberry.field(default=None, description="业务规则, the DOMAIN.md rule broken, e.g. MEM-5.")


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(code=p.code, message=p.message, field=p.field, rule=p.rule) for p in error.problems]


def api_error(error: GraphQLError, request_id: str) -> tuple[GraphQLError, bool]:
    """The error as the client sees it, and whether it was unexpected (to be logged)."""
    original = error.original_error
    if isinstance(original, AccessDenied):
        return _with(error, original.message, {"code": original.code, "requestId": request_id}), False
    if isinstance(original, ServiceBusy) or is_busy(original):  # waited ZHTJ_WAIT_SECONDS: not a fault
        return _with(error, ServiceBusy.message, {"code": ServiceBusy.code, "requestId": request_id}), False
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
