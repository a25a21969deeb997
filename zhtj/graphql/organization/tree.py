"""The org tree's hot shape, answered without per-field execution (decision 0011).

A front end expanding the tree asks `organization(id:)` with plain org fields and nested `children`
connections, often hundreds of orgs at once. graphql-core spends about 10 µs on every field of every
org; for such documents a plan is made once per query text (with the document, in documents.py) and
run here: the root and one statement per level of children (plus one count per level when totalCount,
childCount or hasChildren is asked for), plain rows instead of ORM objects, the answer built straight as
JSON-ready dicts in selection order, a cursor only where one is asked for. Anything outside that shape
(other fields, fragments, directives, repeated response keys, arguments of the wrong kind, a viewer the
gate refuses, a bad page request) goes the ordinary way, which also gives every error; a test holds
the two paths to the same answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from graphql import DocumentNode, FieldNode, SelectionSetNode, ValueNode
from sqlalchemy import bindparam, select

from zhtj.domain.identity.scope import can_see_org
from zhtj.domain.shared import values
from zhtj.graphql.ids import decode_id, encode_id
from zhtj.graphql.organization.loaders import (
    AFTER_PARAMS,
    CHILD_COUNTS,
    FIRST_PARAM,
    children_pages,
    id_list_param,
)
from zhtj.graphql.permissions import can_edit_org
from zhtj.graphql.plans import Arguments, NotThisWay, argument_of, fields_of, key_of, root_of
from zhtj.graphql.relay import decode_cursor, encode_cursor, page_size
from zhtj.infrastructure.tables.schema import organizations as orgs

ENABLED = True  # tests switch it off to hold both paths to the same answers
COLUMNS = (orgs.c.id, orgs.c.parent_id, orgs.c.path, orgs.c.short_name, orgs.c.full_name, orgs.c.category,
           orgs.c.industry, orgs.c.contact_phone, orgs.c.school_code, orgs.c.graduation_date, orgs.c.depth,
           orgs.c.sort_order)
SCALARS = {
    "id": lambda r: encode_id("Organization", r.id),
    "shortName": lambda r: r.short_name,
    "fullName": lambda r: r.full_name,
    "category": lambda r: r.category,
    "industry": lambda r: r.industry,
    "contactPhone": lambda r: r.contact_phone,
    "schoolCode": lambda r: r.school_code,
    "graduationDate": lambda r: r.graduation_date and r.graduation_date.isoformat(),
    "depth": lambda r: r.depth,
    "domain": lambda r: values.DOMAIN_OF_INDUSTRY.get(r.industry or ""),
    "__typename": lambda r: "Organization",
}
# Built once, compiled once (infrastructure/rows.py).
ROOT = select(*COLUMNS).where(orgs.c.id == bindparam("id", type_=orgs.c.id.type))
CHILDREN = children_pages(select(*COLUMNS), id_list_param("parents"), FIRST_PARAM, None)
CHILDREN_AFTER = children_pages(select(*COLUMNS), id_list_param("parents"), FIRST_PARAM, AFTER_PARAMS)
# Fields answered from the count of an org's children (one grouped count a level, shared with totalCount).
COUNTED = {"childCount": lambda n: n, "hasChildren": lambda n: n > 0}
# Fields answered by the rule the mutations apply (graphql/permissions.py), with no read at all.
PERMISSIONS = {"viewerCanEdit": can_edit_org, "viewerCanManageAdmins": can_edit_org}
PAGE_INFO = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}


@dataclass
class Org:
    items: list[tuple[str, str, Any]]  # (response key, field name or "children", Children)


@dataclass
class Children:
    first: ValueNode | None
    after: ValueNode | None
    items: list[tuple[str, str, Any]]  # (key, totalCount | nodes | edges | pageInfo | __typename, detail)
    needs_count: bool = False


@dataclass
class Plan:
    key: str
    id: ValueNode
    org: Org
    variables: dict[str, tuple[str, bool, Any]] = field(default_factory=dict)  # name → (type, non-null, default)


def plan_for(document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The plan of the document's operation, or None when it is not the hot shape."""
    try:
        return _plan(document, operation_name)
    except NotThisWay:
        return None


def _plan(document: DocumentNode, operation_name: str | None) -> Plan:
    found = root_of(document, operation_name)
    root = found.field
    if root.name.value != "organization" or root.selection_set is None:
        raise NotThisWay
    return Plan(key_of(root), _argument(root, "id", required=True), _org(root.selection_set), found.variables)


