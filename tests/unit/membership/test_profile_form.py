"""The profile form as a whole (MEM-2): every text fits its field, with a UserError rather than a storage
error; and the province read off a provincial org's name for MEM-5 and MEM-7."""

from __future__ import annotations

from datetime import date

import pytest
from membership_world import form

from zhtj.domain.membership import profile
from zhtj.infrastructure.tables import schema

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 25)
COLUMN_OF_FIELD = {"positionSince": "since"}  # the other fields are their columns, in snake_case


def problems_of(**changes) -> list[tuple[str, str | None, str]]:
    found = profile.form_problems(form(**changes), today=TODAY, org_category="团委", province=None)
    return [(p.code, p.field, p.message) for p in found]


def snake(field: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in COLUMN_OF_FIELD.get(field, field))


def test_mem_2_the_limits_are_the_sizes_of_the_columns() -> None:
    """MEM-2: TEXT_LIMITS is the one place of the limits; it says what the storage says, for every sized text
    column of a member and a post that the form fills, and for no other."""
    columns = {**{c.name: c for c in schema.members.columns}, **{c.name: c for c in schema.cadre_positions.columns}}
    sized = {name for name, column in columns.items() if getattr(column.type, "length", None)}
    filled = {"since" if name == "position_since" else name for name in profile.MemberForm.__dataclass_fields__}
    assert {snake(field) for field in profile.TEXT_LIMITS} == sized & filled
    for field, (_label, limit) in profile.TEXT_LIMITS.items():
        assert columns[snake(field)].type.length == limit, field


@pytest.mark.parametrize(("field", "label", "limit"), [(f, label, n) for f, (label, n) in profile.TEXT_LIMITS.items()])
def test_mem_2_a_value_longer_than_its_field_is_refused(field: str, label: str, limit: int) -> None:
    assert profile.text_length_problems({field: "字" * limit}) == []
    [problem] = profile.text_length_problems({field: "字" * (limit + 1)})
    assert (problem.field, problem.rule, problem.message) == (field, "MEM-2", f"{label}不能超过{limit}个字")
    assert problem.code.endswith("_TOO_LONG")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [({"wechat": "w" * 51}, ("WECHAT_TOO_LONG", "wechat", "微信号不能超过50个字")),
     ({"weibo": "微" * 51}, ("WEIBO_TOO_LONG", "weibo", "微博号不能超过50个字")),
     ({"email": "a" * 89 + "@example.com"}, ("EMAIL_TOO_LONG", "email", "电子邮箱不能超过100个字")),
     ({"ethnicity": "其他", "ethnicity_note": "族" * 21},
      ("ETHNICITY_NOTE_TOO_LONG", "ethnicityNote", "民族名称不能超过20个字")),
     ({"join_date": "2015-05", "development_number": "2015" + "1" * 17},  # NUM-F1 sets no maximum; MEM-2 does
      ("DEVELOPMENT_NUMBER_TOO_LONG", "developmentNumber", "发展团员编号不能超过20个字")),
     ({"name": "名" * 51}, ("NAME_TOO_LONG", "name", "姓名不能超过50个字")),
     ({"household_address": "址" * 201},
      ("HOUSEHOLD_ADDRESS_TOO_LONG", "householdAddress", "户籍地址不能超过200个字"))],
)
def test_mem_2_every_text_of_the_form_fits_its_field(changes: dict, expected: tuple) -> None:
    assert problems_of(**changes) == [expected]


def test_mem_2_at_the_limit_passes_and_full_width_is_measured_after_nfkc() -> None:
    fits = {"wechat": "w" * 50, "weibo": "微" * 50, "email": "a" * 88 + "@example.com", "name": "名" * 50,
            "household_address": "址" * 200, "join_date": "2015-05", "development_number": "2015" + "1" * 16}
    assert problems_of(**fits) == []
    assert problems_of(wechat=" " + "ｗ" * 50 + "\u3000") == []


def test_mem_2_a_field_keeps_its_own_problem_rather_than_a_second_one() -> None:
    """A 21-digit mobile or QQ is a wrong mobile or QQ: one problem per field."""
    assert [p[0] for p in problems_of(mobile="1" * 21, qq="1" * 21)] == ["MOBILE_FORMAT", "QQ_FORMAT"]


def test_mem_2_the_post_is_measured_as_it_is_stored() -> None:
    """MEM-12: a long old title that normalizes to a post is stored as that post, so it fits."""
    title = "共青团某某省某某市某某县某某大学委员会组织委员"  # 23 characters, stored as 委员
    cadre = {"is_cadre": True, "position": title, "position_since": "2024-09", "cadre_nature": "兼职",
             "on_party_committee": False, "on_duty": "在岗"}
    assert problems_of(**cadre) == []


# province_of (MEM-5, MEM-7) -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("names", "province"),
    [("新疆团区委共青团新疆维吾尔自治区委员会", "新疆"), ("新疆", "新疆"),
     ("兵团团委共青团新疆生产建设兵团委员会", None), ("新疆生产建设兵团", None),
     ("山东团省委共青团山东省委员会", "山东"), ("江苏团省委共青团江苏省委员会", None), ("北京团市委", None),
     ("", None), (None, None)],
)
def test_mem_5_mem_7_the_province_is_read_off_the_provincial_orgs_names(names: str | None,
                                                                         province: str | None) -> None:
    """MEM-5 (新疆: 13 from 2016), MEM-7 (新疆: number from 2016), NUM-F5 (山东); decided: the 兵团 is not 新疆."""
    assert profile.province_of(names) == province
