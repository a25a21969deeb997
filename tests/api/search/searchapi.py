"""A small league for the search and progress API tests.

团中央 > 北京市 > 海淀区团委 > 一班团支部 (张伟, 张伟华, 王芳), 二班团支部 (张伟);
北京市 > 朝阳区团委 > 朝阳团支部 (张伟); 团中央 > 河北省 > 河北团支部 (张伟, with a development number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from factories import add_org, add_person, new_id_number

from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.demo import make_id_number

PASSWORD = "Guanliyuan2026"
SEARCH = """query($text: String!, $first: Int) { search(text: $text, first: $first) {
  organizations { fullName ancestors { shortName } }
  members { name idNumberMasked developmentNumber branch { shortName ancestors { shortName } } }
  archives { status } tooMany hint } }"""


@dataclass
class League:
    beijing: Any
    haidian: Any
    class1: Any
    class2: Any
    chaoyang: Any
    chaoyang_branch: Any
    hebei: Any
    hebei_branch: Any
    beijing_admin: Any
    haidian_admin: Any
    hebei_admin: Any
    people: dict[str, Any]


def id_number_ending_in_x() -> str:
    for seq in range(1000):
        number = make_id_number("130102", date(2001, 3, 4), seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no number ends in X")


async def league(uow: Any, hasher: Any, clock: Any, root: Any) -> League:
    beijing = await add_org(uow, root, "北京市", full_name="共青团北京市委员会")
    haidian = await add_org(uow, beijing, "海淀区团委", category="团委", full_name="共青团北京市海淀区委员会")
    class1 = await add_org(uow, haidian, "一班团支部", category="团支部", full_name="海淀一中一班团支部",
                           industry="普通高中")
    class2 = await add_org(uow, haidian, "二班团支部", category="团支部", full_name="海淀一中二班团支部",
                           industry="普通高中")
    chaoyang = await add_org(uow, beijing, "朝阳区团委", category="团委", full_name="共青团北京市朝阳区委员会")
    chaoyang_branch = await add_org(uow, chaoyang, "朝阳团支部", category="团支部", full_name="朝阳某公司团支部",
                                    industry="国有企业")
    hebei = await add_org(uow, root, "河北省", full_name="共青团河北省委员会")
    hebei_branch = await add_org(uow, hebei, "河北团支部", category="团支部", full_name="石家庄某公司团支部",
                                 industry="国有企业")
    admins = {}
    for key, org in (("beijing_admin", beijing), ("haidian_admin", haidian), ("hebei_admin", hebei)):
        admins[key], _ = await add_person(uow, hasher, clock, name=f"{org.short_name}管理员", password=PASSWORD,
                                          admin_of=org)
    people = {}
    for key, name, branch in (("zw_class1", "张伟", class1), ("zwh", "张伟华", class1), ("wf", "王芳", class1),
                              ("zw_class2", "张伟", class2), ("zw_chaoyang", "张伟", chaoyang_branch)):
        people[key], _ = await add_person(uow, hasher, clock, name=name, branch=branch)
    people["zw_hebei"], _ = await add_person(uow, hasher, clock, name="张伟", branch=hebei_branch,
                                             id_number=id_number_ending_in_x())
    async with uow:
        found = await uow.members.lock(people["zw_hebei"].id)
        found.join_date, found.development_number = "2020-05", "202013000001"
        await uow.commit()
    return League(beijing, haidian, class1, class2, chaoyang, chaoyang_branch, hebei, hebei_branch,
                  people=people, **admins)


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


__all__ = ["new_id_number"]
