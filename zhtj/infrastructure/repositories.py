"""SQLAlchemy repositories behind the domain's ports (domain/shared/ports.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import case, delete, exists, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from zhtj.domain.identity.model import Account, AdminCode, AuthToken, LoginThrottle, OrgAdmin, PasswordResetCode
from zhtj.domain.membership import verification
from zhtj.domain.membership.model import ACTIVE, CadrePosition, Member
from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.numbering.model import RELEASE_PENDING, Archive, NumberRelease, Segment
from zhtj.domain.organization.model import Organization, OrgMigration, subtree_bounds
from zhtj.domain.shared import values
from zhtj.domain.shared.ports import TokenHolder
from zhtj.domain.transfers.model import RUNNING, Transfer, TransferStep
from zhtj.infrastructure import province_keys, search_index
from zhtj.infrastructure.tables.schema import (
    accounts,
    admin_codes,
    auth_tokens,
    cadre_positions,
    job_runs,
    login_throttles,
    member_archives,
    members,
    message_reads,
    number_releases,
    number_segments,
    org_admins,
    org_migrations,
    organizations,
    password_reset_codes,
    system_messages,
    transfer_steps,
    transfers,
)
from zhtj.infrastructure.tables.types import UtcDateTime

orgs = organizations.c


class _Repository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, obj: object) -> None:
        self.session.add(obj)


class SqlAccounts(_Repository):
    async def get(self, account_id: int) -> Account | None:
        return await self.session.get(Account, account_id)

    async def lock(self, account_id: int) -> Account | None:
        return await self.session.get(Account, account_id, with_for_update=True, populate_existing=True)

    async def by_id_number(self, id_number: str) -> Account | None:
        return await self.session.scalar(select(Account).filter_by(id_number=id_number))


class SqlTokens(_Repository):
    async def holder(self, token_hash: str) -> TokenHolder | None:
        """One statement: the token, its account and person, and each org the person administers (a row each)."""
        stmt = (
            select(AuthToken, Account, Member, Organization)
            .join(Account, accounts.c.id == auth_tokens.c.account_id)
            .join(Member, members.c.id == accounts.c.member_id)
            .outerjoin(org_admins, org_admins.c.member_id == members.c.id)
            .outerjoin(Organization, orgs.id == org_admins.c.org_id)
            .where(auth_tokens.c.token_hash == token_hash)
            .order_by(orgs.path)
        )
        rows = (await self.session.execute(stmt)).all()
        if not rows:
            return None
        token, account, member, _ = rows[0]
        return TokenHolder(token, account, member, tuple(r[3] for r in rows if r[3] is not None))

    async def by_hash(self, token_hash: str) -> AuthToken | None:
        return await self.session.scalar(select(AuthToken).filter_by(token_hash=token_hash))

    async def revoke_all(self, account_id: int, at: datetime, keep: str | None = None) -> None:
        stmt = (
            update(auth_tokens)
            .where(auth_tokens.c.account_id == account_id, auth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        if keep is not None:
            stmt = stmt.where(auth_tokens.c.token_hash != keep)
        await self.session.execute(stmt, execution_options={"synchronize_session": False})


class SqlThrottles(_Repository):
    async def get(self, key: str) -> LoginThrottle | None:
        return await self.session.get(LoginThrottle, key)

    async def lock(self, key: str) -> LoginThrottle:
        bind = self.session.bind
        insert = postgresql_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(login_throttles).values(key=key, failures=0).on_conflict_do_nothing(index_elements=["key"])
        )
        found = await self.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert found is not None
        return found


class SqlOrganizations(_Repository):
    async def get(self, org_id: int) -> Organization | None:
        return await self.session.get(Organization, org_id)

    async def lock(self, org_id: int) -> Organization | None:
        return await self.session.get(Organization, org_id, with_for_update=True, populate_existing=True)

    async def get_many(self, org_ids: Sequence[int]) -> list[Organization]:
        found = {o.id: o for o in await self.session.scalars(select(Organization).where(orgs.id.in_(org_ids)))}
        return [found[i] for i in org_ids if i in found]

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(organizations)) or 0

    async def root(self) -> Organization | None:
        return await self.session.scalar(select(Organization).where(orgs.parent_id.is_(None)))

    async def children(self, parent_id: int) -> list[Organization]:
        stmt = select(Organization).where(orgs.parent_id == parent_id).order_by(orgs.sort_order, orgs.id)
        return list(await self.session.scalars(stmt))

    async def has_children(self, org_id: int) -> bool:
        return bool(await self.session.scalar(select(exists().where(orgs.parent_id == org_id))))

    async def full_name_taken(self, parent_id: int, full_name: str, except_id: int | None = None) -> bool:
        cond = [orgs.parent_id == parent_id, orgs.full_name == full_name]
        if except_id is not None:
            cond.append(orgs.id != except_id)
        return bool(await self.session.scalar(select(exists().where(*cond))))

    async def next_sort_order(self, parent_id: int) -> int:
        top = await self.session.scalar(select(func.max(orgs.sort_order)).where(orgs.parent_id == parent_id))
        return 0 if top is None else top + 1

    async def neighbour(self, org: Organization, upward: bool) -> Organization | None:
        key = (org.sort_order, org.id)
        stmt = select(Organization).where(orgs.parent_id == org.parent_id)
        if upward:
            stmt = stmt.where(
                (orgs.sort_order < key[0]) | ((orgs.sort_order == key[0]) & (orgs.id < key[1]))
            ).order_by(orgs.sort_order.desc(), orgs.id.desc())
        else:
            stmt = stmt.where(
                (orgs.sort_order > key[0]) | ((orgs.sort_order == key[0]) & (orgs.id > key[1]))
            ).order_by(orgs.sort_order, orgs.id)
        return await self.session.scalar(stmt.limit(1))

    async def pending_branch(self, parent_id: int) -> Organization | None:
        return await self.session.scalar(
            select(Organization).where(orgs.parent_id == parent_id, orgs.category == values.PENDING_TRANSFER_BRANCH)
        )

    async def branches_below(self, path: str, names: Sequence[str] | None = None,
                             limit: int = 5000) -> list[Organization]:
        """Branches that take members (团支部, 毕业生团组织) at or under the path, by full name when given."""
        _, high = subtree_bounds(path)
        stmt = select(Organization).where(orgs.path >= path, orgs.path < high,
                                          orgs.category.in_((values.BRANCH, values.GRADUATE_ORG)))
        if names is not None:
            stmt = stmt.where(orgs.full_name.in_(sorted(set(names))))
        return list(await self.session.scalars(stmt.order_by(orgs.path).limit(limit)))

    async def school_code_below(self, path: str) -> bool:
        low, high = subtree_bounds(path)
        cond = (orgs.path > low, orgs.path < high, orgs.school_code.is_not(None))
        return bool(await self.session.scalar(select(exists().where(*cond))))

    async def move_subtree(self, org: Organization, new_parent: Organization) -> None:
        assert org.id is not None and new_parent.id is not None
        old_path = org.path
        new_path = f"{new_parent.path}{old_path.rstrip('/').rsplit('/', 1)[-1]}/"
        low, high = subtree_bounds(old_path)
        delta = new_parent.depth + 1 - org.depth
        await self.session.flush()
        await self.session.execute(
            update(organizations)
            .where(orgs.path >= low, orgs.path < high)
            .values(
                path=literal(new_path) + func.substr(orgs.path, len(old_path) + 1),
                depth=orgs.depth + delta,
                parent_id=case((orgs.id == org.id, new_parent.id), else_=orgs.parent_id),
            ),
            execution_options={"synchronize_session": False},
        )
        await self.session.run_sync(lambda s: search_index.move_paths(s.connection(), old_path, new_path))
        await self.session.run_sync(lambda s: province_keys.subtree_moved(s.connection(), old_path, new_path))
        await self.session.run_sync(province_keys.expire)
        # Objects already loaded in this session are read again, so none keeps a stale path.
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, Organization) and obj.path.startswith(old_path):
                await self.session.refresh(obj)

    async def delete(self, org: Organization) -> None:
        await self.session.delete(org)
        await self.session.flush()

    async def graduating_branches(self, year: int, industries: Sequence[str]) -> list[Organization]:
        """ORG-11: 团支部 of a school industry whose graduation date falls in the year, locked until commit."""
        stmt = select(Organization).where(
            orgs.category == values.BRANCH, orgs.industry.in_(industries),
            orgs.graduation_date >= date(year, 1, 1), orgs.graduation_date <= date(year, 12, 31))
        return list(await self.session.scalars(stmt.order_by(orgs.id).with_for_update()))


class SqlMembers(_Repository):
    async def get(self, member_id: int) -> Member | None:
        return await self.session.get(Member, member_id)

    async def by_id_number(self, id_number: str) -> Member | None:
        return await self.session.scalar(select(Member).filter_by(id_number=id_number))

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(members)) or 0

    async def count_in_branch(self, branch_id: int) -> int:
        """Members only: a self-report not yet approved is no member (MEM-14)."""
        stmt = select(func.count()).select_from(members).where(members.c.branch_id == branch_id,
                                                               members.c.status == ACTIVE)
        return await self.session.scalar(stmt) or 0

    async def move_branch(self, from_branch_id: int, to_branch_id: int) -> int:
        await self.session.flush()
        moved = await self.session.run_sync(lambda s: search_index.member_ids_where(
            s.connection(), members.c.branch_id == from_branch_id, members.c.status == ACTIVE))
        result = await self.session.execute(
            update(members).where(members.c.branch_id == from_branch_id, members.c.status == ACTIVE)
            .values(branch_id=to_branch_id),
            execution_options={"synchronize_session": "fetch"},
        )
        both = [from_branch_id, to_branch_id]
        await self.session.run_sync(lambda s: search_index.after_bulk(s.connection(), moved, both))
        await self.session.run_sync(lambda s: province_keys.members_moved(s.connection(), moved, to_branch_id))
        await self.session.run_sync(province_keys.expire)
        return result.rowcount  # type: ignore[attr-defined,no-any-return]

    async def lock(self, member_id: int) -> Member | None:
        return await self.session.get(Member, member_id, with_for_update=True, populate_existing=True)

    async def reports_in(self, branch_id: int) -> list[Member]:
        stmt = select(Member).where(members.c.branch_id == branch_id, members.c.status != ACTIVE)
        return list(await self.session.scalars(stmt.order_by(members.c.id)))

    async def unfinished_checks(self, limit: int, after_id: int | None) -> list[Member]:
        cond = [members.c.verification.in_(verification.RETRIED_STATES), members.c.verification_started_at.is_not(None)]
        if after_id is not None:
            cond.append(members.c.id > after_id)
        return list(await self.session.scalars(select(Member).where(*cond).order_by(members.c.id).limit(limit)))

    async def flag_graduates(self, branch_ids: Sequence[int]) -> int:
        """ORG-11: members of these branches become graduates, except those ticked 延期毕业."""
        if not branch_ids:
            return 0
        m = members.c
        result = await self.session.execute(
            update(members).where(m.branch_id.in_(branch_ids), m.status == ACTIVE, m.graduate.is_(False),
                                  m.delayed_graduation.is_(False)).values(graduate=True),
            execution_options={"synchronize_session": False})
        return result.rowcount  # type: ignore[attr-defined,no-any-return]

    async def flag_aged_out(self, born_by: date, day: date) -> int:
        """MEM-6: members born on or before `born_by` without a league post (the cadre flag or a post that is not
        无职务), not yet flagged, get `day`."""
        m, p = members.c, cadre_positions.c
        post = select(p.id).where(p.member_id == m.id, p.position != values.NO_POSITION).exists()
        result = await self.session.execute(
            update(members).where(m.aged_out_on.is_(None), m.is_cadre.is_(False), ~post, m.status == ACTIVE,
                                  m.birth_date <= born_by).values(aged_out_on=day),
            execution_options={"synchronize_session": False})
        return result.rowcount  # type: ignore[attr-defined,no-any-return]

    def add_position(self, position: CadrePosition) -> None:
        self.session.add(position)

    async def position(self, member_id: int, org_id: int) -> CadrePosition | None:
        return await self.session.scalar(select(CadrePosition).filter_by(member_id=member_id, org_id=org_id))

    async def positions_in(self, org_id: int) -> list[CadrePosition]:
        stmt = select(CadrePosition).where(cadre_positions.c.org_id == org_id).order_by(cadre_positions.c.id)
        return list(await self.session.scalars(stmt))

    async def positions_of(self, member_id: int) -> list[CadrePosition]:
        stmt = select(CadrePosition).where(cadre_positions.c.member_id == member_id).order_by(cadre_positions.c.id)
        return list(await self.session.scalars(stmt))

    async def by_development_number(self, number: str) -> Member | None:
        return await self.session.scalar(select(Member).where(members.c.development_number == number))

    async def in_subtree(self, path: str, limit: int) -> list[tuple[Member, str]]:
        """Members (ACTIVE) of the branches at or under the path, with the branch's full name, in tree order."""
        _, high = subtree_bounds(path)
        stmt = (select(Member, orgs.full_name).join(organizations, orgs.id == members.c.branch_id)
                .where(orgs.path >= path, orgs.path < high, members.c.status == "ACTIVE")
                .order_by(orgs.path, members.c.id).limit(limit))
        return [(member, name) for member, name in (await self.session.execute(stmt)).all()]

    async def by_id_numbers(self, id_numbers: Sequence[str]) -> list[Member]:
        wanted = sorted(set(id_numbers))
        found: list[Member] = []
        for start in range(0, len(wanted), 500):
            stmt = select(Member).where(members.c.id_number.in_(wanted[start:start + 500]))
            found += await self.session.scalars(stmt)
        return found

    async def taken_numbers(self, id_numbers: list[str], development_numbers: list[str]) -> set[str]:
        """Which of these ID numbers (MEM-4) and development numbers (NUM-4) someone holds, in a statement a
        500 of each."""
        found: set[str] = set()
        for column, wanted in ((members.c.id_number, id_numbers), (members.c.development_number, development_numbers)):
            wanted = sorted({w for w in wanted if w})
            for start in range(0, len(wanted), 500):
                found.update(await self.session.scalars(select(column).where(column.in_(wanted[start:start + 500]))))
        return found

    async def by_name_and_mobile(self, name: str, mobile: str) -> list[Member]:
        stmt = select(Member).where(members.c.name == name, members.c.mobile == mobile).order_by(members.c.id)
        return list(await self.session.scalars(stmt.limit(50)))

    async def delete(self, member: Member) -> None:
        await self.session.delete(member)
        await self.session.flush()

    async def count_posted_only_in(self, org_id: int) -> int:
        await self.session.flush()
        posts, other = cadre_positions.c, cadre_positions.alias().c
        elsewhere = select(other.id).where(other.member_id == members.c.id, other.org_id != org_id)
        branch = members.c.branch_id
        no_branch_after = branch.is_(None) | ((branch == org_id) & (members.c.status != ACTIVE))
        stmt = (select(func.count()).select_from(members).join(cadre_positions, posts.member_id == members.c.id)
                .where(posts.org_id == org_id, no_branch_after, ~elsewhere.exists()))
        return await self.session.scalar(stmt) or 0

    async def delete_positions_in(self, org_id: int) -> None:
        await self.session.flush()
        posted = await self.session.run_sync(lambda s: search_index.posted_member_ids(s.connection(), org_id))
        await self.session.execute(delete(cadre_positions).where(cadre_positions.c.org_id == org_id),
                                   execution_options={"synchronize_session": "fetch"})
        await self.session.run_sync(lambda s: search_index.after_bulk(s.connection(), posted, [org_id]))


