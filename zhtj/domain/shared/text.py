"""Names that people read (a person's, an org's) hold only characters that show (MEM-2, ORG-3).

Refused anywhere inside a name: control characters (line breaks and tabs included), format characters (zero-width
spaces and joiners, the byte-order mark, the soft hyphen, right-to-left and other bidi overrides and isolates),
line and paragraph separators, lone surrogates, and the Hangul fillers and the blank Braille pattern that show as
nothing. Ordinary spaces and the middle dot of names such as 买买提·艾力 stay."""

from __future__ import annotations

import unicodedata

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
INVISIBLE_WORDS = "中不能含有零宽字符、换行或文字方向控制符等不可见字符"


def has_invisible(text: str | None) -> bool:
    return any(unicodedata.category(ch) in INVISIBLE_CATEGORIES or ch in BLANK_LETTERS for ch in text or "")
