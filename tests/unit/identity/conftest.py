"""The identity unit tests start from a bootstrapped root (团中央 and its admin) in memory."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from fakes import FakeHasher, FakeUnitOfWork

from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.shared.clock import FixedClock


@pytest.fixture
async def uow(clock: FixedClock) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await bootstrap(uow=uow, clock=clock, hasher=FakeHasher(), admin_id_number=ROOT_ADMIN_ID,
                    admin_name="团中央管理员", password=ROOT_ADMIN_PASSWORD)
    return uow
