"""Benchmark: 100 clients at once for 2 minutes, a mixed load of searches, tree reads, entries and logins (issue 12).

    python benchmarks/mixed_load.py
    python benchmarks/mixed_load.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_bench_ml

Prepares the database (by default an SQLite file in a temporary directory) as benchmarks/request_path.py does
(the demo nation and a county-sized subtree) and starts the same two servers (the service and the bare Starlette
app, one uvicorn worker each, the service with its default settings). Then --clients clients (default 100),
each its own HTTP connection, send requests back to back for --duration seconds (default 120), each request
drawn from MIX: the README's first query (who am I, the tree below me), an org by id, a member by id, the
global search box (`search`) by a name, its pinyin or initials, or part of an org's name, and by a full ID number
(an audited read), the audit log's first page, enterMember (a new person each time), and login (argon2id). The
same number of clients then send the bare app its fixed request for as long: the baseline of this machine in
this run.

Prints Markdown: per kind, requests, median and p95 latency; in all, req/s and the ratio to the baseline. Any
server error (a 5xx, a masked INTERNAL_SERVER_ERROR, a SERVICE_BUSY, a lost connection) is counted and makes the
exit status 1: the run is also the check that 100 clients at once break nothing."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from request_path import DEMO_TREE, LOGIN, MEMBER, ORGANIZATION, Fixture, Servers, member_input, prepare

from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, make_id_number

ENTER = "mutation($input: EnterMemberInput!) { enterMember(input: $input) { member { id } errors { code } } }"
AUDIT = "{ auditLog(first: 20) { totalCount nodes { at action subjectId } } }"
SEARCH = """query($t: String!) { search(text: $t, first: 20) { tooMany hint
  organizations { id fullName } members { id name idNumberMasked branch { shortName } } } }"""
# The search box's texts: names, their pinyin and initials, parts of org names, a name narrowed by an org's.
SEARCH_WORDS = ("张伟", "zhangwei", "zw", "王小明", "wxm", "南京", "团支部", "王小明 计算机")
ID_SEARCH = "query($t: String!) { search(text: $t) { members { id name idNumberMasked } } }"
MEMBER_ID_NUMBER = "query($id: ID!) { node(id: $id) { ... on Member { idNumber } } }"
# Writes are a fifth (entries, and the audit line of each ID-number search); logins 1 % (decision 0065): one argon2id
# check is ~0.5 s of a core, and one core hashes (ZHTJ_PASSWORD_HASHES: half of 2), so 2 logins/s at most, fewer on
# a shared machine; 100 clients back to back with every 10th or 50th request a login ask for more than that.
MIX = (("tree", 30), ("organization", 15), ("member", 10), ("searchName", 19), ("searchIdNumber", 5),
       ("auditLog", 5), ("enterMember", 15), ("login", 1))


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failure_codes: Counter = field(default_factory=Counter)  # what the failures were (code, HTTP status, transport)
    refusals: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # UserError codes: not failures


def request_for(kind: str, fixture: Fixture, serial: itertools.count, id_number: str,
                chooser: random.Random) -> tuple[str, dict[str, Any], bool]:
    """The query, its variables and whether it carries the token."""
    if kind == "searchName":
        return SEARCH, {"t": chooser.choice(SEARCH_WORDS)}, True
    if kind == "searchIdNumber":
        return ID_SEARCH, {"t": id_number}, True
    if kind == "tree":
        return DEMO_TREE, {}, True
    if kind == "organization":
        return ORGANIZATION, {"id": encode_id("Organization", fixture.county)}, True
    if kind == "member":
        return MEMBER, {"id": encode_id("Member", fixture.member)}, True
    if kind == "auditLog":
        return AUDIT, {}, True
    if kind == "enterMember":
        return ENTER, {"input": new_member(fixture.branch, next(serial))}, True
    return LOGIN, {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}, False


def new_member(branch: int, k: int) -> dict[str, Any]:
    """request_path's valid student, with an ID number (born 2000-2005) and a development number of its own."""
    number = make_id_number("110105", date(2000, 1, 1) + timedelta(days=k % 2000), 500 + k // 2000)
    return member_input(branch, k) | {"idNumber": number, "idNumberConfirm": number,
                                      "developmentNumber": f"2020{60_000_000 + k:08d}"}


def failed(response: httpx.Response, kind: str, tally: Tally) -> bool:
    if response.status_code != 200:
        tally.failure_codes[f"HTTP {response.status_code}"] += 1
        return True
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    if codes or body.get("data") is None:  # no request of the mix may be refused: every error is a failure
        tally.failure_codes.update(str(code) for code in codes or ["no data"])
        return True
    if kind == "enterMember":
        for error in body["data"]["enterMember"]["errors"]:
            tally.refusals[error["code"]] += 1
    return False


async def client(base: str, fixture: Fixture, token: str, until: float, tally: Tally, seed: int,
                 serial: itertools.count, bare: bool, id_number: str) -> None:
    chooser = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.perf_counter() < until:
            kind = "bare" if bare else chooser.choices(kinds, weights)[0]
            query, variables, auth = request_for("tree" if bare else kind, fixture, serial, id_number, chooser)
            headers = {"Authorization": f"Bearer {token}"} if auth and not bare else {}
            started = time.perf_counter()
            try:
                response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
                broken = not bare and failed(response, kind, tally)
            except httpx.TransportError as error:
                tally.failure_codes[type(error).__name__] += 1
                broken = True
            tally.latencies[kind].append((time.perf_counter() - started) * 1000)
            if broken:
                tally.failures[kind] += 1


async def run(base: str, fixture: Fixture, token: str, clients: int, seconds: float, bare: bool,
              id_number: str = "") -> tuple[Tally, float]:
    tally, serial = Tally(), itertools.count()
    started = time.perf_counter()
    await asyncio.gather(*(client(base, fixture, token, started + seconds, tally, seed, serial, bare, id_number)
                           for seed in range(clients)))
    return tally, time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def what_failed(tally: Tally) -> str:
    return f" ({', '.join(f'{n} × {c}' for c, n in tally.failure_codes.most_common())})" if tally.failure_codes else ""


def report(args: argparse.Namespace, fixture: Fixture, service: tuple[Tally, float], bare: tuple[Tally, float],
           load_before: float, load_after: float) -> str:
    tally, seconds = service
    total = sum(len(v) for v in tally.latencies.values())
    bare_total = sum(len(v) for v in bare[0].latencies.values())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [f"{args.clients} clients, {args.duration} s, {fixture.database_version}, commit {commit}, "
             f"{os.cpu_count()} cores, load average (1 min) {load_before:.1f} before, {load_after:.1f} after", "",
             "| kind | requests | failures | median ms | p95 ms |", "| --- | --- | --- | --- | --- |"]
    for kind, _ in MIX:
        values = tally.latencies.get(kind, [])
        if values:
            lines.append(f"| {kind} | {len(values)} | {tally.failures.get(kind, 0)} | "
                         f"{statistics.median(values):.1f} | {p95(values):.1f} |")
    bare_values = bare[0].latencies["bare"]
    lines += [f"| bare app (baseline) | {bare_total} | {sum(bare[0].failures.values())} | "
              f"{statistics.median(bare_values):.1f} | {p95(bare_values):.1f} |", "",
              f"Service: {total / seconds:.0f} req/s; bare app: {bare_total / bare[1]:.0f} req/s; "
              f"ratio {total / seconds / (bare_total / bare[1]):.3f}. "
              f"Server errors: {sum(tally.failures.values())}{what_failed(tally)}. "
              f"enterMember refused (UserErrors): {dict(tally.refusals) or 'none'}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--url", help="the database; it is emptied first (default: an SQLite file in a temporary "
                                      "directory)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=120, help="seconds of load, for each of the two runs")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped on a kill too
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="zhtj-ml-") as tmp:
        work = Path(tmp)
        args.url = args.url or f"sqlite+aiosqlite:///{work / 'mixed_load.sqlite3'}"
        fixture = Fixture(secret=secrets.token_urlsafe(32), files_dir=work / "files")
        print("preparing the database …", file=sys.stderr)
        asyncio.run(prepare(args.url, fixture))
        with Servers(args.url, fixture, work) as servers:
            login = httpx.post(servers.base("service") + "/graphql", json={
                "query": LOGIN, "variables": {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}})
            token = login.json()["data"]["login"]["token"]
            id_number = httpx.post(servers.base("service") + "/graphql", headers={"Authorization": f"Bearer {token}"},
                                   json={"query": MEMBER_ID_NUMBER,
                                         "variables": {"id": encode_id("Member", fixture.member)}},
                                   ).json()["data"]["node"]["idNumber"]
            print(f"{args.clients} clients on the service …", file=sys.stderr)
            service = asyncio.run(run(servers.base("service"), fixture, token, args.clients, args.duration, False,
                                      id_number))
            load_after = os.getloadavg()[0]
            print(f"{args.clients} clients on the bare app …", file=sys.stderr)
            bare = asyncio.run(run(servers.base("bare"), fixture, token, args.clients, args.duration, True))
            logged = servers.errors("service")
    print(report(args, fixture, service, bare, load_before, load_after))
    if logged:
        last_lines = Counter(block.strip().splitlines()[-1][:300] for block in logged)
        print(f"\nThe service logged {len(logged)} errors:")
        print("\n".join(f"- {count} × `{line}`" for line, count in last_lines.most_common()))
    if sum(service[0].failures.values()) or logged:
        sys.exit(1)


if __name__ == "__main__":
    main()
