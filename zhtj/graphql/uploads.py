"""What a POST to /graphql may send, decided before its body is read (decision 0018):

- JSON (and any other body that is not multipart): at most MAX_JSON_BYTES. A larger declared Content-Length is
  refused with 413 at once; a body without one (chunked) is read up to the cap and refused when it passes it.
- Multipart (uploads): a browser sends a cross-site multipart form without a preflight, so such a request must
  carry a header that forces one (`Authorization`, or Apollo's `Apollo-Require-Preflight` /
  `X-Apollo-Operation-Name`), else 400. Every upload needs a live token: the multipart parser spools every file
  to disk before a resolver runs, so a request without one is refused with 401 before a byte is read.
- Size of multipart: the whole body is capped at what the largest request needs (uploadArchives: 20 files of
  15 MB, NUM-7): a larger declared Content-Length is refused with 413, and a body that streams past the cap is
  cut off."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFLIGHT_HEADERS = (b"authorization", b"apollo-require-preflight", b"x-apollo-operation-name")
MAX_MULTIPART_BYTES = 20 * (15 * 1024 * 1024 + 1) + 1024 * 1024  # 20 archives (NUM-7) and the form around them
MAX_JSON_BYTES = 1024 * 1024  # a GraphQL request: 5,000 tokens and variables of at most 1,000 characters each


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status)


TOO_LARGE = (413, "REQUEST_TOO_LARGE", "请求体过大")


class PreflightOnlyUploads:
    """`viewers` answers who is behind a token (infrastructure/viewers.py); without it tokens are not checked."""

    def __init__(self, app: ASGIApp, viewers: Any = None):
        self.app = app
        self.viewers = viewers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit = MAX_MULTIPART_BYTES if multipart else MAX_JSON_BYTES
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refusal(*TOO_LARGE)(scope, receive, send)
            return
        if not multipart:
            if not declared.isdigit():  # chunked: read here, up to the cap, and handed on as one message
                body = await _read_up_to(receive, limit)
                if body is None:
                    await _refusal(*TOO_LARGE)(scope, receive, send)
                    return
                receive = _replay(body, receive)
            await self.app(scope, receive, send)
            return
        if not any(headers.get(name, b"").strip() for name in PREFLIGHT_HEADERS):
            await _refusal(400, "CSRF_PREFLIGHT_REQUIRED",
                           "上传文件的请求须带 Authorization 或 Apollo-Require-Preflight 请求头")(scope, receive, send)
            return
        if self.viewers is not None and not await self._live_token(headers.get(b"authorization", b"")):
            await _refusal(401, "UNAUTHENTICATED", "请先登录")(scope, receive, send)
            return
        await self.app(scope, _capped(receive, MAX_MULTIPART_BYTES), send)

    async def _live_token(self, header: bytes) -> bool:
        scheme, _, token = header.decode("latin-1").partition(" ")
        token = token.strip()
        return scheme.lower() == "bearer" and bool(token) and await self.viewers.viewer(token) is not None


async def read_upload(upload: Any, limit: int) -> bytes:
    """An uploaded file's bytes, at most one past `limit`: the limit counts the bytes, not a declared size.
    Anything but a file (a string sent in JSON instead of a multipart part) reads as an empty file."""
    if not hasattr(upload, "read"):
        return b""
    content = await upload.read(limit + 1)
    return content if isinstance(content, bytes) else b""


async def _read_up_to(receive: Receive, limit: int) -> bytes | None:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return bytes(body)
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


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