_ARGUMENTS = {"organization": {"id"}, "children": {"first", "after"}}


def _argument(node: FieldNode, name: str, *, required: bool = False) -> ValueNode | None:
    return argument_of(node, name, _ARGUMENTS.get(node.name.value, set()), required=required)


def _org(selection_set: SelectionSetNode) -> Org:
    items: list[tuple[str, str, Any]] = []
    for node in fields_of(selection_set):
        name = node.name.value
        plain = name in SCALARS or name in COUNTED or name in PERMISSIONS
        if plain and not node.arguments and node.selection_set is None:
            items.append((key_of(node), name, None))
        elif name == "children" and node.selection_set is not None:
            items.append((key_of(node), "children", _children(node)))
        else:
            raise NotThisWay
    return Org(items)


def _children(node: FieldNode) -> Children:
    assert node.selection_set is not None
    found = Children(_argument(node, "first"), _argument(node, "after"), [])
    for item in fields_of(node.selection_set):
        name, key = item.name.value, key_of(item)
        if item.arguments:
            raise NotThisWay
        if name in ("totalCount", "__typename") and item.selection_set is None:
            found.items.append((key, name, None))
            found.needs_count = found.needs_count or name == "totalCount"
        elif name == "nodes" and item.selection_set is not None:
            found.items.append((key, name, _org(item.selection_set)))
        elif name == "pageInfo" and item.selection_set is not None:
            parts = fields_of(item.selection_set)
            if any(f.name.value not in PAGE_INFO or f.arguments or f.selection_set for f in parts):
                raise NotThisWay
            found.items.append((key, name, [(key_of(f), f.name.value) for f in parts]))
        elif name == "edges" and item.selection_set is not None:
            edge: list[tuple[str, str, Any]] = []
            for part in fields_of(item.selection_set):
                if part.arguments:
                    raise NotThisWay
                if part.name.value in ("cursor", "__typename") and part.selection_set is None:
                    edge.append((key_of(part), part.name.value, None))
                elif part.name.value == "node" and part.selection_set is not None:
                    edge.append((key_of(part), "node", _org(part.selection_set)))
                else:
                    raise NotThisWay
            found.items.append((key, name, edge))
        else:
            raise NotThisWay
    return found


class _Run(Arguments):
    """One request's run of a plan: arguments read, then one statement per level."""

    def __init__(self, plan: Plan, variables: dict[str, Any] | None, context: Any = None):
        super().__init__(plan.variables, variables)
        self.plan = plan
        self.context = context

    def page(self, children: Children) -> tuple[int, tuple[int, int] | None]:
        first = self.value(children.first, "Int")
        if first is not None and not -(2**31) <= first < 2**31:
            raise NotThisWay
        after = self.value(children.after, "String")
        try:
            size = page_size(first)
            key = decode_cursor(after, int, int)
        except Exception:
            raise NotThisWay from None  # the ordinary way answers BAD_USER_INPUT
        return size, (int(key[0]), int(key[1])) if key else None


async def answer(context: Any, plan: Plan, variables: dict[str, Any] | None) -> dict[str, Any] | None:
    """The `data` of the answer, or None when the ordinary execution must answer."""
    run = _Run(plan, variables, context)
    try:
        raw_id = run.value(plan.id, "ID")
        viewer = context.require_viewer()
    except NotThisWay:
        return None
    except Exception:
        return None  # the gate's refusal: the ordinary way words it
    if isinstance(raw_id, int):
        raw_id = str(raw_id)
    org_id = decode_id(raw_id, "Organization")
    rows = context.services.db.rows
    found = await rows.rows(ROOT, {"id": org_id}, lookup=True) if org_id else []
    root = OrgRow._make(found[0]) if found else None
    if root is None or not can_see_org(viewer, root):
        return {plan.key: None}
    try:
        out = await _levels(Reads(rows), run, [(root, plan.org)])
    except NotThisWay:
        return None
    return {plan.key: out[0]}


class OrgRow(NamedTuple):
    id: int
    parent_id: int | None
    path: str
    short_name: str
    full_name: str
    category: str
    industry: str | None
    contact_phone: str | None
    school_code: str | None
    graduation_date: date | None
    depth: int
    sort_order: int


