"""End to end: `zhtj serve` runs, headless Chromium opens GraphiQL at /graphql with no host but the
server's reachable, a query runs from the editor with a bearer token from the Headers pane, and its
result is read off the page (issue 13). Needs a `chromium` binary (Debian's package; .ci/run installs it)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from browser import PATIENCE, Page, chromium, chromium_binary
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD

from zhtj.settings import sqlite_url

BINARY = chromium_binary()
pytestmark = pytest.mark.skipif(BINARY is None, reason="no chromium binary on PATH (apt-get install chromium)")

ADMIN_NAME = "张管理"
ME = "{ me { member { name } mustChangePassword } }"
QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
HEADERS_EDITOR = "document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror"
RESPONSE = "document.querySelector('.graphiql-response .CodeMirror').CodeMirror"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`zhtj bootstrap` then `zhtj serve` on a free port and a new SQLite database; yields the base URL."""
    env = {**os.environ, "ZHTJ_DATABASE_URL": sqlite_url(tmp_path / "zhtj.sqlite3"),
           "ZHTJ_SECRET_KEY": "browser-test-secret", "ZHTJ_FILES_DIR": str(tmp_path / "files")}
    zhtj = [sys.executable, "-m", "zhtj"]
    made = subprocess.run([*zhtj, "bootstrap", "--admin-id-number", ROOT_ADMIN_ID, "--admin-name", ADMIN_NAME,
                           "--password", ROOT_ADMIN_PASSWORD], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    port = _free_port()
    log_file = tmp_path / "server.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen([*zhtj, "serve", "--port", str(port)], env=env, cwd=tmp_path,
                                   stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process, log_file)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"zhtj serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"zhtj serve never answered /healthz:\n{log.read_text(errors='replace')}")


def _login(base: str) -> str:
    answer = httpx.post(f"{base}/graphql", timeout=PATIENCE, json={
        "query": "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
        "variables": {"i": {"idNumber": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}}}).json()
    token = answer["data"]["login"]["token"]
    assert token, answer
    return token


def _run(page: Page, *, until: str) -> dict:
    """Clicks GraphiQL's run button and waits for the response pane to show text containing `until`."""
    page.evaluate("document.querySelector('.graphiql-execute-button').click()")
    page.wait_for(f"{RESPONSE}.getValue().includes({json.dumps(until)})", f"{until!r} in the response pane")
    shown = page.evaluate("document.querySelector('.graphiql-response').innerText")
    assert until in shown, shown  # on the screen, not only in the editor's model
    return json.loads(page.evaluate(f"{RESPONSE}.getValue()"))


def test_graphiql_runs_a_query_with_a_token_from_the_headers_pane(server: str, tmp_path: Path):
    token = _login(server)
    assert BINARY is not None
    with chromium(BINARY, tmp_path) as page:
        page.send("Page.navigate", url=f"{server}/graphql")
        page.wait_for(f"!!document.querySelector('.graphiql-query-editor .CodeMirror') && {RESPONSE} !== undefined",
                      "GraphiQL's editors")
        # Until GraphiQL has wired the new editor to its state it may put its own query back: type ours
        # again until the page has taken it (the page then writes it into the URL, to share).
        page.wait_for(f"""(() => {{ const query = {json.dumps(ME)};
            if ({QUERY_EDITOR}.getValue() !== query) {QUERY_EDITOR}.setValue(query);
            return new URLSearchParams(location.search).get("q") === query; }})()""", "the query taken")

        anonymous = _run(page, until="UNAUTHENTICATED")  # the default headers carry no token yet
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", anonymous

        page.evaluate("[...document.querySelectorAll('.graphiql-editor-tools button')]"
                      ".find(b => b.innerText.trim() === 'Headers').click()")
        headers = json.dumps({"Authorization": f"Bearer {token}"})
        page.evaluate(f"{HEADERS_EDITOR}.setValue({json.dumps(headers)})")

        answer = _run(page, until=ADMIN_NAME)
        assert "errors" not in answer, answer
        assert answer["data"] == {"me": {"member": {"name": ADMIN_NAME}, "mustChangePassword": False}}
        page.screenshot("graphiql")

        origins = {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, page.requested_urls()) if u.scheme != "data"}
    assert origins == {server}, "the page asked another host for something"
