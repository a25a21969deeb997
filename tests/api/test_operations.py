"""Operations (issue 14, decisions 0045-0047): settings checked at start, /metrics, JSON logs with the request
id, OpenTelemetry tracing as an option."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from zhtj import settings as settings_module
from zhtj.app import create_app
from zhtj.infrastructure.logs import JsonFormatter, RequestIdFilter
from zhtj.settings import Settings, SettingsError

KEY = "k" * 40


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text, 0 if it is not there yet."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    found = re.search(rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$", text, re.M) if labels else \
        re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.fixture
async def app_with(db, settings: Settings, clock, hasher):
    """Builds apps from changed settings on the test database; closes them at the end."""
    made = []

    async def make(peer: tuple[str, int] = ("127.0.0.1", 5000), **changes) -> httpx.AsyncClient:
        app = create_app(dataclasses.replace(settings, **changes), clock=clock, hasher=hasher)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=peer), base_url="http://zhtj.test")
        made.append((app, http))
        return http

    yield make
    for app, http in made:
        await http.aclose()
        await app.state.services.db.dispose()


def test_production_refuses_to_start_without_its_own_key_database_and_files(monkeypatch, tmp_path):
    for name in ("ZHTJ_SECRET_KEY", "ZHTJ_DATABASE_URL", "ZHTJ_FILES_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZHTJ_ENV", "production")
    with pytest.raises(SettingsError) as refused:
        settings_module.load(tmp_path)
    assert all(name in str(refused.value) for name in ("ZHTJ_SECRET_KEY", "ZHTJ_DATABASE_URL", "ZHTJ_FILES_DIR"))
    assert not (tmp_path / settings_module.SECRET_FILE).exists()  # no key was made up on the spot
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "short")
    monkeypatch.setenv("ZHTJ_DATABASE_URL", "sqlite+aiosqlite:////tmp/x.sqlite3")
    monkeypatch.setenv("ZHTJ_FILES_DIR", str(tmp_path / "files"))
    with pytest.raises(SettingsError, match="32 or more"):
        settings_module.load(tmp_path)
    monkeypatch.setenv("ZHTJ_SECRET_KEY", KEY)
    production = settings_module.load(tmp_path)
    assert (production.secret_key, production.log_format, production.metrics) == (KEY, "json", True)
    monkeypatch.setenv("ZHTJ_ENV", "development")
    monkeypatch.delenv("ZHTJ_SECRET_KEY")
    assert settings_module.load(tmp_path).log_format == "text"  # development still starts with nothing set


async def test_metrics_count_requests_by_operation_and_errors_by_code(app_with, root):
    http = await app_with()
    before = (await http.get("/metrics")).text
    for _ in range(3):
        assert (await http.post("/graphql", json={"query": "query Ping { __typename }"})).status_code == 200
    await http.post("/graphql", json={"query": "{ me { id } }"})  # no token: UNAUTHENTICATED
    await http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    page = await http.get("/metrics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    after = page.text
    count = "zhtj_graphql_request_seconds_count"
    assert _sample(after, count, operation="Ping", type="query") - _sample(before, count, operation="Ping",
                                                                           type="query") == 3
    assert _sample(after, count, operation="anonymous", type="query") \
        - _sample(before, count, operation="anonymous", type="query") == 1
    assert _sample(after, count, operation="-", type="-") - _sample(before, count, operation="-", type="-") == 1
    errors = "zhtj_graphql_errors_total"
    assert _sample(after, errors, code="UNAUTHENTICATED") - _sample(before, errors, code="UNAUTHENTICATED") == 1
    assert _sample(after, errors, code="BAD_REQUEST") - _sample(before, errors, code="BAD_REQUEST") == 1
    assert _sample(after, "zhtj_db_pool_capacity") >= 1
    assert "zhtj_db_pool_connections_in_use" in after


async def test_metrics_only_for_this_machine_or_the_token(app_with):
    assert (await (await app_with(peer=("10.1.2.3", 5000))).get("/metrics")).status_code == 404
    local = await app_with()
    assert (await local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})).status_code == 404
    guarded = await app_with(peer=("10.1.2.3", 5000), metrics_token=KEY)
    assert (await guarded.get("/metrics")).status_code == 404
    assert (await guarded.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 404
    assert (await guarded.get("/metrics", headers={"Authorization": f"Bearer {KEY}"})).status_code == 200
    off = await app_with(metrics=False)
    assert (await off.get("/metrics")).status_code == 404


async def test_json_logs_carry_the_request_id(app_with):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("zhtj.access")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    try:
        http = await app_with(access_log=True)
        sent = await http.post("/graphql", json={"query": "query Ping { __typename }"},
                               headers={"X-Request-ID": "trace-1234abcd"})
        assert sent.headers["x-request-id"] == "trace-1234abcd"
        quiet = await app_with()  # ZHTJ_ACCESS_LOG off (the default): nothing a request
        await quiet.post("/graphql", json={"query": "query Quiet { __typename }"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 1, lines
    (line,) = lines
    assert (line["request_id"], line["operation"], line["status"], line["level"], line["logger"]) == \
        ("trace-1234abcd", "Ping", 200, "INFO", "zhtj.access")
    assert "time" in line and "ms" in line


@pytest.fixture(scope="module")
def spans() -> AsyncIterator[object]:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    yield exporter
    provider.shutdown()


async def test_tracing_makes_spans_through_strawberrys_extension_when_on(app_with, spans):
    plain = await app_with()
    for _ in range(2):  # the second time is the lean path, which no extension sees
        await plain.post("/graphql", json={"query": "query Quiet { __typename }"})
    assert spans.get_finished_spans() == ()
    traced = await app_with(tracing=True)
    for _ in range(2):
        answer = await traced.post("/graphql", json={"query": "query Traced { __typename }"})
        assert answer.json()["data"] == {"__typename": "Query"}
    names = [span.name for span in spans.get_finished_spans()]
    assert names.count("GraphQL Query: Traced") == 2, names
    # The traced schema is gated like the plain one (ACC-4): no viewer, no `me`.
    refused = (await traced.post("/graphql", json={"query": "{ me { id } }"})).json()
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_operation_names_chosen_by_clients_are_capped(monkeypatch):
    """Each name is a time series in Prometheus: past the cap, new names count as `other`."""
    from zhtj.infrastructure import metrics

    monkeypatch.setattr(metrics, "_children", {})
    monkeypatch.setattr(metrics, "MAX_OPERATIONS", 2)
    for name in ("CapA", "CapB", "CapC", "CapD", "CapA"):
        metrics.observe(name, "query", 0.001)
    assert sorted(metrics._children) == [("CapA", "query"), ("CapB", "query"), ("other", "query")]
    text = metrics.exposition()[0].decode()
    assert 'zhtj_graphql_request_seconds_count{operation="other",type="query"}' in text
    assert 'operation="CapC"' not in text
