"""Membership rules (MEM-4..MEM-16, NUM-F1..F5): each test names the rule it checks.

Ages are checked on both sides of each boundary with an injected `today`."""

from __future__ import annotations

from datetime import date

import pytest

from zhtj.domain.membership import rules
from zhtj.domain.membership.idcard import check_character
from zhtj.domain.shared import values

pytestmark = pytest.mark.unit

TODAY = date(2025, 6, 15)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def id_number(born: date, sequence: str = "002") -> str:
    first17 = f"110101{born:%Y%m%d}{sequence}"
    return first17 + check_character(first17)


# MEM-4 ---------------------------------------------------------------------------------------------
def test_mem_4_the_id_number_typed_twice_must_match() -> None:
    good = id_number(date(2005, 3, 7))
    assert rules.id_number_problems(good, good, today=TODAY) == []
    assert rules.id_number_problems(good, None, today=TODAY) == []  # an import row types it once
    [problem] = rules.id_number_problems(good, id_number(date(2005, 3, 8)), today=TODAY)
    assert (problem.code, problem.field, problem.rule) == ("ID_NUMBER_MISMATCH", "idNumberConfirm", "MEM-4")
    assert problem.message == "两次输入的身份证号不一致"


def test_mem_4_a_lowercase_x_in_the_confirmation_is_the_same_number() -> None:
    value = next(n for n in (id_number(date(2005, 3, 7), f"{s:03d}") for s in range(100)) if n.endswith("X"))
    assert rules.id_number_problems(value, value.lower(), today=TODAY) == []


def test_mem_4_the_number_itself_is_checked_too() -> None:
    assert codes(rules.id_number_problems("123", "124", today=TODAY)) == ["ID_NUMBER_FORMAT", "ID_NUMBER_MISMATCH"]
    assert rules.ID_NUMBER_TAKEN.message == "该身份证号已注册"


# Year-months (MEM-2) -------------------------------------------------------------------------------
def test_mem_2_a_year_month_is_the_first_day_of_that_month() -> None:
    assert rules.parse_year_month("2019-05", today=TODAY) == date(2019, 5, 1)
    assert rules.parse_year_month(" 2025-06 ", today=TODAY) == date(2025, 6, 1)  # this month is not the future


@pytest.mark.parametrize("raw", ["2019-5", "2019/05", "2019-13", "2019-00", "201905", "2019-05-01", "1899-12"])
def test_mem_2_a_year_month_must_be_yyyy_mm_and_a_real_month(raw: str) -> None:
    [problem] = rules.parse_year_month(raw, today=TODAY, field="positionSince", label="任现职年月")
    assert (problem.code, problem.field) == ("YEAR_MONTH_FORMAT", "positionSince")
    assert "任现职年月" in problem.message


def test_mem_2_a_year_month_cannot_be_empty_or_in_the_future() -> None:
    assert codes(rules.parse_year_month(None, today=TODAY)) == ["YEAR_MONTH_REQUIRED"]
    assert codes(rules.parse_year_month("2025-07", today=TODAY)) == ["YEAR_MONTH_IN_FUTURE"]


# MEM-5 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("join_year", "province", "age"),
    [(2010, None, 12), (2016, None, 12), (2017, None, 13), (2018, None, 13), (2019, None, 14), (2024, None, 14),
     (2015, "新疆", 12), (2016, "新疆", 13), (2016, "新疆维吾尔自治区", 13), (2018, "新疆", 13), (2019, "新疆", 14),
     (2016, "山东", 12), (2016, "新疆生产建设兵团", 12)],
)
def test_mem_5_minimum_join_age_by_year_and_province(join_year: int, province: str | None, age: int) -> None:
    assert rules.min_join_age(join_year, province) == age