class SqlAdmins(_Repository):
    async def orgs_of(self, member_id: int) -> Sequence[Organization]:
        stmt = (
            select(Organization)
            .join(org_admins, org_admins.c.org_id == orgs.id)
            .where(org_admins.c.member_id == member_id)
            .order_by(orgs.path)
        )
        return (await self.session.scalars(stmt)).all()

    async def of_org(self, org_id: int) -> list[OrgAdmin]:
        stmt = select(OrgAdmin).where(org_admins.c.org_id == org_id).order_by(org_admins.c.granted_at)
        return list(await self.session.scalars(stmt))

    async def remove(self, grant: OrgAdmin) -> None:
        await self.session.delete(grant)

    async def is_admin_anywhere(self, member_id: int) -> bool:
        return bool(await self.session.scalar(select(exists().where(org_admins.c.member_id == member_id))))


class SqlAdminCodes(_Repository):
    async def by_hash(self, code_hash: str, for_update: bool = False) -> AdminCode | None:
        stmt = select(AdminCode).where(admin_codes.c.code_hash == code_hash)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(stmt)

    async def live_for(self, org_id: int) -> list[AdminCode]:
        stmt = select(AdminCode).where(
            admin_codes.c.org_id == org_id, admin_codes.c.used_at.is_(None), admin_codes.c.revoked_at.is_(None)
        )
        return list(await self.session.scalars(stmt))


