"""Accounts and auth over GraphQL (ACC-1, ACC-4; API.md conventions)."""

from __future__ import annotations

import asyncio

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from phone_codes import texted_code

ME = "{ me { mustChangePassword member { name idNumberMasked } adminOf { fullName depth } } }"


async def test_without_a_token_only_public_fields_work_ACC1(client, root):
    for query in (ME, "{ organization(id: \"x\") { id } }", "{ node(id: \"x\") { id } }",
                  "mutation { logout { ok } }"):
        errors = await client.errors(query)
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", query
        assert errors[0]["message"] == "请先登录"
    result = await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert result["token"] and result["errors"] == []


async def test_login_gives_a_token_that_answers_me_ACC1(client, root):
    result = await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert result["mustChangePassword"] is False
    assert result["viewer"]["adminOf"] == [{"fullName": "中国共产主义青年团中央委员会"}]
    me = (await client.query(ME, token=result["token"]))["me"]
    assert me == {"mustChangePassword": False,
                  "member": {"name": "团中央管理员", "idNumberMasked": "110101********1233"},
                  "adminOf": [{"fullName": "中国共产主义青年团中央委员会", "depth": 0}]}


async def test_wrong_password_and_unknown_id_number_get_the_same_answer_ACC1(client, root):
    wrong = await client.login(ROOT_ADMIN_ID, "Wrong-password-1")
    unknown = await client.login(new_id_number(), "Wrong-password-1")
    assert wrong["token"] is None and unknown["token"] is None
    assert wrong["errors"] == unknown["errors"] == [
        {"code": "INVALID_CREDENTIALS", "message": "身份证号或密码错误", "field": None, "rule": "ACC-1"}]


async def test_login_refuses_a_malformed_id_number_ACC1(client, root):
    bad = ROOT_ADMIN_ID[:-1] + ("0" if ROOT_ADMIN_ID[-1] != "0" else "1")
    result = await client.login(bad, ROOT_ADMIN_PASSWORD)
    assert result["token"] is None
    assert [e["code"] for e in result["errors"]] == ["ID_NUMBER_CHECKSUM"]
    assert result["errors"][0]["field"] == "idNumber"


