"""Benchmark: the floor (anonymous `{ __typename }`) of this checkout against an older one, and a bare Starlette
endpoint, in interleaved rounds, with the CPU time each server spends a request.

    git archive OLD_COMMIT | tar -x -C /tmp/zhtj-old
    python benchmarks/request_path.py --url sqlite+aiosqlite:////tmp/rp.sqlite3   # prepares the database
    python benchmarks/floor_ab.py --before /tmp/zhtj-old --url sqlite+aiosqlite:////tmp/rp.sqlite3

On a shared machine req/s swing with the other work; the CPU time a server process spends a request (utime +
stime from /proc, over the requests wrk counted) hardly does, so it is the number to compare. Both services
read the same database, one uvicorn worker each, access log off, each imported from its own folder."""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BODY = 'wrk.method="POST"\nwrk.headers["Content-Type"]="application/json"\nwrk.body=[[{"query":"{ __typename }"}]]\n'


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, type=Path, help="a folder with the older zhtj package in it")
    parser.add_argument("--url", required=True, help="a prepared database (request_path.py makes one)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zhtj-ab-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHTJ_", "PROMETHEUS_"))}
    env |= {"ZHTJ_DATABASE_URL": args.url, "ZHTJ_SECRET_KEY": "b" * 40, "ZHTJ_FILES_DIR": str(work / "files")}
    specs = {"bare": (ROOT / "benchmarks", ["bare_app:app"]),
             "before": (args.before, ["--factory", "zhtj.app:create_app"]),
             "after": (ROOT, ["--factory", "zhtj.app:create_app"])}
    ports, procs = {}, {}
    try:
        for name, (folder, target) in specs.items():
            ports[name] = free_port()
            procs[name] = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", *target, "--port", str(ports[name]), "--workers", "1",
                 "--no-access-log", "--log-level", "warning"], cwd=folder, env=env | {"PYTHONPATH": str(folder)})
        deadline = time.monotonic() + 90
        for name, port in ports.items():
            while True:
                try:
                    if httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"},
                                  timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or procs[name].poll() is not None:
                    raise SystemExit(f"error: {name} did not start")
                time.sleep(0.2)
        script = work / "body.lua"
        script.write_text(BODY)
        rates: dict[str, list[float]] = {n: [] for n in specs}
        cpus: dict[str, list[float]] = {n: [] for n in specs}
        for i in range(args.rounds):
            for name in list(specs) if i % 2 == 0 else list(specs)[::-1]:
                before = cpu_seconds(procs[name].pid)
                out = subprocess.run(["wrk", "-t2", "-c16", f"-d{args.seconds}s", "-s", str(script),
                                      f"http://127.0.0.1:{ports[name]}/graphql"], capture_output=True, text=True).stdout
                requests = int(re.search(r"(\d+) requests in", out).group(1))
                rates[name].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
                cpus[name].append((cpu_seconds(procs[name].pid) - before) / requests * 1e6)
        bare_cpu = statistics.median(cpus["bare"])
        print(f"{args.rounds} interleaved rounds of {args.seconds} s, wrk 2 threads 16 connections, anonymous "
              f"`{{ __typename }}`; load average {os.getloadavg()[0]:.2f} at the end\n")
        print("| server | req/s, median | share of bare, per round, median | CPU µs a request, median | "
              "bare's CPU / this |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name in specs:
            share = statistics.median(100 * a / b for a, b in zip(rates[name], rates["bare"], strict=True))
            cpu = statistics.median(cpus[name])
            print(f"| {name} | {statistics.median(rates[name]):,.0f} | {share:.1f}% | {cpu:.0f} | "
                  f"{100 * bare_cpu / cpu:.1f}% |")
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
