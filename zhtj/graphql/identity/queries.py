from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from zhtj.graphql.context import Context
from zhtj.graphql.identity.types import ViewerType


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="我: the logged-in person and the orgs they administer.")
    def me(self, info: Info[Context, Any]) -> ViewerType:
        return ViewerType.from_domain(info.context.require_viewer(allow_initial_password=True, allow_pending=True))

    @strawberry.field(description="当前用户 under Relay's conventional name: the same object as `me`.")
    def viewer(self, info: Info[Context, Any]) -> ViewerType:
        return ViewerType.from_domain(info.context.require_viewer(allow_initial_password=True, allow_pending=True))
