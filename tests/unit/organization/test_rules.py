"""Rules of the organization context (ORG-1 … ORG-12) and org admins (ACC-3)."""

from __future__ import annotations

from datetime import date

import pytest

from zhtj.domain.organization import rules
from zhtj.domain.organization.model import Organization, child_path

pytestmark = pytest.mark.unit


def org(org_id: int, category: str = "团的领导机关", parent: Organization | None = None, **kw) -> Organization:
    path = child_path(parent.path if parent else "/", org_id)
    names = {"short_name": f"组织{org_id}", "full_name": f"共青团组织{org_id}"}
    return Organization(**{**names, **kw}, category=category, parent_id=parent.id if parent else None, path=path,
                        depth=parent.depth + 1 if parent else 0, id=org_id)


ROOT = org(1)
PROVINCE = org(2, parent=ROOT)
OTHER_PROVINCE = org(3, parent=ROOT)
CITY = org(4, parent=PROVINCE)
UNIVERSITY = org(5, "团委", CITY, industry="普通高等院校", school_code="4111010001")
COLLEGE = org(6, "团总支", UNIVERSITY, industry="普通高等院校")
CLASS = org(7, "团支部", COLLEGE, industry="普通高等院校")
OTHER_CITY = org(8, parent=OTHER_PROVINCE)


def codes(problems):
    return [p.code for p in problems]


def edit(target, changes, own=True, parent=False, **kw):
    return rules.edit_problems(target, changes, editor_is_own_admin=own, editor_is_parent_admin_or_above=parent, **kw)


def test_org1_category_must_be_in_the_list_and_not_system_made():
    assert rules.category_problems("团支部") == []
    assert codes(rules.category_problems("青年部")) == ["INVALID_CATEGORY"]
    assert codes(rules.category_problems("待接转团支部")) == ["CATEGORY_SYSTEM_MADE"]
    assert codes(rules.category_problems("毕业生团组织")) == ["CATEGORY_SYSTEM_MADE"]
    assert rules.category_problems("毕业生团组织", by_user=False) == []


@pytest.mark.parametrize("name", ["某集团青年工作委员会", "某局群团部", "某公司青年部", " 某厂青工委 "])
def test_org1_youth_work_bodies_are_not_league_orgs(name):
    assert not rules.is_league_org_name(name)
    problems = rules.league_name_problems("某公司团委", name)
    assert [(p.code, p.field, p.rule) for p in problems] == [("NOT_A_LEAGUE_ORG", "fullName", "ORG-1")]


@pytest.mark.parametrize("name", ["共青团某公司委员会", "青年部团支部", "流动团支部", "学社衔接临时团支部"])
def test_org1_league_names_pass(name):
    assert rules.is_league_org_name(name)


@pytest.mark.parametrize(("child", "parent", "ok"), [
    ("团的领导机关", "团的领导机关", True), ("团的领导机关", "团委", False),
    ("团委", "团的领导机关", True), ("团工委", "团委", True), ("团总支", "团工委", True),
    ("团支部", "团的领导机关", True), ("团支部", "团总支", True), ("毕业生团组织", "团委", True),
    ("团支部", "团支部", False), ("团总支", "毕业生团组织", False), ("团支部", "待接转团支部", False),
])
def test_org2_parent_rules(child, parent, ok):
    assert (rules.parent_problems(child, parent) == []) is ok


def test_org2_nothing_hangs_under_a_branch():
    assert codes(rules.parent_problems("团支部", "团支部")) == ["PARENT_IS_BRANCH"]
    assert codes(rules.parent_problems("团委", "团支部")) == ["PARENT_IS_BRANCH"]
    assert codes(rules.parent_problems("团的领导机关", "团委")) == ["PARENT_CATEGORY_NOT_ALLOWED"]
    assert codes(rules.parent_problems("团委", None)) == ["PARENT_REQUIRED"]


def test_org3_names_required_trimmed_and_bounded():
    assert codes(rules.name_problems("   ", field="shortName")) == ["SHORT_NAME_REQUIRED"]
    assert rules.name_problems(" " + "团" * 100 + " ", field="shortName") == []
    assert codes(rules.name_problems("团" * 101, field="shortName")) == ["SHORT_NAME_TOO_LONG"]
    assert rules.name_problems("团" * 200, field="fullName") == []
    assert codes(rules.name_problems("团" * 201, field="fullName")) == ["FULL_NAME_TOO_LONG"]
    assert rules.clean_name("  共青团某校委员会 ") == "共青团某校委员会"