class SqlResetCodes(_Repository):
    async def by_hash(self, code_hash: str, for_update: bool = False) -> PasswordResetCode | None:
        stmt = select(PasswordResetCode).where(password_reset_codes.c.code_hash == code_hash)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(stmt)

    async def live_for(self, account_id: int) -> list[PasswordResetCode]:
        stmt = select(PasswordResetCode).where(
            password_reset_codes.c.account_id == account_id, password_reset_codes.c.used_at.is_(None))
        return list(await self.session.scalars(stmt))


class SqlMigrations(_Repository):
    async def get(self, migration_id: int) -> OrgMigration | None:
        return await self.session.get(OrgMigration, migration_id)

    async def open_for(self, org_id: int) -> OrgMigration | None:
        stmt = select(OrgMigration).where(
            org_migrations.c.org_id == org_id,
            org_migrations.c.status.in_(("AWAITING_OLD_PARENT", "AWAITING_NEW_PARENT")),
        )
        return await self.session.scalar(stmt)


class SqlSegments(_Repository):
    async def get(self, segment_id: int) -> Segment | None:
        return await self.session.get(Segment, segment_id)

    async def lock_year(self, year: int) -> None:
        """PostgreSQL: a transaction-scoped advisory lock on the year. SQLite: BEGIN IMMEDIATE already lets
        one writer in at a time."""
        bind = self.session.bind
        if bind is not None and bind.dialect.name == "postgresql":
            await self.session.execute(select(func.pg_advisory_xact_lock(SEGMENT_LOCK_BASE + year)))

    async def overlapping(self, start: str, end: str) -> list[Segment]:
        s = number_segments.c
        stmt = select(Segment).where(s.year == int(start[:4]), s.start_number <= end, s.end_number >= start)
        return list(await self.session.scalars(stmt.order_by(s.start_number, s.id)))

    async def any_below(self, year: int, path: str) -> bool:
        low, high = subtree_bounds(path)
        cond = (number_segments.c.year == year, orgs.path >= low, orgs.path < high)
        joined = number_segments.join(organizations, orgs.id == number_segments.c.org_id)
        return bool(await self.session.scalar(select(exists().select_from(joined).where(*cond))))


