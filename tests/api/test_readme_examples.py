"""The README's GraphQL examples stay valid against the schema (README: API guide)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from zhtj.graphql.schema import schema

README = (Path(__file__).parents[2] / "README.md").read_text()
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README, flags=re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_each_readme_example_is_a_valid_operation(example):
    assert validate(schema._schema, parse(example)) == []