@pytest.mark.parametrize(("phone", "ok"), [
    ("13812345678", True), ("19912345678", True), ("12812345678", False), ("1381234567", False),
    ("010-12345678", True), ("0755-1234567", True), ("010-12345678-801", True), ("01012345678", True),
    ("12345678", False), ("010-123456", False), ("abc", False),
])
def test_org3_contact_phone_format(phone, ok):
    assert rules.is_valid_phone(phone) is ok
    assert (rules.contact_phone_problems(phone) == []) is ok


def test_org3_industry_and_full_name_taken():
    assert rules.industry_problems("普通高中") == [] and rules.industry_problems(None) == []
    assert codes(rules.industry_problems("高校")) == ["INVALID_INDUSTRY"]
    taken = rules.full_name_taken(" 共青团某校委员会 ")
    assert (taken.code, taken.field, taken.rule) == ("FULL_NAME_TAKEN", "fullName", "ORG-3")
    assert "共青团某校委员会" in taken.message


def test_org3_create_reports_every_field_at_once():
    problems = rules.create_problems(short_name="", full_name="某局群团部", category="团支部", parent_category="团支部",
                                     industry="高校", contact_phone="123")
    assert codes(problems) == ["SHORT_NAME_REQUIRED", "NOT_A_LEAGUE_ORG", "PARENT_IS_BRANCH", "INVALID_INDUSTRY",
                               "INVALID_PHONE"]
    assert rules.create_problems(short_name="一班", full_name="共青团某校一班支部", category="团支部",
                                 parent_category="团总支", industry="初中", contact_phone="13812345678") == []


def test_org4_names_and_industry_change_any_time_by_own_or_parent_admin():
    changes = {"short_name": "新简称", "full_name": "新全称", "industry": "职业教育学校"}
    assert edit(COLLEGE, changes) == []
    assert edit(COLLEGE, changes, own=False, parent=True) == []
    assert codes(edit(COLLEGE, changes, own=False, parent=False)) == ["EDIT_NOT_ALLOWED"]
    assert codes(edit(COLLEGE, {"short_name": " "})) == ["SHORT_NAME_REQUIRED"]


def test_org4_root_and_provinces_keep_category_names_and_industry():
    for locked in (ROOT, PROVINCE):
        assert rules.is_locked(locked)
        problems = edit(locked, {"full_name": "改名", "industry": "其他"})
        assert [(p.code, p.field) for p in problems] == [("ORG_LOCKED", "fullName"), ("ORG_LOCKED", "industry")]
        assert edit(locked, {"contact_phone": "010-12345678"}) == []
        assert edit(locked, {"short_name": locked.short_name}) == []  # same value: no change
    assert not rules.is_locked(CITY)
    assert edit(CITY, {"full_name": "改名"}) == []


def test_org4_category_changes_once_and_only_by_own_admin():
    assert edit(COLLEGE, {"category": "团委"}, parent_category="团委", child_categories=["团支部"]) == []
    assert codes(edit(COLLEGE, {"category": "团委"}, own=False, parent=True,
                      parent_category="团委")) == ["CATEGORY_OWN_ADMIN_ONLY"]
    used = org(9, "团总支", UNIVERSITY, category_changed=True)
    assert codes(edit(used, {"category": "团委"}, parent_category="团委")) == ["CATEGORY_ALREADY_CHANGED"]
    assert codes(edit(COLLEGE, {"category": "待接转团支部"}, parent_category="团委")) == ["CATEGORY_SYSTEM_MADE"]


def test_org4_category_change_keeps_org2_and_members_in_branches():
    assert codes(edit(COLLEGE, {"category": "团支部"}, parent_category="团委",
                      child_categories=["团支部"])) == ["CATEGORY_CONFLICTS_WITH_CHILDREN"]
    assert codes(edit(COLLEGE, {"category": "团的领导机关"}, parent_category="团委")) == ["PARENT_CATEGORY_NOT_ALLOWED"]
    branch = org(10, "团支部", COLLEGE)
    assert codes(edit(branch, {"category": "团总支"}, parent_category="团总支", member_count=5)) == ["ORG_HAS_MEMBERS"]
    assert edit(branch, {"category": "团总支"}, parent_category="团总支", member_count=0) == []


