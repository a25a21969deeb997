"""Benchmark: the service on a generated nation (issue 15), each case against the authenticated floor.

    python benchmarks/national.py --url sqlite+aiosqlite:////tmp/national.sqlite3 --members 1000000
    python benchmarks/national.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_national --members 1000000

1. The database: emptied and filled by `zhtj generate`'s generator (bootstrapped with the demo's 团中央 admin),
   or, with --reuse, measured as it is (it must hold a generated nation).
2. Two servers as benchmarks/request_path.py starts them (common.Servers: the service and the bare endpoint,
   one uvicorn worker each). Under load with wrk (16 connections, --duration s a case): the floor
   `{ me { __typename } }`, the 4-level tree of a city (about 1,000 orgs, 6 fields each), a province's live
   entry progress (Organization.progress, X-3) and the global search (Query.search, X-1). Progress and search
   run only when the schema has them (introspection); otherwise they are reported as not yet built.
3. --clients concurrent connections (default 50) for --mixed seconds (default 60) mixing reads (80%: a
   branch, its members, a member) and writes (20%: updateOrganization of a branch's contact phone), counting
   HTTP errors, GraphQL errors and "database is locked" (in answers and in the server's log).
4. In-process: the statements one tree request sends, and its median against one hand-written SQL statement
   that builds the same tree as JSON (interleaved runs).

Prints Markdown for BENCHMARKS.md. Needs wrk."""

from __future__ import annotations

import argparse
import asyncio
import json
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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from common import Case, Servers, empty_database, is_postgres, machine, run_wrk, wrk
from sqlalchemy import event, func, select, text

from zhtj.app import create_app
from zhtj.domain.organization.model import subtree_bounds
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure import migrate
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, run_bootstrap
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.generate import generate
from zhtj.infrastructure.tables import start_mappers
from zhtj.infrastructure.tables.schema import members, organizations
from zhtj.settings import Settings

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"
ME = "{ me { __typename } }"
FIELDS = "shortName fullName category industry depth schoolCode"  # 6 fields an org
COLUMNS = {"shortName": "short_name", "fullName": "full_name", "category": "category", "industry": "industry",
           "depth": "depth", "schoolCode": "school_code"}
LEVELS = 4
TREE = ("query($id: ID!) { organization(id: $id) { " + FIELDS
        + "".join(f" children(first: 100) {{ nodes {{ {FIELDS}" for _ in range(LEVELS - 1))
        + " } }" * (LEVELS - 1) + " } }")
PROGRESS = """query($id: ID!) { organization(id: $id) { progress { branchesTotal branchesComplete membersEntered
  membersComplete cadresEntered byChild { organization { shortName } branchesTotal branchesComplete membersEntered
  membersComplete } } } }"""
SEARCH = ("query($t: String!) { search(text: $t, first: 20) { tooMany hint members { name } "
          "organizations { fullName } } }")
SEARCH_BOX = """query SearchBox($text: String!) { search(text: $text, first: 8) {
  members { id name idNumberMasked branch { id shortName ancestors { shortName } } }
  organizations { id fullName ancestors { shortName } } tooMany hint } }"""  # docs/operations/workflows.md
READ_BRANCH = "query($id: ID!) { organization(id: $id) { shortName fullName category contactPhone } }"
READ_MEMBERS = "query($id: ID!) { organization(id: $id) { members(first: 20) { totalCount nodes { name } } } }"
READ_MEMBER = "query($id: ID!) { node(id: $id) { ... on Member { name politicalStatus joinDate } } }"
WRITE = "mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { errors { code } } }"

MIXED_LUA = """-- written by benchmarks/national.py
local bodies = {{
{bodies}
}}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) gql = 0; locked = 0; writes = 0 end
request = function()
  local i = math.random(#bodies)
  return wrk.format("POST", "/graphql", {{["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer {token}"}}, bodies[i])
end
response = function(status, headers, body)
  if string.find(body, '"errors"', 1, true) and not string.find(body, '"errors":[]', 1, true) then gql = gql + 1 end
  if string.find(body, "locked", 1, true) then locked = locked + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local g, l = 0, 0
  for _, t in ipairs(threads) do g = g + t:get("gql"); l = l + t:get("locked") end
  io.write(string.format("RESULT %d %.6f %d %d %d %d %d %.3f %.3f %.3f\\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("MIXED %d %d\\n", g, l))
end
"""