async def test_repeated_wrong_passwords_slow_down_then_lock_ACC1(client, root, clock):
    for _ in range(3):
        assert (await client.login(ROOT_ADMIN_ID, "Wrong-password-1"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # The fourth try within 2 s is refused even with the right password.
    throttled = await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert throttled["token"] is None
    assert throttled["errors"][0]["code"] == "LOGIN_THROTTLED"
    assert "2秒" in throttled["errors"][0]["message"]
    clock.advance(seconds=2)
    for wait in (2, 4, 8):  # failures 3..5 each wait longer
        clock.advance(seconds=wait)
        assert (await client.login(ROOT_ADMIN_ID, "Wrong-password-1"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    clock.advance(seconds=30)
    locked = await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert locked["errors"][0]["code"] == "LOGIN_THROTTLED" and "分钟" in locked["errors"][0]["message"]
    clock.advance(minutes=15)
    assert (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]
    # A success starts the count again.
    assert (await client.login(ROOT_ADMIN_ID, "Wrong-password-1"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]


async def test_unknown_id_numbers_are_throttled_alike_ACC1(client, root):
    """The lock must not tell whether an ID number has an account."""
    unknown = new_id_number()
    answers = [await client.login(unknown, "Wrong-password-1") for _ in range(4)]
    known = [await client.login(ROOT_ADMIN_ID, "Wrong-password-1") for _ in range(4)]
    assert [a["errors"][0]["code"] for a in answers] == [k["errors"][0]["code"] for k in known] == [
        "INVALID_CREDENTIALS"] * 3 + ["LOGIN_THROTTLED"]


async def test_concurrent_wrong_passwords_count_exactly_ACC1(client, root):
    """Twenty logins at once: no "database is locked", no lost update of the failure count."""
    results = await asyncio.gather(*(client.login(ROOT_ADMIN_ID, "Wrong-password-1") for _ in range(20)))
    codes = sorted(r["errors"][0]["code"] for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * 3 + ["LOGIN_THROTTLED"] * 17


async def test_token_expires_ACC1(client, root, clock):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    clock.advance(hours=11, minutes=59)
    assert (await client.query(ME))["me"]["member"]["name"] == "团中央管理员"
    clock.advance(minutes=1)
    assert (await client.errors(ME, token=token))[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_revokes_the_token_ACC1(client, root):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    other = (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]
    assert (await client.query("mutation { logout { ok errors { code } } }"))["logout"] == {"ok": True, "errors": []}
    assert (await client.errors(ME, token=token))[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await client.query(ME, token=other))["me"]["member"]["name"] == "团中央管理员"


async def test_a_garbage_token_is_unauthenticated(client, root):
    errors = await client.errors(ME, token="not-a-token")
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


CHANGE = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) {
  viewer { mustChangePassword } errors { code field rule } } }"""


async def test_initial_password_must_be_changed_first_ACC1(client, root, uow, hasher, clock, db):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    member, initial = await add_person(uow, hasher, clock, name="李娜", branch=branch, mobile="13812345678")
    result = await client.login(member.id_number, initial)
    assert result["mustChangePassword"] is True
    client.token = result["token"]
    org_query = "query($id: ID!) { organization(id: $id) { fullName } }"
    errors = await client.errors(org_query, {"id": "T3JnYW5pemF0aW9uOjE="})
    assert errors[0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert (await client.query(ME))["me"]["mustChangePassword"] is True
    code = await texted_code(client, db, "13812345678")  # finding 6: the initial password is not enough
    weak = await client.query(CHANGE, {"input": {"oldPassword": initial, "newPassword": initial, "code": code}})
    assert weak["changePassword"]["errors"] == [
        {"code": "PASSWORD_IS_INITIAL", "field": "newPassword", "rule": "ACC-1"}]
    both_bad = await client.query(CHANGE, {"input": {"oldPassword": "nope", "newPassword": "short", "code": code}})
    assert [e["code"] for e in both_bad["changePassword"]["errors"]] == ["WRONG_PASSWORD", "PASSWORD_TOO_SHORT"]
    done = await client.query(CHANGE, {"input": {"oldPassword": initial, "newPassword": "Qingnian2026", "code": code}})
    assert done["changePassword"] == {"viewer": {"mustChangePassword": False}, "errors": []}
    assert (await client.query(ME))["me"]["mustChangePassword"] is False
    assert (await client.login(member.id_number, initial))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await client.login(member.id_number, "Qingnian2026"))["token"]


async def test_changing_the_password_ends_other_sessions_ACC1(client, root):
    first = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    second = (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]
    done = await client.query(CHANGE, {"input": {"oldPassword": ROOT_ADMIN_PASSWORD, "newPassword": "Xin2026mima"}})
    assert done["changePassword"]["errors"] == []
    assert (await client.query(ME, token=first))["me"]["member"]["name"] == "团中央管理员"
    assert (await client.errors(ME, token=second))[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_initial_password_opens_nothing_below_me_either_ACC1(client, root, uow, hasher, clock):
    """`me` answers, but the orgs someone administers stay closed until the initial password is changed."""
    branch = await add_org(uow, root, "某团支部", category="团支部")
    admin, _ = await add_person(uow, hasher, clock, name="新管理员", admin_of=branch)  # initial password
    await add_person(uow, hasher, clock, name="某团员", branch=branch)
    result = await client.login(admin.id_number, admin.id_number[-8:])
    client.token = result["token"]
    me = await client.query("""{ me { mustChangePassword adminOf { fullName members { totalCount } }
      member { name branch { fullName } positions { position } } } }""")
    assert me["me"] == {"mustChangePassword": True, "adminOf": [],
                        "member": {"name": "新管理员", "branch": None, "positions": []}}
