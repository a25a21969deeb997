"""号段 over GraphQL (NUM-2, NUM-3, NUM-9, NUM-F6, ACC-4)."""

from __future__ import annotations

import asyncio

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from numberingapi import ALLOCATE, ENTER, PASSWORD, SEGMENTS, UPDATE, codes, league, mid, oid, student


@pytest.fixture
async def t(uow, hasher, clock, root):
    return await league(uow, hasher, clock, root)


async def allocate(client, org, start, end, domain="学校领域", school_level="高校"):
    fields = {"orgId": oid(org), "start": start, "end": end, "domain": domain, "schoolLevel": school_level}
    return (await client.query(ALLOCATE, {"input": fields}))["allocateSegment"]


async def test_num2_a_province_gets_a_segment_and_hands_part_of_it_down(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    top = await allocate(client, t.province, "202600000001", "202600009999")
    assert top["errors"] == []
    assert top["segment"] == {"id": top["segment"]["id"], "start": "202600000001", "end": "202600009999",
                              "year": 2026, "domain": "学校领域", "schoolLevel": "高校", "size": 9999, "used": 0,
                              "organization": {"shortName": "甲省"}, "parent": None}
    await client.login_as(t.province_admin.id_number, PASSWORD)
    school = await allocate(client, t.school, "202600000001", "202600000100")
    assert school["errors"] == [] and school["segment"]["parent"] == {"start": "202600000001", "end": "202600009999"}
    await client.login_as(t.school_admin.id_number, PASSWORD)
    single = await allocate(client, t.class1, "202600000007", "202600000007")
    assert single["errors"] == [] and single["segment"]["size"] == 1


async def test_num2_segments_never_overlap(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert (await allocate(client, t.province, "202600000001", "202600000100"))["errors"] == []
    for start, end in (("202600000050", "202600000150"), ("202600000000", "202600000001")):
        refused = await allocate(client, t.province2, start, end)
        assert refused["segment"] is None
        assert [(e["code"], e["rule"]) for e in refused["errors"]] == [("SEGMENT_OVERLAP", "NUM-2")]
    # Inside another province's segment is no parent of ours either.
    inside = await allocate(client, t.province2, "202600000010", "202600000020")
    assert codes(inside) == ["SEGMENT_OVERLAP"]
    # A segment that would swallow an existing one is refused too.
    around = await allocate(client, t.province2, "202600000000", "202600000200")
    assert codes(around) == ["SEGMENT_OVERLAP"]


async def test_num2_a_segment_handed_down_stays_inside_its_parent_and_its_domain(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    await allocate(client, t.province, "202600000001", "202600000100")
    await client.login_as(t.province_admin.id_number, PASSWORD)
    across = await allocate(client, t.school, "202600000090", "202600000110")
    assert codes(across) == ["SEGMENT_OVERLAP"]
    outside = await allocate(client, t.school, "202600000200", "202600000300")
    assert [(e["code"], e["field"], e["rule"]) for e in outside["errors"]] == [
        ("SEGMENT_OUTSIDE_PARENT", "start", "NUM-2")]
    social = await allocate(client, t.company, "202600000001", "202600000010", domain="社会领域", school_level=None)
    assert codes(social) == ["SEGMENT_DOMAIN_MISMATCH"]
    assert "学校（高校）领域" in social["errors"][0]["message"]


async def test_num2_the_form_gets_every_problem_at_once(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    bad = await allocate(client, t.province, "2026000001", "２０２６abc", domain="学校", school_level=None)
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [
        ("SEGMENT_FORMAT", "start"), ("SEGMENT_FORMAT", "end"), ("SEGMENT_DOMAIN", "domain")]
    backwards = await allocate(client, t.province, "202600000100", "202600000001", domain="社会领域",
                               school_level="高校")
    assert codes(backwards) == ["SEGMENT_RANGE", "SCHOOL_LEVEL_NOT_ALLOWED"]
    two_years = await allocate(client, t.province, "202500000001", "202600000001")
    assert codes(two_years) == ["SEGMENT_YEAR"]
    no_level = await allocate(client, t.province, "202600000001", "202600000002", school_level=None)
    assert codes(no_level) == ["SCHOOL_LEVEL_REQUIRED"]


async def test_num2_acc4_only_an_admin_above_the_org_allocates(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    own = await allocate(client, t.class1, "202600000001", "202600000002")
    assert [(e["code"], e["rule"]) for e in own["errors"]] == [("SEGMENT_BY_PARENT", "NUM-2")]
    elsewhere = await allocate(client, t.branch2, "bad", "bad", domain="?")
    assert [(e["code"], e["field"], e["rule"]) for e in elsewhere["errors"]] == [("NOT_FOUND", "orgId", "ACC-4")]
    # A committee admin opens no segment of its own: numbers come down from the province.
    await client.login_as(t.school_admin.id_number, PASSWORD)
    top = await allocate(client, t.class1, "202600000001", "202600000002")
    assert codes(top) == ["SEGMENT_OUTSIDE_PARENT"]


async def test_num2_concurrent_overlapping_allocations_one_wins(client, t):
    """Ten overlapping segments asked at once, for two provinces: exactly one is allocated."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    answers = await asyncio.gather(*(client.post(ALLOCATE, {"input": {
        "orgId": oid((t.province, t.province2)[i % 2]), "start": f"2026000{i:03d}01", "end": "202600090000",
        "domain": "社会领域"}}) for i in range(10)))
    payloads = [a.json()["data"]["allocateSegment"] for a in answers]
    assert sorted(bool(p["segment"]) for p in payloads) == [False] * 9 + [True]
    assert [e["code"] for p in payloads for e in p["errors"]] == ["SEGMENT_OVERLAP"] * 9


async def test_num_f6_num3_entry_checks_the_segment_owner_and_domain(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    await allocate(client, t.province, "202000000001", "202000000100")
    await client.login_as(t.province_admin.id_number, PASSWORD)
    await allocate(client, t.school, "202000000001", "202000000050")
    await client.login_as(t.school_admin.id_number, PASSWORD)
    await allocate(client, t.class1, "202000000001", "202000000010")

    async def enter(branch, number, **extra):
        return (await client.query(ENTER, {"input": student(branch, developmentNumber=number, **extra)}))[
            "enterMember"]

    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    ok = await enter(t.class1, "202000000003")
    assert ok["errors"] == [] and ok["member"]["developmentNumber"] == "202000000003"
    not_ours = await enter(t.class2, "202000000004")  # class1's segment
    assert [(e["code"], e["rule"]) for e in not_ours["errors"]] == [("NUMBER_SEGMENT_NOT_OURS", "NUM-F6")]
    outside = await enter(t.class2, "202000000500")  # 甲省 has segments of 2020: outside all of them
    assert [(e["code"], e["rule"]) for e in outside["errors"]] == [("NUMBER_OUTSIDE_SEGMENTS", "NUM-F6")]
    other_year = await enter(t.class2, "201900000500", joinDate="2019-05")  # no segment of 2019: not checked
    assert other_year["errors"] == []
    elsewhere = await enter(t.branch2, "202000000500")  # 乙省 has no segments at all
    assert elsewhere["errors"] == []
    working = await enter(t.class1, "202000000005", occupation="职业青年", studyStatus=None, jobType="其他")
    assert working["errors"] == [{
        "code": "NUMBER_DOMAIN_MISMATCH", "field": "developmentNumber", "rule": "NUM-3",
        "message": "该发展团员编号属于学校（高校）领域，与拟录入团员所属领域不符，请重新核实"}]
    pupil = await enter(t.class1, "202000000006", studyStatus="初中在读", education="小学")
    assert codes(pupil) == ["NUMBER_DOMAIN_MISMATCH"]


async def test_num9_segments_show_their_use_to_admins_in_scope_only(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    # Entered in 乙省 before the segment existed: counted, but not shown to 甲省's admin (ACC-4).
    await client.query(ENTER, {"input": student(t.branch2, name="赵强", developmentNumber="202000000060")})
    await allocate(client, t.province, "202000000001", "202000000100")
    await client.query(ENTER, {"input": student(t.class1, name="王芳", developmentNumber="202000000042")})
    await client.login_as(t.province_admin.id_number, PASSWORD)
    seen = (await client.query(SEGMENTS, {"id": oid(t.province)}))["organization"]["segments"]
    assert seen == [{"start": "202000000001", "end": "202000000100", "domain": "学校领域", "schoolLevel": "高校",
                     "used": 2, "holders": [{"number": "202000000042", "member": {"name": "王芳"}},
                                            {"number": "202000000060", "member": None}]}]
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    assert (await client.query(SEGMENTS, {"id": oid(t.province)}))["organization"] is None
    await client.login_as(t.province2_admin.id_number, PASSWORD)
    assert (await client.query(SEGMENTS, {"id": oid(t.province)}))["organization"] is None


async def test_num4_two_concurrent_entries_of_one_number_one_wins(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    answers = await asyncio.gather(*(client.post(ENTER, {"input": student(branch, developmentNumber="202000000077")})
                                     for branch in (t.class1, t.class2)))
    payloads = [a.json()["data"]["enterMember"] for a in answers]
    assert sorted(bool(p["member"]) for p in payloads) == [False, True]
    assert [(e["code"], e["rule"]) for p in payloads for e in p["errors"]] == [("DEVELOPMENT_NUMBER_TAKEN", "NUM-4")]


async def test_num_f6_a_changed_number_is_checked_like_an_entered_one(client, t):
    """updateMember (NUM-5) gives no way around NUM-F6: a new number lies in a segment of the member's branch."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    await allocate(client, t.province, "202000000001", "202000000100")
    await client.login_as(t.province_admin.id_number, PASSWORD)
    await allocate(client, t.school, "202000000001", "202000000050")
    await client.login_as(t.school_admin.id_number, PASSWORD)
    await allocate(client, t.class1, "202000000001", "202000000010")
    entered = await client.query(ENTER, {"input": student(t.class2, developmentNumber="202000000020")})
    member = entered["enterMember"]["member"]

    async def update(number):
        fields = {"id": mid(member["id"]), "developmentNumber": number}
        return (await client.query(UPDATE, {"input": fields}))["updateMember"]

    assert [(e["code"], e["rule"]) for e in (await update("202000000005"))["errors"]] == [
        ("NUMBER_SEGMENT_NOT_OURS", "NUM-F6")]
    assert codes(await update("202000000500")) == ["NUMBER_OUTSIDE_SEGMENTS"]
    moved = await update("202000000030")
    assert moved["errors"] == [] and moved["member"]["developmentNumber"] == "202000000030"
