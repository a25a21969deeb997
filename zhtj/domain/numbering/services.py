"""Use cases of the numbering context: segments (NUM-2, NUM-9), the entry check (NUM-3, NUM-F6) and
releases of occupied numbers (NUM-4)."""

from __future__ import annotations

from collections.abc import Sequence

from zhtj.domain.identity import audit
from zhtj.domain.identity.scope import administered_org, administers, manages_member, visible_member
from zhtj.domain.identity.services import Viewer
from zhtj.domain.membership import probing
from zhtj.domain.membership.model import Member
from zhtj.domain.numbering import archives, rules
from zhtj.domain.numbering.model import (
    RELEASE_APPROVED,
    RELEASE_PENDING,
    RELEASE_REFUSED,
    Archive,
    NumberRelease,
    Segment,
)
from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared.clock import Clock, today
from zhtj.domain.shared.errors import DomainError, NotFound, Problem
from zhtj.domain.shared.ports import FileStore, PdfChecker, UnitOfWork

PROVINCE_DEPTH = 1


async def allocate_segment(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, org_id: int | None, start: str,
                           end: str, domain: str, school_level: str | None) -> Segment:
    """新增号段 (NUM-2): an admin of the org's parent (or above, ACC-4) gives it the numbers start..end of one
    domain. A provincial-level org gets its segments from 团中央; every other org's lies inside a segment of an
    org above it (decision 0015). Writers of one year take turns (the year's lock), so two overlapping
    segments never both land."""
    org = await administered_org(uow, viewer, org_id, "orgId")
    parent = await uow.organizations.get(org.parent_id) if org.parent_id is not None else None
    if parent is None or not administers(viewer, parent):
        raise DomainError.of("SEGMENT_BY_PARENT", "号段由上级组织分配", "orgId", "NUM-2")
    start, end = (start or "").strip(), (end or "").strip()
    school_level = (school_level or "").strip() or None
    problems = rules.range_problems(start, end, this_year=today(clock).year)
    problems += rules.domain_problems(domain, school_level)
    if problems:
        raise DomainError(problems)
    await uow.segments.lock_year(int(start[:4]))
    parent_segment, problems = rules.placement_problems(
        start, end, domain, school_level, overlapping=await uow.segments.overlapping(start, end),
        target_ancestor_ids=org.ancestor_ids(), may_open_top_level=org.depth == PROVINCE_DEPTH)
    if problems:
        raise DomainError(problems)
    assert org.id is not None
    segment = Segment(org_id=org.id, start=start, end=end, year=int(start[:4]), domain=domain,
                      school_level=school_level, parent_id=parent_segment.id if parent_segment else None,
                      allocated_by=viewer.member.id, allocated_at=clock.now())
    uow.segments.add(segment)
    audit.record(uow, clock, viewer.member.id, "allocateSegment", org, f"{start}-{end} {domain} {school_level or ''}")
    await uow.commit()
    return segment


async def segment_of(uow: UnitOfWork, number: str) -> Segment | None:
    """The segment a number lies in, the innermost of nested ones (NUM-2, NUM-F6)."""
    if not rules.is_segment_number(number):
        return None
    return rules.innermost(await uow.segments.overlapping(number, number))


async def entry_problems(uow: UnitOfWork, *, branch: Organization | None, number: str | None, occupation: str | None,
                         study_status: str | None) -> list[Problem]:
    """For a number entered into a branch the viewer administers: NUM-F6 (a number inside a segment is entered
    under the segment's owner; once the province has segments of that year, a number outside every segment
    is 号段不对) and NUM-3 (the segment's domain fits the person's occupation and study status). A number
    that is not 12 digits is the format rules' (NUM-F*); without a branch in scope nothing is checked."""
    [found] = await entry_problems_many(uow, branch=branch, entries=[(number, occupation, study_status)])
    return found


