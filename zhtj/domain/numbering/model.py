"""Development numbers' segments, release requests and e-archives (NUM-2, NUM-4, NUM-6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# A release request's states (NUM-4)
RELEASE_PENDING = "PENDING"
RELEASE_APPROVED = "APPROVED"
RELEASE_REFUSED = "REFUSED"


@dataclass(eq=False)
class Segment:
    """号段 (NUM-2): the numbers start..end (12 digits each, one year) owned by one org, in one domain.
    A segment handed down inside a segment names it as its parent and stays inside its range."""

    org_id: int
    start: str
    end: str
    year: int
    domain: str  # 学校领域 or 社会领域
    school_level: str | None = None  # 初中, 高中, 中职, 高校 in the school domain
    parent_id: int | None = None
    allocated_by: int | None = None
    allocated_at: datetime | None = None
    id: int | None = field(default=None)

    @property
    def size(self) -> int:
        return int(self.end) - int(self.start) + 1

    def holds(self, number: str) -> bool:
        return len(number) == len(self.start) and self.start <= number <= self.end

    @property
    def label(self) -> str:
        """The domain as messages name it: 学校（高校） or 社会."""
        return f"学校（{self.school_level}）" if self.school_level else "社会"


@dataclass(eq=False)
class NumberRelease:
    """释放编号 (NUM-4): an admin asks that a number held by one member move to another; the admin of the
    segment's owner (or above, ACC-4) approves or refuses."""

    number: str
    member_id: int  # the member who is to get the number
    holder_id: int  # the member who held it when asked
    owner_org_id: int  # the org whose segment holds the number (decides)
    requested_by: int | None
    requested_at: datetime
    status: str = RELEASE_PENDING
    reason: str | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None
    refusal: str | None = None
    form_name: str | None = None  # the new member's application form (入团志愿书), stored as e-archives are
    form_sha256: str | None = None
    form_size: int | None = None
    id: int | None = field(default=None)


# An e-archive's review states (NUM-6)
ARCHIVE_PENDING = "PENDING_REVIEW"
ARCHIVE_APPROVED = "APPROVED"
ARCHIVE_REFUSED = "REFUSED"


@dataclass(eq=False)
class Archive:
    """电子档案 (NUM-6): one member's application form, one PDF, stored by its content's sha256. A replacement
    of an approved form waits beside it (replacement_*) until a leading body decides; refused, it goes."""

    member_id: int
    stored_name: str
    sha256: str
    size: int
    uploaded_at: datetime
    uploaded_by: int | None = None
    status: str = ARCHIVE_PENDING
    reviewed_by: int | None = None
    reviewed_at: datetime | None = None
    refusal: str | None = None
    replacement_name: str | None = None
    replacement_sha256: str | None = None
    replacement_size: int | None = None
    replacement_by: int | None = None
    replacement_at: datetime | None = None
    replacement_refusal: str | None = None
    id: int | None = field(default=None)
