"""GraphQL multipart requests (uploads), before anything is parsed:

- CSRF: a browser sends a cross-site multipart form without a preflight, so such a request must carry a
  header that forces one (`Authorization`, which every upload needs anyway, or Apollo's
  `Apollo-Require-Preflight` / `X-Apollo-Operation-Name`). Without one it is refused with 400.
- Size: the multipart parser spools every file to disk before a resolver reads one, so the whole body is
  capped at what the largest request needs (uploadArchives: 20 files of 15 MB, NUM-7): a larger declared
  Content-Length is refused with 413, and a body that streams past the cap is cut off."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFLIGHT_HEADERS = (b"authorization", b"apollo-require-preflight", b"x-apollo-operation-name")
MAX_MULTIPART_BYTES = 20 * (15 * 1024 * 1024 + 1) + 1024 * 1024  # 20 archives (NUM-7) and the form around them


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
            declared = headers.get(b"content-length", b"")
            if multipart and declared.isdigit() and int(declared) > MAX_MULTIPART_BYTES:
                too_large = JSONResponse({"errors": [{"message": "上传的文件过大", "extensions": {
                    "code": "REQUEST_TOO_LARGE"}}]}, status_code=413)
                await too_large(scope, receive, send)
                return
            if multipart:
                receive = _capped(receive, MAX_MULTIPART_BYTES)
        await self.app(scope, receive, send)


def _capped(receive: Receive, limit: int) -> Receive:
    """The body as sent, until it passes the limit: then the client reads as gone (the parser stops)."""
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                return {"type": "http.disconnect"}
        return message

    return capped