@pytest.mark.parametrize(
    ("join_date", "province", "old_enough", "too_young"),
    [  # decision 0009: old enough by the LAST day of the join month
        ("2019-09", None, date(2005, 9, 30), date(2005, 10, 1)),  # 14 from 2019
        ("2018-09", None, date(2005, 9, 30), date(2005, 10, 1)),  # 13 in 2017-2018
        ("2017-01", None, date(2004, 1, 31), date(2004, 2, 1)),
        ("2016-05", None, date(2004, 5, 31), date(2004, 6, 1)),  # 12 before 2017
        ("2016-02", None, date(2004, 2, 29), date(2004, 3, 1)),  # a leap February ends on the 29th
        ("2015-02", None, date(2003, 2, 28), date(2003, 3, 1)),
        ("2016-05", "新疆", date(2003, 5, 31), date(2003, 6, 1)),  # 新疆: 13 from 2016
        ("2015-05", "新疆", date(2003, 5, 31), date(2003, 6, 1)),
    ],
)
def test_mem_5_join_age_on_both_sides_of_each_boundary(
    join_date: str, province: str | None, old_enough: date, too_young: date
) -> None:
    assert rules.join_date_problems(join_date, old_enough, today=TODAY, province=province) == []
    [problem] = rules.join_date_problems(join_date, too_young, today=TODAY, province=province)
    assert (problem.code, problem.field, problem.rule) == ("JOIN_AGE_TOO_YOUNG", "joinDate", "MEM-5")


def test_mem_5_xinjiang_raises_2016_only_for_xinjiang() -> None:
    born_12 = date(2004, 5, 31)  # 12 on 2016-05-31
    assert rules.join_date_problems("2016-05", born_12, today=TODAY) == []
    assert codes(rules.join_date_problems("2016-05", born_12, today=TODAY, province="新疆")) == ["JOIN_AGE_TOO_YOUNG"]


def test_mem_5_age_is_taken_on_the_last_day_of_the_join_month() -> None:
    """Decision 0009, the benefit of the doubt: someone who turns 14 on 2019-09-20 may have joined in
    September 2019 (the day is not known), but not in August."""
    assert rules.join_date_problems("2019-09", date(2005, 9, 20), today=TODAY) == []
    assert codes(rules.join_date_problems("2019-08", date(2005, 9, 20), today=TODAY)) == ["JOIN_AGE_TOO_YOUNG"]
    [problem] = rules.join_date_problems("2019-08", date(2005, 9, 20), today=TODAY)
    assert problem.message == "2019年入团须年满14周岁"


def test_mem_5_the_join_month_is_still_not_in_the_future_by_month() -> None:
    """The last day counts for ages only: this month may be given though its last day is still ahead."""
    assert rules.join_date_problems("2025-06", date(2011, 6, 30), today=TODAY) == []  # 14 on 2025-06-30
    assert codes(rules.join_date_problems("2025-07", date(2000, 1, 1), today=TODAY)) == ["YEAR_MONTH_IN_FUTURE"]


def test_mem_5_join_date_not_before_birth_nor_in_the_future() -> None:
    born = date(2008, 6, 15)
    assert codes(rules.join_date_problems("2008-05", born, today=TODAY)) == ["JOIN_DATE_BEFORE_BIRTH"]
    assert codes(rules.join_date_problems("2025-07", date(2000, 1, 1), today=TODAY)) == ["YEAR_MONTH_IN_FUTURE"]
    assert codes(rules.join_date_problems("2019-9", date(2000, 1, 1), today=TODAY)) == ["YEAR_MONTH_FORMAT"]


# MEM-6 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("is_cadre", [False, True])
def test_mem_6_at_least_14_full_years_today(is_cadre: bool) -> None:
    assert rules.age_now_problems(date(2011, 6, 15), today=TODAY, is_cadre=is_cadre) == []  # 14 today
    [problem] = rules.age_now_problems(date(2011, 6, 16), today=TODAY, is_cadre=is_cadre)  # 14 tomorrow
    assert (problem.code, problem.rule) == ("AGE_TOO_YOUNG", "MEM-6")


