"""Logs (decision 0047): text for a developer's terminal, or one JSON object a line for a log shipper, each record
with the id of the request it was written in (the X-Request-ID the client sent or the one made for it).

The request id travels in a context variable set once a request (a few tens of nanoseconds); it is read only
when a record is written. Nothing is logged per request unless ZHTJ_ACCESS_LOG is on."""

from __future__ import annotations

import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

request_id: ContextVar[str | None] = ContextVar("zhtj_request_id", default=None)
# Fields every record has, and uvicorn's copy of its message with terminal colours: not repeated in JSON.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message", "asctime", "taskName", "color_message"}


class RequestIdFilter(logging.Filter):
    """Puts the request id on every record as `request_id` (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id", …extra fields, "exception"} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and key != "request_id":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get() or "-"
        return super().format(record)


def config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A logging.config dictionary for zhtj and uvicorn alike (uvicorn takes it as `log_config`)."""
    formatter = "zhtj.infrastructure.logs.JsonFormatter" if log_format == "json" \
        else "zhtj.infrastructure.logs.TextFormatter"
    handler = {"class": "logging.StreamHandler", "formatter": "zhtj", "filters": ["request_id"],
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "zhtj.infrastructure.logs.RequestIdFilter"}},
        "formatters": {"zhtj": {"()": formatter}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }


def configure(log_format: str, level: str = "INFO") -> None:
    logging.config.dictConfig(config(log_format, level))
