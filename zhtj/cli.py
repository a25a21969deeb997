"""The `zhtj` command: serve, demo, bootstrap, generate, db upgrade|downgrade, verify-pending, files cleanup, schema."""

from __future__ import annotations

import asyncio
import logging

import typer

from zhtj import settings as settings_module
from zhtj.infrastructure import migrate

app = typer.Typer(help="智慧团建 (zhtj): the league's GraphQL service.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
files_app = typer.Typer(help="Stored files (e-archives).", no_args_is_help=True)
app.add_typer(files_app, name="files")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Brings the database schema up to date, then serves GraphQL at /graphql; retries unfinished name/ID
    checks every ZHTJ_VERIFY_INTERVAL_MINUTES (MEM-13) while it runs."""
    import uvicorn

    from zhtj.app import create_app

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    typer.echo(f"zhtj: GraphiQL at http://{host}:{port}/graphql ({_where(settings.database_url)})")
    # The app reads X-Forwarded-For itself, from ZHTJ_TRUSTED_PROXIES only: uvicorn's own reading believes any
    # local caller (FORWARDED_ALLOW_IPS defaults to 127.0.0.1), so it is off.
    uvicorn.run(create_app(settings, retry_checks=True), host=host, port=port, log_level="info",
                proxy_headers=False)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Builds a small demo nation in the database (if it is empty), prints a login, serves."""
    from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, PROVINCE_ADMIN_ID, PROVINCE_PASSWORD, build_demo

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    built = asyncio.run(build_demo(settings))
    typer.echo("zhtj demo: " + ("built a demo nation" if built else "the database already has data; kept it"))
    typer.echo(f"  login: idNumber {DEMO_ADMIN_ID}  password {DEMO_PASSWORD}  (团中央 admin)")
    typer.echo(f"  or:    idNumber {PROVINCE_ADMIN_ID}  password {PROVINCE_PASSWORD}  (江苏团省委 admin)")
    serve(host=host, port=port)


@app.command()
def bootstrap(
    admin_id_number: str = typer.Option(..., help="身份证号 of the first admin of 团中央."),
    admin_name: str = typer.Option(..., help="Name of the first admin."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Password (8-64 characters, letters and digits)."),
) -> None:
    """On an empty database: creates 团中央 and its first admin."""
    from zhtj.infrastructure.demo import run_bootstrap

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    problems = asyncio.run(run_bootstrap(settings, admin_id_number, admin_name, password))
    if problems:
        for p in problems:
            typer.echo(f"error: {p.message} ({p.code}, {p.rule})", err=True)
        raise typer.Exit(1)
    typer.echo(f"created 团中央 and its admin {admin_name}; log in with the ID number and the password")


@app.command()
def generate(
    members: int = typer.Option(..., help="How many members to generate (at least 1,000)."),
    seed: int = typer.Option(1, help="Seed of the random generator: the same seed and date give the same data."),
    as_of: str = typer.Option("", help="The date ages and join dates are counted to, YYYY-MM-DD (default: today "
                                       "in China)."),
) -> None:
    """Generates a realistic nation of MEMBERS members under 团中央, bulk-loaded (decision 0055). On an empty
    database it first bootstraps 团中央 with the demo's admin and prints the login."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from zhtj.domain.shared.errors import DomainError
    from zhtj.infrastructure.db import create_database
    from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, run_bootstrap
    from zhtj.infrastructure.files import LocalFiles
    from zhtj.infrastructure.generate import Summary, as_of_now
    from zhtj.infrastructure.generate import generate as run
    from zhtj.infrastructure.tables import start_mappers

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    day = date.fromisoformat(as_of) if as_of else as_of_now()
    if not asyncio.run(run_bootstrap(settings, DEMO_ADMIN_ID, "团中央管理员", DEMO_PASSWORD)):
        typer.echo(f"bootstrapped 团中央: log in with idNumber {DEMO_ADMIN_ID}  password {DEMO_PASSWORD}")

    async def go(progress: Progress) -> Summary:
        start_mappers()
        db = create_database(settings.database_url)
        task = progress.add_task("members", total=members)
        try:
            return await run(db, members_wanted=members, seed=seed, as_of=day, files=LocalFiles(settings.files_dir),
                             progress=lambda done: progress.update(task, completed=done))
        finally:
            await db.dispose()

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns) as progress:
            summary = asyncio.run(go(progress))
    except DomainError as error:
        for p in error.problems:
            typer.echo(f"error: {p.message} ({p.code}, {p.rule})", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"generated {summary.members:,} members ({summary.incomplete:,} with incomplete profiles), "
               f"{summary.cadres:,} cadre posts, {summary.organizations:,} organizations "
               f"({summary.branches:,} branches), {summary.segments:,} number segments, "
               f"{summary.archives:,} e-archives "
               f"in {summary.seconds:.0f} s ({_where(settings.database_url)})")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Upgrades the schema (to the newest revision by default)."""
    migrate.upgrade(settings_module.load().database_url, revision)


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="A revision, -1, or base (empties it).")) -> None:
    """Downgrades the schema to REV."""
    migrate.downgrade(settings_module.load().database_url, revision)


@app.command("verify-pending")
def verify_pending() -> None:
    """One round of name/ID check retries (MEM-13): checks within 72 h of their first try are asked again,
    older ones end. `zhtj serve` runs a round every ZHTJ_VERIFY_INTERVAL_MINUTES by itself."""
    from zhtj.infrastructure.verification_rounds import verify_pending as run

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    done = asyncio.run(run(settings))
    typer.echo(f"name/ID checks: {done.checked} asked ({done.passed} passed, {done.failed} failed, "
               f"{done.unanswered} unanswered), {done.ended} past 72 h ended")


@files_app.command("cleanup")
def files_cleanup(
    grace_minutes: float = typer.Option(60.0, help="Keep unnamed files younger than this (uploads in flight)."),
) -> None:
    """Removes stored e-archive files that no row names (NUM-6): left by a crash between writing a file and
    committing its row, by a re-upload, or by an approved replacement."""
    from zhtj.infrastructure.db import create_database
    from zhtj.infrastructure.file_cleanup import cleanup_archives
    from zhtj.infrastructure.files import LocalFiles

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)

    async def run() -> list[str]:
        db = create_database(settings.database_url)
        try:
            return await cleanup_archives(db, LocalFiles(settings.files_dir), grace_seconds=grace_minutes * 60)
        finally:
            await db.dispose()

    removed = asyncio.run(run())
    typer.echo(f"files: removed {len(removed)} e-archive file(s) that no row names")


@app.command()
def schema() -> None:
    """Prints the GraphQL schema (SDL), as checked in at schema.graphql."""
    from zhtj.graphql.schema import schema as graphql_schema

    typer.echo(graphql_schema.as_str())


def _where(url: str) -> str:
    return url.split("///", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
