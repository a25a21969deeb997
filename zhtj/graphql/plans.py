"""What every planned answer shares (decision 0011): reading a document's one root field and its variables
once per query text, and its arguments on each request. A plan answers a hot shape without per-field
execution; anything it does not know raises NotThisWay and the ordinary execution answers instead, with
every error worded as usual. The plans: organization/tree.py (the org tree), membership/planned.py (a
member by `node(id:)`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    IntValueNode,
    NonNullTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    value_from_ast_untyped,
)

# Variables a plan may read, by declared type: what each must hold to be read here.
VARIABLE_KINDS = {"ID": (str, int), "Int": (int,), "String": (str,)}
_READS = {"Int": {"Int"}, "String": {"String"}, "ID": {"ID", "String"}}


class NotThisWay(Exception):
    """The document or its variables are not the hot shape: the ordinary execution answers."""


@dataclass
class Root:
    """The operation's one root field and the variables it declares: name → (type, non-null, default)."""

    field: FieldNode
    variables: dict[str, tuple[str, bool, Any]] = field(default_factory=dict)


def root_of(document: DocumentNode, operation_name: str | None) -> Root:
    """The one root field of a document with one query and nothing else, whose variables are plain scalars."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != len(document.definitions) or len(operations) != 1:
        raise NotThisWay  # fragments, several operations: the ordinary way
    operation = operations[0]
    if operation.operation != OperationType.QUERY or operation.directives:
        raise NotThisWay
    if operation_name is not None and (operation.name is None or operation.name.value != operation_name):
        raise NotThisWay
    variables = {}
    for definition in operation.variable_definitions or ():
        type_node, non_null = definition.type, isinstance(definition.type, NonNullTypeNode)
        named = type_node.type if non_null else type_node  # type: ignore[attr-defined]
        if not hasattr(named, "name") or named.name.value not in VARIABLE_KINDS or definition.directives:
            raise NotThisWay
        default = value_from_ast_untyped(definition.default_value) if definition.default_value else None
        variables[definition.variable.name.value] = (named.name.value, non_null, default)
    (root,) = fields_of(operation.selection_set, 1)
    return Root(root, variables)


def fields_of(selection_set: SelectionSetNode, exactly: int | None = None) -> list[FieldNode]:
    """The fields selected, each with its own response key; anything else (fragments, directives) is not
    this way."""
    found = []
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            raise NotThisWay
        found.append(selection)
    keys = [key_of(f) for f in found]
    if len(set(keys)) != len(keys) or (exactly is not None and len(found) != exactly):
        raise NotThisWay  # repeated keys merge in graphql-core: not worth copying here
    return found


def key_of(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def argument_of(node: FieldNode, name: str, allowed: set[str], *, required: bool = False) -> ValueNode | None:
    """The argument's value node, if every argument of the field is among `allowed` and each is a variable
    or a plain literal."""
    if any(a.name.value not in allowed for a in node.arguments or ()):
        raise NotThisWay
    found = next((a.value for a in node.arguments or () if a.name.value == name), None)
    if found is None and required:
        raise NotThisWay
    if found is not None and not isinstance(found, VariableNode | IntValueNode | StringValueNode | NullValueNode):
        raise NotThisWay
    return found


class Arguments:
    """One request's argument values: a variable as sent (or its default), a literal as written."""

    def __init__(self, declared: dict[str, tuple[str, bool, Any]], variables: dict[str, Any] | None):
        self.declared = declared
        self.variables = variables or {}

    def value(self, node: ValueNode | None, kind: str) -> Any:
        if node is None or isinstance(node, NullValueNode):
            return None
        if isinstance(node, VariableNode):
            name = node.name.value
            declared = self.declared.get(name)
            if declared is None or declared[0] not in _READS[kind]:
                raise NotThisWay
            if name not in self.variables:
                if declared[1] and declared[2] is None:
                    raise NotThisWay
                found = declared[2]
            else:
                found = self.variables[name]
            if found is None:
                if declared[1]:
                    raise NotThisWay
                return None
            if isinstance(found, bool) or not isinstance(found, VARIABLE_KINDS[declared[0]]):
                raise NotThisWay
            return found
        if kind == "Int" and isinstance(node, IntValueNode):
            return int(node.value)
        if kind != "Int" and isinstance(node, StringValueNode):
            return node.value
        raise NotThisWay
