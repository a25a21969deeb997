"""In-memory stand-ins for the ports, so use cases are unit-tested without a database."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from zhtj.domain.identity.model import (
    Account,
    AdminCode,
    AuditEntry,
    AuthToken,
    LoginThrottle,
    OrgAdmin,
    PasswordResetCode,
)
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.shared.ports import TokenHolder
from zhtj.infrastructure.demo import make_id_number


class FakeHasher:
    """Not a hash at all: enough to tell right from wrong in unit tests."""

    async def hash(self, password: str) -> str:
        return "plain$" + password

    def initial_hash(self, password: str) -> str:
        return "plain$" + password

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain$" + password

    async def spend_like_verify(self, password: str) -> None:
        return None


class _Store:
    def __init__(self, ids: itertools.count, key: str = "id"):
        self.rows: list[Any] = []
        self._ids = ids
        self._key = key

    def add(self, obj: Any) -> None:
        if self._key == "id" and obj.id is None:
            obj.id = next(self._ids)
        self.rows.append(obj)

    def find(self, **where: Any) -> Any:
        return next((r for r in self.rows if all(getattr(r, k) == v for k, v in where.items())), None)


class FakeRepo(_Store):
    async def get(self, key: Any) -> Any:
        return self.find(**{self._key: key})

    async def by_id_number(self, id_number: str) -> Any:
        return self.find(id_number=id_number)

    async def by_hash(self, token_hash: str) -> Any:
        return self.find(token_hash=token_hash)

    async def count(self) -> int:
        return len(self.rows)

    async def root(self) -> Any:
        return self.find(parent_id=None)

    async def lock(self, key: Any) -> Any:
        """Throttles are made when missing; orgs are just read (nothing runs concurrently here)."""
        if self._key != "key":
            return self.find(id=key)
        found = self.find(key=key)
        if found is None:
            found = LoginThrottle(key=key)
            self.add(found)
        return found

    async def revoke_all(self, account_id: int, at: datetime, keep: str | None = None) -> None:
        for token in self.rows:
            if token.account_id == account_id and token.revoked_at is None and token.token_hash != keep:
                token.revoked_at = at

    def add_position(self, position: CadrePosition) -> None:
        self.positions.append(position)

    async def orgs_of(self, member_id: int) -> list[Organization]:
        return [o for g in self.rows if g.member_id == member_id for o in self.orgs.rows if o.id == g.org_id]

    async def of_org(self, org_id: int) -> list[OrgAdmin]:
        return [g for g in self.rows if g.org_id == org_id]

    async def remove(self, obj: Any) -> None:
        self.rows.remove(obj)

    async def is_admin_anywhere(self, member_id: int) -> bool:
        return any(g.member_id == member_id for g in self.rows)

    async def position(self, member_id: int, org_id: int) -> CadrePosition | None:
        return next((p for p in self.positions if p.member_id == member_id and p.org_id == org_id), None)

    async def positions_in(self, org_id: int) -> list[CadrePosition]:
        return [p for p in self.positions if p.org_id == org_id]

    async def positions_of(self, member_id: int) -> list[CadrePosition]:
        return [p for p in self.positions if p.member_id == member_id]

    async def get_many(self, ids: list[int]) -> list[Any]:
        return [r for i in ids for r in self.rows if r.id == i]

    async def children(self, parent_id: int) -> list[Organization]:
        return sorted((o for o in self.rows if o.parent_id == parent_id), key=lambda o: (o.sort_order, o.id))

    async def by_development_number(self, number: str) -> Member | None:
        return self.find(development_number=number)

    async def taken_numbers(self, id_numbers: list[str], development_numbers: list[str]) -> set[str]:
        return ({m.id_number for m in self.rows} & set(id_numbers)) | (
            {m.development_number for m in self.rows} & set(development_numbers))

    async def by_name_and_mobile(self, name: str, mobile: str) -> list[Member]:
        return [m for m in self.rows if m.name == name and m.mobile == mobile]

    async def branches_below(self, path: str, names: Any = None, limit: int = 5000) -> list[Organization]:
        return [o for o in sorted(self.rows, key=lambda o: o.path) if o.path.startswith(path)
                and o.category in ("团支部", "毕业生团组织") and (names is None or o.full_name in names)][:limit]

    async def by_id_numbers(self, id_numbers: Any) -> list[Member]:
        return [m for m in self.rows if m.id_number in set(id_numbers)]

    async def school_code_below(self, path: str) -> bool:
        return any(o.path.startswith(path) and o.path != path and o.school_code for o in self.rows)

    async def count_posted_only_in(self, org_id: int) -> int:
        def nowhere_else(m: Member) -> bool:
            gone = m.branch_id is None or (m.branch_id == org_id and m.status != "ACTIVE")
            return gone and not any(p.member_id == m.id and p.org_id != org_id for p in self.positions)
        held = {p.member_id for p in self.positions if p.org_id == org_id}
        return sum(1 for m in self.rows if m.id in held and nowhere_else(m))

    async def delete(self, obj: Any) -> None:
        """Members take their posts with them (the tables cascade); orgs go alone."""
        self.rows.remove(obj)
        if hasattr(self, "positions"):
            self.positions[:] = [p for p in self.positions if p.member_id != obj.id]


class FakeAdminCodes(FakeRepo):
    """注册码 are found by their keyed hash (ACC-3)."""

    async def by_hash(self, code_hash: str, for_update: bool = False) -> AdminCode | None:
        return self.find(code_hash=code_hash)

    async def live_for(self, org_id: int) -> list[AdminCode]:
        return [c for c in self.rows if c.org_id == org_id and c.is_live]


class FakeResetCodes(FakeRepo):
    """Password reset codes are found by their keyed hash (ACC-5)."""

    async def by_hash(self, code_hash: str, for_update: bool = False) -> PasswordResetCode | None:
        return self.find(code_hash=code_hash)

    async def live_for(self, account_id: int) -> list[PasswordResetCode]:
        return [c for c in self.rows if c.account_id == account_id and c.used_at is None]


class FakeSegments(FakeRepo):
    """号段 (NUM-2); the year's lock is nothing here (nothing runs concurrently)."""

    async def lock_year(self, year: int) -> None:
        return None

    async def overlapping(self, start: str, end: str) -> list[Any]:
        return [s for s in self.rows if s.year == int(start[:4]) and s.start <= end and s.end >= start]

    async def any_below(self, year: int, path: str) -> bool:
        return any(s.year == year and o.id == s.org_id and o.path.startswith(path)
                   for s in self.rows for o in self.orgs.rows)


