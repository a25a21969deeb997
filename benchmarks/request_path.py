"""Benchmark: the request path, against a bare Starlette endpoint in the same run.

One command per database:

    python benchmarks/request_path.py --url sqlite+aiosqlite:////tmp/rp.sqlite3
    python benchmarks/request_path.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/zhtj_bench_rp

1. Prepares the database: empties it (SQLite: deletes the file; PostgreSQL: creates the database if it is
   missing, then `downgrade base`), migrates it, builds the demo nation through the real use cases (what
   `zhtj demo` does) and bulk-loads one county-sized subtree under 南京团市委 (a county, 15 committees,
   50 branches each: 766 orgs), with org_tree.py's loader.
2. Starts two servers on free loopback ports, one uvicorn worker each, access log off: the service
   (`uvicorn --factory zhtj.app:create_app`) and benchmarks/bare_app.py. The demo's 团中央 admin logs in
   over HTTP with a real `login` mutation.
3. Under load (wrk: 16 connections, 2 threads, --duration seconds a case after a short warm-up, the cases
   back to back): req/s, the share of the bare endpoint, median, p95 and p99 latency.
4. In-process, through the whole ASGI app (httpx ASGITransport): the 766-org tree as one GraphQL request
   against one hand-written SQL statement that returns the same tree as JSON through the app's own engine
   (interleaved runs, medians and their ratio); the medians of `login` and `enterMember`, with the argon2id
   parameters of the stored hashes.

Everything prints as Markdown, with the date, the machine and the commit. Both servers are stopped at the
end whatever happens. Needs wrk (`apt-get install wrk`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import argon2
import httpx
from common import Case, Load, Servers, empty_database, is_postgres, machine, version_of, wrk
from org_tree import COLUMNS
from sqlalchemy import func, select, text

from zhtj.app import create_app
from zhtj.domain.organization.model import child_path
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure import migrate
from zhtj.infrastructure.bulk import flush
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, build_demo, make_id_number
from zhtj.infrastructure.tables.schema import accounts, members, organizations
from zhtj.settings import Settings

COUNTY_PARENT = "南京团市委"  # depth 2: the county sits at depth 3, as a county does in the national tree
COMMITTEES, BRANCHES = 15, 50
TREE_SIZE = 1 + COMMITTEES * (1 + BRANCHES)
DEMO_BRANCH, DEMO_MEMBER = "计算机2301班团支部", "张伟"

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }"
ME = "{ me { __typename } }"
ORGANIZATION = "query($id: ID!) { organization(id: $id) { id shortName fullName category } }"
MEMBER = "query($id: ID!) { node(id: $id) { ... on Member { id name gender politicalStatus } } }"
DEMO_TREE = """{ me { mustChangePassword member { name idNumberMasked } adminOf { id fullName depth
  children(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { id shortName category
    children { totalCount nodes { shortName } } } } } } }"""  # README's first query: who am I, the tree below me
TREE = """query($id: ID!) { organization(id: $id) { shortName fullName category children(first: 100) { nodes {
  shortName fullName category children(first: 100) { nodes { shortName fullName category } } } } } }"""
ENTER = "mutation($i: EnterMemberInput!) { enterMember(input: $i) { member { id } errors { code field } } }"

# The same tree as TREE answers, built by the database: one statement, one index lookup per parent.
TREE_SQL = {
    "sqlite": """
SELECT json_object('shortName', c.short_name, 'fullName', c.full_name, 'category', c.category,
  'children', json_object('nodes', (
    SELECT json_group_array(json(m.obj)) FROM (
      SELECT json_object('shortName', o.short_name, 'fullName', o.full_name, 'category', o.category,
        'children', json_object('nodes', (
          SELECT json_group_array(json(b.obj)) FROM (
            SELECT json_object('shortName', p.short_name, 'fullName', p.full_name, 'category', p.category) AS obj
            FROM organizations p WHERE p.parent_id = o.id ORDER BY p.sort_order, p.id) AS b))) AS obj
      FROM organizations o WHERE o.parent_id = c.id ORDER BY o.sort_order, o.id) AS m)))
