"""Identity use cases with in-memory fakes (ACC-1, ACC-3, ORG-1)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fakes import FakeHasher, FakeSender

from zhtj.domain.identity import first_password, rules, services
from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.shared.errors import DomainError

ADMIN_ID = "110101199003071233"
SECRET = "unit-secret"


async def _login(uow, clock, password="Tuanjian2026", id_number=ADMIN_ID):
    return await services.login(uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET,
                                id_number=id_number, password=password)


async def test_bootstrap_makes_the_root_admin_a_cadre_and_admin_ACC3(uow):
    root = await uow.organizations.root()
    assert root.short_name == "团中央" and root.path == f"/{root.id}/" and root.depth == 0
    admin = uow.members.rows[0]
    assert uow.members.positions[0].org_id == root.id and uow.members.positions[0].member_id == admin.id
    assert uow.admins.rows[0].org_id == root.id
    assert uow.accounts.rows[0].must_change_password is False


async def test_bootstrap_refuses_a_non_empty_database_ORG1(uow, clock):
    with pytest.raises(DomainError) as raised:
        await bootstrap(uow=uow, clock=clock, hasher=FakeHasher(), admin_id_number=ADMIN_ID,
                        admin_name="又一个", password="Tuanjian2026")
    assert [p.code for p in raised.value.problems] == ["DATABASE_NOT_EMPTY"]


async def test_login_stores_only_a_keyed_hash_of_the_token_ACC1(uow, clock):
    session = await _login(uow, clock)
    stored = uow.tokens.rows[0]
    assert stored.token_hash == services.token_hash(SECRET, session.token) != session.token
    assert stored.expires_at == clock.now() + rules.TOKEN_LIFETIME
    viewer = await services.authenticate(uow=uow, clock=clock, secret=SECRET, token=session.token)
    assert viewer is not None and viewer.member.name == "团中央管理员" and viewer.admin_paths == ("/1/",)


async def test_a_failure_is_counted_and_committed_ACC1(uow, clock):
    with pytest.raises(DomainError) as raised:
        await _login(uow, clock, password="wrong-password-1")
    assert raised.value.problems[0].code == "INVALID_CREDENTIALS"
    assert uow.throttles.rows[0].failures == 1 and uow.commits >= 2


@pytest.mark.parametrize(("failures", "wait"), [(0, 0), (2, 0), (3, 2), (4, 4), (5, 8), (6, 900), (9, 900)])
def test_waits_grow_then_lock_ACC1(failures, wait):
    assert rules.wait_after_failures(failures) == timedelta(seconds=wait)


@pytest.mark.parametrize(("password", "code"), [
    ("abc123", "PASSWORD_TOO_SHORT"), ("a1" * 33, "PASSWORD_TOO_SHORT"), ("abcdefgh", "PASSWORD_TOO_WEAK"),
    ("12345678", "PASSWORD_TOO_WEAK"), ("99003071233", "PASSWORD_TOO_WEAK"), ("03071233", "PASSWORD_IS_INITIAL"),
    ("x110101199003071233", "PASSWORD_IS_INITIAL"), ("Tuanjian2026", None),
    ("abcd1234", "PASSWORD_TOO_COMMON"), ("Gq7vLp2x", None),
])
def test_password_rules_ACC1(password, code):
    assert [p.code for p in rules.password_problems(password, ADMIN_ID)] == ([code] if code else [])


async def test_change_password_clears_the_must_change_flag_ACC1(uow, clock):
    uow.accounts.rows[0].must_change_password = True
    uow.members.rows[0].mobile = "13912345678"
    session = await _login(uow, clock)
    other = await _login(uow, clock)
    sender = FakeSender()  # finding 6: the first change needs the texted code too
    viewer = await services.authenticate(uow=uow, clock=clock, secret=SECRET, token=session.token)
    await first_password.send_password_change_code(uow=uow, clock=clock, secret=SECRET, sender=sender, viewer=viewer)
    code = re.search(r"\d{6}", sender.sent[0][1]).group(0)
    account = await services.change_password(
        uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET, account_id=session.account.id,
        current_token=session.token, old_password="Tuanjian2026", new_password="Xinmima2027", code=code)
    assert account.must_change_password is False and account.password_hash == "plain$Xinmima2027"
    assert await services.authenticate(uow=uow, clock=clock, secret=SECRET, token=session.token)
    assert await services.authenticate(uow=uow, clock=clock, secret=SECRET, token=other.token) is None
