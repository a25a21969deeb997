"""OpenTelemetry tracing (ZHTJ_TRACING=on, the `otel` extra; decision 0047): strawberry's own extension makes a
span for each request's parse, validation and resolvers. Its spans need strawberry's whole way for every request,
so a traced app runs without the lean path of decision 0011: tracing costs throughput, and is off by default.

Where the spans go is OpenTelemetry's standard configuration: a TracerProvider set up by the process, e.g.
`opentelemetry-instrument zhtj serve` with OTEL_* variables, or opentelemetry-sdk in code. Without one, the
spans are made and dropped."""

from __future__ import annotations

from typing import Any

NEEDS = "ZHTJ_TRACING needs the otel extra: pip install 'zhtj[otel]'"


def traced_schema() -> Any:
    try:
        from strawberry.extensions.tracing import OpenTelemetryExtension
    except ImportError as missing:
        raise RuntimeError(NEEDS) from missing
    from zhtj.graphql.schema import build_schema

    return build_schema(OpenTelemetryExtension)
