"""The shipped data `zhtj generate` draws from: surnames with their shares and given-name characters
(data/names.txt), provincial-level units with GB/T 2260 codes (data/regions.txt). Both files name their
sources in their headers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Province:
    """A provincial-level unit (ORG-1): one of the 31 provinces and regions or a national system."""

    number: int  # 1..38 in file order: the two digits after the year in its development numbers
    code: str  # GB/T 2260 province code ("00": a national system, whose people come from every province)
    short: str
    full_name: str
    population: float
    capital: str
    counties: tuple[str, ...]  # GB/T 2260 county-level codes that begin its people's ID numbers

    @property
    def is_system(self) -> bool:
        return not self.capital

    @property
    def short_name(self) -> str:
        if self.is_system:
            return f"{self.short}团委"
        kind = "市" if self.full_name.endswith("市委员会") else "区" if "自治区" in self.full_name else "省"
        return f"{self.short}团{kind}委"

    @property
    def municipality(self) -> bool:
        return self.full_name.endswith("市委员会")


@dataclass(frozen=True)
class Names:
    surnames: tuple[str, ...]
    cumulative: tuple[float, ...]  # cumulative shares, for random.choices(cum_weights=…)
    male: tuple[str, ...]
    female: tuple[str, ...]


@cache
def provinces() -> tuple[Province, ...]:
    out = []
    lines = [line for line in (DATA / "regions.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    for number, line in enumerate(lines, start=1):
        code, short, full, population, capital, counties = line.split("|")
        out.append(Province(number, code, short, full, float(population), capital, tuple(counties.split())))
    return tuple(out)


@cache
def names() -> Names:
    surnames: list[str] = []
    shares: list[float] = []
    male: list[str] = []
    female: list[str] = []
    for line in (DATA / "names.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, char, *rest = line.split()
        if kind == "S":
            surnames.append(char)
            shares.append(float(rest[0]))
        elif kind == "M":
            male.append(char)
        elif kind == "F":
            female.append(char)
        else:  # N: either
            male.append(char)
            female.append(char)
    return Names(tuple(surnames), tuple(itertools.accumulate(shares)), tuple(male), tuple(female))
