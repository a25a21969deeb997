"""A login checking the old password while changePassword or resetPassword lands gets no token that outlives the
change (ACC-1, ACC-5). The hash check runs outside any transaction; a hasher that holds the login right after its
check lets the change land exactly there, every time, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from factories import add_org, add_person

from zhtj.graphql.ids import encode_id

OLD, NEW = "Jiumima2020", "Xinmima2027"
ERRORS = "errors { code field rule }"
LOGIN = """mutation($input: LoginInput!) { login(input: $input) { token errors { code message field rule } } }"""
CHANGE = f"""mutation($input: ChangePasswordInput!) {{ changePassword(input: $input) {{ {ERRORS} }} }}"""
ISSUE = f"""mutation($input: IssuePasswordResetCodeInput!) {{ issuePasswordResetCode(input: $input) {{
  code {ERRORS} }} }}"""
RESET = f"""mutation($input: ResetPasswordInput!) {{ resetPassword(input: $input) {{ ok {ERRORS} }} }}"""
BAD_CREDENTIALS = [{"code": "INVALID_CREDENTIALS", "message": "身份证号或密码错误", "field": None, "rule": "ACC-1"}]


class HeldAfterCheck:
    """The real hasher, but once armed, the first check of that password waits after answering until released."""

    def __init__(self, inner):
        self.inner = inner
        self.password: str | None = None
        self.checked = asyncio.Event()
        self.release = asyncio.Event()

    def arm(self, password: str) -> None:
        self.password = password

    async def hash(self, password: str) -> str:
        return await self.inner.hash(password)

    def initial_hash(self, password: str) -> str:
        return self.inner.initial_hash(password)

    async def spend_like_verify(self, password: str) -> None:
        await self.inner.spend_like_verify(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        right = await self.inner.verify(password_hash, password)
        if self.password is not None and password == self.password:
            self.password = None
            self.checked.set()
            await self.release.wait()
        return right


@pytest.fixture
async def held(client, hasher) -> HeldAfterCheck:
    wrapper = HeldAfterCheck(hasher)
    client.app.state.services.hasher = wrapper
    return wrapper


async def anonymous(client, query: str, given: dict) -> dict:
    response = await client.http.post("/graphql", json={"query": query, "variables": {"input": given}})
    return next(iter(response.json()["data"].values()))


async def login_held_while(client, held: HeldAfterCheck, person, change) -> dict:
    """Logs in with the old password; `change()` runs after the password was found right, before the token."""
    held.arm(OLD)
    login = asyncio.create_task(anonymous(client, LOGIN, {"idNumber": person.id_number, "password": OLD}))
    await held.checked.wait()
    await change()
    held.release.set()
    return await login


async def test_a_login_racing_change_password_gets_no_token_ACC1(client, root, uow, hasher, clock, held):
    person, _ = await add_person(uow, hasher, clock, name="李娜", password=OLD)
    token = (await anonymous(client, LOGIN, {"idNumber": person.id_number, "password": OLD}))["token"]

    async def change() -> None:
        response = await client.post(CHANGE, {"input": {"oldPassword": OLD, "newPassword": NEW}}, token=token)
        assert response.json()["data"]["changePassword"]["errors"] == []

    raced = await login_held_while(client, held, person, change)
    assert raced["token"] is None and raced["errors"] == BAD_CREDENTIALS
    assert (await anonymous(client, LOGIN, {"idNumber": person.id_number, "password": NEW}))["token"]


async def test_a_login_racing_reset_password_gets_no_token_ACC5_ACC1(client, root, uow, hasher, clock, held):
    branch = await add_org(uow, root, "某团支部", category="团支部", industry="城市社区")
    admin, _ = await add_person(uow, hasher, clock, name="支部管理员", password=OLD, admin_of=branch)
    person, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password=OLD)
    admin_token = (await anonymous(client, LOGIN, {"idNumber": admin.id_number, "password": OLD}))["token"]
    issued = await client.post(ISSUE, {"input": {"memberId": encode_id("Member", person.id)}}, token=admin_token)
    code = issued.json()["data"]["issuePasswordResetCode"]["code"]

    async def reset() -> None:
        done = await anonymous(client, RESET, {"idNumber": person.id_number, "code": code, "newPassword": NEW})
        assert done == {"ok": True, "errors": []}

    raced = await login_held_while(client, held, person, reset)
    assert raced["token"] is None and raced["errors"] == BAD_CREDENTIALS
    assert (await anonymous(client, LOGIN, {"idNumber": person.id_number, "password": NEW}))["token"]
