"""docs/operations/ (the front-end guide): every GraphQL example is valid against the schema, and the everyday ones
run against the service as written (README's examples are checked by test_readme_examples.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from graphql import OperationDefinitionNode, parse, validate

from zhtj.graphql.ids import encode_id
from zhtj.graphql.schema import schema

PAGES = sorted((Path(__file__).parents[2] / "docs" / "operations").glob("*.md"))
EXAMPLES = [(page.name, block) for page in PAGES
            for block in re.findall(r"```graphql\n(.*?)```", page.read_text(), flags=re.S)]


def _named(name: str) -> str:
    for _, block in EXAMPLES:
        operation = parse(block).definitions[0]
        if isinstance(operation, OperationDefinitionNode) and operation.name and operation.name.value == name:
            return block
    raise AssertionError(f"no example named {name} in docs/operations")


def test_the_guide_has_its_pages_and_examples():
    assert {"authentication.md", "pagination.md", "uploads.md", "errors.md", "workflows.md"} <= {p.name for p in PAGES}
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", [e for _, e in EXAMPLES], ids=[f"{p}-{i}" for i, (p, _) in enumerate(EXAMPLES)])
def test_each_example_is_a_valid_operation(example):
    assert validate(schema._schema, parse(example)) == []


async def test_the_everyday_examples_run_as_written(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    await add_person(uow, hasher, clock, name="李娜", branch=branch)
    login = (await client.query(_named("Login"), {"input": {"idNumber": ROOT_ADMIN_ID,
                                                             "password": ROOT_ADMIN_PASSWORD}}))["login"]
    assert login["errors"] == [] and login["token"]
    client.token = login["token"]
    viewer = (await client.query(_named("Viewer")))["viewer"]
    assert viewer["adminOf"][0]["viewerCanEdit"] is True
    org = encode_id("Organization", root.id)
    tree = (await client.query(_named("Tree"), {"id": org}))["organization"]
    assert tree["shortName"] == root.short_name
    child = tree["children"]["nodes"][0]
    assert child["shortName"] == "某团支部" and child["hasChildren"] is False
    members = (await client.query(_named("Members"), {"id": org}))["organization"]["members"]
    assert members["totalCount"] == 1 and members["nodes"][0]["viewerCanEdit"] is True
    buttons = (await client.query(_named("MemberButtons"), {"id": viewer["member"]["id"]}))["node"]
    assert buttons["viewerCanManage"] is True and buttons["viewerCanReadIdNumber"] is True
    restored = (await client.query(_named("Restore"), {"ids": [org, "bm9wZQ=="]}))["nodes"]
    assert restored[0]["shortName"] == root.short_name and restored[1] is None
    found = (await client.query(_named("SearchBox"), {"text": "李娜"}))["search"]
    assert [(m["name"], m["branch"]["shortName"]) for m in found["members"]] == [("李娜", "某团支部")]
    progress = (await client.query(_named("Progress"), {"id": org}))["organization"]["progress"]
    assert progress["membersEntered"] == 1 and progress["byChild"][0]["organization"]["shortName"] == "某团支部"
    assert (await client.query(_named("Waiting")))["operationCenter"]["totalCount"] == 0
    assert (await client.query(_named("Logout")))["logout"]["errors"] == []
