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
             "has_target_org": True, "graduate": False, **kwargs}
    return [p.code for p in rules.form_problems(**given)]


def test_trf3_6_7_9_the_form():
    assert _codes() == []
    assert _codes(has_target_org=False) == ["TARGET_REQUIRED"]
    assert _codes(has_target_org=False, special=True) == ["REMARK_REQUIRED"]
    assert _codes(has_target_org=False, special=True, remark="某部队") == []
    assert _codes(has_target_org=False, external_system="广东") == ["TARGET_NAME_REQUIRED"]
    assert _codes(has_target_org=False, external_system="广东", target_name="共青团广州市某区委员会") == []
    assert _codes(reason="未就业") == ["REASON_NOT_ALLOWED"] and _codes(reason="未就业", graduate=True) == []
    assert _codes(reason="搬家", remark="x" * 201) == ["REASON_INVALID", "REMARK_TOO_LONG"]


def test_num8_members_from_2020_need_an_approved_archive_for_another_system():
    assert rules.needs_archive("2020-01") and not rules.needs_archive("2019-12") and not rules.needs_archive(None)
