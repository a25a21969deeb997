"""Settings come from the environment; none is needed for the embedded default."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_FILE = "zhtj.sqlite3"
SECRET_FILE = "zhtj.secret"
PERSISTED_FILE = "zhtj-persisted.json"  # the persisted documents' manifest (graphql/persisted.py)
ENVIRONMENTS = ("development", "production")  # ZHTJ_ENV; development unless set
_ORIGIN = re.compile(r"^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
MIN_SECRET_LENGTH = 32  # production: the key behind token hashes and throttle keys (decision 0045)
LOG_FORMATS = ("json", "text")


class SettingsError(ValueError):
    """The environment cannot start the service; the message names every problem at once."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    files_dir: Path
    secret_key: str
    token_hours: float = 12.0
    verify_interval_minutes: float = 60.0  # MEM-13: how often `zhtj serve` retries unfinished name/ID checks
    jobs_interval_minutes: float = 60.0  # how often `zhtj serve` runs the time-driven jobs (expiry, graduation, age)
    graduation_switch_day: tuple[int, int] = (6, 1)  # ORG-11: the yearly switch day (ZHTJ_GRADUATION_SWITCH_DAY)
    viewer_cache_seconds: float = 5.0  # how long a process keeps who is behind a token (infrastructure/viewers.py)
    # What helps a developer and helps an attacker as much: on in development, off by default in production.
    env: str = "development"
    introspection: bool = True  # __schema and __type (graphql/documents.py)
    field_suggestions: bool = True  # "Did you mean …" in errors
    graphiql: bool = True  # the page at GET /graphql and its files
    # Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For is believed; none by default.
    trusted_proxies: tuple[str, ...] = ()
    # Operations (decision 0045-0047): logs, metrics, tracing.
    log_format: str = "text"  # json in production: one JSON object a line, with the request id
    access_log: bool = False  # one line a request (method, path, status, operation, ms, request id)
    metrics: bool = True  # GET /metrics (Prometheus)
    metrics_token: str = ""  # if set, /metrics needs `Authorization: Bearer <token>`; else loopback only
    tracing: bool = False  # OpenTelemetry spans through strawberry's extension (the `otel` extra)
    # Browser origins (scheme://host[:port]) whose pages may call the API (CORS); none by default.
    cors_origins: tuple[str, ...] = ()
    # Production: only documents registered by hash run (graphql/persisted.py); ZHTJ_PERSISTED_ONLY.
    persisted_only: bool = False
    persisted_file: Path | None = None  # the manifest `zhtj persisted add` writes; ZHTJ_PERSISTED_FILE
    # Many clients at once (decision 0066), per process: pooled database connections (ZHTJ_DB_POOL_SIZE, and
    # ZHTJ_DB_MAX_OVERFLOW more while busy), argon2id hashes run at once (ZHTJ_PASSWORD_HASHES; 0 means half the
    # cores), and how long a request may wait for a connection, SQLite's write lock or a hash slot before it is
    # answered SERVICE_BUSY (ZHTJ_WAIT_SECONDS).
    db_pool_size: int = 20
    db_max_overflow: int = 10
    password_hashes: int = 0
    wait_seconds: float = 30.0

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def document_policy(self) -> tuple[bool, bool]:
        """What a query text is validated under (introspection, suggestions): part of the key it is kept by."""
        return (self.introspection, self.field_suggestions)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def _secret(workdir: Path) -> str:
    """ZHTJ_SECRET_KEY, or a random key kept in zhtj.secret beside the embedded database."""
    if key := os.environ.get("ZHTJ_SECRET_KEY"):
        return key
    file = workdir / SECRET_FILE
    if file.exists():
        return file.read_text().strip()
    key = secrets.token_urlsafe(32)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.chmod(0o600)
    tmp.replace(file)
    return key


