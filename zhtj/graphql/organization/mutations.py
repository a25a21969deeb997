"""Mutations of the organization tree (ORG-1..11)."""

from __future__ import annotations

import strawberry


@strawberry.type
class OrganizationMutation:
    pass
