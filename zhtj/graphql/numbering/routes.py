"""GET /members/{id}/archive: the application form PDF (NUM-6) for admins over the member's branch, as an
attachment that no cache keeps; `?replacement=1` serves a replacement waiting for review.
GET /number-releases/{id}/form: the form a release request carries (NUM-4), the same way, for the request's
deciders and the admins over the member's branch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zhtj.domain.identity.services import Viewer
from zhtj.domain.numbering import archives
from zhtj.domain.numbering import services as numbering
from zhtj.graphql.context import Services
from zhtj.graphql.ids import decode_id
from zhtj.infrastructure import downloads
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


async def _viewer(services: Services, request: Request) -> Viewer | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    assert services.viewers is not None
    return await services.viewers.viewer(token) if token else None


UNAUTHORIZED = {"status_code": 401, "headers": {"WWW-Authenticate": "Bearer"}}


def _pdf(content: bytes | None, member_name: str | None) -> Response:
    if content is None:
        return JSONResponse({"error": "文件不存在"}, status_code=404)
    name = f"{member_name or '团员'}入团志愿书.pdf"
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": downloads.content_disposition(downloads.safe_file_name(name)),
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def archive_download(services: Services) -> Callable[[Request], Awaitable[Response]]:
    files = LocalFiles(services.settings.files_dir)

    async def endpoint(request: Request) -> Response:
        """401 without a live token; 404 for a member out of scope, unknown, or without a form."""
        viewer = await _viewer(services, request)
        if viewer is None:
            return JSONResponse({"error": "请先登录"}, **UNAUTHORIZED)
        async with SqlUnitOfWork(services.db.write_sessions) as uow:  # each download is audited
            member_id = decode_id(request.path_params["id"], "Member")
            stored = await archives.downloadable(uow=uow, clock=services.clock, viewer=viewer, member_id=member_id,
                                                 replacement=request.query_params.get("replacement") == "1")
            member = await uow.members.get(member_id) if stored and member_id else None
        return _pdf(await files.read(stored) if stored else None, member.name if member else None)

    return endpoint


def release_form_download(services: Services) -> Callable[[Request], Awaitable[Response]]:
    files = LocalFiles(services.settings.files_dir)

    async def endpoint(request: Request) -> Response:
        """401 without a live token; 404 for a request out of scope, unknown, or without a form."""
        viewer = await _viewer(services, request)
        if viewer is None:
            return JSONResponse({"error": "请先登录"}, **UNAUTHORIZED)
        async with SqlUnitOfWork(services.db.write_sessions) as uow:  # each download is audited
            release_id = decode_id(request.path_params["id"], "NumberRelease")
            stored = await numbering.release_form(uow=uow, clock=services.clock, viewer=viewer, release_id=release_id)
            release = await uow.releases.get(release_id) if stored and release_id else None
            member = await uow.members.get(release.member_id) if release else None
        return _pdf(await files.read(stored) if stored else None, member.name if member else None)

    return endpoint
