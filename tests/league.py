"""A small league for the numbering and transfers API tests: 团中央 > 甲省 > 某大学团委 > 一班团支部, 二班团支部;
甲省 > 某公司团委 > 某公司团支部; 乙省 > 乙省团支部. Admins of 甲省, 某大学团委, 一班团支部 and 乙省; with `people`,
also of 某公司团委, and the members 小明, 小红 (一班) and 小刚 (乙省团支部). Every password is PASSWORD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factories import add_org, add_person

from zhtj.graphql.ids import encode_id

PASSWORD = "Guanliyuan2026"


@dataclass
class League:
    root: Any
    province: Any
    school: Any
    class1: Any
    class2: Any
    company: Any
    company_branch: Any
    province2: Any
    branch2: Any
    province_admin: Any
    school_admin: Any
    class1_admin: Any
    province2_admin: Any
    company_admin: Any = None
    ming: Any = None
    hong: Any = None
    gang: Any = None


async def league(uow: Any, hasher: Any, clock: Any, root: Any, *, people: bool = False) -> League:
    province = await add_org(uow, root, "甲省")
    school = await add_org(uow, province, "某大学团委", category="团委", industry="普通高等院校")
    class1 = await add_org(uow, school, "一班团支部", category="团支部", industry="普通高等院校")
    class2 = await add_org(uow, school, "二班团支部", category="团支部", industry="普通高等院校")
    company = await add_org(uow, province, "某公司团委", category="团委", industry="国有企业")
    company_branch = await add_org(uow, company, "某公司团支部", category="团支部", industry="国有企业")
    province2 = await add_org(uow, root, "乙省")
    branch2 = await add_org(uow, province2, "乙省团支部", category="团支部")
    admins = [("province_admin", province), ("school_admin", school), ("class1_admin", class1)]
    admins += [("company_admin", company)] if people else []
    found = {}
    for key, org in (*admins, ("province2_admin", province2)):
        found[key], _ = await add_person(uow, hasher, clock, name=f"{org.short_name}管理员", password=PASSWORD,
                                         admin_of=org)
    for key, name, branch in (("ming", "小明", class1), ("hong", "小红", class1), ("gang", "小刚", branch2)):
        if people:
            found[key], _ = await add_person(uow, hasher, clock, name=name, branch=branch, password=PASSWORD)
    return League(root, province, school, class1, class2, company, company_branch, province2, branch2, **found)


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


def mid(member: Any) -> str:
    return member if isinstance(member, str) else encode_id("Member", member.id)


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]
