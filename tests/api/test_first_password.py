"""Finding 6 (issue 12): an initial password is the end of the ID number, so its first change also needs a code
texted to the mobile on record (ACC-1, decided), or an admin's reset code (ACC-5). Codes are hashed, live 10
minutes, work once, and wrong ones count in the account's login throttle."""

from __future__ import annotations

from factories import add_org, add_person
from phone_codes import SEND, texted_code
from sqlalchemy import select

from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.tables.schema import outbox_messages, password_reset_codes

MOBILE = "13812345678"
NEW = "Qingnian2026"
CHANGE = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) {
  viewer { mustChangePassword } errors { code message field rule } } }"""


def codes(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def fresh(client, uow, hasher, clock, root, mobile: str | None = MOBILE):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    member, initial = await add_person(uow, hasher, clock, name="李娜", branch=branch, mobile=mobile)
    await client.login_as(member.id_number, initial)
    return member, initial, branch


async def change(client, old: str, code: str | None, new: str = NEW) -> dict:
    given = {"oldPassword": old, "newPassword": new} | ({"code": code} if code is not None else {})
    return (await client.query(CHANGE, {"input": given}))["changePassword"]


async def test_the_initial_password_alone_changes_nothing_ACC1_finding6(client, root, uow, hasher, clock, db):
    member, initial, _ = await fresh(client, uow, hasher, clock, root)
    assert codes(await change(client, initial, None)) == [("PASSWORD_CODE_REQUIRED", "code")]
    assert codes(await change(client, initial, "000000")) == [("PASSWORD_CODE_INVALID", "code")]
    code = await texted_code(client, db, MOBILE)
    wrong = "1" + code[1:] if code[0] != "1" else "2" + code[1:]
    assert codes(await change(client, initial, wrong)) == [("PASSWORD_CODE_INVALID", "code")]
    assert (await change(client, initial, code)) == {"viewer": {"mustChangePassword": False}, "errors": []}
    assert (await client.login(member.id_number, NEW))["token"]


async def test_a_code_is_hashed_at_rest_masked_and_used_once_ACC1_finding6(client, root, uow, hasher, clock, db):
    member, initial, _ = await fresh(client, uow, hasher, clock, root)
    clock.advance(seconds=0)
    sent = (await client.query(SEND))["sendPasswordChangeCode"]
    assert sent["sentTo"] == "138****5678" and sent["errors"] == []
    again = (await client.query(SEND))["sendPasswordChangeCode"]  # one a minute
    assert [e["code"] for e in again["errors"]] == ["PASSWORD_CODE_TOO_SOON"]
    clock.advance(minutes=1)
    code = await texted_code(client, db, MOBILE)  # the newer code ends the older one
    async with db.engine.connect() as conn:
        stored = (await conn.execute(select(password_reset_codes.c.code_hash))).scalars().all()
        texts = (await conn.execute(select(outbox_messages.c.body))).scalars().all()
    assert len(stored) == 2 and all(code not in h and len(h) == 64 for h in stored)
    assert len(texts) == 2
    assert (await change(client, initial, code))["errors"] == []
    await client.login_as(member.id_number, NEW)
    assert codes(await change(client, NEW, code, "Tuanyuan2027")) == []  # no longer asked: the password is chosen


async def test_a_code_expires_after_ten_minutes_ACC1_finding6(client, root, uow, hasher, clock, db):
    _, initial, _ = await fresh(client, uow, hasher, clock, root)
    code = await texted_code(client, db, MOBILE)
    clock.advance(minutes=10)
    assert codes(await change(client, initial, code)) == [("PASSWORD_CODE_INVALID", "code")]


async def test_wrong_codes_wait_and_lock_like_wrong_passwords_ACC1_finding6(client, root, uow, hasher, clock, db):
    _, initial, _ = await fresh(client, uow, hasher, clock, root)
    code = await texted_code(client, db, MOBILE)
    wrong = "1" + code[1:] if code[0] != "1" else "2" + code[1:]
    for _ in range(3):
        assert codes(await change(client, initial, wrong)) == [("PASSWORD_CODE_INVALID", "code")]
    assert codes(await change(client, initial, code)) == [("LOGIN_THROTTLED", "oldPassword")]  # even the right one
    clock.advance(seconds=2)
    assert (await change(client, initial, code))["errors"] == []


async def test_no_mobile_means_an_admin_reset_code_ACC1_ACC5_finding6(client, root, uow, hasher, clock, db):
    member, initial, branch = await fresh(client, uow, hasher, clock, root, mobile=None)
    refused = (await client.query(SEND))["sendPasswordChangeCode"]
    assert [(e["code"], e["rule"]) for e in refused["errors"]] == [("NO_MOBILE_ON_RECORD", "ACC-5")]
    admin, password = await add_person(uow, hasher, clock, name="支部管理员", password="Jiumima2020", admin_of=branch)
    await client.login_as(admin.id_number, password)
    issue = """mutation($input: IssuePasswordResetCodeInput!) { issuePasswordResetCode(input: $input) { code } }"""
    reset_code = (await client.query(issue, {"input": {"memberId": encode_id("Member", member.id)}}))[
        "issuePasswordResetCode"]["code"]
    await client.login_as(member.id_number, initial)
    assert codes(await change(client, initial, reset_code)) == [("PASSWORD_CODE_INVALID", "code")]  # not this door
    client.token = None
    reset = """mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { ok errors { code } } }"""
    done = await client.query(reset, {"input": {"idNumber": member.id_number, "code": reset_code, "newPassword": NEW}})
    assert done["resetPassword"] == {"ok": True, "errors": []}
    assert (await client.login(member.id_number, NEW))["mustChangePassword"] is False
