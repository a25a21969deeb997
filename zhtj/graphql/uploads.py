"""CSRF for GraphQL multipart requests (uploads): a browser sends a cross-site multipart form without a
preflight, so such a request must carry a header that forces one (`Authorization`, which every upload
needs anyway, or Apollo's `Apollo-Require-Preflight` / `X-Apollo-Operation-Name`). Without one it is
refused with 400 before anything is parsed."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

PREFLIGHT_HEADERS = (b"authorization", b"apollo-require-preflight", b"x-apollo-operation-name")


class PreflightOnlyUploads:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            headers = dict(scope.get("headers") or [])
            multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
            if multipart and not any(headers.get(name, b"").strip() for name in PREFLIGHT_HEADERS):
                refused = JSONResponse({"errors": [{"message": "上传文件的请求须带 Authorization 或 "
                                                               "Apollo-Require-Preflight 请求头",
                                                    "extensions": {"code": "CSRF_PREFLIGHT_REQUIRED"}}]},
                                       status_code=400)
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)
