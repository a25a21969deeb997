"""书记 (ORG-8, MEM-12): filling in a secretary who has no account creates one (initial password = the
last 8 characters of the ID number, to be changed at first login, ACC-1)."""

from __future__ import annotations

from zhtj.domain.identity import audit
from zhtj.domain.identity import rules as account_rules
from zhtj.domain.identity.model import Account
from zhtj.domain.identity.scope import administered_org, manages_member
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership import idcard, probing
from zhtj.domain.membership import rules as member_rules
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.membership.services import existing_person_problems, refresh_cadre_flag
from zhtj.domain.shared import values
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import Problem, Problems
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork


async def set_secretary(
    *, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, viewer: Viewer, org_id: int | None,
    id_number: str, name: str, mobile: str | None,
) -> Member:
    org = await administered_org(uow, viewer, org_id, "orgId")
    assert org.id is not None
    await probing.refuse_account_if_probing(uow, viewer, clock.now())  # MEM-4: no lookup service of ID numbers
    problems = Problems()
    parsed = idcard.parse(id_number, today(clock), field="idNumber", rule="ORG-8")
    if isinstance(parsed, list):
        problems.extend(parsed)
    name = (name or "").strip()
    if not name:
        problems.add("NAME_REQUIRED", "请填写书记姓名", "name", "ORG-8")
    problems.extend(member_rules.name_character_problems(name))
    problems.extend(member_rules.mobile_problems(mobile))
    person = None if isinstance(parsed, list) else await uow.members.by_id_number(parsed.value)
    if person is not None and name:
        found = await existing_person_problems(uow, viewer, person, name)
        if not found and not await manages_member(uow, viewer, person):  # the one rule of updateMember (ACC-4)
            found = [Problem("MEMBER_MANAGED_ELSEWHERE", "该人员的信息由其所在组织的管理员修改", "idNumber", "ACC-4")]
        problems.extend(found)
    if not isinstance(parsed, list):  # MEM-6: a cadre is at least 14
        problems.extend(member_rules.age_now_problems(parsed.birth_date, today=today(clock), is_cadre=True))
    current = [p for p in await uow.members.positions_in(org.id) if p.position == values.SECRETARY]
    admins = {a.member_id for a in await uow.admins.of_org(org.id)}
    for old in current:
        if old.member_id in admins and (person is None or old.member_id != person.id):
            problems.add("OLD_SECRETARY_IS_ADMIN", "原书记仍是本组织管理员，请先取消其管理员权限", "idNumber", "MEM-12")
    await probing.raise_counted(uow, viewer, problems.items, clock.now())
    assert not isinstance(parsed, list)
    now = clock.now()
    if person is None:
        person = Member(name=name, id_number=parsed.value, gender=parsed.gender, birth_date=parsed.birth_date,
                        mobile=(mobile or "").strip() or None, created_at=now)
        uow.members.add(person)
        await uow.flush()
    elif mobile and mobile.strip():
        person.mobile = mobile.strip()
    assert person.id is not None
    if await uow.accounts.by_id_number(parsed.value) is None:
        initial = account_rules.initial_password(parsed.value)
        uow.accounts.add(Account(member_id=person.id, id_number=parsed.value,
                                 password_hash=hasher.initial_hash(initial), must_change_password=True,
                                 created_at=now))
    for old in current:
        if old.member_id != person.id:
            old.position = values.NO_POSITION
    position = await uow.members.position(person.id, org.id)
    if position is None:
        uow.members.add_position(CadrePosition(member_id=person.id, org_id=org.id, position=values.SECRETARY,
                                               since=f"{today(clock):%Y-%m}"))
    else:
        position.position = values.SECRETARY
    await uow.flush()
    for person_id in {person.id, *(old.member_id for old in current)}:
        await refresh_cadre_flag(uow, person_id)
    audit.record(uow, clock, viewer.member.id, "setSecretary", org, f"Member:{person.id}")
    await uow.commit()
    return person
