"""The search box's usual shape, answered without per-field execution (decisions 0011, 0075).

A search box asks `search(text:, first:)` for result rows: each person's plain fields and their branch with its
ancestors (the breadcrumb), each org's plain fields and ancestors, tooMany and the hint. For such documents a plan
is made once per query text (plans.py) and run here: the same routing, scopes, lookups and ranking as the
resolver (queries.py: `scopes_of`, `by_text`, `full_read`), the ancestors in one lookup, the answer built
straight as JSON-ready dicts. Anything else goes the ordinary way: other fields (archives of a development number,
fields that audit, check or read more), fragments, a viewer the gate refuses, a bad page request, a person found
by ID number who is not theirs by branch (the ordinary way reads the posts). A test holds the two ways to the
same answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graphql import DocumentNode, FieldNode, SelectionSetNode, ValueNode
from sqlalchemy import bindparam, select

from zhtj.domain.identity.scope import administers, can_see_org
from zhtj.domain.membership.model import ACTIVE
from zhtj.domain.organization.model import Organization
from zhtj.domain.search import query
from zhtj.graphql.membership.planned import SHOWN, shown_member, stored_fields
from zhtj.graphql.organization.loaders import org_by_id
from zhtj.graphql.organization.tree import COLUMNS, SCALARS
from zhtj.graphql.plans import Arguments, NotThisWay, argument_of, fields_of, key_of, root_of
from zhtj.graphql.relay import MAX_PAGE
from zhtj.graphql.search.queries import DEFAULT_FIRST, Found, by_text, full_read, scopes_of
from zhtj.infrastructure import search as index
from zhtj.infrastructure.rows import RowReader, build
from zhtj.infrastructure.tables.schema import members
from zhtj.infrastructure.tables.schema import organizations as orgs

ENABLED = True  # tests switch it off to hold both ways to the same answers
_MEMBER_PLAIN = {"id", "__typename", "idNumberMasked"}

# Built once, compiled once (infrastructure/rows.py): a result row's person and branch, no more. The narrow one
# serves the usual rows (a name, the masked ID number); any other stored field reads them all.
_ROW = ("id", "id_number", "name", "gender", "political_status")
_STORED = SHOWN  # every stored field, as node(id:)'s plan reads them
_BRANCH = [column.key for column in COLUMNS]
PEOPLE = {shown: select(*(members.c[name] for name in shown), *COLUMNS)
          .outerjoin(orgs, orgs.c.id == members.c.branch_id)
          .where(members.c.id.in_(bindparam("ids", type_=members.c.id.type, expanding=True)))
          for shown in (_ROW, _STORED)}


@dataclass
class Org:
    items: list[tuple[str, str, Org | None]]  # (response key, a name of tree.SCALARS or "ancestors", their plan)

    @property
    def has_ancestors(self) -> bool:
        return any(name == "ancestors" for _, name, _ in self.items)


@dataclass
class Person:
    items: list[tuple[str, str, Org | None]]  # (response key, a field membership/planned.py shows or "branch", …)
    shown: tuple[str, ...] = _ROW  # the columns read: PEOPLE's key

    @property
    def plain(self) -> list[tuple[str, str]]:
        return [(key, name) for key, name, _ in self.items if name != "branch"]


@dataclass
class Plan:
    key: str
    text: ValueNode
    first: ValueNode | None
    items: list[tuple[str, str, Any]]  # (key, tooMany | hint | __typename | members | organizations | archives, …)
    variables: dict[str, tuple[str, bool, Any]] = field(default_factory=dict)


def plan_for(document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The plan of the document's operation, or None when it is not this shape."""
    try:
        root = root_of(document, operation_name)
        node = root.field
        if node.name.value != "search" or node.selection_set is None:
            raise NotThisWay
        text = argument_of(node, "text", {"text", "first"}, required=True)
        assert text is not None
        items: list[tuple[str, str, Any]] = []
        for part in fields_of(node.selection_set):
            name = part.name.value
            if name in ("tooMany", "hint", "__typename") and _plain(part):
                items.append((key_of(part), name, None))
            elif name == "members" and part.selection_set is not None and not part.arguments:
                items.append((key_of(part), name, _person(part.selection_set)))
            elif name == "organizations" and part.selection_set is not None and not part.arguments:
                items.append((key_of(part), name, _org(part.selection_set, ancestors=True)))
            elif name == "archives" and part.selection_set is not None and not part.arguments:
                fields_of(part.selection_set)  # empty unless a development number is asked: then the ordinary way
                items.append((key_of(part), name, None))
            else:
                raise NotThisWay
        return Plan(key_of(node), text, argument_of(node, "first", {"text", "first"}), items, root.variables)
    except NotThisWay:
        return None


def _plain(node: FieldNode) -> bool:
    return not node.arguments and node.selection_set is None


