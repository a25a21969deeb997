"""create_app(): Starlette with the GraphQL route and /healthz, wired with settings, database,
clock and password hasher. Nothing opens a database at import time."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import hmac
import ipaddress
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import OperationType as GraphQLOperationType
from graphql import get_operation_ast
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import process_result
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from zhtj import settings as settings_module
from zhtj.domain.membership import verification
from zhtj.domain.shared.clock import Clock, SystemClock
from zhtj.domain.shared.errors import AccessDenied, ServiceBusy
from zhtj.domain.shared.ports import CodeSender, NameIdVerifier, PasswordHasher
from zhtj.graphql.context import Context, Services
from zhtj.graphql.documents import documents
from zhtj.graphql.ide import ASSETS_ROUTE, PackagedGraphiQL
from zhtj.graphql.ids import decode_id
from zhtj.graphql.numbering.routes import archive_download, release_form_download
from zhtj.graphql.persisted import PersistedDocuments
from zhtj.graphql.schema import schema
from zhtj.graphql.search.routes import progress_download
from zhtj.graphql.uploads import PREFLIGHT_HEADERS, PreflightOnlyUploads
from zhtj.infrastructure import downloads, jobs, logs, metrics, verification_rounds
from zhtj.infrastructure.db import create_database, is_busy
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.messages import OutboxSender
from zhtj.infrastructure.passwords import Argon2Hasher, HashSlots
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork
from zhtj.infrastructure.verifier import default_verifier
from zhtj.infrastructure.viewers import ViewerCache
from zhtj.settings import Settings

log = logging.getLogger("zhtj")
access_log = logging.getLogger("zhtj.access")
LOOPBACK = frozenset({"127.0.0.1", "::1"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_CONTEXTS = "zhtj.contexts"
_REQUEST_ID_KEY = "zhtj.request_id"
NOT_AN_OBJECT = "请求体必须是 JSON 对象"
_REFUSALS = {  # strawberry's words for a request it cannot read, as our users read them
    "Unable to parse request body as JSON": "请求体不是有效的 JSON",
    "Batching is not enabled": "不支持批量请求，请一次发送一个查询",
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询",
    "Unsupported content type": "不支持的 Content-Type，请使用 application/json",
    "Not Found": "未找到",  # GET /graphql from a browser with ZHTJ_GRAPHIQL off
}


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_REQUEST_KEYS = {"query", "variables", "operationName", "extensions"}
_STREAMED = ("multipart/mixed", "text/event-stream")  # strawberry's streaming transports answer those
_ANSWERED_HERE = (GraphQLOperationType.QUERY, GraphQLOperationType.MUTATION)
_POST_OPERATIONS = OperationType.from_http("POST")


def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """ZHTJ_TRUSTED_PROXIES as networks; a bad entry stops the start, it is never silently dropped."""
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(peer: str | None, forwarded_for: str, trusted: tuple[Network, ...]) -> str | None:
    """The caller's address: the peer's own, unless the peer is a trusted proxy; then the last address in
    X-Forwarded-For that is not a trusted proxy (each proxy appends the address it was called from, and only
    what our own proxies appended can be believed)."""
    if not trusted or peer is None or not _among(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _among(hop, trusted):
            return hop if _is_address(hop) else peer
    return hops[0] if hops else peer


def _among(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """ZHTJ_CORS_ORIGINS (decision 0040): the pages of these origins may call the API; no origin is allowed by
    default. Tokens travel in Authorization, never in cookies, so no credentials. The upload rule stays as it is
    (uploads.py): a multipart POST still needs a header that forces a preflight, and only an allowed origin's
    preflight is answered. Content-Disposition is exposed for the downloads' file names."""
    if not origins:
        return []
    return [Middleware(
        CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Request-ID", *(h.decode().title() for h in PREFLIGHT_HEADERS)],
        expose_headers=["X-Request-ID", "Content-Disposition"], allow_credentials=False, max_age=600)]


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws as strawberry speaks it, with persisted documents (graphql/persisted.py): a subscribe
    message may name its document by hash, and under ZHTJ_PERSISTED_ONLY only registered texts run here too."""

    async def handle_subscribe(self, message: Any) -> None:
        persisted = self.context.services.persisted if isinstance(self.context, Context) else None
        payload = message.get("payload") if isinstance(message.get("payload"), dict) else None
        if self.connection_acknowledged and persisted is not None and payload is not None:
            try:
                payload["query"] = persisted.resolve(payload.get("query"), payload.get("extensions"))
            except AccessDenied as refused:
                await self.send_message({"id": message["id"], "type": "error", "payload": [
                    {"message": refused.message, "extensions": {"code": refused.code}}]})
                return
        await super().handle_subscribe(message)


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages go out as text frames, as its clients expect (encode_json gives bytes)."""

    async def send_json(self, message: Any) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLView(PackagedGraphiQL, GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWS
    websocket_adapter_class = TextFrames  # type: ignore[assignment]

    def __init__(self, services: Services, graphql_schema: Any = schema):
        super().__init__(graphql_schema, graphql_ide="graphiql" if services.settings.graphiql else None,
                         multipart_uploads_enabled=True, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                         allowed_origins=services.settings.cors_origins, max_subscriptions_per_connection=10)
        self.services = services
        self.trusted_proxies = trusted_networks(services.settings.trusted_proxies)
        self.metrics = services.settings.metrics
        self.access_log = services.settings.access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Every answer carries `Cache-Control: no-store` (personal data) and the request id; a request that
        cannot be read answers 400 in the usual error shape, never a plain-text page. The request id is in
        every log record written while the request runs; its operation and time go to /metrics."""
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        started = time.perf_counter()
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = scope[_REQUEST_ID_KEY] = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request = Request(scope=scope, receive=receive)
        logs.request_id.set(request_id)  # this request's task only: each request runs in its own context
        try:
            response = await self._checked_json(request) if scope["method"] == "POST" else None
            if response is None:
                response = await self.run(request)  # the body, if read above, is kept by the request
        except HTTPException as refused:
            message = _REFUSALS.get(refused.reason, refused.reason)
            code = "NOT_FOUND" if refused.status_code == 404 else "BAD_REQUEST"
            response = self._refusal(request_id, refused.status_code, code, message)
        except Exception as error:  # before the query ran (who is behind the token): too busy, or a real fault
            if not (isinstance(error, ServiceBusy) or is_busy(error)):
                raise
            log.warning("request %s: %s", request_id, error)
            response = self._refusal(request_id, 503, ServiceBusy.code, ServiceBusy.message)
            response.headers["Retry-After"] = "5"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Request-ID"] = request_id
        await response(scope, receive, send)
        if self.metrics or self.access_log:
            contexts = scope.get(_CONTEXTS)
            operation = contexts[-1].operation if contexts else None
            name, kind = operation or (metrics.REFUSED, metrics.REFUSED)
            seconds = time.perf_counter() - started
            if self.metrics:
                metrics.observe(name, kind, seconds)
            if self.access_log:
                access_log.info("%s %s %d %s %.1f ms", scope["method"], scope["path"], response.status_code, name,
                                seconds * 1000, extra={"status": response.status_code, "operation": name,
                                                       "operation_type": kind, "ms": round(seconds * 1000, 2)})

    def _refusal(self, request_id: str, status: int, code: str, message: str) -> Response:
        """An answer without a query run, in the usual error shape."""
        if self.metrics:
            metrics.count_error(code)
        return Response(orjson.dumps({"data": None, "errors": [{"message": message, "extensions": {
            "code": code, "requestId": request_id}}]}), status_code=status, media_type="application/json")

    async def _checked_json(self, request: Request) -> Response | None:
        """A JSON POST whose query text was checked before (documents.py) is answered here, without
        strawberry's HTTP machinery (content-type parsing, request adapters, stream transports): the same
        Schema.execute and the same answer, byte for byte (tests/api/test_checked_json.py). Anything else, or
        anything unusual, returns None and strawberry's view answers it with its own words."""
        headers = request.headers
        if headers.get("content-type", "").partition(";")[0].strip().lower() != "application/json" \
                or any(kind in headers.get("accept", "") for kind in _STREAMED):
            return None
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(body, dict) or not body.keys() <= _REQUEST_KEYS or body.get("extensions"):
            return None
        query, variables, operation_name = body.get("query"), body.get("variables"), body.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict | None) \
                or not isinstance(operation_name, str | None):
            return None
        checked = documents.get(query, self.services.settings.document_policy)
        if checked is None or checked.validation != [] or checked.literal_problem is not None:
            return None
        operation = get_operation_ast(checked.document, operation_name)
        if operation is None or operation.operation not in _ANSWERED_HERE:
            return None
        context = await self.get_context(request, None)
        result = await self.schema.execute(query, variables, context, None, operation_name,
                                           allowed_operation_types=_POST_OPERATIONS)
        return Response(self.encode_json(process_result(result)), media_type="application/json")

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the token comes in connection_init's payload, `{"token": …}` or
        `{"Authorization": "Bearer …"}`; without a live one the socket closes with 4403 (decision 0044)."""
        params = getattr(context, "connection_params", None) or {}
        token = params.get("token")
        if not isinstance(token, str) or not token:
            header = params.get("Authorization") or params.get("authorization")
            token = _bearer(header) if isinstance(header, str) else None
        viewers = self.services.viewers
        viewer = await viewers.viewer(token) if token and viewers is not None else None
        if viewer is None:
            raise ConnectionRejectionError()
        context.token, context.viewer = token, viewer
        return UNSET

    def decode_json(self, data: str | bytes) -> object:
        decoded = orjson.loads(data)
        if not isinstance(decoded, dict | list):  # 42, null, "x": JSON, but no request
            raise HTTPException(400, NOT_AN_OBJECT)
        return decoded

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(self, request: Any, response: Any) -> Context:
        request_id = request.scope.get(_REQUEST_ID_KEY) or uuid.uuid4().hex
        token = _bearer(request.headers.get("authorization", ""))
        viewers = self.services.viewers
        assert viewers is not None
        viewer = await viewers.viewer(token) if token else None
        peer = request.client.host if request.client else None
        client = client_address(peer, request.headers.get("x-forwarded-for", ""), self.trusted_proxies) \
            if self.trusted_proxies else peer
        ctx = Context(self.services, request_id, token, viewer, client)
        request.scope.setdefault(_CONTEXTS, []).append(ctx)
        return ctx


def _retry_lock(settings: Settings) -> Any:
    """An exclusive lock on a file beside the stored files, held while the process lives, or None when another
    process (another worker of `zhtj serve --workers N`) holds it."""
    settings.files_dir.mkdir(parents=True, exist_ok=True)
    handle = (settings.files_dir / ".verify-rounds.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


class ClosingContexts:
    """Closes each request's session once the response is sent, whatever happened."""

    def __init__(self, app: GraphQLView):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            for ctx in scope.get(_CONTEXTS, ()):
                await ctx.close()


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, hasher: PasswordHasher | None = None,
    verifier: NameIdVerifier | None = None, retry_checks: bool = False, run_jobs: bool = False,
    sender: CodeSender | None = None,
) -> Starlette:
    """`verifier` is the outside name/ID check (MEM-13; infrastructure/verifier.py); `retry_checks` runs its
    automatic retries every ZHTJ_VERIFY_INTERVAL_MINUTES while the app lives (`zhtj serve`); `run_jobs` runs
    the time-driven jobs (infrastructure/jobs.py) every ZHTJ_JOBS_INTERVAL_MINUTES. `sender` texts mobiles
    (ACC-1); by default the outbox table (infrastructure/messages.py), where an SMS gateway plugs in."""
    settings = settings or settings_module.load()
    start_mappers()
    db = create_database(settings.database_url, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow, wait_seconds=settings.wait_seconds)
    clock = clock or SystemClock()
    viewers = ViewerCache(db=db, clock=clock, secret=settings.secret_key, seconds=settings.viewer_cache_seconds)
    hasher = hasher or Argon2Hasher(slots=HashSlots(settings.password_hashes, settings.wait_seconds))
    services = Services(settings=settings, db=db, clock=clock, hasher=hasher,
                        verifier=verifier or default_verifier(settings), viewers=viewers,
                        sender=sender or OutboxSender(db, clock),
                        persisted=PersistedDocuments.load(settings.persisted_file, only=settings.persisted_only))
    if settings.metrics:
        metrics.watch_pool(db.engine)
    graphql_schema = schema
    if settings.tracing:
        from zhtj.graphql.tracing import traced_schema

        graphql_schema = traced_schema()
    graphql_app = PreflightOnlyUploads(ClosingContexts(GraphQLView(services, graphql_schema)), viewers)
    files = LocalFiles(settings.files_dir)

    async def healthz(_: Request) -> Response:
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("healthz: the database does not answer")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": db.dialect})

    async def metrics_page(request: Request) -> Response:
        """Prometheus text: with ZHTJ_METRICS_TOKEN set, for `Authorization: Bearer <token>` only; without it,
        for a caller on this machine that came through no proxy (decision 0046). Anyone else gets 404."""
        if settings.metrics_token:
            given = _bearer(request.headers.get("authorization", "")) or ""
            allowed = hmac.compare_digest(given.encode(), settings.metrics_token.encode())
        else:
            peer = request.client.host if request.client else None
            allowed = peer in LOOPBACK and "x-forwarded-for" not in request.headers \
                and "forwarded" not in request.headers
        if not allowed:
            return JSONResponse({"error": "未找到"}, status_code=404)
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})

    async def download(request: Request) -> Response:
        """A file made for this account (downloads.py): 401 without a live token, 404 for anyone else's
        or an unknown id, 410 once expired."""
        token = _bearer(request.headers.get("authorization", ""))
        viewer = await viewers.viewer(token) if token else None
        if viewer is None:
            return JSONResponse({"error": "请先登录"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        async with SqlUnitOfWork(db.read_sessions) as uow:
            assert uow.session is not None
            found = await downloads.find(uow.session, request.path_params["id"])
        if found is None or found.account_id != viewer.account.id:
            return JSONResponse({"error": "文件不存在"}, status_code=404)
        content = None if found.is_expired(services.clock.now()) else await files.read(found.stored_name)
        if content is None:
            return JSONResponse({"error": "下载链接已过期，请重新生成"}, status_code=410)
        return Response(content, media_type=found.content_type, headers={
            "Content-Disposition": downloads.content_disposition(found.file_name),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        })

    async def verification_photo(request: Request) -> Response:
        """The photo of an offline name/ID check (MEM-13), for an admin in scope: 401 without a live token,
        404 for a member out of scope, unknown, or without a photo."""
        token = _bearer(request.headers.get("authorization", ""))
        viewer = await viewers.viewer(token) if token else None
        if viewer is None:
            return JSONResponse({"error": "请先登录"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        async with SqlUnitOfWork(db.write_sessions) as uow:  # each read is audited
            stored = await verification.verification_photo(
                uow=uow, clock=services.clock, viewer=viewer, member_id=decode_id(request.path_params["id"], "Member"))
        content = await files.read(stored) if stored else None
        if stored is None or content is None:
            return JSONResponse({"error": "文件不存在"}, status_code=404)
        return Response(content, media_type=verification.content_type(stored),
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        interval = max(settings.verify_interval_minutes, 0.001) * 60
        lock = _retry_lock(settings) if retry_checks else None  # one worker of several asks the outside check
        retries = (asyncio.create_task(verification_rounds.every(interval, db, services.clock, services.verifier))
                   if lock is not None else None)
        job_runs = (asyncio.create_task(jobs.every(max(settings.jobs_interval_minutes, 0.001) * 60, db,
                                                   services.clock, settings.graduation_switch_day, files))
                    if run_jobs else None)
        # What start-up made lives as long as the process: the collector need never walk it again.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for task in (retries, job_runs):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if lock is not None:
                lock.close()
            if settings.metrics:
                metrics.forget_pool(db.engine)
            await services.audits.settled()  # audit lines already promised are written before the pool closes
            await db.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            *([ASSETS_ROUTE] if settings.graphiql else []),
            Route("/healthz", healthz),
            *([Route("/metrics", metrics_page)] if settings.metrics else []),
            Route("/downloads/{id}", download),
            Route("/members/{id}/verification-photo", verification_photo),
            Route("/members/{id}/archive", archive_download(services)),
            Route("/number-releases/{id}/form", release_form_download(services)),
            Route("/organizations/{id}/progress.xlsx", progress_download(services)),
            Route("/", lambda _: RedirectResponse("/graphql")),
        ],
        middleware=cors(settings.cors_origins),
        lifespan=lifespan,
    )
    app.state.services = services
    return app


def serving_app() -> Starlette:
    """What each worker of `zhtj serve --workers N` runs (uvicorn --factory): the app from the environment's
    settings, with the name/ID check retries in whichever worker takes their lock first, and the time-driven jobs
    in each (a job's run is claimed in the database, so none runs twice)."""
    return create_app(retry_checks=True, run_jobs=True)
