"""GraphiQL from the package (docs/decisions/0014): the page at GET /graphql and the files it loads,
vendored in static/graphiql/ (scripts/vendor_graphiql.sh), so the page works on an intranet or offline.

The files are served at /graphql/static/<digest>/<file>, where the digest is taken from their contents:
a browser may keep them for a year, and new files get a new URL."""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from importlib import resources

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

ASSETS_PATH = "/graphql/static"
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_IMMUTABLE = "public, max-age=31536000, immutable"


class Assets:
    """The vendored .js and .css files, read once from the installed package."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.digest = _digest(files)
        self._gzipped: dict[str, bytes] = {}

    @classmethod
    def from_package(cls) -> Assets:
        folder = resources.files("zhtj.graphql").joinpath("static", "graphiql")
        return cls({f.name: f.read_bytes() for f in folder.iterdir()
                    if f.is_file() and _suffix(f.name) in CONTENT_TYPES})

    async def gzipped(self, name: str) -> bytes:
        if name not in self._gzipped:  # once per file; graphiql.min.js shrinks from 3.5 MB to under 1 MB
            self._gzipped[name] = await anyio.to_thread.run_sync(_gzip, self.files[name])
        return self._gzipped[name]

    def url_prefix(self, root_path: str = "") -> str:
        return f"{root_path}{ASSETS_PATH}/{self.digest}"


@cache
def vendored() -> Assets:
    return Assets.from_package()


@cache
def _template() -> str:
    return resources.files("zhtj.graphql").joinpath("static", "graphiql.html").read_text(encoding="utf-8")


def graphiql_html(root_path: str = "") -> str:
    """The GraphiQL page; `root_path` is the prefix the app is served under, if any."""
    return _template().replace("{{assets}}", vendored().url_prefix(root_path))


class PackagedGraphiQL:
    """For strawberry's ASGI view (first among its bases): GET /graphql from a browser gets this GraphiQL."""

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_html(request.scope.get("root_path", "")),
                            headers={"Cache-Control": "no-cache"})  # so a new digest is seen at once


async def _asset(request: Request) -> Response:
    assets = vendored()
    name = request.path_params["name"]
    if request.path_params["digest"] != assets.digest or name not in assets.files:
        return PlainTextResponse("Not Found", status_code=404)
    headers = {"Cache-Control": _IMMUTABLE, "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff"}
    content = assets.files[name]
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        content = await assets.gzipped(name)
        headers["Content-Encoding"] = "gzip"
    return Response(content, media_type=CONTENT_TYPES[_suffix(name)], headers=headers)


ASSETS_ROUTE = Route(ASSETS_PATH + "/{digest}/{name}", _asset, methods=["GET"], name="graphiql-assets")


def _digest(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()[:16]


def _suffix(name: str) -> str:
    return name[name.rfind("."):] if "." in name else ""


def _gzip(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=6, mtime=0)


def _accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().removeprefix("q=").strip()
            return not q or _quality(q) > 0
    return False


def _quality(q: str) -> float:
    try:
        return float(q)
    except ValueError:
        return 1.0
