"""Index terms (decision 0025). A person's name is short, so every part of it up to NAME_GRAMS characters is a
term of its own and any typed part of a name is one lookup of (term, org path range); "=name" marks the whole
name (exact hits rank first); "~p" + full pinyin and "~i" + initials find it by letters. An org's full name is
long, so it is cut into its 1- and 2-character grams; a longer typed part needs all its 2-grams and is then
checked against the name itself."""

from __future__ import annotations

NAME_GRAMS = 6  # longer typed parts of a name are found by their first 6 characters, then checked
EXACT = "="
PINYIN = "~p"
INITIALS = "~i"


def name_terms(name: str) -> set[str]:
    """Every term of a person's name: its parts, the whole name, its pinyin and initials."""
    terms = {EXACT + name}
    for size in range(1, min(len(name), NAME_GRAMS) + 1):
        terms.update(name[i:i + size] for i in range(len(name) - size + 1))
    syllables = pinyin(name)
    if syllables:
        terms.add(PINYIN + "".join(syllables))
        terms.add(INITIALS + "".join(s[0] for s in syllables))
    return terms


def name_lookup(word: str) -> tuple[list[str], bool]:
    """(the terms to look up, whether each hit must still be checked against the whole word). Letters may be
    full pinyin (zhangwei) or initials (zw): both are asked."""
    if word.isascii() and word.isalpha():
        return [PINYIN + word, INITIALS + word], False
    return [word[:NAME_GRAMS]], len(word) > NAME_GRAMS


def org_terms(full_name: str) -> set[str]:
    """The 1- and 2-character grams of an org's full name."""
    terms = set(full_name)
    terms.update(full_name[i:i + 2] for i in range(len(full_name) - 1))
    return terms


def org_lookup(word: str) -> list[str]:
    """The grams every org whose full name contains the word has: the word itself when it is 1 or 2 characters,
    otherwise its 2-grams (hits are then checked against the full name)."""
    if len(word) <= 2:
        return [word]
    return sorted({word[i:i + 2] for i in range(len(word) - 1)})


def pinyin(name: str) -> list[str]:
    """The name's syllables in lower-case letters without tones; characters without a reading are skipped."""
    from pypinyin import lazy_pinyin  # loaded when first needed, not at import

    return [s.lower() for s in lazy_pinyin(name) if s.isascii() and s.isalpha()]
