"""ACC-1 (decided, docs/decisions/0018): passwords that are guessed first. The most common ones
(common_passwords.txt, shipped with the package, its source named in its header and made by
scripts/common_passwords.py), and the person's own data with a little around it: parts of the ID number, the
birth date in it, the name in pinyin."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

LEFT_OVER = 4  # what may remain once the person's own data is taken out, and still count as nothing
_EDGES = re.compile(r"^[^0-9a-z]+|[^0-9a-z]+$")
_RUNS = ("0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


@cache
def common() -> frozenset[str]:
    text = resources.files("zhtj.domain.identity").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """One of the list, whatever the case and the punctuation around it (`Password1!`)."""
    lowered = password.lower()
    return lowered in common() or _EDGES.sub("", lowered) in common()


def personal_parts(id_number: str, name: str | None) -> list[str]:
    """What someone who knows the person tries first, longest first: the ID number and its last 8 and 6
    characters, the birth date (YYYYMMDD, YYMMDD) and the region code, the name in pinyin (whole, given name
    first, the given name alone) when it has 4 letters or more."""
    number = id_number.lower()
    parts = {number, number[-8:], number[-6:]}
    if len(number) == 18:
        parts |= {number[6:14], number[8:14], number[:6]}
    if name:
        syllables = _pinyin(name)
        if syllables:
            parts |= {"".join(syllables), "".join(syllables[1:] + syllables[:1]), "".join(syllables[1:])}
    return sorted((p for p in parts if len(p) >= 4), key=len, reverse=True)


def is_personal(password: str, id_number: str, name: str | None = None) -> bool:
    """The password, once the person's own data is taken out of it, leaves almost nothing: at most LEFT_OVER
    letters and digits, a run such as 123456 or qwerty, one character repeated, or a common password."""
    rest = re.sub(r"[^0-9a-z]", "", password.lower())  # lin.baodao.1 is linbaodao1
    found = False
    for part in personal_parts(id_number, name):
        if part in rest:
            rest, found = rest.replace(part, " "), True
    if not found:
        return False
    rest = rest.replace(" ", "")
    return len(rest) <= LEFT_OVER or len(set(rest)) == 1 or any(rest in run for run in _RUNS) or rest in common()


def _pinyin(name: str) -> list[str]:
    from pypinyin import lazy_pinyin  # loaded when a name is first checked, not at import

    return [s.lower() for s in lazy_pinyin(name) if s.isascii() and s.isalpha()]