@dataclass
class Reads:
    rows: Any

    async def children(self, parent_ids: list[int], first: int, after: tuple[int, int] | None) -> list[OrgRow]:
        if after is None:
            found = await self.rows.rows(CHILDREN, {"parents": parent_ids, "first": first})
        else:
            found = await self.rows.rows(CHILDREN_AFTER, {
                "parents": parent_ids, "first": first, "after_order": after[0], "after_id": after[1]})
        return [OrgRow._make(r) for r in found]

    async def counts(self, parent_ids: list[int]) -> dict[int, int]:
        return dict(await self.rows.rows(CHILD_COUNTS, {"parents": parent_ids}))


async def _levels(reads: Reads, run: _Run, level: list[tuple[Any, Org]]) -> list[dict[str, Any]]:
    """Answers for the orgs of one level, reading the next level (all its parents at once) first."""
    wanted: list[tuple[int, Children, int, tuple[int, int] | None]] = []
    for row, org in level:
        for _, name, children in org.items:
            if name == "children":
                size, after = run.page(children)
                wanted.append((row.id, children, size, after))
    pages: dict[tuple[int, int, tuple[int, int] | None], list[Any]] = {}
    by_window: dict[tuple[int, tuple[int, int] | None], list[int]] = defaultdict(list)
    for parent_id, _, size, after in wanted:
        if parent_id not in by_window[(size, after)]:
            by_window[(size, after)].append(parent_id)
    for (size, after), parent_ids in by_window.items():
        grouped: dict[int, list[Any]] = defaultdict(list)
        for child in await reads.children(parent_ids, size, after):
            grouped[child.parent_id].append(child)
        for parent_id in parent_ids:
            pages[(parent_id, size, after)] = grouped[parent_id]
    counted = sorted({parent_id for parent_id, children, _, _ in wanted if children.needs_count}
                     | {row.id for row, org in level if any(name in COUNTED for _, name, _ in org.items)})
    counts = await reads.counts(counted) if counted else {}

    below: list[tuple[Any, Org]] = []  # the next level, in the order its answers are used
    for parent_id, children, size, after in wanted:
        page = pages[(parent_id, size, after)][:size]
        for _, name, detail in children.items:
            if name == "nodes":
                below += [(r, detail) for r in page]
            elif name == "edges":
                below += [(r, d) for _, n, d in detail if n == "node" for r in page]
    answers = iter(await _levels(reads, run, below)) if below else iter(())

    out = []
    windows = iter(wanted)
    for row, org in level:
        answer: dict[str, Any] = {}
        for key, name, detail in org.items:
            if name in COUNTED:
                answer[key] = COUNTED[name](counts.get(row.id, 0))
                continue
            if name in PERMISSIONS:
                answer[key] = PERMISSIONS[name](run.context, row)
                continue
            if name != "children":
                answer[key] = SCALARS[name](row)
                continue
            _, _, size, after = next(windows)  # the page read for this connection above, in the same order
            rows = pages[(row.id, size, after)]
            answer[key] = _connection(detail, rows, size, after, counts.get(row.id, 0), answers)
        out.append(answer)
    return out


def _connection(children: Children, rows: list[Any], size: int, after: tuple[int, int] | None, count: int,
                answers: Any) -> dict[str, Any]:
    page = rows[:size]
    result: dict[str, Any] = {}
    for key, name, detail in children.items:
        if name == "totalCount":
            result[key] = count
        elif name == "__typename":
            result[key] = "OrganizationConnection"
        elif name == "nodes":
            result[key] = [next(answers) for _ in page]
        elif name == "pageInfo":
            info: dict[str, Any] = {}
            for info_key, field_name in detail:
                info[info_key] = {
                    "hasNextPage": lambda: len(rows) > size,
                    "hasPreviousPage": lambda: after is not None,
                    "startCursor": lambda: _cursor(page[0]) if page else None,
                    "endCursor": lambda: _cursor(page[-1]) if page else None,
                    "__typename": lambda: "PageInfo",
                }[field_name]()
            result[key] = info
        elif name == "edges":
            edges = [{} for _ in page]
            for edge_key, part, _ in detail:
                for i, edge in enumerate(edges):
                    if part == "cursor":
                        edge[edge_key] = _cursor(page[i])
                    elif part == "__typename":
                        edge[edge_key] = "OrganizationEdge"
                    else:
                        edge[edge_key] = next(answers)
            result[key] = edges
    return result


def _cursor(row: Any) -> str:
    return encode_cursor(row.sort_order, row.id)
