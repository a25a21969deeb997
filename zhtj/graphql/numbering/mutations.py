"""allocateSegment (NUM-2), requestNumberRelease and reviewNumberRelease (NUM-4): thin resolvers."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from zhtj.domain.numbering import services
from zhtj.domain.numbering.model import NumberRelease
from zhtj.domain.shared.errors import DomainError
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError, user_errors
from zhtj.graphql.ids import decode_id
from zhtj.graphql.mutation import perform
from zhtj.graphql.numbering.archives import CHECKER, read_upload
from zhtj.graphql.numbering.types import NumberReleaseType, SegmentType
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


@strawberry.input(description="新增号段 (NUM-2): start and end are 12-digit numbers of one year, equal for a single "
                              "number; by an admin of the org's parent or above.")
class AllocateSegmentInput:
    org_id: strawberry.ID
    start: str
    end: str
    domain: str = strawberry.field(description="学校领域 or 社会领域 (valueLists.numberDomains).")
    school_level: str | None = strawberry.field(default=None, description="学段 in the school domain "
                                                                          "(valueLists.schoolLevels).")


@strawberry.type
class SegmentPayload:
    segment: SegmentType | None
    errors: list[UserError]


@strawberry.input(description="申请释放编号 (NUM-4): the member (managed by you) is to get a number another holds; "
                              "a multipart request carrying the member's application form (入团志愿书).")
class RequestNumberReleaseInput:
    member_id: strawberry.ID
    development_number: str
    file: Upload = strawberry.field(description="The new member's 入团志愿书: one PDF of at most 15 MB, checked as "
                                                "uploadArchive checks it (NUM-6).")
    reason: str | None = None


@strawberry.input(description="审核释放申请 (NUM-4): approve, or refuse with a reason.")
class ReviewNumberReleaseInput:
    release_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.type
class NumberReleasePayload:
    release: NumberReleaseType | None
    errors: list[UserError]


def _release(found: NumberRelease | None, errors: list[UserError]) -> NumberReleasePayload:
    return NumberReleasePayload(release=NumberReleaseType.from_domain(found) if found else None, errors=errors)


@strawberry.type
class NumberingMutation:
    @strawberry.mutation(description="新增号段 (NUM-2): never overlapping; inside the segment of an org above, if any.")
    async def allocate_segment(self, info: Info[Context, Any], input: AllocateSegmentInput) -> SegmentPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        segment, errors = await perform(info, lambda uow: services.allocate_segment(
            uow=uow, clock=ctx.clock, viewer=viewer, org_id=decode_id(input.org_id, "Organization"),
            start=input.start, end=input.end, domain=input.domain, school_level=input.school_level))
        return SegmentPayload(segment=SegmentType.from_domain(segment) if segment else None, errors=errors)

    @strawberry.mutation(description="申请释放编号 (NUM-4): with the member's application form, which becomes their "
                                     "e-archive on approval if they have none.")
    async def request_number_release(self, info: Info[Context, Any],
                                     input: RequestNumberReleaseInput) -> NumberReleasePayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        member_id = decode_id(input.member_id, "Member")
        content = await read_upload(input.file)
        try:  # a read-only transaction: no writer waits for the PDF check (decision 0016)
            async with SqlUnitOfWork(ctx.services.db.read_sessions) as uow:
                await services.check_release_request(uow=uow, viewer=viewer, pdf=CHECKER, member_id=member_id,
                                                     number=input.development_number, content=content)
        except DomainError as error:
            return _release(None, user_errors(error))
        files = LocalFiles(ctx.services.settings.files_dir)
        found, errors = await perform(info, lambda uow: services.request_number_release(
            uow=uow, clock=ctx.clock, viewer=viewer, files=files, member_id=member_id,
            number=input.development_number, content=content, reason=input.reason))
        return _release(found, errors)

    @strawberry.mutation(description="审核释放申请 (NUM-4): approval moves the number at once.")
    async def review_number_release(self, info: Info[Context, Any],
                                    input: ReviewNumberReleaseInput) -> NumberReleasePayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        found, errors = await perform(info, lambda uow: services.review_number_release(
            uow=uow, clock=ctx.clock, viewer=viewer, release_id=decode_id(input.release_id, "NumberRelease"),
            approve=input.approve, reason=input.reason))
        return _release(found, errors)
