"""Forgotten passwords over GraphQL (ACC-5, ACC-4, ACC-1)."""

from __future__ import annotations

import asyncio

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from sqlalchemy import select

from zhtj.domain.identity.services import token_hash
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.tables.schema import audit_log, password_reset_codes

ERRORS = "errors { code message field rule }"
ISSUE = f"""mutation($input: IssuePasswordResetCodeInput!) {{ issuePasswordResetCode(input: $input) {{
  code expiresAt member {{ name }} {ERRORS} }} }}"""
RESET = f"""mutation($input: ResetPasswordInput!) {{ resetPassword(input: $input) {{ ok {ERRORS} }} }}"""
ME = "{ me { member { name } } }"
NEW_PASSWORD = "Xinmima2027"
GENERIC = [{"code": "RESET_CODE_INVALID", "message": "身份证号或重置码错误，或重置码已失效", "field": "code",
            "rule": "ACC-5"}]


async def tree(uow, hasher, clock, root) -> dict:
    """团中央 > 北京团市委 > 某团支部 with an admin each, a member of the branch and a stranger elsewhere."""
    city = await add_org(uow, root, "北京团市委")
    branch = await add_org(uow, city, "某团支部", category="团支部", industry="城市社区")
    other = await add_org(uow, root, "江苏团省委")
    people = {"city": city, "branch": branch}
    for key, name, org, admin_of in (
        ("city_admin", "市管理员", None, city), ("branch_admin", "支部管理员", None, branch),
        ("other_admin", "省管理员", None, other), ("member", "李娜", branch, None),
    ):
        people[key], _ = await add_person(uow, hasher, clock, name=name, branch=org, password="Jiumima2020",
                                          admin_of=admin_of)
    return people


async def issue(client, admin, member) -> dict:
    await client.login_as(admin.id_number, "Jiumima2020")
    data = await client.query(ISSUE, {"input": {"memberId": encode_id("Member", member.id)}})
    return data["issuePasswordResetCode"]


async def reset(client, id_number: str, code: str, new_password: str = NEW_PASSWORD) -> dict:
    token, client.token = client.token, None  # public: sent without a token
    try:
        given = {"idNumber": id_number, "code": code, "newPassword": new_password}
        return (await client.query(RESET, {"input": given}))["resetPassword"]
    finally:
        client.token = token


