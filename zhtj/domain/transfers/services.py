"""Use cases of the transfers context (TRF-1..9): start, approve (and assign), return, withdraw. Every step is
recorded; whoever may take a step is an admin of the step's org or of an org above it (ACC-4 decided), and a
step the actor may take themself is taken at once (as ORG-10's direct move does)."""

from __future__ import annotations

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administered_org, administers
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership import idcard, probing
from zhtj.domain.membership.model import ACTIVE, Member
from zhtj.domain.numbering.model import ARCHIVE_APPROVED
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import UnitOfWork
from zhtj.domain.transfers import notices, rules
from zhtj.domain.transfers.model import (
    APPROVE,
    ASSIGN,
    AWAITING_ASSIGNMENT,
    AWAITING_SOURCE,
    AWAITING_TARGET,
    BY_MEMBER,
    BY_SOURCE,
    BY_TARGET,
    COMPLETED,
    EXPIRE,
    EXPIRED,
    EXTERNAL,
    ORDINARY,
    RETURN,
    RETURNED,
    SPECIAL,
    START,
    WITHDRAW,
    WITHDRAWN,
    Transfer,
    TransferStep,
)

WHAT = "转接申请"


def _step(uow: UnitOfWork, clock: Clock, transfer: Transfer, action: str, actor: int | None,
          note: str | None = None) -> None:
    assert transfer.id is not None
    uow.transfers.add_step(TransferStep(transfer_id=transfer.id, at=clock.now(), action=action,
                                        status_after=transfer.status, actor_id=actor, note=note))


async def step_org(uow: UnitOfWork, transfer: Transfer) -> Organization | None:
    """The org whose admins (or those above, ACC-4) take the current step: the source branch, then the target
    (for a special unit, TRF-6, the source's provincial-level org), then the target committee to assign."""
    org_id = transfer.step_org_id
    return await uow.organizations.get(org_id) if org_id is not None else None


async def may_act(uow: UnitOfWork, viewer: Viewer, transfer: Transfer) -> bool:
    org = await step_org(uow, transfer) if transfer.running else None
    return org is not None and administers(viewer, org)


async def visible_transfer(uow: UnitOfWork, viewer: Viewer, transfer_id: int | None, *, lock: bool = False) -> Transfer:
    """TRF-10, ACC-4: the member sees their own transfers; an admin those whose current step they may take and
    those they took part in. Anything else is NOT_FOUND, as for an id that does not exist."""
    found = None
    if transfer_id is not None:
        found = await uow.transfers.lock(transfer_id) if lock else await uow.transfers.get(transfer_id)
    if found is not None and found.id is not None and (
            found.member_id == viewer.member.id or await may_act(uow, viewer, found)
            or await uow.transfers.took_part(found.id, viewer.member.id or 0)):
        return found
    raise NotFound("transferId", WHAT)


async def _member_and_side(uow: UnitOfWork, viewer: Viewer, member_id: int | None, name: str | None,
                           id_number: str | None, target: Organization | None, clock: Clock) -> tuple[Member, str]:
    """Who moves and from which side the viewer starts (TRF-1): the member themself, an admin over the member's
    branch (转出, TRF-3), or an admin of the target who names the member by name and ID number (转入, TRF-2)."""
    if member_id is not None:
        member = await uow.members.get(member_id)
        branch = await uow.organizations.get(member.branch_id) if member and member.branch_id else None
        if member is not None and branch is not None and administers(viewer, branch):
            return member, BY_SOURCE
        if member is not None and member.id == viewer.member.id:
            return member, BY_MEMBER
        raise NotFound("memberId", "团员")
    if target is None:  # 转入 needs a target the viewer administers, checked before the person is looked up
        raise NotFound("targetOrgId", "组织")
    await probing.refuse_account_if_probing(uow, viewer, clock.now())
    member = await uow.members.by_id_number(idcard.normalize(id_number or ""))
    if member is None or member.name != (name or "").strip() or member.status != ACTIVE:
        await probing.count_probe(uow, probing.account_key(viewer), clock.now())  # says who is registered
        raise DomainError.of("MEMBER_NOT_MATCHED", "未找到姓名与身份证号相符的团员，请核实", "idNumber", "TRF-2")
    branch = await uow.organizations.get(member.branch_id) if member.branch_id else None
    return member, BY_SOURCE if branch is not None and administers(viewer, branch) else BY_TARGET


