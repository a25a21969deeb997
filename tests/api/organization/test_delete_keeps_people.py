"""Deleting an org never leaves a person nowhere, and never fails over a name (ORG-7)."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from orgapi import DELETE, codes, oid

from zhtj.domain.membership.model import CadrePosition
from zhtj.graphql.ids import encode_id

PERSON = "query($id: ID!) { node(id: $id) { ... on Member { name positions { position } } } }"


async def _post(uow, person, org, position="无职务"):
    async with uow:
        uow.members.add_position(CadrePosition(member_id=person.id, org_id=org.id, position=position))
        await uow.commit()


async def test_a_cadre_whose_only_place_is_the_org_blocks_its_deletion_ORG7(client, root, uow, hasher, clock):
    county = await add_org(uow, root, "某县团委")
    town = await add_org(uow, county, "某镇团委", category="团委")
    branch = await add_org(uow, county, "某村团支部", category="团支部")
    stranded, _ = await add_person(uow, hasher, clock, name="只在镇里")
    member, _ = await add_person(uow, hasher, clock, name="有支部", branch=branch)
    busy, _ = await add_person(uow, hasher, clock, name="县里也有职务")
    for person in (stranded, member, busy):
        await _post(uow, person, town)  # 无职务 is a post too
    await _post(uow, busy, county, "委员")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)

    refused = (await client.query(DELETE, {"input": {"id": oid(town)}}))["deleteOrganization"]
    message = "该组织有1名团干部不属于任何团支部、也未在其他组织任职，请先变更其职务后再删除"
    assert refused["errors"] == [{"code": "ORG_HAS_CADRES", "field": None, "rule": "ORG-7", "message": message}]
    assert refused["deletedId"] is None
    await _post(uow, stranded, county, "委员")  # their post changes to the county first
    done = (await client.query(DELETE, {"input": {"id": oid(town)}}))["deleteOrganization"]
    assert done["errors"] == [] and done["deletedId"] == oid(town)
    still = await client.query(PERSON, {"id": encode_id("Member", stranded.id)})
    assert still["node"] == {"name": "只在镇里", "positions": [{"position": "委员"}]}


async def test_a_branch_with_members_and_a_stranded_cadre_is_refused_whole_ORG7(client, root, uow, hasher, clock):
    county = await add_org(uow, root, "某县团委")
    branch = await add_org(uow, county, "一班团支部", category="团支部")
    await add_person(uow, hasher, clock, name="团员甲", branch=branch)
    cadre, _ = await add_person(uow, hasher, clock, name="外来书记")
    await _post(uow, cadre, branch, "书记")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    refused = (await client.query(DELETE, {"input": {"id": oid(branch)}}))["deleteOrganization"]
    assert codes(refused) == ["ORG_HAS_CADRES"] and refused["pendingBranch"] is None
    people = "query($id: ID!) { organization(id: $id) { members { totalCount } children { totalCount } } }"
    kept = (await client.query(people, {"id": oid(branch)}))["organization"]
    assert kept["members"]["totalCount"] == 1  # nothing moved: no partial write
    assert (await client.query(people, {"id": oid(county)}))["organization"]["children"]["totalCount"] == 1


async def test_a_users_org_named_like_the_pending_branch_gets_a_free_variant_ORG7(client, root, uow, hasher,
                                                                                  clock):
    county = await add_org(uow, root, "某县团委", full_name="共青团某县委员会")
    await add_org(uow, county, "待接转", category="团支部", full_name="共青团某县委员会待接转团支部")
    await add_org(uow, county, "待接转二", category="团支部", full_name="共青团某县委员会待接转团支部（2）")
    branch = await add_org(uow, county, "一班团支部", category="团支部")
    await add_person(uow, hasher, clock, name="团员甲", branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    done = (await client.query(DELETE, {"input": {"id": oid(branch)}}))["deleteOrganization"]
    assert done["errors"] == []
    assert done["pendingBranch"]["fullName"] == "共青团某县委员会待接转团支部（3）"
    assert done["pendingBranch"]["category"] == "待接转团支部"
    assert [n["name"] for n in done["pendingBranch"]["members"]["nodes"]] == ["团员甲"]


async def test_the_pending_branch_name_fits_under_a_long_parent_name_ORG7_ORG3(client, root, uow, hasher, clock):
    county = await add_org(uow, root, "某县团委", full_name="县" * 200)
    branch = await add_org(uow, county, "一班团支部", category="团支部")
    await add_person(uow, hasher, clock, name="团员甲", branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    done = (await client.query(DELETE, {"input": {"id": oid(branch)}}))["deleteOrganization"]
    assert done["errors"] == []
    assert done["pendingBranch"]["fullName"] == "县" * 194 + "待接转团支部"