@pytest.mark.parametrize("status", ["共青团员", "中共党员", "中共预备党员"])
def test_mem_6_under_28_full_years_unless_a_cadre(status: str) -> None:
    turns_28_tomorrow, turned_28_today = date(1997, 6, 16), date(1997, 6, 15)
    assert rules.age_now_problems(turns_28_tomorrow, today=TODAY, is_cadre=False, political_status=status) == []
    over = rules.age_now_problems(turned_28_today, today=TODAY, is_cadre=False, political_status=status)
    assert codes(over) == ["AGE_OVER_LIMIT"]
    assert rules.age_now_problems(turned_28_today, today=TODAY, is_cadre=True, political_status=status) == []
    assert rules.age_now_problems(date(1960, 1, 1), today=TODAY, is_cadre=True) == []  # no upper bound


def test_mem_6_over_age_flag() -> None:
    assert rules.is_over_age(date(1997, 6, 15), today=TODAY, is_cadre=False)
    assert not rules.is_over_age(date(1997, 6, 16), today=TODAY, is_cadre=False)
    assert not rules.is_over_age(date(1997, 6, 15), today=TODAY, is_cadre=True)


# MEM-7 and NUMBERS ---------------------------------------------------------------------------------
def number(value: str | None, year: int, province: str | None = None) -> list[tuple[str, str]]:
    return [(p.code, p.rule) for p in rules.development_number_problems(value, year, province=province)]


def test_mem_7_required_from_2017_and_in_xinjiang_from_2016() -> None:
    [problem] = rules.development_number_problems(None, 2017)
    assert (problem.code, problem.field, problem.rule) == ("DEVELOPMENT_NUMBER_REQUIRED", "developmentNumber", "MEM-7")
    assert problem.message == "2017年以后发展的团员，发展团员编号必填"
    assert number("  ", 2024) == [("DEVELOPMENT_NUMBER_REQUIRED", "MEM-7")]
    assert number(None, 2016, "新疆") == [("DEVELOPMENT_NUMBER_REQUIRED", "MEM-7")]
    assert number(None, 2016) == [] and number("", 2015, "新疆") == [] and number(None, 2010) == []


@pytest.mark.parametrize(("value", "year"), [("20101", 2010), ("2010-ABC", 2010), ("2015000001", 2015)])
def test_num_f1_before_2016_any_value_longer_than_4_starting_with_the_year(value: str, year: int) -> None:
    assert number(value, year) == []


def test_num_f1_too_short_or_another_year() -> None:
    assert number("2010", 2010) == [("DEVELOPMENT_NUMBER_FORMAT", "NUM-F1")]
    [problem] = rules.development_number_problems("2009123", 2010)
    assert (problem.code, problem.rule) == ("DEVELOPMENT_NUMBER_YEAR", "NUM-F1")
    assert problem.message == "发展团员编号前四位必须与入团年份相同"


def test_num_f2_2016_optional_except_in_xinjiang() -> None:
    assert number("201612345678", 2016) == [] and number("2016AB", 2016) == []
    assert number("2015123", 2016) == [("DEVELOPMENT_NUMBER_YEAR", "NUM-F2")]  # decided: year part = join year
    assert number("201612345678", 2016, "新疆") == []
    assert number("2016AB", 2016, "新疆") == [("DEVELOPMENT_NUMBER_FORMAT", "NUM-F2")]
    assert number("201712345678", 2016, "新疆") == [("DEVELOPMENT_NUMBER_YEAR", "NUM-F2")]


@pytest.mark.parametrize("year", [2017, 2018])
def test_num_f3_2017_and_2018_twelve_digits_starting_with_either_year(year: int) -> None:
    assert number("201712345678", year) == [] and number("201800000001", year) == []
    assert number("201912345678", year) == [("DEVELOPMENT_NUMBER_YEAR", "NUM-F3")]
    for bad in ("20171234567", "2017123456789", "2017ab345678", "2017 1234567"):
        assert number(bad, year) == [("DEVELOPMENT_NUMBER_FORMAT", "NUM-F3")], bad
    assert rules.development_number_problems("2017", year)[0].message == "发展团员编号格式错误"


