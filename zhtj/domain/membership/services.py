"""Use cases of the membership context: enter members and cadres, edit profiles, delete (MEM-1..16)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zhtj.domain.identity import audit
from zhtj.domain.identity import rules as account_rules
from zhtj.domain.identity.model import Account
from zhtj.domain.identity.scope import (
    administered_org,
    administers,
    administers_member,
    is_root_admin,
    manages_member,
    member_orgs,
    visible_member,
)
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership import idcard, probing, profile, rules, verification
from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.membership.profile import MemberForm
from zhtj.domain.numbering import services as numbering
from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import FileStore, PasswordHasher, UnitOfWork
from zhtj.domain.transfers import rules as transfer_rules

MEMBER_ORGS = (values.BRANCH, values.GRADUATE_ORG)


async def province_name(uow: UnitOfWork, org: Organization) -> str | None:
    """The province-level org's names, for the provincial variants of MEM-5 and MEM-7."""
    province_id = org.province_id()
    province = org if province_id == org.id else await uow.organizations.get(province_id) if province_id else None
    return profile.province_of(f"{province.short_name}{province.full_name}") if province else None


async def _org_or_problem(uow: UnitOfWork, viewer: Viewer, org_id: int | None, field: str,
                          problems: list[Problem]) -> Organization | None:
    try:
        return await administered_org(uow, viewer, org_id, field)
    except NotFound as missing:
        problems += missing.problems
        return None


async def uniqueness_problems(uow: UnitOfWork, viewer: Viewer | None, form: MemberForm,
                              except_id: int | None = None) -> list[Problem]:
    """MEM-4: one ID number in the whole system; NUM-4: one number, one member. Without a viewer (a person
    reporting themself, MEM-14) nothing about the other person is shown."""
    problems = []
    number = idcard.normalize(form.id_number or "")
    holder = await uow.members.by_id_number(number) if number else None
    if holder is not None and holder.id != except_id:
        where = [o for o in await member_orgs(uow, holder) if administers(viewer, o)] if viewer else []
        message = rules.ID_NUMBER_TAKEN.message + (f"（所在组织：{where[0].full_name}）" if where else "")
        problems.append(replace(rules.ID_NUMBER_TAKEN, message=message))
    development = (form.development_number or "").strip()
    occupant = await uow.members.by_development_number(development) if development else None
    if occupant is not None and occupant.id != except_id and viewer is None:
        problems.append(Problem("DEVELOPMENT_NUMBER_TAKEN", "该发展团员编号已被占用，请与团支部核实",
                                "developmentNumber", "NUM-4"))
    elif occupant is not None and occupant.id != except_id:
        home = (await member_orgs(uow, occupant))[:1]  # the branch, or the org of a branchless cadre's post
        where = home[0].full_name if home else "无所在组织"
        message = f"该发展团员编号已被占用（占用组织：{where}，团员：{occupant.name}）"
        problems.append(Problem("DEVELOPMENT_NUMBER_TAKEN", message, "developmentNumber", "NUM-4"))
    return problems


async def _new_person(uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, form: MemberForm,
                      branch_id: int | None, password_hash: str | None = None) -> Member:
    """The person and their account (ACC-1: initial password, to be changed at first login; or the hash of the
    password a self-reporter chose, ACC-2, made before the transaction took any lock: decision 0065)."""
    [member] = await _new_people(uow, clock, hasher, [form], branch_id, password_hash)
    return member


async def _new_people(uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, forms: list[MemberForm],
                      branch_id: int | None, password_hash: str | None = None) -> list[Member]:
    """Checked forms as people with accounts, in one flush for the lot (an import writes hundreds at once)."""
    now = clock.now()
    people = []
    for form in forms:
        parsed = idcard.parse(form.id_number or "", today(clock))
        assert not isinstance(parsed, list)
        member = Member(name="", id_number=parsed.value, gender=parsed.gender, birth_date=parsed.birth_date,
                        branch_id=branch_id, created_at=now, updated_at=now)
        profile.apply(form, member)
        uow.members.add(member)
        people.append(member)
    if people:
        await uow.flush()
    for member in people:
        assert member.id is not None
        secret = password_hash or hasher.initial_hash(account_rules.initial_password(member.id_number))
        uow.accounts.add(Account(member_id=member.id, id_number=member.id_number, password_hash=secret,
                                 must_change_password=password_hash is None, created_at=now,
                                 password_changed_at=now if password_hash else None))
    return people


