"""issueAdminCode, issueAdminCodes, registerAdmin, addAdmin, removeAdmin (ACC-3)."""

from __future__ import annotations

import strawberry


@strawberry.type
class AdminMutation:
    pass
