"""释放编号 over GraphQL (NUM-4, ACC-4): asked by whoever manages the member, decided by the admin of the
segment's owner or above; approval moves the number in one transaction."""

from __future__ import annotations

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from numberingapi import (
    ALLOCATE,
    ENTER,
    PASSWORD,
    REQUEST_RELEASE,
    REVIEW_RELEASE,
    TO_REVIEW,
    codes,
    league,
    mid,
    oid,
    student,
)


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    t = await league(uow, hasher, clock, root)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for org, end in ((t.province, "202000000100"), (t.school, "202000000050")):
        fields = {"orgId": oid(org), "start": "202000000001", "end": end, "domain": "学校领域", "schoolLevel": "高校"}
        assert (await client.query(ALLOCATE, {"input": fields}))["allocateSegment"]["errors"] == []
    t.holder = await _enter(client, t.class1, "202000000042", "李娜")
    t.wanting = await _enter(client, t.class2, "202000000043", "王芳")
    return t


async def _enter(client, branch, number, name, **extra):
    fields = student(branch, developmentNumber=number, name=name, **extra)
    payload = (await client.query(ENTER, {"input": fields}))
    assert payload["enterMember"]["errors"] == []
    return payload["enterMember"]["member"]


async def request(client, member, number):
    fields = {"memberId": mid(member["id"]), "developmentNumber": number, "reason": "纸质志愿书编号"}
    return (await client.query(REQUEST_RELEASE, {"input": fields}))["requestNumberRelease"]


async def review(client, release_id, approve, reason=None):
    fields = {"releaseId": release_id, "approve": approve, "reason": reason}
    return (await client.query(REVIEW_RELEASE, {"input": fields}))["reviewNumberRelease"]


async def test_num4_approval_moves_the_number_and_leaves_the_holder_without_one(client, t):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    asked = await request(client, t.wanting, "202000000042")
    assert asked["errors"] == []
    release = asked["release"]
    assert release["status"] == "PENDING" and release["organization"] == {"shortName": "某大学团委"}
    again = await request(client, t.wanting, "202000000042")
    assert codes(again) == ["RELEASE_PENDING"]
    # The admin of the segment's owner decides; a branch admin below it does not even see the request.
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    hidden = await review(client, release["id"], True)
    assert [(e["code"], e["field"], e["rule"]) for e in hidden["errors"]] == [("NOT_FOUND", "releaseId", "ACC-4")]
    await client.login_as(t.school_admin.id_number, PASSWORD)
    listed = (await client.query(TO_REVIEW, {"id": oid(t.school)}))["organization"]["numberReleasesToReview"]
    assert [r["number"] for r in listed] == ["202000000042"]
    approved = await review(client, release["id"], True)
    assert approved["errors"] == []
    assert approved["release"]["status"] == "APPROVED"
    assert approved["release"]["member"] == {"name": "王芳", "developmentNumber": "202000000042"}
    assert approved["release"]["holder"] == {"name": "李娜", "developmentNumber": None}
    twice = await review(client, release["id"], False, "重复")
    assert codes(twice) == ["RELEASE_DECIDED"]
    assert (await client.query(TO_REVIEW, {"id": oid(t.school)}))["organization"]["numberReleasesToReview"] == []


async def test_num4_acc4_an_admin_above_the_owner_may_refuse_with_a_reason(client, t):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    release = (await request(client, t.wanting, "202000000042"))["release"]
    await client.login_as(t.province_admin.id_number, PASSWORD)
    no_reason = await review(client, release["id"], False)
    assert [(e["code"], e["field"]) for e in no_reason["errors"]] == [("REASON_REQUIRED", "reason")]
    refused = await review(client, release["id"], False, "编号与纸质志愿书不符")
    assert refused["errors"] == [] and refused["release"]["status"] == "REFUSED"
    assert refused["release"]["refusal"] == "编号与纸质志愿书不符"
    assert refused["release"]["holder"]["developmentNumber"] == "202000000042"


async def test_num4_a_release_is_asked_only_for_a_member_you_manage_and_a_number_they_may_hold(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    out_of_scope = await request(client, t.wanting, "202000000042")  # 王芳 is in class2
    assert [(e["code"], e["field"]) for e in out_of_scope["errors"]] == [("NOT_FOUND", "memberId")]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    free = await request(client, t.wanting, "202000000099")
    assert codes(free) == ["NUMBER_NOT_TAKEN"]
    own = await request(client, t.holder, "202000000042")
    assert codes(own) == ["NUMBER_ALREADY_HELD"]
    worker = await _enter(client, t.company_branch, "201900000001", "赵强", joinDate="2019-05")
    # 赵强's branch is not under the segment's owner (某大学团委): the number is not theirs to get (NUM-F6).
    assert codes(await request(client, worker, "202000000042")) == ["NUMBER_SEGMENT_NOT_OURS"]


async def test_num4_asking_for_free_numbers_is_throttled_per_account(client, t):
    """NUM-4 decided: answers that tell whether a number is taken are counted like wrong passwords."""
    await client.login_as(t.school_admin.id_number, PASSWORD)
    answers = [codes(await request(client, t.wanting, f"2020000000{60 + i}")) for i in range(8)]
    assert answers[0] == ["NUMBER_NOT_TAKEN"]
    assert answers[-1] == ["LOOKUP_THROTTLED"]
