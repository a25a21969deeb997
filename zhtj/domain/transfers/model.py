"""组织关系转接 (TRF-1..10): one member's organizational relation moves from one branch to another, through an
explicit state machine whose every step is recorded (who, when, what, note)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# States (TRF-1..5). The first three are "running": one per member, held by a partial unique index.
AWAITING_SOURCE = "AWAITING_SOURCE"          # the member's branch (or above) approves letting them go
AWAITING_TARGET = "AWAITING_TARGET"          # the target (or, TRF-6, the provincial-level admin) approves
AWAITING_ASSIGNMENT = "AWAITING_ASSIGNMENT"  # the target committee's admin assigns a branch
COMPLETED = "COMPLETED"
RETURNED = "RETURNED"
WITHDRAWN = "WITHDRAWN"
EXPIRED = "EXPIRED"
RUNNING = (AWAITING_SOURCE, AWAITING_TARGET, AWAITING_ASSIGNMENT)
STATES = (*RUNNING, COMPLETED, RETURNED, WITHDRAWN, EXPIRED)

# Who started it (TRF-1): the member, an admin of the source side, an admin of the target side.
BY_MEMBER, BY_SOURCE, BY_TARGET = "MEMBER", "SOURCE", "TARGET"

# Kinds of destination
ORDINARY = "ORDINARY"  # a committee or branch of this system (national systems included, TRF-8)
SPECIAL = "SPECIAL"    # 特殊单位 (TRF-6): no target org; the provincial-level admin approves
EXTERNAL = "EXTERNAL"  # another system (TRF-7): by its exact full name; the member leaves when it is sent
BATCH = "BATCH"        # 批量转接 (TRF-4): inside one committee's subtree, no approval

# What a step did
START, APPROVE, ASSIGN, RETURN, WITHDRAW, EXPIRE = "START", "APPROVE", "ASSIGN", "RETURN", "WITHDRAW", "EXPIRE"


@dataclass(eq=False)
class Transfer:
    member_id: int
    source_branch_id: int | None  # None once that branch is deleted (ORG-7); the name stays in source_name
    kind: str
    reason: str
    started_by: int | None
    started_side: str
    started_at: datetime
    step_started_at: datetime  # when the current step began: unanswered for 10 days, it expires (TRF-5)
    status: str = AWAITING_SOURCE
    step_org_id: int | None = None  # whose admins (or those above, ACC-4) take the current step; None when done
    target_org_id: int | None = None  # a committee or branch; None for SPECIAL and EXTERNAL
    target_branch_id: int | None = None  # where the member lands (the target branch, or the assigned one)
    external_system: str | None = None  # TRF-7: 北京, 广东, 福建
    target_name: str | None = None  # the target's full name when started (TRF-7: as typed, in the other system)
    source_name: str = ""  # the source branch's full name when started: the history outlives deleted orgs
    remark: str | None = None  # TRF-6: where the member goes
    finished_at: datetime | None = None
    employed: bool | None = None  # TRF-9: the starter's statement; None when none was given
    employer_name: str | None = None
    workplace_town: str | None = None
    household_town: str | None = None
    id: int | None = field(default=None)

    @property
    def running(self) -> bool:
        return self.status in RUNNING


@dataclass(eq=False)
class TransferStep:
    """One recorded step: who (None for the system), when, what, with what note."""

    transfer_id: int
    at: datetime
    action: str
    status_after: str
    actor_id: int | None = None
    note: str | None = None
    id: int | None = field(default=None)


@dataclass(eq=False)
class JobRun:
    """A once-per-period job that ran (the graduation switch of a year): its row makes a second run a no-op."""

    name: str
    period: str
    ran_at: datetime
    detail: str = ""
