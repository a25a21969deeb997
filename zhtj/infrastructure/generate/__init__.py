"""`zhtj generate`: a realistic nation of N members, bulk-loaded under the existing 团中央.

The tree (tree.py), the people (people.py) and their numbers are made in memory from one seeded random
generator and the as-of date, so the same seed and date give the same rows; they are written by the shared
bulk loader (zhtj/infrastructure/bulk.py: COPY on PostgreSQL, executemany on SQLite), never one mutation a
row. The rows obey the domain's rules without passing through the use cases (decision 0055): the
generator builds them with the domain's own functions (ID numbers, paths, segments, value lists), and
the tests check a generated nation against the rules.

Generated people get no accounts (an argon2id hash each would take days at national size, decision 0056):
the bootstrapped admin of 团中央 sees everything, and admins of lower orgs are added as usual.

What is derived from the loaded rows (the search index, the entry-progress counters) is made beside them
(derived.py, decision 0077) and loaded with them; the planner's statistics (ANALYZE) come last.
`rebuild_derived(db)` rebuilds the derived tables from the loaded ones instead, after any other bulk load."""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as clock_time

from pypdf import PdfWriter
from sqlalchemy import func, select, text

from zhtj.domain.numbering.archives import StoredFile, store_file
from zhtj.domain.shared.errors import DomainError, Problem
from zhtj.domain.shared.ports import FileStore
from zhtj.infrastructure import progress_counters, search_index
from zhtj.infrastructure.bulk import Loader, add_keys, drop_keys, reset_sequences
from zhtj.infrastructure.db import Database
from zhtj.infrastructure.generate.data import Province, provinces
from zhtj.infrastructure.generate.derived import (
    COMPLETENESS_COLUMNS,
    MEMBER_SEARCH_COLUMNS,
    ORG_SEARCH_COLUMNS,
    PROGRESS_COLUMNS,
    Derived,
)
from zhtj.infrastructure.generate.people import (
    ARCHIVE_COLUMNS,
    MEMBER_COLUMNS,
    POSITION_COLUMNS,
    SEGMENT_COLUMNS,
    Counters,
    People,
)
from zhtj.infrastructure.generate.tree import ORG_COLUMNS, Org, Planner, shares
from zhtj.infrastructure.tables.schema import (
    cadre_positions,
    member_archives,
    members,
    number_segments,
    organizations,
)

MIN_MEMBERS = 1_000  # 38 provincial-level units with a few branches each
CHINA = timezone(timedelta(hours=8))
SYSTEMS_SHARE = 0.05  # of the members, in the national systems


TABLES = (("organizations", ORG_COLUMNS), ("org_search", ORG_SEARCH_COLUMNS), ("number_segments", SEGMENT_COLUMNS),
          ("members", MEMBER_COLUMNS), ("cadre_positions", POSITION_COLUMNS), ("member_archives", ARCHIVE_COLUMNS),
          ("member_completeness", COMPLETENESS_COLUMNS), ("member_search", MEMBER_SEARCH_COLUMNS),
          ("org_progress", PROGRESS_COLUMNS))  # parents first
DERIVED_TABLES = ("org_search", "member_completeness", "member_search", "org_progress")  # nothing refers to them
INDEXED_AFTER = ("members", "member_search", "org_search")  # SQLite: secondary indexes built after the load


@dataclass
class Summary:
    organizations: int
    branches: int
    members: int
    cadres: int
    segments: int
    archives: int
    incomplete: int
    seconds: float


def as_of_now() -> date:
    """Today in China (MEM-6's decided clock)."""
    return datetime.now(CHINA).date()


class Nation:
    """The rows of a generated nation, made on demand, as (table, row) in an order the foreign keys allow:
    every org first, then branch by branch its number segments, members and posts. Pure: the same arguments
    give the same rows."""

    def __init__(self, *, members_wanted: int, seed: int, as_of: date, root: Org, first: dict[str, int],
                 taken: set[str], form: StoredFile | None = None):
        if members_wanted < MIN_MEMBERS:
            raise DomainError([Problem("TOO_FEW_MEMBERS", f"至少生成{MIN_MEMBERS}名团员", "members", "ORG-1")])
        rng = random.Random(seed)
        self.now = datetime.combine(as_of, clock_time(8), tzinfo=CHINA).astimezone(UTC)
        self.planner = Planner(rng, first["organizations"], as_of)
        for unit, budget in zip(provinces(), _budgets(members_wanted), strict=True):
            self.planner.province(root, unit, budget)
        self.counters = Counters(member=first["members"] - 1, position=first["cadre_positions"] - 1,
                                 segment=first["number_segments"] - 1, archive=first["member_archives"] - 1)
        self.people = People(rng, as_of, self.now, self.counters, taken, form)
        self.derived = Derived()
        self.members = self.segments = 0

    @property
    def orgs(self) -> list[Org]:
        return self.planner.orgs

    def rows(self) -> Iterator[tuple[str, tuple]]:
        """The rows, their derived rows (derived.py) after them."""
        derived = self.derived
        for org in self.orgs:
            yield "organizations", org.row(self.now)
            for row in derived.org_search(org):
                yield "org_search", row
        people = self.people
        by_id = {org.id: org for org in self.orgs}
        for org in self.orgs:
            if not org.kind:
                continue
            members_, posts, archives = people.branch(org)
            yield from self._segments()
            for row in members_:
                yield "members", row
            for row in posts:
                yield "cadre_positions", row
            for row in archives:
                yield "member_archives", row
            yield from derived.branch(org, members_, posts, archives, by_id)
            self.members += len(members_)
        people.close_county()
        yield from self._segments()
        for row in derived.progress(self.orgs):
            yield "org_progress", row

    def _segments(self) -> Iterator[tuple[str, tuple]]:
        made, self.people.segments = self.people.segments, []
        self.segments += len(made)
        for row in made:
            yield "number_segments", row


