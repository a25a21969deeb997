"""GET /organizations/{id}/progress.xlsx[?domain=学校]: the entry progress (X-3) of an org's direct children and
its total as a workbook, for the org's admins, through the same bearer-token gate as the other downloads
(numbering/routes.py): 401 without a live token, 404 for an org out of scope or unknown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zhtj.domain.identity.scope import administers
from zhtj.domain.shared import values
from zhtj.graphql.context import Services
from zhtj.graphql.ids import decode_id
from zhtj.graphql.numbering.routes import UNAUTHORIZED, _viewer
from zhtj.infrastructure import downloads, excel
from zhtj.infrastructure import progress as reads
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork


def progress_download(services: Services) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        viewer = await _viewer(services, request)
        if viewer is None:
            return JSONResponse({"error": "请先登录"}, **UNAUTHORIZED)
        domain = request.query_params.get("domain") or None
        org_id = decode_id(request.path_params["id"], "Organization")
        async with SqlUnitOfWork(services.db.read_sessions) as uow:
            assert uow.session is not None
            org = await uow.organizations.get(org_id) if org_id else None
            if org is None or not administers(viewer, org):
                return JSONResponse({"error": "组织不存在"}, status_code=404)
            if domain is not None and domain not in values.DOMAINS:
                return JSONResponse({"error": f"统计领域须为：{'、'.join(values.DOMAINS)}"}, status_code=400)
            subtree = await reads.subtree(uow.session, org)
            progress = subtree.progress(domain)
            names = {o.id: o.full_name for o in await reads.orgs_by_id(uow.session, [c.id for c in subtree.children])}
        rows = excel.progress_rows([(names.get(c.id, ""), t) for c, t in progress.by_child]
                                   + [(excel.PROGRESS_TOTAL, progress.total)])
        content = await asyncio.to_thread(excel.workbook, "录入进度", excel.PROGRESS_HEADER, rows)
        name = f"{org.full_name}录入进度{'（' + domain + '）' if domain else ''}.xlsx"
        return Response(content, media_type=excel.XLSX, headers={
            "Content-Disposition": downloads.content_disposition(downloads.safe_file_name(name)),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    return endpoint
