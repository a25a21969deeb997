"""What `pip install .` gives must work: the wheel carries the migrations and GraphiQL's files, and an
installed zhtj migrates a database and serves from its own files, with no checkout beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_installed_wheel_migrates_and_serves_from_its_own_files(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels)], check=True, capture_output=True)
    (wheel,) = wheels.glob("zhtj-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "zhtj/migrations/env.py" in names and "zhtj/graphql/static/graphiql.html" in names
    assert any(n.startswith("zhtj/migrations/versions/0001_") for n in names)
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    work = tmp_path / "work"
    work.mkdir()
    script = """
import asyncio, sqlite3, sys, httpx, zhtj
assert zhtj.__file__.startswith(sys.argv[1]), zhtj.__file__
from zhtj.infrastructure import migrate
from zhtj.app import create_app
from zhtj.settings import load
settings = load()
migrate.upgrade(settings.database_url)
assert sqlite3.connect("zhtj.sqlite3").execute("SELECT count(*) FROM organizations").fetchone() == (0,)
async def main():
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower(), page.status_code
        answer = await http.post("/graphql", json={"query": "{ valueLists { domains } }"})
        assert answer.json()["data"]["valueLists"]["domains"], answer.text
    await app.state.services.db.dispose()
asyncio.run(main())
print("ok")
"""
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("ZHTJ_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", script, str(installed)], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