def _post(form: MemberForm, member_id: int, org: Organization) -> CadrePosition:
    assert org.id is not None
    return CadrePosition(member_id=member_id, org_id=org.id,
                         position=rules.normalize_position(form.position, org_category=org.category),
                         since=(form.position_since or "").strip() or None,
                         appointment_method=form.appointment_method or None, cadre_nature=form.cadre_nature or None,
                         on_party_committee=form.on_party_committee, on_duty=form.on_duty or None)


async def _secretary_taken(uow: UnitOfWork, org: Organization | None, form: MemberForm,
                           person_id: int | None = None) -> list[Problem]:
    """MEM-12: an org has one 书记; a new one comes through 职务变更, which ends the old one's post."""
    if org is None or org.id is None or not form.is_cadre:
        return []
    if rules.normalize_position(form.position, org_category=org.category) != values.SECRETARY:
        return []
    holders = {p.member_id for p in await uow.members.positions_in(org.id) if p.position == values.SECRETARY}
    return [SECRETARY_TAKEN] if holders - {person_id} else []


SECRETARY_TAKEN = Problem("SECRETARY_TAKEN", "本组织已有书记，请选择其他职务（更换书记请使用职务变更）", "position",
                          "MEM-12")


async def enter_member(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer,
                       branch_id: int | None, form: MemberForm) -> Member:
    """录入团员 (MEM-1..12, NUM-F*, NUM-4): into a branch in scope; every problem of the form at once."""
    [entered] = await enter_members(uow=uow, clock=clock, hasher=hasher, viewer=viewer, branch_id=branch_id,
                                    forms=[form])
    if isinstance(entered, list):
        await probing.raise_counted(uow, viewer, entered, clock.now())
    assert isinstance(entered, Member)
    await uow.commit()
    return entered


async def enter_members(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer,
                        branch_id: int | None, forms: list[MemberForm], minimal: bool = False,
                        action: str = "enterMember") -> list[Member | list[Problem]]:
    """录入团员 of one form (enterMember) or many (an import, X-4, with `minimal`: MEM-3) into one branch: the
    one rule set. Each form gets the member written, or its problems; nothing is committed (the caller
    commits, and counts the problems that reveal a registered number, NUM-4 decided). Forms of one call must
    not share an ID number or a development number (an import refuses such rows before, X-4)."""
    # Scope first (ACC-4, NUM-4 decided): until the viewer may enter into this branch, no form is read.
    branch = await administered_org(uow, viewer, branch_id, "branchId")
    if branch.category not in MEMBER_ORGS:
        raise DomainError.of("BRANCH_REQUIRED", "团员只能录入到团支部；团委、团工委、团总支请录入团干部",
                             "branchId", "MEM-1")
    await probing.refuse_account_if_probing(uow, viewer, clock.now())
    province = await province_name(uow, branch)
    on = today(clock)
    # Who holds these numbers, in two statements: a form whose numbers nobody holds has no uniqueness problem.
    held = await uow.members.taken_numbers([idcard.normalize(f.id_number or "") for f in forms],
                                           [(f.development_number or "").strip() for f in forms])
    number_problems = iter(await numbering.entry_problems_many(uow, branch=branch, entries=[
        (f.development_number, f.occupation, f.study_status) for f in forms]))
    secretary_named = False
    results: list[Member | list[Problem]] = []
    good: list[MemberForm] = []
    for form in forms:
        problems = profile.form_problems(form, today=on, org_category=values.BRANCH, province=province,
                                         minimal=minimal)
        if held & {idcard.normalize(form.id_number or ""), (form.development_number or "").strip()} - {""}:
            problems += await uniqueness_problems(uow, viewer, form)
        problems += next(number_problems)
        secretary = (bool(form.is_cadre) and rules.normalize_position(form.position, org_category=branch.category)
                     == values.SECRETARY)
        problems += await _secretary_taken(uow, branch, form)
        if secretary and secretary_named and not problems:
            problems.append(SECRETARY_TAKEN)
        secretary_named = secretary_named or (secretary and not problems)
        results.append(problems)
        if not problems:
            good.append(form)
    assert branch.id is not None
    people = iter(await _new_people(uow, clock, hasher, good, branch.id))
    for index, problems in enumerate(results):
        if problems:
            continue
        member = results[index] = next(people)
        assert member.id is not None
        if forms[index].is_cadre:
            uow.members.add_position(_post(forms[index], member.id, branch))
        audit.record(uow, clock, viewer.member.id, action, member, f"Organization:{branch.id}")
    return results


