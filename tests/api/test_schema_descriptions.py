"""Every type, field, argument and enum value of the schema is described (issue 13: the schema lints clean);
no external linter, the schema itself is walked."""

from __future__ import annotations

import re

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
)

from zhtj.graphql.schema import schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def descriptions(built: GraphQLSchema) -> dict[str, str | None]:
    """Every describable coordinate ("Type", "Type.field", "Type.field(argument)", "Enum.VALUE") and its text."""
    found: dict[str, str | None] = {}
    for name, kind in built.type_map.items():
        if name.startswith("__") or (isinstance(kind, GraphQLScalarType) and name in BUILT_IN):
            continue
        found[name] = kind.description
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                found[f"{name}.{field_name}"] = field.description
                for arg_name, arg in field.args.items():
                    found[f"{name}.{field_name}({arg_name})"] = arg.description
        elif isinstance(kind, GraphQLInputObjectType):
            found.update({f"{name}.{f}": field.description for f, field in kind.fields.items()})
        elif isinstance(kind, GraphQLEnumType):
            found.update({f"{name}.{v}": value.description for v, value in kind.values.items()})
    return found


def test_everything_in_the_schema_is_described():
    found = descriptions(schema._schema)
    missing = sorted(coordinate for coordinate, text in found.items() if not (text or "").strip())
    assert missing == [], f"{len(missing)} without a description: {missing}"


def test_every_description_gives_the_chinese_term():
    english_only = sorted(c for c, text in descriptions(schema._schema).items() if not CHINESE.search(text or ""))
    assert english_only == [], f"{len(english_only)} without the Chinese term: {english_only}"


def test_the_exported_sdl_carries_the_descriptions():
    exported = descriptions(build_schema(schema.as_str()))
    missing = sorted(coordinate for coordinate, text in exported.items() if not (text or "").strip())
    assert missing == [] and exported.keys() == descriptions(schema._schema).keys()


def test_the_lint_finds_what_is_missing():
    bare = build_schema('type Query { a(b: Int): E } enum E { X } "described" input I { c: Int }')
    found = {c for c, text in descriptions(bare).items() if not text}
    assert found == {"Query", "Query.a", "Query.a(b)", "E", "E.X", "I.c"}
