"""The `zhtj` command: serve, demo, bootstrap, generate, db upgrade|downgrade, verify-pending, files cleanup,
jobs run, import, schema, persisted add."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import typer

from zhtj import settings as settings_module
from zhtj.infrastructure import migrate

app = typer.Typer(help="智慧团建 (zhtj): the league's GraphQL service.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="The database: schema migrations (Alembic), backup and restore.", no_args_is_help=True)
app.add_typer(db_app, name="db")
files_app = typer.Typer(help="Stored files (e-archives).", no_args_is_help=True)
app.add_typer(files_app, name="files")
jobs_app = typer.Typer(help="Time-driven jobs: transfer expiry, the graduation switch, age-out flags.",
                       no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


def _settings() -> settings_module.Settings:
    """The settings, or the reasons they cannot start the service, and exit status 2."""
    try:
        return settings_module.load()
    except ValueError as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None


def uvicorn_options(settings: settings_module.Settings, host: str, port: int, graceful_timeout: float) -> dict:
    """How `zhtj serve` runs uvicorn. The app reads X-Forwarded-For itself, from ZHTJ_TRUSTED_PROXIES only:
    uvicorn's own reading believes any local caller (FORWARDED_ALLOW_IPS defaults to 127.0.0.1), so it is off.
    uvicorn's access log is off (ZHTJ_ACCESS_LOG writes the app's own, with the request id and operation). On
    SIGTERM or SIGINT uvicorn stops listening, lets the requests in flight finish (at most graceful_timeout
    seconds), then the app closes its database (decision 0048)."""
    from zhtj.infrastructure import logs

    return {"host": host, "port": port, "proxy_headers": False, "access_log": False, "server_header": False,
            "log_config": logs.config(settings.log_format), "timeout_graceful_shutdown": graceful_timeout}


persisted_app = typer.Typer(help="Persisted documents: query texts registered by SHA-256.", no_args_is_help=True)
app.add_typer(persisted_app, name="persisted")


@persisted_app.command("add")
def persisted_add(
    files: list[Path] = typer.Argument(..., help=".graphql documents (the whole file is one document) or JSON "
                                                 "manifests (sha256 → text, as GraphQL Code Generator writes them)."),
    manifest: Path | None = typer.Option(None, help="The manifest to write; ZHTJ_PERSISTED_FILE by default."),
) -> None:
    """Registers documents in the manifest the service reads at start (ZHTJ_PERSISTED_FILE), written atomically;
    prints each document's hash. With ZHTJ_PERSISTED_ONLY on, only these run (decision 0043)."""
    from zhtj.graphql.persisted import ManifestError, documents_in, read_manifest, write_manifest

    target = manifest or Path(os.environ.get("ZHTJ_PERSISTED_FILE") or settings_module.PERSISTED_FILE)
    try:
        entries = read_manifest(target)
        added = {}
        for file in files:
            added.update(documents_in(file))
    except ManifestError as error:
        typer.echo(f"zhtj persisted add: {error}", err=True)
        raise typer.Exit(1) from None
    write_manifest(target, {**entries, **added})
    for digest in added:
        typer.echo(f"{digest}{'' if digest not in entries else ' (already registered)'}")
    typer.echo(f"{target}: {len({**entries, **added})} documents")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes, each with its own event loop: one a core."),
    graceful_timeout: float = typer.Option(30.0, help="Seconds requests in flight get to finish on SIGTERM."),
) -> None:
    """Brings the database schema up to date, then serves GraphQL at /graphql; retries unfinished name/ID
    checks every ZHTJ_VERIFY_INTERVAL_MINUTES (MEM-13) while it runs (in one worker of several)."""
    import uvicorn

    from zhtj.app import create_app
    from zhtj.infrastructure import logs, metrics

    settings = _settings()
    migrate.upgrade(settings.database_url)
    logs.configure(settings.log_format)
    where = "GraphiQL" if settings.graphiql else "GraphQL"
    typer.echo(f"zhtj: {where} at http://{host}:{port}/graphql ({_where(settings.database_url)}, "
               f"{workers} worker{'s' if workers > 1 else ''})")
    options: dict[str, Any] = uvicorn_options(settings, host, port, graceful_timeout)
    if workers == 1:
        uvicorn.run(create_app(settings, retry_checks=True, run_jobs=True), **options)
        return
    # Several processes: each worker builds its app from the environment; their metrics meet in one folder.
    made = None
    if not os.environ.get(metrics.MULTIPROCESS_DIR):
        made = os.environ[metrics.MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="zhtj-metrics-")
    try:
        uvicorn.run("zhtj.app:serving_app", factory=True, workers=workers, **options)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Builds a small demo nation in the database (if it is empty), prints a login, serves."""
    from zhtj.infrastructure.demo import DEMO_ADMIN_ID, DEMO_PASSWORD, PROVINCE_ADMIN_ID, PROVINCE_PASSWORD, build_demo

    settings = _settings()
    migrate.upgrade(settings.database_url)
    built = asyncio.run(build_demo(settings))
    typer.echo("zhtj demo: " + ("built a demo nation" if built else "the database already has data; kept it"))
    typer.echo(f"  login: idNumber {DEMO_ADMIN_ID}  password {DEMO_PASSWORD}  (团中央 admin)")
    typer.echo(f"  or:    idNumber {PROVINCE_ADMIN_ID}  password {PROVINCE_PASSWORD}  (江苏团省委 admin)")
    serve(host=host, port=port, workers=1, graceful_timeout=30.0)


@app.command()
def bootstrap(
    admin_id_number: str = typer.Option(..., help="身份证号 of the first admin of 团中央."),
    admin_name: str = typer.Option(..., help="Name of the first admin."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Password (8-64 characters, letters and digits)."),
) -> None:
    """On an empty database: creates 团中央 and its first admin."""
    from zhtj.infrastructure.demo import run_bootstrap

    settings = _settings()
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
    migrate.upgrade(_settings().database_url, revision)


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="A revision, -1, or base (empties it).")) -> None:
    """Downgrades the schema to REV."""
    migrate.downgrade(_settings().database_url, revision)


@db_app.command("backup")
def db_backup(file: Path = typer.Argument(..., help="The backup to write (.tar.gz).")) -> None:
    """SQLite: the database (SQLite's online backup API, while the service runs) and the stored files in one
    .tar.gz. PostgreSQL: says which pg_dump steps to take instead."""
    from zhtj.infrastructure import backup

    settings = _settings()
    try:
        done = backup.backup(backup.sqlite_path(settings.database_url), settings.files_dir, file)
    except backup.BackupError as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"backup: {file} ({done.total_rows} rows in {len(done.rows)} tables, {done.files} stored files, "
               f"schema {done.revision})")


@db_app.command("restore")
def db_restore(
    file: Path = typer.Argument(..., help="A backup made by `zhtj db backup`."),
    force: bool = typer.Option(False, "--force", help="Replace an existing database (stop the service first)."),
) -> None:
    """SQLite: puts a backup's database and stored files where the settings say, checks every table's rows,
    then brings the schema up to date. PostgreSQL: says which pg_restore steps to take instead."""
    from zhtj.infrastructure import backup

    settings = _settings()
    try:
        done = backup.restore(file, backup.sqlite_path(settings.database_url), settings.files_dir, force=force)
    except backup.BackupError as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(2) from None
    migrate.upgrade(settings.database_url)
    typer.echo(f"restored: {done.total_rows} rows in {len(done.rows)} tables, {done.files} stored files "
               f"(schema {done.revision}, now upgraded to the newest)")


@app.command("verify-pending")
def verify_pending() -> None:
    """One round of name/ID check retries (MEM-13): checks within 72 h of their first try are asked again,
    older ones end. `zhtj serve` runs a round every ZHTJ_VERIFY_INTERVAL_MINUTES by itself."""
    from zhtj.infrastructure.verification_rounds import verify_pending as run

    settings = _settings()
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

    settings = _settings()
    migrate.upgrade(settings.database_url)

    async def run() -> list[str]:
        db = create_database(settings.database_url)
        try:
            return await cleanup_archives(db, LocalFiles(settings.files_dir), grace_seconds=grace_minutes * 60)
        finally:
            await db.dispose()

    removed = asyncio.run(run())
    typer.echo(f"files: removed {len(removed)} e-archive file(s) that no row names")


@jobs_app.command("run")
def jobs_run() -> None:
    """Runs every time-driven job once: transfers unanswered for more than 10 days end (TRF-5); on or after the
    yearly switch day the graduating branches turn 毕业生团组织 (ORG-11); members of 28 without a post are flagged
    (MEM-6). Safe to run twice or in two processes at once. `zhtj serve` runs them every
    ZHTJ_JOBS_INTERVAL_MINUTES by itself."""
    from zhtj.infrastructure.jobs import run_jobs

    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    done = asyncio.run(run_jobs(settings))
    typer.echo(f"jobs: {done.expired} transfer(s) expired, {done.graduated_orgs} branch(es) graduated with "
               f"{done.graduates} graduate(s), {done.aged_out} member(s) flagged over age")


@app.command("import")
def import_members(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The filled import template (.xlsx)."),
    org: str = typer.Option(..., "--org", help="The org: its global id (as the API gives it) or its number."),
    kind: str = typer.Option("branch-members", help="branch-members (导入下级团支部团员团干部) or "
                                                    "committee-cadres (导入本级团干部)."),
    admin: str | None = typer.Option(None, help="身份证号 of the admin to act as; default: the first admin of the "
                                                "org or of the nearest org above it."),
    failed_out: Path | None = typer.Option(None, help="Where to write the failed rows (default: beside FILE)."),
    batch: int = typer.Option(250, min=1, max=2000, hidden=True, help="Rows a transaction."),
) -> None:
    """批量导入 (X-4) from the shell, with a progress bar: the same job as `importMembers`. Rows are entered in
    batches, each committed whole; run it again with the same file after an interruption."""
    from zhtj.domain.membership.imports import BRANCH_MEMBERS, COMMITTEE_CADRES
    from zhtj.graphql.ids import decode_id
    from zhtj.infrastructure.member_imports import import_file

    kinds = {"branch-members": BRANCH_MEMBERS, "committee-cadres": COMMITTEE_CADRES}
    if kind not in kinds:
        raise typer.BadParameter("branch-members or committee-cadres", param_hint="--kind")
    settings = settings_module.load()
    migrate.upgrade(settings.database_url)
    with typer.progressbar(length=1, label="导入", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        org_id = int(org) if org.isdigit() else decode_id(org, "Organization")
        outcome = asyncio.run(import_file(settings, file, org_id=org_id, kind=kinds[kind], admin_id_number=admin,
                                          failed_out=failed_out, progress=progress, batch=batch))
    if outcome.problems:
        for p in outcome.problems:
            typer.echo(f"error: {p.message} ({p.code}, {p.rule})", err=True)
        raise typer.Exit(1)
    typer.echo(outcome.message)
    if outcome.failed_file is not None:
        typer.echo(f"失败数据（含失败原因）: {outcome.failed_file}")


@app.command()
def schema() -> None:
    """Prints the GraphQL schema (SDL), as checked in at schema.graphql."""
    from zhtj.graphql.schema import schema as graphql_schema

    typer.echo(graphql_schema.as_str())


def _where(url: str) -> str:
    return url.split("///", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
