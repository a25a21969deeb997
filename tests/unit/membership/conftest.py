"""The membership use-case tests start from a small tree of orgs and admins in memory."""

from __future__ import annotations

import pytest
from fakes import FakeUnitOfWork
from membership_world import new_uow, tree

from zhtj.domain.shared.clock import FixedClock


@pytest.fixture
async def uow(clock: FixedClock) -> FakeUnitOfWork:
    return await new_uow(clock)


@pytest.fixture
async def t(uow: FakeUnitOfWork) -> dict:
    return await tree(uow)
