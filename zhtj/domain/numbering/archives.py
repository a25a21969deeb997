"""电子档案 (NUM-6, NUM-7): upload, review and replacement of a member's application form.

An upload runs in two steps so that no write transaction waits for the PDF check (seconds, in a child
process): `check_upload` (scope first, then size, then the PDF) on a read-only unit of work, then
`store_archive`, which checks the scope and the state again, writes the file (temporary file, fsync,
rename) and only then commits the row. A crash in between leaves a file no row names, which
`files cleanup` removes; never a row naming a missing file (decision 0016)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administers, visible_member
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import Member
from zhtj.domain.numbering import rules
from zhtj.domain.numbering.model import ARCHIVE_APPROVED, ARCHIVE_PENDING, ARCHIVE_REFUSED, Archive
from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound
from zhtj.domain.shared.ports import FileStore, PdfChecker, UnitOfWork


@dataclass(frozen=True)
class Place:
    member: Member
    branch: Organization
    archive: Archive | None


async def _place(uow: UnitOfWork, viewer: Viewer, member_id: int | None, *, lock: bool = True) -> Place:
    """The member, their branch and archive, if the viewer administers the branch (ACC-4): the branch admin
    or anyone above (NUM-6); otherwise NOT_FOUND, as for a member who does not exist."""
    member = await visible_member(uow, viewer, member_id, "memberId")
    branch = await uow.organizations.get(member.branch_id) if member.branch_id else None
    if branch is None or not administers(viewer, branch):
        raise NotFound("memberId", "团员")
    assert member.id is not None
    archive = await (uow.archives.lock_for(member.id) if lock else uow.archives.of_member(member.id))
    return Place(member, branch, archive)


async def _above_branch(uow: UnitOfWork, viewer: Viewer, branch: Organization) -> bool:
    """An admin of the branch's parent committee or above (NUM-6's reviewer, ACC-4)."""
    parent = await uow.organizations.get(branch.parent_id) if branch.parent_id else None
    return parent is not None and administers(viewer, parent)


def _leading_body_above(viewer: Viewer, branch: Organization) -> bool:
    return not viewer.is_restricted and any(
        o.category == values.LEADING_BODY and is_within(branch.path, o.path) and o.path != branch.path
        for o in viewer.admin_of)


async def _state_problems(uow: UnitOfWork, viewer: Viewer, place: Place, replacing: bool) -> None:
    archive = place.archive
    if replacing:
        if archive is None or archive.status != ARCHIVE_APPROVED:
            raise DomainError.of("ARCHIVE_NOT_APPROVED", "电子档案尚未审核通过，请直接上传", "memberId", "NUM-6")
        if not await _above_branch(uow, viewer, place.branch):
            raise DomainError.of("ARCHIVE_REPLACE_BY_PARENT", "已审核通过的电子档案由上级组织更换", "memberId",
                                 "NUM-6")
        if archive.replacement_name is not None:
            raise DomainError.of("ARCHIVE_REPLACEMENT_PENDING", "已有待审核的更换申请", "memberId", "NUM-6")
    elif archive is not None and archive.status == ARCHIVE_APPROVED:
        message = "电子档案已审核通过，团支部不能再修改；如需更换请由上级组织办理"
        raise DomainError.of("ARCHIVE_APPROVED", message, "memberId", "NUM-6")


async def check_upload(*, uow: UnitOfWork, viewer: Viewer, pdf: PdfChecker, member_id: int | None, content: bytes,
                       replacing: bool = False, field: str = "file") -> None:
    """NUM-6 before anything is written: scope, the archive's state, size (counted on the bytes read), and
    the PDF itself (opens, not encrypted, at least one page, every page readable)."""
    place = await _place(uow, viewer, member_id, lock=False)  # nothing is written here: no lock held for pypdf
    await _state_problems(uow, viewer, place, replacing)
    await check_file(pdf, content, field)


async def check_file(pdf: PdfChecker, content: bytes, field: str = "file") -> None:
    """The file of an application form (NUM-6): size counted on the bytes read, then the PDF itself. Called
    only once the viewer may act on the member (scope first)."""
    problem = rules.archive_size_problem(len(content), field)
    if problem is None:
        problem = rules.pdf_problem(await pdf.check(content), field)
    if problem is not None:
        raise DomainError(problem)


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int


async def store_file(files: FileStore, content: bytes, field: str = "file") -> StoredFile:
    """Writes a checked form content-addressed under archives/ (temporary file, fsync, rename): whole on disk
    before the row that names it commits (decision 0016)."""
    problem = rules.archive_size_problem(len(content), field)
    if problem is not None:
        raise DomainError(problem)
    digest = hashlib.sha256(content).hexdigest()
    name = rules.archive_file_name(digest)
    await files.write(name, content)
    return StoredFile(name, digest, len(content))


async def store_archive(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, files: FileStore, member_id: int | None,
                        content: bytes, replacing: bool = False) -> Archive:
    """Writes a checked file (check_upload) and its row: a new or re-uploaded form waits for the parent
    committee's review; a replacement of an approved one waits beside it for a leading body's."""
    place = await _place(uow, viewer, member_id)
    await _state_problems(uow, viewer, place, replacing)
    stored = await store_file(files, content)  # whole and on disk before the row that names it commits
    name, digest = stored.name, stored.sha256
    now, member = clock.now(), place.member
    assert member.id is not None
    archive = place.archive
    if replacing:
        assert archive is not None
        archive.replacement_name, archive.replacement_sha256, archive.replacement_size = name, digest, len(content)
        archive.replacement_by, archive.replacement_at, archive.replacement_refusal = viewer.member.id, now, None
    elif archive is None:
        archive = Archive(member_id=member.id, stored_name=name, sha256=digest, size=len(content), uploaded_at=now,
                          uploaded_by=viewer.member.id)
        uow.archives.add(archive)
    else:
        archive.stored_name, archive.sha256, archive.size = name, digest, len(content)
        archive.uploaded_at, archive.uploaded_by, archive.status = now, viewer.member.id, ARCHIVE_PENDING
        archive.reviewed_by = archive.reviewed_at = archive.refusal = None
    audit.record(uow, clock, viewer.member.id, "replaceArchive" if replacing else "uploadArchive", member, digest)
    await uow.commit()
    return archive


async def review_archive(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None, approve: bool,
                         reason: str | None = None) -> Archive:
    """审核电子档案 (NUM-6): a form waiting for review is decided by the branch's parent committee (or above); a
    replacement of an approved form by a leading body above the branch. Refusing needs a reason; a refused
    replacement goes and the approved form stays."""
    place = await _place(uow, viewer, member_id)
    archive = place.archive
    if archive is None:
        raise DomainError.of("ARCHIVE_MISSING", "该团员尚未上传电子档案", "memberId", "NUM-6")
    reason = (reason or "").strip() or None
    replacement = archive.replacement_name is not None
    if not replacement and archive.status != ARCHIVE_PENDING:
        raise DomainError.of("ARCHIVE_NOT_PENDING", "该电子档案没有待审核的内容", "memberId", "NUM-6")
    if replacement and not _leading_body_above(viewer, place.branch):
        raise DomainError.of("ARCHIVE_REVIEW_BY_LEADING_BODY", "更换的电子档案由团的领导机关审核", "memberId", "NUM-6")
    if not replacement and not await _above_branch(uow, viewer, place.branch):
        raise DomainError.of("ARCHIVE_REVIEW_BY_PARENT", "电子档案由上级团组织审核", "memberId", "NUM-6")
    if not approve and reason is None:
        raise DomainError.of("REASON_REQUIRED", "请填写不通过的原因", "reason", "NUM-6")
    now = clock.now()
    if replacement and approve:
        archive.stored_name, archive.sha256 = archive.replacement_name or "", archive.replacement_sha256 or ""
        archive.size, archive.uploaded_at = archive.replacement_size or 0, archive.replacement_at or now
        archive.uploaded_by = archive.replacement_by
        archive.replacement_refusal = None
    elif replacement:
        archive.replacement_refusal = reason
    else:
        archive.status, archive.refusal = (ARCHIVE_APPROVED, None) if approve else (ARCHIVE_REFUSED, reason)
    if replacement:
        archive.replacement_name = archive.replacement_sha256 = None
        archive.replacement_size = archive.replacement_by = archive.replacement_at = None
    archive.reviewed_by, archive.reviewed_at = viewer.member.id, now
    action = ("approve" if approve else "refuse") + ("ArchiveReplacement" if replacement else "Archive")
    audit.record(uow, clock, viewer.member.id, action, place.member, reason or "")
    await uow.commit()
    return archive


async def downloadable(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None,
                       replacement: bool = False) -> str | None:
    """The stored name of the member's form (or of its waiting replacement) for an admin over the member's
    branch (NUM-6, ACC-4); None for anyone else or when there is none. Every download is audited."""
    try:
        place = await _place(uow, viewer, member_id, lock=False)
    except NotFound:
        return None
    archive = place.archive
    name = (archive.replacement_name if replacement else archive.stored_name) if archive else None
    if name is not None:
        audit.record(uow, clock, viewer.member.id, "downloadArchive", place.member, name)
        await uow.commit()
    return name


async def member_for_file(*, uow: UnitOfWork, viewer: Viewer, file_name: str) -> int:
    """NUM-7: the one member in the viewer's scope whose name and mobile the file is named for."""
    parsed = rules.batch_file_name(file_name)
    if parsed is None:
        message = "文件名须为“姓名+手机号码+入团志愿书.pdf”"
        raise DomainError.of("ARCHIVE_FILE_NAME", message, "files", "NUM-7")
    found = []
    for member in await uow.members.by_name_and_mobile(*parsed):
        branch = await uow.organizations.get(member.branch_id) if member.branch_id else None
        if branch is not None and administers(viewer, branch) and member.id is not None:
            found.append(member.id)
    if len(found) != 1:
        code, message = (("ARCHIVE_NO_MATCH", "未找到与文件名中姓名和手机号码相符的团员") if not found else
                         ("ARCHIVE_MANY_MATCHES", "有多名团员的姓名和手机号码与文件名相符，请逐个上传"))
        raise DomainError.of(code, message, "files", "NUM-7")
    return found[0]
