"""Passwords cannot be guessed without limit by other doors than login: changePassword with a stolen token
(ACC-1) and registerAdmin with a live code (ACC-3, ACC-4). Waits as for login: 3 free failures, then 2 s,
4 s, 8 s, then 15 minutes."""

from __future__ import annotations

from datetime import date

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from sqlalchemy import select

from zhtj.domain.identity.admins import code_hash, code_tries_key
from zhtj.domain.identity.services import throttle_key
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.tables.schema import login_throttles

ERRORS = "errors { code message field rule }"
CHANGE = f"""mutation($input: ChangePasswordInput!) {{ changePassword(input: $input) {{ {ERRORS} }} }}"""
ISSUE = f"""mutation($input: IssueAdminCodeInput!) {{ issueAdminCode(input: $input) {{ code {ERRORS} }} }}"""
REGISTER = f"""mutation($input: RegisterAdminInput!) {{ registerAdmin(input: $input) {{
  member {{ name }} {ERRORS} }} }}"""
NEW_PASSWORD = "Xin2026mima"


def codes(errors: list[dict]) -> list[tuple[str, str | None, str | None]]:
    return [(e["code"], e["field"], e["rule"]) for e in errors]


async def change(client, old: str) -> list[dict]:
    given = {"oldPassword": old, "newPassword": NEW_PASSWORD}
    return (await client.query(CHANGE, {"input": given}))["changePassword"]["errors"]


async def test_wrong_old_passwords_count_as_login_failures_ACC1(client, root, clock):
    """A token holder guessing the old password in changePassword meets the login's waits and lock."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for _ in range(3):
        assert codes(await change(client, "Wrong-guess-1")) == [("WRONG_PASSWORD", "oldPassword", "ACC-1")]
    throttled = await change(client, ROOT_ADMIN_PASSWORD)  # within 2 s: refused even when right
    assert codes(throttled) == [("LOGIN_THROTTLED", "oldPassword", "ACC-1")]
    assert throttled[0]["message"] == "密码错误次数过多，请2秒后再试"  # the login's words
    assert (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["errors"][0]["code"] == "LOGIN_THROTTLED"
    for wait in (2, 4, 8):  # failures 4..6 each after a longer wait, then the lock
        clock.advance(seconds=wait)
        assert codes(await change(client, "Wrong-guess-1")) == [("WRONG_PASSWORD", "oldPassword", "ACC-1")]
    clock.advance(seconds=30)
    assert (await change(client, ROOT_ADMIN_PASSWORD))[0]["message"] == "密码错误次数过多，请15分钟后再试"
    login = await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert login["errors"][0]["message"] == "密码错误次数过多，请15分钟后再试"
    clock.advance(minutes=15)
    assert await change(client, ROOT_ADMIN_PASSWORD) == []
    assert (await client.login(ROOT_ADMIN_ID, NEW_PASSWORD))["token"]


async def test_failed_registrations_are_throttled_per_code_not_against_the_person_ACC3_ACC4(
        client, root, uow, hasher, clock, settings):
    """A live code must not be an unlimited anonymous lookup of ID numbers (registered? under which name?), nor a
    way to lock someone out of login: every refused registration counts against the code, never the person."""
    province = await add_org(uow, root, "江苏团省委")
    victim, password = await add_person(uow, hasher, clock, name="王强", password="Jiumima2020")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    code = (await client.query(ISSUE, {"input": {"orgId": encode_id("Organization", province.id)}}))[
        "issueAdminCode"]["code"]
    client.token = None  # registerAdmin is public

    async def register(**fields) -> list[dict]:
        given = {"code": code, "idNumber": victim.id_number, "name": "王强", "mobile": "13800138000",
                 "password": "Cuowu2026x", **fields}
        return (await client.query(REGISTER, {"input": given}))["registerAdmin"]["errors"]

    assert codes(await register()) == [("ACCOUNT_EXISTS_WRONG_PASSWORD", "password", "ACC-1")]
    assert codes(await register(name="王小强", password=password)) == [("NAME_MISMATCH", "name", "MEM-4")]
    assert codes(await register(idNumber=new_id_number(date(1995, 1, 1)), mobile="123")) == [
        ("MOBILE_FORMAT", "mobile", "MEM-11")]  # any refusal counts, not only wrong passwords
    probe = await register(name="王小强")  # within 2 s: nothing is looked up, the answer says nothing about him
    assert codes(probe) == [("ADMIN_CODE_THROTTLED", "code", "ACC-3")]
    assert probe[0]["message"] == "注册失败次数过多，请2秒后再试"
    for wait in (2, 4, 8):
        clock.advance(seconds=wait)
        assert codes(await register()) == [("ACCOUNT_EXISTS_WRONG_PASSWORD", "password", "ACC-1")]
    clock.advance(seconds=30)
    locked = await register(password=password)
    assert codes(locked) == [("ADMIN_CODE_THROTTLED", "code", "ACC-3")]
    assert locked[0]["message"] == "注册失败次数过多，请15分钟后再试"
    async with uow:  # six failures with his ID number, none of them against his login
        keys = set(await uow.session.scalars(select(login_throttles.c.key)))
    secret = settings.secret_key
    assert code_tries_key(secret, code_hash(secret, code)) in keys
    assert throttle_key(secret, victim.id_number) not in keys
    assert (await client.login(victim.id_number, password))["token"]
    clock.advance(minutes=15)
    client.token = None
    assert await register(password=password) == []