FROM organizations c WHERE c.id = :id""",
    "postgresql": """
SELECT json_build_object('shortName', c.short_name, 'fullName', c.full_name, 'category', c.category,
  'children', json_build_object('nodes', COALESCE((
    SELECT json_agg(json_build_object('shortName', o.short_name, 'fullName', o.full_name, 'category', o.category,
      'children', json_build_object('nodes', COALESCE((
        SELECT json_agg(json_build_object('shortName', p.short_name, 'fullName', p.full_name,
                                          'category', p.category) ORDER BY p.sort_order, p.id)
        FROM organizations p WHERE p.parent_id = o.id), '[]'::json))) ORDER BY o.sort_order, o.id)
    FROM organizations o WHERE o.parent_id = c.id), '[]'::json)))::text
FROM organizations c WHERE c.id = :id""",
}

@dataclass
class Fixture:
    """What the prepared database holds that the cases need."""

    secret: str
    files_dir: Path
    county: int = 0
    branch: int = 0
    member: int = 0
    token: str = ""
    argon2: str = ""
    database_version: str = ""


# 1. The database --------------------------------------------------------------------------------------------


def county_rows(parent_id: int, parent_path: str, parent_depth: int, first_id: int) -> Iterator[tuple]:
    """A county with its committees and their branches, in COLUMNS order, ids from first_id up."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    county_path = child_path(parent_path, first_id)
    yield (first_id, parent_id, county_path, parent_depth + 1, "团的领导机关", "示范县团委", "共青团示范县委员会",
           "党政机关", 1, False, now)
    next_id = first_id + 1
    for i in range(COMMITTEES):
        committee, committee_path = next_id, child_path(county_path, next_id)
        yield (committee, first_id, committee_path, parent_depth + 2, "团委", f"示范县第{i + 1}团委",
               f"共青团示范县第{i + 1}委员会", "国有企业", i, False, now)
        next_id += 1
        for j in range(BRANCHES):
            yield (next_id, committee, child_path(committee_path, next_id), parent_depth + 3, "团支部",
                   f"第{i + 1}团委第{j + 1}团支部", f"共青团示范县第{i + 1}委员会第{j + 1}支部", "国有企业", j,
                   False, now)
            next_id += 1


async def prepare(url: str, fixture: Fixture) -> None:
    await empty_database(url)
    await asyncio.to_thread(migrate.upgrade, url)
    settings = Settings(database_url=url, files_dir=fixture.files_dir, secret_key=fixture.secret)
    if not await build_demo(settings):
        raise SystemExit("error: the database was not empty after the downgrade")
    db = create_database(url)
    try:
        async with db.engine.connect() as conn:
            parent = (await conn.execute(select(organizations.c.id, organizations.c.path, organizations.c.depth)
                                         .where(organizations.c.short_name == COUNTY_PARENT))).one()
            first_id = (await conn.execute(select(func.max(organizations.c.id)))).scalar_one() + 1
            fixture.branch = (await conn.execute(select(organizations.c.id).where(
                organizations.c.short_name == DEMO_BRANCH))).scalar_one()
            fixture.member = (await conn.execute(select(members.c.id).where(
                members.c.name == DEMO_MEMBER))).scalar_one()
            fixture.argon2 = (await conn.execute(select(accounts.c.password_hash).where(
                accounts.c.id_number == DEMO_ADMIN_ID))).scalar_one()
        async with db.engine.connect() as conn:  # the loader runs its own transactions on the raw connection
            raw = await conn.get_raw_connection()
            await flush(db.dialect, raw.driver_connection, "organizations", COLUMNS,
                        list(county_rows(*parent, first_id)))
            await conn.commit()
        fixture.county = first_id
        async with db.engine.begin() as conn:
            if db.dialect == "postgresql":
                await conn.execute(text("SELECT setval(pg_get_serial_sequence('organizations', 'id'), "
                                        "(SELECT max(id) FROM organizations))"))
                await conn.execute(text("ANALYZE"))
                fixture.database_version = "PostgreSQL " + (await conn.execute(text("SHOW server_version"))
                                                            ).scalar_one()
            else:
                await conn.execute(text("ANALYZE"))
                fixture.database_version = "SQLite " + (await conn.execute(text("SELECT sqlite_version()"))
                                                        ).scalar_one()
    finally:
        await db.dispose()


