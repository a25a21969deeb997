"""Organization.numberReport (NUM-1, NUM-9): irregular numbers by kind, segment use per domain, for admins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_person
from numberingapi import ALLOCATE, PASSWORD, league, oid

from zhtj.domain.numbering.model import RELEASE_APPROVED, NumberRelease
from zhtj.graphql.ids import encode_id

REPORT = """query($id: ID!, $kind: IrregularNumberKind) { organization(id: $id) { numberReport {
  counts { kind count } membersRead segmentUse { domain schoolLevel segments size used }
  irregular(kind: $kind) { number kinds member { name } } } } }"""
NOW = datetime(2026, 11, 25, tzinfo=UTC)


async def person(uow, hasher, clock, name, branch, join_date, number):
    member, _ = await add_person(uow, hasher, clock, name=name, branch=branch)
    async with uow:
        found = await uow.members.lock(member.id)
        found.join_date, found.development_number = join_date, number
        await uow.commit()
    return found


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    t = await league(uow, hasher, clock, root)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for org, end in ((t.province, "202000000100"), (t.school, "202000000050")):
        fields = {"orgId": oid(org), "start": "202000000001", "end": end, "domain": "学校领域", "schoolLevel": "高校"}
        assert (await client.query(ALLOCATE, {"input": fields}))["allocateSegment"]["errors"] == []
    people = [("甲", t.class1, "2020-05", "202000000003"), ("乙", t.class1, "2019-05", "202000000004"),
              ("丙", t.class1, "2019-05", "2019abc"), ("丁", t.class1, "2019-05", None),
              ("戊", t.class1, "2019-05", "201900000001"), ("己", t.company_branch, "2020-05", "202000000010"),
              ("庚", t.class1, "2020-05", "202000000090"), ("辛", t.class1, "2020-05", "202000000500"),
              ("壬", t.class2, "2019-05", None)]
    made = {name: await person(uow, hasher, clock, name, branch, join, number)
            for name, branch, join, number in people}
    async with uow:  # 壬's number went to 甲 (NUM-4)
        uow.releases.add(NumberRelease(number="201900000009", member_id=made["甲"].id, holder_id=made["壬"].id,
                                       owner_org_id=t.school.id, requested_by=None, requested_at=NOW,
                                       status=RELEASE_APPROVED))
        await uow.commit()
    return t


async def report(client, org, kind=None):
    found = await client.query(REPORT, {"id": oid(org), "kind": kind})
    return found["organization"]["numberReport"] if found["organization"] else None


async def test_num1_irregular_numbers_by_kind(client, t):
    await client.login_as(t.province_admin.id_number, PASSWORD)
    seen = await report(client, t.province)
    assert {c["kind"]: c["count"] for c in seen["counts"]} == {
        "RELEASED": 1, "EMPTY": 1, "FORMAT": 1, "YEAR": 1, "SEGMENT": 2, "MISSING_ARCHIVE": 4,
        "ARCHIVE_OVERDUE": 4}
    by_name = {r["member"]["name"]: r["kinds"] for r in seen["irregular"]}
    late = ["MISSING_ARCHIVE", "ARCHIVE_OVERDUE"]
    assert by_name == {"甲": late, "乙": ["YEAR"], "丙": ["FORMAT"], "丁": ["EMPTY"],
                       "己": ["SEGMENT", *late], "庚": late, "辛": ["SEGMENT", *late], "壬": ["RELEASED"]}
    segment = await report(client, t.province, "SEGMENT")
    assert [(r["number"], r["member"]["name"]) for r in segment["irregular"]] == [
        ("202000000010", "己"), ("202000000500", "辛")]


async def test_num9_segment_use_per_domain_counts_nested_segments_once(client, t):
    await client.login_as(t.province_admin.id_number, PASSWORD)
    seen = await report(client, t.province)
    assert seen["segmentUse"] == [{"domain": "学校领域", "schoolLevel": "高校", "segments": 1, "size": 100,
                                   "used": 4}]
    await client.login_as(t.school_admin.id_number, PASSWORD)
    school = await report(client, t.school)
    assert school["segmentUse"] == [{"domain": "学校领域", "schoolLevel": "高校", "segments": 1, "size": 50,
                                     "used": 3}]
    assert school["membersRead"] == 8  # both classes; 己 is in the company's branch


async def test_num9_acc4_the_report_is_for_admins_of_the_org_or_above(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    assert await report(client, t.province) is None  # not even the org is visible
    own = await report(client, t.class1)
    assert own["membersRead"] == 7  # 壬 is in class2
    await client.login_as(t.province2_admin.id_number, PASSWORD)
    assert await report(client, t.province) is None


ARCHIVE_DUE = """query($id: ID!) { node(id: $id) { ... on Member { joinDate archiveDueOn } } }"""


async def test_num6_archive_overdue_30_days_after_the_join_month(client, t, uow, hasher, clock):
    """NUM-6: the e-archive is due 30 days after approval; the join month's last day stands for the approval day,
    so a member who joined in October 2026 is due on 2026-11-30 and not overdue on 2026-11-25 (the clock)."""
    recent = await person(uow, hasher, clock, "癸", t.class1, "2026-10", None)
    await client.login_as(t.province_admin.id_number, PASSWORD)
    shown = (await client.query(ARCHIVE_DUE, {"id": encode_id("Member", recent.id)}))["node"]
    assert shown == {"joinDate": "2026-10", "archiveDueOn": "2026-11-30"}
    kinds = {r["member"]["name"]: r["kinds"] for r in (await report(client, t.province))["irregular"]}
    assert "ARCHIVE_OVERDUE" not in kinds["癸"] and "MISSING_ARCHIVE" in kinds["癸"]
    clock.advance(days=6)  # 2026-12-01 in China
    await client.login_as(t.province_admin.id_number, PASSWORD)
    kinds = {r["member"]["name"]: r["kinds"] for r in (await report(client, t.province))["irregular"]}
    assert kinds["癸"][-2:] == ["MISSING_ARCHIVE", "ARCHIVE_OVERDUE"]
