"""`zhtj demo` and `zhtj bootstrap` against the configured database."""

from __future__ import annotations

from datetime import date

from zhtj.domain.identity import rules
from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.identity.model import Account, OrgAdmin
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.shared.clock import SystemClock
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.passwords import Argon2Hasher
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.settings import Settings


def make_id_number(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + idcard.check_character(first17)


DEMO_ADMIN_ID = make_id_number("110101", date(1990, 3, 7), 123)
DEMO_PASSWORD = "Tuanjian2026"

# (parent index, category, short name, full name, industry); index 0 is 团中央.
DEMO_TREE = [
    (0, "团的领导机关", "北京团市委", "共青团北京市委员会", "党政机关"),
    (0, "团的领导机关", "江苏团省委", "共青团江苏省委员会", "党政机关"),
    (1, "团的领导机关", "海淀团区委", "共青团北京市海淀区委员会", "党政机关"),
    (3, "团委", "示范大学团委", "共青团示范大学委员会", "普通高等院校"),
    (4, "团支部", "计算机2301班团支部", "共青团示范大学计算机学院2301班支部", "普通高等院校"),
    (4, "团支部", "数学2302班团支部", "共青团示范大学数学学院2302班支部", "普通高等院校"),
    (2, "团的领导机关", "南京团市委", "共青团南京市委员会", "党政机关"),
    (7, "团支部", "新街口社区团支部", "共青团南京市新街口社区支部", "城市社区"),
]
# (branch index, name, region, birth date, sequence, join year-month)
DEMO_MEMBERS = [
    (5, "张伟", "110108", date(2005, 4, 12), 31, "2019-05"),
    (5, "李娜", "110108", date(2005, 9, 2), 42, "2020-05"),
    (5, "王芳", "110108", date(2004, 12, 30), 52, "2019-10"),
    (6, "刘洋", "110108", date(2006, 1, 15), 13, "2021-05"),
    (8, "陈静", "320106", date(1999, 7, 21), 24, "2014-05"),
]


async def run_bootstrap(settings: Settings, id_number: str, name: str, password: str) -> list[Problem]:
    start_mappers()
    db = create_database(settings.database_url)
    try:
        async with SqlUnitOfWork(db.write_sessions) as uow:
            await bootstrap(uow=uow, clock=SystemClock(), hasher=Argon2Hasher(),
                            admin_id_number=id_number, admin_name=name, password=password)
        return []
    except DomainError as error:
        return list(error.problems)
    finally:
        await db.dispose()


async def build_demo(settings: Settings) -> bool:
    """A few orgs and members under 团中央; False if the database already holds data."""
    start_mappers()
    db = create_database(settings.database_url)
    clock, hasher = SystemClock(), Argon2Hasher()
    try:
        async with SqlUnitOfWork(db.write_sessions) as uow:
            if await uow.organizations.count():
                return False
            root, _ = await bootstrap(uow=uow, clock=clock, hasher=hasher, admin_id_number=DEMO_ADMIN_ID,
                                      admin_name="团中央管理员", password=DEMO_PASSWORD)
            now = clock.now()
            tree = [root]
            for order, (parent_index, category, short, full, industry) in enumerate(DEMO_TREE):
                parent = tree[parent_index]
                org = Organization(short_name=short, full_name=full, category=category, industry=industry,
                                   parent_id=parent.id, depth=parent.depth + 1, sort_order=order, created_at=now)
                uow.organizations.add(org)
                await uow.flush()
                assert org.id is not None
                org.path = child_path(parent.path, org.id)
                tree.append(org)
            for branch_index, name, region, born, sequence, joined in DEMO_MEMBERS:
                number = make_id_number(region, born, sequence)
                parsed = idcard.parse(number, born)
                assert not isinstance(parsed, list)
                member = Member(name=name, id_number=number, gender=parsed.gender, birth_date=born,
                                branch_id=tree[branch_index].id, join_date=joined, created_at=now)
                uow.members.add(member)
                await uow.flush()
                assert member.id is not None
                uow.accounts.add(Account(member_id=member.id, id_number=number,
                                         password_hash=await hasher.hash(rules.initial_password(number)),
                                         must_change_password=True, created_at=now))
            first = (await uow.members.by_id_number(make_id_number("110108", date(2005, 4, 12), 31)))
            assert first is not None and first.id is not None and tree[5].id is not None
            uow.members.add_position(CadrePosition(member_id=first.id, org_id=tree[5].id, position="书记"))
            uow.admins.add(OrgAdmin(org_id=tree[5].id, member_id=first.id, granted_at=now))
            await uow.commit()
            return True
    finally:
        await db.dispose()
