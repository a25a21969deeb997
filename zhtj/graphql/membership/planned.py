"""A member by `node(id:)` with plain fields, answered without per-field execution (decisions 0011, 0051).

A member page, a search hit or a list row opened by a front end asks `node(id:) { ... on Member { name … } }`.
For such documents a plan is made once per query text (plans.py) and run here: the loader's one statement for
the person and their branch, the same scope rule as the ordinary way (`can_see_member`), and the fields read
straight off the row. Anything else goes the ordinary way: other fields (idNumber, birthDate and every field
that audits, checks or reads more), fragments on other types, an id of another type, a viewer the gate
refuses, a person seen only through a post (the ordinary way reads the posts). A test holds the two ways to
the same answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import DocumentNode, FieldNode, InlineFragmentNode, SelectionSetNode, ValueNode
from strawberry.types.base import StrawberryOptional

from zhtj.domain.identity.scope import can_see_member
from zhtj.domain.membership import idcard
from zhtj.graphql.ids import decode_id, encode_id
from zhtj.graphql.membership.loaders import member_and_branch_by_id
from zhtj.graphql.membership.types import PRIVATE, PUBLIC, MemberType
from zhtj.graphql.plans import Arguments, NotThisWay, argument_of, key_of, root_of

ENABLED = True  # tests switch it off to hold both ways to the same answers


@dataclass
class Plan:
    key: str
    id: ValueNode
    items: list[tuple[str, str]]  # (response key, field name)
    variables: dict[str, tuple[str, bool, Any]] = field(default_factory=dict)


@cache
def _stored() -> dict[str, tuple[str, bool]]:
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
            if name not in ("id", "__typename") and (top or (name != "idNumberMasked" and name not in _stored())):
                raise NotThisWay
            items.append((key_of(selection), name))
        else:
            raise NotThisWay
    return items


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
    (found,) = await member_and_branch_by_id(context.services.db.rows, [member_id])
    if found is None:
        return {plan.key: None}
    member, branch = found
    if not can_see_member(viewer, member_id, branch):
        return None  # not theirs by branch: maybe by a post, which the ordinary way reads
    stored = _stored()
    out: dict[str, Any] = {}
    for key, name in plan.items:
        if name == "id":
            out[key] = encode_id("Member", member_id)
        elif name == "__typename":
            out[key] = "Member"
        elif name == "idNumberMasked":
            out[key] = idcard.mask(member.id_number)
        else:
            attribute, nullable = stored[name]
            value = getattr(member, attribute)
            if value is None and not nullable:
                return None  # the ordinary way words the error
            out[key] = value.isoformat() if isinstance(value, dt.date) else value  # a datetime is a date too
    return {plan.key: out}
