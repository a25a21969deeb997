"""`zhtj serve` as production runs it (issue 14, decision 0048): several workers, their metrics summed, and a
SIGTERM that lets the request in flight finish before the processes exit."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from zhtj.infrastructure.db import create_database

ZHTJ = Path(sys.executable).with_name("zhtj")
QUERY = json.dumps({"query": "query Slow { valueLists { domains } }"}).encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, "zhtj serve exited"
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("zhtj serve did not answer /healthz")


def _read_until(conn: socket.socket, marker: bytes) -> bytes:
    got = b""
    while marker not in got:
        chunk = conn.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


class Log:
    """The server's stderr, read as it comes, with an event for the line that says shutdown waits for us."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self.waiting = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)
            if "Waiting for connections to close" in line:
                self.waiting.set()


def _serve_and_stop(env: dict[str, str], port: int, capacity: str) -> tuple[str, bytes, int, str]:
    proc = subprocess.Popen([str(ZHTJ), "serve", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = Log(proc.stderr)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, proc)
        deadline = time.monotonic() + 90
        while capacity not in (metrics := httpx.get(base + "/metrics", timeout=10).text):  # both workers up
            assert time.monotonic() < deadline, metrics[-3000:]
            time.sleep(0.2)
        for _ in range(4):  # to either worker: the one that answers /metrics counts them all
            httpx.post(base + "/graphql", json={"query": "query Warm { __typename }"}, timeout=10)
        metrics = httpx.get(base + "/metrics", timeout=10).text
        with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
            # The request is in flight: the app has started reading its body (100 Continue) when SIGTERM comes.
            conn.sendall(b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(QUERY))
            assert b" 100 " in _read_until(conn, b"\r\n\r\n")
            proc.send_signal(signal.SIGTERM)
            # The worker that holds the request has begun to shut down and waits for it: then the body comes.
            assert log.waiting.wait(timeout=60), "".join(log.lines)[-3000:]
            conn.sendall(QUERY)
            answer = _read_until(conn, b"}}}")
        code = proc.wait(timeout=60)
        log.thread.join(timeout=10)
        return metrics, answer, code, "".join(log.lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_two_workers_sum_their_metrics_and_finish_the_request_in_flight_on_sigterm(fresh_databases, tmp_path):
    url = await fresh_databases.new("serve")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHTJ_", "PROMETHEUS_"))}
    env |= {"ZHTJ_ENV": "production", "ZHTJ_DATABASE_URL": url, "ZHTJ_SECRET_KEY": "s" * 40,
            "ZHTJ_FILES_DIR": str(tmp_path / "files"), "ZHTJ_VERIFY_INTERVAL_MINUTES": "600"}
    db = create_database(url)
    pool = db.engine.sync_engine.pool
    capacity = f"zhtj_db_pool_capacity {2.0 * (pool.size() + pool._max_overflow)}"  # two workers' pools
    await db.dispose()
    metrics, answer, code, log = await asyncio.to_thread(_serve_and_stop, env, _free_port(), capacity)

    assert 'zhtj_graphql_request_seconds_count{operation="Warm",type="query"} 4.0' in metrics

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK", answer[:500]
    assert json.loads(body)["data"]["valueLists"]["domains"], body[:500]
    assert code == 0, log[-3000:]
    # The logs are JSON in production, one object a line.
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any("Finished server process" in r["message"] for r in records), log[-3000:]