async def test_the_branch_admin_issues_a_code_and_the_member_resets_once_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    issued = await issue(client, t["branch_admin"], t["member"])
    assert issued["errors"] == [] and issued["member"] == {"name": "李娜"} and len(issued["code"]) == 8
    assert issued["expiresAt"] == "2026-11-27T08:00:00+00:00"
    done = await reset(client, t["member"].id_number, issued["code"])
    assert done == {"ok": True, "errors": []}
    assert (await client.login(t["member"].id_number, "Jiumima2020"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await client.login(t["member"].id_number, NEW_PASSWORD))["mustChangePassword"] is False
    again = await reset(client, t["member"].id_number, issued["code"], "Zaiyici2028")
    assert again == {"ok": False, "errors": GENERIC}
    async with uow:
        stored = (await uow.session.execute(select(password_reset_codes))).one()
        assert stored.code_hash == token_hash("test-secret-key", "reset:" + issued["code"])
        assert stored.used_at is not None
        actions = list(await uow.session.scalars(select(audit_log.c.action).order_by(audit_log.c.id)))
        assert actions[-2:] == ["issuePasswordResetCode", "resetPassword"]


async def test_an_admin_of_the_parent_org_may_issue_ACC4_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    issued = await issue(client, t["city_admin"], t["member"])
    assert issued["errors"] == [] and issued["code"]
    assert (await reset(client, t["member"].id_number, issued["code"]))["ok"] is True


async def test_members_out_of_scope_are_not_found_ACC4(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    refused = await issue(client, t["other_admin"], t["member"])
    assert refused["code"] is None and refused["member"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("NOT_FOUND", "memberId")]
    garbage = (await client.query(ISSUE, {"input": {"memberId": "nonsense"}}))["issuePasswordResetCode"]
    assert garbage["errors"] == refused["errors"]
    client.token = None
    errors = await client.errors(ISSUE, {"input": {"memberId": encode_id("Member", t["member"].id)}})
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_code_expires_after_two_days_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    issued = await issue(client, t["branch_admin"], t["member"])
    clock.advance(days=1, hours=23, minutes=59)
    later = await issue(client, t["branch_admin"], t["member"])  # the first one ends here
    assert (await reset(client, t["member"].id_number, issued["code"]))["errors"] == GENERIC
    clock.advance(days=2)
    assert (await reset(client, t["member"].id_number, later["code"]))["errors"] == GENERIC
    clock.advance(seconds=-1)  # one second before expiry the code still works
    assert (await reset(client, t["member"].id_number, later["code"]))["ok"] is True


async def test_a_wrong_code_and_an_unknown_id_number_get_the_same_answer_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    await issue(client, t["branch_admin"], t["member"])
    wrong = await reset(client, t["member"].id_number, "ABCD2345")
    unknown = await reset(client, new_id_number(), "ABCD2345")
    assert wrong == unknown == {"ok": False, "errors": GENERIC}
    weak = [await reset(client, n, "ABCD2345", "abcdefgh") for n in (t["member"].id_number, new_id_number())]
    assert weak[0] == weak[1] and [e["code"] for e in weak[0]["errors"]] == ["PASSWORD_TOO_WEAK", "RESET_CODE_INVALID"]


async def test_wrong_codes_wait_then_lock_known_or_not_ACC1_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    issued = await issue(client, t["branch_admin"], t["member"])
    unknown = new_id_number()
    for id_number in (t["member"].id_number, unknown):
        answers = [await reset(client, id_number, "ABCD2345") for _ in range(4)]
        assert [a["errors"][0]["code"] for a in answers] == ["RESET_CODE_INVALID"] * 3 + ["RESET_THROTTLED"]
    assert (await reset(client, t["member"].id_number, issued["code"]))["errors"][0]["code"] == "RESET_THROTTLED"
    for wait in (2, 4, 8):
        clock.advance(seconds=wait)
        assert (await reset(client, t["member"].id_number, "ABCD2345"))["errors"] == GENERIC
    clock.advance(seconds=30)
    locked = await reset(client, t["member"].id_number, issued["code"])
    assert locked["errors"][0]["code"] == "RESET_THROTTLED" and "分钟" in locked["errors"][0]["message"]
    assert (await client.login(t["member"].id_number, "Jiumima2020"))["token"]  # login keeps its own count
    clock.advance(minutes=15)
    assert (await reset(client, t["member"].id_number, issued["code"]))["ok"] is True


async def test_a_reset_ends_every_session_of_the_account_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    old = (await client.login(t["member"].id_number, "Jiumima2020"))["token"]
    assert (await client.query(ME, token=old))["me"]["member"]["name"] == "李娜"
    issued = await issue(client, t["branch_admin"], t["member"])
    assert (await reset(client, t["member"].id_number, issued["code"]))["ok"] is True
    assert (await client.errors(ME, token=old))[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_account_with_the_initial_password_can_reset_too_ACC1_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    fresh, initial = await add_person(uow, hasher, clock, name="新团员", branch=t["branch"])
    assert (await client.login(fresh.id_number, initial))["mustChangePassword"] is True
    issued = await issue(client, t["branch_admin"], fresh)
    refused = await reset(client, fresh.id_number, issued["code"], initial)
    assert [e["code"] for e in refused["errors"]] == ["PASSWORD_IS_INITIAL"]
    assert (await reset(client, fresh.id_number, issued["code"]))["ok"] is True
    login = await client.login(fresh.id_number, NEW_PASSWORD)
    assert login["token"] and login["mustChangePassword"] is False


async def test_an_admin_cannot_reset_their_own_password_this_way_ACC5(client, root, uow, hasher, clock):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    me = (await client.query("{ me { member { id } } }"))["me"]["member"]["id"]
    refused = (await client.query(ISSUE, {"input": {"memberId": me}}))["issuePasswordResetCode"]
    assert [(e["code"], e["field"], e["rule"]) for e in refused["errors"]] == [
        ("RESET_CODE_FOR_SELF", "memberId", "ACC-5")]


async def test_two_resets_at_once_with_one_code_only_one_wins_ACC5(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    issued = await issue(client, t["branch_admin"], t["member"])
    client.token = None
    given = [{"idNumber": t["member"].id_number, "code": issued["code"], "newPassword": p}
             for p in (NEW_PASSWORD, "Zaiyici2028")]
    answers = await asyncio.gather(*(client.query(RESET, {"input": g}) for g in given))
    assert sorted(a["resetPassword"]["ok"] for a in answers) == [False, True]
    winner = next(g["newPassword"] for g, a in zip(given, answers, strict=True) if a["resetPassword"]["ok"])
    assert (await client.login(t["member"].id_number, winner))["token"]
