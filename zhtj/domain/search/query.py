"""X-1: one search box, routed by the shape of the text.

An 18-character ID number (either case of X) asks for a person; a 12-digit number asks for a development
number; anything else asks for people by name and orgs by any part of their full name, and every further word
narrows both to the subtrees of orgs whose full names contain it ("张伟 海淀")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from zhtj.domain.membership import idcard

TOO_MANY_HINT = "结果过多，请输入组织名称或省份等信息辅助搜索"  # X-1, the source system's words
MAX_WORDS = 4  # the name and up to three narrowing words; more are ignored
MAX_WORD = 50  # a word longer than the longest name or org name finds nothing anyway

_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_NUMBER_SHAPE = re.compile(r"[0-9]{12}")
_LATIN = re.compile(r"[a-z]+")


class Route(Enum):
    ID_NUMBER = "ID_NUMBER"
    DEVELOPMENT_NUMBER = "DEVELOPMENT_NUMBER"
    TEXT = "TEXT"
    EMPTY = "EMPTY"


@dataclass(frozen=True)
class SearchText:
    route: Route
    value: str = ""  # the ID number, the development number, or the name / org word
    narrowing: tuple[str, ...] = ()  # further words: parts of the full names of orgs above the hits

    @property
    def is_pinyin(self) -> bool:
        """A name typed in letters: full pinyin (zhangwei) or initials (zw)."""
        return bool(_LATIN.fullmatch(self.value))


def read(text: str) -> SearchText:
    """X-1 routing. NFKC first, so full-width digits and letters typed by an IME count as ASCII."""
    words = [w[:MAX_WORD] for w in unicodedata.normalize("NFKC", text).split()][:MAX_WORDS]
    if not words:
        return SearchText(Route.EMPTY)
    first = words[0]
    if len(words) == 1 and _ID_SHAPE.fullmatch(idcard.normalize(first)):
        return SearchText(Route.ID_NUMBER, idcard.normalize(first))
    if len(words) == 1 and _NUMBER_SHAPE.fullmatch(first):
        return SearchText(Route.DEVELOPMENT_NUMBER, first)
    if _LATIN.fullmatch(first.lower()):
        first = first.lower()
    return SearchText(Route.TEXT, first, tuple(words[1:]))
