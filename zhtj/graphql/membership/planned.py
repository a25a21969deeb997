"""A member by `node(id:)` with plain fields, answered without per-field execution (decisions 0011, 0051).

A member page, a search hit or a list row opened by a front end asks `node(id:) { ... on Member { name … } }`.
For such documents a plan is made once per query text (plans.py) and run here: one statement for the person's
stored fields and their branch's path, the same scope rule as the ordinary way (`can_see_member`), and the fields read
straight off the row. Anything else goes the ordinary way: other fields (idNumber, birthDate and every field
that audits, checks or reads more), fragments on other types, an id of another type, a viewer the gate
refuses, a person seen only through a post (the ordinary way reads the posts). A test holds the two ways to
the same answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from graphql import DocumentNode, FieldNode, InlineFragmentNode, SelectionSetNode, ValueNode
from sqlalchemy import bindparam, select
from strawberry.types.base import StrawberryOptional

from zhtj.domain.identity.scope import can_see_member
from zhtj.domain.membership import idcard
from zhtj.graphql.ids import decode_id, encode_id
from zhtj.graphql.membership.types import PRIVATE, PUBLIC, MemberType
from zhtj.graphql.plans import Arguments, NotThisWay, argument_of, key_of, root_of
from zhtj.infrastructure.tables.schema import members, organizations

ENABLED = True  # tests switch it off to hold both ways to the same answers


@dataclass
class Plan:
    key: str
    id: ValueNode
    items: list[tuple[str, str]]  # (response key, field name)
    variables: dict[str, tuple[str, bool, Any]] = field(default_factory=dict)


@cache
def stored_fields() -> dict[str, tuple[str, bool]]:
    """GraphQL name → (attribute, nullable) of the stored fields that MemberType shows as they are."""
    shown = set(PUBLIC) | set(PRIVATE)
    return {f.graphql_name or _camel(f.python_name): (f.python_name, isinstance(f.type, StrawberryOptional))
            for f in MemberType.__strawberry_definition__.fields if f.python_name in shown}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def plan_for(document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The plan of the document's operation, or None when it is not this shape."""
    try:
        root = root_of(document, operation_name)
        node = root.field
        if node.name.value != "node" or node.selection_set is None or node.directives:
            raise NotThisWay
        items = _items(node.selection_set, top=True)
        if len({key for key, _ in items}) != len(items):
            raise NotThisWay  # repeated keys merge in graphql-core
        return Plan(key_of(node), argument_of(node, "id", {"id"}, required=True), items, root.variables)
    except NotThisWay:
        return None


def _items(selection_set: SelectionSetNode, *, top: bool) -> list[tuple[str, str]]:
    items = []
    for selection in selection_set.selections:
        if selection.directives:
            raise NotThisWay
        if isinstance(selection, InlineFragmentNode) and top:
            condition = selection.type_condition
            if condition is None or condition.name.value != "Member":
                raise NotThisWay
            items += _items(selection.selection_set, top=False)
        elif isinstance(selection, FieldNode) and not selection.arguments and selection.selection_set is None:
            name = selection.name.value
            if name not in ("id", "__typename") and (
                    top or (name != "idNumberMasked" and name not in stored_fields())):
                raise NotThisWay
            items.append((key_of(selection), name))
        else:
            raise NotThisWay
    return items


class Branch(NamedTuple):
    """What the scope rule reads of the person's branch (ACC-4)."""

    id: int
    path: str


# Built once, compiled once (infrastructure/rows.py): the person's stored fields and their branch's path, no more.
SHOWN = ("id", "id_number", *sorted({attribute for attribute, _ in stored_fields().values()}))
PERSON = (select(*(members.c[name] for name in SHOWN), organizations.c.id, organizations.c.path)
          .outerjoin(organizations, organizations.c.id == members.c.branch_id)
          .where(members.c.id == bindparam("id", type_=members.c.id.type)))


async def answer(context: Any, plan: Plan, variables: dict[str, Any] | None) -> dict[str, Any] | None:
    """The `data` of the answer, or None when the ordinary execution must answer."""
    try:
        raw_id = Arguments(plan.variables, variables).value(plan.id, "ID")
        viewer = context.require_viewer()  # `node`'s gate
    except NotThisWay:
        return None
    except Exception:
        return None  # the gate's refusal: the ordinary way words it
    member_id = decode_id(str(raw_id) if isinstance(raw_id, int) else raw_id, "Member")
    if member_id is None:
        return None  # another type, or no id at all: the ordinary way
    found = await context.services.db.rows.rows(PERSON, {"id": member_id}, lookup=True)
    if not found:
        return {plan.key: None}
    *person, branch_id, branch_path = found[0]
    member = dict(zip(SHOWN, person, strict=True))
    branch = Branch(branch_id, branch_path) if branch_id is not None else None
    if not can_see_member(viewer, member_id, branch):  # type: ignore[arg-type]
        return None  # not theirs by branch: maybe by a post, which the ordinary way reads
    shown = shown_member(plan.items, member_id, member.__getitem__)
    return None if shown is None else {plan.key: shown}


def shown_member(items: list[tuple[str, str]], member_id: int, value_of: Callable[[str], Any]
                 ) -> dict[str, Any] | None:
    """A person's planned fields (`_items`) from their stored values, as the ordinary way shows them to someone
    who may see the whole profile; None where the ordinary way must word an error."""
    stored = stored_fields()
    out: dict[str, Any] = {}
    for key, name in items:
        if name == "id":
            out[key] = encode_id("Member", member_id)
        elif name == "__typename":
            out[key] = "Member"
        elif name == "idNumberMasked":
            out[key] = idcard.mask(value_of("id_number"))
        else:
            attribute, nullable = stored[name]
            value = value_of(attribute)
            if value is None and not nullable:
                return None
            out[key] = value.isoformat() if isinstance(value, dt.date) else value  # a datetime is a date too
    return out
