"""`zhtj bootstrap`: the root of the tree and its first admin, on an empty database only."""

from __future__ import annotations

from zhtj.domain.identity import rules
from zhtj.domain.identity.model import Account, OrgAdmin
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import LEADING_BODY, ROOT_NAME, Organization, child_path
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import Problems
from zhtj.domain.shared.ports import PasswordHasher, UnitOfWork

ROOT_FULL_NAME = "中国共产主义青年团中央委员会"


async def bootstrap(
    *, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher,
    admin_id_number: str, admin_name: str, password: str,
) -> tuple[Organization, Member]:
    """Creates 团中央 and its first admin (a cadre of it, ACC-3) with the given password."""
    problems = Problems()
    if await uow.organizations.count() or await uow.members.count():
        problems.add("DATABASE_NOT_EMPTY", "数据库中已有数据，不能再次初始化", None, "ORG-1")
        problems.raise_if_any()
    parsed = idcard.parse(admin_id_number, today(clock), field="adminIdNumber", rule="ACC-1")
    if isinstance(parsed, list):
        problems.extend(parsed)
    if not admin_name.strip():
        problems.add("NAME_REQUIRED", "请填写姓名", "adminName", "MEM-2")
    if not isinstance(parsed, list):
        problems.extend(rules.password_problems(password, parsed.value, field="password", name=admin_name.strip()))
    problems.raise_if_any()
    assert not isinstance(parsed, list)
    now = clock.now()
    root = Organization(short_name=ROOT_NAME, full_name=ROOT_FULL_NAME, category=LEADING_BODY,
                        industry="党政机关", created_at=now)
    uow.organizations.add(root)
    await uow.flush()
    assert root.id is not None
    root.path = child_path("/", root.id)
    admin = Member(name=admin_name.strip(), id_number=parsed.value, gender=parsed.gender,
                   birth_date=parsed.birth_date, created_at=now)
    uow.members.add(admin)
    await uow.flush()
    assert admin.id is not None
    uow.members.add_position(CadrePosition(member_id=admin.id, org_id=root.id, position="工作人员"))
    uow.accounts.add(Account(member_id=admin.id, id_number=parsed.value,
                             password_hash=await hasher.hash(password),
                             must_change_password=False, created_at=now, password_changed_at=now))
    uow.admins.add(OrgAdmin(org_id=root.id, member_id=admin.id, granted_at=now))
    await uow.commit()
    return root, admin