class FakeReleases(FakeRepo):
    async def pending_for(self, number: str) -> Any:
        return self.find(number=number, status="PENDING")


class FakeArchives(FakeRepo):
    async def lock_for(self, member_id: int) -> Any:
        return self.find(member_id=member_id)

    async def of_member(self, member_id: int) -> Any:
        return self.find(member_id=member_id)


class FakeTransfers(FakeRepo):
    """TRF-1: what membership asks of transfers (MEM-15), and the steps."""

    async def running_for(self, member_id: int) -> Any:
        return next((t for t in self.rows if t.member_id == member_id and t.running), None)

    def add_step(self, step: Any) -> None:
        self.steps.append(step)

    async def steps_of(self, transfer_id: int) -> list[Any]:
        return [s for s in self.steps if s.transfer_id == transfer_id]

    async def took_part(self, transfer_id: int, member_id: int) -> bool:
        return any(s.transfer_id == transfer_id and s.actor_id == member_id for s in self.steps)


class FakeTokens(FakeRepo):
    def __init__(self, ids: itertools.count, uow: FakeUnitOfWork):
        super().__init__(ids)
        self._uow = uow

    async def holder(self, token_hash: str) -> TokenHolder | None:
        token = self.find(token_hash=token_hash)
        account = await self._uow.accounts.get(token.account_id) if token else None
        member = await self._uow.members.get(account.member_id) if account else None
        if token is None or account is None or member is None:
            return None
        return TokenHolder(token, account, member, tuple(await self._uow.admins.orgs_of(member.id)))


class FakeSender:
    """The CodeSender port in memory: what would have been texted, to whom."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


class FakeUnitOfWork:
    def __init__(self) -> None:
        ids = itertools.count(1)
        self.accounts = FakeRepo(ids)
        self.tokens = FakeTokens(ids, self)
        self.throttles = FakeRepo(ids, key="key")
        self.organizations = FakeRepo(ids)
        self.members = FakeRepo(ids)
        self.members.positions = []  # type: ignore[attr-defined]
        self.admins = FakeRepo(ids, key="org_id")
        self.admins.orgs = self.organizations  # type: ignore[attr-defined]
        self.audit = FakeRepo(ids)
        self.admin_codes = FakeAdminCodes(ids)
        self.reset_codes = FakeResetCodes(ids)
        self.segments = FakeSegments(ids)
        self.segments.orgs = self.organizations  # type: ignore[attr-defined]
        self.releases = FakeReleases(ids)
        self.archives = FakeArchives(ids)
        self.transfers = FakeTransfers(ids)
        self.transfers.steps = []  # type: ignore[attr-defined]
        self.messages = FakeRepo(ids)
        self.commits = 0

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def flush(self) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        return None


def fake_org(uow: FakeUnitOfWork, parent: Organization, name: str, category: str = "团的领导机关") -> Organization:
    """An org under parent, with its materialized path (ORG-1)."""
    org = Organization(short_name=name, full_name=f"共青团{name}", category=category, parent_id=parent.id,
                       depth=parent.depth + 1, sort_order=len(uow.organizations.rows), industry="党政机关")
    uow.organizations.add(org)
    org.path = child_path(parent.path, org.id)
    return org


def fake_person(uow: FakeUnitOfWork, name: str, sequence: int, *, branch: Organization | None = None,
                post_in: Organization | None = None, admin_of: Organization | None = None, position: str = "委员",
                must_change: bool = False, born: date = date(1996, 3, 4)) -> Member:
    """A person with an account (password "Jiumima2020"), a post in post_in and admin_of, an admin of admin_of."""
    number = make_id_number("110105", born, sequence)
    member = Member(name=name, id_number=number, gender="男", birth_date=born, branch_id=branch.id if branch else None,
                    is_cadre=post_in is not None or admin_of is not None)
    uow.members.add(member)
    uow.accounts.add(Account(member_id=member.id, id_number=number, password_hash="plain$Jiumima2020",
                             must_change_password=must_change, created_at=datetime(2026, 1, 1, tzinfo=UTC)))
    for org in {o.id: o for o in (post_in, admin_of) if o is not None}.values():
        uow.members.add_position(CadrePosition(member_id=member.id, org_id=org.id, position=position))
    if admin_of is not None:
        uow.admins.add(OrgAdmin(org_id=admin_of.id, member_id=member.id, granted_at=datetime(2026, 1, 1, tzinfo=UTC)))
    return member


async def fake_viewer(uow: FakeUnitOfWork, member: Member) -> Viewer:
    """The viewer a login of this person would give."""
    account = uow.accounts.find(member_id=member.id)
    return Viewer(account, member, tuple(await uow.admins.orgs_of(member.id)))


__all__ = ["Account", "AuditEntry", "AuthToken", "FakeHasher", "FakeSender", "FakeUnitOfWork", "Member", "OrgAdmin",
           "fake_org", "fake_person", "fake_viewer"]
