"""Builders for test data, written straight through a unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from zhtj.domain.identity import rules
from zhtj.domain.identity.model import Account, OrgAdmin
from zhtj.domain.membership import idcard
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.ports import PasswordHasher
from zhtj.infrastructure.demo import make_id_number
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

ROOT_ADMIN_ID = "110101199003071233"
ROOT_ADMIN_PASSWORD = "Tuanjian2026"
_sequence = count(100)
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def new_id_number(born: date = date(2000, 1, 1), region: str = "110101") -> str:
    return make_id_number(region, born, next(_sequence) % 1000)


async def add_org(uow: SqlUnitOfWork, parent: Organization, short_name: str, *, category: str = "团的领导机关",
                  full_name: str | None = None, industry: str | None = "党政机关") -> Organization:
    org = Organization(short_name=short_name, full_name=full_name or f"共青团{short_name}", category=category,
                       industry=industry, parent_id=parent.id, depth=parent.depth + 1,
                       sort_order=next(_sequence), created_at=NOW)
    async with uow:
        uow.organizations.add(org)
        await uow.flush()
        assert org.id is not None
        org.path = child_path(parent.path, org.id)
        await uow.commit()
    return org


async def add_person(
    uow: SqlUnitOfWork, hasher: PasswordHasher, clock: Clock, *, name: str, branch: Organization | None = None,
    id_number: str | None = None, password: str | None = None, admin_of: Organization | None = None,
    mobile: str | None = None,
) -> tuple[Member, str]:
    """A person with an account; with no password given, the initial one (must change, ACC-1)."""
    number = id_number or new_id_number()
    parsed = idcard.parse(number, date(2026, 1, 1))
    assert not isinstance(parsed, list)
    now = clock.now()
    member = Member(name=name, id_number=number, gender=parsed.gender, birth_date=parsed.birth_date,
                    branch_id=branch.id if branch else None, join_date="2015-05", created_at=now,
                    mobile=mobile)
    async with uow:
        uow.members.add(member)
        await uow.flush()
        assert member.id is not None
        secret = password or rules.initial_password(number)
        uow.accounts.add(Account(member_id=member.id, id_number=number, password_hash=await hasher.hash(secret),
                                 must_change_password=password is None, created_at=now))
        if admin_of is not None:
            assert admin_of.id is not None
            uow.members.add_position(CadrePosition(member_id=member.id, org_id=admin_of.id, position="书记"))
            uow.admins.add(OrgAdmin(org_id=admin_of.id, member_id=member.id, granted_at=now))
        await uow.commit()
    return member, secret