async def existing_person_problems(uow: UnitOfWork, viewer: Viewer, person: Member, name: str,
                                   field: str = "idNumber") -> list[Problem]:
    """A post for someone already in the system (MEM-1: one person, several posts) goes only to a person
    the viewer administers (ACC-4); anyone else's number is just "该身份证号已注册", never a way in."""
    if not await administers_member(uow, viewer, person):
        return [replace(rules.ID_NUMBER_TAKEN, field=field)]
    if person.name != name.strip():
        return [Problem("NAME_MISMATCH", "姓名与该身份证号已登记的姓名不一致", "name", "MEM-4")]
    if person.status != ACTIVE:
        return [Problem("MEMBER_NOT_ACTIVE", "该人员的报到尚未审核通过，不能任职", field, "MEM-14")]
    return []


async def enter_cadre(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer,
                      org_id: int | None, form: MemberForm, minimal: bool = False,
                      action: str = "enterCadre") -> Member:
    """录入团干部 of a committee or leading body (MEM-1, MEM-12). A person already in the system (same ID
    number and name) takes the post in this org as well: one person may be a cadre of several orgs."""
    org = await administered_org(uow, viewer, org_id, "orgId")  # scope first, as in enter_member
    if org.category in values.BRANCH_CATEGORIES:
        raise DomainError.of("CADRE_OF_BRANCH", "团支部的团干部请通过录入团员录入（选择是团干部）", "orgId", "MEM-1")
    await probing.refuse_account_if_probing(uow, viewer, clock.now())
    problems: list[Problem] = []
    form = replace(form, is_cadre=True)
    category = org.category
    existing = await uow.members.by_id_number(idcard.normalize(form.id_number or ""))
    if existing is not None and not await administers_member(uow, viewer, existing):
        existing = None  # someone out of scope: answered exactly as a stranger typed in (ID_NUMBER_TAKEN)
    if existing is not None and existing.name == (form.name or "").strip():
        problems += await existing_person_problems(uow, viewer, existing, existing.name)
        problems += rules.id_number_problems(form.id_number, form.id_number_confirm, today=today(clock))
        problems += rules.cadre_problems(position=form.position, org_category=category,
                                         cadre_nature=form.cadre_nature, appointment_method=form.appointment_method,
                                         position_since=form.position_since, on_duty=form.on_duty,
                                         today=today(clock))
        if existing.id is not None and await uow.members.position(existing.id, org.id or 0):
            problems.append(Problem("ALREADY_CADRE", "该人员已是本组织的团干部，请使用职务变更", "idNumber", "MEM-12"))
    else:
        province = await province_name(uow, org)
        problems += profile.form_problems(form, today=today(clock), org_category=category, province=province,
                                          minimal=minimal)
        problems += await uniqueness_problems(uow, viewer, form)
    problems += await _secretary_taken(uow, org, form, existing.id if existing else None)
    await probing.raise_counted(uow, viewer, problems, clock.now())
    assert org.id is not None
    member = existing or await _new_person(uow, clock, hasher, form, None)
    assert member.id is not None
    member.is_cadre = True
    uow.members.add_position(_post(form, member.id, org))
    audit.record(uow, clock, viewer.member.id, action, member, f"Organization:{org.id}")
    await uow.commit()
    return member


