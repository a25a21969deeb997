"""Prometheus metrics (decision 0046): GraphQL requests and their latency by operation, errors by code, the
database pool in use. Each request costs one histogram observation on a child kept by label (no label lookup,
no lock beyond prometheus-client's own) and one counter per error.

With several worker processes (`zhtj serve --workers N`) prometheus-client's multiprocess mode is used: `serve`
sets PROMETHEUS_MULTIPROC_DIR to an empty folder before the workers start, each worker writes its values there,
and whichever worker answers /metrics sums them all."""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
MAX_OPERATIONS = 200  # distinct operation names kept; the client chooses them, so past this they count as "other"
UNNAMED = "anonymous"  # an operation without a name
REFUSED = "-"  # a request refused before an operation was chosen (bad JSON, wrong method, no query)
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Histogram("zhtj_graphql_request_seconds", "GraphQL requests by operation: count and latency (whole "
                     "request, from the first byte read to the response handed to the server)",
                     ["operation", "type"], buckets=BUCKETS)
ERRORS = Counter("zhtj_graphql_errors_total", "GraphQL errors by extensions.code (one request may have several)",
                 ["code"])
POOL_IN_USE = Gauge("zhtj_db_pool_connections_in_use", "SQLAlchemy pool connections checked out",
                    multiprocess_mode="livesum")
POOL_CAPACITY = Gauge("zhtj_db_pool_capacity", "SQLAlchemy pool size plus its allowed overflow, all workers",
                      multiprocess_mode="livesum")

_children: dict[tuple[str, str], Any] = {}


def observe(operation: str, kind: str, seconds: float) -> None:
    key = (operation, kind)
    child = _children.get(key)
    if child is None:
        if len(_children) >= MAX_OPERATIONS:
            key = ("other", kind)
            child = _children.get(key)
        if child is None:
            child = _children[key] = REQUESTS.labels(*key)
    child.observe(seconds)


_error_children: dict[str, Any] = {}


def count_error(code: str) -> None:
    child = _error_children.get(code)
    if child is None:
        child = _error_children[code] = ERRORS.labels(code)
    child.inc()


def watch_pool(engine: AsyncEngine) -> None:
    """Counts checkouts and checkins of the engine's pool (connections a request or a write holds)."""
    pool = engine.sync_engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        POOL_CAPACITY.inc(size() + max(overflow, 0))
    event.listen(engine.sync_engine, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine.sync_engine, "checkin", lambda *_: POOL_IN_USE.dec())


def forget_pool(engine: AsyncEngine) -> None:
    pool = engine.sync_engine.pool
    size = getattr(pool, "size", None)
    if callable(size):
        POOL_CAPACITY.dec(size() + max(getattr(pool, "_max_overflow", 0), 0))


def exposition() -> tuple[bytes, str]:
    """The text Prometheus scrapes: this process's metrics, or every worker's in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
