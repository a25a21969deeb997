"""Placeholder: filled in by the verification work."""

from __future__ import annotations

import strawberry


@strawberry.type
class VerificationMutation:
    pass