async def update_member(*, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer,
                        member_id: int | None, changes: dict[str, Any], files: FileStore | None = None) -> Member:
    """修改团员信息: every value of the profile is checked again, but a field that was already missing is
    only required once the edit touches it (a record made from a few fields is completed step by step).
    A new name or ID number resets the name/ID check (MEM-13); a new ID number is typed twice and
    becomes the login name, and an account still on its initial password gets the new one (ACC-1)."""
    member = await visible_member(uow, viewer, member_id, "id")
    assert member.id is not None
    manages = await manages_member(uow, viewer, member)
    if not manages:
        if member.id != viewer.member.id:
            raise DomainError.of("MEMBER_MANAGED_ELSEWHERE", "该人员的信息由其所在组织的管理员修改", "id", "ACC-4")
        own = [Problem("SELF_EDIT_NOT_ALLOWED", "此项信息请联系所在团支部管理员修改", _camel(name), "ACC-4")
               for name in changes if name not in SELF_EDITABLE]
        if own:
            raise DomainError(own)
    await probing.refuse_account_if_probing(uow, viewer, clock.now())
    current = MemberForm.of(member)
    form = current.merged(changes)
    id_changed = "id_number" in changes and idcard.normalize(changes["id_number"] or "") != member.id_number
    if not id_changed:
        form.id_number_confirm = None
    elif changes.get("id_number_confirm") is None:
        form.id_number_confirm = ""  # a new number must be typed twice
    home = (await member_orgs(uow, member))[:1]  # the branch, or for a cadre with none the org of a post
    province = await province_name(uow, home[0]) if home else None

    def check(the_form: MemberForm) -> list[Problem]:
        return profile.form_problems(the_form, today=today(clock), org_category=values.BRANCH, province=province,
                                     check_post=False)

    touched = {_camel(name) for name in changes}
    gaps = {(p.code, p.field) for p in check(MemberForm.of(member)) if p.code.endswith("_REQUIRED")}
    problems = [p for p in check(form) if (p.code, p.field) not in gaps or p.field in touched]
    if not id_changed:  # MEM-6 is checked when the number (so the birth date) is typed; 超龄 is a flag after
        problems = [p for p in problems if p.code not in ("AGE_OVER_LIMIT", "AGE_TOO_YOUNG")]
    # Who holds a number or an ID (NUM-4's hint) is for an admin entering people, not for a member's own edit.
    manager = viewer if manages else None
    problems += await uniqueness_problems(uow, manager, form, except_id=member.id)
    if (form.development_number or "") != (member.development_number or ""):  # a new number: NUM-F6, NUM-3
        branch = await uow.organizations.get(member.branch_id) if member.branch_id else None
        problems += await numbering.entry_problems(uow, branch=branch, number=form.development_number,
                                                   occupation=form.occupation, study_status=form.study_status)
    await probing.raise_counted(uow, viewer, problems, clock.now())
    name_changed = (form.name or "").strip() != member.name
    profile.apply(form, member)
    if id_changed:
        parsed = idcard.parse(form.id_number or "", today(clock))
        assert not isinstance(parsed, list)
        member.id_number, member.gender, member.birth_date = parsed.value, parsed.gender, parsed.birth_date
        account = await uow.accounts.by_id_number(current.id_number or "")
        if account is not None:
            account.id_number = parsed.value
            if account.must_change_password:
                account.password_hash = hasher.initial_hash(account_rules.initial_password(parsed.value))
    old_photo = member.verification_photo if id_changed or name_changed else None
    if id_changed or name_changed:
        verification.reset(member)
    member.updated_at = clock.now()
    audit.record(uow, clock, viewer.member.id, "updateMember", member, ", ".join(sorted(changes)))
    await uow.commit()
    if old_photo and files is not None:  # the offline check's photo was about the old name/ID pair
        await files.remove(old_photo)
    return member


