"""Name/ID check rules (MEM-13) and self-report states (MEM-14, ACC-2), without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from zhtj.domain.membership import self_report, verification
from zhtj.domain.membership.model import ACTIVE, AWAITING_REVIEW, RETURNED, WITHDRAWN, Member

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 20


def person(**fields) -> Member:
    return Member(name="张三", id_number="110101200001010011", gender="男", birth_date=date(2000, 1, 1),
                  **fields)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


class Members:
    """Just what a round of retries uses."""

    def __init__(self, rows: list[Member]):
        self.rows = rows

    async def unfinished_checks(self, limit: int, after_id: int | None) -> list[Member]:
        found = [m for m in self.rows if m.verification in verification.RETRIED_STATES
                 and m.verification_started_at is not None and (after_id is None or m.id > after_id)]
        return sorted(found, key=lambda m: m.id)[:limit]

    async def lock(self, member_id: int) -> Member | None:
        return next((m for m in self.rows if m.id == member_id), None)


class Uow:
    def __init__(self, rows: list[Member]):
        self.members = Members(rows)
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1


class Verifier:
    def __init__(self, answer, on_ask=None):
        self.answer, self.on_ask, self.asked = answer, on_ask, []

    async def check(self, name: str, id_number: str):
        self.asked.append(name)
        if self.on_ask:
            self.on_ask()
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(("content", "kind"), [(PNG, "png"), (JPEG, "jpg"), (b"%PDF-1.7", None), (b"", None),
                                               (b"\xff\xd8", None), (b"GIF89a", None)])
def test_mem_13_a_photo_is_known_by_its_first_bytes(content, kind):
    assert verification.photo_kind(content) == kind


def test_mem_13_photo_and_note_problems():
    assert verification.photo_problems(JPEG) == []
    assert [p.code for p in verification.photo_problems(b"")] == ["PHOTO_REQUIRED"]
    assert [p.code for p in verification.photo_problems(b"%PDF")] == ["PHOTO_TYPE"]
    too_large = PNG + b"\0" * (verification.PHOTO_MAX_BYTES - len(PNG) + 1)
    assert [p.code for p in verification.photo_problems(too_large)] == ["PHOTO_TOO_LARGE"]
    assert verification.photo_problems(too_large[:-1]) == []
    assert [p.code for p in verification.note_problems("  ")] == ["NOTE_REQUIRED"]
    assert [p.code for p in verification.note_problems("说" * 501)] == ["NOTE_TOO_LONG"]
    assert all(p.rule == "MEM-13" for p in verification.note_problems(None))


def test_mem_13_answers_move_the_state():
    member = person()
    verification.record(member, None, NOW)
    assert (member.verification, member.verification_started_at, member.verification_checked_at) == (
        "校验中", NOW, None)
    later = NOW + timedelta(hours=5)
    verification.record(member, False, later)
    assert (member.verification, member.verification_started_at) == ("校验不通过", NOW)  # the window stays
    verification.record(member, None, later + timedelta(hours=1))
    assert member.verification == "校验不通过"  # no answer does not undo an earlier "no"
    verification.record(member, True, later + timedelta(hours=2))
    assert member.verification == "校验通过" and member.verification_started_at is None
    assert member.verification_checked_at == later + timedelta(hours=2)


def test_mem_13_a_try_after_the_window_starts_a_new_one():
    member = person(verification="校验不通过", verification_started_at=NOW - timedelta(hours=100))
    verification.record(member, False, NOW)
    assert member.verification_started_at == NOW


def test_mem_13_retries_last_72_hours_then_end():
    started = NOW - timedelta(hours=71, minutes=59)
    failing = person(verification="校验不通过", verification_started_at=started)
    assert verification.retry_is_due(failing, NOW)
    assert not verification.retry_is_due(failing, started + verification.RETRY_WINDOW)
    assert not verification.retry_is_due(person(verification="校验通过", verification_started_at=started), NOW)
    verification.give_up(failing)
    assert (failing.verification, failing.verification_started_at) == ("校验不通过", None)
    waiting = person(verification="校验中", verification_started_at=started)
    verification.give_up(waiting)
    assert waiting.verification == "未校验"


def test_mem_13_reset_forgets_everything_and_queue_only_starts_from_nothing():
    member = person(verification="线下通过", verification_note="核对原件", verification_photo="verification/a.png",
                    verification_checked_at=NOW)
    verification.queue(member, NOW)
    assert member.verification == "线下通过"
    verification.reset(member)
    assert (member.verification, member.verification_note, member.verification_photo,
            member.verification_checked_at) == ("未校验", None, None, None)
    verification.queue(member, NOW)  # asked at the next round; nothing is known before that
    assert (member.verification, member.verification_started_at) == ("未校验", NOW)


async def test_mem_13_a_round_asks_due_checks_and_drops_answers_about_edited_people():
    rows = [person(id=1, verification="校验不通过", verification_started_at=NOW - timedelta(hours=1)),
            person(id=2, verification="校验中", verification_started_at=NOW - timedelta(hours=2)),
            person(id=3, verification="校验中", verification_started_at=NOW - timedelta(hours=73)),
            person(id=4, verification="校验通过")]

    def rename() -> None:
        rows[1].name = "李四"  # edited while the service was answering

    uow = Uow(rows)
    summary = await verification.recheck_verifications(uow=uow, clock=Clock(NOW), verifier=Verifier(True, rename),
                                                       batch=2)
    assert [m.verification for m in rows] == ["校验通过", "校验中", "未校验", "校验通过"]
    assert (summary.checked, summary.passed, summary.ended) == (1, 1, 1)
    assert uow.commits >= 4  # reads and writes in separate transactions, batch by batch


async def test_mem_13_a_failing_verifier_counts_as_no_answer():
    rows = [person(id=1, verification="校验中", verification_started_at=NOW - timedelta(hours=1))]
    summary = await verification.recheck_verifications(uow=Uow(rows), clock=Clock(NOW),
                                                       verifier=Verifier(RuntimeError("down")))
    assert summary.unanswered == 1 and rows[0].verification == "校验中"


def test_acc_2_a_report_expires_after_30_days():
    submitted = NOW - timedelta(days=30)
    waiting = person(status=AWAITING_REVIEW, report_submitted_at=submitted + timedelta(seconds=1))
    assert self_report.report_status(waiting, NOW) == AWAITING_REVIEW
    waiting.report_submitted_at = submitted
    assert self_report.report_status(waiting, NOW) == self_report.EXPIRED
    for status in (ACTIVE, RETURNED, WITHDRAWN):
        assert self_report.report_status(person(status=status, report_submitted_at=submitted), NOW) == status


@pytest.mark.parametrize(("status", "approve", "reason", "expected"), [
    (AWAITING_REVIEW, True, None, []),
    (AWAITING_REVIEW, False, "资料不全", []),
    (AWAITING_REVIEW, False, " ", ["REASON_REQUIRED"]),
    (AWAITING_REVIEW, False, "长" * 201, ["REASON_TOO_LONG"]),
    (self_report.EXPIRED, True, None, ["SELF_REPORT_EXPIRED"]),
    (RETURNED, False, None, ["SELF_REPORT_NOT_AWAITING", "REASON_REQUIRED"]),
    (ACTIVE, True, None, ["SELF_REPORT_NOT_AWAITING"]),
])
def test_mem_14_review_problems(status, approve, reason, expected):
    assert [p.code for p in self_report.review_problems(status, approve, reason)] == expected