async def start_transfer(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None = None,
                         name: str | None = None, id_number: str | None = None, target_org_id: int | None = None,
                         external_system: str | None = None, target_name: str | None = None, special: bool = False,
                         reason: str | None = None, remark: str | None = None,
                         destination: rules.Destination | None = None) -> Transfer:
    """发起转接 (TRF-1..3, 6..9). Scope first: the member (or, for 转入, the target) must be the viewer's to name;
    only then is the form read (TRF-9: the stated destination, then the target against it). One running
    transfer per member: checked here with the member's row locked, and held by the database's partial unique
    index whatever happens (TRF-1)."""
    inbound = member_id is None
    target = await administered_org(uow, viewer, target_org_id, "targetOrgId") if inbound else None
    member, side = await _member_and_side(uow, viewer, member_id, name, id_number, target, clock)
    assert member.id is not None
    member = await uow.members.lock(member.id) or member
    if target is None and target_org_id is not None:
        target = await uow.organizations.get(target_org_id)
        if target is None:
            raise NotFound("targetOrgId", "组织")
    problems = rules.form_problems(reason=reason, remark=remark, special=special, external_system=external_system,
                                   target_name=target_name, has_target_org=target_org_id is not None)
    in_system = target_org_id is not None
    problems += rules.destination_problems(destination, reason=reason, graduate=member.graduate, in_system=in_system)
    if member.branch_id is None or member.status != ACTIVE:
        problems.append(Problem("MEMBER_NOT_IN_BRANCH", "该人员不在团支部中，不能办理组织关系转接", "memberId",
                                "TRF-1"))
    if target is not None and target.category not in rules.TARGET_CATEGORIES:
        problems.append(Problem("TARGET_NOT_ALLOWED", "转入组织须为团委、团工委、团总支或团支部", "targetOrgId",
                                "TRF-3"))
    elif target is not None and target.id == member.branch_id:
        problems.append(Problem("TARGET_IS_SOURCE", "转入组织不能是该团员当前所在团支部", "targetOrgId",
                                "TRF-3"))
    elif target is not None and not problems:
        problems += await _routing_problems(uow, destination, reason, member.graduate, target)
    kind = SPECIAL if special else EXTERNAL if (external_system or "").strip() else ORDINARY
    if kind == EXTERNAL and rules.needs_archive(member.join_date):
        archive = await uow.archives.of_member(member.id)
        if archive is None or archive.status != ARCHIVE_APPROVED:
            problems.append(Problem("ARCHIVE_NOT_APPROVED", "2020年以后发展的团员，电子档案审核通过后方可转往其他系统",
                                    "externalSystem", "NUM-8"))
    running = await uow.transfers.running_for(member.id)
    if running is not None and rules.is_overdue(running, clock.now()):
        await _expire(uow, clock, running)
        await uow.flush()
    elif running is not None:
        problems.append(rules.TRANSFER_RUNNING)
    if problems:
        raise DomainError(problems)
    assert member.branch_id is not None
    now = clock.now()
    source = await uow.organizations.get(member.branch_id)
    transfer = Transfer(member_id=member.id, source_branch_id=member.branch_id, kind=kind, reason=reason or "",
                        started_by=viewer.member.id, started_side=side, started_at=now, step_started_at=now,
                        target_org_id=target.id if target else None,
                        external_system=(external_system or "").strip() or None,
                        target_name=target.full_name if target else (target_name or "").strip() or None,
                        source_name=source.full_name if source else "", remark=(remark or "").strip() or None)
    if destination is not None:
        stated = destination.cleaned()
        transfer.employed, transfer.employer_name = stated.employed, stated.employer_name
        transfer.workplace_town, transfer.household_town = stated.workplace_town, stated.household_town
    transfer.status, transfer.step_org_id = AWAITING_SOURCE, member.branch_id
    uow.transfers.add(transfer)
    await uow.flush()
    _step(uow, clock, transfer, START, viewer.member.id, transfer.remark)
    await _advance(uow, clock, viewer, transfer, None)
    audit.record(uow, clock, viewer.member.id, "startTransfer", member, f"Transfer:{transfer.id} {kind}")
    await uow.commit()
    return transfer


async def _routing_problems(uow: UnitOfWork, destination: rules.Destination | None, reason: str | None,
                            graduate: bool, target: Organization) -> list[Problem]:
    """TRF-9 against the chosen target: its own name and those above it up to the first leading body, and for a
    流动团支部 the name of the town or street that keeps it. Read only once the form is otherwise right."""
    ancestors = await uow.organizations.get_many(target.ancestor_ids())
    chain = [target.full_name]
    for org in sorted(ancestors, key=lambda o: -o.depth):
        if org.category == values.LEADING_BODY:
            break
        chain.append(org.full_name)
    parent = next((o for o in ancestors if o.id == target.parent_id), None)
    floating = [target.full_name, *([parent.full_name] if parent else [])]
    return rules.routing_problems(destination, reason=reason, graduate=graduate, target_floating=target.floating,
                                  floating_names=floating, chain_names=chain)


