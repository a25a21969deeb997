"""The command line (API.md): bootstrap, db upgrade/downgrade, schema."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhtj.cli import app

runner = CliRunner()
ADMIN_ID = "110101199003071233"


@pytest.fixture
async def empty_url(fresh_databases, monkeypatch, tmp_path) -> str:
    url = await fresh_databases.new("cli")
    monkeypatch.setenv("ZHTJ_DATABASE_URL", url)
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "cli-test-secret")
    monkeypatch.chdir(tmp_path)
    return url


async def _run(*args: str):  # the CLI runs its own event loop: keep it off ours
    return await asyncio.to_thread(runner.invoke, app, list(args))


async def test_bootstrap_creates_the_root_once_ORG1(empty_url):
    args = ("bootstrap", "--admin-id-number", ADMIN_ID, "--admin-name", "张管理", "--password", "Tuanjian2026")
    first = await _run(*args)
    assert first.exit_code == 0, first.output
    assert "created 团中央" in first.output
    again = await _run(*args)
    assert again.exit_code == 1
    assert "数据库中已有数据" in again.output


async def test_bootstrap_reports_every_bad_field_ACC1(empty_url):
    result = await _run("bootstrap", "--admin-id-number", "123", "--admin-name", " ", "--password", "short")
    assert result.exit_code == 1
    assert "ID_NUMBER_FORMAT" in result.output and "NAME_REQUIRED" in result.output


async def test_db_downgrade_base_then_upgrade(empty_url):
    assert (await _run("db", "upgrade")).exit_code == 0
    assert (await _run("db", "downgrade", "base")).exit_code == 0
    assert (await _run("db", "upgrade", "head")).exit_code == 0


def test_schema_graphql_is_in_step_with_the_code():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    checked_in = (Path(__file__).parents[2] / "schema.graphql").read_text()
    assert result.output == checked_in, "run `zhtj schema > schema.graphql` and commit it"


async def test_generate_bootstraps_an_empty_database_then_refuses_a_second_nation_ORG1(empty_url):
    first = await _run("generate", "--members", "1000", "--seed", "2", "--as-of", "2026-11-25")
    assert first.exit_code == 0, first.output
    assert "bootstrapped 团中央" in first.output and "generated 1,000 members" in first.output
    again = await _run("generate", "--members", "1000")
    assert again.exit_code == 1
    assert "团中央下已有组织" in again.output
