"""The first password change with a texted code, with in-memory fakes (ACC-1, issue 12 finding 6)."""

from __future__ import annotations

import re

import pytest
from fakes import FakeHasher, FakeSender, FakeUnitOfWork, fake_org, fake_person, fake_viewer

from zhtj.domain.identity import first_password, services
from zhtj.domain.shared.errors import DomainError

SECRET = "unit-secret"


async def person(uow: FakeUnitOfWork, mobile: str | None = "13912345678"):
    branch = fake_org(uow, await uow.organizations.root(), "某团支部", "团支部")
    member = fake_person(uow, "李娜", 2, branch=branch, must_change=True)
    member.mobile = mobile
    return await fake_viewer(uow, member)


def change(uow, clock, viewer, code):
    return services.change_password(uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET,
                                    account_id=viewer.account.id, current_token="t", old_password="Jiumima2020",
                                    new_password="Qingnian2026", code=code)


async def test_the_code_goes_to_the_mobile_on_record_and_opens_the_change_once_ACC1(uow, clock):
    viewer, sender = await person(uow), FakeSender()
    sent = await first_password.send_password_change_code(uow=uow, clock=clock, secret=SECRET, sender=sender,
                                                          viewer=viewer)
    assert sent.mobile_masked == "139****5678"
    [(mobile, text)] = sender.sent
    code = re.search(r"\d{6}", text).group(0)
    assert mobile == "13912345678"
    assert all(code not in c.code_hash for c in uow.reset_codes.rows)
    with pytest.raises(DomainError) as refused:
        await change(uow, clock, viewer, None)
    assert [p.code for p in refused.value.problems] == ["PASSWORD_CODE_REQUIRED"]
    account = await change(uow, clock, viewer, code)
    assert account.must_change_password is False
    assert [c.used_at for c in uow.reset_codes.rows] == [clock.now()]


async def test_no_mobile_no_code_ACC1_ACC5(uow, clock):
    viewer, sender = await person(uow, mobile=None), FakeSender()
    with pytest.raises(DomainError) as refused:
        await first_password.send_password_change_code(uow=uow, clock=clock, secret=SECRET, sender=sender,
                                                       viewer=viewer)
    assert [p.code for p in refused.value.problems] == ["NO_MOBILE_ON_RECORD"] and sender.sent == []


def test_the_hash_is_bound_to_the_account_ACC1():
    assert first_password.phone_code_hash(SECRET, 1, "123456") != first_password.phone_code_hash(SECRET, 2, "123456")
    assert first_password.phone_code_hash(SECRET, 1, " 123456 ") == first_password.phone_code_hash(SECRET, 1, "123456")


async def test_five_texts_a_day_at_most_ACC1(uow, clock):
    viewer, sender = await person(uow), FakeSender()
    for _ in range(first_password.MAX_A_DAY):
        await first_password.send_password_change_code(uow=uow, clock=clock, secret=SECRET, sender=sender,
                                                       viewer=viewer)
        clock.advance(minutes=1)
    with pytest.raises(DomainError) as refused:
        await first_password.send_password_change_code(uow=uow, clock=clock, secret=SECRET, sender=sender,
                                                       viewer=viewer)
    assert [p.code for p in refused.value.problems] == ["PASSWORD_CODE_TOO_MANY"]
    assert len(sender.sent) == first_password.MAX_A_DAY
    clock.advance(days=1)
    await first_password.send_password_change_code(uow=uow, clock=clock, secret=SECRET, sender=sender, viewer=viewer)
