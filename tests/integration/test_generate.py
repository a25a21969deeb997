"""`zhtj generate` on a bootstrapped database (issue 15): a small nation obeys the rules it would obey if it had
been entered through the API (ORG-1, ORG-12, MEM-1..MEM-12, MEM-4, NUM-2, NUM-3, NUM-F6)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from conftest import NOW
from sqlalchemy import inspect, select
from sqlalchemy.schema import CreateTable

from zhtj.domain.membership import idcard
from zhtj.domain.membership.profile import MemberForm, form_problems, province_of
from zhtj.domain.numbering.archives import check_file
from zhtj.domain.numbering.model import Segment
from zhtj.domain.numbering.rules import entry_domain_problem, innermost
from zhtj.domain.organization.model import is_within
from zhtj.domain.shared import values
from zhtj.infrastructure.db import Database
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.generate import generate, rebuild_derived
from zhtj.infrastructure.generate.data import provinces
from zhtj.infrastructure.pdf_check import PypdfChecker
from zhtj.infrastructure.tables.schema import (
    cadre_positions,
    member_archives,
    member_completeness,
    member_search,
    members,
    number_segments,
    org_progress,
    org_search,
    organizations,
)

WANTED = 2_000


async def _rows(db: Database, table: Any) -> list[Any]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(select(table))).all())


async def _keys(db: Database, tables: Any) -> dict[str, Any]:
    """The keys and indexes of these tables, as the database reports them."""
    def read(conn: Any) -> dict[str, Any]:
        found = inspect(conn)
        return {t.name: (found.get_pk_constraint(t.name), sorted(map(str, found.get_indexes(t.name))),
                         sorted(map(str, found.get_foreign_keys(t.name)))) for t in tables}
    async with db.engine.connect() as conn:
        return await conn.run_sync(read)


async def test_a_generated_nation_hangs_under_the_root_in_branches_of_3_to_50_ORG_1_ORG_12_MEM_9(
        db: Database, root: Any, tmp_path: Path) -> None:
    files = LocalFiles(tmp_path)
    summary = await generate(db, members_wanted=WANTED, seed=3, as_of=NOW.date(), files=files)
    orgs = {o.id: o for o in await _rows(db, organizations)}
    people = [m for m in await _rows(db, members) if m.branch_id is not None]
    assert summary.members == len(people) == WANTED
    sizes = Counter(m.branch_id for m in people)
    for branch_id, size in sizes.items():
        branch = orgs[branch_id]
        assert branch.category == values.BRANCH and is_within(branch.path, root.path) and branch.path != root.path
        assert values.BRANCH_MIN_MEMBERS <= size <= values.BRANCH_MAX_MEMBERS, (branch.full_name, size)
    assert {o.id for o in orgs.values() if o.category == values.BRANCH} == set(sizes)  # no empty branch
    provincial = sorted(o.full_name for o in orgs.values() if o.depth == 1)
    assert len(provincial) == 38 and "共青团广东省委员会" in provincial and "共青团全国铁道委员会" in provincial
    for org in orgs.values():  # ORG-2: nothing under a branch, a leading body only under a leading body
        if org.parent_id is not None:
            parent = orgs[org.parent_id]
            assert parent.category != values.BRANCH
            assert org.category != values.LEADING_BODY or parent.category == values.LEADING_BODY
            assert org.path == f"{parent.path}{org.path.rstrip('/').rsplit('/', 1)[1]}/"
    archives = await _rows(db, member_archives)  # MEM-9: most who joined in 2020 or later have their form
    joined_2020 = {m.id for m in people if m.join_date >= "2020"}
    assert {a.member_id for a in archives} <= joined_2020 and len(archives) > 0.8 * len(joined_2020) > 0
    assert summary.archives == len(archives)
    for name in {a.stored_name for a in archives}:
        assert await check_file(PypdfChecker(), await files.read(name) or b"") is None


async def test_id_numbers_are_valid_unique_and_of_the_province_and_profiles_pass_the_rules_MEM_4_MEM_2(
        db: Database, root: Any) -> None:
    await generate(db, members_wanted=WANTED, seed=4, as_of=NOW.date())
    orgs = {o.id: o for o in await _rows(db, organizations)}
    codes = {p.full_name: p.code for p in provinces()}
    by_id = {o.id: o for o in orgs.values()}
    people = [m for m in await _rows(db, members) if m.branch_id is not None]
    assert len({m.id_number for m in people}) == len(people)
    incomplete = 0
    for m in people:
        assert idcard.problems_of(m.id_number, NOW.date()) == [], m.id_number
        body = by_id[int(orgs[m.branch_id].path.strip("/").split("/")[1], 36)]
        if codes[body.full_name] != "00":  # the national systems' people come from every province
            assert m.id_number[:2] == codes[body.full_name], (m.id_number, body.full_name)
        form = MemberForm(**{k: getattr(m, k) for k in (
            "name", "id_number", "ethnicity", "occupation", "study_status", "job_type", "education",
            "political_status", "join_date", "development_number", "is_cadre", "mobile", "household_address",
            "registered_volunteer", "volunteer_since", "submitted_party_application")},
            party_join_date=m.party_join_date and m.party_join_date.isoformat(),
            party_application_date=m.party_application_date and m.party_application_date.isoformat())
        problems = form_problems(form, today=NOW.date(), org_category=values.BRANCH,
                                 province=province_of(body.full_name), minimal=True, check_post=False)
        assert problems == [], (m.name, problems)
        incomplete += None in (m.mobile, m.household_address, m.registered_volunteer, m.education)
    assert 0.02 * WANTED < incomplete < 0.2 * WANTED  # MEM-16: a share is left incomplete, most are not
    generated = {m.id for m in people}
    posts = [p for p in await _rows(db, cadre_positions) if p.member_id in generated]  # not the bootstrapped admin
    cadres = {m.id for m in people if m.is_cadre}
    assert {p.member_id for p in posts} == cadres and len(cadres) > len({m.branch_id for m in people})
    for post in posts:
        assert post.position in values.positions_for(orgs[post.org_id].category)


async def test_development_numbers_lie_in_segments_owned_above_their_branch_NUM_2_NUM_3_NUM_F6(
        db: Database, root: Any) -> None:
    await generate(db, members_wanted=WANTED, seed=5, as_of=NOW.date())
    orgs = {o.id: o for o in await _rows(db, organizations)}
    segments = [Segment(org_id=s.org_id, start=s.start_number, end=s.end_number, year=s.year, domain=s.domain,
                        school_level=s.school_level, parent_id=s.parent_id, id=s.id)
                for s in await _rows(db, number_segments)]
    by_id = {s.id: s for s in segments}
    for s in segments:  # NUM-2: a handed-down segment lies inside its parent, above the receiver, same domain
        if s.parent_id is not None:
            parent = by_id[s.parent_id]
            assert parent.start <= s.start <= s.end <= parent.end and parent.domain == s.domain
            assert is_within(orgs[s.org_id].path, orgs[parent.org_id].path)
    for a in segments:  # never overlapping, only nested
        for b in segments:
            if a is not b and a.start <= b.end and b.start <= a.end:
                assert a.parent_id == b.id or b.parent_id == a.id
    numbered = [m for m in await _rows(db, members) if m.development_number]
    assert len({m.development_number for m in numbered}) == len(numbered) > WANTED // 2
    for m in numbered:
        segment = innermost([s for s in segments if s.holds(m.development_number)])
        assert segment is not None, m.development_number
        assert is_within(orgs[m.branch_id].path, orgs[segment.org_id].path)  # NUM-F6
        assert entry_domain_problem(segment, occupation=m.occupation, study_status=m.study_status) is None  # NUM-3


async def test_the_derived_rows_made_beside_the_nation_equal_a_rebuild_from_its_tables_X_1_X_3_MEM_16(
        db: Database, root: Any, tmp_path: Path) -> None:
    """Decision 0077: the generator writes the search index and the progress counters as it writes the people;
    rebuilding them from the loaded tables (search_index.rebuild, progress_counters.rebuild) gives the same rows."""
    tables = (member_search, org_search, member_completeness, org_progress)
    keys_before = await _keys(db, (*tables, members))
    await generate(db, members_wanted=WANTED, seed=6, as_of=NOW.date(), files=LocalFiles(tmp_path))
    assert await _keys(db, (*tables, members)) == keys_before  # built after the load: all back, as declared
    ddl = str(CreateTable(member_search).compile(dialect=db.engine.dialect))  # the shared metadata is untouched
    assert "PRIMARY KEY" in ddl and "FOREIGN KEY" in ddl
    made = {t.name: sorted(map(tuple, await _rows(db, t))) for t in tables}
    assert len(made["member_search"]) > 8 * WANTED and len(made["org_progress"]) > 100
    complete = Counter(row[1] for row in made["member_completeness"])
    assert complete[True] > 0 and complete[False] > 0  # incomplete profiles and missing forms are counted
    await rebuild_derived(db)
    assert {t.name: sorted(map(tuple, await _rows(db, t))) for t in tables} == made


async def test_every_generated_row_carries_the_province_key_of_its_org_or_person_ORG_1(
        db: Database, root: Any, tmp_path: Path) -> None:
    """Decision 0078: the generator writes the key beside each row, as the write sessions would."""
    from zhtj.infrastructure import province_keys

    await generate(db, members_wanted=WANTED, seed=4, as_of=NOW.date(), files=LocalFiles(tmp_path))
    async with db.engine.connect() as conn:
        assert await conn.run_sync(province_keys.mismatches) == []
    provinces_ = {o.id for o in await _rows(db, organizations) if o.depth <= 1}  # the root's own rows: its id
    for table in (members, cadre_positions, member_archives, number_segments):
        keys = Counter(row.province_id for row in await _rows(db, table)
                       if table is not members or row.branch_id is not None)  # the root's admin has no branch
        assert set(keys) <= provinces_ and len(keys) > 30, table.name  # every row keyed; the nation's provinces
