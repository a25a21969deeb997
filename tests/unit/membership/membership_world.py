"""A small league in fakes for the membership use-case tests, a valid entry form, and the use cases called
as a given person (the viewer a login of theirs would give)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fakes import FakeHasher, FakeUnitOfWork, fake_org, fake_person, fake_viewer

from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.membership import services
from zhtj.domain.membership.model import Member
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared.clock import FixedClock
from zhtj.domain.shared.errors import DomainError
from zhtj.infrastructure.demo import make_id_number

NEW_ID = make_id_number("110108", date(2000, 1, 1), 41)
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def form(**changes: Any) -> MemberForm:
    """A complete, valid entry form (MEM-2) for a working youth who joined in 2019."""
    return replace(MemberForm(
        name="李娜", id_number=NEW_ID, id_number_confirm=NEW_ID, ethnicity="汉族", occupation="职业青年",
        job_type="其他", education="大学本科", political_status="共青团员", join_date="2019-05",
        development_number="201911000001", is_cadre=False, mobile="13800138000", household_address="北京市海淀区",
        registered_volunteer=False), **changes)


def cadre_form(**changes: Any) -> MemberForm:
    post = {"is_cadre": True, "position": "委员", "position_since": "2024-09", "cadre_nature": "兼职",
            "on_party_committee": False}
    return form(**{**post, **changes})


async def new_uow(clock: FixedClock) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await bootstrap(uow=uow, clock=clock, hasher=FakeHasher(), admin_id_number="110101199003071233",
                    admin_name="团中央管理员", password="Tuanjian2026")
    return uow


async def tree(uow: FakeUnitOfWork) -> dict[str, Any]:
    """团中央 > 北京团市委 > 某大学团委 > 某团支部, and 江苏团省委 > 南京支部, each with an admin (a 委员 there)."""
    root = await uow.organizations.root()
    t = {"root": root, "city": fake_org(uow, root, "北京团市委"), "province2": fake_org(uow, root, "江苏团省委")}
    t["committee"] = fake_org(uow, t["city"], "某大学团委", "团委")
    t["branch"] = fake_org(uow, t["committee"], "某团支部", "团支部")
    t["branch2"] = fake_org(uow, t["province2"], "南京支部", "团支部")
    for i, key in enumerate(("city", "province2", "committee", "branch", "branch2")):
        t[key + "_admin"] = fake_person(uow, f"{key}管理员", i + 1, admin_of=t[key])
    return t


def codes(raised: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.field, p.rule) for p in raised.value.problems]


async def enter(uow: FakeUnitOfWork, clock: FixedClock, viewer: Member, branch: Organization | None,
                **changes: Any) -> Member:
    return await services.enter_member(uow=uow, clock=clock, hasher=FakeHasher(), viewer=await fake_viewer(uow, viewer),
                                       branch_id=branch.id if branch else None, form=form(**changes))


async def enter_cadre(uow: FakeUnitOfWork, clock: FixedClock, viewer: Member, org: Organization,
                      the_form: MemberForm) -> Member:
    return await services.enter_cadre(uow=uow, clock=clock, hasher=FakeHasher(), viewer=await fake_viewer(uow, viewer),
                                      org_id=org.id, form=the_form)


async def update(uow: FakeUnitOfWork, clock: FixedClock, viewer: Member, member: Member, **changes: Any) -> Member:
    return await services.update_member(uow=uow, clock=clock, hasher=FakeHasher(),
                                        viewer=await fake_viewer(uow, viewer), member_id=member.id, changes=changes)


async def change(uow: FakeUnitOfWork, clock: FixedClock, viewer: Member, member: Member, org: Organization,
                 position: str, **fields: Any) -> Any:
    return await services.change_position(uow=uow, clock=clock, viewer=await fake_viewer(uow, viewer),
                                          member_id=member.id, org_id=org.id,
                                          form=MemberForm(position=position, **fields))


async def delete(uow: FakeUnitOfWork, clock: FixedClock, viewer: Member, member: Member,
                 reason: str = "录入错误") -> int:
    return await services.delete_member(uow=uow, clock=clock, viewer=await fake_viewer(uow, viewer),
                                        member_id=member.id, reason=reason)
