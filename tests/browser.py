"""Headless Chromium driven over the Chrome DevTools Protocol (a websocket), for end-to-end tests: enough to
open a page, run JavaScript in it, wait for something to appear, and take a screenshot."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

PATIENCE = 60.0  # seconds before giving up on something that should happen; a bound, not a measurement


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class PageError(AssertionError):
    pass


class Page:
    """One tab. Keeps every event Chromium sends (network requests, console messages) in `events`."""

    def __init__(self, ws: ClientConnection, screenshots: Path):
        self.ws = ws
        self.screenshots = screenshots
        self.events: list[dict[str, Any]] = []
        self._last_id = 0

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._last_id += 1
        ask = self._last_id
        self.ws.send(json.dumps({"id": ask, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=PATIENCE))
            if message.get("id") == ask:
                if "error" in message:
                    raise PageError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise PageError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str) -> Any:
        """Polls until the expression (whose value must be JSON, not a DOM node) is truthy; fails with a
        screenshot and the page's text if it never is."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        shot = self.screenshot("failed")
        text = self.evaluate("document.body ? document.body.innerText : ''")
        raise PageError(f"never saw {what}; screenshot {shot}; page text:\n{text[:2000]}\n"
                        f"console: {self.console_messages()}")

    def screenshot(self, name: str) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path = self.screenshots / f"{name}.png"
        path.write_bytes(base64.b64decode(data))
        return path

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def console_messages(self) -> list[str]:
        return [" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
                for e in self.events if e.get("method") == "Runtime.consoleAPICalled"]


@contextmanager
def chromium(binary: str, workdir: Path) -> Iterator[Page]:
    """Starts headless Chromium with its own profile in `workdir`, yields its tab, stops it. Names of hosts
    other than localhost do not resolve, as on an intranet without the internet."""
    profile = workdir / "chromium-profile"
    (profile / "DevToolsActivePort").unlink(missing_ok=True)  # a stale one would name a dead port
    log = (workdir / "chromium.log").open("wb")
    process = subprocess.Popen([
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
        "--window-size=1400,900", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank",
    ], stdout=log, stderr=subprocess.STDOUT)
    try:
        port = _devtools_port(profile / "DevToolsActivePort", process, workdir / "chromium.log")
        tabs = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=PATIENCE).json()
        tab = next(t for t in tabs if t["type"] == "page")
        with connect(tab["webSocketDebuggerUrl"], max_size=None, open_timeout=PATIENCE) as ws:
            page = Page(ws, workdir)
            for domain in ("Page", "Runtime", "Network"):
                page.send(f"{domain}.enable")
            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _devtools_port(file: Path, process: subprocess.Popen[bytes], log: Path) -> int:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PageError(f"chromium exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        if file.exists() and (lines := file.read_text().splitlines()):
            return int(lines[0])
        time.sleep(0.1)
    raise PageError(f"chromium gave no DevTools port:\n{log.read_text(errors='replace')[-3000:]}")