def test_num_f4_from_2019_twelve_digits_with_the_join_year() -> None:
    assert number("201912345678", 2019) == [] and number(" 202400000001 ", 2024) == []
    assert number("201912345678", 2020) == [("DEVELOPMENT_NUMBER_YEAR", "NUM-F4")]
    assert number("2021123456", 2021) == [("DEVELOPMENT_NUMBER_FORMAT", "NUM-F4")]
    assert number("2021123456789012", 2021, "山东") == [("DEVELOPMENT_NUMBER_FORMAT", "NUM-F4")]


@pytest.mark.parametrize(
    ("value", "year", "ok"),
    [("2015161234567890", 2015, True), ("2015161234567890", 2016, True), ("2016171234567890", 2016, True),
     ("2016171234567890", 2017, True), ("2015161234567890", 2017, False), ("2016171234567890", 2018, False),
     ("201617123456789X", 2017, False)],
)
def test_num_f5_shandong_legacy_sixteen_digits(value: str, year: int, ok: bool) -> None:
    assert (number(value, year, "山东省") == []) is ok
    if year >= 2017:
        assert number(value, year) != []  # only 山东 keeps them


# MEM-10 --------------------------------------------------------------------------------------------
def test_mem_10_students_give_a_study_status_working_youth_a_job_type() -> None:
    assert codes(rules.study_problems("青年学生", None, None, "初中")) == ["STUDY_STATUS_REQUIRED"]
    assert codes(rules.study_problems("青年学生", "大学在读", None, "初中")) == ["STUDY_STATUS_INVALID"]
    assert codes(rules.study_problems("职业青年", None, None, "大学本科")) == ["JOB_TYPE_REQUIRED"]
    assert codes(rules.study_problems("职业青年", None, "程序员", "大学本科")) == ["JOB_TYPE_INVALID"]
    assert rules.study_problems("职业青年", None, "非公企业职工", "初中") == []
    assert codes(rules.study_problems("职业青年", "普通本科在读", "农民", "初中")) == ["STUDY_STATUS_NOT_ALLOWED"]
    assert codes(rules.study_problems("青年学生", "初中在读", "农民", "小学")) == ["JOB_TYPE_NOT_ALLOWED"]
    assert codes(rules.study_problems("学生", None, None, "小学")) == ["OCCUPATION_INVALID"]
    assert codes(rules.study_problems("职业青年", None, "农民", "大专")) == ["EDUCATION_INVALID"]
    assert {p.rule for p in rules.study_problems("青年学生", None, "农民", "大专")} == {"MEM-10"}


@pytest.mark.parametrize(
    ("status", "education", "ok"),
    [("普通本科在读", "普通高中", True), ("普通本科在读", "中等职业教育", True), ("普通本科在读", "大学专科", True),
     ("普通本科在读", "大学本科", False), ("普通本科在读", "初中", False), ("初中在读", "小学", True),
     ("初中在读", "初中", False), ("普通高中在读", "初中", True), ("普通高中在读", "普通高中", False),
     ("中职在读", "初中", True), ("高职专科在读", "中等职业教育", True), ("高职专科在读", "大学专科", False),
     ("研究生在读", "大学本科", True), ("研究生在读", "硕士研究生", True), ("研究生在读", "大学专科", False)],
)
def test_mem_10_education_is_the_highest_finished_level(status: str, education: str, ok: bool) -> None:
    problems = rules.study_problems("青年学生", status, None, education)
    assert codes(problems) == ([] if ok else ["EDUCATION_INCONSISTENT"])
    assert all(p.field == "education" for p in problems)


def test_mem_10_the_table_can_be_passed_in() -> None:
    table = {"普通本科在读": ("大学本科",)}
    assert rules.study_problems("青年学生", "普通本科在读", None, "大学本科", education_by_study_status=table) == []


