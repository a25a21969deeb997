"""Resident ID numbers (MEM-4: GB 11643 with ISO 7064 MOD 11-2; ACC-1: the ID number is the username).

Valid numbers are built here with the check character computed independently of `idcard`, then every
single-character change and every swap of two different neighbours must be refused."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from zhtj.domain.membership import idcard
from zhtj.domain.membership.idcard import IdNumber

pytestmark = pytest.mark.unit

TODAY = date(2025, 6, 15)
ALPHABET = "0123456789X"
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
# Decision 0005: every digit of another script that NFKC leaves non-ASCII (Arabic-Indic ٣, Devanagari ३, Thai ๓,
# …), by its value: int() and `\d` take them all, so they are what an ASCII-only check must refuse.
OTHER_DIGITS: dict[int, list[str]] = {}
for _code in range(0x110000):
    _char = chr(_code)
    if unicodedata.decimal(_char, None) is not None and not unicodedata.normalize("NFKC", _char).isascii():
        OTHER_DIGITS.setdefault(unicodedata.decimal(_char), []).append(_char)


# GB/T 2260's province-level codes, and 81/82/83 of the residence permits for Hong Kong, Macao and Taiwan.
PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
             "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83")


def iso7064_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 as the standard writes it: weights 2^(17-i) mod 11 (i from 0), check = (12 - sum) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=date(1940, 1, 1), max_value=TODAY - timedelta(days=1)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + iso7064_check(first17)


def refused(value: str) -> bool:
    return isinstance(idcard.parse(value, TODAY), list) and bool(idcard.problems_of(value, TODAY))


def test_the_standard_example_is_valid_mem_4() -> None:
    """MEM-4: GB 11643's own example 11010519491231002X: a woman born 1949-12-31."""
    parsed = idcard.parse("11010519491231002X", TODAY)
    assert parsed == IdNumber("11010519491231002X", date(1949, 12, 31), "女")


@given(valid_id_numbers())
def test_every_valid_number_is_accepted_mem_4(value: str) -> None:
    """MEM-4: a well-formed number with a real past birth date and the right check character parses."""
    parsed = idcard.parse(value, TODAY)
    assert isinstance(parsed, IdNumber)
    assert parsed.value == value
    assert parsed.birth_date == date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    assert idcard.check_character(value[:17]) == value[17]


@given(valid_id_numbers())
def test_every_single_character_change_is_refused_mem_4(value: str) -> None:
    """MEM-4: MOD 11-2 catches every substitution of one character, at every position."""
    for position in range(18):
        for other in ALPHABET:
            if other != value[position]:
                changed = value[:position] + other + value[position + 1 :]
                assert refused(changed), changed


@given(valid_id_numbers())
def test_every_swap_of_different_neighbours_is_refused_mem_4(value: str) -> None:
    """MEM-4: MOD 11-2 catches every adjacent transposition (some swaps also break the birth date)."""
    for position in range(17):
        a, b = value[position], value[position + 1]
        if a != b:
            swapped = value[:position] + b + a + value[position + 2 :]
            assert refused(swapped), swapped


@given(valid_id_numbers())
def test_gender_comes_from_the_17th_digit_mem_4(value: str) -> None:
    """MEM-4: an odd 17th digit is a man, an even one a woman."""
    parsed = idcard.parse(value, TODAY)
    assert isinstance(parsed, IdNumber)
    assert parsed.gender == ("男" if int(value[16]) % 2 else "女")


@given(valid_id_numbers())
def test_masking_shows_region_and_last_four_only_acc_1(value: str) -> None:
    """ACC-1 / API: ID numbers show masked, 110101********123X."""
    masked = idcard.mask(value)
    assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", masked)
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:]


def test_mask_shape() -> None:
    """ACC-1: the shape the API documents, and nothing leaks from a malformed value."""
    assert idcard.mask("11010119900307123X") == "110101********123X"
    assert idcard.mask("12345") == "*****"


@given(valid_id_numbers())
def test_a_lowercase_x_and_spaces_are_the_same_number_acc_1(value: str) -> None:
    """ACC-1: the username is the ID number; a typed lowercase x or stray spaces do not make another."""
    typed = f" {value.lower()} "
    parsed = idcard.parse(typed, TODAY)
    assert isinstance(parsed, IdNumber) and parsed.value == value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("11010519491231002", "ID_NUMBER_FORMAT"),
        ("11010519491231002XX", "ID_NUMBER_FORMAT"),
        ("1101051949123100X2", "ID_NUMBER_FORMAT"),
        ("110105194912310021", "ID_NUMBER_CHECKSUM"),
        ("", "ID_NUMBER_FORMAT"),
    ],
)
def test_malformed_numbers_are_refused_with_a_code_mem_4(value: str, code: str) -> None:
    """MEM-4: shape first, then the check character."""
    problems = idcard.problems_of(value, TODAY)
    assert [p.code for p in problems] == [code]
    assert problems[0].rule == "MEM-4" and problems[0].field == "idNumber"


