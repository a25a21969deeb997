from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from zhtj.graphql.context import Context
from zhtj.graphql.organization.types import OrganizationType, visible_org


def org_pk(raw: str) -> int | None:
    """A Relay id of an Organization, or None for anything else."""
    try:
        gid = relay.GlobalID.from_id(raw)
    except Exception:
        return None
    ok = gid.type_name == "Organization" and gid.node_id.isdigit()
    return int(gid.node_id) if ok else None


@strawberry.type
class OrganizationQuery:
    @strawberry.field(description="One org by its id; null if it does not exist or lies outside your scope.")
    async def organization(self, info: Info[Context, Any], id: strawberry.ID) -> OrganizationType | None:
        org = await visible_org(info, org_pk(id))
        return OrganizationType.from_domain(org) if org else None