async def generate(db: Database, *, members_wanted: int, seed: int, as_of: date, files: FileStore | None = None,
                   progress: Callable[[int], None] | None = None) -> Summary:
    """Generates members_wanted members (exactly) under the root, which must have no children yet, with their
    derived rows (derived.py); ends with the planner's statistics. With `files`, those who joined in 2020 or later
    mostly get an e-archive: one small application form, stored once (content-addressed, decision 0016), that
    their rows all name."""
    started = time.perf_counter()
    root, first = await _start(db)
    form = await store_file(files, application_form()) if files is not None else None
    nation = Nation(members_wanted=members_wanted, seed=seed, as_of=as_of, root=root, first=first,
                    taken=await _taken(db), form=form)
    reported = 0
    async with db.engine.connect() as conn:
        if db.dialect == "postgresql":  # one transaction: a failed run leaves nothing, the keys included
            await drop_keys(conn, DERIVED_TABLES)
        raw = await conn.get_raw_connection()
        loader = Loader(db, raw.driver_connection, defer_indexes=INDEXED_AFTER)
        await loader.open()
        for table, columns in TABLES:
            loader.table(table, columns)
        try:
            for table, row in nation.rows():
                await loader.add(table, row)
                if progress is not None and nation.members - reported >= 10_000:
                    reported = nation.members
                    progress(reported)
            await loader.close()
        except BaseException:
            loader.abort()
            raise
        if db.dialect == "postgresql":
            await add_keys(conn, DERIVED_TABLES)
        await conn.commit()
    if progress is not None:
        progress(nation.members)
    await reset_sequences(db, ("organizations", "members", "cadre_positions", "number_segments", "member_archives"))
    await analyze(db)
    return Summary(organizations=len(nation.orgs), branches=sum(1 for o in nation.orgs if o.kind),
                   members=nation.members, cadres=nation.counters.cadres, segments=nation.segments,
                   archives=nation.counters.archive - first["member_archives"] + 1,
                   incomplete=nation.counters.incomplete, seconds=time.perf_counter() - started)


async def rebuild_derived(db: Database) -> None:
    """After a bulk load: rebuilds what is derived from the loaded tables, which the write sessions keep current
    for every other change: the search index (X-1) and the entry-progress counters (X-3), then the query
    planner's statistics (ANALYZE)."""
    async with db.engine.begin() as conn:
        await conn.run_sync(search_index.rebuild)
        await conn.run_sync(progress_counters.rebuild)
    await analyze(db)


async def analyze(db: Database) -> None:
    """The query planner's statistics, after a bulk load."""
    async with db.engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


def _budgets(total: int) -> list[int]:
    """Each provincial-level unit's members: the national systems SYSTEMS_SHARE, the rest by population."""
    units = provinces()
    systems = [u.population for u in units if u.is_system]
    system_total = max(len(systems) * 10, int(total * SYSTEMS_SHARE))
    citizens = shares(total - system_total, [u.population for u in units if not u.is_system], 10)
    in_systems = iter(shares(system_total, systems, 10))
    in_citizens = iter(citizens)
    return [next(in_systems) if u.is_system else next(in_citizens) for u in units]


async def _start(db: Database) -> tuple[Org, dict[str, int]]:
    async with db.engine.connect() as conn:
        roots = (await conn.execute(select(organizations.c.id, organizations.c.path)
                                    .where(organizations.c.parent_id.is_(None)))).all()
        if len(roots) != 1:
            raise DomainError([Problem("NO_ROOT", "请先初始化数据库（zhtj bootstrap）", None, "ORG-1")])
        root_id, root_path = roots[0]
        children = (await conn.execute(select(func.count()).select_from(organizations)
                                       .where(organizations.c.parent_id == root_id))).scalar_one()
        if children:
            raise DomainError([Problem("TREE_NOT_EMPTY", "团中央下已有组织，只能在空的组织树上生成数据", None,
                                       "ORG-1")])
        first = {}
        for table in (organizations, members, cadre_positions, number_segments, member_archives):
            first[table.name] = ((await conn.execute(select(func.max(table.c.id)))).scalar_one() or 0) + 1
    return root_org(root_id, root_path), first


def application_form() -> bytes:
    """A one-page PDF standing for a scanned 入团志愿书 (NUM-6 accepts it: a PDF with every page present)."""
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    writer.add_metadata({"/Title": "入团志愿书（生成数据）"})
    writer.write(out)
    return out.getvalue()


def root_org(root_id: int, root_path: str) -> Org:
    """团中央 as the planner sees it: the parent of the provincial-level units."""
    nowhere = Province(0, "00", "", "", 0.0, "", ())
    return Org(root_id, None, root_path, 0, "团的领导机关", "团中央", "", "党政机关", 0, nowhere)


async def _taken(db: Database) -> set[str]:
    """ID numbers already in the database (the bootstrapped admin's, a few more): never generated again."""
    async with db.engine.connect() as conn:
        return set((await conn.execute(select(members.c.id_number))).scalars())
