"""Placeholder: issuePasswordResetCode and resetPassword (ACC-5)."""

from __future__ import annotations

import strawberry


@strawberry.type
class PasswordResetMutation:
    pass
