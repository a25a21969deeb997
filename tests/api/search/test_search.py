"""X-1 global search over GraphQL: routing by shape, scope, ranking, pinyin, narrowing words, the hint."""

from __future__ import annotations

import pytest
from factories import NOW, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from searchapi import PASSWORD, SEARCH, league
from sqlalchemy import select

from zhtj.domain.numbering.model import ARCHIVE_PENDING, Archive
from zhtj.infrastructure.tables.schema import audit_log


@pytest.fixture
async def t(uow, hasher, clock, root):
    return await league(uow, hasher, clock, root)


async def search(client, text, first=20):
    return (await client.query(SEARCH, {"text": text, "first": first}))["search"]


def crumbs(hit):
    return [a["shortName"] for a in hit["branch"]["ancestors"]] + [hit["branch"]["shortName"]]


async def test_x1_name_ranks_exact_then_nearer_with_breadcrumbs(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    found = await search(client, "张伟")
    names = [m["name"] for m in found["members"]]
    assert names == ["张伟", "张伟", "张伟", "张伟华"]  # 河北's 张伟 is not in 北京's scope
    assert {tuple(crumbs(m)) for m in found["members"][:3]} == {
        ("北京市", "朝阳区团委", "朝阳团支部"), ("北京市", "海淀区团委", "一班团支部"),
        ("北京市", "海淀区团委", "二班团支部")}
    assert found["tooMany"] is False and found["hint"] is None


async def test_x1_nearer_orgs_first(client, t, uow):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    async with uow:  # a cadre of 北京市 itself, found at depth 1
        from zhtj.domain.membership.model import CadrePosition
        uow.members.add_position(CadrePosition(member_id=t.people["wf"].id, org_id=t.beijing.id, position="委员"))
        await uow.commit()
    found = await search(client, "王芳")
    assert [m["name"] for m in found["members"]] == ["王芳"]  # once, though found at two orgs


async def test_x1_pinyin_and_initials(client, t):
    await client.login_as(t.haidian_admin.id_number, PASSWORD)
    full = await search(client, "zhangwei")
    assert sorted(m["name"] for m in full["members"]) == ["张伟", "张伟"]
    initials = await search(client, "ZW")
    assert sorted(m["name"] for m in initials["members"]) == ["张伟", "张伟"]
    assert [m["name"] for m in (await search(client, "zwh"))["members"]] == ["张伟华"]


async def test_x1_narrowing_words(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    found = await search(client, "张伟 海淀")
    assert {crumbs(m)[1] for m in found["members"]} == {"海淀区团委"}
    assert len(found["members"]) == 3  # two 张伟 and 张伟华
    assert [m["name"] for m in (await search(client, "张伟 朝阳"))["members"]] == ["张伟"]
    assert (await search(client, "张伟 石家庄"))["members"] == []  # 河北's org is not under 北京


async def test_x1_too_many_gives_the_hint(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    found = await search(client, "张伟", first=2)
    assert len(found["members"]) == 2 and found["tooMany"] is True
    assert found["hint"] == "结果过多，请输入组织名称或省份等信息辅助搜索"


async def test_x1_orgs_by_any_part_of_the_full_name(client, t):
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    found = await search(client, "海淀区")
    assert [o["fullName"] for o in found["organizations"]] == ["共青团北京市海淀区委员会"]
    assert found["organizations"][0]["ancestors"][-1]["shortName"] == "北京市"
    assert [o["fullName"] for o in (await search(client, "一中二班"))["organizations"]] == ["海淀一中二班团支部"]
    assert (await search(client, "石家庄"))["organizations"] == []
    assert (await search(client, "公司团支部"))["organizations"] == [{"fullName": "朝阳某公司团支部",
                                                                 "ancestors": [{"shortName": "北京市"},
                                                                               {"shortName": "朝阳区团委"}]}]


async def test_x1_id_number_either_case_is_an_audited_full_read(client, t, db):
    person = t.people["zw_hebei"]
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    for typed in (person.id_number, person.id_number.lower()):
        found = await search(client, typed)
        assert [m["name"] for m in found["members"]] == ["张伟"], typed
    async with db.read_sessions() as session:
        rows = (await session.execute(select(audit_log.c.action, audit_log.c.subject)
                                      .where(audit_log.c.action == "searchIdNumber"))).all()
    assert rows == [("searchIdNumber", f"Member:{person.id}")] * 2


async def test_x1_id_number_searches_count_toward_the_full_read_cap(client, t):
    person = t.people["zw_hebei"]
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    aliases = " ".join(f'a{i}: search(text: "{person.id_number}") {{ members {{ name }} }}' for i in range(11))
    errors = await client.errors(f"{{ {aliases} }}")
    assert any(e["extensions"]["code"] == "FORBIDDEN" for e in errors)


async def test_x1_development_number_finds_member_and_archive(client, t, uow):
    await client.login_as(t.hebei_admin.id_number, PASSWORD)
    found = await search(client, "202013000001")
    assert [m["developmentNumber"] for m in found["members"]] == ["202013000001"]
    assert found["archives"] == []  # none uploaded yet
    async with uow:
        uow.archives.add(Archive(member_id=t.people["zw_hebei"].id, stored_name="a.pdf", sha256="0" * 64, size=1,
                                 uploaded_at=NOW, uploaded_by=None, status=ARCHIVE_PENDING))
        await uow.commit()
    assert (await search(client, "202013000001"))["archives"] == [{"status": "PENDING_REVIEW"}]


async def test_x1_a_provincial_admin_never_finds_another_province(client, t, db):
    other = t.people["zw_hebei"]
    await client.login_as(t.beijing_admin.id_number, PASSWORD)
    for text in ("张伟", "zhangwei", "zw", other.id_number, other.id_number.lower(), "202013000001", "张伟 河北",
                 "石家庄", "河北"):
        found = await search(client, text)
        assert all(crumbs(m)[0] == "北京市" for m in found["members"]), text
        assert "河北团支部" not in [crumbs(m)[-1] for m in found["members"]], text
        assert not any("河北" in o["fullName"] or "石家庄" in o["fullName"] for o in found["organizations"]), text
    async with db.read_sessions() as session:  # an out-of-scope ID number is no read at all
        assert not (await session.execute(select(audit_log.c.id).where(audit_log.c.action == "searchIdNumber"))).all()


async def test_x1_root_admin_finds_everyone(client, t):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert len((await search(client, "张伟"))["members"]) == 5


async def test_x1_needs_a_login(client, t):
    errors = await client.errors('{ search(text: "张伟") { tooMany } }')
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
