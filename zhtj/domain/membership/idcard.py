"""Resident ID numbers (居民身份证号码) per GB 11643-1999 (MEM-4, ACC-1).

18 characters: a 6-digit region code whose first two digits are a province of GB/T 2260, an 8-digit birth
date, a 3-digit sequence whose last digit is odd for men and even for women, and a check character from
ISO 7064 MOD 11-2 (0-9 or X). Digits are ASCII only: full-width digits typed by an IME become ASCII in
`normalize` (NFKC); any other script's digits are no ID number (decision 0005)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from zhtj.domain.shared.errors import Problem

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits only, matched whole
EARLIEST_BIRTH = date(1900, 1, 1)
# GB/T 2260: the first two digits name a province-level region; 81, 82 and 83 begin the residence permits of
# Hong Kong, Macao and Taiwan residents (GB 11643 numbers too; python-stdnum's cn.ric checks the same).
PROVINCE_CODES = frozenset(f"{n:02d}" for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
                                                 *range(50, 55), *range(61, 66), 71, 81, 82, 83))


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(raw: str) -> str:
    """The number as stored: NFKC (full-width １１０…ｘ typed by a Chinese IME becomes ASCII), trimmed, and
    upper-cased: a typed lowercase x is the same number (MEM-4: one number, one person)."""
    return unicodedata.normalize("NFKC", raw).strip().upper()


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    gender: str  # 男 or 女

    @property
    def masked(self) -> str:
        return mask(self.value)


def mask(value: str) -> str:
    """Shows the region and the last four characters only: 110101********123X."""
    if len(value) != 18:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[-4:]


def problems_of(raw: str, today: date, field: str = "idNumber", rule: str = "MEM-4") -> list[Problem]:
    value = normalize(raw)
    if not _SHAPE.fullmatch(value):
        return [Problem("ID_NUMBER_FORMAT", "身份证号格式错误，应为18位（最后一位可为X）", field, rule)]
    if check_character(value[:17]) != value[17]:
        return [Problem("ID_NUMBER_CHECKSUM", "身份证号校验位错误，请核对后重新输入", field, rule)]
    if value[:2] not in PROVINCE_CODES:
        return [Problem("ID_NUMBER_REGION", "身份证号前两位不是有效的省级行政区划代码，请核对后重新输入", field, rule)]
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return [Problem("ID_NUMBER_BIRTH_DATE", "身份证号中的出生日期不存在", field, rule)]
    if born > today or born < EARLIEST_BIRTH:
        return [Problem("ID_NUMBER_BIRTH_DATE", "身份证号中的出生日期不合理", field, rule)]
    return []


def parse(raw: str, today: date, field: str = "idNumber", rule: str = "MEM-4") -> IdNumber | list[Problem]:
    """The checked number, or the problems that make it no ID number."""
    problems = problems_of(raw, today, field, rule)
    if problems:
        return problems
    value = normalize(raw)
    born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    return IdNumber(value, born, "男" if int(value[16]) % 2 else "女")


def age_on(born: date, day: date) -> int:
    """Full years of age on a day (周岁)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
