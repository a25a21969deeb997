"""Editing members, changing posts and deleting members with in-memory fakes (MEM-4, MEM-12, MEM-13,
MEM-15, ACC-1, ACC-3, ACC-4): each test names the rule it checks."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import fake_person
from membership_world import NEW_ID, change, codes, delete, enter, update

from zhtj.domain.membership.model import CadrePosition
from zhtj.domain.shared.errors import DomainError
from zhtj.infrastructure.demo import make_id_number

pytestmark = pytest.mark.unit


# update_member ------------------------------------------------------------------------------------------
async def test_mem_13_a_new_name_resets_the_name_id_check(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    member.verification, member.verification_note = "线下通过", "核对户口本"
    await update(uow, clock, t["branch_admin"], member, mobile="13900139000")
    assert (member.mobile, member.verification) == ("13900139000", "线下通过")
    await update(uow, clock, t["branch_admin"], member, name=" 李娜 ")  # the same name, typed loosely
    assert member.verification == "线下通过"
    await update(uow, clock, t["branch_admin"], member, name="李娜娜")
    assert (member.name, member.verification, member.verification_note) == ("李娜娜", "未校验", None)


async def test_mem_4_mem_13_acc_1_a_new_id_number_is_typed_twice_and_becomes_the_login_name(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    member.verification = "校验通过"
    corrected = make_id_number("110108", date(2000, 1, 2), 40)  # 女
    with pytest.raises(DomainError) as raised:
        await update(uow, clock, t["branch_admin"], member, id_number=corrected)
    assert codes(raised) == [("ID_NUMBER_MISMATCH", "idNumberConfirm", "MEM-4")]
    await update(uow, clock, t["branch_admin"], member, id_number=corrected, id_number_confirm=corrected)
    assert (member.id_number, member.gender, member.birth_date) == (corrected, "女", date(2000, 1, 2))
    assert member.verification == "未校验"
    assert uow.accounts.find(member_id=member.id).id_number == corrected


async def test_mem_4_an_edit_cannot_take_another_persons_id_number(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    other = t["branch_admin"]
    with pytest.raises(DomainError) as raised:
        await update(uow, clock, t["city_admin"], member, id_number=other.id_number, id_number_confirm=other.id_number)
    assert ("ID_NUMBER_TAKEN", "idNumber", "MEM-4") in codes(raised)


async def test_acc_4_members_out_of_scope_cannot_be_edited(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await update(uow, clock, t["branch2_admin"], member, mobile="13900139000")
    assert codes(raised) == [("NOT_FOUND", "id", "ACC-4")]
    assert member.mobile == "13800138000"


# change_position ----------------------------------------------------------------------------------------
async def test_mem_12_a_new_secretary_replaces_the_old_one_once_they_are_no_admin(uow, clock, t):
    old = fake_person(uow, "老书记", 20, branch=t["branch"], post_in=t["branch"], position="书记",
                      admin_of=t["branch"])
    new = await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await change(uow, clock, t["committee_admin"], new, t["branch"], "团支部书记")
    assert codes(raised) == [("OLD_SECRETARY_IS_ADMIN", "position", "MEM-12")]
    uow.admins.rows = [g for g in uow.admins.rows if g.member_id != old.id]
    post = await change(uow, clock, t["committee_admin"], new, t["branch"], "团支部书记", position_since="2026-11")
    assert (post.member_id, post.position, post.since) == (new.id, "书记", "2026-11")
    assert (await uow.members.position(old.id, t["branch"].id)).position == "无职务"
    assert (new.is_cadre, old.is_cadre) == (True, False)


async def test_mem_12_wu_zhi_wu_ends_a_post_but_never_an_admins(uow, clock, t):
    cadre = fake_person(uow, "委员甲", 21, branch=t["branch"], post_in=t["branch"])
    post = await change(uow, clock, t["branch_admin"], cadre, t["branch"], "无职务")
    assert (post.position, cadre.is_cadre) == ("无职务", False)
    with pytest.raises(DomainError) as raised:
        await change(uow, clock, t["committee_admin"], t["branch_admin"], t["branch"], "无职务")
    assert codes(raised) == [("ADMIN_MUST_BE_CADRE", "position", "ACC-3")]
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await change(uow, clock, t["branch_admin"], member, t["branch"], "无职务")
    assert codes(raised) == [("NO_POST_TO_END", "position", "MEM-12")]


async def test_mem_12_the_post_and_its_details_must_fit_the_org(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await change(uow, clock, t["branch_admin"], member, t["branch"], "干事", position_since="2030-01",
                     on_duty="在家")
    assert [c[0] for c in codes(raised)] == ["POSITION_INVALID", "YEAR_MONTH_IN_FUTURE", "ON_DUTY_INVALID"]
    assert raised.value.problems[0].message == "团支部不设工作人员（干事），团内现任职务应为：书记、副书记、委员"
    assert await uow.members.positions_of(member.id) == []


async def test_mem_12_a_grassroots_post_typed_as_chang_wei_is_stored_as_wei_yuan(uow, clock, t):
    """MEM-12 (000 Q3.10): a 团委 has no 常委 or 候补委员; they are accepted and kept as 委员."""
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    post = await change(uow, clock, t["committee_admin"], member, t["committee"], "常务委员", on_duty="在岗")
    assert post.position == "委员"


async def test_acc_4_posts_are_given_only_in_scope(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await change(uow, clock, t["branch2_admin"], member, t["branch2"], "委员")
    assert codes(raised) == [("NOT_FOUND", "memberId", "ACC-4")]
    with pytest.raises(DomainError) as raised:
        await change(uow, clock, t["branch_admin"], member, t["branch2"], "委员")
    assert codes(raised) == [("NOT_FOUND", "orgId", "ACC-4")]
    post = await change(uow, clock, t["city_admin"], member, t["city"], "常委")  # a post in a second org (MEM-1)
    assert post.org_id == t["city"].id and member.is_cadre is True


# delete_member (MEM-15) -----------------------------------------------------------------------------------
async def test_mem_15_only_leading_body_admins_delete_with_a_reason(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"], is_cadre=True, position="委员",
                         position_since="2024-09", cadre_nature="兼职", on_party_committee=False)
    for admin in ("branch_admin", "committee_admin"):
        with pytest.raises(DomainError) as raised:
            await delete(uow, clock, t[admin], member, reason=" ")
        assert codes(raised) == [("DELETE_MEMBER_NOT_ALLOWED", "id", "MEM-15"), ("REASON_REQUIRED", "reason", "MEM-15")]
    assert await delete(uow, clock, t["city_admin"], member) == member.id
    assert uow.members.find(id=member.id) is None and await uow.members.positions_of(member.id) == []
    entry = uow.audit.rows[-1]
    assert (entry.action, entry.actor_member_id) == ("deleteMember", t["city_admin"].id)
    assert "录入错误" in entry.detail and NEW_ID not in entry.detail


async def test_mem_15_never_an_admin_and_never_out_of_scope(uow, clock, t):
    with pytest.raises(DomainError) as raised:
        await delete(uow, clock, t["city_admin"], t["branch_admin"])
    assert codes(raised) == [("MEMBER_IS_ADMIN", "id", "MEM-15")]
    with pytest.raises(DomainError) as raised:
        await delete(uow, clock, t["province2_admin"], t["branch_admin"])
    assert codes(raised) == [("NOT_FOUND", "id", "ACC-4")]
    assert uow.members.find(id=t["branch_admin"].id) is not None


async def test_mem_15_a_cadre_without_a_branch_is_deleted_by_a_leading_body_above_their_post(uow, clock, t):
    cadre = fake_person(uow, "团委委员", 22, post_in=t["committee"])
    uow.members.positions.append(CadrePosition(member_id=cadre.id, org_id=t["committee"].id, position="无职务"))
    assert await delete(uow, clock, t["city_admin"], cadre) == cadre.id
