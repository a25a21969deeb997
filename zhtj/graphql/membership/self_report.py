"""Placeholder: filled in by the self report work."""

from __future__ import annotations

import strawberry


@strawberry.type
class SelfReportMutation:
    pass