def _environment() -> str:
    env = (os.environ.get("ZHTJ_ENV") or "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ValueError(f"ZHTJ_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    return env


def _flag(name: str, default: bool) -> bool:
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value not in _TRUE + _FALSE:
        raise ValueError(f"{name} must be one of {', '.join(_TRUE + _FALSE)}, not {value!r}")
    return value in _TRUE


def production_problems() -> list[str]:
    """What ZHTJ_ENV=production needs from the environment itself, never a default made on the spot: a key
    generated into zhtj.secret would differ between machines and containers (every token dies with it), and a
    database beside the working directory is rarely the one meant."""
    problems = []
    key = os.environ.get("ZHTJ_SECRET_KEY", "")
    if not key:
        problems.append("ZHTJ_SECRET_KEY is not set (make one: python -c 'import secrets; "
                        "print(secrets.token_urlsafe(32))')")
    elif len(key) < MIN_SECRET_LENGTH:
        problems.append(f"ZHTJ_SECRET_KEY is {len(key)} characters; production needs {MIN_SECRET_LENGTH} or more")
    if not os.environ.get("ZHTJ_DATABASE_URL"):
        problems.append("ZHTJ_DATABASE_URL is not set (sqlite+aiosqlite:////var/lib/zhtj/zhtj.sqlite3 or "
                        "postgresql+asyncpg://user:password@host/zhtj)")
    if not os.environ.get("ZHTJ_FILES_DIR"):
        problems.append("ZHTJ_FILES_DIR is not set (where e-archives and downloads are kept)")
    return problems


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = (os.environ.get(name) or default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _count(name: str, default: int, minimum: int) -> int:
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def _seconds(name: str, default: float) -> float:
    value = (os.environ.get(name) or "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = 0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{name} must be a number of seconds above 0, not {value!r}")
    return seconds


def month_day(text: str) -> tuple[int, int]:
    """MM-DD (ORG-11's switch day); a wrong value stops the start, it is never silently replaced."""
    from datetime import date

    try:
        month, day = (int(part) for part in text.strip().split("-"))
        date(2023, month, day)  # a year without 29 February: the day must exist every year
    except ValueError as error:
        raise ValueError(f"ZHTJ_GRADUATION_SWITCH_DAY must be MM-DD, not {text!r}") from error
    return month, day


def _origins(raw: str) -> tuple[str, ...]:
    """ZHTJ_CORS_ORIGINS: a comma list of exact origins. "*" is refused (a page from anywhere could use a
    token it finds), and so is anything that is not scheme://host[:port], which a browser never sends."""
    found = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        if not _ORIGIN.match(entry):
            raise ValueError(f"ZHTJ_CORS_ORIGINS: {entry!r} is not an origin such as https://tuan.example.cn")
        found.append(entry.lower())
    return tuple(found)


def load(workdir: Path | None = None) -> Settings:
    """Raises SettingsError (a ValueError) when production lacks what it must be given."""
    workdir = workdir or Path.cwd()
    env = _environment()
    development = env == "development"
    if not development and (problems := production_problems()):
        raise SettingsError("ZHTJ_ENV=production cannot start:\n  - " + "\n  - ".join(problems))
    return Settings(
        database_url=os.environ.get("ZHTJ_DATABASE_URL") or sqlite_url(workdir / DEFAULT_DATABASE_FILE),
        files_dir=Path(os.environ.get("ZHTJ_FILES_DIR") or workdir / "zhtj-files"),
        secret_key=_secret(workdir),
        token_hours=float(os.environ.get("ZHTJ_TOKEN_HOURS", "12")),
        verify_interval_minutes=float(os.environ.get("ZHTJ_VERIFY_INTERVAL_MINUTES", "60")),
        viewer_cache_seconds=float(os.environ.get("ZHTJ_VIEWER_CACHE_SECONDS", "5")),
        jobs_interval_minutes=float(os.environ.get("ZHTJ_JOBS_INTERVAL_MINUTES", "60")),
        graduation_switch_day=month_day(os.environ.get("ZHTJ_GRADUATION_SWITCH_DAY") or "06-01"),
        env=env,
        introspection=_flag("ZHTJ_INTROSPECTION", development),
        field_suggestions=_flag("ZHTJ_FIELD_SUGGESTIONS", development),
        graphiql=_flag("ZHTJ_GRAPHIQL", development),
        trusted_proxies=tuple(p.strip() for p in os.environ.get("ZHTJ_TRUSTED_PROXIES", "").split(",") if p.strip()),
        log_format=_choice("ZHTJ_LOG_FORMAT", LOG_FORMATS, "text" if development else "json"),
        access_log=_flag("ZHTJ_ACCESS_LOG", False),
        metrics=_flag("ZHTJ_METRICS", True),
        metrics_token=os.environ.get("ZHTJ_METRICS_TOKEN", ""),
        tracing=_flag("ZHTJ_TRACING", False),
        cors_origins=_origins(os.environ.get("ZHTJ_CORS_ORIGINS", "")),
        persisted_only=_flag("ZHTJ_PERSISTED_ONLY", False),
        persisted_file=Path(os.environ.get("ZHTJ_PERSISTED_FILE") or workdir / PERSISTED_FILE),
        db_pool_size=_count("ZHTJ_DB_POOL_SIZE", 20, 1),
        db_max_overflow=_count("ZHTJ_DB_MAX_OVERFLOW", 10, 0),
        password_hashes=_count("ZHTJ_PASSWORD_HASHES", 0, 0),
        wait_seconds=_seconds("ZHTJ_WAIT_SECONDS", 30.0),
    )
