"""实名校验 (MEM-13): whether a member's name and ID number belong together, asked of an outside service.

States: 未校验 (not asked), 校验中 (asked, no answer yet), 校验通过, 校验不通过, 线下通过 (an admin checked
the papers, with a note and a photo). Only the name and the ID number matter: editing either resets the
state. A check the service could not answer, or answered "no", is asked again automatically for 72 hours
from its first try (`recheck_verifications`, run by `zhtj verify-pending` and by `zhtj serve`); after that an
unanswered check goes back to 未校验 and a failed one stays 校验不通过 for an admin to check offline.
A failed or missing check never blocks anything (MEM-16)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administers_member, manages_member, visible_member
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import Member
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import FileStore, NameIdVerifier, UnitOfWork

log = logging.getLogger("zhtj.verification")

NOT_CHECKED = "未校验"
CHECKING = "校验中"
PASSED = "校验通过"
FAILED = "校验不通过"
PASSED_OFFLINE = "线下通过"
STATES = (NOT_CHECKED, CHECKING, PASSED, FAILED, PASSED_OFFLINE)
PASSED_STATES = (PASSED, PASSED_OFFLINE)
RETRIED_STATES = (NOT_CHECKED, CHECKING, FAILED)  # with verification_started_at set: a check is under way
RETRY_WINDOW = timedelta(hours=72)  # MEM-13: failed checks are retried within 72 h
PHOTO_MAX_BYTES = 5 * 1024 * 1024
NOTE_MAX = 500
PHOTO_FOLDER = "verification"
_MAGIC = {"jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
ALREADY_PASSED = Problem("VERIFICATION_DONE", "该团员已通过实名校验", "memberId", "MEM-13")


def photo_kind(content: bytes) -> str | None:
    """"jpg" or "png" by the file's first bytes (its magic number), whatever its name says; else None."""
    return next((kind for kind, magics in _MAGIC.items() if content.startswith(magics)), None)


def photo_problems(content: bytes, field: str = "photo") -> list[Problem]:
    if not content:
        return [Problem("PHOTO_REQUIRED", "请上传线下核验照片", field, "MEM-13")]
    if len(content) > PHOTO_MAX_BYTES:
        return [Problem("PHOTO_TOO_LARGE", "照片不能超过5MB", field, "MEM-13")]
    if photo_kind(content) is None:
        return [Problem("PHOTO_TYPE", "照片须为JPG或PNG格式的图片", field, "MEM-13")]
    return []


def note_problems(note: str | None, field: str = "note") -> list[Problem]:
    text = (note or "").strip()
    if not text:
        return [Problem("NOTE_REQUIRED", "请填写线下核验说明", field, "MEM-13")]
    if len(text) > NOTE_MAX:
        return [Problem("NOTE_TOO_LONG", f"线下核验说明不能超过{NOTE_MAX}个字", field, "MEM-13")]
    return []


def reset(member: Member) -> None:
    """A new name or ID number: nothing known about the pair any more (MEM-13)."""
    member.verification = NOT_CHECKED
    member.verification_note = member.verification_photo = None
    member.verification_checked_at = member.verification_started_at = None


def queue(member: Member, now: datetime) -> None:
    """Asks for a check at the next round (a self-report, MEM-14); the state stays 未校验 until the outside
    service is asked, and a state already known stays."""
    if member.verification == NOT_CHECKED:
        member.verification_started_at = now


def record(member: Member, answer: bool | None, now: datetime) -> None:
    """The service's answer: True passes, False fails, None (no answer) leaves the check waiting (校验中).
    Both of the last two are retried within 72 h of the first try; a try after that window starts a new one."""
    started = member.verification_started_at
    if member.verification not in RETRIED_STATES or started is None or now - started >= RETRY_WINDOW:
        member.verification_started_at = now
    if answer is None:
        if member.verification != FAILED:  # no answer now does not undo an earlier "no"
            member.verification = CHECKING
        return
    member.verification_checked_at = now
    member.verification = PASSED if answer else FAILED
    if answer:
        member.verification_started_at = None


def retry_is_due(member: Member, now: datetime) -> bool:
    started = member.verification_started_at
    return member.verification in RETRIED_STATES and started is not None and now - started < RETRY_WINDOW


def give_up(member: Member) -> None:
    """72 h after the first try: an unanswered check goes back to 未校验; a failed one stays, for an admin."""
    if member.verification == CHECKING:
        member.verification = NOT_CHECKED
    member.verification_started_at = None


async def ask(verifier: NameIdVerifier, name: str, id_number: str) -> bool | None:
    """The outside service's answer; an error of the adapter counts as no answer (it never blocks anything)."""
    try:
        answer = await verifier.check(name, id_number)
    except Exception:
        log.exception("name/ID check: the verifier failed; treated as no answer")
        return None
    return answer if isinstance(answer, bool) else None


