from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.graphql.context import Context
from zhtj.graphql.ids import decode_id
from zhtj.graphql.organization.types import OrganizationType, visible_org
from zhtj.graphql.organization.values import ValueLists, current_value_lists


@strawberry.type
class OrganizationQuery:
    @strawberry.field(description="取值列表 for dropdowns: categories, industries, ethnic groups, … (§7).")
    def value_lists(self) -> ValueLists:
        return current_value_lists()

    @strawberry.field(description="One org by its id; null if it does not exist or lies outside your scope.")
    async def organization(self, info: Info[Context, Any], id: strawberry.ID) -> OrganizationType | None:
        org = await visible_org(info, decode_id(id, "Organization"))
        return OrganizationType.from_domain(org) if org else None