@pytest.mark.parametrize("born", ["20230230", "19990231", "20011301", "18991231"])
def test_impossible_or_unreasonable_birth_dates_are_refused_mem_4(born: str) -> None:
    """MEM-4: a real birth date, on or after 1900-01-01."""
    first17 = f"110101{born}001"
    problems = idcard.problems_of(first17 + iso7064_check(first17), TODAY)
    assert [p.code for p in problems] == ["ID_NUMBER_BIRTH_DATE"]


def test_a_birth_date_in_the_future_is_refused_but_today_is_not_mem_4() -> None:
    """MEM-4: not in the future; the boundary is today itself."""
    for born, ok in ((TODAY, True), (TODAY + timedelta(days=1), False)):
        first17 = f"110101{born:%Y%m%d}002"
        assert isinstance(idcard.parse(first17 + iso7064_check(first17), TODAY), IdNumber) is ok


def test_age_on_counts_full_years() -> None:
    """MEM-5, MEM-6: ages are full years (周岁); a birthday on 29 February counts from 1 March."""
    assert idcard.age_on(date(2010, 6, 15), date(2024, 6, 14)) == 13
    assert idcard.age_on(date(2010, 6, 15), date(2024, 6, 15)) == 14
    assert idcard.age_on(date(2008, 2, 29), date(2022, 2, 28)) == 13
    assert idcard.age_on(date(2008, 2, 29), date(2022, 3, 1)) == 14


@given(valid_id_numbers(), st.sampled_from(["", " ", "\u3000"]))
def test_a_number_typed_in_full_width_is_the_same_ascii_number_mem_4(value: str, space: str) -> None:
    """MEM-4, decision 0005: a Chinese IME in full-width mode types １１０１０８…; NFKC reads it as the ASCII
    number, so it cannot become a second person with a number already registered."""
    typed = space + value.translate(FULL_WIDTH) + space
    assert idcard.normalize(typed) == value
    parsed = idcard.parse(typed, TODAY)
    assert isinstance(parsed, IdNumber) and parsed.value == value
    assert idcard.normalize(typed.lower()) == value  # a full-width ｘ is an X too


@given(valid_id_numbers(), st.lists(st.integers(min_value=0, max_value=17), min_size=1, max_size=4), st.data())
def test_a_number_with_another_scripts_digit_is_refused_mem_4(value: str, positions: list[int],
                                                              data: st.DataObject) -> None:
    """MEM-4, decision 0005: digits are ASCII only; a digit NFKC does not turn into ASCII (even one of the
    same value, which int() would read) makes the number a format error."""
    typed = list(value)
    for position in positions:
        if typed[position].isascii() and typed[position] != "X":
            typed[position] = data.draw(st.sampled_from(OTHER_DIGITS[int(typed[position])]))
    changed = "".join(typed)
    assume(changed != value)  # not only the check character X was picked
    assert not unicodedata.normalize("NFKC", changed).isascii()
    assert [p.code for p in idcard.problems_of(changed, TODAY)] == ["ID_NUMBER_FORMAT"]
    assert refused(changed)



@given(st.text("0123456789", min_size=2, max_size=2).filter(lambda p: p not in PROVINCES),
       st.text("0123456789", min_size=4, max_size=4))
def test_a_number_from_no_province_is_refused_mem_4(province: str, rest: str) -> None:
    """MEM-4: the first two digits are a province of GB/T 2260 (or 81/82/83, residence permits); 00 and 99 are
    none, however right the check character."""
    first17 = f"{province}{rest}20000101001"
    problems = idcard.problems_of(first17 + iso7064_check(first17), TODAY)
    assert [(p.code, p.field, p.rule) for p in problems] == [("ID_NUMBER_REGION", "idNumber", "MEM-4")]
    assert problems[0].message == "身份证号前两位不是有效的省级行政区划代码，请核对后重新输入"


@pytest.mark.parametrize("province", ["81", "82", "83", "71", "65"])
def test_residence_permits_and_the_last_provinces_are_accepted_mem_4(province: str) -> None:
    first17 = f"{province}000019990101001"
    assert isinstance(idcard.parse(first17 + iso7064_check(first17), TODAY), IdNumber)
