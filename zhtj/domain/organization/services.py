"""Use cases of the organization tree: create, edit, delete, order, mark graduation (ORG-1..9, ORG-11)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administered_org, administers
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.self_report import release_reports
from zhtj.domain.organization import rules
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound, Problem, Problems
from zhtj.domain.shared.ports import UnitOfWork


async def _ancestors(uow: UnitOfWork, org: Organization) -> list[Organization]:
    return await uow.organizations.get_many(org.ancestor_ids())


async def create_organization(
    *, uow: UnitOfWork, clock: Clock, viewer: Viewer, parent_id: int | None, category: str, short_name: str,
    full_name: str, industry: str | None = None, contact_phone: str | None = None, school_code: str | None = None,
    floating: bool = False,
) -> Organization:
    """ORG-1/2/3/5: a new org under one the viewer administers; every problem of the form at once."""
    problems = Problems()
    parent = await uow.organizations.get(parent_id) if parent_id is not None else None
    if parent is None or not administers(viewer, parent):
        parent = None
        problems.add("NOT_FOUND", "上级组织不存在或无权访问", "parentId", "ACC-4")
    found = rules.create_problems(short_name=short_name, full_name=full_name, category=category,
                                  parent_category=parent.category if parent else None, industry=industry,
                                  contact_phone=contact_phone)
    problems.extend(p for p in found if parent is not None or p.field != "parentId")
    problems.extend(rules.floating_problems(category, floating))
    full = rules.clean_name(full_name)
    if parent is not None and full and await uow.organizations.full_name_taken(parent.id or 0, full):
        problems.extend([rules.full_name_taken(full)])
    org = Organization(short_name=rules.clean_name(short_name), full_name=full, category=category,
                       industry=industry, contact_phone=_blank_to_none(contact_phone),
                       school_code=_blank_to_none(school_code), created_at=clock.now(), floating=bool(floating))
    if org.school_code:  # with the parent unknown, the code's own format and fit are still checked
        codes = [a.school_code for a in [*await _ancestors(uow, parent), parent]] if parent is not None else []
        problems.extend(rules.school_code_problems(org, org.school_code, codes))
    problems.raise_if_any()
    assert parent is not None and parent.id is not None
    org.parent_id, org.depth = parent.id, parent.depth + 1
    org.sort_order = await uow.organizations.next_sort_order(parent.id)
    uow.organizations.add(org)
    await uow.flush()
    assert org.id is not None
    org.path = child_path(parent.path, org.id)
    audit.record(uow, clock, viewer.member.id, "createOrganization", org, org.full_name)
    await uow.commit()
    return org


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


async def update_organization(
    *, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None, changes: Mapping[str, Any],
) -> Organization:
    """ORG-4 (with ORG-3/5/11): only the fields given change; the category once, by the org's own admin."""
    org = await administered_org(uow, viewer, org_id, "id")
    assert org.id is not None
    changes = {k: _blank_to_none(x) if k in ("contact_phone", "school_code") else x for k, x in changes.items()}
    parent = await uow.organizations.get(org.parent_id) if org.parent_id else None
    ancestors = await _ancestors(uow, org)
    own_admin = org.id in {o.id for o in viewer.admin_of}
    problems = rules.edit_problems(
        org, changes, editor_is_own_admin=own_admin,
        editor_is_parent_admin_or_above=parent is not None and administers(viewer, parent),
        parent_category=parent.category if parent else None,
        child_categories=[c.category for c in await uow.organizations.children(org.id)],
        member_count=await uow.members.count_in_branch(org.id),
        ancestor_school_codes=[a.school_code for a in ancestors],
        school_code_below=bool(changes.get("school_code")) and await uow.organizations.school_code_below(org.path),
    )
    full = rules.clean_name(changes["full_name"]) if changes.get("full_name") is not None else None
    if (full and full != org.full_name and parent and not any(p.field == "fullName" for p in problems)
            and await uow.organizations.full_name_taken(parent.id or 0, full, org.id)):
        problems.append(rules.full_name_taken(full))
    if problems:
        raise DomainError(problems)
    for key, value in changes.items():
        value = rules.clean_name(value) if key in ("short_name", "full_name") else value
        if value != getattr(org, key):
            if key == "category":
                org.category_changed = True
            setattr(org, key, value)
    audit.record(uow, clock, viewer.member.id, "updateOrganization", org, ", ".join(sorted(changes)))
    await uow.commit()
    return org


