"""批量导入 (X-4, MEM-3): createImportTemplate, importMembers (a job run in the background), importJob to poll.

The file comes as a GraphQL multipart request (graphql/uploads.py: a header that forces a preflight, a live
token, the body capped). Scope first: the org is checked before a byte of the file is read; then the workbook
is checked as a whole (not a workbook, a ZIP bomb, too many rows, formulas, the other template) and refused
with one UserError on `file`; then the rows are entered by a job that the front end polls."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from zhtj.domain.membership import exports, imports
from zhtj.domain.shared.errors import DomainError
from zhtj.graphql import uploads
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError, user_errors
from zhtj.graphql.ids import decode_id, encode_id
from zhtj.infrastructure import downloads, excel, member_imports, member_workbooks
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

_RUNNING: set[asyncio.Task[Any]] = set()  # the jobs of this process, kept until they end


@strawberry.enum(description="导入模板 (X-4): which template; they cannot be mixed.")
class ImportKind(Enum):
    BRANCH_MEMBERS = strawberry.enum_value("BRANCH_MEMBERS", description="导入下级团支部团员团干部")
    COMMITTEE_CADRES = strawberry.enum_value("COMMITTEE_CADRES", description="导入本级团干部")


@strawberry.enum(description="导入状态: an import job's state.")
class ImportStatus(Enum):
    RUNNING = strawberry.enum_value("RUNNING", description="导入中: rows are being entered.")
    DONE = strawberry.enum_value("DONE", description="已完成: every row is entered or reported.")
    FAILED = strawberry.enum_value("FAILED", description="中断: an unexpected error; the rows entered stay, "
                                                         "uploading the same file again enters the rest.")


@strawberry.type(description="批量导入任务 (X-4): poll `importJob(id:)` until the status is no longer RUNNING.")
class ImportJob:
    id: strawberry.ID
    kind: ImportKind
    file_name: str
    status: ImportStatus
    rows_total: int = strawberry.field(description="总行数: data rows in the file.")
    rows_done: int = strawberry.field(description="已处理行数: rows checked so far; the entered ones among them "
                                                  "are committed.")
    imported: int = strawberry.field(description="成功导入: rows entered by this job.")
    already_entered: int = strawberry.field(description="此前已导入: rows whose person was already in that "
                                                        "branch (same ID number and name): an earlier upload's.")
    failed: int = strawberry.field(description="导入失败: rows refused, each with its reason in the workbook.")
    message: str | None = strawberry.field(description="成功导入 N 位团员，M 位团员导入失败, once done.")
    failed_rows_url: str | None = strawberry.field(description="失败数据: the failed rows as .xlsx with the reason "
                                                               "on each row, to fix and upload again (GET with the "
                                                               "token).")
    created_at: datetime = strawberry.field(description="上传时间.")
    finished_at: datetime | None = strawberry.field(description="完成时间, null while it runs.")

    @classmethod
    def of(cls, job: member_imports.Job) -> ImportJob:
        return cls(id=strawberry.ID(encode_id("ImportJob", job.id)), kind=ImportKind(job.kind), file_name=job.file_name,
                   status=ImportStatus(job.status), rows_total=job.rows_total, rows_done=job.rows_done,
                   imported=job.imported, already_entered=job.already_entered, failed=job.failed, message=job.message,
                   failed_rows_url=downloads.url(job.failed_download_id) if job.failed_download_id else None,
                   created_at=job.created_at, finished_at=job.finished_at)


@strawberry.input
class ImportMembersInput:
    org_id: strawberry.ID
    file: Upload
    kind: ImportKind = ImportKind.BRANCH_MEMBERS


@strawberry.type
class ImportMembersPayload:
    job: ImportJob | None = strawberry.field(description="导入任务: poll `importJob(id:)` with its id.")
    imported: int | None = strawberry.field(description="成功导入, as the job stood when this answer was made "
                                                        "(null while it runs); poll `importJob` for the end.")
    failed: int | None = strawberry.field(description="导入失败, as `imported`.")
    failed_rows_url: str | None = strawberry.field(description="失败数据下载, as `imported`.")
    errors: list[UserError]


@strawberry.input
class CreateImportTemplateInput:
    org_id: strawberry.ID
    kind: ImportKind = ImportKind.BRANCH_MEMBERS


@strawberry.type
class CreateImportTemplatePayload:
    url: str | None = strawberry.field(description="模板下载: GET it with the same bearer token, within 24 hours.")
    errors: list[UserError]


@strawberry.input
class ExportMembersInput:
    org_id: strawberry.ID
    full_id_numbers: bool = strawberry.field(default=False, description="完整身份证号: the full ID numbers instead "
                                                                        "of masked ones; the export is audited.")


@strawberry.type
class ExportMembersPayload:
    url: str | None = strawberry.field(description="导出文件: GET it with the same bearer token, within 24 hours.")
    count: int | None = strawberry.field(description="导出人数.")
    errors: list[UserError]


async def _target(ctx: Context, org_id: int | None, kind: imports.Kind) -> Any:
    async with SqlUnitOfWork(ctx.services.db.read_sessions) as uow:
        return await imports.import_target(uow=uow, viewer=ctx.require_viewer(), org_id=org_id, kind=kind)


@strawberry.type
class ImportMutation:
    @strawberry.mutation(description="导入模板下载 (X-4): the template as .xlsx, columns in Chinese with dropdowns; "
                                     "the branch-members one lists the branches under the org.")
    async def create_import_template(self, info: Info[Context, Any],
                                     input: CreateImportTemplateInput) -> CreateImportTemplatePayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        kind: imports.Kind = input.kind.value
        try:
            org = await _target(ctx, decode_id(input.org_id, "Organization"), kind)
        except DomainError as error:
            return CreateImportTemplatePayload(url=None, errors=user_errors(error))
        names: list[str] = []
        if kind == imports.BRANCH_MEMBERS:
            async with SqlUnitOfWork(ctx.services.db.read_sessions) as uow:
                names = sorted({b.full_name for b in await uow.organizations.branches_below(org.path)})
        content = await asyncio.to_thread(member_workbooks.template, kind, names)
        async with ctx.write() as uow:
            assert uow.session is not None and viewer.account.id is not None
            kept = await downloads.keep(uow.session, LocalFiles(ctx.services.settings.files_dir),
                                        account_id=viewer.account.id, file_name=member_workbooks.FILE_NAMES[kind],
                                        content=content, content_type=excel.XLSX, now=ctx.clock.now())
            await uow.commit()
        return CreateImportTemplatePayload(url=kept.url, errors=[])

    @strawberry.mutation(description="批量导入 (X-4, MEM-3): every row is checked with enterMember's rules (the "
                                     "import minimum of MEM-3); good rows are entered, bad ones come back in a "
                                     "workbook. Runs as a job: poll `importJob`.")
    async def import_members(self, info: Info[Context, Any], input: ImportMembersInput) -> ImportMembersPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        kind: imports.Kind = input.kind.value
        org_id = decode_id(input.org_id, "Organization")
        try:
            org = await _target(ctx, org_id, kind)  # scope first: the file is read only after this
            content = await uploads.read_upload(input.file, excel.MAX_UPLOAD_BYTES)
            rows = await asyncio.to_thread(member_workbooks.read, kind, content)
            if not rows:
                raise DomainError.of("IMPORT_FILE_EMPTY", "表格中没有可导入的数据", "file", "X-4")
        except DomainError as error:
            return ImportMembersPayload(job=None, imported=None, failed=None, failed_rows_url=None,
                                        errors=user_errors(error))
        s = ctx.services
        assert org.id is not None
        name = str(getattr(input.file, "filename", "") or "导入.xlsx")
        job = await member_imports.create(s.db, clock=s.clock, viewer=viewer, org_id=org.id, kind=kind,
                                          file_name=name, rows_total=len(rows))
        task = asyncio.create_task(member_imports.run(
            s.db, LocalFiles(s.settings.files_dir), clock=s.clock, hasher=s.hasher, viewer=viewer, job=job,
            rows=rows))
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
        return ImportMembersPayload(job=ImportJob.of(job), imported=None, failed=None, failed_rows_url=None,
                                    errors=[])


    @strawberry.mutation(description="导出团员 (X-4): the members of every branch at or under the org as .xlsx, ID "
                                     "numbers masked unless `fullIdNumbers` (then the export is audited).")
    async def export_members(self, info: Info[Context, Any], input: ExportMembersInput) -> ExportMembersPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        s = ctx.services
        try:
            async with SqlUnitOfWork(s.db.write_sessions) as uow:
                org, people = await exports.members_to_export(
                    uow=uow, clock=s.clock, viewer=viewer, org_id=decode_id(input.org_id, "Organization"),
                    full_id_numbers=input.full_id_numbers)
        except DomainError as error:
            return ExportMembersPayload(url=None, count=None, errors=user_errors(error))
        content = await asyncio.to_thread(member_workbooks.export, people, full_id_numbers=input.full_id_numbers)
        async with ctx.write() as uow:
            assert uow.session is not None and viewer.account.id is not None
            kept = await downloads.keep(uow.session, LocalFiles(s.settings.files_dir), account_id=viewer.account.id,
                                        file_name=f"团员名单-{org.short_name}.xlsx", content=content,
                                        content_type=excel.XLSX, now=s.clock.now())
            await uow.commit()
        return ExportMembersPayload(url=kept.url, count=len(people), errors=[])


@strawberry.type
class ImportQuery:
    @strawberry.field(description="导入任务 (X-4): an import job of yours; null for anyone else's or an unknown id.")
    async def import_job(self, info: Info[Context, Any], id: strawberry.ID) -> ImportJob | None:
        return await own_job(info.context, info.context.require_viewer(), id)


async def own_job(ctx: Context, viewer: Any, raw_id: str) -> ImportJob | None:
    """The job if the viewer started it (X-4, ACC-4): anyone else's answers as an unknown id."""
    job = await member_imports.get(ctx.services.db, decode_id(raw_id, "ImportJob"))
    return ImportJob.of(job) if job is not None and job.account_id == viewer.account.id else None
