"""The schema: one Query and one Mutation merged from every context's parts."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from zhtj.graphql.context import Context
from zhtj.graphql.extensions import AccessGate, RequestErrors
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
from zhtj.graphql.organization.migration import MigrationMutation, MigrationQuery, MigrationType
from zhtj.graphql.organization.mutations import OrganizationMutation
from zhtj.graphql.organization.queries import OrganizationQuery
from zhtj.graphql.organization.types import OrganizationType

MAX_DEPTH = 15
MAX_ALIASES = 100
MAX_TOKENS = 5_000
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
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Logged by RequestErrors, with the request id; nothing to add here."""


def build_schema() -> Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[OrganizationType, MemberType, MigrationType, SegmentType, NumberReleaseType],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            AccessGate, RequestErrors,
            # A request's size is bounded before it runs: nesting, aliases and tokens (a 4-level org tree with
            # every field is depth 10; GraphiQL's introspection query is about 1,500 tokens).
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256),
        ],
    )


schema = build_schema()
