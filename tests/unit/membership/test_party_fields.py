"""The party fields of a profile (MEM-8, MEM-2): the party application is asked, and made, from 18; party
membership starts at 18. Each test names the rule it checks, with both sides of each boundary."""

from __future__ import annotations

from datetime import date

import pytest

from zhtj.domain.membership import rules

pytestmark = pytest.mark.unit

TODAY = date(2025, 6, 15)


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


# MEM-8 and the party join date ---------------------------------------------------------------------
def test_mem_8_under_18_not_asked_about_a_party_application() -> None:
    seventeen, eighteen = date(2007, 6, 16), date(2007, 6, 15)
    [problem] = rules.party_application_problems(True, None, seventeen, today=TODAY)
    assert (problem.code, problem.field, problem.rule) == (
        "PARTY_APPLICATION_UNDER_18", "submittedPartyApplication", "MEM-8")
    assert codes(rules.party_application_problems(None, "2025-01-01", seventeen, today=TODAY)) == [
        "PARTY_APPLICATION_UNDER_18"]
    assert rules.party_application_problems(False, None, seventeen, today=TODAY) == []
    assert rules.party_application_problems(None, None, seventeen, today=TODAY) == []
    assert rules.party_application_problems(True, "2025-06-15", eighteen, today=TODAY) == []


def test_mem_8_the_application_date_is_on_or_after_the_18th_birthday() -> None:
    """MEM-8: the application is only asked, and made, from 18; a date before the 18th birthday is refused."""
    born = date(2000, 2, 29)  # 18 full years on 2018-03-01
    assert rules.party_application_problems(True, "2018-03-01", born, today=TODAY) == []
    [problem] = rules.party_application_problems(True, "2018-02-28", born, today=TODAY)
    assert (problem.code, problem.field, problem.rule) == (
        "PARTY_APPLICATION_DATE_TOO_EARLY", "partyApplicationDate", "MEM-8")
    assert "年满18周岁" in problem.message


@pytest.mark.parametrize(
    ("submitted", "value", "expected"),
    [(True, "2020-01-01", []), (True, None, []), (False, None, []), (None, " ", []),
     (False, "2020-01-01", ["PARTY_APPLICATION_DATE_NOT_ALLOWED"]),
     (None, "2020-01-01", ["PARTY_APPLICATION_DATE_NOT_ALLOWED"]),
     (True, "2025-06-15", []), (True, "2025-06-16", ["PARTY_APPLICATION_DATE_IN_FUTURE"]),
     (True, "2020-1-1", ["DATE_FORMAT"]), (True, "2021-02-29", ["DATE_FORMAT"]), (True, "٢٠٢٠-01-01", ["DATE_FORMAT"])],
)
def test_mem_2_mem_8_an_application_date_only_with_a_submitted_application(
    submitted: bool | None, value: str | None, expected: list[str]
) -> None:
    """MEM-2: the date goes with "submitted: yes" only (false or not answered: no date), and not in the future."""
    problems = rules.party_application_problems(submitted, value, date(2000, 1, 1), today=TODAY)
    assert codes(problems) == expected
    assert all(p.field == "partyApplicationDate" for p in problems)


@pytest.mark.parametrize(
    ("status", "value", "expected"),
    [("中共党员", "2020-07-01", []), ("中共预备党员", "2025-06-15", []),
     ("中共党员", None, ["PARTY_JOIN_DATE_REQUIRED"]), ("中共预备党员", " ", ["PARTY_JOIN_DATE_REQUIRED"]),
     ("共青团员", "2020-07-01", ["PARTY_JOIN_DATE_NOT_ALLOWED"]),
     ("群众", None, []), ("共青团员", "", []), ("中共党员", "2020-7-1", ["DATE_FORMAT"]),
     ("中共党员", "2021-02-30", ["DATE_FORMAT"]), ("中共党员", "2025-06-16", ["PARTY_JOIN_DATE_INVALID"]),
     ("中共党员", "1999-12-31", ["PARTY_JOIN_DATE_INVALID"]), ("中共党员", "２０２０-07-01", ["DATE_FORMAT"])],
)
def test_mem_2_party_join_date_only_and_always_for_party_members(status: str, value: str | None, expected) -> None:
    problems = rules.party_join_date_problems(status, value, birth_date=date(2000, 1, 1), today=TODAY)
    assert codes(problems) == expected
    assert all(p.field == "partyJoinDate" for p in problems)


def test_mem_2_party_membership_starts_at_18() -> None:
    """MEM-2: the party join date is on or after the 18th birthday (full years), and not in the future."""
    born = date(2001, 9, 10)
    assert rules.party_join_date_problems("中共预备党员", "2019-09-10", birth_date=born, today=TODAY) == []
    [early] = rules.party_join_date_problems("中共预备党员", "2019-09-09", birth_date=born, today=TODAY)
    assert (early.code, early.rule) == ("PARTY_JOIN_DATE_INVALID", "MEM-2")
    assert early.message == "入党时间不能早于年满18周岁之日（年满18周岁方可入党）"
    [future] = rules.party_join_date_problems("中共党员", "2025-06-16", birth_date=born, today=TODAY)
    assert future.message == "入党时间不能晚于今天"
