"""Each query text is parsed, validated and checked once per process, and remembered with what was found.

One extension replaces five (token, alias and depth limits, parser and validation caches): the limit
rules are built once at import, so validation is keyed by the query text alone and the cache hits
(strawberry's own ValidationCache keyed on rule classes made anew per request, and never hit). The
document's string literals are searched for control characters once, with the document; a request's
variables are searched each time (decision 0011).

What a text is validated under depends on the settings (decision 0018): introspection off adds graphql-core's
NoSchemaIntrospectionCustomRule, suggestions off hides "Did you mean …". Both are part of the key a checked
text is kept by, so a text validated under one policy is never reused under another."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    StringValueNode,
    Visitor,
    validate,
    visit,
)
from graphql.validation import ASTValidationRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from zhtj.domain.shared.errors import AccessDenied

MAX_DEPTH = 15
MAX_ALIASES = 100
MAX_TOKENS = 5_000
MAX_DOCUMENTS = 512
# Built once: a rule class is part of what validation is remembered with.
LIMIT_RULES = (*MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
               *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules)
MAX_TEXT = 1_000  # characters in any one string argument: twice the longest field (a note, 500)
CONTROL_MESSAGE = "输入中含有不可见的控制字符，请删除后重新提交"
SURROGATE_MESSAGE = "输入中含有无效的字符编码，请删除后重新提交"
TOO_LONG_MESSAGE = f"输入的文字过长（每项最多{MAX_TEXT}个字）"
# (introspection, suggestions): what a text is validated under (Settings.document_policy); without a Context
# (nothing the service itself runs) the strict one.
Policy = tuple[bool, bool]
STRICT: Policy = (False, False)
_STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)
RULES: dict[bool, tuple[type[ASTValidationRule], ...]] = {  # by whether introspection is allowed
    True: LIMIT_RULES, False: (*LIMIT_RULES, NoSchemaIntrospectionCustomRule)}


@dataclasses.dataclass
class Checked:
    document: DocumentNode
    literal_problem: str | None  # what input_problem found in the document's string literals
    validation: list[GraphQLError] | None = None  # None until validated once
    plans: dict[str | None, Any] = dataclasses.field(default_factory=dict)  # by operation name (plans.py)


class _Documents:
    """A bounded map from (policy, query text) to its checked document, least recently used out first."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[tuple[Policy, str], Checked] = OrderedDict()

    def get(self, query: str, policy: Policy) -> Checked | None:
        key = (policy, query)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, query: str, policy: Policy, checked: Checked) -> None:
        self._items[(policy, query)] = checked
        if len(self._items) > self.size:
            self._items.popitem(last=False)


def policy_of(context: Any) -> Policy:
    """The policy of a request's Context (its settings'), or the strict one."""
    return getattr(context, "policy", STRICT)


documents = _Documents(MAX_DOCUMENTS)


class CheckedDocuments(SchemaExtension):
    """Parse with the token limit, validate with the depth and alias limits, refuse control characters in
    any argument (literal or variable): each text once per process, each request's variables every time."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        policy = policy_of(context.context)
        found = documents.get(context.query, policy) if context.query else None
        if found is not None:
            context.graphql_document = found.document
        else:
            context.parse_options["max_tokens"] = MAX_TOKENS
        yield
        if found is None and context.query and context.graphql_document is not None:
            documents.put(context.query, policy, Checked(context.graphql_document,
                                                 _literal_problem(context.graphql_document)))

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        introspection, suggestions = policy = policy_of(context.context)
        found = documents.get(context.query, policy) if context.query else None
        if found is None:  # not parsed here (no query text): validated the usual way, with the limits
            context.validation_rules = (*context.validation_rules, *RULES[introspection])
            yield
            return
        if found.validation is None:
            found.validation = validate(context.schema._schema, found.document,
                                        (*context.validation_rules, *RULES[introspection], *_STRAWBERRY_RULES),
                                        hide_suggestions=not suggestions)
        errors = list(found.validation)
        problem = None if errors else found.literal_problem or input_problem(context.variables)
        if problem:
            errors = [GraphQLError(problem, original_error=AccessDenied("BAD_USER_INPUT", problem))]
        context.pre_execution_errors = errors
        yield


def _literal_problem(document: DocumentNode) -> str | None:
    found: str | None = None

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            nonlocal found
            found = found or input_problem(node.value)

    visit(document, Strings())
    return found


def input_problem(value: Any) -> str | None:
    """What no form means, in any argument of any field, checked in one place before anything reaches the
    database: NUL and other control characters (tab and line breaks aside), which some databases refuse; lone
    surrogates (half a UTF-16 pair), which cannot be stored as UTF-8; and strings longer than MAX_TEXT."""
    if isinstance(value, str):
        if len(value) <= MAX_TEXT and value.isprintable():  # the usual case, in C
            return None
        if not value.isprintable():
            categories = {unicodedata.category(ch) for ch in value if not ch.isprintable()}
            if "Cs" in categories:
                return SURROGATE_MESSAGE
            if "Cc" in categories and any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
                return CONTROL_MESSAGE
        return TOO_LONG_MESSAGE if len(value) > MAX_TEXT else None
    if isinstance(value, dict):
        return next((p for v in value.values() if (p := input_problem(v))), None)
    if isinstance(value, list | tuple):
        return next((p for v in value if (p := input_problem(v))), None)
    return None
