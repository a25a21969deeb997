"""Who is behind a token is kept a few seconds per process (infrastructure/viewers.py, decision 0011), and
revocation stays strong: at once in the process that made the change, within ZHTJ_VIEWER_CACHE_SECONDS in
every other process, and a token's expiry at once everywhere (ACC-1, ACC-3, ACC-4, ACC-5, MEM-15).

`client` and `elsewhere` are two apps on one database: two server processes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from conftest import Api
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from sqlalchemy import event

from zhtj.app import create_app
from zhtj.graphql.ids import encode_id

ME = "{ me { member { name } adminOf { shortName } } }"
BOUND = 5  # seconds: Settings.viewer_cache_seconds


@pytest.fixture
async def elsewhere(db, settings, clock, hasher) -> AsyncIterator[Api]:
    app = create_app(settings, clock=clock, hasher=hasher)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhtj.test") as http:
        yield Api(http, app)
    await app.state.services.db.dispose()


async def code_of(api: Api, token: str) -> str | None:
    body = (await api.post(ME, token=token)).json()
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


async def refused_here_now_and_elsewhere_within_the_bound(client: Api, elsewhere: Api, token: str, clock) -> None:
    assert await code_of(client, token) == "UNAUTHENTICATED"  # at once where the change was made
    assert await code_of(elsewhere, token) is None  # the other process still holds what it read …
    clock.advance(seconds=BOUND)
    assert await code_of(elsewhere, token) == "UNAUTHENTICATED"  # … for at most the bound


async def seen_in_both(client: Api, elsewhere: Api, token: str) -> None:
    assert await code_of(client, token) is None
    assert await code_of(elsewhere, token) is None


async def test_a_known_token_reads_no_table_and_a_new_one_reads_one_statement(client, root, db):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = client.app.state.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert await code_of(client, token) is None  # `me` reads nothing else: the viewer is the answer
        assert len(statements) == 1  # the first request with the token: one statement
        assert await code_of(client, token) is None
        assert len(statements) == 1  # the next ones: none
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_logout_ends_the_token_at_once_here_and_within_seconds_elsewhere_ACC1(client, elsewhere, root, clock):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    await seen_in_both(client, elsewhere, token)
    assert (await client.query("mutation { logout { ok } }"))["logout"]["ok"] is True
    await refused_here_now_and_elsewhere_within_the_bound(client, elsewhere, token, clock)


async def test_a_password_change_ends_other_tokens_here_and_elsewhere_ACC1(client, elsewhere, root, clock):
    kept = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    other = (await client.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD))["token"]
    await seen_in_both(client, elsewhere, other)
    change = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }"""
    done = await client.query(change, {"input": {"oldPassword": ROOT_ADMIN_PASSWORD, "newPassword": "Xin2026mima"}})
    assert done["changePassword"]["errors"] == []
    await refused_here_now_and_elsewhere_within_the_bound(client, elsewhere, other, clock)
    await seen_in_both(client, elsewhere, kept)


async def test_a_password_reset_ends_the_persons_tokens_here_and_elsewhere_ACC5(
        client, elsewhere, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    await add_person(uow, hasher, clock, name="支部管理员", password="Jiumima2020", admin_of=branch)
    member, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password="Jiumima2020")
    token = (await client.login(member.id_number, "Jiumima2020"))["token"]
    await seen_in_both(client, elsewhere, token)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    issued = await client.query("""mutation($input: IssuePasswordResetCodeInput!) { issuePasswordResetCode(
      input: $input) { code errors { code } } }""", {"input": {"memberId": encode_id("Member", member.id)}})
    code = issued["issuePasswordResetCode"]["code"]
    reset = await client.query("""mutation($input: ResetPasswordInput!) { resetPassword(input: $input) {
      ok errors { code } } }""", {"input": {"idNumber": member.id_number, "code": code,
                                            "newPassword": "Xinmima2027"}}, token="-")
    assert reset["resetPassword"] == {"ok": True, "errors": []}
    await refused_here_now_and_elsewhere_within_the_bound(client, elsewhere, token, clock)


async def test_removing_an_admin_closes_the_org_here_at_once_and_elsewhere_within_seconds_ACC3(
        client, elsewhere, root, uow, hasher, clock):
    province = await add_org(uow, root, "甲省")
    admin, _ = await add_person(uow, hasher, clock, name="省管理员", password="Jiumima2020", admin_of=province)
    token = (await client.login(admin.id_number, "Jiumima2020"))["token"]
    for api in (client, elsewhere):
        assert (await api.query(ME, token=token))["me"]["adminOf"] == [{"shortName": "甲省"}]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    removed = await client.query("""mutation($input: RemoveAdminInput!) { removeAdmin(input: $input) {
      errors { code } } }""", {"input": {"orgId": encode_id("Organization", province.id),
                                         "memberId": encode_id("Member", admin.id)}})
    assert removed["removeAdmin"]["errors"] == []
    assert (await client.query(ME, token=token))["me"]["adminOf"] == []
    assert (await elsewhere.query(ME, token=token))["me"]["adminOf"] == [{"shortName": "甲省"}]
    clock.advance(seconds=BOUND)
    assert (await elsewhere.query(ME, token=token))["me"]["adminOf"] == []


async def test_a_deleted_member_is_logged_out_here_at_once_and_elsewhere_within_seconds_MEM15(
        client, elsewhere, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    member, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password="Jiumima2020")
    token = (await client.login(member.id_number, "Jiumima2020"))["token"]
    await seen_in_both(client, elsewhere, token)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    gone = await client.query("""mutation($input: DeleteMemberInput!) { deleteMember(input: $input) {
      errors { code } } }""", {"input": {"id": encode_id("Member", member.id), "reason": "出团"}})
    assert gone["deleteMember"]["errors"] == []
    await refused_here_now_and_elsewhere_within_the_bound(client, elsewhere, token, clock)


async def test_an_expired_token_is_refused_at_once_even_when_kept_ACC1(client, elsewhere, root, clock):
    token = await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    clock.advance(hours=12, seconds=-1)
    await seen_in_both(client, elsewhere, token)  # both read it a second before it ends
    clock.advance(seconds=1)
    assert await code_of(client, token) == "UNAUTHENTICATED"
    assert await code_of(elsewhere, token) == "UNAUTHENTICATED"
