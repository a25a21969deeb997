"""组织关系批量转接 (TRF-4): a committee admin moves up to 30 members between branches of its own subtree at
once, with a reason and without approval. Each move is recorded as a completed transfer."""

from __future__ import annotations

from collections.abc import Sequence

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administered_org, administers
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import ACTIVE
from zhtj.domain.organization.model import is_within
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import UnitOfWork
from zhtj.domain.transfers import notices, rules
from zhtj.domain.transfers.model import BATCH, BY_SOURCE, COMPLETED, START, Transfer, TransferStep

MEMBER_ORGS = (values.BRANCH, values.GRADUATE_ORG)


async def batch_transfer(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_ids: Sequence[int | None],
                         target_branch_id: int | None, reason: str | None) -> list[Transfer]:
    """Scope first: the target branch and every member must lie under one committee (or leading body, ACC-4
    decided) the viewer administers; an id out of scope is NOT_FOUND like one that does not exist."""
    target = await administered_org(uow, viewer, target_branch_id, "targetBranchId")
    if not member_ids or len(member_ids) > rules.BATCH_MAX:
        raise DomainError.of("BATCH_SIZE", f"每次批量转接1至{rules.BATCH_MAX}名团员", "memberIds", "TRF-4")
    if len(set(member_ids)) != len(member_ids):
        raise DomainError.of("BATCH_DUPLICATE", "同一团员不能重复选择", "memberIds", "TRF-4")
    members = []
    for member_id in sorted(i or 0 for i in member_ids):  # locked in id order: two batches never deadlock
        member = await uow.members.lock(member_id) if member_id else None
        branch = await uow.organizations.get(member.branch_id) if member and member.branch_id else None
        if member is None or branch is None or not administers(viewer, branch):
            raise NotFound("memberIds", "团员")
        members.append((member, branch))
    committees = [o for o in viewer.admin_of if o.category not in values.BRANCH_CATEGORIES
                  and is_within(target.path, o.path) and all(is_within(b.path, o.path) for _, b in members)]
    problems = []
    if not committees:
        problems.append(Problem("BATCH_OUTSIDE_COMMITTEE", "批量转接只能在本团委所辖团支部之间进行", "memberIds",
                                "TRF-4"))
    if target.category not in MEMBER_ORGS:
        problems.append(Problem("TARGET_NOT_BRANCH", "请选择转入的团支部", "targetBranchId", "TRF-4"))
    if reason not in values.TRANSFER_REASONS:
        problems.append(Problem("REASON_INVALID", "请选择转接原因", "reason", "TRF-4"))
    for member, branch in members:
        assert member.id is not None
        if member.status != ACTIVE or branch.id == target.id:
            problems.append(Problem("MEMBER_ALREADY_THERE", f"{member.name}已在该团支部", "memberIds", "TRF-4"))
        elif await uow.transfers.running_for(member.id) is not None:
            problems.append(Problem("TRANSFER_RUNNING", f"{member.name}{rules.RUNNING_MESSAGE}", "memberIds", "TRF-1"))
    if problems:
        raise DomainError(problems)
    now, done = clock.now(), []
    assert target.id is not None
    for member, branch in members:
        assert member.id is not None and branch.id is not None
        transfer = Transfer(member_id=member.id, source_branch_id=branch.id, kind=BATCH, reason=reason or "",
                            started_by=viewer.member.id, started_side=BY_SOURCE, started_at=now, step_started_at=now,
                            status=COMPLETED, target_org_id=target.id, target_branch_id=target.id, finished_at=now,
                            source_name=branch.full_name, target_name=target.full_name)
        uow.transfers.add(transfer)
        await uow.flush()
        assert transfer.id is not None
        uow.transfers.add_step(TransferStep(transfer_id=transfer.id, at=now, action=START, status_after=COMPLETED,
                                            actor_id=viewer.member.id, note="批量转接"))
        member.branch_id, member.updated_at = target.id, now
        await notices.transfer_ended(uow, clock, transfer)
        audit.record(uow, clock, viewer.member.id, "batchTransfer", member, f"Transfer:{transfer.id}")
        done.append(transfer)
    await uow.commit()
    return done
