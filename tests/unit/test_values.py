"""Value lists of DOMAIN.md §7 (VAL): data the forms and rules share."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zhtj.domain.organization import model
from zhtj.domain.shared import values as v

pytestmark = pytest.mark.unit


def test_val_org_categories_and_groupings_org1():
    assert v.ORG_CATEGORIES == ("团的领导机关", "团委", "团工委", "团总支", "团支部", "待接转团支部", "毕业生团组织")
    assert v.USER_ORG_CATEGORIES == ("团的领导机关", "团委", "团工委", "团总支", "团支部")
    assert set(v.COMMITTEE_CATEGORIES) | set(v.BRANCH_CATEGORIES) | {v.LEADING_BODY} == set(v.ORG_CATEGORIES)
    assert (model.LEADING_BODY, model.BRANCH) == (v.LEADING_BODY, v.BRANCH)


def test_val_sixteen_industries_in_order_org3():
    assert len(v.INDUSTRIES) == 16 == len(set(v.INDUSTRIES))
    assert v.INDUSTRIES[0] == "党政机关"
    assert v.INDUSTRIES[1] == "事业单位（不含公立学校）"
    assert v.INDUSTRIES[2:7] == ("普通高等院校", "职业教育学校", "普通高中", "初中", "小学")
    assert v.INDUSTRIES[-1] == "其他"


def test_val_every_industry_has_a_domain_org3():
    assert set(v.DOMAIN_OF_INDUSTRY) == set(v.INDUSTRIES)
    assert set(v.DOMAIN_OF_INDUSTRY.values()) == set(v.DOMAINS)
    assert v.DOMAINS == ("学校", "机关事业单位", "国有企业", "非公企业", "新社会组织", "城市社区", "农村", "其他")


@pytest.mark.parametrize(("industry", "domain"), [
    ("普通高等院校", "学校"), ("初中", "学校"), ("小学", "其他"), ("集体企业", "国有企业"),
    ("事业单位（不含公立学校）", "机关事业单位"), ("武警", "其他"), ("新社会组织（不含民办学校）", "新社会组织"),
])
def test_val_industry_domain_mapping_org3(industry, domain):
    assert v.DOMAIN_OF_INDUSTRY[industry] == domain


def test_val_school_industries_org5_org11():
    assert "小学" in v.SCHOOL_INDUSTRIES
    assert "小学" not in v.GRADUATING_INDUSTRIES
    assert set(v.GRADUATING_INDUSTRIES) == {i for i, d in v.DOMAIN_OF_INDUSTRY.items() if d == "学校"}


def test_val_56_ethnic_groups_in_gb3304_order_mem2():
    assert len(v.ETHNIC_GROUPS) == 56 == len(set(v.ETHNIC_GROUPS))
    assert v.ETHNIC_GROUPS[:5] == ("汉族", "蒙古族", "回族", "藏族", "维吾尔族")
    assert v.ETHNIC_GROUPS[-3:] == ("门巴族", "珞巴族", "基诺族")
    assert v.ETHNIC_GROUPS.index("柯尔克孜族") == 28
    assert v.ETHNICITIES[:-1] == v.ETHNIC_GROUPS and v.ETHNICITIES[-1] == "其他"
    assert all(e.endswith("族") for e in v.ETHNIC_GROUPS)


def test_val_study_status_school_levels_num3():
    assert set(v.SCHOOL_LEVEL_OF_STUDY_STATUS) == set(v.STUDY_STATUSES)
    assert set(v.SCHOOL_LEVEL_OF_STUDY_STATUS.values()) == set(v.SCHOOL_LEVELS)
    assert v.SCHOOL_LEVEL_OF_STUDY_STATUS["普通高中在读"] == "高中"
    assert v.SCHOOL_LEVEL_OF_STUDY_STATUS["高职专科在读"] == "高校"
    assert v.SCHOOL_LEVEL_OF_STUDY_STATUS["中职在读"] == "中职"
    assert v.NUMBER_DOMAINS == ("学校领域", "社会领域")


def test_val_people_lists_mem2():
    assert v.OCCUPATIONS == ("青年学生", "职业青年")
    assert v.POLITICAL_STATUSES == ("共青团员", "中共党员", "中共预备党员", "群众")
    assert len(v.EDUCATIONS) == 8 and v.EDUCATIONS[3] == "中等职业教育"
    assert len(v.SPECIFIC_OCCUPATIONS) == 8 and "教职工" in v.SPECIFIC_OCCUPATIONS
    assert v.CADRE_NATURES == ("专职", "兼职", "挂职")
    assert v.DUTY_STATUSES == ("在岗", "离岗")
    assert v.REAL_NAME_CHECK_STATES[0] == "未校验" and "线下通过" in v.REAL_NAME_CHECK_STATES
    assert len(v.TRANSFER_REASONS) == 10 and "出国(境)学习" in v.TRANSFER_REASONS


def test_val_positions_per_category_mem12():
    assert v.positions_for("团的领导机关") == ("书记", "副书记", "常委", "委员", "候补委员", "工作人员")
    assert v.positions_for("团工委") == ("书记", "副书记", "委员", "工作人员")
    assert v.positions_for("团支部") == ("书记", "副书记", "委员")
    assert "工作人员" not in v.positions_for("毕业生团组织")
    assert v.NO_POSITION not in v.LEADING_BODY_POSITIONS


def test_val_time_limits():
    limits = (v.RESET_CODE_VALID_FOR, v.TRANSFER_STEP_LIMIT, v.E_ARCHIVE_UPLOAD_LIMIT)
    assert limits == (timedelta(days=2), timedelta(days=10), timedelta(days=30))
    assert v.graduation_switch_day(2026) == date(2026, 6, 1)
    assert v.graduation_switch_day(2026, (7, 15)) == date(2026, 7, 15)
    assert (v.BRANCH_MIN_MEMBERS, v.BRANCH_MAX_MEMBERS) == (3, 50)


def test_val_value_lists_serves_every_list_by_camel_case_key():
    lists = v.value_lists()
    assert lists["orgCategories"] is v.ORG_CATEGORIES
    assert lists["industries"] is v.INDUSTRIES
    assert lists["domains"] is v.DOMAINS
    assert len(lists["ethnicities"]) == 57
    for key, items in lists.items():
        assert key[0].islower() and "_" not in key
        assert isinstance(items, tuple) and items and all(isinstance(i, str) for i in items)
        assert len(items) == len(set(items)), key
    assert {"transferReasons", "realNameCheckStates", "politicalStatuses", "studyStatuses"} <= set(lists)
