"""Numbering rules and use cases with fakes (NUM-2, NUM-3, NUM-4, NUM-F6)."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import FakeUnitOfWork, fake_org, fake_person, fake_viewer

from zhtj.domain.identity.bootstrap import bootstrap
from zhtj.domain.numbering import rules, services
from zhtj.domain.numbering.model import Segment
from zhtj.domain.shared.errors import DomainError, NotFound

pytestmark = pytest.mark.unit


def seg(start: str, end: str, org_id: int = 1, domain: str = "学校领域", level: str | None = "高校") -> Segment:
    return Segment(org_id=org_id, start=start, end=end, year=int(start[:4]), domain=domain, school_level=level)


def test_num2_a_segment_is_twelve_digits_of_one_year_start_before_end():
    assert rules.range_problems("202600000001", "202600000001", this_year=2026) == []
    assert [p.code for p in rules.range_problems("20260000001", "2026000000012", this_year=2026)] == [
        "SEGMENT_FORMAT", "SEGMENT_FORMAT"]
    assert [p.code for p in rules.range_problems("２０２６00000001", "202600000002", this_year=2026)] == [
        "SEGMENT_FORMAT"]
    assert [p.code for p in rules.range_problems("202600000002", "202600000001", this_year=2026)] == [
        "SEGMENT_RANGE"]
    assert [p.code for p in rules.range_problems("202700000001", "202700000002", this_year=2026)] == [
        "SEGMENT_YEAR"]


def test_num2_placement_nests_inside_an_ancestors_segment_only():
    parent = seg("202600000001", "202600000100", org_id=7)
    found, problems = rules.placement_problems("202600000010", "202600000020", "学校领域", "高校",
                                               overlapping=[parent], target_ancestor_ids=[1, 7],
                                               may_open_top_level=False)
    assert found is parent and problems == []
    _, problems = rules.placement_problems("202600000010", "202600000020", "学校领域", "高校",
                                           overlapping=[parent], target_ancestor_ids=[1, 8], may_open_top_level=True)
    assert [p.code for p in problems] == ["SEGMENT_OVERLAP"]
    _, problems = rules.placement_problems("202600000090", "202600000120", "学校领域", "高校",
                                           overlapping=[parent], target_ancestor_ids=[1, 7], may_open_top_level=True)
    assert [p.code for p in problems] == ["SEGMENT_OVERLAP"]
    _, problems = rules.placement_problems("202600000010", "202600000020", "学校领域", "初中",
                                           overlapping=[parent], target_ancestor_ids=[7], may_open_top_level=False)
    assert [p.code for p in problems] == ["SEGMENT_DOMAIN_MISMATCH"]
    # Nested twice: the innermost segment is the parent.
    child = seg("202600000010", "202600000050", org_id=9)
    found, problems = rules.placement_problems("202600000011", "202600000012", "学校领域", "高校",
                                               overlapping=[parent, child], target_ancestor_ids=[1, 7, 9],
                                               may_open_top_level=False)
    assert found is child and problems == []


@pytest.mark.parametrize(("segment", "occupation", "study", "fits"), [
    (seg("202600000001", "202600000002", level="高校"), "青年学生", "研究生在读", True),
    (seg("202600000001", "202600000002", level="高中"), "青年学生", "普通高中在读", True),
    (seg("202600000001", "202600000002", level="高中"), "青年学生", "中职在读", False),
    (seg("202600000001", "202600000002", level="初中"), "职业青年", None, False),
    (seg("202600000001", "202600000002", domain="社会领域", level=None), "职业青年", None, True),
    (seg("202600000001", "202600000002", domain="社会领域", level=None), "青年学生", "初中在读", False),
])
def test_num3_the_segments_domain_fits_occupation_and_study_status(segment, occupation, study, fits):
    found = rules.entry_domain_problem(segment, occupation=occupation, study_status=study)
    assert (found is None) is fits
    if found:
        assert found.rule == "NUM-3" and found.message.startswith(f"该发展团员编号属于{segment.label}领域")


@pytest.fixture
async def world(clock):
    uow = FakeUnitOfWork()
    from fakes import FakeHasher

    await bootstrap(uow=uow, clock=clock, hasher=FakeHasher(), admin_id_number="110101199003071233",
                    admin_name="团中央管理员", password="Tuanjian2026")
    root = await uow.organizations.root()
    province = fake_org(uow, root, "甲省")
    school = fake_org(uow, province, "某大学团委", "团委")
    branch = fake_org(uow, school, "一班团支部", "团支部")
    other = fake_org(uow, province, "某公司团委", "团委")
    w = {"uow": uow, "root": root, "province": province, "school": school, "branch": branch, "other": other,
         "root_admin": uow.members.rows[0], "province_admin": fake_person(uow, "省管理员", 1, admin_of=province),
         "branch_admin": fake_person(uow, "支部管理员", 2, admin_of=branch)}
    return w


async def allocate(w, clock, who, org, start, end, domain="学校领域", level="高校"):
    return await services.allocate_segment(uow=w["uow"], clock=clock, viewer=await fake_viewer(w["uow"], w[who]),
                                           org_id=org.id, start=start, end=end, domain=domain, school_level=level)


async def test_num2_allocation_is_audited_and_out_of_scope_is_not_found(world, clock):
    w = world
    top = await allocate(w, clock, "root_admin", w["province"], "202600000001", "202600000100")
    assert top.parent_id is None and w["uow"].audit.rows[-1].action == "allocateSegment"
    below = await allocate(w, clock, "province_admin", w["school"], "202600000001", "202600000010")
    assert below.parent_id == top.id
    with pytest.raises(NotFound):
        await allocate(w, clock, "branch_admin", w["other"], "x", "y", domain="?")


async def test_num_f6_entry_problems_name_the_segment_rules(world, clock):
    w = world
    await allocate(w, clock, "root_admin", w["province"], "202600000001", "202600000100")
    await allocate(w, clock, "province_admin", w["other"], "202600000050", "202600000060")
    check = services.entry_problems
    uow = w["uow"]
    assert await check(uow, branch=w["branch"], number="202600000001", occupation="青年学生",
                       study_status="普通本科在读") == []
    assert await check(uow, branch=w["branch"], number="202600000055", occupation="青年学生",
                       study_status="普通本科在读") == [rules.NOT_OUR_SEGMENT]
    assert await check(uow, branch=w["branch"], number="202600000500", occupation="青年学生",
                       study_status="普通本科在读") == [rules.OUTSIDE_SEGMENTS]
    assert await check(uow, branch=None, number="202600000055", occupation=None, study_status=None) == []
    assert await check(uow, branch=w["branch"], number="2026", occupation=None, study_status=None) == []


class RecordingFiles:
    def __init__(self):
        self.written = []

    async def write(self, name, content):
        self.written.append(name)


class RecordingChecker:
    def __init__(self):
        self.checked = 0

    async def check(self, content):
        self.checked += 1
        return "OK"


async def test_num4_a_release_needs_a_taken_number_in_a_segment(world, clock):
    w = world
    uow = w["uow"]
    viewer = await fake_viewer(uow, w["branch_admin"])
    wanting = fake_person(uow, "新团员", 3, branch=w["branch"])
    files = RecordingFiles()
    with pytest.raises(DomainError) as raised:
        await services.request_number_release(uow=uow, clock=clock, viewer=viewer, files=files,
                                              member_id=wanting.id, number="202600000001", content=b"%PDF-")
    assert [p.code for p in raised.value.problems] == ["NUMBER_NOT_TAKEN"]
    with pytest.raises(NotFound):
        await services.request_number_release(uow=uow, clock=clock, viewer=viewer, files=files,
                                              member_id=w["province_admin"].id, number="202600000001",
                                              content=b"%PDF-")
    assert files.written == []  # nothing is stored for a refused request


async def test_num4_scope_comes_before_the_number_and_the_file(world):
    w = world
    uow = w["uow"]
    viewer = await fake_viewer(uow, w["branch_admin"])
    checker = RecordingChecker()
    for number in ("202600000001", "12"):
        with pytest.raises(NotFound):
            await services.check_release_request(uow=uow, viewer=viewer, pdf=checker,
                                                 member_id=w["province_admin"].id, number=number, content=b"x")
    assert checker.checked == 0
    wanting = fake_person(uow, "新团员", 3, branch=w["branch"])
    with pytest.raises(DomainError) as raised:
        await services.check_release_request(uow=uow, viewer=viewer, pdf=checker, member_id=wanting.id,
                                             number="202600000001", content=b"")
    assert [(p.code, p.field, p.rule) for p in raised.value.problems] == [("ARCHIVE_EMPTY", "file", "NUM-6")]
    await services.check_release_request(uow=uow, viewer=viewer, pdf=checker, member_id=wanting.id,
                                         number="202600000001", content=b"%PDF-")
    assert checker.checked == 1


@pytest.mark.parametrize(("number", "join", "owner", "province_has", "released", "archive", "kinds"), [
    ("202000000001", "2020-05", "/1/2/", True, False, True, []),
    ("202000000001", "2020-05", "/1/9/", True, False, True, ["SEGMENT"]),
    ("202000000001", "2020-05", None, True, False, False, ["SEGMENT", "MISSING_ARCHIVE"]),
    ("202000000001", "2020-05", None, False, False, True, []),
    ("201900000001", "2020-05", None, False, False, True, ["YEAR"]),
    ("2020-1", "2020-05", None, False, False, True, ["FORMAT"]),
    (None, "2019-05", None, False, True, False, ["RELEASED"]),
    (None, "2019-05", None, False, False, False, ["EMPTY"]),
    (None, "2015-05", None, False, True, False, []),
])
def test_num1_irregular_kinds(number, join, owner, province_has, released, archive, kinds):
    assert rules.irregular_kinds(number=number, join_date=join, province=None, branch_path="/1/2/3/",
                                 segment_owner_path=owner, province_has_segments=province_has, released=released,
                                 has_archive=archive) == kinds


def test_num7_batch_file_names():
    assert rules.batch_file_name("张伟+13800138000+入团志愿书.pdf") == ("张伟", "13800138000")
    assert rules.batch_file_name("张伟13800138000入团志愿书.PDF") == ("张伟", "13800138000")
    assert rules.batch_file_name("张伟＋１３８００１３８０００＋入团志愿书.pdf") == ("张伟", "13800138000")
    assert rules.batch_file_name("入团志愿书.pdf") is None
    assert rules.batch_file_name("张伟+13800138000.pdf") is None


@pytest.mark.parametrize(("join", "due"), [
    ("2020-05", date(2020, 6, 30)), ("2024-02", date(2024, 3, 30)), ("2026-12", date(2027, 1, 30)),
    ("2019-12", None), (None, None), ("2020-13", None), ("2020", None),
])
def test_num6_archive_due_30_days_after_the_join_month(join, due):
    assert rules.archive_due_on(join) == due


def test_num6_archive_overdue_only_after_the_due_day():
    def kinds(today, archive=False):
        return rules.irregular_kinds(number="202400000001", join_date="2024-02", province=None,
                                     branch_path="/1/2/3/", segment_owner_path=None, province_has_segments=False,
                                     released=False, has_archive=archive, today=today)
    assert kinds(date(2024, 3, 30)) == ["MISSING_ARCHIVE"]
    assert kinds(date(2024, 3, 31)) == ["MISSING_ARCHIVE", "ARCHIVE_OVERDUE"]
    assert kinds(date(2025, 1, 1), archive=True) == []
