"""Typed text on a member form (MEM-2, MEM-4, MEM-11, MEM-7/NUM-F*, decision 0005): every text is read through
NFKC and trimmed before it is checked and stored, and every digit check takes ASCII digits only."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from membership_world import NEW_ID, form

from zhtj.domain.membership import profile, rules
from zhtj.domain.membership.model import Member
from zhtj.domain.membership.profile import MemberForm

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 25)
FULL_WIDTH = str.maketrans("0123456789-@.Xx", "０１２３４５６７８９－＠．Ｘｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")  # NFKC leaves these as they are
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def wide(text: str) -> str:
    return text.translate(FULL_WIDTH)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def check(the_form: MemberForm) -> list[str]:
    return codes(profile.form_problems(the_form, today=TODAY, org_category="团支部", province=None))


# The form as typed in full width --------------------------------------------------------------------------
FULL_WIDTH_FIELDS = {
    "id_number": wide(NEW_ID), "id_number_confirm": wide(NEW_ID.lower()), "join_date": wide("2019-05"),
    "development_number": wide("201911000001"), "mobile": "\u3000" + wide("13800138000") + " ",
    "qq": wide("123456"), "email": "ｌｉｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ", "volunteer_since": wide("2020-01"),
    "registered_volunteer": True, "submitted_party_application": True,
    "party_application_date": wide("2020-03-01"),
}


def test_mem_2_a_form_typed_in_full_width_is_read_as_ascii_and_passes() -> None:
    """Decision 0005: a Chinese IME in full-width mode; the form reads NFKC when it is made."""
    typed = form(**FULL_WIDTH_FIELDS)
    assert (typed.id_number, typed.mobile, typed.development_number) == (NEW_ID, "13800138000", "201911000001")
    assert check(typed) == []


def test_mem_2_apply_stores_the_normalized_values_even_when_set_after_the_form_was_made() -> None:
    """Decision 0005: form_problems and apply normalize the whole form again, so what is stored is ASCII."""
    typed = form()
    for name, value in FULL_WIDTH_FIELDS.items():
        setattr(typed, name, value)
    typed.name = "\u3000李娜 "
    assert check(typed) == []
    member = Member(name="", id_number=NEW_ID, gender="男", birth_date=date(2000, 1, 1))
    profile.apply(typed, member)
    stored = (member.name, member.join_date, member.development_number, member.mobile, member.qq, member.email,
              member.volunteer_since, member.party_application_date)
    assert stored == ("李娜", "2019-05", "201911000001", "13800138000", "123456", "lina@example.com", "2020-01",
                      date(2020, 3, 1))


@pytest.mark.parametrize("script", [ARABIC_INDIC, DEVANAGARI], ids=["arabic-indic", "devanagari"])
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("mobile", "13800138000", "MOBILE_FORMAT"), ("development_number", "201911000001", "DEVELOPMENT_NUMBER_FORMAT"),
     ("qq", "123456", "QQ_FORMAT"), ("join_date", "2019-05", "YEAR_MONTH_FORMAT"),
     ("id_number", NEW_ID, "ID_NUMBER_FORMAT")],
)
def test_mem_2_digits_of_other_scripts_are_a_format_error(script: dict, field: str, value: str, code: str) -> None:
    """MEM-4, MEM-7, MEM-11, MEM-5: `\\d` and int() take any script's digits; the checks take ASCII only."""
    typed = {field: value[:-3] + value[-3:].translate(script)}
    if field == "id_number":
        typed["id_number_confirm"] = typed["id_number"]
    assert code in check(form(**typed))


@pytest.mark.parametrize("digit", ["٣", "३", "๓"])
def test_num_f1_a_free_form_number_with_another_scripts_digit_is_refused(digit: str) -> None:
    """NUM-F1 (before 2016) takes any value longer than 4 that starts with the join year, but in ASCII digits."""
    assert rules.development_number_problems("2010-A1", 2010) == []
    [problem] = rules.development_number_problems(f"2010-A{digit}", 2010)
    assert (problem.code, problem.rule) == ("DEVELOPMENT_NUMBER_FORMAT", "NUM-F1")


def test_mem_11_rules_alone_refuse_unnormalized_full_width_digits() -> None:
    """The rules check what they are given: a caller that does not normalize gets a format error, never a
    full-width value stored as if it were a number."""
    assert codes(rules.mobile_problems(wide("13800138000"))) == ["MOBILE_FORMAT"]
    assert codes(rules.development_number_problems(wide("201911000001"), 2019)) == ["DEVELOPMENT_NUMBER_FORMAT"]
    assert codes(rules.parse_year_month(wide("2019-05"), today=TODAY)) == ["YEAR_MONTH_FORMAT"]
    assert codes(rules.mobile_problems("13800138000\n1")) == ["MOBILE_FORMAT"]


@given(st.integers(min_value=13_000_000_000, max_value=19_999_999_999))
def test_mem_11_any_mobile_typed_in_full_width_is_the_ascii_mobile(number: int) -> None:
    """Decision 0005, property: a mobile typed in full width normalizes to the same ASCII number and is
    then judged exactly as the ASCII one is."""
    ascii_mobile = str(number)
    typed = MemberForm(mobile=wide(ascii_mobile))
    assert typed.mobile == ascii_mobile
    assert rules.mobile_problems(typed.mobile) == rules.mobile_problems(ascii_mobile)


@given(st.integers(min_value=0, max_value=99_999_999), st.integers(min_value=2019, max_value=2026))
def test_num_f4_any_development_number_typed_in_full_width_is_the_ascii_number(serial: int, year: int) -> None:
    """Decision 0005, property: full-width development numbers are the ASCII ones (NUM-4: one number, one member)."""
    number = f"{year}{serial:08d}"
    typed = MemberForm(development_number=wide(number))
    assert typed.development_number == number
    assert rules.development_number_problems(typed.development_number, year) == []


def test_mem_2_normalization_keeps_none_and_blank_apart() -> None:
    """None is "not given", "" a given blank (an ID number to be typed again must not become "typed once")."""
    typed = MemberForm(id_number_confirm="\u3000", wechat=None)
    assert (typed.id_number_confirm, typed.wechat) == ("", None)
    assert rules.normalize_text(None) is None and rules.normalize_text(" ＡＢＣ１ ") == "ABC1"