# What a member may change on their own record: contacts, volunteering, party application, and their
# development number (NUM-5: the member or an admin corrects it). Name, ID number, join date and the rest
# are changed by an admin of their branch.
SELF_EDITABLE = frozenset({"mobile", "email", "qq", "wechat", "weibo", "household_address", "development_number",
                           "registered_volunteer", "volunteer_since", "submitted_party_application",
                           "party_application_date"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def change_position(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None,
                          org_id: int | None, form: MemberForm) -> CadrePosition:
    """职务变更 (MEM-12): sets, changes or ends (无职务) a person's post in an org in scope. A new
    secretary replaces the old one once the old one is no longer an admin of the org (ACC-3)."""
    problems: list[Problem] = []
    org = await _org_or_problem(uow, viewer, org_id, "orgId", problems)
    await uow.organizations.lock(org.id or 0) if org else None  # posts of one org change in turn (MEM-12, ACC-3)
    member = await uow.members.get(member_id) if member_id is not None else None
    held = await uow.members.position(member.id, org.id) if member and member.id and org and org.id else None
    if member is None or (held is None and not await _may_see(uow, viewer, member)):
        problems.append(NotFound("memberId", "团员").problems[0])
        member = None
    elif member.status != ACTIVE:  # MEM-14: nothing else until the branch approves the self-report
        problems.append(Problem("MEMBER_NOT_ACTIVE", "该人员的报到尚未审核通过，不能任职", "memberId", "MEM-14"))
    category = org.category if org else values.LEADING_BODY
    new = rules.normalize_position(form.position, org_category=category)
    admins = {a.member_id for a in await uow.admins.of_org(org.id)} if org and org.id else set()
    old_secretaries: list[CadrePosition] = []
    if new == values.NO_POSITION:
        if member is not None and member.id in admins:
            problems.append(Problem("ADMIN_MUST_BE_CADRE", "该团干部是本组织管理员，请先取消其管理员权限",
                                    "position", "ACC-3"))
        if held is None or held.position == values.NO_POSITION:
            problems.append(Problem("NO_POST_TO_END", "该人员在本组织没有担任职务", "position", "MEM-12"))
    else:
        problems += rules.cadre_problems(position=form.position, org_category=category,
                                         cadre_nature=form.cadre_nature, appointment_method=form.appointment_method,
                                         position_since=form.position_since, on_duty=form.on_duty,
                                         today=today(clock))
        if new == values.SECRETARY and org is not None and org.id is not None:
            old_secretaries = [p for p in await uow.members.positions_in(org.id)
                               if p.position == values.SECRETARY and member is not None and p.member_id != member.id]
            if any(p.member_id in admins for p in old_secretaries):
                problems.append(Problem("OLD_SECRETARY_IS_ADMIN", "原书记仍是本组织管理员，请先取消其管理员权限",
                                        "position", "MEM-12"))
    if problems:
        raise DomainError(problems)
    assert member is not None and member.id is not None and org is not None and org.id is not None
    for old in old_secretaries:
        old.position = values.NO_POSITION
    post = _post(form, member.id, org)
    if held is None:
        uow.members.add_position(post)
        held = post
    else:
        held.position, held.since = post.position, post.since or held.since
        held.appointment_method = post.appointment_method or held.appointment_method
        held.cadre_nature = post.cadre_nature or held.cadre_nature
        held.on_party_committee = (post.on_party_committee if post.on_party_committee is not None
                                   else held.on_party_committee)
        held.on_duty = post.on_duty or held.on_duty
    await uow.flush()
    for person_id in {member.id, *(old.member_id for old in old_secretaries)}:
        await refresh_cadre_flag(uow, person_id)
    audit.record(uow, clock, viewer.member.id, "changePosition", member, f"Organization:{org.id} {new}")
    await uow.commit()
    return held


async def refresh_cadre_flag(uow: UnitOfWork, member_id: int) -> None:
    """是否团干部 follows the posts: a cadre holds at least one post that is not 无职务 (MEM-2, MEM-12)."""
    member = await uow.members.get(member_id)
    if member is not None:
        member.is_cadre = any(p.position != values.NO_POSITION for p in await uow.members.positions_of(member_id))


async def _may_see(uow: UnitOfWork, viewer: Viewer, member: Member) -> bool:
    try:
        await visible_member(uow, viewer, member.id, "memberId")
    except NotFound:
        return False
    return True


async def delete_member(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, member_id: int | None,
                        reason: str | None) -> int:
    """MEM-15: only admins of leading bodies, with a reason; never an admin, never someone in a running
    transfer. Branch admins move people by transfer instead."""
    member = await visible_member(uow, viewer, member_id, "id")
    assert member.id is not None
    problems: list[Problem] = []
    if not await manages_member(uow, viewer, member):
        raise DomainError.of("MEMBER_MANAGED_ELSEWHERE", "该人员由其所在组织管理，不能由本组织删除", "id", "MEM-15")
    orgs = await member_orgs(uow, member)
    leading = [a for a in viewer.admin_of if a.category == values.LEADING_BODY]
    if not any(is_within(o.path, a.path) for a in leading for o in orgs) and not (not orgs and is_root_admin(viewer)):
        message = "只有团的领导机关管理员可以删除团员；团支部请通过组织关系转接办理"
        problems.append(Problem("DELETE_MEMBER_NOT_ALLOWED", message, "id", "MEM-15"))
    if not (reason or "").strip():
        problems.append(Problem("REASON_REQUIRED", "请填写删除原因", "reason", "MEM-15"))
    if await uow.admins.is_admin_anywhere(member.id):
        problems.append(Problem("MEMBER_IS_ADMIN", "该人员是组织管理员，请先取消其管理员权限", "id", "MEM-15"))
    running = await uow.transfers.running_for(member.id)
    if running is not None and not transfer_rules.is_overdue(running, clock.now()):  # an overdue one has ended
        problems.append(Problem("MEMBER_IN_TRANSFER", "该团员正在办理组织关系转接，不能删除", "id", "MEM-15"))
    if problems:
        raise DomainError(problems)
    audit.record(uow, clock, viewer.member.id, "deleteMember", member,
                 f"{member.name} {idcard.mask(member.id_number)}: {reason}")
    await uow.members.delete(member)
    await uow.commit()
    return member.id
