"""ACC-1 (decision 0018): every place a password is set refuses common passwords and the person's own data
(issue 12, finding 11)."""

from __future__ import annotations

from factories import add_org, add_person
from phone_codes import texted_code
from selfreport_api import form, report

from zhtj.graphql.ids import encode_id

CHANGE = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code field } } }"""
ISSUE = """mutation($input: IssuePasswordResetCodeInput!) { issuePasswordResetCode(input: $input) { code } }"""
RESET = """mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { ok errors { code field } } }"""


def codes(errors: list[dict]) -> list[str]:
    return [e["code"] for e in errors]


async def test_change_password_refuses_common_and_personal_ACC1_finding11(client, root, uow, hasher, clock, db):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    member, initial = await add_person(uow, hasher, clock, name="李娜", branch=branch, mobile="13812345678")
    await client.login_as(member.id_number, initial)
    texted = await texted_code(client, db, "13812345678")
    for new, code in (("password1", "PASSWORD_TOO_COMMON"), ("Lina2026", "PASSWORD_TOO_PERSONAL"),
                      (member.id_number[6:14] + "ab", "PASSWORD_TOO_PERSONAL")):
        done = await client.query(CHANGE, {"input": {"oldPassword": initial, "newPassword": new, "code": texted}})
        assert codes(done["changePassword"]["errors"]) == [code], new
    done = await client.query(CHANGE, {"input": {"oldPassword": initial, "newPassword": "Tuanyuan2026",
                                                 "code": texted}})
    assert done["changePassword"]["errors"] == []


async def test_reset_password_refuses_common_and_personal_ACC1_finding11(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    admin, _ = await add_person(uow, hasher, clock, name="支部管理员", password="Jiumima2020", admin_of=branch)
    member, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password="Jiumima2020")
    await client.login_as(admin.id_number, "Jiumima2020")
    code = (await client.query(ISSUE, {"input": {"memberId": encode_id("Member", member.id)}}))[
        "issuePasswordResetCode"]["code"]
    client.token = None

    async def reset(new: str) -> list[str]:
        given = {"idNumber": member.id_number, "code": code, "newPassword": new}
        return codes((await client.query(RESET, {"input": given}))["resetPassword"]["errors"])

    assert await reset("qwerty123") == ["PASSWORD_TOO_COMMON"]
    assert await reset("Lina12345") == ["PASSWORD_TOO_PERSONAL"]  # only the code's holder is told
    assert await reset("Xinmima2027") == []


async def test_register_admin_and_self_report_refuse_common_passwords_ACC1_finding11(client, root, uow):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    register = """mutation($input: RegisterAdminInput!) { registerAdmin(input: $input) { errors { code field } } }"""
    payload = await client.query(register, {"input": {"code": "BOGUSCODE234", "idNumber": "110101200001011237",
                                                      "name": "某某", "mobile": "13800000000",
                                                      "password": "iloveyou1"}})
    assert "PASSWORD_TOO_COMMON" in codes(payload["registerAdmin"]["errors"])
    common = await report(client, form(branch, password="1q2w3e4r5t"))
    assert codes(common["errors"]) == ["PASSWORD_TOO_COMMON"]
    personal = await report(client, form(branch, password="LinBaodao2026"))  # 林报到
    assert codes(personal["errors"]) == ["PASSWORD_TOO_PERSONAL"]