async def request_verification(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, verifier: NameIdVerifier,
                               member_id: int | None) -> Member:
    """发起实名校验, by an admin in scope or the member: the service is asked now, outside any transaction
    (nothing is locked while it answers); the answer is written only if name and ID number are unchanged."""
    member = await visible_member(uow, viewer, member_id, "memberId")
    if member.verification in PASSED_STATES:
        raise DomainError(ALREADY_PASSED)
    if not getattr(verifier, "configured", True):
        raise DomainError.of("VERIFIER_NOT_CONFIGURED", "实名校验服务尚未接入，请由管理员线下核验（线下通过）",
                             "memberId", "MEM-13")
    assert member.id is not None
    asked = (member.name, member.id_number)
    await uow.commit()
    answer = await ask(verifier, *asked)
    fresh = await uow.members.lock(member.id)
    if fresh is None:
        raise NotFound("memberId", "团员")
    if (fresh.name, fresh.id_number) == asked and fresh.verification not in PASSED_STATES:
        record(fresh, answer, clock.now())
        audit.record(uow, clock, viewer.member.id, "requestVerification", fresh, fresh.verification)
    await uow.commit()
    return fresh


async def pass_verification_offline(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, files: FileStore,
                                    member_id: int | None, note: str | None, photo: bytes) -> Member:
    """线下通过: an admin in scope checked the person's papers; a note and a JPEG or PNG photo (≤ 5 MB) are kept.
    Allowed in any state but passed: the outside service may be down for longer than people can wait."""
    member = await visible_member(uow, viewer, member_id, "memberId")
    problems: list[Problem] = []
    if not await manages_member(uow, viewer, member):
        problems.append(Problem("OFFLINE_CHECK_BY_ADMIN", "线下核验须由组织管理员办理", "memberId", "MEM-13"))
    elif member.verification in PASSED_STATES:
        problems.append(ALREADY_PASSED)
    problems += note_problems(note)
    problems += photo_problems(photo)
    if problems:
        raise DomainError(problems)
    assert member.id is not None
    locked = await uow.members.lock(member.id)
    assert locked is not None
    name = f"{PHOTO_FOLDER}/{secrets.token_hex(16)}.{photo_kind(photo)}"
    await files.write(name, photo)  # a rollback after this leaves only an unused file
    old = locked.verification_photo
    locked.verification, locked.verification_note = PASSED_OFFLINE, (note or "").strip()
    locked.verification_photo, locked.verification_checked_at = name, clock.now()
    locked.verification_started_at = None
    audit.record(uow, clock, viewer.member.id, "passVerificationOffline", locked, name)
    await uow.commit()
    if old:
        await files.remove(old)
    return locked


async def verification_photo(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None) -> str | None:
    """The stored name of the offline-check photo, for an admin in scope (ACC-4); every read is audited.
    None when there is none or the viewer may not see it (the same answer, never a leak)."""
    member = await uow.members.get(member_id) if member_id is not None else None
    if member is None or not member.verification_photo or not await administers_member(uow, viewer, member):
        return None
    audit.record(uow, clock, viewer.member.id, "readVerificationPhoto", member, member.verification_photo)
    await uow.commit()
    return member.verification_photo


def content_type(stored_name: str) -> str:
    return CONTENT_TYPES.get(stored_name.rsplit(".", 1)[-1], "application/octet-stream")


@dataclass
class RecheckSummary:
    checked: int = 0
    passed: int = 0
    failed: int = 0
    unanswered: int = 0
    ended: int = 0  # past the 72 h window: no more tries


async def recheck_verifications(*, uow: UnitOfWork, clock: Clock, verifier: NameIdVerifier,
                                batch: int = 100) -> RecheckSummary:
    """One round of automatic retries (MEM-13): every check still within 72 h of its first try is asked again;
    older ones end. Batches are read, asked outside any transaction, then written in one transaction each."""
    summary = RecheckSummary()
    if not getattr(verifier, "configured", True):
        return summary  # no outside service: requests wait, at 未校验, until one is plugged in
    after: int | None = None
    while True:
        found = await uow.members.unfinished_checks(batch, after)
        asked = [(m.id, m.name, m.id_number, retry_is_due(m, clock.now())) for m in found]
        await uow.commit()  # nothing is held while the service answers
        if not asked:
            return summary
        after = asked[-1][0]
        answers = {mid: await ask(verifier, name, number) if due else None for mid, name, number, due in asked}
        now = clock.now()
        for member_id, name, number, due in asked:
            assert member_id is not None
            member = await uow.members.lock(member_id)
            if member is None or (member.name, member.id_number) != (name, number):
                continue  # edited meanwhile: the answer is about a pair that no longer exists
            if member.verification not in RETRIED_STATES:
                continue
            if not due:
                give_up(member)
                summary.ended += 1
                continue
            summary.checked += 1
            record(member, answers[member_id], now)
            summary.passed += member.verification == PASSED
            summary.failed += answers[member_id] is False
            summary.unanswered += answers[member_id] is None
        await uow.commit()
