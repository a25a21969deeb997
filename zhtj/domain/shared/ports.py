"""What the domain needs from the outside world, as protocols the infrastructure implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from zhtj.domain.identity.model import (
    Account,
    AdminCode,
    AuditEntry,
    AuthToken,
    LoginThrottle,
    OrgAdmin,
    PasswordResetCode,
)
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.numbering.model import Archive, NumberRelease, Segment
from zhtj.domain.organization.model import Organization, OrgMigration
from zhtj.domain.transfers.model import Transfer, TransferStep


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    def initial_hash(self, password: str) -> str:
        """ACC-1: an initial password (derived from the ID number); fast to make, as slow as hash to check."""
    async def verify(self, password_hash: str, password: str) -> bool: ...
    async def spend_like_verify(self, password: str) -> None:
        """Takes as long as a real check, for an ID number without an account."""


class NameIdVerifier(Protocol):
    """实名校验 (MEM-13): an outside (government) service that says whether a name and an ID number belong
    together. True or False is its answer; None means it could not answer (down, slow). `configured` is
    False for the stand-in used until a real service is connected: then nothing is asked at all."""

    configured: bool

    async def check(self, name: str, id_number: str) -> bool | None: ...


class CodeSender(Protocol):
    """Sends a short text to a mobile number (ACC-1: the one-time code of a first password change). This
    deployment writes it to the outbox table (infrastructure/messages.py); an SMS gateway plugs in there."""

    async def send(self, mobile: str, text: str) -> None: ...


class FileStore(Protocol):
    """Files kept by stored name (`verification/ab12.jpg`); a write replaces the whole file at once."""

    async def write(self, name: str, content: bytes) -> None: ...
    async def read(self, name: str) -> bytes | None: ...
    async def remove(self, name: str) -> None: ...


class PdfChecker(Protocol):
    """Reads a PDF where a hostile file cannot hurt the server: OK, NOT_PDF, ENCRYPTED, NO_PAGES or UNREADABLE."""

    async def check(self, content: bytes) -> str: ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...
    async def get(self, account_id: int) -> Account | None: ...
    async def lock(self, account_id: int) -> Account | None:
        """The account, read afresh and locked until commit."""
    async def by_id_number(self, id_number: str) -> Account | None: ...


@dataclass(frozen=True)
class TokenHolder:
    """A bearer token and who holds it: what authentication reads, in one statement."""

    token: AuthToken
    account: Account
    member: Member
    admin_of: tuple[Organization, ...]


class TokenRepository(Protocol):
    async def holder(self, token_hash: str) -> TokenHolder | None:
        """The token with its account, person and administered orgs (in path order), in one read."""
        ...

    def add(self, token: AuthToken) -> None: ...
    async def by_hash(self, token_hash: str) -> AuthToken | None: ...
    async def revoke_all(self, account_id: int, at: datetime, keep: str | None = None) -> None: ...


class ThrottleRepository(Protocol):
    def add(self, throttle: LoginThrottle) -> None: ...
    async def get(self, key: str) -> LoginThrottle | None: ...
    async def lock(self, key: str) -> LoginThrottle:
        """The row for key, created if missing, freshly read and locked until commit."""


class OrganizationRepository(Protocol):
    def add(self, org: Organization) -> None: ...
    async def get(self, org_id: int) -> Organization | None: ...
    async def get_many(self, org_ids: Sequence[int]) -> list[Organization]: ...
    async def lock(self, org_id: int) -> Organization | None:
        """The org, read afresh and locked until commit (SELECT … FOR UPDATE)."""
    async def count(self) -> int: ...
    async def root(self) -> Organization | None: ...
    async def children(self, parent_id: int) -> list[Organization]:
        """Direct children in sibling order."""
    async def has_children(self, org_id: int) -> bool: ...
    async def full_name_taken(self, parent_id: int, full_name: str, except_id: int | None = None) -> bool: ...
    async def next_sort_order(self, parent_id: int) -> int: ...
    async def neighbour(self, org: Organization, upward: bool) -> Organization | None:
        """The sibling just before (upward) or just after the org."""
    async def pending_branch(self, parent_id: int) -> Organization | None:
        """The 待接转团支部 under a parent, if there is one (ORG-7)."""
    async def branches_below(self, path: str, names: Sequence[str] | None = None,
                             limit: int = 5000) -> list[Organization]:
        """Branches that take members at or under the path, by full name when given (X-4)."""
    async def school_code_below(self, path: str) -> bool:
        """Whether an org under the one at `path` (itself left out) has a school code (ORG-5)."""
    async def move_subtree(self, org: Organization, new_parent: Organization) -> None:
        """One statement: the org gets the new parent; it and everything under it new paths and depths."""
    async def delete(self, org: Organization) -> None: ...
    async def graduating_branches(self, year: int, industries: Sequence[str]) -> list[Organization]:
        """ORG-11: school 团支部 whose graduation date is in the year, locked until commit."""


class MemberRepository(Protocol):
    def add(self, member: Member) -> None: ...
    async def get(self, member_id: int) -> Member | None: ...
    async def by_id_number(self, id_number: str) -> Member | None: ...
    async def count(self) -> int: ...
    async def count_in_branch(self, branch_id: int) -> int: ...
    async def move_branch(self, from_branch_id: int, to_branch_id: int) -> int:
        """Moves every member of one branch into another; answers how many moved."""
    def add_position(self, position: CadrePosition) -> None: ...
    async def position(self, member_id: int, org_id: int) -> CadrePosition | None: ...
    async def positions_in(self, org_id: int) -> list[CadrePosition]: ...
    async def positions_of(self, member_id: int) -> list[CadrePosition]: ...
    async def by_development_number(self, number: str) -> Member | None: ...
    async def by_name_and_mobile(self, name: str, mobile: str) -> list[Member]:
        """People with this name and mobile, at most 50 (NUM-7's batch upload)."""
    async def by_id_numbers(self, id_numbers: Sequence[str]) -> list[Member]: ...
    async def taken_numbers(self, id_numbers: list[str], development_numbers: list[str]) -> set[str]:
        """Which of these ID numbers and development numbers someone holds (MEM-4, NUM-4)."""
    async def in_subtree(self, path: str, limit: int) -> list[tuple[Member, str]]:
        """Members of the branches at or under the path, with the branch's full name (X-4 exports)."""
    async def delete(self, member: Member) -> None: ...
    async def delete_positions_in(self, org_id: int) -> None: ...
    async def count_posted_only_in(self, org_id: int) -> int:
        """People with a post in the org (无职务 included), no post in any other org and no branch once the org is
        gone (none, or a self-report to it): deleting the org would leave them nowhere (ORG-7)."""
    async def lock(self, member_id: int) -> Member | None:
        """The member, read afresh and locked until commit (SELECT … FOR UPDATE)."""
    async def reports_in(self, branch_id: int) -> list[Member]:
        """People of a branch who are not yet members: self-reports in any state (MEM-14)."""
    async def flag_graduates(self, branch_ids: Sequence[int]) -> int:
        """ORG-11: members of the branches become graduates, except those ticked 延期毕业; how many changed."""
    async def flag_aged_out(self, born_by: date, day: date) -> int:
        """MEM-6: members born by `born_by` without a post and not yet flagged get `day`; how many changed."""
    async def unfinished_checks(self, limit: int, after_id: int | None) -> list[Member]:
        """Name/ID checks still being retried (校验中, 校验不通过 with a start time), by id (MEM-13)."""


class AdminRepository(Protocol):
    def add(self, grant: OrgAdmin) -> None: ...
    async def orgs_of(self, member_id: int) -> Sequence[Organization]: ...
    async def of_org(self, org_id: int) -> list[OrgAdmin]: ...
    async def remove(self, grant: OrgAdmin) -> None: ...
    async def is_admin_anywhere(self, member_id: int) -> bool: ...


class AdminCodeRepository(Protocol):
    def add(self, code: AdminCode) -> None: ...
    async def by_hash(self, code_hash: str, for_update: bool = False) -> AdminCode | None: ...
    async def live_for(self, org_id: int) -> list[AdminCode]: ...


class PasswordResetCodeRepository(Protocol):
    def add(self, code: PasswordResetCode) -> None: ...
    async def by_hash(self, code_hash: str, for_update: bool = False) -> PasswordResetCode | None: ...
    async def live_for(self, account_id: int) -> list[PasswordResetCode]:
        """The account's unused codes (expired ones included: the caller knows the time)."""


class MigrationRepository(Protocol):
    def add(self, migration: OrgMigration) -> None: ...
    async def get(self, migration_id: int) -> OrgMigration | None: ...
    async def open_for(self, org_id: int) -> OrgMigration | None: ...


class SegmentRepository(Protocol):
    def add(self, segment: Segment) -> None: ...
    async def get(self, segment_id: int) -> Segment | None: ...
    async def lock_year(self, year: int) -> None:
        """Until commit, no other writer allocates segments of this year (NUM-2: never overlapping)."""
    async def overlapping(self, start: str, end: str) -> list[Segment]:
        """Segments sharing a number with start..end (12-digit numbers)."""
    async def any_below(self, year: int, path: str) -> bool:
        """Whether an org at or under `path` owns a segment of the year (NUM-F6)."""


class ReleaseRepository(Protocol):
    def add(self, release: NumberRelease) -> None: ...
    async def get(self, release_id: int) -> NumberRelease | None: ...
    async def lock(self, release_id: int) -> NumberRelease | None: ...
    async def pending_for(self, number: str) -> NumberRelease | None: ...


class ArchiveRepository(Protocol):
    def add(self, archive: Archive) -> None: ...
    async def of_member(self, member_id: int) -> Archive | None: ...
    async def lock_for(self, member_id: int) -> Archive | None:
        """The member's e-archive, read afresh and locked until commit."""


class TransferRepository(Protocol):
    def add(self, transfer: Transfer) -> None: ...
    async def get(self, transfer_id: int) -> Transfer | None: ...
    async def lock(self, transfer_id: int) -> Transfer | None:
        """The transfer, read afresh and locked until commit."""
    async def running_for(self, member_id: int) -> Transfer | None: ...
    def add_step(self, step: TransferStep) -> None: ...
    async def steps_of(self, transfer_id: int) -> list[TransferStep]: ...
    async def took_part(self, transfer_id: int, member_id: int) -> bool:
        """Whether the person took a step of the transfer (TRF-10: admins see the approvals they took part in)."""
    async def of_member(self, member_id: int) -> list[Transfer]: ...
    async def overdue_ids(self, cutoff: datetime, limit: int) -> list[int]:
        """Running transfers whose current step began before cutoff (TRF-5)."""


class JobRunRepository(Protocol):
    async def claim(self, name: str, period: str, at: datetime, detail: str = "") -> bool:
        """Records that the job ran for the period; False if it already had (then it must do nothing)."""


class MessageRepository(Protocol):
    """System messages (X-2) and who read them."""

    def add(self, message: SystemMessage) -> None: ...
    async def get(self, message_id: int) -> SystemMessage | None: ...
    async def mark_read(self, message_ids: Sequence[int], member_id: int, at: datetime) -> int:
        """Records that the person read these messages (those already read stay as they were); how many became
        read."""
    async def mark_all_read(self, member_id: int, org_ids: Sequence[int], at: datetime) -> int:
        """Every message to the person or to these orgs that they have not read, read now; how many."""
    async def to_graduates_of(self, branch_ids: Sequence[int], message: SystemMessage) -> int:
        """One copy of `message` to each member flagged graduate in these branches, with their own name and their
        Member as the item (ORG-11); how many."""


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: `async with uow: ...; await uow.commit()`; leaving without commit rolls back."""

    accounts: AccountRepository
    tokens: TokenRepository
    throttles: ThrottleRepository
    organizations: OrganizationRepository
    members: MemberRepository
    admins: AdminRepository
    admin_codes: AdminCodeRepository
    reset_codes: PasswordResetCodeRepository
    migrations: MigrationRepository
    segments: SegmentRepository
    releases: ReleaseRepository
    archives: ArchiveRepository
    transfers: TransferRepository
    job_runs: JobRunRepository
    messages: MessageRepository
    audit: AuditLog

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def flush(self) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