def _person(selection_set: SelectionSetNode) -> Person:
    found = Person([])
    for part in fields_of(selection_set):
        name = part.name.value
        if _plain(part) and (name in _MEMBER_PLAIN or name in stored_fields()):
            found.items.append((key_of(part), name, None))
            if name in stored_fields() and stored_fields()[name][0] not in _ROW:
                found.shown = _STORED
        elif name == "branch" and part.selection_set is not None and not part.arguments:
            found.items.append((key_of(part), name, _org(part.selection_set, ancestors=True)))
        else:
            raise NotThisWay
    return found


def _org(selection_set: SelectionSetNode, *, ancestors: bool) -> Org:
    found = Org([])
    for part in fields_of(selection_set):
        name = part.name.value
        if _plain(part) and name in SCALARS:
            found.items.append((key_of(part), name, None))
        elif ancestors and name == "ancestors" and part.selection_set is not None and not part.arguments:
            found.items.append((key_of(part), name, _org(part.selection_set, ancestors=False)))
        else:
            raise NotThisWay
    return found


async def answer(context: Any, plan: Plan, variables: dict[str, Any] | None) -> dict[str, Any] | None:
    """The `data` of the answer, or None when the ordinary execution must answer."""
    try:
        arguments = Arguments(plan.variables, variables)
        text = arguments.value(plan.text, "String")
        first = arguments.value(plan.first, "Int") if plan.first is not None else DEFAULT_FIRST
        viewer = context.require_viewer()  # `search`'s gate
    except NotThisWay:
        return None
    except Exception:
        return None  # the gate's refusal: the ordinary way words it
    if text is None or first is None or not 0 < first <= MAX_PAGE:
        return None  # the ordinary way words the error
    asked = query.read(text)
    scopes = scopes_of(viewer)
    if asked.route is query.Route.DEVELOPMENT_NUMBER:
        return None  # the archive's status and its checks: the ordinary way
    if asked.route is query.Route.EMPTY or not scopes:
        found = Found()
    elif asked.route is query.Route.ID_NUMBER:
        hit = await index.person_by(context.services.db.rows, "id_number", asked.value)
        if hit is None or hit[0].status != ACTIVE:
            found = Found()
        elif hit[1] is None or not administers(viewer, hit[1]):
            return None  # not theirs by branch: maybe by a post, which the ordinary way reads
        else:
            await full_read(context, hit[0])
            found = Found([(hit[0], hit[1])])
    else:
        people = next((detail for _, name, detail in plan.items if name == "members"), None)
        found = await by_text(context, asked, scopes, first, _people_reader(people.shown if people else _ROW))
    return await _shown(context, viewer, plan, found)


def _people_reader(shown: tuple[str, ...]) -> Any:
    statement, width = PEOPLE[shown], len(shown)

    async def read(rows: RowReader, ids: Sequence[int]) -> list[tuple[Any, Organization | None] | None]:
        found = {}
        for row in await rows.rows(statement, {"ids": list(ids)}, lookup=True):
            home = build(Organization, _BRANCH, row[width:]) if row[width] is not None else None
            found[row[0]] = (SimpleNamespace(**dict(zip(shown, row[:width], strict=True))), home)
        return [found.get(i) for i in ids]

    return read


async def _shown(context: Any, viewer: Any, plan: Plan, found: Found) -> dict[str, Any] | None:
    wanted: set[int] = set()  # every ancestor any row shows, read at once
    for _, name, detail in plan.items:
        if name == "members" and any(org.has_ancestors for _, n, org in detail.items if n == "branch"):
            wanted.update(i for _, home in found.members if home is not None for i in home.ancestor_ids())
        elif name == "organizations" and detail.has_ancestors:
            wanted.update(i for o in found.organizations for i in o.ancestor_ids())
    read = await org_by_id(context.services.db.rows, sorted(wanted)) if wanted else []
    above = {o.id: o for o in read if o is not None and can_see_org(viewer, o)}
    out: dict[str, Any] = {}
    for key, name, detail in plan.items:
        if name == "tooMany":
            out[key] = found.too_many
        elif name == "hint":
            out[key] = query.TOO_MANY_HINT if found.too_many else None
        elif name == "__typename":
            out[key] = "SearchResult"
        elif name == "archives":
            out[key] = []
        elif name == "organizations":
            out[key] = [_org_shown(detail, o, above) for o in found.organizations]
        else:
            people = []
            for member, home in found.members:
                assert member.id is not None
                plain = shown_member(detail.plain, member.id, lambda attribute, m=member: getattr(m, attribute))
                if plain is None:
                    return None
                visible = home is not None and can_see_org(viewer, home)
                people.append({k: plain[k] if n != "branch" else _org_shown(org, home, above) if visible else None
                               for k, n, org in detail.items})
            out[key] = people
    return {plan.key: out}


def _org_shown(plan: Org | None, org: Organization, above: dict[int, Organization]) -> dict[str, Any]:
    """An org's planned fields; its ancestors (root first) as far as the viewer may see them (visible_org)."""
    assert plan is not None
    return {key: SCALARS[name](org) if name != "ancestors" else
            [_org_shown(sub, a, above) for a in (above.get(i) for i in org.ancestor_ids()) if a is not None]
            for key, name, sub in plan.items}