async def entry_problems_many(uow: UnitOfWork, *, branch: Organization | None,
                              entries: Sequence[tuple[str | None, str | None, str | None]]) -> list[list[Problem]]:
    """`entry_problems` for many (number, occupation, study status) entered into one branch (an import, X-4):
    the same rules, with the segments around the numbers of each year read once."""
    numbers = [(number or "").strip() for number, _, _ in entries]
    if branch is None:
        return [[] for _ in entries]
    years: dict[int, list[str]] = {}
    for number in numbers:
        if rules.is_segment_number(number):
            years.setdefault(int(number[:4]), []).append(number)
    around = {year: await uow.segments.overlapping(min(found), max(found)) for year, found in years.items()}
    province_has: dict[int, bool] = {}
    results: list[list[Problem]] = []
    for number, (_, occupation, study_status) in zip(numbers, entries, strict=True):
        if not rules.is_segment_number(number):
            results.append([])
            continue
        year = int(number[:4])
        segment = rules.innermost([s for s in around[year] if s.start <= number <= s.end])
        if segment is None:
            if year not in province_has:
                province = branch.province_id()
                owner = await uow.organizations.get(province) if province else None
                province_has[year] = owner is not None and await uow.segments.any_below(year, owner.path)
            results.append([rules.OUTSIDE_SEGMENTS] if province_has[year] else [])
            continue
        holder = await uow.organizations.get(segment.org_id)
        if holder is None or not is_within(branch.path, holder.path):
            results.append([rules.NOT_OUR_SEGMENT])
            continue
        found = rules.entry_domain_problem(segment, occupation=occupation, study_status=study_status)
        results.append([found] if found else [])
    return results


async def _managed_member(uow: UnitOfWork, viewer: Viewer, member_id: int | None) -> Member:
    """The member, if the viewer manages them (ACC-4); otherwise NOT_FOUND, as for one who does not exist."""
    member = await visible_member(uow, viewer, member_id, "memberId")
    if not await manages_member(uow, viewer, member):
        raise NotFound("memberId", "团员")
    return member


def _number(number: str | None) -> str:
    number = (number or "").strip()
    if not rules.is_segment_number(number):
        raise DomainError.of("DEVELOPMENT_NUMBER_FORMAT", "发展团员编号格式错误", "developmentNumber", "NUM-F4")
    return number


async def check_release_request(*, uow: UnitOfWork, viewer: Viewer, pdf: PdfChecker, member_id: int | None,
                                number: str, content: bytes) -> None:
    """Before anything is written (a read-only unit of work: no writer waits for the PDF check): scope first,
    then the number's format, then the new member's application form as uploadArchive checks it (NUM-6)."""
    await _managed_member(uow, viewer, member_id)
    _number(number)
    await archives.check_file(pdf, content)


async def request_number_release(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, files: FileStore,
                                 member_id: int | None, number: str, content: bytes,
                                 reason: str | None = None) -> NumberRelease:
    """申请释放编号 (NUM-4): an admin who manages the member asks that the number, held by someone else, move
    to them, with the member's application form (checked by check_release_request). The admin of the
    segment's owner (or above) decides; the member must be entitled to the number (NUM-F6, NUM-3). The form
    is stored like an e-archive, whole on disk before the row naming it commits (decision 0016)."""
    member = await _managed_member(uow, viewer, member_id)
    number = _number(number)
    await probing.refuse_account_if_probing(uow, viewer, clock.now())
    holder = await uow.members.by_development_number(number)
    if holder is None:  # says whether a number is taken: counted like entry's answers (NUM-4 decided)
        await probing.count_probe(uow, probing.account_key(viewer), clock.now())
        raise DomainError.of("NUMBER_NOT_TAKEN", "该发展团员编号未被占用，可直接填写", "developmentNumber", "NUM-4")
    if holder.id == member.id:
        raise DomainError.of("NUMBER_ALREADY_HELD", "该团员已持有此发展团员编号", "developmentNumber", "NUM-4")
    segment = await segment_of(uow, number)
    branch = await uow.organizations.get(member.branch_id) if member.branch_id else None
    if segment is None or branch is None:
        message = "该发展团员编号不在任何号段内，无法申请释放，请由持有人所在组织更正编号"
        raise DomainError.of("NUMBER_NOT_IN_SEGMENT", message, "developmentNumber", "NUM-4")
    problems = await entry_problems(uow, branch=branch, number=number, occupation=member.occupation,
                                    study_status=member.study_status)
    if await uow.releases.pending_for(number) is not None:
        problems.append(Problem("RELEASE_PENDING", "该编号已有待审核的释放申请", "developmentNumber", "NUM-4"))
    if problems:
        raise DomainError(problems)
    assert member.id is not None and holder.id is not None
    form = await archives.store_file(files, content)  # before the row that names it commits
    release = NumberRelease(number=number, member_id=member.id, holder_id=holder.id, owner_org_id=segment.org_id,
                            requested_by=viewer.member.id or 0, requested_at=clock.now(),
                            reason=(reason or "").strip() or None, form_name=form.name, form_sha256=form.sha256,
                            form_size=form.size)
    uow.releases.add(release)
    audit.record(uow, clock, viewer.member.id, "requestNumberRelease", member, f"{number} {form.sha256}")
    await uow.commit()
    return release


