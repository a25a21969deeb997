"""Answers telling that an ID number is registered (MEM-4) or a development number taken (NUM-4) are throttled
per account for logged-in callers (NUM-4 decided), as anonymous self-reports are per address (ACC-2): three
free, then 2 s, 4 s, 8 s, then 15 minutes, the login's waits (ACC-1)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from memberapi import ENTER, UPDATE, mid, oid, student
from selfreport_api import PASSWORD, form, report

SECRETARY = """mutation($input: SetSecretaryInput!) { setSecretary(input: $input) {
  errors { code message field rule } } }"""
THROTTLED = [("LOOKUP_THROTTLED", None, "NUM-4")]


@pytest.fixture
async def world(root, uow, hasher, clock):
    jia = await add_org(uow, root, "甲省")
    jia_branch = await add_org(uow, jia, "甲省某团支部", category="团支部")
    people = []
    for i in range(8):
        person, _ = await add_person(uow, hasher, clock, name=f"甲省团员{i}", branch=jia_branch,
                                     id_number=new_id_number(date(2004, 1, 1)))
        async with uow:
            (await uow.members.get(person.id)).development_number = f"2015{i:08d}"
            await uow.commit()
        people.append(person)
    yi = await add_org(uow, root, "乙省")
    yi_branch = await add_org(uow, yi, "乙省某团支部", category="团支部")
    admin, password = await add_person(uow, hasher, clock, name="乙省管理员", password="Yisheng2026", admin_of=yi)
    member, member_password = await add_person(uow, hasher, clock, name="乙省团员", branch=yi_branch,
                                               password="Tuanyuan2026")
    return {"people": people, "jia_branch": jia_branch, "yi_branch": yi_branch,
            "admin": (admin.id_number, password), "member": member, "member_login": (member.id_number,
                                                                                      member_password)}


def summary(errors: list[dict]) -> list[tuple]:
    return [(e["code"], e["field"], e["rule"]) for e in errors]


async def enter(client, fields: dict) -> list[dict]:
    return (await client.query(ENTER, {"input": fields}))["enterMember"]["errors"]


def taken_id(branch, person) -> dict:
    return student(branch, idNumber=person.id_number, idNumberConfirm=person.id_number)


async def test_registered_id_numbers_are_throttled_per_account_MEM4_NUM4(client, world, clock):
    w = world
    await client.login_as(*w["admin"])
    for _ in range(5):  # refused before scope: NOT_FOUND tells nothing and is not counted
        assert summary(await enter(client, taken_id(w["jia_branch"], w["people"][0])))[0][0] == "NOT_FOUND"
    for person in w["people"][:3]:
        assert summary(await enter(client, taken_id(w["yi_branch"], person))) == [
            ("ID_NUMBER_TAKEN", "idNumber", "MEM-4")]
    blocked = await enter(client, taken_id(w["yi_branch"], w["people"][3]))
    assert summary(blocked) == THROTTLED and blocked[0]["message"] == "操作过于频繁，请2秒后再试"
    assert summary(await enter(client, student(w["yi_branch"]))) == THROTTLED  # a clean form waits too
    await client.login_as(*w["admin"])  # a new token is the same account
    assert summary(await enter(client, student(w["yi_branch"]))) == THROTTLED
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)  # another account is not slowed down
    assert summary(await enter(client, taken_id(w["yi_branch"], w["people"][3]))) == [
        ("ID_NUMBER_TAKEN", "idNumber", "MEM-4")]
    await client.login_as(*w["admin"])
    clock.advance(seconds=2)
    assert (await enter(client, student(w["yi_branch"]))) == []


async def test_taken_development_numbers_are_throttled_for_a_members_own_edit_NUM4(client, world, clock):
    w = world
    await client.login_as(*w["member_login"])

    async def number(value: str) -> list[dict]:
        payload = await client.query(UPDATE, {"input": {"id": mid(w["member"]), "developmentNumber": value}})
        return payload["updateMember"]["errors"]

    for i in range(3):
        assert summary(await number(f"2015{i:08d}")) == [
            ("DEVELOPMENT_NUMBER_TAKEN", "developmentNumber", "NUM-4")]
    assert summary(await number("201500000003")) == THROTTLED
    for i, wait in ((4, 2), (5, 4), (6, 8)):  # then the login's waits, and the lock
        clock.advance(seconds=wait)
        assert summary(await number(f"2015{i:08d}"))[0][0] == "DEVELOPMENT_NUMBER_TAKEN"
    clock.advance(seconds=30)
    locked = await number("201500000007")
    assert summary(locked) == THROTTLED and locked[0]["message"] == "操作过于频繁，请15分钟后再试"
    clock.advance(days=1)  # a quiet day: the count starts again
    await client.login_as(*w["member_login"])
    for i in range(3):
        assert summary(await number(f"2015{i:08d}"))[0][0] == "DEVELOPMENT_NUMBER_TAKEN"
    assert summary(await number("201500000003")) == THROTTLED


async def test_every_door_counts_against_the_same_account_MEM4_ORG8_NUM4(client, world):
    """enterMember, setSecretary and updateMember share one count per account."""
    w = world
    await client.login_as(*w["admin"])
    assert summary(await enter(client, taken_id(w["yi_branch"], w["people"][0])))[0][0] == "ID_NUMBER_TAKEN"
    outsider = w["people"][1]
    secretary = await client.query(SECRETARY, {"input": {"orgId": oid(w["yi_branch"]), "name": outsider.name,
                                                         "idNumber": outsider.id_number, "mobile": "13800138000"}})
    assert summary(secretary["setSecretary"]["errors"]) == [("ID_NUMBER_TAKEN", "idNumber", "MEM-4")]
    edit = await client.query(UPDATE, {"input": {"id": mid(w["member"]), "developmentNumber": "201500000002"}})
    assert summary(edit["updateMember"]["errors"])[0][0] == "DEVELOPMENT_NUMBER_TAKEN"
    for door in (
        client.query(SECRETARY, {"input": {"orgId": oid(w["yi_branch"]), "name": "某人",
                                           "idNumber": new_id_number(date(2000, 5, 5)), "mobile": "13800138000"}}),
        client.query(UPDATE, {"input": {"id": mid(w["member"]), "mobile": "13900139000"}}),
    ):
        assert summary(next(iter((await door).values()))["errors"]) == THROTTLED


async def test_a_logged_in_reporter_is_throttled_per_account_whatever_the_address_MEM4_ACC2(client, world):
    """A person whose self-report waits sends it again with their token: the per-address count of ACC-2 and
    the per-account one both apply, so a new address does not lift the wait."""
    w = world
    number = new_id_number(date(2000, 5, 4))
    assert (await report(client, form(w["yi_branch"], idNumber=number)))["errors"] == []
    token = (await client.login(number, PASSWORD))["token"]
    for person in w["people"][:3]:
        again = await report(client, form(w["yi_branch"], idNumber=person.id_number), token=token)
        assert "ID_NUMBER_TAKEN" in [e["code"] for e in again["errors"]]
    transport = httpx.ASGITransport(app=client.app, client=("10.0.0.9", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://zhtj.test") as http:
        elsewhere = type(client)(http, client.app)  # the same Api helper, from another address
        blocked = await report(elsewhere, form(w["yi_branch"], idNumber=w["people"][3].id_number), token=token)
        assert [(e["code"], e["rule"]) for e in blocked["errors"]] == [("SELF_REPORT_THROTTLED", "ACC-2")]
        anonymous = await report(elsewhere, form(w["yi_branch"], idNumber=w["people"][3].id_number))
        assert "ID_NUMBER_TAKEN" in [e["code"] for e in anonymous["errors"]]  # that address itself is fresh