def test_org5_industry_change_must_not_strand_the_school_code():
    assert codes(edit(UNIVERSITY, {"industry": "国有企业"})) == ["SCHOOL_CODE_STILL_SET"]
    assert edit(UNIVERSITY, {"industry": "国有企业", "school_code": None}) == []


@pytest.mark.parametrize(("code", "ok"), [("4111010001", True), ("411101000", False), ("41110100011", False),
                                          ("41110A0001", False)])
def test_org5_school_code_is_ten_digits(code, ok):
    school = org(11, "团委", CITY, industry="普通高中")
    assert (rules.school_code_problems(school, code, []) == []) is ok


def test_org5_school_code_only_on_a_school_committee_or_single_branch_school():
    code = "4111010001"
    for category in ("团委", "团工委", "团总支", "团支部"):
        assert rules.school_code_problems(org(12, category, CITY, industry="小学"), code, []) == []
    assert codes(rules.school_code_problems(org(13, "团委", CITY, industry="国有企业"), code, [])) == [
        "SCHOOL_CODE_NOT_ALLOWED"]
    assert codes(rules.school_code_problems(org(14, "团委", CITY), code, [])) == ["SCHOOL_CODE_NOT_ALLOWED"]
    leading = org(15, "团的领导机关", CITY, industry="普通高等院校")
    assert codes(rules.school_code_problems(leading, code, [])) == ["SCHOOL_CODE_NOT_ALLOWED"]
    assert codes(rules.school_code_problems(COLLEGE, code, [None, "", "4111010001"])) == ["SCHOOL_CODE_ON_SUBORDINATE"]
    assert rules.school_code_problems(COLLEGE, code, [None, ""]) == []
    assert rules.school_code_problems(COLLEGE, None, ["4111010001"]) == []  # clearing is always allowed


def test_org6_delete_bottom_up_by_parent_admin_only():
    plan = rules.deletion_plan(COLLEGE, has_children=True, member_count=0, actor_is_parent_admin_or_above=True)
    assert codes(plan.problems) == ["HAS_CHILD_ORGS"] and not plan.move_members_to_pending_branch
    plan = rules.deletion_plan(COLLEGE, has_children=False, member_count=0, actor_is_parent_admin_or_above=False)
    assert codes(plan.problems) == ["DELETE_NOT_ALLOWED"]
    assert rules.deletion_plan(COLLEGE, has_children=False, member_count=0,
                               actor_is_parent_admin_or_above=True) == ([], False)
    assert codes(rules.deletion_plan(ROOT, has_children=False, member_count=0,
                                     actor_is_parent_admin_or_above=True).problems) == ["ROOT_CANNOT_BE_DELETED"]


def test_org7_branch_with_members_moves_them_to_a_pending_branch():
    for category in ("团支部", "毕业生团组织"):
        plan = rules.deletion_plan(org(16, category, COLLEGE), has_children=False, member_count=4,
                                   actor_is_parent_admin_or_above=True)
        assert plan == ([], True)
    assert rules.deletion_plan(CLASS, has_children=False, member_count=0,
                               actor_is_parent_admin_or_above=True) == ([], False)


def test_org7_pending_branch_and_other_orgs_with_people_are_refused():
    pending = org(17, "待接转团支部", COLLEGE)
    for target in (pending, COLLEGE):
        plan = rules.deletion_plan(target, has_children=False, member_count=1, actor_is_parent_admin_or_above=True)
        assert codes(plan.problems) == ["ORG_HAS_MEMBERS"] and not plan.move_members_to_pending_branch
    assert rules.deletion_plan(pending, has_children=False, member_count=0,
                               actor_is_parent_admin_or_above=True) == ([], False)


