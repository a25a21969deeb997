"""Benchmark: the global search box (X-1) and live entry progress (X-3), as ratios to the request floor.

One command per database:

    python benchmarks/search.py --url sqlite+aiosqlite:////tmp/search.sqlite3
    python benchmarks/search.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_bench_search

1. Prepares the database as request_path.py does (the demo nation and a 766-org county under 南京团市委),
   then bulk-loads --members people (default 50,000) into the county's 750 branches, with common Chinese
   names (a fixed seed), ID numbers and 12-digit development numbers, and fills the search index and the
   progress counters from the tables with the code the migration uses.
   Every search case asks for what a result row shows (SEARCH: each person's branch and its ancestors, each
   org's ancestors); one case asks for the bare row, to show what the breadcrumbs cost.
2. Starts the service and the bare endpoint (request_path.py's servers) and logs the demo's 团中央 admin in:
   the widest scope, so every search covers the whole country.
3. Under load (wrk, as request_path.py): the authenticated floor `{ me { __typename } }`, then each search
   case and the county's and the province's `progress`; each case's median as a ratio to the floor's median
   measured in the same run (issue 15's target: at most 1.5x for the searches).

Prints Markdown. Needs wrk."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from request_path import (
    LOGIN,
    ME,
    Case,
    Fixture,
    Servers,
    check,
    is_postgres,
    machine,
    prepare,
    wrk,
)
from sqlalchemy import select, text

from zhtj.graphql.ids import encode_id
from zhtj.infrastructure import progress_counters, search_index
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, make_id_number
from zhtj.infrastructure.tables.schema import members, organizations

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志宇浩然子涵欣怡梓轩"
SEARCH = """query($t: String!) { search(text: $t) { tooMany hint
  organizations { id fullName ancestors { shortName } }
  members { id name idNumberMasked branch { shortName ancestors { shortName } } } archives { status } } }"""
ROW = """query($t: String!) { search(text: $t) { tooMany members { id name idNumberMasked } } }"""
PROGRESS = """query($id: ID!) { organization(id: $id) { progress { branchesTotal branchesComplete
  branchesCompleteShare membersEntered membersComplete membersCompleteShare cadresEntered
  byChild { organization { shortName } branchesTotal branchesComplete membersEntered membersComplete } } } }"""


def name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES[:12] if rng.random() < 0.7 else SURNAMES) + given


async def load_people(url: str, fixture: Fixture, count: int) -> dict[str, str]:
    """People in the county's branches, then the index and counters from the tables; returns the texts to
    search: an ID number, a development number, a 2- and a 3-character name that exist, part of an org name."""
    rng = random.Random(2026)
    db = create_database(url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    picked: dict[str, str] = {}
    try:
        async with db.engine.begin() as conn:
            county_path = (await conn.execute(select(organizations.c.path).where(
                organizations.c.id == fixture.county))).scalar_one()
            branches = list((await conn.execute(select(organizations.c.id).where(
                organizations.c.path.startswith(county_path), organizations.c.category == "团支部"))).scalars())
            rows = []
            for k in range(count):
                born = date(1999, 1, 1) + timedelta(days=k % 3000)
                person = name(rng)
                rows.append({"name": person, "id_number": make_id_number("320102", born, (k // 3000) % 1000),
                             "gender": "男", "birth_date": born, "branch_id": rng.choice(branches),
                             "political_status": "共青团员", "join_date": "2020-05",
                             "development_number": f"2020{50_000_000 + k:08d}", "created_at": now,
                             "mobile": "13800138000" if k % 3 else None})
            unique = list({r["id_number"]: r for r in rows}.values())  # unique below 3 million people
            for start in range(0, len(unique), 5000):
                await conn.execute(members.insert(), unique[start:start + 5000])
            target = unique[len(unique) // 2]
            picked["id"] = target["id_number"]
            picked["number"] = target["development_number"]
            two = [r["name"] for r in unique if len(r["name"]) == 2]
            three = [r["name"] for r in unique if len(r["name"]) == 3]
            picked["name2"] = max(set(two), key=two.count)  # the most common: the hardest case
            picked["name3"] = max(set(three), key=three.count)
            picked["org"] = "第7团委第3"
            await conn.run_sync(search_index.rebuild)
            await conn.run_sync(progress_counters.rebuild)
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
            province = (await conn.execute(select(organizations.c.id).where(
                organizations.c.path == "/" + county_path.strip("/").split("/")[0] + "/"
                + county_path.strip("/").split("/")[1] + "/"))).scalar_one()
            picked["province"] = encode_id("Organization", province)
            picked["county"] = encode_id("Organization", fixture.county)
    finally:
        await db.dispose()
    return picked


def cases(texts: dict[str, str]) -> list[Case]:
    return [
        Case("floor: `{ me { __typename } }` with a token", "service", ME),
        Case("search: an ID number (an audited full read)", "service", SEARCH, {"t": texts["id"]}),
        Case("search: a development number", "service", SEARCH, {"t": texts["number"]}),
        Case(f"search: a 2-character name ({texts['name2']}, the most common)", "service", SEARCH,
             {"t": texts["name2"]}),
        Case("search: the 2-character name, only `id name idNumberMasked` of each hit", "service", ROW,
             {"t": texts["name2"]}),
        Case(f"search: a 3-character name ({texts['name3']})", "service", SEARCH, {"t": texts["name3"]}),
        Case(f"search: part of an org name ({texts['org']})", "service", SEARCH, {"t": texts["org"]}),
        Case(f"search: a name and a narrowing word ({texts['name2']} 第7团委)", "service", SEARCH,
             {"t": f"{texts['name2']} 第7团委"}),
        Case("search: pinyin initials (zw)", "service", SEARCH, {"t": "zw"}),
        Case("progress of the county (766 orgs)", "service", PROGRESS, {"id": texts["county"]}),
        Case("progress of its province", "service", PROGRESS, {"id": texts["province"]}),
    ]


def run(url: str, fixture: Fixture, texts: dict[str, str], args: argparse.Namespace, work: Path) -> list:
    results = []
    with Servers(url, fixture, work) as servers:
        answer = httpx.post(servers.base("service") + "/graphql", timeout=30, json={
            "query": LOGIN, "variables": {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}})
        fixture.token = answer.json()["data"]["login"]["token"]
        for case in cases(texts):
            check(case, servers, fixture.token)
        for case in cases(texts):
            if args.warmup > 0:
                wrk(case, servers, fixture.token, args.warmup, args, work)
                servers.idle(case.server)
            load = wrk(case, servers, fixture.token, args.duration, args, work)
            servers.idle(case.server)
            results.append((case, load))
            print(f"  {case.label}: median {load.median:.1f} ms", file=sys.stderr)
    return results


def report(url: str, fixture: Fixture, args: argparse.Namespace, loads: list, took: float) -> str:
    database = "PostgreSQL" if is_postgres(url) else "SQLite"
    floor = loads[0][1]
    lines = [f"### {database}, {args.members:,} members in the county", "", *machine(fixture, url),
             f"- load: {args.wrk_version}, {args.threads} threads, {args.connections} connections, "
             f"{args.duration} s a case after {args.warmup} s of warm-up; load average (1 min) before "
             f"{args.load_before:.2f}", "",
             "| case | req/s | median ms | p95 ms | median / floor's |", "| --- | ---: | ---: | ---: | ---: |"]
    for case, load in loads:
        lines.append(f"| {case.label} | {load.rate:,.0f} | {load.median:.1f} | {load.p95:.1f} | "
                     f"{load.median / floor.median:.2f}x |")
    searches = [load.median / floor.median for case, load in loads if case.label.startswith("search")]
    lines += ["", f"Searches: median ratio {statistics.median(searches):.2f}x, worst {max(searches):.2f}x. "
              f"Whole run: {took:.0f} s."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--url", required=True, help="the database; it is emptied first")
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load a case (default 5)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk is not installed (apt-get install wrk)")
    args.wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, args.load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="zhtj-search-") as tmp:
        work = Path(tmp)
        fixture = Fixture(secret=secrets.token_urlsafe(32), files_dir=work / "files")
        print("preparing the database …", file=sys.stderr)
        asyncio.run(prepare(args.url, fixture))
        texts = asyncio.run(load_people(args.url, fixture, args.members))
        print(f"prepared in {time.perf_counter() - started:.0f} s; under load …", file=sys.stderr)
        loads = run(args.url, fixture, texts, args, work)
    print(report(args.url, fixture, args, loads, time.perf_counter() - started))


if __name__ == "__main__":
    main()
