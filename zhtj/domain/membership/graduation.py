"""延期毕业 (ORG-11): an admin over a school branch ticks the members who graduate later; the yearly switch leaves
them unflagged, and ticking one already flagged takes the graduate flag away."""

from __future__ import annotations

from collections.abc import Sequence

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import manages_member
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import Member
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import UnitOfWork

MAX_AT_ONCE = 100


async def mark_delayed_graduation(*, uow: UnitOfWork, clock: Clock, viewer: Viewer,
                                  member_ids: Sequence[int | None], delayed: bool) -> list[Member]:
    """Scope first (ACC-4): every member must be one the viewer manages, or the answer is NOT_FOUND as for an id
    that does not exist; then each must be in a school branch (or a 毕业生团组织)."""
    if not member_ids or len(member_ids) > MAX_AT_ONCE:
        raise DomainError.of("MEMBER_COUNT", f"每次选择1至{MAX_AT_ONCE}名团员", "memberIds", "ORG-11")
    found: list[Member] = []
    for member_id in dict.fromkeys(member_ids):
        member = await uow.members.lock(member_id) if member_id else None
        if member is None or not await manages_member(uow, viewer, member):
            raise NotFound("memberIds", "团员")
        found.append(member)
    problems = []
    for member in found:
        branch = await uow.organizations.get(member.branch_id) if member.branch_id else None
        school = branch is not None and (branch.category == values.GRADUATE_ORG or (
            branch.category == values.BRANCH and branch.industry in values.GRADUATING_INDUSTRIES))
        if not school:
            problems.append(Problem("DELAYED_NOT_SCHOOL", f"{member.name}不在学校团支部，无需标记延期毕业",
                                    "memberIds", "ORG-11"))
    if problems:
        raise DomainError(problems)
    for member in found:
        member.delayed_graduation = delayed
        if delayed:
            member.graduate = False
        member.updated_at = clock.now()
        audit.record(uow, clock, viewer.member.id, "markDelayedGraduation", member, str(delayed))
    await uow.commit()
    return found