# pg_advisory_xact_lock keys of segment allocation: this base plus the year ("zhtj" in ASCII, shifted).
SEGMENT_LOCK_BASE = 0x7A68746A << 16


class SqlReleases(_Repository):
    async def get(self, release_id: int) -> NumberRelease | None:
        return await self.session.get(NumberRelease, release_id)

    async def lock(self, release_id: int) -> NumberRelease | None:
        return await self.session.get(NumberRelease, release_id, with_for_update=True, populate_existing=True)

    async def pending_for(self, number: str) -> NumberRelease | None:
        r = number_releases.c
        return await self.session.scalar(select(NumberRelease).where(r.number == number, r.status == RELEASE_PENDING))


class SqlArchives(_Repository):
    async def of_member(self, member_id: int) -> Archive | None:
        return await self.session.scalar(select(Archive).where(member_archives.c.member_id == member_id))

    async def lock_for(self, member_id: int) -> Archive | None:
        stmt = select(Archive).where(member_archives.c.member_id == member_id).with_for_update()
        return await self.session.scalar(stmt.execution_options(populate_existing=True))


class SqlAudit(_Repository):
    pass


class SqlTransfers(_Repository):
    async def get(self, transfer_id: int) -> Transfer | None:
        return await self.session.get(Transfer, transfer_id)

    async def lock(self, transfer_id: int) -> Transfer | None:
        return await self.session.get(Transfer, transfer_id, with_for_update=True, populate_existing=True)

    async def running_for(self, member_id: int) -> Transfer | None:
        t = transfers.c
        return await self.session.scalar(select(Transfer).where(t.member_id == member_id, t.status.in_(RUNNING)))

    def add_step(self, step: TransferStep) -> None:
        self.session.add(step)

    async def steps_of(self, transfer_id: int) -> list[TransferStep]:
        s = transfer_steps.c
        return list(await self.session.scalars(select(TransferStep).where(s.transfer_id == transfer_id)
                                               .order_by(s.at, s.id)))

    async def took_part(self, transfer_id: int, member_id: int) -> bool:
        s = transfer_steps.c
        return bool(await self.session.scalar(select(exists().where(s.transfer_id == transfer_id,
                                                                    s.actor_id == member_id))))

    async def of_member(self, member_id: int) -> list[Transfer]:
        t = transfers.c
        return list(await self.session.scalars(select(Transfer).where(t.member_id == member_id)
                                               .order_by(t.started_at, t.id)))

    async def overdue_ids(self, cutoff: datetime, limit: int) -> list[int]:
        t = transfers.c
        stmt = select(t.id).where(t.status.in_(RUNNING), t.step_started_at < cutoff).order_by(t.id).limit(limit)
        return list(await self.session.scalars(stmt))


