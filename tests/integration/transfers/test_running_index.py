"""TRF-1 in the database: a partial unique index lets one member have one running transfer and any number of
finished ones, whatever the code above it checks; the violation reads as TRF-1's own UserError."""

from __future__ import annotations

import pytest
from factories import NOW, add_org, add_person
from sqlalchemy.exc import IntegrityError

from zhtj.domain.transfers.model import AWAITING_TARGET, COMPLETED, ORDINARY, RETURNED, Transfer
from zhtj.infrastructure.constraints import problem_for


def _transfer(member_id: int, branch_id: int, status: str) -> Transfer:
    return Transfer(member_id=member_id, source_branch_id=branch_id, kind=ORDINARY, reason="其他", started_by=None,
                    started_side="MEMBER", started_at=NOW, step_started_at=NOW, status=status)


async def test_trf1_the_database_holds_one_running_transfer_per_member(root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    member, _ = await add_person(uow, hasher, clock, name="小明", branch=branch)
    async with uow:
        for status in (COMPLETED, RETURNED, AWAITING_TARGET):  # finished ones do not count
            uow.transfers.add(_transfer(member.id, branch.id, status))
        await uow.commit()
    async with uow:
        uow.transfers.add(_transfer(member.id, branch.id, "AWAITING_SOURCE"))
        with pytest.raises(IntegrityError) as raised:
            await uow.flush()
    problem = problem_for(raised.value)
    assert problem is not None and (problem.code, problem.message, problem.rule) == (
        "TRANSFER_RUNNING", "已有业务正在办理，不能重复发起", "TRF-1")
