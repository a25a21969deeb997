"""The schema: one Query and one Mutation merged from every context's parts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing
from typing import Any

import strawberry
from graphql import GraphQLError, OperationDefinitionNode, OperationType, execute, get_operation_ast
from strawberry import relay
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types import ExecutionResult, Info
from strawberry.types.graphql import OperationType as StrawberryOperationType
from strawberry.utils.await_maybe import await_maybe

from zhtj.domain.shared.errors import AccessDenied
from zhtj.graphql.context import Context
from zhtj.graphql.descriptions import describe
from zhtj.graphql.documents import Checked, CheckedDocuments, documents, input_problem, policy_of
from zhtj.graphql.extensions import RequestErrors, gate_root_fields, shown_errors
from zhtj.graphql.identity.admins import AdminMutation
from zhtj.graphql.identity.audit_log import AuditLogQuery
from zhtj.graphql.identity.mutations import IdentityMutation
from zhtj.graphql.identity.queries import IdentityQuery
from zhtj.graphql.identity.reset import PasswordResetMutation
from zhtj.graphql.identity.types import ViewerType
from zhtj.graphql.ids import parse_pk
from zhtj.graphql.membership import planned as member_node
from zhtj.graphql.membership.graduation import GraduationMutation
from zhtj.graphql.membership.imports import ImportMutation, ImportQuery
from zhtj.graphql.membership.mutations import MembershipMutation
from zhtj.graphql.membership.self_report import SelfReportMutation
from zhtj.graphql.membership.types import MemberType, SelfReportBranch
from zhtj.graphql.membership.verification import VerificationMutation
from zhtj.graphql.messages.mutations import MessageMutation
from zhtj.graphql.messages.types import SystemMessageType
from zhtj.graphql.numbering.archives import ArchiveMutation
from zhtj.graphql.numbering.mutations import NumberingMutation
from zhtj.graphql.numbering.types import NumberReleaseType, SegmentType
from zhtj.graphql.organization import tree
from zhtj.graphql.organization.migration import MigrationMutation, MigrationQuery, MigrationType
from zhtj.graphql.organization.mutations import OrganizationMutation
from zhtj.graphql.organization.queries import OrganizationQuery
from zhtj.graphql.organization.types import OrganizationType
from zhtj.graphql.relay import MAX_PAGE, BadPageRequest
from zhtj.graphql.search import planned as search_box
from zhtj.graphql.search.queries import SearchQuery
from zhtj.graphql.subscriptions import Subscription
from zhtj.graphql.transfers.mutations import TransferMutation
from zhtj.graphql.transfers.operation_center import OperationCenterQuery
from zhtj.graphql.transfers.queries import TransferQuery
from zhtj.graphql.transfers.targets import TransferTargetQuery
from zhtj.graphql.transfers.types import TransferType
from zhtj.infrastructure.metrics import UNNAMED

NODE_TYPES: dict[str, type[Any]] = {
    "Organization": OrganizationType, "Member": MemberType, "OrganizationMigration": MigrationType,
    "NumberSegment": SegmentType, "NumberRelease": NumberReleaseType, "Viewer": ViewerType,
    "SelfReportBranch": SelfReportBranch, "Transfer": TransferType, "SystemMessage": SystemMessageType}


@strawberry.type
class Query(IdentityQuery, OrganizationQuery, MigrationQuery, TransferQuery, OperationCenterQuery,
            TransferTargetQuery, AuditLogQuery, ImportQuery, SearchQuery):
    @strawberry.field(description="Any object by its global id; null if it is not there for you (ACC-4).")
    async def node(self, info: Info[Context, Any], id: strawberry.ID) -> relay.Node | None:
        try:
            gid = relay.GlobalID.from_id(id)
        except Exception:
            return None
        node_type = NODE_TYPES.get(gid.type_name)
        if node_type is None or parse_pk(gid.node_id) is None:  # every node has a BIGINT key
            return None
        found = await node_type.resolve_nodes(info=info, node_ids=[gid.node_id])
        return found[0]

    @strawberry.field(description="Several objects by their global ids (at most 100), in the order asked: each "
                                  "null if it is not there for you (ACC-4), like `node`. Restores several expanded "
                                  "tree nodes in one round trip.")
    async def nodes(self, info: Info[Context, Any], ids: list[strawberry.ID]) -> list[relay.Node | None]:
        if len(ids) > MAX_PAGE:
            raise BadPageRequest(f"ids 最多 {MAX_PAGE} 个")
        wanted: dict[str, list[tuple[int, str]]] = {}  # type name → (position, node id)
        for position, raw in enumerate(ids):
            try:
                gid = relay.GlobalID.from_id(raw)
            except Exception:
                continue
            if gid.type_name in NODE_TYPES and parse_pk(gid.node_id) is not None:
                wanted.setdefault(gid.type_name, []).append((position, gid.node_id))
        answer: list[relay.Node | None] = [None] * len(ids)
        for type_name, items in wanted.items():
            found = await NODE_TYPES[type_name].resolve_nodes(info=info, node_ids=[i for _, i in items])
            for (position, _), node in zip(items, found, strict=True):
                answer[position] = node
        return answer


@strawberry.type
class Mutation(
    IdentityMutation, PasswordResetMutation, AdminMutation, OrganizationMutation, MigrationMutation,
    MembershipMutation, SelfReportMutation, VerificationMutation, NumberingMutation, ArchiveMutation,
    TransferMutation, GraduationMutation, ImportMutation, MessageMutation,
):
    pass


class Schema(strawberry.Schema):
    lean = True  # False: every request goes strawberry's whole way, through every extension (tracing.py)

    async def execute(  # type: ignore[override]
        self, query: str | None, variable_values: dict[str, Any] | None = None, context_value: Any = None,
        root_value: Any = None, operation_name: str | None = None, **kwargs: Any,
    ) -> ExecutionResult:
        """A text validated here before without errors runs straight on graphql-core (decision 0011): the org
        tree's hot shape the planned way (organization/tree.py), anything else with the same resolvers, gate and
        error masking but without strawberry's per-request extension machinery. A text seen for the first time,
        or one with errors, goes strawberry's whole way, which parses, validates and words every error."""
        if isinstance(context_value, Context) and context_value.services.persisted is not None:
            try:  # a hash becomes its registered text; in persisted-only mode nothing else runs (persisted.py)
                query = context_value.services.persisted.resolve(query, kwargs.get("operation_extensions"))
            except AccessDenied as refused:
                request_id = context_value.request_id
                return ExecutionResult(data=None, errors=shown_errors(
                    [GraphQLError(refused.message, original_error=refused)], request_id),
                    extensions={"requestId": request_id})
        checked = documents.get(query, context_value.policy) \
            if self.lean and query and isinstance(context_value, Context) else None
        if checked is not None and checked.validation == [] and checked.literal_problem is None \
                and input_problem(variable_values) is None:
            assert isinstance(context_value, Context)
            operation = _operation(checked, operation_name, kwargs.get("allowed_operation_types"))
            if operation is not None:
                request_id = context_value.request_id
                context_value.operation = (operation.name.value if operation.name else UNNAMED,
                                           operation.operation.value)
                if operation.operation == OperationType.QUERY:
                    data = await _planned(checked, variable_values, context_value, operation_name)
                    if data is not None:
                        return ExecutionResult(data=data, errors=None, extensions={"requestId": request_id})
                result = await await_maybe(execute(
                    self._schema, checked.document, root_value=root_value, variable_values=variable_values,
                    operation_name=operation_name, context_value=context_value, is_awaitable=optimized_is_awaitable,
                    hide_suggestions=not context_value.policy[1]))
                errors = shown_errors(result.errors, request_id, context_value.policy[1]) if result.errors else None
                return ExecutionResult(data=result.data, errors=errors, extensions={"requestId": request_id})
        return await super().execute(query, variable_values, context_value, root_value, operation_name, **kwargs)

    async def stream(self, query: str | None, variable_values: dict[str, Any] | None = None,  # type: ignore[override]
                     context_value: Any = None, root_value: Any = None, operation_name: str | None = None,
                     **kwargs: Any) -> Any:
        """A stream (graphql-transport-ws, subscriptions.py) words its errors as every answer does: a code and the
        Chinese message, unexpected ones masked and logged (extensions.shown_errors)."""
        # graphql-transport-ws asks for any operation; a socket runs subscriptions only (decision 0044): queries
        # and mutations go over HTTP, where the body limits, the upload rule and the gate's wording apply.
        kwargs.setdefault("allowed_operation_types", (StrawberryOperationType.SUBSCRIPTION,))
        source = await super().stream(query, variable_values, context_value, root_value, operation_name, **kwargs)
        return _shown(source, context_value)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Logged by RequestErrors, with the request id; nothing to add here."""


async def _shown(source: Any, context: Any) -> AsyncGenerator[Any, None]:
    request_id = getattr(context, "request_id", "")
    suggestions = policy_of(context)[1]
    async with aclosing(source):
        async for result in source:
            if isinstance(result, ExecutionResult) and result.errors:
                result.errors = shown_errors([_worded(e) for e in result.errors], request_id, suggestions)
            yield result


def _worded(error: GraphQLError) -> GraphQLError:
    if isinstance(error.original_error, InvalidOperationTypeError):
        return GraphQLError(SOCKET_MESSAGE, original_error=AccessDenied("BAD_REQUEST", SOCKET_MESSAGE))
    return error


SOCKET_MESSAGE = "WebSocket 只用于订阅；查询和变更请用 POST /graphql"


def _operation(checked: Checked, operation_name: str | None,
               allowed: Iterable[Any] | None) -> OperationDefinitionNode | None:
    """The operation to run, if it is one the request may run (GET: queries only); otherwise None, and the
    ordinary way answers as it does."""
    operation = get_operation_ast(checked.document, operation_name)
    allowed_kinds = {kind.value for kind in allowed or DEFAULT_ALLOWED_OPERATION_TYPES}  # strawberry's enum
    if operation is None or operation.operation.value not in allowed_kinds:
        return None
    return operation


async def _planned(checked: Checked, variables: dict[str, Any] | None, context: Context,
                   operation_name: str | None) -> dict[str, Any] | None:
    """The answer of a planned hot shape (plans.py), or None for the ordinary way. Each plan is made once per
    query text and operation, with the document."""
    if operation_name not in checked.plans:
        checked.plans[operation_name] = next(
            ((way, plan) for way in PLANNED if (plan := way.plan_for(checked.document, operation_name)) is not None),
            None)
    found = checked.plans[operation_name]
    if found is None or not found[0].ENABLED:
        return None
    way, plan = found
    return await way.answer(context, plan, variables)


PLANNED = (tree, member_node, search_box)


# Dates go out and come in as ISO 8601 / RFC 3339 text, and say so (@specifiedBy) for code generators.
SCALARS = {
    dt.date: dataclasses.replace(
        DateDefinition, description="日期, a calendar date: YYYY-MM-DD (RFC 3339 full-date).",
        specified_by_url="https://scalars.graphql.org/andimarek/local-date.html"),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition, description="时间, an instant with its UTC offset: YYYY-MM-DDThh:mm:ss+hh:mm (RFC 3339).",
        specified_by_url="https://scalars.graphql.org/andimarek/date-time.html"),
}


def build_schema(*more_extensions: Any) -> Schema:
    """`more_extensions` (tracing) turn the lean path off: strawberry's extensions run on its whole way only."""
    built = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[OrganizationType, MemberType, MigrationType, SegmentType, NumberReleaseType, TransferType],
        config=StrawberryConfig(auto_camel_case=True),
        scalar_overrides=SCALARS,
        # A request's size is bounded before it runs: nesting, aliases and tokens (a 4-level org tree with every
        # field is depth 10; GraphiQL's introspection query is about 1,500 tokens), each text checked once.
        extensions=[RequestErrors, CheckedDocuments, *more_extensions],
    )
    built.lean = not more_extensions
    gate_root_fields(built._schema)
    describe(built._schema)
    return built


schema = build_schema()