async def review_number_release(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, release_id: int | None,
                                approve: bool, reason: str | None = None) -> NumberRelease:
    """审核释放申请 (NUM-4): the admin of the segment's owner, or of an org above it (ACC-4), approves or
    refuses (with a reason). Approval moves the number in this one transaction: the holder is left with no
    number (an irregular one, NUM-1), the member gets it."""
    release = await uow.releases.lock(release_id) if release_id is not None else None
    owner = await uow.organizations.get(release.owner_org_id) if release else None
    if release is None or owner is None or not administers(viewer, owner):
        raise NotFound("releaseId", "释放申请")
    if release.status != RELEASE_PENDING:
        raise DomainError.of("RELEASE_DECIDED", "该释放申请已审核", "releaseId", "NUM-4")
    release.decided_by, release.decided_at = viewer.member.id, clock.now()
    if not approve:
        if not (reason or "").strip():
            raise DomainError.of("REASON_REQUIRED", "请填写不同意的原因", "reason", "NUM-4")
        release.status, release.refusal = RELEASE_REFUSED, (reason or "").strip()
        audit.record(uow, clock, viewer.member.id, "refuseNumberRelease", owner, release.number)
        await uow.commit()
        return release
    holder = await uow.members.lock(release.holder_id)
    member = await uow.members.lock(release.member_id)
    current = await uow.members.by_development_number(release.number)
    if member is None or (current is not None and current is not holder):
        raise DomainError.of("RELEASE_STALE", "编号或团员已发生变化，请重新申请", "releaseId", "NUM-4")
    if holder is not None and holder.development_number == release.number:
        holder.development_number = None
        holder.updated_at = clock.now()
        audit.record(uow, clock, viewer.member.id, "releaseNumber", holder, release.number)
        await uow.flush()  # the number is free before it is given again (one number, one member)
    member.development_number, member.updated_at = release.number, clock.now()
    release.status = RELEASE_APPROVED
    await _form_as_archive(uow, clock, viewer, release, member)
    audit.record(uow, clock, viewer.member.id, "approveNumberRelease", member, release.number)
    await uow.commit()
    return release


async def _form_as_archive(uow: UnitOfWork, clock: Clock, viewer: Viewer, release: NumberRelease,
                           member: Member) -> None:
    """On approval the request's form becomes the member's e-archive (NUM-6) if they have none, waiting for
    the parent committee's review as any upload does. A member who has one keeps it."""
    if release.form_name is None or member.id is None or await uow.archives.lock_for(member.id) is not None:
        return
    uow.archives.add(Archive(member_id=member.id, stored_name=release.form_name, sha256=release.form_sha256 or "",
                             size=release.form_size or 0, uploaded_at=release.requested_at,
                             uploaded_by=release.requested_by))
    audit.record(uow, clock, viewer.member.id, "uploadArchive", member, release.form_sha256 or "")


async def release_form(*, uow: UnitOfWork, clock: Clock, viewer: Viewer, release_id: int | None) -> str | None:
    """The stored name of a release request's application form, for its deciders (admins of the segment's
    owner or above) and the admins over the member's branch (NUM-4, ACC-4); None for anyone else, an unknown
    request or one without a form. Every download is audited."""
    release = await uow.releases.get(release_id) if release_id is not None else None
    if release is None or release.form_name is None:
        return None
    owner = await uow.organizations.get(release.owner_org_id)
    member = await uow.members.get(release.member_id)
    branch = await uow.organizations.get(member.branch_id) if member and member.branch_id else None
    if not any(org is not None and administers(viewer, org) for org in (owner, branch)):
        return None
    subject = member if member is not None else owner
    assert subject is not None
    audit.record(uow, clock, viewer.member.id, "downloadReleaseForm", subject, release.form_name)
    await uow.commit()
    return release.form_name
