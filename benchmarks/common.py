"""What the benchmarks that load a running server share: the servers (the service and a bare Starlette endpoint,
each one uvicorn worker on a free loopback port), wrk and its Lua script, emptying a database, and the
machine's description for the report. Used by request_path.py and national.py."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from zhtj.infrastructure import migrate

ROOT = Path(__file__).resolve().parent.parent

LUA = """-- written by benchmarks/common.py
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{auth}wrk.body = [==[{body}]==]

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.6f %d %d %d %d %d %.3f %.3f %.3f\\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""



@dataclass
class Case:
    label: str
    server: str  # "bare" or "service"
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    auth: bool = True

    def body(self) -> str:
        return json.dumps({"query": self.query, "variables": self.variables})


@dataclass
class Load:
    requests: int
    seconds: float
    errors: dict[str, int]
    median: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def spread(self) -> str:
        return f"{self.p95 / self.median:.1f}" if self.median else "—"



def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


async def empty_database(url: str) -> None:
    if not is_postgres(url):
        path = make_url(url).database
        if not path or path == ":memory:":
            raise SystemExit("error: SQLite needs a file: sqlite+aiosqlite:////tmp/rp.sqlite3")
        await asyncio.to_thread(remove_files, [Path(path + s) for s in ("", "-wal", "-shm", "-journal")])
        return
    import asyncpg

    u = make_url(url)
    where = {"host": u.host, "port": u.port, "user": u.username, "password": u.password}
    try:
        conn = await asyncpg.connect(database=u.database, **where)
    except asyncpg.InvalidCatalogNameError:
        conn = await asyncpg.connect(database="postgres", **where)
        await conn.execute(f'CREATE DATABASE "{u.database}"')
    await conn.close()
    await asyncio.to_thread(migrate.downgrade, url, "base")


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if this process dies without reaching its cleanup."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Servers:
    """The service and the bare app, each one uvicorn worker on a free loopback port; stopped on exit."""

    stop_seconds = 10  # how long a server may take to stop before it is killed

    def __init__(self, url: str, fixture: Any, logs: Path):
        self.url, self.fixture, self.logs = url, fixture, logs
        self.procs: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    def base(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def __enter__(self) -> Servers:
        env = {**os.environ, "ZHTJ_DATABASE_URL": self.url, "ZHTJ_SECRET_KEY": self.fixture.secret,
               "ZHTJ_FILES_DIR": str(self.fixture.files_dir), "PYTHONUNBUFFERED": "1"}
        targets = {"service": ["--factory", "zhtj.app:create_app"],
                   "bare": ["--app-dir", str(ROOT / "benchmarks"), "bare_app:app"]}
        try:
            for name, target in targets.items():
                self.ports[name] = port = free_port()
                log = (self.logs / f"{name}.log").open("wb")
                self.procs[name] = subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1", "--port", str(port),
                     "--workers", "1", "--no-access-log", "--log-level", "warning"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None)
                log.close()
            self._wait()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        pending = set(self.procs)
        while pending:
            for name in list(pending):
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"the {name} server exited at start:\n{self.log(name)[-4000:]}")
                try:
                    if name == "service":
                        answer = httpx.get(self.base(name) + "/healthz", timeout=2)
                    else:
                        answer = httpx.post(self.base(name) + "/graphql", json={}, timeout=2)
                    if answer.status_code == 200:
                        pending.discard(name)
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer after {timeout:.0f} s from: {', '.join(sorted(pending))}")
            time.sleep(0.1)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def errors(self, name: str) -> list[str]:
        """Logged errors, except a client gone before its body arrived: wrk drops its connections at the end."""
        blocks = re.split(r"^(?=ERROR:)", self.log(name), flags=re.M)
        return [b for b in blocks if b.startswith("ERROR:") and "ClientDisconnect" not in b]

    def idle(self, name: str) -> None:
        """Waits until the server has worked off what wrk left in flight when it stopped."""
        path, method = ("/healthz", "GET") if name == "service" else ("/graphql", "POST")
        httpx.request(method, self.base(name) + path, json={} if method == "POST" else None, timeout=120)
        time.sleep(0.2)

    def __exit__(self, *_: object) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=self.stop_seconds)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()



def wrk(case: Case, servers: Servers, token: str, seconds: float, args: argparse.Namespace, work: Path) -> Load:
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n' if case.auth else ""
    body = case.body()
    if "]==]" in body:
        raise ValueError("the body would end the Lua string")
    return run_wrk(LUA.format(auth=auth, body=body), servers.base(case.server) + "/graphql", seconds, args, work,
                   case.label)[0]


def run_wrk(lua: str, url: str, seconds: float, args: argparse.Namespace, work: Path, label: str,
            connections: int | None = None) -> tuple[Load, str]:
    """wrk with a script whose done() writes the RESULT line of LUA; the Load and wrk's whole output."""
    script = work / "case.lua"
    script.write_text(lua)
    command = ["wrk", "-t", str(args.threads), "-c", str(connections or args.connections), "-d", f"{seconds:g}s",
               "--timeout", "60s", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    found = re.search(r"^RESULT (.*)$", done.stdout, re.M)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}) on {label}:\n{done.stdout}\n{done.stderr}")
    n, duration, connect, read, write, status, timeout, p50, p95, p99 = found.group(1).split()
    errors = {"connect": int(connect), "read": int(read), "write": int(write), "non-2xx": int(status),
              "timeout": int(timeout)}
    return Load(int(n), float(duration), {k: v for k, v in errors.items() if v}, float(p50), float(p95),
                float(p99)), done.stdout


def machine(fixture: Any, url: str) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "zhtj"], cwd=ROOT, capture_output=True, text=True)
    postgres = fixture.database_version if is_postgres(url) else "PostgreSQL not used"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    version = importlib.metadata.version
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit.stdout.strip() or 'unknown'}"
        + (" (with uncommitted changes under zhtj/)" if dirty.stdout.strip() else ""),
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {postgres}",
        f"- servers: uvicorn {version('uvicorn')} ({loop}, {http}), one worker each, access log off; "
        f"starlette {version('starlette')}, strawberry-graphql {version('strawberry-graphql')}, "
        f"SQLAlchemy {version('sqlalchemy')}",
    ]



def version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