async def _next_step(uow: UnitOfWork, transfer: Transfer) -> tuple[str, int | None]:
    """The state after the current step is approved, and the org whose admins take the next one."""
    if transfer.status == AWAITING_SOURCE:
        if transfer.kind == EXTERNAL:
            return COMPLETED, None  # TRF-7: the member leaves this system when it is sent
        if transfer.kind == SPECIAL:
            source = await uow.organizations.get(transfer.source_branch_id or 0)
            return AWAITING_TARGET, source.province_id() if source else None
        if transfer.started_side != BY_TARGET:
            return AWAITING_TARGET, transfer.target_org_id
        # 转入 (TRF-2): the target's admin approved by starting it; a committee still assigns a branch
    if transfer.kind == ORDINARY:
        target = await uow.organizations.get(transfer.target_org_id or 0)
        if target is not None and target.category in values.COMMITTEE_CATEGORIES:
            return AWAITING_ASSIGNMENT, target.id
    return COMPLETED, None


async def _advance(uow: UnitOfWork, clock: Clock, viewer: Viewer, transfer: Transfer,
                   assign_branch_id: int | None) -> None:
    """Takes every step the viewer may take, from the current one on: approvals, and the assignment when a
    branch is given. A step taken starts the next one's 10 days."""
    while transfer.running and await may_act(uow, viewer, transfer):
        if transfer.status == AWAITING_ASSIGNMENT:
            if assign_branch_id is None:
                return
            branch = await _assignable(uow, viewer, transfer, assign_branch_id)
            transfer.target_branch_id = branch.id
            await _complete(uow, clock, transfer, ASSIGN, viewer.member.id, branch.full_name)
            return
        status, org_id = await _next_step(uow, transfer)
        if status == COMPLETED:
            if transfer.kind == ORDINARY:
                transfer.target_branch_id = transfer.target_org_id
            await _complete(uow, clock, transfer, APPROVE, viewer.member.id, None)
            return
        transfer.status, transfer.step_org_id, transfer.step_started_at = status, org_id, clock.now()
        _step(uow, clock, transfer, APPROVE, viewer.member.id)


async def _assignable(uow: UnitOfWork, viewer: Viewer, transfer: Transfer, branch_id: int) -> Organization:
    """TRF-2, TRF-3: a 团支部 under the target committee, in the viewer's scope."""
    branch = await uow.organizations.get(branch_id)
    target = await uow.organizations.get(transfer.target_org_id or 0)
    if branch is None or not administers(viewer, branch):
        raise NotFound("assignBranchId", "团支部")
    if target is None or not branch.path.startswith(target.path) or branch.category not in rules.ASSIGNABLE:
        raise DomainError.of("ASSIGN_OUTSIDE_TARGET", "请选择转入团委下属的团支部", "assignBranchId", "TRF-3")
    return branch


async def _complete(uow: UnitOfWork, clock: Clock, transfer: Transfer, action: str, actor: int | None,
                    note: str | None) -> None:
    """The member moves (or, for a special unit or another system, leaves this system's branches) in the
    transaction of the last step; the branch they leave must still be theirs."""
    member = await uow.members.lock(transfer.member_id)
    if member is None or member.branch_id != transfer.source_branch_id:
        raise DomainError.of("TRANSFER_OUTDATED", "该团员已不在原团支部，请退回后重新发起", "transferId", "TRF-1")
    member.branch_id = transfer.target_branch_id if transfer.kind != SPECIAL and transfer.kind != EXTERNAL else None
    member.updated_at = clock.now()
    transfer.status, transfer.step_org_id, transfer.finished_at = COMPLETED, None, clock.now()
    _step(uow, clock, transfer, action, actor, note)
    landed = await uow.organizations.get(transfer.target_branch_id) if transfer.target_branch_id else None
    await notices.transfer_ended(uow, clock, transfer, note=landed.full_name if landed else None)


async def approve_transfer(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, transfer_id: int | None,
                           assign_branch_id: int | None = None) -> Transfer:
    """审批 (TRF-2, 3, 6): the current step's approver approves; a target committee's admin assigns a branch,
    with the approval or after it."""
    transfer = await _actionable(uow, clock, viewer, transfer_id)
    if transfer.status == AWAITING_ASSIGNMENT and assign_branch_id is None:
        raise DomainError.of("ASSIGN_BRANCH_REQUIRED", "请选择接收的团支部", "assignBranchId", "TRF-3")
    await _advance(uow, clock, viewer, transfer, assign_branch_id)
    await _audit(uow, clock, viewer, transfer, "approveTransfer")
    await uow.commit()
    return transfer