@dataclass
class Fixture:
    secret: str
    files_dir: Path
    database_version: str = ""
    built: str = ""
    orgs: int = 0
    people: int = 0
    city: int = 0
    city_name: str = ""
    tree_size: int = 0
    province: int = 0
    province_name: str = ""
    province_members: int = 0
    namesake: str = ""
    three: str = ""  # a 3-character name that exists
    id_number: str = ""
    development_number: str = ""
    org_word: str = ""  # part of org full names
    branches: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)


# 1. The database ----------------------------------------------------------------------------------------------


async def prepare(url: str, fixture: Fixture, wanted: int, seed: int, reuse: bool) -> None:
    if not reuse:
        await empty_database(url)
        await asyncio.to_thread(migrate.upgrade, url)
        settings = Settings(database_url=url, files_dir=fixture.files_dir, secret_key=fixture.secret)
        if await run_bootstrap(settings, DEMO_ADMIN_ID, "团中央管理员", DEMO_PASSWORD):
            raise SystemExit("error: the database was not empty")
        start_mappers()
        db = create_database(url)
        try:
            summary = await generate(db, members_wanted=wanted, seed=seed, as_of=date(2026, 12, 1),
                                     files=LocalFiles(fixture.files_dir),
                                     progress=lambda n: print(f"\r  {n:,} members", end="", file=sys.stderr))
        finally:
            await db.dispose()
        print(file=sys.stderr)
        fixture.built = (f"generated in {summary.seconds:.0f} s (`zhtj generate --members {wanted} --seed {seed}`): "
                         f"{summary.organizations:,} orgs of which {summary.branches:,} branches, "
                         f"{summary.cadres:,} cadre posts, {summary.segments:,} number segments, "
                         f"{summary.archives:,} e-archives, "
                         f"{summary.incomplete:,} incomplete profiles")
    else:
        fixture.built = "reused as it was (--reuse)"
    await find(url, fixture)


