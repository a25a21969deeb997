"""Rules of the transfers context without a database (TRF-3, 5, 6, 7, 9, NUM-8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zhtj.domain.transfers import rules
from zhtj.domain.transfers.model import AWAITING_ASSIGNMENT, AWAITING_TARGET, COMPLETED, ORDINARY, Transfer

START = datetime(2026, 11, 1, tzinfo=UTC)


def _transfer(status: str) -> Transfer:
    return Transfer(member_id=1, source_branch_id=2, kind=ORDINARY, reason="其他", started_by=1, started_side="MEMBER",
                    started_at=START, step_started_at=START, status=status)


def test_trf5_a_step_expires_after_more_than_10_days_and_only_while_running():
    running = _transfer(AWAITING_TARGET)
    assert not rules.is_overdue(running, START + timedelta(days=10))
    assert rules.is_overdue(running, START + timedelta(days=10, seconds=1))
    assert rules.current_status(running, START + timedelta(days=11)) == "EXPIRED"
    assert rules.current_status(_transfer(COMPLETED), START + timedelta(days=99)) == COMPLETED


def test_trf5_withdrawal_ends_at_the_last_approval():
    assert rules.may_withdraw_in(AWAITING_TARGET) and not rules.may_withdraw_in(AWAITING_ASSIGNMENT)


def _codes(**kwargs) -> list[str]:
    given = {"reason": "就业", "remark": None, "special": False, "external_system": None, "target_name": None,
             "has_target_org": True, **kwargs}
    return [p.code for p in rules.form_problems(**given)]


def test_trf3_6_7_the_form():
    assert _codes() == []
    assert _codes(has_target_org=False) == ["TARGET_REQUIRED"]
    assert _codes(has_target_org=False, special=True) == ["REMARK_REQUIRED"]
    assert _codes(has_target_org=False, special=True, remark="某部队") == []
    assert _codes(has_target_org=False, external_system="广东") == ["TARGET_NAME_REQUIRED"]
    assert _codes(has_target_org=False, external_system="广东", target_name="共青团广州市某区委员会") == []
    assert _codes(reason="搬家", remark="x" * 201) == ["REASON_INVALID", "REMARK_TOO_LONG"]


def test_num8_members_from_2020_need_an_approved_archive_for_another_system():
    assert rules.needs_archive("2020-01") and not rules.needs_archive("2019-12") and not rules.needs_archive(None)


EMPLOYED = rules.Destination(employed=True, employer_name="某 科技 公司")
JOBLESS = rules.Destination(employed=False, household_town="某某镇")


def _stated(destination, reason="就业", graduate=True, in_system=True) -> list[str]:
    found = rules.destination_problems(destination, reason=reason, graduate=graduate, in_system=in_system)
    return [p.code for p in found]


def test_trf9_a_graduate_moving_inside_the_system_states_the_destination():
    assert _stated(None) == ["EMPLOYMENT_REQUIRED"]
    assert _stated(None, in_system=False) == [] and _stated(None, graduate=False) == []
    assert _stated(EMPLOYED) == [] and _stated(JOBLESS, reason="升学") == []
    assert _stated(rules.Destination(employed=True)) == ["EMPLOYER_NAME_REQUIRED"]
    assert _stated(rules.Destination(employed=True, employer_name="某" * 101)) == ["EMPLOYER_NAME_TOO_LONG"]


def test_trf9_unemployed_is_refused_to_an_employed_graduate_and_names_the_household_town():
    assert _stated(EMPLOYED, reason="未就业") == ["REASON_NOT_ALLOWED"]
    found = rules.destination_problems(EMPLOYED, reason="未就业", graduate=True, in_system=True)
    assert [(p.field, p.rule) for p in found] == [("reason", "TRF-9")]
    assert _stated(None, reason="未就业") == ["HOUSEHOLD_TOWN_REQUIRED"]
    assert _stated(None, reason="未就业", graduate=False) == ["HOUSEHOLD_TOWN_REQUIRED"]  # 001 Q66: anyone, stated
    assert _stated(JOBLESS, reason="未就业") == [] and _stated(JOBLESS, reason="未就业", graduate=False) == []
    assert _stated(rules.Destination(employed=False, household_town="北京"), reason="未就业") == [
        "HOUSEHOLD_TOWN_INVALID"]
    assert _stated(rules.Destination(employed=True, employer_name="某公司", workplace_town="某工业园区")) == []
    assert _stated(rules.Destination(employed=True, employer_name="某公司", workplace_town="某市")) == [
        "WORKPLACE_TOWN_INVALID"]


def _routed(destination, *, reason="就业", graduate=True, floating=False, floating_names=(),
            chain=("共青团某科技公司委员会",)) -> list[str]:
    found = rules.routing_problems(destination, reason=reason, graduate=graduate, target_floating=floating,
                                   floating_names=floating_names, chain_names=chain)
    return [p.code for p in found]


def test_trf9_an_employed_graduate_goes_to_the_employer_or_the_workplace_towns_floating_branch():
    assert _routed(EMPLOYED) == []  # spaces in the stated name do not matter
    assert _routed(EMPLOYED, chain=("某研发部团支部", "共青团某科技公司委员会")) == []  # a branch of the employer
    assert _routed(EMPLOYED, chain=("共青团某大学委员会",)) == ["EMPLOYER_ORG_MISMATCH"]
    assert _routed(EMPLOYED, graduate=False, chain=("共青团某大学委员会",)) == []  # TRF-9 is the graduates' rule
    town = rules.Destination(employed=True, employer_name="某小店", workplace_town="某某街道")
    names = ("某某街道流动团支部", "共青团某某街道工作委员会")
    assert _routed(town, floating=True, floating_names=names) == []
    assert _routed(EMPLOYED, floating=True, floating_names=names) == ["WORKPLACE_TOWN_REQUIRED"]
    elsewhere = rules.Destination(employed=True, employer_name="某小店", workplace_town="另一街道")
    assert _routed(elsewhere, floating=True, floating_names=names) == ["WORKPLACE_TOWN_MISMATCH"]  # 001 Q63


def test_trf9_unemployed_goes_to_the_household_towns_org():
    assert _routed(JOBLESS, reason="未就业", chain=("某村团支部", "共青团某某镇委员会")) == []
    assert _routed(JOBLESS, reason="未就业", chain=("共青团某科技公司委员会",)) == ["HOUSEHOLD_TOWN_MISMATCH"]
    assert _routed(JOBLESS, reason="升学", chain=("共青团某大学委员会",)) == []
    assert _routed(None, reason="其他") == []
