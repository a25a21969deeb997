"""`zhtj jobs run` (TRF-5, ORG-11, MEM-6): one run of every job against the configured database."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from zhtj.cli import app
from zhtj.settings import month_day

runner = CliRunner()


@pytest.fixture
async def empty_url(fresh_databases, monkeypatch, tmp_path) -> str:
    url = await fresh_databases.new("jobs_cli")
    monkeypatch.setenv("ZHTJ_DATABASE_URL", url)
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "cli-test-secret")
    monkeypatch.chdir(tmp_path)
    return url


async def test_jobs_run_runs_every_job_once_and_says_what_it_did(empty_url):
    result = await asyncio.to_thread(runner.invoke, app, ["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "jobs: 0 transfer(s) expired, 0 branch(es) graduated with 0 graduate(s), 0 member(s) flagged over age" \
        in result.output


def test_org11_the_switch_day_setting_is_a_day_of_every_year():
    assert month_day("07-15") == (7, 15)
    for wrong in ("02-29", "6/1", "13-01", ""):
        with pytest.raises(ValueError, match="ZHTJ_GRADUATION_SWITCH_DAY"):
            month_day(wrong)
