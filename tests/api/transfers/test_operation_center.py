"""操作中心 (X-2): what waits for the viewer, of every kind that exists, filtered, searched and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import NOW, add_person, new_id_number
from transferapi import START, as_, call, league, mid, oid

from zhtj.domain.membership.model import AWAITING_REVIEW
from zhtj.domain.numbering.model import Archive, NumberRelease
from zhtj.domain.organization.model import OrgMigration

CENTER = """query($kind: PendingKind, $since: Date, $until: Date, $text: String, $first: Int, $after: String,
  $last: Int) { operationCenter(kind: $kind, since: $since, until: $until, text: $text, first: $first,
  after: $after, last: $last) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
  nodes { kind name title item { __typename } } } }"""


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    t = await league(uow, hasher, clock, root)
    reporter, _ = await add_person(uow, hasher, clock, name="小李", branch=t.class1, id_number=new_id_number())
    async with uow:
        found = await uow.members.get(reporter.id)
        found.status, found.report_submitted_at = AWAITING_REVIEW, NOW - timedelta(days=1)
        uow.migrations.add(OrgMigration(org_id=t.class2.id, old_parent_id=t.school.id, new_parent_id=t.company.id,
                                        requested_by=t.school_admin.id, requested_at=NOW - timedelta(days=3)))
        uow.releases.add(NumberRelease(number="202000000042", member_id=t.hong.id, holder_id=t.ming.id,
                                       owner_org_id=t.school.id, requested_by=t.class1_admin.id,
                                       requested_at=NOW - timedelta(days=2)))
        uow.archives.add(Archive(member_id=t.hong.id, stored_name="archives/x.pdf", sha256="x" * 64, size=10,
                                 uploaded_at=NOW - timedelta(days=4)))
        await uow.commit()
    await as_(client, t.ming)
    assert (await call(client, START, {"memberId": mid(t.ming), "targetOrgId": oid(t.branch2),
                                       "reason": "升学"}))["errors"] == []
    return t


async def center(client, **variables):
    return (await client.query(CENTER, variables))["operationCenter"]


async def test_x2_everything_waiting_for_the_viewer_oldest_first(client, t):
    await as_(client, t.province_admin)
    everything = await center(client)
    assert everything["totalCount"] == 5
    assert [(n["kind"], n["name"], n["item"]["__typename"]) for n in everything["nodes"]] == [
        ("ARCHIVE_REVIEW", "小红", "Member"), ("MIGRATION", "共青团二班团支部", "OrganizationMigration"),
        ("NUMBER_RELEASE", "小红", "NumberRelease"), ("SELF_REPORT", "小李", "Member"),
        ("TRANSFER", "小明", "Transfer")]
    assert everything["nodes"][-1]["title"] == "组织关系转接：小明"
    assert [n["kind"] for n in (await center(client, kind="TRANSFER"))["nodes"]] == ["TRANSFER"]
    assert [n["kind"] for n in (await center(client, text="小红"))["nodes"]] == ["ARCHIVE_REVIEW", "NUMBER_RELEASE"]
    since = (NOW - timedelta(days=2)).date().isoformat()
    assert (await center(client, since=since))["totalCount"] == 3
    assert (await center(client, until=since))["totalCount"] == 3  # the archive, the migration, the release
    first = await center(client, first=2)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await center(client, first=10, after=first["pageInfo"]["endCursor"])
    assert [n["kind"] for n in rest["nodes"]] == ["NUMBER_RELEASE", "SELF_REPORT", "TRANSFER"]
    assert [n["kind"] for n in (await center(client, last=1))["nodes"]] == ["TRANSFER"]


async def test_x2_each_sees_only_what_waits_for_them(client, clock, t):
    await as_(client, t.class1_admin)  # the branch: the transfer and the self-report; its parent reviews archives
    assert [n["kind"] for n in (await center(client))["nodes"]] == ["SELF_REPORT", "TRANSFER"]
    for outsider in (t.province2_admin, t.company_admin, t.ming):
        await as_(client, outsider)
        assert (await center(client))["totalCount"] == 0
    clock.advance(days=11)  # past 10 days the transfer has ended (TRF-5), the self-report waits on (30 days)
    await as_(client, t.class1_admin)
    assert [n["kind"] for n in (await center(client))["nodes"]] == ["SELF_REPORT"]