def test_mem_10_the_table_speaks_the_shared_value_lists() -> None:
    """The MEM-10 table covers every 在读状况 of DOMAIN.md §7 and names only 学历 of that list."""
    assert tuple(rules.EDUCATION_BY_STUDY_STATUS) == values.STUDY_STATUSES
    assert {e for allowed in rules.EDUCATION_BY_STUDY_STATUS.values() for e in allowed} <= set(values.EDUCATIONS)


@pytest.mark.parametrize(("job_type", "ok"), [("教职工", True), ("农民", True), ("工人", False)])
def test_mem_10_specific_occupations_come_from_the_shared_list(job_type: str, ok: bool) -> None:
    assert codes(rules.study_problems("职业青年", None, job_type, "大学本科")) == ([] if ok else ["JOB_TYPE_INVALID"])


# MEM-11 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mobile", ["13800138000", "19912345678", " 15012345678 "])
def test_mem_11_mainland_mobile_numbers_pass(mobile: str) -> None:
    assert rules.mobile_problems(mobile) == []


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "+8613800138000", "1380013800a"])
def test_mem_11_other_numbers_are_refused(mobile: str) -> None:
    [problem] = rules.mobile_problems(mobile)
    assert (problem.code, problem.field, problem.rule) == ("MOBILE_FORMAT", "mobile", "MEM-11")


def test_mem_11_empty_mobile_only_when_required() -> None:
    assert rules.mobile_problems(None) == []
    assert codes(rules.mobile_problems("", required=True)) == ["MOBILE_REQUIRED"]


# MEM-12 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "post"),
    [("组织委员", "委员"), ("宣传委员", "委员"), ("纪检委员", "委员"), ("团支部文体委员", "委员"), ("团委书记", "书记"),
     ("团支部副书记", "副书记"), ("常务副书记", "副书记"), ("常务委员", "常委"), ("团委常委", "常委"),
     ("候补委员", "候补委员"), ("干事", "工作人员"), (" 书记 ", "书记"), ("\u3000书　记\u3000", "书记"),
     ("无职务", "无职务"), ("会长", "会长")],
)
def test_mem_12_old_titles_are_normalized(title: str, post: str) -> None:
    """MEM-12 without an org category (and in leading bodies): 常委 and 候补委员 are posts of their own."""
    assert rules.normalize_position(title) == post
    assert rules.normalize_position(title, org_category="团的领导机关") == post


@pytest.mark.parametrize("category", ["团委", "团工委", "团总支", "团支部", "待接转团支部", "毕业生团组织"])
@pytest.mark.parametrize("title", ["常委", "常务委员", "团委常委", "候补委员", "组织委员", "宣传委员", "委员"])
def test_mem_12_grassroots_orgs_have_only_members_of_the_committee(category: str, title: str) -> None:
    """MEM-12 (000 Q3.10): a grassroots org's posts are 书记, 副书记, 委员 (+ 工作人员 in committees), so its
    常委, 常务委员, 候补委员 and old 组织委员… are all 委员, and accepted as such."""
    assert rules.normalize_position(title, org_category=category) == "委员"
    assert rules.position_problems(title, category) == []


@pytest.mark.parametrize(("category", "ok"), [("团的领导机关", True), ("团委", True), ("团工委", True),
                                             ("团总支", True), ("团支部", False), ("毕业生团组织", False)])
def test_mem_12_staff_are_in_committees_and_leading_bodies_not_in_branches(category: str, ok: bool) -> None:
    """MEM-12: 干事 is 工作人员 in committees and leading bodies; a branch has no staff and says which posts it has."""
    assert rules.normalize_position("干事", org_category=category) == "工作人员"
    problems = rules.position_problems("干事", category)
    assert codes(problems) == ([] if ok else ["POSITION_INVALID"])
    if not ok:
        assert problems[0].message == f"{category}不设工作人员（干事），团内现任职务应为：书记、副书记、委员"


