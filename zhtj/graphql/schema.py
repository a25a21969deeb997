"""The schema: one Query and one Mutation merged from every context's parts."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult, Info

from zhtj.graphql.context import Context
from zhtj.graphql.documents import CheckedDocuments, documents, has_control_characters
from zhtj.graphql.extensions import RequestErrors, gate_root_fields
from zhtj.graphql.identity.admins import AdminMutation
from zhtj.graphql.identity.mutations import IdentityMutation
from zhtj.graphql.identity.queries import IdentityQuery
from zhtj.graphql.identity.reset import PasswordResetMutation
from zhtj.graphql.ids import parse_pk
from zhtj.graphql.membership.mutations import MembershipMutation
from zhtj.graphql.membership.self_report import SelfReportMutation
from zhtj.graphql.membership.types import MemberType
from zhtj.graphql.membership.verification import VerificationMutation
from zhtj.graphql.numbering.archives import ArchiveMutation
from zhtj.graphql.numbering.mutations import NumberingMutation
from zhtj.graphql.numbering.types import NumberReleaseType, SegmentType
from zhtj.graphql.organization import tree
from zhtj.graphql.organization.migration import MigrationMutation, MigrationQuery, MigrationType
from zhtj.graphql.organization.mutations import OrganizationMutation
from zhtj.graphql.organization.queries import OrganizationQuery
from zhtj.graphql.organization.types import OrganizationType

NODE_TYPES: dict[str, type[Any]] = {
    "Organization": OrganizationType, "Member": MemberType, "OrganizationMigration": MigrationType,
    "NumberSegment": SegmentType, "NumberRelease": NumberReleaseType}


@strawberry.type
class Query(IdentityQuery, OrganizationQuery, MigrationQuery):
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


@strawberry.type
class Mutation(
    IdentityMutation, PasswordResetMutation, AdminMutation, OrganizationMutation, MigrationMutation,
    MembershipMutation, SelfReportMutation, VerificationMutation, NumberingMutation, ArchiveMutation,
):
    pass


class Schema(strawberry.Schema):
    async def execute(  # type: ignore[override]
        self, query: str | None, variable_values: dict[str, Any] | None = None, context_value: Any = None,
        root_value: Any = None, operation_name: str | None = None, **kwargs: Any,
    ) -> ExecutionResult:
        """The org tree's hot shape goes the planned way (organization/tree.py), everything else the ordinary
        way; a document takes the planned way only once it has been validated here without errors."""
        if tree.ENABLED and query and isinstance(context_value, Context):
            data = await _planned(query, variable_values, context_value, operation_name)
            if data is not None:
                return ExecutionResult(data=data, errors=None, extensions={"requestId": context_value.request_id})
        return await super().execute(query, variable_values, context_value, root_value, operation_name, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Logged by RequestErrors, with the request id; nothing to add here."""


async def _planned(query: str, variables: dict[str, Any] | None, context: Context,
                   operation_name: str | None) -> dict[str, Any] | None:
    checked = documents.get(query)
    if checked is None or checked.validation != [] or checked.control_in_literals:
        return None
    if operation_name not in checked.plans:
        checked.plans[operation_name] = tree.plan_for(checked.document, operation_name)
    plan = checked.plans[operation_name]
    if plan is None or has_control_characters(variables):
        return None
    return await tree.answer(context, plan, variables)


def build_schema() -> Schema:
    built = Schema(
        query=Query,
        mutation=Mutation,
        types=[OrganizationType, MemberType, MigrationType, SegmentType, NumberReleaseType],
        config=StrawberryConfig(auto_camel_case=True),
        # A request's size is bounded before it runs: nesting, aliases and tokens (a 4-level org tree with every
        # field is depth 10; GraphiQL's introspection query is about 1,500 tokens), each text checked once.
        extensions=[RequestErrors, CheckedDocuments],
    )
    gate_root_fields(built._schema)
    return built


schema = build_schema()