async def find(url: str, fixture: Fixture) -> None:
    """What the cases need: a city whose 4 levels hold about 1,000 orgs, a large province, branches, members."""
    db = create_database(url)
    try:
        async with db.engine.connect() as conn:
            fixture.orgs = (await conn.execute(select(func.count()).select_from(organizations))).scalar_one()
            fixture.people = (await conn.execute(select(func.count()).select_from(members))).scalar_one()
            best = None
            for org_id, path, depth, name in (await conn.execute(text(
                    "SELECT id, path, depth, short_name FROM organizations WHERE depth = 2 AND category = "
                    "'团的领导机关' ORDER BY id"))).all():
                low, high = subtree_bounds(path)
                size = (await conn.execute(text(
                    "SELECT count(*) FROM organizations WHERE path >= :l AND path < :h AND depth <= :d"),
                    {"l": low, "h": high, "d": depth + LEVELS - 1})).scalar_one()
                if best is None or abs(size - 1000) < abs(best[1] - 1000):
                    best = (org_id, size, name)
            assert best is not None
            fixture.city, fixture.tree_size, fixture.city_name = best
            province = (await conn.execute(text(
                "SELECT id, path, short_name FROM organizations WHERE full_name = '共青团江苏省委员会'"))).one()
            fixture.province, fixture.province_name = province.id, province.short_name
            low, high = subtree_bounds(province.path)
            fixture.province_members = (await conn.execute(text(
                "SELECT count(*) FROM members m JOIN organizations o ON o.id = m.branch_id "
                "WHERE o.path >= :l AND o.path < :h"), {"l": low, "h": high})).scalar_one()
            fixture.namesake = (await conn.execute(text(
                "SELECT name FROM members GROUP BY name ORDER BY count(*) DESC, name LIMIT 1"))).scalar_one()
            fixture.three = (await conn.execute(text(
                "SELECT name FROM members WHERE length(name) = 3 AND branch_id IS NOT NULL ORDER BY id LIMIT 1 "
                "OFFSET 4321"))).scalar_one()
            fixture.development_number = (await conn.execute(text(
                "SELECT development_number FROM members WHERE development_number IS NOT NULL AND branch_id IS NOT "
                "NULL ORDER BY id LIMIT 1 OFFSET 555"))).scalar_one()
            fixture.org_word = (await conn.execute(text(  # a county's name: its committee and the orgs below
                "SELECT short_name FROM organizations WHERE depth = 3 AND category = '团的领导机关' ORDER BY id "
                "LIMIT 1 OFFSET 20"))).scalar_one()[:3]
            fixture.id_number = (await conn.execute(text(
                "SELECT id_number FROM members WHERE branch_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 777"))
            ).scalar_one()
            step = max(1, fixture.orgs // 300)
            fixture.branches = list((await conn.execute(text(
                f"SELECT id FROM organizations WHERE category = '团支部' AND id % {step} = 0 ORDER BY id LIMIT 200")
            )).scalars())
            step = max(1, fixture.people // 300)
            fixture.members = list((await conn.execute(text(
                f"SELECT id FROM members WHERE branch_id IS NOT NULL AND id % {step} = 0 ORDER BY id LIMIT 200")
            )).scalars())
            version = "SHOW server_version" if db.dialect == "postgresql" else "SELECT sqlite_version()"
            fixture.database_version = (("PostgreSQL " if db.dialect == "postgresql" else "SQLite ")
                                        + (await conn.execute(text(version))).scalar_one())
    finally:
        await db.dispose()


# 2. Under load ------------------------------------------------------------------------------------------------


def schema_has(base: str) -> dict[str, bool]:
    """Introspection: does the schema have Query.search and Organization.progress yet?"""
    body = httpx.post(base + "/graphql", timeout=30, json={"query": """{ q: __type(name: "Query") { fields { name } }
      o: __type(name: "Organization") { fields { name } } }"""}).json()["data"]
    return {"search": any(f["name"] == "search" for f in body["q"]["fields"]),
            "progress": any(f["name"] == "progress" for f in body["o"]["fields"])}


def cases(fixture: Fixture, built: dict[str, bool]) -> list[tuple[Case, bool]]:
    org = encode_id("Organization", fixture.city)
    province = encode_id("Organization", fixture.province)
    return [
        (Case("`{ me { __typename } }` with a token (the floor)", "service", ME), True),
        (Case(f"4-level tree of {fixture.city_name} ({fixture.tree_size:,} orgs, 6 fields)", "service", TREE,
              {"id": org}), True),
        (Case(f"live entry progress of {fixture.province_name} ({fixture.province_members:,} members, X-3)",
              "service", PROGRESS, {"id": province}), built["progress"]),
        (Case(f"search a common name ({fixture.namesake}, X-1)", "service", SEARCH, {"t": fixture.namesake}),
         built["search"]),
        (Case(f"search a 3-character name ({fixture.three}, X-1)", "service", SEARCH, {"t": fixture.three}),
         built["search"]),
        (Case("search an ID number (X-1, an audited full read)", "service", SEARCH, {"t": fixture.id_number}),
         built["search"]),
        (Case("search a development number (X-1)", "service", SEARCH, {"t": fixture.development_number}),
         built["search"]),
        (Case(f"search part of an org name ({fixture.org_word}, X-1)", "service", SEARCH, {"t": fixture.org_word}),
         built["search"]),
        (Case(f"the search box's rows with breadcrumbs ({fixture.namesake}, first 8)", "service", SEARCH_BOX,
              {"text": fixture.namesake}), built["search"]),
    ]


def check(case: Case, base: str, token: str, fixture: Fixture) -> None:
    answer = httpx.post(base + "/graphql", content=case.body(), timeout=120,
                        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    body = answer.json()
    if answer.status_code != 200 or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"{case.label}: HTTP {answer.status_code} {str(body)[:500]}")
    if case.query == TREE and (n := count_orgs(body["data"]["organization"])) != fixture.tree_size:
        raise RuntimeError(f"{case.label}: {n} orgs in the answer, not {fixture.tree_size}")


def count_orgs(org: dict) -> int:
    return 1 + sum(count_orgs(child) for child in org.get("children", {}).get("nodes", []))


def mixed_bodies(fixture: Fixture) -> list[str]:
    rng = random.Random(15)
    bodies = []
    for i in range(200):
        branch = encode_id("Organization", rng.choice(fixture.branches))
        kind = i % 10
        if kind < 2:
            phone = f"0{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
            bodies.append({"query": WRITE, "variables": {"i": {"id": branch, "contactPhone": phone}}})
        elif kind < 5:
            bodies.append({"query": READ_BRANCH, "variables": {"id": branch}})
        elif kind < 8:
            bodies.append({"query": READ_MEMBERS, "variables": {"id": branch}})
        else:
            bodies.append({"query": READ_MEMBER, "variables": {"id": encode_id("Member", rng.choice(
                fixture.members))}})
    return [json.dumps(b, ensure_ascii=False) for b in bodies]


def under_load(url: str, fixture: Fixture, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"loads": [], "skipped": []}
    with Servers(url, fixture, work) as servers:
        base = servers.base("service")
        login = httpx.post(base + "/graphql", timeout=60, json={
            "query": LOGIN, "variables": {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}}).json()
        token = login["data"]["login"]["token"]
        if not token:
            raise RuntimeError(f"the 团中央 admin could not log in: {login}")
        out["built"] = built = schema_has(base)
        for case, present in cases(fixture, built):
            if not present:
                out["skipped"].append(case.label)
                continue
            check(case, base, token, fixture)
            if args.warmup > 0:
                wrk(case, servers, token, args.warmup, args, work)
                servers.idle("service")
            load = wrk(case, servers, token, args.duration, args, work)
            servers.idle("service")
            out["loads"].append((case, load))
            print(f"  {case.label}: {load.rate:,.0f} req/s, median {load.median:.1f} ms", file=sys.stderr)
        bodies = ",\n".join("  [==[" + b + "]==]" for b in mixed_bodies(fixture))
        before = servers.log("service").count("database is locked")
        load, stdout = run_wrk(MIXED_LUA.format(bodies=bodies, token=token), base + "/graphql", args.mixed, args,
                               work, "mixed", connections=args.clients)
        servers.idle("service")
        gql, locked = (int(x) for x in stdout.split("MIXED ", 1)[1].split()[:2])
        out["mixed"] = (load, gql, locked, servers.log("service").count("database is locked") - before,
                        len(servers.errors("service")))
        print(f"  mixed: {load.rate:,.0f} req/s, {gql} GraphQL errors, {locked} locked", file=sys.stderr)
    return out


# 3. In-process ------------------------------------------------------------------------------------------------


def tree_sql(dialect: str, levels: int = LEVELS) -> str:
    """One statement that builds the tree TREE answers, as JSON text."""
    def obj(alias: str, left: int) -> str:
        pairs = ", ".join(f"'{k}', {alias}.{c}" for k, c in COLUMNS.items())
        if left == 1:
            return f"{'json_object' if dialect == 'sqlite' else 'json_build_object'}({pairs})"
        child = f"o{left - 1}"
        if dialect == "sqlite":
            nodes = (f"(SELECT json_group_array(json(x.obj)) FROM (SELECT {obj(child, left - 1)} AS obj FROM "
                     f"organizations {child} WHERE {child}.parent_id = {alias}.id ORDER BY {child}.sort_order, "
                     f"{child}.id) AS x)")
            return f"json_object({pairs}, 'children', json_object('nodes', {nodes}))"
        nodes = (f"COALESCE((SELECT json_agg({obj(child, left - 1)} ORDER BY {child}.sort_order, {child}.id) FROM "
                 f"organizations {child} WHERE {child}.parent_id = {alias}.id), '[]'::json)")
        return f"json_build_object({pairs}, 'children', json_build_object('nodes', {nodes}))"
    cast = "" if dialect == "sqlite" else "::text"
    return f"SELECT ({obj('top', levels)}){cast} FROM organizations top WHERE top.id = :id"


async def in_process(url: str, fixture: Fixture, runs: int) -> dict[str, Any]:
    app = create_app(Settings(database_url=url, files_dir=fixture.files_dir, secret_key=fixture.secret))
    db = app.state.services.db
    statement = text(tree_sql(db.dialect))
    times: dict[str, list[float]] = {"sql": [], "graphql": []}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            login = (await http.post("/graphql", json={"query": LOGIN, "variables": {"i": {
                "idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}})).json()
            headers = {"Authorization": "Bearer " + login["data"]["login"]["token"]}

            async def graphql_tree() -> dict:
                body = (await http.post("/graphql", headers=headers, json={
                    "query": TREE, "variables": {"id": encode_id("Organization", fixture.city)}})).json()
                if body.get("errors"):
                    raise RuntimeError(str(body["errors"]))
                return body["data"]["organization"]

            async def sql_tree() -> str:
                async with db.engine.connect() as conn:
                    return (await conn.execute(statement, {"id": fixture.city})).scalar_one()

            seen: list[str] = []

            def count(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
                if sql.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
                    seen.append(sql)

            await graphql_tree()  # the viewer is cached after the first request, as on a server
            event.listen(db.engine.sync_engine, "before_cursor_execute", count)
            db.rows.observers.append(seen.append)
            answer = await graphql_tree()
            event.remove(db.engine.sync_engine, "before_cursor_execute", count)
            db.rows.observers.remove(seen.append)
            if json.loads(await sql_tree()) != answer:
                raise RuntimeError("the SQL statement and the GraphQL request answer different trees")
            for i in range(runs):
                pair = [("sql", sql_tree), ("graphql", graphql_tree)]
                for name, fn in pair if i % 2 == 0 else pair[::-1]:
                    start = time.perf_counter()
                    await fn()
                    times[name].append((time.perf_counter() - start) * 1000)
    finally:
        await db.dispose()
    return {"statements": len(seen), **{k: statistics.median(v) for k, v in times.items()},
            "max": {k: max(v) for k, v in times.items()}}


# 4. The report ------------------------------------------------------------------------------------------------


def report(url: str, fixture: Fixture, args: argparse.Namespace, load: dict[str, Any], timed: dict[str, Any],
           took: float) -> str:
    database = "PostgreSQL" if is_postgres(url) else "SQLite"
    floor = load["loads"][0][1]
    lines = [f"#### {database}, {fixture.people:,} people", "", *machine(fixture, url),
             f"- dataset: {fixture.orgs:,} organizations, {fixture.people:,} people (members and the admin); "
             f"{fixture.built}",
             f"- load: {args.wrk_version}, {args.threads} threads, {args.connections} connections, {args.duration} s "
             f"a case after {args.warmup} s of warm-up; ratios are of medians to the floor's in the same run",
             f"- load average (1 min) before the run {args.load_before:.2f}, after the load {args.load_after:.2f}",
             "", "| case | req/s | median ms | p95 ms | median / floor | p95 / floor |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for case, result in load["loads"]:
        lines.append(f"| {case.label} | {result.rate:,.0f} | {result.median:.1f} | {result.p95:.1f} | "
                     f"{result.median / floor.median:.1f}x | {result.p95 / floor.p95:.1f}x |")
    for label in load["skipped"]:
        lines.append(f"| {label} | not yet built | — | — | — | — |")
    for case, result in load["loads"]:
        if result.errors:
            lines.append(f"\nwarning: {case.label}: {result.errors}")
    mixed, gql, locked, logged, server_errors = load["mixed"]
    lines += [
        "", f"Mixed load: {args.clients} connections for {args.mixed} s, 80% reads (a branch, its members page, a "
        f"member) and 20% writes (`updateOrganization` of a branch's contact phone), bodies drawn at random:", "",
        "| req/s | median ms | p95 ms | median / floor | HTTP errors | GraphQL errors | \"database is locked\" "
        "(answers / server log) | server errors logged |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {mixed.rate:,.0f} | {mixed.median:.1f} | {mixed.p95:.1f} | {mixed.median / floor.median:.1f}x | "
        f"{sum(mixed.errors.values())} | {gql} | {locked} / {logged} | {server_errors} |",
        "", f"In-process (httpx ASGITransport), the {fixture.tree_size:,}-org tree: **{timed['statements']} SQL "
        f"statements** for the GraphQL request; medians of {args.runs} interleaved runs: one hand-written SQL "
        f"statement {timed['sql']:.1f} ms, the GraphQL request {timed['graphql']:.1f} ms: "
        f"**{timed['graphql'] / timed['sql']:.1f}x**.", "", f"Whole run: {took:.0f} s.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--url", required=True, help="the database; emptied first unless --reuse")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load a case (default 10)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50, help="connections of the mixed load (default 50)")
    parser.add_argument("--mixed", type=int, default=60, help="seconds of the mixed load (default 60)")
    parser.add_argument("--runs", type=int, default=20, help="in-process runs of the tree, each way")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk is not installed (apt-get install wrk)")
    args.wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, args.load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="zhtj-national-") as tmp:
        work = Path(tmp)
        fixture = Fixture(secret=secrets.token_urlsafe(32), files_dir=work / "files")
        print("preparing the database …", file=sys.stderr)
        asyncio.run(prepare(args.url, fixture, args.members, args.seed, args.reuse))
        print(f"prepared in {time.perf_counter() - started:.0f} s; under load …", file=sys.stderr)
        load = under_load(args.url, fixture, args, work)
        args.load_after = os.getloadavg()[0]
        print("in-process …", file=sys.stderr)
        timed = asyncio.run(in_process(args.url, fixture, args.runs))
    print(report(args.url, fixture, args, load, timed, time.perf_counter() - started))


if __name__ == "__main__":
    main()