async def _actionable(uow: UnitOfWork, clock: Clock, viewer: Viewer, transfer_id: int | None) -> Transfer:
    """The transfer, locked, if the viewer may take its current step (ACC-4: otherwise NOT_FOUND); then its
    state."""
    transfer = await uow.transfers.lock(transfer_id) if transfer_id is not None else None
    if transfer is None or not await may_act(uow, viewer, transfer):
        me = viewer.member.id or 0
        if transfer is not None and transfer.id is not None and not transfer.running and (
                transfer.member_id == me or await uow.transfers.took_part(transfer.id, me)):
            raise DomainError.of("TRANSFER_NOT_RUNNING", "该转接已办结", "transferId", "TRF-5")
        raise NotFound("transferId", WHAT)
    if rules.is_overdue(transfer, clock.now()):
        raise DomainError.of("TRANSFER_EXPIRED", "该转接超过10天未处理，已自动终止", "transferId", "TRF-5")
    return transfer


async def return_transfer(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, transfer_id: int | None,
                          reason: str | None) -> Transfer:
    """退回 (TRF-5): the current step's approver refuses, with a reason; the transfer ends."""
    transfer = await _actionable(uow, clock, viewer, transfer_id)
    problems = rules.reason_text_problems(reason)
    if problems:
        raise DomainError(problems)
    step_org_id = transfer.step_org_id
    transfer.status, transfer.step_org_id, transfer.finished_at = RETURNED, None, clock.now()
    _step(uow, clock, transfer, RETURN, viewer.member.id, (reason or "").strip())
    await notices.transfer_ended(uow, clock, transfer, step_org_id=step_org_id, note=(reason or "").strip())
    await _audit(uow, clock, viewer, transfer, "returnTransfer")
    await uow.commit()
    return transfer


async def withdraw_transfer(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, transfer_id: int | None) -> Transfer:
    """撤销申请 (TRF-5): the initiator (the member, or an admin of the side that started it) withdraws before the
    last approval."""
    transfer = await visible_transfer(uow, viewer, transfer_id, lock=True)
    side_org = {BY_SOURCE: transfer.source_branch_id, BY_TARGET: transfer.target_org_id}.get(transfer.started_side)
    org = await uow.organizations.get(side_org) if side_org is not None else None
    initiator = transfer.started_by == viewer.member.id or (org is not None and administers(viewer, org)) or (
        transfer.started_side == BY_MEMBER and transfer.member_id == viewer.member.id)
    if not initiator:
        raise DomainError.of("WITHDRAW_NOT_ALLOWED", "只有发起方可以撤销申请", "transferId", "TRF-5")
    status = rules.current_status(transfer, clock.now())
    if status == EXPIRED:
        raise DomainError.of("TRANSFER_EXPIRED", "该转接超过10天未处理，已自动终止", "transferId", "TRF-5")
    if not rules.may_withdraw_in(status):
        raise DomainError.of("WITHDRAW_TOO_LATE", "转接已审批完成或已办结，不能撤销", "transferId", "TRF-5")
    step_org_id = transfer.step_org_id
    transfer.status, transfer.step_org_id, transfer.finished_at = WITHDRAWN, None, clock.now()
    _step(uow, clock, transfer, WITHDRAW, viewer.member.id)
    await notices.transfer_ended(uow, clock, transfer, step_org_id=step_org_id)
    await _audit(uow, clock, viewer, transfer, "withdrawTransfer")
    await uow.commit()
    return transfer


async def _expire(uow: UnitOfWork, clock: Clock, transfer: Transfer) -> None:
    step_org_id = transfer.step_org_id
    transfer.status, transfer.step_org_id, transfer.finished_at = EXPIRED, None, clock.now()
    _step(uow, clock, transfer, EXPIRE, None, "超过10天未处理，自动终止")
    await notices.transfer_ended(uow, clock, transfer, step_org_id=step_org_id)


async def expire_overdue(*, uow: UnitOfWork, clock: Clock, limit: int = 500) -> int:
    """TRF-5, the jobs' part: every running transfer whose step waited more than 10 days ends as EXPIRED, once.
    Each row is locked and read afresh before it changes, so two runs at once expire it once."""
    cutoff = clock.now() - values.TRANSFER_STEP_LIMIT
    done = 0
    for transfer_id in await uow.transfers.overdue_ids(cutoff, limit):
        transfer = await uow.transfers.lock(transfer_id)
        if transfer is not None and rules.is_overdue(transfer, clock.now()):
            await _expire(uow, clock, transfer)
            done += 1
    await uow.commit()
    return done


async def _audit(uow: UnitOfWork, clock: Clock, viewer: Viewer, transfer: Transfer, action: str) -> None:
    member = await uow.members.get(transfer.member_id)
    if member is not None:
        audit.record(uow, clock, viewer.member.id, action, member, f"Transfer:{transfer.id} {transfer.status}")
