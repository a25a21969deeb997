"""GET /members/{id}/archive: the application form PDF (NUM-6) for admins over the member's branch, as an
attachment that no cache keeps; `?replacement=1` serves a replacement waiting for review."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zhtj.domain.numbering import archives
from zhtj.graphql.context import Services
from zhtj.graphql.ids import decode_id
from zhtj.infrastructure import downloads
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


def archive_download(services: Services) -> Callable[[Request], Awaitable[Response]]:
    files = LocalFiles(services.settings.files_dir)

    async def endpoint(request: Request) -> Response:
        """401 without a live token; 404 for a member out of scope, unknown, or without a form."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        assert services.viewers is not None
        viewer = await services.viewers.viewer(token) if token else None
        if viewer is None:
            return JSONResponse({"error": "请先登录"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        async with SqlUnitOfWork(services.db.write_sessions) as uow:  # each download is audited
            member_id = decode_id(request.path_params["id"], "Member")
            stored = await archives.downloadable(uow=uow, clock=services.clock, viewer=viewer, member_id=member_id,
                                                 replacement=request.query_params.get("replacement") == "1")
            member = await uow.members.get(member_id) if stored and member_id else None
        content = await files.read(stored) if stored else None
        if content is None:
            return JSONResponse({"error": "文件不存在"}, status_code=404)
        name = f"{member.name if member else '团员'}入团志愿书.pdf"
        return Response(content, media_type="application/pdf", headers={
            "Content-Disposition": downloads.content_disposition(downloads.safe_file_name(name)),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    return endpoint
