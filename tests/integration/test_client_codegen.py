"""What front ends run against schema.graphql (issue 13): `npm ci` in clients/, then Relay's compiler and
GraphQL Code Generator over the documents in clients/documents/ (the org tree, a member's page, login) and the
named examples of docs/operations/, and TypeScript over what the generator wrote. Any of them failing fails the
test: a schema change that breaks a front end's documents is found here, not in the front end.
Needs node and npm (the project's machines have them); without them the test says so and skips, except under
CI (`CI` set), where it fails: CI must run it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENTS = Path(__file__).parents[2] / "clients"
NPM = shutil.which("npm")
NODE = shutil.which("node")


def _run(*args: str) -> str:
    done = subprocess.run(args, cwd=CLIENTS, capture_output=True, text=True, timeout=600, check=False)
    output = f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{output}"
    return done.stdout


@pytest.fixture(scope="module")
def installed() -> None:
    if NPM is None or NODE is None:
        message = "node and npm are not on PATH: the Relay compiler and GraphQL Code Generator checks did not run"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run them: install Debian's nodejs and npm)")
        pytest.skip(message)
    _run(NPM, "ci", "--no-audit", "--no-fund", "--prefer-offline")


def test_relay_compiler_compiles_the_documents(installed):
    _run(NPM, "run", "relay")
    made = {p.name for p in (CLIENTS / "build" / "relay" / "__generated__").iterdir()}
    assert {"TreeQuery.graphql.ts", "MemberPageQuery.graphql.ts", "MemberCard_member.graphql.ts",
            "LoginMutation.graphql.ts"} <= made


def test_graphql_codegen_types_the_documents_and_they_compile(installed):
    _run(NPM, "run", "codegen")
    types = (CLIENTS / "build" / "codegen" / "graphql.ts").read_text()
    assert "export type MemberCard_MemberFragment" in types and "viewerCanManage: boolean" in types
    # docs/operations' named examples are typed too (clients/docs-documents.mjs), so the guide compiles as written
    documented = ("SearchBoxQuery", "WaitingQuery", "ImportProgressSubscription", "EnterMemberMutation")
    assert all(f"export type {name} " in types for name in documented)
    _run(NPM, "run", "typecheck")
