"""GraphiQL from the package (issue 13, docs/decisions/0014): the page at GET /graphql names no outside
host, and every file it loads comes from the installed package, with a long cache and the right type."""

from __future__ import annotations

import base64
import fnmatch
import gzip
import hashlib
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from zhtj.graphql import ide

VENDORED = resources.files("zhtj.graphql").joinpath("static", "graphiql")
ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"')


def asset_urls(html: str) -> list[str]:
    """What the page's script and link tags load, but for data: URLs (the empty icon)."""
    return [u for u in ASSET.findall(html) if not u.startswith("data:")]


def vendored_assets() -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in VENDORED.iterdir() if f.name.endswith((".js", ".css"))}


async def page(client) -> str:
    response = await client.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


async def test_the_page_names_no_other_host(client):
    html = await page(client)
    assert "<title>智慧团建 GraphiQL</title>" in html
    assert not re.findall(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE)
    assert "unpkg" not in html and "cdn" not in html.lower()
    urls = asset_urls(html)
    assert urls and all(u.startswith(f"/graphql/static/{ide.vendored().digest}/") for u in urls), urls


async def test_every_file_the_page_loads_is_served_from_the_package(client):
    urls = asset_urls(await page(client))
    assert sorted(u.rsplit("/", 1)[1] for u in urls) == sorted(vendored_assets()), "a vendored file unused"
    for url in urls:
        name = url.rsplit("/", 1)[1]
        response = await client.http.get(url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, url
        expected = "text/javascript" if name.endswith(".js") else "text/css"
        assert response.headers["content-type"] == f"{expected}; charset=utf-8"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-encoding" not in response.headers
        assert response.content == VENDORED.joinpath(name).read_bytes()


async def test_a_browser_gets_the_big_files_gzipped(client):
    url = next(u for u in asset_urls(await page(client)) if u.endswith("/graphiql.min.js"))
    response = await client.http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) < len(VENDORED.joinpath("graphiql.min.js").read_bytes()) / 2
    assert response.content == VENDORED.joinpath("graphiql.min.js").read_bytes()  # httpx has un-gzipped it


@pytest.mark.parametrize("header, gzipped", [
    ("gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False), ("identity", False), ("", False),
])
def test_accept_encoding(header, gzipped):
    assert ide._accepts_gzip(header) is gzipped
    if gzipped:
        assert gzip.decompress(ide._gzip(b"abc")) == b"abc"


async def test_other_paths_under_the_assets_are_not_found(client):
    digest = ide.vendored().digest
    for path in (f"/graphql/static/{'0' * 16}/graphiql.min.js",  # an old digest
                 f"/graphql/static/{digest}/LICENSE-react", f"/graphql/static/{digest}/VERSIONS",
                 f"/graphql/static/{digest}/../graphiql.html", f"/graphql/static/{digest}/nothing.js"):
        response = await client.http.get(path)
        assert response.status_code == 404, path
        assert "immutable" not in response.headers.get("cache-control", "")


async def test_a_client_asking_for_json_still_gets_graphql_not_the_page(client):
    response = await client.http.get("/graphql", params={"query": "{ __typename }"},
                                     headers={"Accept": "application/json"})
    assert response.json()["data"] == {"__typename": "Query"}


def test_the_digest_follows_the_files_contents():
    one = ide.Assets({"a.js": b"1", "b.css": b"2"})
    assert ide.Assets({"a.js": b"1", "b.css": b"2"}).digest == one.digest
    assert ide.Assets({"a.js": b"1", "b.css": b"3"}).digest != one.digest
    assert ide.Assets({"a.js": b"1", "c.css": b"2"}).digest != one.digest
    assert ide.vendored().digest == ide.Assets(vendored_assets()).digest


def test_the_page_under_a_root_path_points_below_it():
    assert f'src="/zhtj/graphql/static/{ide.vendored().digest}/graphiql.min.js"' in ide.graphiql_html("/zhtj")


def test_the_vendored_files_are_the_ones_versions_names():
    """VERSIONS is written by scripts/vendor_graphiql.sh; its sha384s are those of the npm packages' files
    (and of the integrity attributes in strawberry's own page). A file edited by hand fails here."""
    listed = {}
    for line in VENDORED.joinpath("VERSIONS").read_text().splitlines():
        if line and not line.startswith("#"):
            name, package, _path, sri = line.split()
            listed[name] = sri
            assert re.fullmatch(r"(@[a-z-]+/)?[a-z-]+@\d+\.\d+\.\d+", package), line
    assert set(listed) == set(vendored_assets())
    for name, content in vendored_assets().items():
        assert listed[name] == "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode(), name
    for package in ("react", "react-dom", "graphiql", "graphiql-plugin-explorer", "graphiql-explorer"):
        assert "MIT License" in VENDORED.joinpath(f"LICENSE-{package}").read_text()


def test_the_wheel_takes_every_file_of_the_page():
    """pyproject.toml's package-data must match every file the page needs, or an installed zhtj serves a
    page whose scripts are missing."""
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    globs = project["tool"]["setuptools"]["package-data"]["zhtj.graphql"]
    static = resources.files("zhtj.graphql").joinpath("static")
    needed = ["static/graphiql.html", *(f"static/graphiql/{f.name}" for f in VENDORED.iterdir())]
    assert static.joinpath("graphiql.html").is_file()
    for path in needed:
        assert any(fnmatch.fnmatch(path, g) for g in globs), f"{path} is not in package-data"
