"""Entering members and cadres with in-memory fakes (MEM-1, MEM-2, MEM-4, MEM-12, NUM-4, ACC-1, ACC-4):
each test names the rule it checks. Edits, posts and deletion: test_membership_changes.py."""

from __future__ import annotations

from datetime import date

import pytest
from membership_world import NEW_ID, cadre_form, codes, enter, enter_cadre

from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.shared.errors import DomainError
from zhtj.infrastructure.demo import make_id_number

pytestmark = pytest.mark.unit


# enter_member ----------------------------------------------------------------------------------------
async def test_acc_1_an_entered_member_gets_an_account_with_the_initial_password(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    account = uow.accounts.find(member_id=member.id)
    assert account.id_number == NEW_ID and account.password_hash == "plain$" + NEW_ID[-8:]
    assert account.must_change_password is True
    assert member.branch_id == t["branch"].id and member.gender == "男" and member.birth_date == date(2000, 1, 1)
    assert member.is_cadre is False and await uow.members.positions_of(member.id) == []
    assert uow.audit.rows[-1].action == "enterMember" and uow.audit.rows[-1].subject == f"Member:{member.id}"


async def test_mem_1_members_are_entered_into_branches_in_scope_only(uow, clock, t):
    with pytest.raises(DomainError) as raised:
        await enter(uow, clock, t["committee_admin"], t["committee"])
    assert codes(raised) == [("BRANCH_REQUIRED", "branchId", "MEM-1")]
    for branch in (t["branch2"], None):
        with pytest.raises(DomainError) as raised:
            await enter(uow, clock, t["branch_admin"], branch)
        assert codes(raised) == [("NOT_FOUND", "branchId", "ACC-4")]
    assert uow.members.find(id_number=NEW_ID) is None and uow.accounts.find(id_number=NEW_ID) is None


async def test_mem_2_a_form_gets_every_problem_at_once(uow, clock, t):
    with pytest.raises(DomainError) as raised:
        await enter(uow, clock, t["branch_admin"], t["branch"], id_number_confirm=NEW_ID[:-2] + "00",
                    ethnicity=None, mobile="12345", development_number=None)
    assert [c[0] for c in codes(raised)] == ["ID_NUMBER_MISMATCH", "ETHNICITY_REQUIRED",
                                             "DEVELOPMENT_NUMBER_REQUIRED", "MOBILE_FORMAT"]


async def test_mem_12_a_cadre_member_holds_a_post_in_the_branch(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"], is_cadre=True, position="组织委员",
                         position_since="2024-09", cadre_nature="兼职", on_party_committee=False)
    [post] = await uow.members.positions_of(member.id)
    assert (post.org_id, post.position, member.is_cadre) == (t["branch"].id, "委员", True)


async def test_mem_12_a_second_secretary_is_not_entered_but_changed_into(uow, clock, t):
    """The branch admin already is the branch's 书记 (fake_person gives admins that post)."""
    t["branch_admin"].is_cadre = True
    for post in await uow.members.positions_in(t["branch"].id):
        post.position = "书记"
    with pytest.raises(DomainError) as raised:
        await enter(uow, clock, t["branch_admin"], t["branch"], is_cadre=True, position="书记",
                    position_since="2024-09", cadre_nature="兼职", on_party_committee=False)
    assert codes(raised) == [("SECRETARY_TAKEN", "position", "MEM-12")]


# MEM-4 and NUM-4: uniqueness ---------------------------------------------------------------------------
async def test_mem_4_an_id_number_exists_once_and_admins_who_may_see_learn_where(uow, clock, t):
    await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await enter(uow, clock, t["city_admin"], t["branch"], development_number="201911000002")
    assert codes(raised) == [("ID_NUMBER_TAKEN", "idNumber", "MEM-4")]
    assert raised.value.problems[0].message == "该身份证号已注册（所在组织：共青团某团支部）"
    with pytest.raises(DomainError) as raised:  # an admin elsewhere learns nothing about the person
        await enter(uow, clock, t["branch2_admin"], t["branch2"], development_number="201911000002")
    assert [p.message for p in raised.value.problems] == ["该身份证号已注册"]


async def test_num_4_an_occupied_number_names_the_org_and_the_member(uow, clock, t):
    await enter(uow, clock, t["branch_admin"], t["branch"])
    other = make_id_number("110108", date(2001, 2, 3), 42)
    with pytest.raises(DomainError) as raised:
        await enter(uow, clock, t["branch2_admin"], t["branch2"], name="王强", id_number=other,
                    id_number_confirm=other)
    assert codes(raised) == [("DEVELOPMENT_NUMBER_TAKEN", "developmentNumber", "NUM-4")]
    assert raised.value.problems[0].message == "该发展团员编号已被占用（占用组织：共青团某团支部，团员：李娜）"


# enter_cadre --------------------------------------------------------------------------------------------
async def test_acc_1_mem_1_a_new_cadre_of_a_committee_has_no_branch_and_an_account(uow, clock, t):
    cadre = await enter_cadre(uow, clock, t["committee_admin"], t["committee"], cadre_form(position="副书记"))
    assert cadre.branch_id is None and cadre.is_cadre is True
    assert [(p.org_id, p.position) for p in await uow.members.positions_of(cadre.id)] == [(t["committee"].id, "副书记")]
    assert uow.accounts.find(member_id=cadre.id).must_change_password is True


async def test_mem_1_branch_cadres_are_entered_as_members(uow, clock, t):
    with pytest.raises(DomainError) as raised:
        await enter_cadre(uow, clock, t["branch_admin"], t["branch"], cadre_form())
    assert ("CADRE_OF_BRANCH", "orgId", "MEM-1") in codes(raised)


async def test_mem_1_a_known_person_takes_a_post_in_another_org_as_well(uow, clock, t):
    member = await enter(uow, clock, t["branch_admin"], t["branch"])
    people, accounts = len(uow.members.rows), len(uow.accounts.rows)
    same = await enter_cadre(uow, clock, t["city_admin"], t["city"],
                             MemberForm(name="李娜", id_number=NEW_ID, id_number_confirm=NEW_ID, position="常委"))
    assert same is member and member.is_cadre is True and member.branch_id == t["branch"].id
    assert (len(uow.members.rows), len(uow.accounts.rows)) == (people, accounts)
    with pytest.raises(DomainError) as raised:
        await enter_cadre(uow, clock, t["city_admin"], t["city"],
                          MemberForm(name="李娜", id_number=NEW_ID, id_number_confirm=NEW_ID, position="委员"))
    assert codes(raised) == [("ALREADY_CADRE", "idNumber", "MEM-12")]
    with pytest.raises(DomainError) as raised:  # the same ID number under another name is someone else
        await enter_cadre(uow, clock, t["committee_admin"], t["committee"], cadre_form(name="李四"))
    assert ("ID_NUMBER_TAKEN", "idNumber", "MEM-4") in codes(raised)


async def test_mem_2_a_known_persons_new_post_is_checked_too(uow, clock, t):
    await enter(uow, clock, t["branch_admin"], t["branch"])
    with pytest.raises(DomainError) as raised:
        await enter_cadre(uow, clock, t["committee_admin"], t["committee"],
                          MemberForm(name="李娜", id_number=NEW_ID, id_number_confirm=NEW_ID, position="主席",
                                     cadre_nature="专业", on_duty="在家"))
    assert [c[0] for c in codes(raised)] == ["POSITION_INVALID", "CADRE_NATURE_INVALID", "ON_DUTY_INVALID"]