@pytest.mark.parametrize(
    ("category", "position", "ok"),
    [("团的领导机关", "常委", True), ("团的领导机关", "候补委员", True), ("团的领导机关", "工作人员", True),
     ("团委", "工作人员", True), ("团工委", "常委", True), ("团总支", "组织委员", True), ("团支部", "副书记", True),
     ("团支部", "工作人员", False), ("团支部", "候补委员", True), ("团支部", "无职务", False),
     ("团委", "主席", False)],
)
def test_mem_12_position_in_the_list_of_the_org_kind(category: str, position: str, ok: bool) -> None:
    assert codes(rules.position_problems(position, category)) == ([] if ok else ["POSITION_INVALID"])


def test_mem_12_cadre_problems_read_the_post_for_its_org() -> None:
    """MEM-12: cadre_problems passes the org category on: a 团委's 常委 is a 委员, a 团支部's 干事 is refused."""
    assert rules.cadre_problems(position="常委", org_category="团委", today=TODAY) == []
    [problem] = rules.cadre_problems(position="干事", org_category="团支部", today=TODAY)
    assert (problem.code, problem.field, problem.rule) == ("POSITION_INVALID", "position", "MEM-12")


def test_mem_12_cadre_nature_method_and_start_month() -> None:
    ok = rules.cadre_problems(position="书记", org_category="团委", cadre_nature="兼职", appointment_method="选举",
                              position_since="2023-09", today=TODAY)
    assert ok == []
    bad = rules.cadre_problems(position="", org_category="团委", cadre_nature="全职", appointment_method="推荐",
                               position_since="2025-07", today=TODAY)
    assert [(p.code, p.field) for p in bad] == [
        ("POSITION_REQUIRED", "position"), ("CADRE_NATURE_INVALID", "cadreNature"),
        ("APPOINTMENT_METHOD_INVALID", "appointmentMethod"), ("YEAR_MONTH_IN_FUTURE", "positionSince")]


# MEM-16 --------------------------------------------------------------------------------------------
COMPLETE = {
    "name": "张三", "idNumber": id_number(date(2005, 3, 7)), "ethnicity": "汉族", "occupation": "职业青年",
    "jobType": "农民", "education": "初中", "politicalStatus": "共青团员", "joinDate": "2020-05",
    "isCadre": False, "mobile": "13800138000", "householdAddress": "北京市", "registeredVolunteer": False,
}
FLAGS = {"is_cadre": False, "is_student": False, "org_is_committee": False, "party_member": False,
         "joined_2020_or_later": False, "has_application_pdf": False}


def test_mem_16_complete_profile_has_nothing_missing_and_false_is_an_answer() -> None:
    assert rules.missing_fields(COMPLETE, **FLAGS) == []


def test_mem_16_empty_fields_are_listed_in_order() -> None:
    fields = {**COMPLETE, "ethnicity": " ", "mobile": None}
    del fields["householdAddress"]
    assert rules.missing_fields(fields, **FLAGS) == ["ethnicity", "mobile", "householdAddress"]


def test_mem_16_which_fields_apply() -> None:
    flags = {**FLAGS, "is_student": True, "party_member": True, "is_cadre": True, "org_is_committee": True}
    assert rules.missing_fields(COMPLETE, **flags) == [
        "studyStatus", "partyJoinDate", "position", "positionSince", "cadreNature", "onPartyCommittee", "onDuty"]
    assert "onDuty" not in rules.missing_fields(COMPLETE, **{**flags, "org_is_committee": False})


def test_mem_9_application_form_missing_for_2020_joiners_without_a_pdf() -> None:
    assert rules.missing_fields(COMPLETE, **{**FLAGS, "joined_2020_or_later": True}) == ["applicationForm"]
    assert rules.missing_fields(COMPLETE, **{**FLAGS, "joined_2020_or_later": True, "has_application_pdf": True}) == []
