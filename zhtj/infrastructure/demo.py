"""`zhtj demo` and `zhtj bootstrap` against the configured database.

The demo nation is built through the same use cases the API runs (bootstrap, createOrganization,
setSecretary, enterMember, registerAdmin), so everything in it obeys the league's rules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from zhtj.domain.identity.admins import issue_admin_code, register_admin
from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.identity.services import Viewer, authenticate, login
from zhtj.domain.membership import idcard
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.membership.services import enter_member
from zhtj.domain.organization.model import Organization
from zhtj.domain.organization.secretary import set_secretary
from zhtj.domain.organization.services import create_organization
from zhtj.domain.shared.clock import SystemClock
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.infrastructure.db import Database, create_database
from zhtj.infrastructure.passwords import Argon2Hasher
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.settings import Settings


def make_id_number(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + idcard.check_character(first17)


DEMO_ADMIN_ID = make_id_number("110101", date(1990, 3, 7), 123)
DEMO_PASSWORD = "Tuanjian2026"
PROVINCE_ADMIN_ID = make_id_number("320102", date(1992, 8, 16), 456)
PROVINCE_PASSWORD = "Jiangsu2026"

# (parent key, key, category, short name, full name, industry)
DEMO_TREE = [
    ("root", "bj", "团的领导机关", "北京团市委", "共青团北京市委员会", "党政机关"),
    ("root", "js", "团的领导机关", "江苏团省委", "共青团江苏省委员会", "党政机关"),
    ("root", "xj", "团的领导机关", "新疆团区委", "共青团新疆维吾尔自治区委员会", "党政机关"),
    ("bj", "hd", "团的领导机关", "海淀团区委", "共青团北京市海淀区委员会", "党政机关"),
    ("hd", "univ", "团委", "示范大学团委", "共青团示范大学委员会", "普通高等院校"),
    ("univ", "cs", "团总支", "计算机学院团总支", "共青团示范大学计算机学院总支部委员会", "普通高等院校"),
    ("cs", "cs2301", "团支部", "计算机2301班团支部", "共青团示范大学计算机学院2301班支部", "普通高等院校"),
    ("cs", "cs2302", "团支部", "计算机2302班团支部", "共青团示范大学计算机学院2302班支部", "普通高等院校"),
    ("hd", "zgc", "团委", "中关村街道团工委", "共青团北京市海淀区中关村街道工作委员会", "城市社区"),
    ("zgc", "community", "团支部", "科学院南路社区团支部", "共青团中关村街道科学院南路社区支部", "城市社区"),
    ("js", "nj", "团的领导机关", "南京团市委", "共青团南京市委员会", "党政机关"),
    ("nj", "steel", "团委", "南京钢铁团委", "共青团南京钢铁集团委员会", "国有企业"),
    ("steel", "workshop", "团支部", "炼钢车间团支部", "共青团南京钢铁集团炼钢车间支部", "国有企业"),
    ("nj", "xjk", "团支部", "新街口社区团支部", "共青团南京市新街口社区支部", "城市社区"),
]
# (branch key, name, region, born, join, occupation, study status or job, education, political status)
VOCATIONAL = "中等职业教育"
DEMO_MEMBERS = [
    ("cs2301", "张伟", "110108", date(2005, 4, 12), "2020-05", "青年学生", "普通本科在读", "普通高中", "共青团员"),
    ("cs2301", "李娜", "110108", date(2005, 9, 2), "2020-05", "青年学生", "普通本科在读", "普通高中", "共青团员"),
    ("cs2301", "王芳", "110108", date(2004, 12, 30), "2019-10", "青年学生", "普通本科在读", "普通高中", "共青团员"),
    ("cs2301", "赵磊", "110108", date(2005, 1, 21), "2019-05", "青年学生", "普通本科在读", "普通高中", "共青团员"),
    ("cs2302", "刘洋", "110108", date(2006, 1, 15), "2021-05", "青年学生", "普通本科在读", "普通高中", "共青团员"),
    ("cs2302", "陈晨", "110108", date(2005, 6, 8), "2020-12", "青年学生", "普通本科在读", "普通高中", "共青团员"),
    ("community", "杨帆", "110108", date(1999, 3, 3), "2014-05", "职业青年", "自由职业者", "大学本科", "共青团员"),
    ("community", "黄静", "110108", date(2000, 7, 19), "2015-05", "职业青年", "其他", "大学专科", "中共预备党员"),
    ("workshop", "周强", "320106", date(2001, 11, 1), "2016-05", "职业青年", "国有企业职工", VOCATIONAL, "共青团员"),
    ("workshop", "吴敏", "320106", date(2002, 2, 14), "2017-05", "职业青年", "国有企业职工", VOCATIONAL, "共青团员"),
    ("workshop", "郑凯", "320106", date(2003, 5, 27), "2018-05", "职业青年", "国有企业职工", "大学专科", "共青团员"),
    ("xjk", "孙悦", "320106", date(1999, 7, 21), "2014-05", "职业青年", "非公企业职工", "大学本科", "共青团员"),
]
# (org key, secretary name, region, born)
DEMO_SECRETARIES = [
    ("cs2301", "钱老师", "110108", date(1990, 9, 10)),
    ("workshop", "冯书记", "320106", date(1995, 4, 4)),
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
    """A small nation under 团中央; False if the database already holds data."""
    start_mappers()
    db = create_database(settings.database_url)
    clock, hasher = SystemClock(), Argon2Hasher()
    try:
        async with SqlUnitOfWork(db.write_sessions) as uow:
            if await uow.organizations.count():
                return False
            root, _ = await bootstrap(uow=uow, clock=clock, hasher=hasher, admin_id_number=DEMO_ADMIN_ID,
                                      admin_name="团中央管理员", password=DEMO_PASSWORD)
        run = _runner(db)
        viewer = await _viewer(db, settings, DEMO_ADMIN_ID, DEMO_PASSWORD)
        orgs: dict[str, Organization] = {"root": root}
        for parent, key, category, short, full, industry in DEMO_TREE:
            orgs[key] = await run(lambda uow, p=parent, c=category, s=short, f=full, i=industry: create_organization(
                uow=uow, clock=clock, viewer=viewer, parent_id=orgs[p].id, category=c, short_name=s, full_name=f,
                industry=i, contact_phone="010-12345678"))
        for sequence, (key, name, region, born, joined, occupation, study_or_job, education, status) in enumerate(
                DEMO_MEMBERS, start=11):
            number = make_id_number(region, born, sequence)
            student = occupation == "青年学生"
            form = MemberForm(
                name=name, id_number=number, id_number_confirm=number, ethnicity="汉族", occupation=occupation,
                study_status=study_or_job if student else None, job_type=None if student else study_or_job,
                education=education, political_status=status, join_date=joined,
                development_number=f"{joined[:4]}{sequence:08d}" if joined >= "2017" else None,
                party_join_date="2024-07-01" if status != "共青团员" else None, is_cadre=False,
                mobile=f"1380013{sequence:04d}", household_address="北京市海淀区中关村大街1号",
                registered_volunteer=sequence % 2 == 0)
            await run(lambda uow, k=key, f=form: enter_member(uow=uow, clock=clock, hasher=hasher, viewer=viewer,
                                                            branch_id=orgs[k].id, form=f))
        for sequence, (key, name, region, born) in enumerate(DEMO_SECRETARIES, start=71):
            await run(lambda uow, k=key, n=name, i=make_id_number(region, born, sequence): set_secretary(
                uow=uow, clock=clock, hasher=hasher, viewer=viewer, org_id=orgs[k].id, id_number=i, name=n,
                mobile="13900139000"))
        issued = await run(lambda uow: issue_admin_code(uow=uow, clock=clock, secret=settings.secret_key,
                                                         viewer=viewer, org_id=orgs["js"].id))
        await run(lambda uow: register_admin(
            uow=uow, clock=clock, hasher=hasher, secret=settings.secret_key, code=issued.code,
            id_number=PROVINCE_ADMIN_ID, name="江苏管理员", mobile="13700137000", password=PROVINCE_PASSWORD))
        return True
    finally:
        await db.dispose()


def _runner(db: Database) -> Callable[[Callable[[SqlUnitOfWork], Awaitable[Any]]], Awaitable[Any]]:
    async def run(use_case: Callable[[SqlUnitOfWork], Awaitable[Any]]) -> Any:
        async with SqlUnitOfWork(db.write_sessions) as uow:
            return await use_case(uow)

    return run


async def _viewer(db: Database, settings: Settings, id_number: str, password: str) -> Viewer:
    clock = SystemClock()
    async with SqlUnitOfWork(db.write_sessions) as uow:
        session = await login(uow=uow, clock=clock, hasher=Argon2Hasher(), secret=settings.secret_key,
                              id_number=id_number, password=password)
        viewer = await authenticate(uow=uow, clock=clock, secret=settings.secret_key, token=session.token)
    assert viewer is not None
    return viewer
