"""requestVerification, passVerificationOffline (MEM-13)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from zhtj.domain.membership import verification
from zhtj.graphql.context import Context
from zhtj.graphql.ids import decode_id
from zhtj.graphql.membership.mutations import MemberPayload, _payload
from zhtj.graphql.mutation import perform
from zhtj.infrastructure.files import LocalFiles


@strawberry.input(description="实名校验 (MEM-13) of one member, asked of the outside service now.")
class RequestVerificationInput:
    member_id: strawberry.ID


@strawberry.input(description="线下通过 (MEM-13): an admin checked the person's papers.")
class PassVerificationOfflineInput:
    member_id: strawberry.ID
    note: str = strawberry.field(description="线下核验说明: what was checked, and how.")
    photo: Upload = strawberry.field(description="A JPEG or PNG photo of the proof, at most 5 MB (multipart request).")


async def _read(upload: Any) -> bytes:
    """At most one byte past the limit is read: enough to tell that the file is too large. Anything but a file
    (a string sent in JSON instead of a multipart part) reads as no photo."""
    if not hasattr(upload, "read"):
        return b""
    content = await upload.read(verification.PHOTO_MAX_BYTES + 1)
    return content if isinstance(content, bytes) else b""


@strawberry.type
class VerificationMutation:
    @strawberry.mutation(description="发起实名校验 (MEM-13), by an admin in scope or the member: 校验通过 or "
                                     "校验不通过 (retried for 72 h) when the service answers, 校验中 while it cannot.")
    async def request_verification(self, info: Info[Context, Any], input: RequestVerificationInput) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        member, errors = await perform(info, lambda uow: verification.request_verification(
            uow=uow, clock=ctx.clock, viewer=viewer, verifier=ctx.services.verifier,
            member_id=decode_id(input.member_id, "Member")))
        return _payload(member, errors)

    @strawberry.mutation(description="线下通过 (MEM-13): an admin in scope passes the check offline with a note and a "
                                     "photo (JPEG or PNG, at most 5 MB); Member.verificationPhotoUrl serves it.")
    async def pass_verification_offline(self, info: Info[Context, Any],
                                        input: PassVerificationOfflineInput) -> MemberPayload:
        ctx = info.context
        viewer = ctx.require_viewer()
        photo = await _read(input.photo)
        files = LocalFiles(ctx.services.settings.files_dir)
        member, errors = await perform(info, lambda uow: verification.pass_verification_offline(
            uow=uow, clock=ctx.clock, viewer=viewer, files=files, member_id=decode_id(input.member_id, "Member"),
            note=input.note, photo=photo))
        return _payload(member, errors)
