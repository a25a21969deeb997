"""`zhtj generate` is deterministic: the same seed and date give the same rows (issue 15)."""

from __future__ import annotations

from datetime import date

from zhtj.infrastructure.generate import Nation, root_org

FIRST = {"organizations": 2, "members": 2, "cadre_positions": 2, "number_segments": 1, "member_archives": 1}


def rows(seed: int) -> list[tuple[str, tuple]]:
    nation = Nation(members_wanted=1_500, seed=seed, as_of=date(2026, 11, 25), root=root_org(1, "/1/"),
                    first=FIRST, taken=set())
    return list(nation.rows())


def test_the_same_seed_gives_the_same_nation_and_another_seed_another() -> None:
    first = rows(8)
    assert first == rows(8)
    assert sum(1 for table, _ in first if table == "members") == 1_500
    other = rows(9)
    assert [r for t, r in other if t == "members"] != [r for t, r in first if t == "members"]