def test_org9_info_complete_needs_fields_secretary_and_mobile():
    full = org(18, "团支部", COLLEGE, industry="初中", contact_phone="13812345678")
    assert rules.info_completeness(full, secretary_registered=True, secretary_has_mobile=True) == (True, [])
    assert rules.info_completeness(full, secretary_registered=True, secretary_has_mobile=False) == (
        False, ["书记手机号码"])
    assert rules.info_completeness(full, secretary_registered=False, secretary_has_mobile=False) == (
        False, ["团组织书记"])
    bare = org(19, "团支部", COLLEGE, short_name=" ")
    result = rules.info_completeness(bare, secretary_registered=True, secretary_has_mobile=True)
    assert not result.complete and result.missing == ["组织简称", "单位所属行业类别", "联系电话"]


@pytest.mark.parametrize(("category", "industry", "ok"), [
    ("团支部", "普通高等院校", True), ("团支部", "初中", True), ("团支部", "小学", False), ("团支部", None, False),
    ("团支部", "国有企业", False), ("团总支", "普通高中", False), ("毕业生团组织", "普通高中", False),
])
def test_org11_only_school_branches_get_a_graduation_date(category, industry, ok):
    target = org(20, category, COLLEGE, industry=industry)
    assert rules.may_mark_graduation(target) is ok
    assert (rules.graduation_date_problems(target, date(2027, 7, 1)) == []) is ok
    assert rules.graduation_date_problems(target, None) == []


def test_org11_graduation_date_via_edit():
    assert edit(CLASS, {"graduation_date": date(2027, 6, 30)}, own=False, parent=True) == []
    marked = org(21, "团支部", COLLEGE, industry="普通高中", graduation_date=date(2027, 6, 30))
    assert codes(edit(marked, {"industry": "小学"})) == ["GRADUATION_NOT_ALLOWED"]


@pytest.mark.parametrize(("count", "warned"), [(0, True), (2, True), (3, False), (50, False), (51, True)])
def test_org12_branch_size_3_to_50(count, warned):
    warnings = rules.org_warnings(CLASS, member_count=count)
    assert bool(warnings) is warned
    if count < 3:
        assert warnings == ["团员人数少于3人，应撤销或合并"]


def test_org12_committee_without_branch_and_who_counts():
    assert rules.org_warnings(COLLEGE, branches_below=0) == ["下设团支部为空，组织信息不完整"]
    assert rules.org_warnings(COLLEGE, branches_below=1) == []
    assert rules.org_warnings(CITY, branches_below=0) == []
    assert rules.counts_toward_branch_size("共青团员", 30)
    assert rules.counts_toward_branch_size("中共预备党员", 27)
    assert not rules.counts_toward_branch_size("中共党员", 28)
    assert not rules.counts_toward_branch_size("群众", 20)


def test_acc3_admin_limits():
    assert rules.max_admins("团的领导机关") == 2 and rules.max_admins("团委") == 3 and rules.max_admins("团支部") == 3
    assert rules.add_admin_problems(category="团的领导机关", admin_count=1, is_cadre_of_org=True) == []
    assert codes(rules.add_admin_problems(category="团的领导机关", admin_count=2,
                                          is_cadre_of_org=True)) == ["ADMIN_LIMIT_REACHED"]
    assert rules.add_admin_problems(category="团支部", admin_count=2, is_cadre_of_org=True) == []
    assert codes(rules.add_admin_problems(category="团支部", admin_count=3, is_cadre_of_org=False)) == [
        "ADMIN_LIMIT_REACHED", "ADMIN_MUST_BE_CADRE"]
    assert codes(rules.add_admin_problems(category="团支部", admin_count=0, is_cadre_of_org=True,
                                          already_admin=True)) == ["ALREADY_ADMIN"]
    assert codes(rules.remove_admin_problems(actor_member_id=7, target_member_id=7)) == ["CANNOT_REMOVE_SELF"]
    assert rules.remove_admin_problems(actor_member_id=7, target_member_id=8) == []


def test_org10_migration_within_province():
    other_city_in_province = org(22, parent=PROVINCE)
    assert rules.migration_problems(UNIVERSITY, other_city_in_province, actor_is_root_admin=False) == []
    assert codes(rules.migration_problems(UNIVERSITY, OTHER_CITY, actor_is_root_admin=False)) == ["CROSS_PROVINCE_MOVE"]
    assert rules.migration_problems(UNIVERSITY, OTHER_CITY, actor_is_root_admin=True) == []
    assert codes(rules.migration_problems(CITY, OTHER_PROVINCE, actor_is_root_admin=False)) == ["CROSS_PROVINCE_MOVE"]
    assert codes(rules.migration_problems(CITY, ROOT, actor_is_root_admin=False)) == ["CROSS_PROVINCE_MOVE"]


