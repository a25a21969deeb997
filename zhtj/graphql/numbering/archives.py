"""电子档案 over GraphQL (NUM-6, NUM-7): Member.archive, uploadArchive, uploadArchives, replaceArchive,
reviewArchive. Files come as GraphQL multipart requests (strawberry's Upload), which the app takes only with a
preflight-forcing header (graphql/uploads.py)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from zhtj.domain.identity.scope import administers
from zhtj.domain.membership.model import Member
from zhtj.domain.numbering import archives, rules
from zhtj.domain.numbering.model import Archive
from zhtj.domain.shared.errors import DomainError
from zhtj.graphql import uploads
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError, user_errors
from zhtj.graphql.ids import decode_id, encode_id
from zhtj.graphql.mutation import perform
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.pdf_check import PypdfChecker
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

CHECKER = PypdfChecker()


@strawberry.enum(description="电子档案 review (NUM-6).")
class ArchiveStatus(Enum):
    PENDING_REVIEW = "PENDING_REVIEW"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


@strawberry.type(name="Archive", description="电子档案 (NUM-6): the member's application form as one PDF.")
class ArchiveType:
    status: ArchiveStatus
    size: int = strawberry.field(description="Bytes.")
    sha256: str
    uploaded_at: datetime
    reviewed_at: datetime | None
    refusal: str | None = strawberry.field(description="Why the parent committee refused it.")
    download_url: str = strawberry.field(description="GET it with the bearer token: the PDF as an attachment.")
    replacement_pending: bool = strawberry.field(description="A replacement waits for a leading body's review.")
    replacement_url: str | None = strawberry.field(description="GET the waiting replacement, like downloadUrl.")
    replacement_refusal: str | None = strawberry.field(description="Why the last replacement was refused.")

    @classmethod
    def from_domain(cls, a: Archive) -> ArchiveType:
        url = f"/members/{encode_id('Member', a.member_id)}/archive"
        pending = a.replacement_name is not None
        return cls(status=ArchiveStatus(a.status), size=a.size, sha256=a.sha256, uploaded_at=a.uploaded_at,
                   reviewed_at=a.reviewed_at, refusal=a.refusal, download_url=url, replacement_pending=pending,
                   replacement_url=f"{url}?replacement=1" if pending else None,
                   replacement_refusal=a.replacement_refusal)


async def archive_of(info: Info[Context, Any], member: Member) -> ArchiveType | None:
    """Member.archive: for admins over the member's branch (NUM-6, ACC-4)."""
    ctx = info.context
    viewer = ctx.require_viewer(allow_initial_password=True, allow_pending=True)
    branch = await ctx.loaders.org_by_id.load(member.branch_id) if member.branch_id else None
    if branch is None or not administers(viewer, branch):
        return None
    found = await ctx.loaders.archive_by_member_id.load(member.id or 0)
    return ArchiveType.from_domain(found) if found else None


async def read_upload(upload: Any) -> bytes:
    """At most one byte past the 15 MB limit (NUM-6) is read (uploads.read_upload)."""
    return await uploads.read_upload(upload, rules.ARCHIVE_MAX_BYTES)


async def upload(info: Info[Context, Any], member_id: int | None, content: bytes, *, replacing: bool = False,
                 field: str = "file") -> tuple[Archive | None, list[UserError]]:
    """Checks (a read-only transaction: no writer waits for the PDF check), then stores in one transaction."""
    ctx = info.context
    viewer = ctx.require_viewer()
    try:
        async with SqlUnitOfWork(ctx.services.db.read_sessions) as uow:
            await archives.check_upload(uow=uow, viewer=viewer, pdf=CHECKER, member_id=member_id, content=content,
                                        replacing=replacing, field=field)
    except DomainError as error:
        return None, user_errors(error)
    files = LocalFiles(ctx.services.settings.files_dir)
    return await perform(info, lambda uow: archives.store_archive(
        uow=uow, clock=ctx.clock, viewer=viewer, files=files, member_id=member_id, content=content,
        replacing=replacing))