# 2. The servers ---------------------------------------------------------------------------------------------


# 3. Under load ----------------------------------------------------------------------------------------------


def cases(fixture: Fixture) -> list[Case]:
    return [
        Case("bare Starlette JSON endpoint", "bare", "{ __typename }"),
        Case("anonymous `{ __typename }`", "service", "{ __typename }", auth=False),
        Case("`{ me { __typename } }` with a token", "service", ME),
        Case("`organization(id:)` of a branch, 4 fields", "service", ORGANIZATION,
             {"id": encode_id("Organization", fixture.branch)}),
        Case("`node(id:)` of a member, 4 fields", "service", MEMBER, {"id": encode_id("Member", fixture.member)}),
        Case("the demo's 3-level tree (README's `me { adminOf { children … } }`)", "service", DEMO_TREE),
        Case(f"the {TREE_SIZE}-org 3-level tree of a county", "service", TREE,
             {"id": encode_id("Organization", fixture.county)}),
    ]


def check(case: Case, servers: Servers, token: str) -> None:
    """One request before the load: the answer must be data, not errors (wrk counts only HTTP statuses)."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if case.auth else {})
    answer = httpx.post(servers.base(case.server) + "/graphql", content=case.body(), headers=headers, timeout=30)
    body = answer.json()
    if answer.status_code != 200 or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"{case.label}: HTTP {answer.status_code} {str(body)[:500]}")
    data = body["data"]
    if case.query in (ORGANIZATION, MEMBER) and not next(iter(data.values())):
        raise RuntimeError(f"{case.label}: null, the object is out of the admin's scope: {data}")
    if case.query == TREE and (n := count_orgs(data["organization"])) != TREE_SIZE:
        raise RuntimeError(f"{case.label}: {n} orgs in the answer, not {TREE_SIZE}")


def count_orgs(org: dict) -> int:
    return 1 + sum(count_orgs(child) for child in org.get("children", {}).get("nodes", []))


def under_load(url: str, fixture: Fixture, args: argparse.Namespace, work: Path) -> list[tuple[Case, Load]]:
    results = []
    with Servers(url, fixture, work) as servers:
        answer = httpx.post(servers.base("service") + "/graphql", timeout=30, json={
            "query": LOGIN, "variables": {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}}})
        login = answer.json()["data"]["login"]
        if not login["token"]:
            raise RuntimeError(f"the demo admin could not log in: {login['errors']}")
        fixture.token = login["token"]
        for case in cases(fixture):
            check(case, servers, fixture.token)
        bare, *service = cases(fixture)
        again = Case("bare Starlette JSON endpoint, again at the end", "bare", bare.query)
        for case in [bare, *service, again]:
            if args.warmup > 0:
                wrk(case, servers, fixture.token, args.warmup, args, work)
                servers.idle(case.server)
            load = wrk(case, servers, fixture.token, args.duration, args, work)
            servers.idle(case.server)
            if not load.requests:
                raise RuntimeError(f"{case.label}: no request finished in {args.duration} s")
            results.append((case, load))
            print(f"  {case.label}: {load.rate:,.0f} req/s, median {load.median:.1f} ms", file=sys.stderr)
        for name in servers.procs:
            if errors := servers.errors(name):
                print(f"warning: the {name} server logged {len(errors)} errors:\n{errors[-1]}", file=sys.stderr)
    return results


# 4. In-process ----------------------------------------------------------------------------------------------


def member_input(branch: int, k: int) -> dict[str, Any]:
    """A complete, valid EnterMemberInput (a university student who joined in 2020), a new person for each k."""
    number = make_id_number("110105", date(2005, 1, 1) + timedelta(days=k), k % 1000)
    return {"branchId": encode_id("Organization", branch), "name": "王小明", "idNumber": number,
            "idNumberConfirm": number, "ethnicity": "汉族", "occupation": "青年学生", "studyStatus": "普通本科在读",
            "education": "普通高中", "politicalStatus": "共青团员", "joinDate": "2020-05",
            "developmentNumber": f"2020{k:08d}", "isCadre": False, "mobile": "13800138000",
            "householdAddress": "北京市海淀区中关村大街1号", "registeredVolunteer": False}


async def in_process(url: str, fixture: Fixture, runs: int, write_runs: int) -> dict[str, Any]:
    app = create_app(Settings(database_url=url, files_dir=fixture.files_dir, secret_key=fixture.secret))
    db = app.state.services.db
    statement = text(TREE_SQL[db.dialect])
    times: dict[str, list[float]] = {"sql": [], "graphql": [], "login": [], "enter": [], "verify": []}
    hasher = app.state.services.hasher
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def post(query: str, variables: dict, token: str | None = None) -> dict:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                body = (await http.post("/graphql", json={"query": query, "variables": variables},
                                        headers=headers)).json()
                if body.get("errors"):
                    raise RuntimeError(f"{query[:60]}: {body['errors']}")
                return body["data"]

            async def login() -> str:
                data = await post(LOGIN, {"i": {"idNumber": DEMO_ADMIN_ID, "password": DEMO_PASSWORD}})
                return data["login"]["token"]

            token = await login()

            async def sql_tree() -> str:
                async with db.engine.connect() as conn:
                    return (await conn.execute(statement, {"id": fixture.county})).scalar_one()

            async def graphql_tree() -> dict:
                return await post(TREE, {"id": encode_id("Organization", fixture.county)}, token)

            from_sql, from_graphql = json.loads(await sql_tree()), (await graphql_tree())["organization"]
            if from_sql != from_graphql:
                raise RuntimeError("the SQL statement and the GraphQL request answer different trees")
            for _ in range(2):  # warm-up
                await sql_tree()
                await graphql_tree()
            for i in range(runs):  # interleaved, each first in turn
                pair = [("sql", sql_tree), ("graphql", graphql_tree)]
                for name, fn in pair if i % 2 == 0 else pair[::-1]:
                    start = time.perf_counter()
                    await fn()
                    times[name].append((time.perf_counter() - start) * 1000)

            async def enter(k: int) -> None:
                data = await post(ENTER, {"i": member_input(fixture.branch, k)}, token)
                if data["enterMember"]["errors"]:
                    raise RuntimeError(f"enterMember: {data['enterMember']['errors']}")

            await enter(0)  # warm-up
            for k in range(1, write_runs + 1):
                start = time.perf_counter()
                await login()
                times["login"].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                await enter(k)
                times["enter"].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                await hasher.verify(fixture.argon2, DEMO_PASSWORD)
                times["verify"].append((time.perf_counter() - start) * 1000)
    finally:
        await db.dispose()
    return {name: statistics.median(values) for name, values in times.items()} | {
        "max": {name: max(values) for name, values in times.items()}}


# 5. The report ----------------------------------------------------------------------------------------------


def report(url: str, fixture: Fixture, args: argparse.Namespace, loads: list[tuple[Case, Load]],
           timed: dict[str, Any], took: float) -> str:
    database = "PostgreSQL" if is_postgres(url) else "SQLite"
    bare = statistics.mean(load.rate for case, load in loads if case.server == "bare")
    lines = [f"### {database}", "", *machine(fixture, url),
             f"- load: {args.wrk_version}, {args.threads} threads, {args.connections} connections, "
             f"{args.duration} s a case after {args.warmup} s of warm-up, the cases back to back; the share is "
             f"of the mean of the two bare runs",
             f"- load average (1 min) before the run {args.load_before:.2f}, after the load "
             f"{args.load_after:.2f} (other work on the machine counts in it)",
             "", "| case | req/s | share of bare | median ms | p95 ms | p99 ms | p95/median |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for case, load in loads:
        share = "—" if case.server == "bare" else f"{100 * load.rate / bare:.1f}%"
        lines.append(f"| {case.label} | {load.rate:,.0f} | {share} | {load.median:.1f} | {load.p95:.1f} | "
                     f"{load.p99:.1f} | {load.spread} |")
    for case, load in loads:
        if load.errors:
            lines.append(f"\nwarning: {case.label}: {load.errors}")
    params = argon2.extract_parameters(fixture.argon2)
    ratio = timed["graphql"] / timed["sql"]
    lines += [
        "", f"In-process through the ASGI app (httpx ASGITransport), medians of {args.runs} interleaved runs "
        f"(writes: {args.write_runs}):", "",
        "| operation | median ms | max ms |", "| --- | ---: | ---: |",
        f"| the {TREE_SIZE}-org tree, one hand-written SQL statement through the app's engine (JSON text) | "
        f"{timed['sql']:.2f} | {timed['max']['sql']:.2f} |",
        f"| the same tree, a GraphQL request through the whole app | {timed['graphql']:.2f} | "
        f"{timed['max']['graphql']:.2f} |",
        f"| `login` (the demo's 团中央 admin) | {timed['login']:.1f} | {timed['max']['login']:.1f} |",
        f"| `enterMember` (a new, valid member each time) | {timed['enter']:.1f} | {timed['max']['enter']:.1f} |",
        f"| one password verification alone (the app's hasher, off the event loop) | {timed['verify']:.1f} | "
        f"{timed['max']['verify']:.1f} |",
        "", f"GraphQL / SQL for the tree: **{ratio:.1f}x**. Passwords: argon2{params.type.name.lower()}, "
        f"memory {params.memory_cost // 1024} MiB, {params.time_cost} iterations, parallelism "
        f"{params.parallelism} (argon2-cffi {version_of('argon2-cffi')} defaults, RFC 9106 low-memory); "
        f"`login` verifies one hash; `enterMember` makes none: an initial password is kept as a marked SHA-256 "
        f"(decision 0030).",
        "", f"Whole run: {took:.0f} s.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--url", required=True, help="the database; it is emptied first")
    parser.add_argument("--duration", type=int, default=8, help="seconds of load a case (default 8)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of load before each case (default 1)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=30, help="in-process runs of the tree, each way")
    parser.add_argument("--write-runs", type=int, default=10, help="in-process runs of login and enterMember")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("error: wrk is not installed (apt-get install wrk)")
    args.wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped on a kill too
    started, args.load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="zhtj-rp-") as tmp:
        work = Path(tmp)
        fixture = Fixture(secret=secrets.token_urlsafe(32), files_dir=work / "files")
        print("preparing the database …", file=sys.stderr)
        asyncio.run(prepare(args.url, fixture))
        print(f"prepared in {time.perf_counter() - started:.0f} s; under load …", file=sys.stderr)
        loads = under_load(args.url, fixture, args, work)
        args.load_after = os.getloadavg()[0]
        print("in-process …", file=sys.stderr)
        timed = asyncio.run(in_process(args.url, fixture, args.runs, args.write_runs))
    print(report(args.url, fixture, args, loads, timed, time.perf_counter() - started))


if __name__ == "__main__":
    main()
