"""The `zhtj` command: serve, demo, bootstrap, db upgrade|downgrade, verify-pending, files cleanup, schema,
persisted add."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import typer

from zhtj import settings as settings_module
from zhtj.infrastructure import migrate

app = typer.Typer(help="智慧团建 (zhtj): the league's GraphQL service.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
files_app = typer.Typer(help="Stored files (e-archives).", no_args_is_help=True)
app.add_typer(files_app, name="files")
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
