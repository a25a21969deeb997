"""X-1 routing by the text's shape and the index terms (no database)."""

from __future__ import annotations

from zhtj.domain.progress.model import OrgFacts, Tally, standard_met
from zhtj.domain.search import terms
from zhtj.domain.search.query import Route, read


def test_x1_routes_by_shape():
    assert read("11010119900307123x") == read("11010119900307123X")
    assert read("11010119900307123X").route is Route.ID_NUMBER
    assert read("１１０１０１１９９００３０７１２３Ｘ").route is Route.ID_NUMBER  # full-width, from an IME
    assert read("201912345678").route is Route.DEVELOPMENT_NUMBER
    assert read("2019123456789").route is Route.TEXT  # 13 digits: neither
    assert read("  ").route is Route.EMPTY
    narrowed = read("张伟 海淀  一中")
    assert (narrowed.route, narrowed.value, narrowed.narrowing) == (Route.TEXT, "张伟", ("海淀", "一中"))
    assert read("ZhangWei").value == "zhangwei" and read("ZhangWei").is_pinyin


def test_x1_name_terms_cover_every_part_pinyin_and_initials():
    found = terms.name_terms("欧阳娜娜")
    assert {"=欧阳娜娜", "欧", "阳娜", "欧阳娜娜", "~pouyangnana", "~ioynn"} <= found
    assert terms.name_lookup("zw") == (["~pzw", "~izw"], False)
    assert terms.name_lookup("阿卜杜热合曼·买买提") == (["阿卜杜热合曼"], True)  # longer than 6: checked after


def test_x1_org_lookup_needs_every_two_gram():
    assert terms.org_lookup("海淀") == ["海淀"]
    assert terms.org_lookup("海淀区") == ["海淀", "淀区"]
    assert set(terms.org_lookup("海淀区")) <= terms.org_terms("共青团北京市海淀区委员会")


def facts(category, **counts):
    return OrgFacts(id=1, parent_id=None, path="/1/", category=category, industry=None, school_code=None, **counts)


def test_x3_completion_standards():
    assert standard_met(facts("团的领导机关", cadres=2, cadres_complete=2))
    assert not standard_met(facts("团的领导机关", cadres=3, cadres_complete=2))
    assert not standard_met(facts("团的领导机关"))  # no cadres: nothing is complete
    assert standard_met(facts("团委", cadres=5, cadres_complete=2))
    assert not standard_met(facts("团总支", cadres=5, cadres_complete=1))
    assert standard_met(facts("团支部", people_complete=3)) and not standard_met(facts("团支部", people_complete=2))
    tally = Tally()
    tally.add(facts("待接转团支部", members=4, members_complete=4, people_complete=4))
    assert (tally.branches_total, tally.members_entered, tally.members_complete_share) == (0, 4, 1.0)