async def delete_organization(
    *, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
) -> tuple[int, Organization | None]:
    """ORG-6/ORG-7: by an admin of the parent or above, bottom-up; a branch's members move to a
    待接转团支部 under the same parent, which is made when there is none. Posts in the org end with it."""
    org = await administered_org(uow, viewer, org_id, "id")
    assert org.id is not None
    parent = await uow.organizations.get(org.parent_id) if org.parent_id else None
    member_count = await uow.members.count_in_branch(org.id)
    plan = rules.deletion_plan(
        org, has_children=await uow.organizations.has_children(org.id), member_count=member_count,
        actor_is_parent_admin_or_above=parent is not None and administers(viewer, parent),
        stranded_cadres=await uow.members.count_posted_only_in(org.id),
    )
    if plan.problems:
        raise DomainError(plan.problems)
    pending = None
    if plan.move_members_to_pending_branch:
        assert parent is not None and parent.id is not None
        pending = await uow.organizations.pending_branch(parent.id)
        if pending is None:
            name = values.PENDING_TRANSFER_BRANCH
            pending = Organization(
                short_name=name, full_name=await _free_pending_name(uow, parent), category=name,
                industry=parent.industry,
                parent_id=parent.id, depth=parent.depth + 1,
                sort_order=await uow.organizations.next_sort_order(parent.id), created_at=clock.now())
            uow.organizations.add(pending)
            await uow.flush()
            assert pending.id is not None
            pending.path = child_path(parent.path, pending.id)
        assert pending.id is not None
        await uow.members.move_branch(org.id, pending.id)
    await release_reports(uow, org.id)  # self-reports to it go back to their people (MEM-14)
    await uow.members.delete_positions_in(org.id)
    audit.record(uow, clock, viewer.member.id, "deleteOrganization", org,
           f"{org.full_name}; {member_count} members to {pending.id if pending else '-'}")
    await uow.organizations.delete(org)
    await uow.commit()
    return org.id, pending


async def _free_pending_name(uow: UnitOfWork, parent: Organization) -> str:
    """ORG-7: `{parent}待接转团支部`, or with （2）, （3）… when a user's org already has that name among the
    parent's children; the parent's name is cut so that the whole fits ORG-3's length."""
    assert parent.id is not None
    n = 1
    while True:
        suffix = values.PENDING_TRANSFER_BRANCH + (f"（{n}）" if n > 1 else "")
        name = parent.full_name[: rules.FULL_NAME_MAX - len(suffix)] + suffix
        if not await uow.organizations.full_name_taken(parent.id, name):
            return name
        n += 1


async def reorder_organization(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
                               upward: bool) -> Organization:
    """ORG-3 上移/下移: swaps the org with its neighbour in the parent's list; by an admin of the parent."""
    org = await administered_org(uow, viewer, org_id, "id")
    parent = await uow.organizations.get(org.parent_id) if org.parent_id else None
    if parent is None or not administers(viewer, parent):
        raise DomainError.of("REORDER_NOT_ALLOWED", "只有上级组织的管理员可以调整组织顺序", "id", "ORG-3")
    neighbour = await uow.organizations.neighbour(org, upward)
    if neighbour is None:
        raise DomainError.of("ALREADY_FIRST" if upward else "ALREADY_LAST",
                             "已经是第一个" if upward else "已经是最后一个", "direction", "ORG-3")
    org.sort_order, neighbour.sort_order = neighbour.sort_order, org.sort_order
    if org.sort_order == neighbour.sort_order:  # equal keys were ordered by id: make them differ
        org.sort_order += -1 if upward else 1
    audit.record(uow, clock, viewer.member.id, "reorderOrganization", org, "up" if upward else "down")
    await uow.commit()
    return org


async def mark_graduation(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_ids: Sequence[int | None],
                          graduation_date: date | None) -> list[Organization]:
    """ORG-11: school-domain committees mark the graduation date of branches below them (None clears it): an
    admin of the branch's parent or above, never the branch's own admin."""
    too_many = rules.graduation_batch_problems(len(org_ids))
    if too_many:  # before anything is read: a huge list must not hold the write lock
        raise DomainError(too_many)
    problems: list[Problem] = []
    orgs: list[Organization] = []
    for org_id in org_ids:
        try:
            org = await administered_org(uow, viewer, org_id, "orgIds")
        except NotFound as missing:
            problems += missing.problems
            continue
        parent = await uow.organizations.get(org.parent_id) if org.parent_id else None
        by_parent = parent is not None and administers(viewer, parent)
        found = (rules.graduation_date_problems(org, graduation_date) if by_parent
                 else [rules.graduation_by_parent_only()])
        problems += [Problem(p.code, f"{org.short_name}：{p.message}", "orgIds", p.rule) for p in found]
        orgs.append(org)
    if not org_ids:
        problems.append(Problem("ORG_IDS_REQUIRED", "请选择团支部", "orgIds", "ORG-11"))
    if problems:
        raise DomainError(problems)
    for org in orgs:
        org.graduation_date = graduation_date
        audit.record(uow, clock, viewer.member.id, "markGraduation", org, str(graduation_date))
    await uow.commit()
    return orgs