class SqlJobRuns(_Repository):
    async def claim(self, name: str, period: str, at: datetime, detail: str = "") -> bool:
        """Inserts the (name, period) row unless it is there; True for the one caller that inserted it. Two
        processes at once: one inserts, the other waits for its commit and finds the row."""
        bind = self.session.bind
        insert = postgresql_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert
        result = await self.session.execute(
            insert(job_runs).values(name=name, period=period, ran_at=at, detail=detail)
            .on_conflict_do_nothing(index_elements=["name", "period"]))
        return bool(result.rowcount)  # type: ignore[attr-defined]


class SqlMessages(_Repository):
    """System messages (X-2); read state is a row per reader in message_reads, written once."""

    async def get(self, message_id: int) -> SystemMessage | None:
        return await self.session.get(SystemMessage, message_id)

    def _insert(self):  # type: ignore[no-untyped-def]
        bind = self.session.bind
        return postgresql_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert

    async def mark_read(self, message_ids: Sequence[int], member_id: int, at: datetime) -> int:
        if not message_ids:
            return 0
        result = await self.session.execute(
            self._insert()(message_reads).values([{"message_id": i, "member_id": member_id, "read_at": at}
                                                   for i in message_ids])
            .on_conflict_do_nothing(index_elements=["message_id", "member_id"]))
        return result.rowcount  # type: ignore[attr-defined,no-any-return]

    async def mark_all_read(self, member_id: int, org_ids: Sequence[int], at: datetime) -> int:
        s, r = system_messages.c, message_reads.c
        to_me = s.member_id == member_id
        unread = (select(s.id, literal(member_id), literal(at, UtcDateTime()))
                  .where(to_me | s.org_id.in_(org_ids) if org_ids else to_me,
                         ~exists().where(r.message_id == s.id, r.member_id == member_id)))
        result = await self.session.execute(
            self._insert()(message_reads).from_select(["message_id", "member_id", "read_at"], unread)
            .on_conflict_do_nothing(index_elements=["message_id", "member_id"]))
        return result.rowcount  # type: ignore[attr-defined,no-any-return]

    async def to_graduates_of(self, branch_ids: Sequence[int], message: SystemMessage) -> int:
        if not branch_ids:
            return 0
        m = members.c
        rows = select(literal(message.created_at, UtcDateTime()), literal(message.kind), m.id, m.name,
                      literal(message.title), literal(message.body), literal("Member"), m.id) \
            .where(m.branch_id.in_(branch_ids), m.status == ACTIVE, m.graduate.is_(True))
        result = await self.session.execute(
            system_messages.insert().from_select(
                ["created_at", "kind", "member_id", "name", "title", "body", "item_type", "item_id"], rows))
        return result.rowcount  # type: ignore[attr-defined,no-any-return]