def test_org10_migration_not_into_own_subtree_and_keeps_org2():
    assert codes(rules.migration_problems(UNIVERSITY, CLASS, actor_is_root_admin=True)) == ["MOVE_INTO_OWN_SUBTREE"]
    assert codes(rules.migration_problems(UNIVERSITY, UNIVERSITY, actor_is_root_admin=True)) == [
        "MOVE_INTO_OWN_SUBTREE"]
    assert codes(rules.migration_problems(COLLEGE, UNIVERSITY, actor_is_root_admin=True)) == ["SAME_PARENT"]
    assert codes(rules.migration_problems(COLLEGE, org(23, "团支部", UNIVERSITY),
                                          actor_is_root_admin=False)) == ["PARENT_IS_BRANCH"]
    assert codes(rules.migration_problems(ROOT, CITY, actor_is_root_admin=True)) == ["ROOT_CANNOT_MOVE"]
    assert PROVINCE.province_id() == 2 and CLASS.province_id() == 2 and ROOT.province_id() is None


def test_org7_a_cadre_whose_only_place_is_the_org_blocks_its_deletion():
    """ORG-7: people with a post only here and no branch would be left nowhere; their posts change first."""
    for target, members in ((COLLEGE, 0), (CLASS, 3)):
        plan = rules.deletion_plan(target, has_children=False, member_count=members,
                                   actor_is_parent_admin_or_above=True, stranded_cadres=2)
        assert codes(plan.problems) == ["ORG_HAS_CADRES"] and not plan.move_members_to_pending_branch
        assert plan.problems[0].rule == "ORG-7" and "变更其职务" in plan.problems[0].message
    both = rules.deletion_plan(org(18, "待接转团支部", COLLEGE), has_children=False, member_count=1,
                               actor_is_parent_admin_or_above=True, stranded_cadres=1)
    assert codes(both.problems) == ["ORG_HAS_MEMBERS", "ORG_HAS_CADRES"]  # every problem at once


def test_org4_a_locked_org_answers_org_locked_with_the_other_fields_problems():
    """ORG-4 with ORG-3: the locked fields do not hide what is wrong with the rest of the form."""
    found = edit(PROVINCE, {"short_name": "", "contact_phone": "123"})
    assert [(p.code, p.field) for p in found] == [("ORG_LOCKED", "shortName"), ("INVALID_PHONE", "contactPhone")]
    assert codes(edit(ROOT, {"industry": "其他", "school_code": "41110"})) == ["ORG_LOCKED", "INVALID_SCHOOL_CODE"]


def test_org5_no_school_code_above_an_org_that_has_one():
    """ORG-5: the code is on the school, never on both the school and its college."""
    school = org(22, "团委", CITY, industry="普通高等院校")
    found = rules.school_code_problems(school, "4111010001", [None], school_code_below=True)
    assert codes(found) == ["SCHOOL_CODE_SET_BELOW"] and found[0].rule == "ORG-5"
    assert codes(edit(school, {"school_code": "4111010001"}, school_code_below=True)) == ["SCHOOL_CODE_SET_BELOW"]
    assert edit(school, {"school_code": "4111010001"}) == []


def test_org11_only_the_parent_or_above_marks_a_graduation_date():
    """ORG-11: the committees above mark it; the branch's own admin cannot, not even to clear it."""
    marked = org(23, "团支部", COLLEGE, industry="普通高中", graduation_date=date(2027, 6, 30))
    for target, value in ((CLASS, date(2027, 6, 30)), (marked, None)):
        found = edit(target, {"graduation_date": value}, own=True, parent=False)
        assert codes(found) == ["GRADUATION_BY_PARENT_ONLY"] and found[0].rule == "ORG-11"
        assert edit(target, {"graduation_date": value}, own=True, parent=True) == []
    assert edit(marked, {"short_name": "新名"}, own=True, parent=False) == []  # other fields stay the branch's
