"""批量导入 (X-4, MEM-3): rows of a workbook entered with enterMember's and enterCadre's own rules.

Reading the workbook is infrastructure's (infrastructure/member_workbooks.py); transactions are the runner's
(infrastructure/member_imports.py): it hands `enter_batch` some hundred rows in one unit of work and commits
them with the job's progress, so a row is entered whole or not at all, and a server killed mid-import leaves
every row entered or absent. A row whose person is already in that branch (same ID number and name) counts as
already entered: uploading the same file again enters each person once (decision 0031)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from zhtj.domain.identity.scope import administered_org
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership import idcard, services
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork

Kind = Literal["BRANCH_MEMBERS", "COMMITTEE_CADRES"]
BRANCH_MEMBERS: Kind = "BRANCH_MEMBERS"  # 导入下级团支部团员团干部: people into branches under the org
COMMITTEE_CADRES: Kind = "COMMITTEE_CADRES"  # 导入本级团干部: cadres of the org itself
KINDS: tuple[Kind, ...] = (BRANCH_MEMBERS, COMMITTEE_CADRES)
MIXED_TEMPLATES = Problem(
    "IMPORT_TEMPLATE_MISMATCH",
    "您上传的excel表格错误，'导入本级团干部'和'导入下级团支部团员团干部'中所下载的模板不可混用，请重新上传正确的表格",
    "file", "X-4")
IMPORTED, ALREADY = "IMPORTED", "ALREADY"
Outcome = str | list[Problem]  # IMPORTED, ALREADY, or why the row failed


@dataclass
class ImportRow:
    """One data row of the sheet: `line` as Excel numbers it, the cells as typed (for the failed-rows
    workbook), the form read from them, and what was wrong with a cell (not a 是/否, …)."""

    line: int
    cells: tuple[str, ...]
    form: MemberForm
    branch: str = ""  # 所在团支部 as typed (BRANCH_MEMBERS)
    problems: list[Problem] = field(default_factory=list)


def summary(imported: int, failed: int) -> str:
    """X-4, in the source system's words."""
    return f"成功导入 {imported} 位团员，{failed} 位团员导入失败"


async def import_target(*, uow: UnitOfWork, viewer: Viewer, org_id: int | None, kind: Kind) -> Organization:
    """Scope first (ACC-4): the org the file goes into, before a byte of the file is read."""
    org = await administered_org(uow, viewer, org_id, "orgId")
    if kind == COMMITTEE_CADRES and org.category in values.BRANCH_CATEGORIES:
        raise DomainError.of("CADRE_OF_BRANCH", "团支部的团干部请通过导入团员团干部导入（填写是团干部）", "orgId",
                             "MEM-1")
    return org


def mark_duplicates(rows: list[ImportRow]) -> None:
    """X-4: an ID number (MEM-4) or a development number (NUM-4) on several rows of one file fails on every
    one of them: which row is right is the admin's to say."""
    for label, code, key, field_name in (
        ("身份证号", "ID_NUMBER_DUPLICATE_IN_FILE", lambda f: idcard.normalize(f.id_number or ""), "idNumber"),
        ("发展团员编号", "DEVELOPMENT_NUMBER_DUPLICATE_IN_FILE", lambda f: (f.development_number or "").strip(),
         "developmentNumber"),
    ):
        lines: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            if value := key(row.form):
                lines[value].append(row.line)
        for row in rows:
            same = lines.get(key(row.form), [])
            if len(same) > 1:
                where = "、".join(str(n) for n in same if n != row.line)
                rule = "MEM-4" if field_name == "idNumber" else "NUM-4"
                row.problems.append(Problem(code, f"{label}与本表第{where}行重复", field_name, rule))


async def enter_batch(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer,
                      org_id: int | None, kind: Kind, rows: list[ImportRow]) -> list[Outcome]:
    """Some rows, in one unit of work left uncommitted (cadres: each row commits itself, as enterCadre does).
    Every row goes through `services.enter_members` (or `enter_cadre`) with MEM-3's minimum: one rule set."""
    org = await import_target(uow=uow, viewer=viewer, org_id=org_id, kind=kind)
    outcomes: list[Outcome] = [list(row.problems) for row in rows]
    if kind == COMMITTEE_CADRES:
        for index, row in enumerate(rows):
            if not outcomes[index]:
                outcomes[index] = await _enter_cadre(uow, clock, hasher, viewer, org, row)
        return outcomes
    branches = await _branches(uow, org, rows, outcomes)
    held = {m.id_number: m for m in await uow.members.by_id_numbers(
        [idcard.normalize(row.form.id_number or "") for row in rows])}
    groups: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        branch = branches.get(index)
        if outcomes[index] or branch is None:
            continue
        holder = held.get(idcard.normalize(row.form.id_number or ""))
        if holder is not None and holder.branch_id == branch.id and holder.name == (row.form.name or "").strip():
            outcomes[index] = ALREADY
        else:
            assert branch.id is not None
            groups[branch.id].append(index)
    for branch_id, indexes in groups.items():
        try:
            entered = await services.enter_members(
                uow=uow, clock=clock, hasher=hasher, viewer=viewer, branch_id=branch_id, minimal=True,
                forms=[rows[i].form for i in indexes], action="importMembers")
        except DomainError as refused:  # the branch or the account as a whole (LOOKUP_THROTTLED)
            entered = [list(refused.problems) for _ in indexes]
        for index, result in zip(indexes, entered, strict=True):
            outcomes[index] = result if isinstance(result, list) else IMPORTED
    return outcomes


async def _enter_cadre(uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer,
                       org: Organization, row: ImportRow) -> Outcome:
    try:
        await services.enter_cadre(uow=uow, clock=clock, hasher=hasher, viewer=viewer, org_id=org.id,
                                   form=row.form, minimal=True, action="importMembers")
    except DomainError as refused:
        if [p.code for p in refused.problems] == ["ALREADY_CADRE"]:
            return ALREADY
        return list(refused.problems)
    return IMPORTED


async def _branches(uow: UnitOfWork, org: Organization, rows: list[ImportRow],
                    outcomes: list[Outcome]) -> dict[int, Organization]:
    """所在团支部 (MEM-1, MEM-3): a branch at or under the org, by its full name; blank means the org itself when
    it is a branch. A name that is no branch there, or names two, fails the row."""
    found: dict[str, list[Organization]] = defaultdict(list)
    names = [row.branch.strip() for row in rows if row.branch.strip()]
    for branch in await uow.organizations.branches_below(org.path, names) if names else []:
        found[branch.full_name].append(branch)
    chosen: dict[int, Organization] = {}
    for index, row in enumerate(rows):
        name = row.branch.strip()
        if not name and org.category in services.MEMBER_ORGS:
            chosen[index] = org
        elif not name:
            _add(outcomes, index, Problem("BRANCH_REQUIRED", "请填写所在团支部", "branchId", "MEM-3"))
        elif len(found[name]) == 1:
            chosen[index] = found[name][0]
        elif found[name]:
            message = f"本组织下有多个名为“{name}”的团支部，请分别导入到其上级组织"
            _add(outcomes, index, Problem("BRANCH_AMBIGUOUS", message, "branchId", "MEM-1"))
        else:
            _add(outcomes, index, Problem("BRANCH_NOT_FOUND", f"本组织下没有名为“{name}”的团支部", "branchId", "MEM-1"))
    return chosen


def _add(outcomes: list[Outcome], index: int, problem: Problem) -> None:
    current = outcomes[index]
    outcomes[index] = [*current, problem] if isinstance(current, list) else [problem]
