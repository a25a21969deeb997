"""导出团员 (X-4's exports): the members of an org's subtree, for a workbook. ID numbers are masked unless the
admin asks for them in full; then the export is written to the audit log (who, which org, how many)."""

from __future__ import annotations

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administered_org
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership.model import Member
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.errors import DomainError
from zhtj.domain.shared.ports import UnitOfWork

EXPORT_MAX = 100_000  # one workbook; a province exports its cities one by one


async def members_to_export(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None,
                            full_id_numbers: bool) -> tuple[Organization, list[tuple[Member, str]]]:
    """Scope first (ACC-4): an admin of the org or above. The members (MEM-14: approved ones) of every branch
    at or under it, with their branch's full name, in tree order."""
    org = await administered_org(uow, viewer, org_id, "orgId")
    people = await uow.members.in_subtree(org.path, limit=EXPORT_MAX + 1)
    if len(people) > EXPORT_MAX:
        raise DomainError.of("EXPORT_TOO_LARGE", f"导出人数超过{EXPORT_MAX}人，请选择下级组织分别导出", "orgId", "X-4")
    if full_id_numbers:  # ACC-4, API.md: a full ID number read is written to the audit log
        audit.record(uow, clock, viewer.member.id, "exportMembers", org, f"完整身份证号，{len(people)} 人")
        await uow.commit()
    return org, people
