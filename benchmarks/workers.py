"""Benchmark: `zhtj serve --workers 1` against `--workers 2`, and the bare Starlette endpoint the same two ways,
in one run (request_path.py's database, cases, wrk and report style).

    python benchmarks/workers.py --url sqlite+aiosqlite:////tmp/wk.sqlite3
    python benchmarks/workers.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_bench_wk

The servers run as production runs them: the `zhtj serve` command (the service) and uvicorn with as many
workers (the bare app), access logs off. The order is 1, 2, 1 workers, so a drift of the machine shows as a
difference between the two single-worker rounds. wrk runs on the same machine and takes its share of the CPUs."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import ROOT, Case, Servers, _die_with_parent, free_port, wrk
from request_path import LOGIN, Fixture, cases, check, prepare

from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD

ZHTJ = Path(sys.executable).with_name("zhtj")


class Pair(Servers):
    """The service and the bare app, each with `workers` processes, on free loopback ports."""

    stop_seconds = 40  # several workers finish their requests in flight

    def __init__(self, url: str, fixture: Fixture, workers: int, logs: Path):
        super().__init__(url, fixture, logs)
        self.workers = workers

    def __enter__(self) -> Pair:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHTJ_", "PROMETHEUS_"))}
        env |= {"ZHTJ_DATABASE_URL": self.url, "ZHTJ_SECRET_KEY": self.fixture.secret,
                "ZHTJ_FILES_DIR": str(self.fixture.files_dir), "ZHTJ_LOG_FORMAT": "text"}
        self.ports = {"service": free_port(), "bare": free_port()}
        commands = {
            "service": [str(ZHTJ), "serve", "--port", str(self.ports["service"]), "--workers", str(self.workers)],
            "bare": [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "benchmarks"), "bare_app:app",
                     "--port", str(self.ports["bare"]), "--workers", str(self.workers), "--no-access-log",
                     "--log-level", "warning"],
        }
        try:
            for name, command in commands.items():
                log = (self.logs / f"{name}-{self.workers}.log").open("wb")
                self.procs[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                    preexec_fn=_die_with_parent)
                log.close()
            self._wait()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 90
        for name in self.procs:
            while True:
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} exited at start: "
                                       f"{(self.logs / f'{name}-{self.workers}.log').read_text()[-3000:]}")
                try:
                    # Each worker must be up: ask as many times as there are workers, on new connections.
                    ok = 0
                    for _ in range(4 * self.workers):
                        if name == "service":
                            ok += httpx.get(self.base(name) + "/healthz", timeout=2).status_code == 200
                        else:
                            ok += httpx.post(self.base(name) + "/graphql", json={}, timeout=2).status_code == 200
                    if ok == 4 * self.workers:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer")
                time.sleep(0.2)
        time.sleep(2)  # the other workers finish their start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the database; it is emptied first")
    parser.add_argument("--duration", type=int, default=6, help="seconds of load a case (default 6)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk is not installed (apt-get install wrk)")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="zhtj-wk-") as tmp:
        work = Path(tmp)
        fixture = Fixture(secret=secrets.token_urlsafe(32), files_dir=work / "files")
        asyncio.run(prepare(args.url, fixture))
        picked = [0, 1, 3, 5]  # bare, anonymous, organization(id:), the demo's tree
        rows: list[tuple[int, Case, float, float]] = []
        for workers in (1, 2, 1):
            with Pair(args.url, fixture, workers, work) as pair:
                if not fixture.token:
                    login = httpx.post(pair.base("service") + "/graphql", timeout=30, json={
                        "query": LOGIN, "variables": {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}})
                    fixture.token = login.json()["data"]["login"]["token"]
                for index in picked:
                    case = cases(fixture)[index]
                    check(case, pair, fixture.token)
                    if args.warmup:
                        wrk(case, pair, fixture.token, args.warmup, args, work)
                        pair.idle(case.server)
                    load = wrk(case, pair, fixture.token, args.duration, args, work)
                    pair.idle(case.server)
                    rows.append((workers, case, load.rate, load.median))
                    print(f"  {workers} worker(s): {case.label}: {load.rate:,.0f} req/s", file=sys.stderr)
    database = "PostgreSQL" if args.url.startswith("postgresql") else "SQLite"
    print(f"### {database}, 1 and 2 workers\n\n- {len(os.sched_getaffinity(0))} CPUs; wrk {args.threads} threads, "
          f"{args.connections} connections, {args.duration} s a case, on the same machine; load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after; order 1, 2, 1 workers\n")
    print("| case | 1 worker req/s | 2 workers req/s | 1 worker again | 2 / mean of 1 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for index in picked:
        label = cases(fixture)[index].label
        one, two, again = (rate for _, case, rate, _ in rows if case.label == label)
        print(f"| {label} | {one:,.0f} | {two:,.0f} | {again:,.0f} | {two / ((one + again) / 2):.2f}x |")


if __name__ == "__main__":
    main()