@strawberry.input(description="上传电子档案 (NUM-6): one PDF of at most 15 MB, by an admin of the member's branch or "
                              "above (a multipart request).")
class UploadArchiveInput:
    member_id: strawberry.ID
    file: Upload


@strawberry.input(description="批量上传 (NUM-7): up to 20 PDFs named 姓名+手机号码+入团志愿书.pdf.")
class UploadArchivesInput:
    files: list[Upload]


@strawberry.input(description="审核电子档案 (NUM-6): approve, or refuse with a reason.")
class ReviewArchiveInput:
    member_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.type
class ArchivePayload:
    archive: ArchiveType | None
    errors: list[UserError]


@strawberry.type(description="One file of a batch upload: the member it was matched to, or why not.")
class ArchiveUploadResult:
    file_name: str
    member_id: strawberry.ID | None
    archive: ArchiveType | None
    errors: list[UserError]


@strawberry.type
class UploadArchivesPayload:
    results: list[ArchiveUploadResult]
    errors: list[UserError]


def _payload(found: Archive | None, errors: list[UserError]) -> ArchivePayload:
    return ArchivePayload(archive=ArchiveType.from_domain(found) if found else None, errors=errors)


@strawberry.type
class ArchiveMutation:
    @strawberry.mutation(description="上传电子档案 (NUM-6): waits for the parent committee's review; once approved "
                                     "it is changed only by replaceArchive.")
    async def upload_archive(self, info: Info[Context, Any], input: UploadArchiveInput) -> ArchivePayload:
        content = await read_upload(input.file)
        return _payload(*await upload(info, decode_id(input.member_id, "Member"), content))

    @strawberry.mutation(description="更换电子档案 (NUM-6): a parent admin replaces an approved form; a leading body "
                                     "reviews the replacement, and the old file stays if it is refused.")
    async def replace_archive(self, info: Info[Context, Any], input: UploadArchiveInput) -> ArchivePayload:
        content = await read_upload(input.file)
        return _payload(*await upload(info, decode_id(input.member_id, "Member"), content, replacing=True))

    @strawberry.mutation(description="审核电子档案 (NUM-6): the parent committee (or above) reviews an upload, a "
                                     "leading body a replacement.")
    async def review_archive(self, info: Info[Context, Any], input: ReviewArchiveInput) -> ArchivePayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: archives.review_archive(
            uow=uow, clock=ctx.clock, viewer=viewer, member_id=decode_id(input.member_id, "Member"),
            approve=input.approve, reason=input.reason))
        return _payload(found, errors)

    @strawberry.mutation(description="批量上传电子档案 (NUM-7): each file is matched by its name and stored on its "
                                     "own, with its own result.")
    async def upload_archives(self, info: Info[Context, Any], input: UploadArchivesInput) -> UploadArchivesPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        if len(input.files) > rules.BATCH_MAX_FILES:
            error = UserError(code="ARCHIVE_BATCH_TOO_LARGE", message="一次最多上传20个文件", field="files",
                              rule="NUM-7")
            return UploadArchivesPayload(results=[], errors=[error])
        results = []
        for file in input.files:
            name = str(getattr(file, "filename", "") or "")
            try:
                async with SqlUnitOfWork(ctx.services.db.read_sessions) as uow:
                    member_id = await archives.member_for_file(uow=uow, viewer=viewer, file_name=name)
            except DomainError as error:
                results.append(ArchiveUploadResult(file_name=name, member_id=None, archive=None,
                                                   errors=user_errors(error)))
                continue
            found, errors = await upload(info, member_id, await read_upload(file), field="files")
            results.append(ArchiveUploadResult(
                file_name=name, member_id=strawberry.ID(encode_id("Member", member_id)),
                archive=ArchiveType.from_domain(found) if found else None, errors=errors))
        return UploadArchivesPayload(results=results, errors=[])
