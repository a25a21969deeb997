"""Members and cadres of one branch for `zhtj generate`: real-looking names, valid ID numbers with the
province's GB/T 2260 codes (membership.idcard), ages, join dates and development numbers within the
membership rules (MEM-5..MEM-8, MEM-10, NUM-F3/F4), numbers drawn from segments the numbering context
would accept (NUM-2: a provincial-level body's segment per year and domain, its counties' segments inside
it), and a share of incomplete profiles (MEM-16)."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from zhtj.domain.membership import idcard
from zhtj.domain.membership.profile import province_of
from zhtj.domain.membership.rules import (
    EDUCATION_BY_STUDY_STATUS,
    MAX_AGE,
    MIN_AGE,
    PARTY_JOIN_AGE,
    development_number_required,
)
from zhtj.domain.numbering.archives import StoredFile
from zhtj.domain.numbering.model import ARCHIVE_APPROVED, ARCHIVE_PENDING, Segment
from zhtj.domain.shared import values
from zhtj.infrastructure.generate.data import Province, names, provinces
from zhtj.infrastructure.generate.tree import Org

T = TypeVar("T")
INCOMPLETE_SHARE = 0.08  # MEM-16: a profile with one required field left empty
VERIFIED_SHARE = 0.85  # MEM-13: name and ID number checked
ARCHIVED_SHARE = 0.9  # MEM-9, NUM-6: of those who joined in 2020 or later, with their application form uploaded
APPROVED_SHARE = 0.8  # NUM-6: of the uploaded forms, reviewed and approved (the rest wait for review)
MEMBER_COLUMNS = (
    "id", "name", "id_number", "gender", "birth_date", "branch_id", "political_status", "join_date", "mobile",
    "created_at", "ethnicity", "occupation", "study_status", "job_type", "education", "development_number",
    "party_join_date", "is_cadre", "household_address", "submitted_party_application", "party_application_date",
    "registered_volunteer", "volunteer_since", "verification", "verification_checked_at", "province_id")
POSITION_COLUMNS = ("id", "member_id", "org_id", "position", "since", "appointment_method", "cadre_nature",
                    "on_party_committee", "on_duty", "province_id")
ARCHIVE_COLUMNS = ("id", "member_id", "stored_name", "sha256", "size", "uploaded_at", "status", "reviewed_at",
                   "province_id")
SEGMENT_COLUMNS = ("id", "org_id", "start_number", "end_number", "year", "domain", "school_level", "parent_id",
                   "allocated_at", "province_id")

class Weighted:
    """A weighted choice, its cumulative weights made once (random.choices would make them on every call)."""

    def __init__(self, pairs: tuple[tuple[str, int], ...]):
        self.values = tuple(p[0] for p in pairs)
        self.cumulative = tuple(itertools.accumulate(p[1] for p in pairs))

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    """rng.choice without its cost: the hot loop makes millions of picks."""
    return options[int(rng.random() * len(options))]


def _int(rng: random.Random, lo: int, hi: int) -> int:
    """rng.randint(lo, hi) without its cost."""
    return lo + int(rng.random() * (hi - lo + 1))


# Development numbers: year (4) + the provincial-level unit's number (2) + 6 digits, the 6 digits cut into one
# range a domain (NUM-2): (school level or None for 社会领域, first, size).
NUMBER_RANGES = {"高校": (0, 200_000), "高中": (200_000, 200_000), "中职": (400_000, 100_000),
                 "初中": (500_000, 100_000), None: (600_000, 400_000)}
STUDENTS = {  # kind: (study statuses and weights, ages)
    "univ": (Weighted((("普通本科在读", 6), ("高职专科在读", 3), ("研究生在读", 1))), (18, 22)),
    "voc": (Weighted((("中职在读", 1),)), (15, 18)), "high": (Weighted((("普通高中在读", 1),)), (15, 18)),
    "middle": (Weighted((("初中在读", 1),)), (14, 15)),
}
JOBS = {"soe": ("国有企业职工",), "private": ("非公企业职工",), "gov": ("机关事业单位职工",),
        "organ": ("机关事业单位职工",), "community": ("自由职业者", "社会组织员工", "非公企业职工", "其他"),
        "village": ("农民", "农民", "自由职业者")}
EDUCATION_OF_WORKERS = Weighted((("大学本科", 35), ("大学专科", 30), ("普通高中", 15), ("中等职业教育", 15),
                                 ("初中", 5)))
EDUCATION_IN_VILLAGES = Weighted((("初中", 35), ("普通高中", 25), ("中等职业教育", 25), ("大学专科", 15)))
MINORITY_SHARES = {"65": (("维吾尔族", 45), ("哈萨克族", 7), ("回族", 4)), "54": (("藏族", 85),), "45": (("壮族", 30),),
              "64": (("回族", 35),), "15": (("蒙古族", 17),), "52": (("苗族", 11), ("布依族", 7)),
              "53": (("彝族", 11), ("白族", 4), ("哈尼族", 4)), "22": (("朝鲜族", 4),), "46": (("黎族", 15),),
              "43": (("土家族", 4),), "63": (("藏族", 25), ("回族", 15)), "50": (("土家族", 5),),
              "21": (("满族", 12),), "13": (("满族", 3),), "42": (("土家族", 4),), "62": (("回族", 5),)}
MINORITIES = {code: Weighted((*pairs, ("汉族", 100))) for code, pairs in MINORITY_SHARES.items()}
MOBILE_PREFIXES = ("138", "139", "135", "136", "137", "150", "151", "158", "186", "187", "188", "177", "180", "189",
                   "199", "159", "182", "133", "153", "176")
ROADS = ("人民路", "解放路", "中山路", "建设路", "和平路", "长江路", "新华路", "胜利路", "文化路", "朝阳路")


@dataclass
class Counters:
    member: int
    position: int
    segment: int
    archive: int = 0
    incomplete: int = 0
    cadres: int = 0


def birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return date(born.year + years, 3, 1)


class People:
    def __init__(self, rng: random.Random, as_of: date, now: datetime, counters: Counters, taken: set[str],
                 form: StoredFile | None = None):
        self.rng, self.as_of, self.now, self.n = rng, as_of, now, counters
        self.form = form  # the one stored application form every generated e-archive names (content-addressed)
        self.taken = taken  # ID numbers already in the database
        self.serials: dict[tuple[str, int, bool], int] = {}
        self.names = names()
        self.citizens = tuple(p for p in provinces() if not p.is_system)
        self.top: dict[tuple[int, int, str | None], Segment] = {}  # (provincial body, year, level): segment
        self.next_number: dict[tuple[int, int, str | None], int] = {}
        self.county: Org | None = None
        self.county_ranges: dict[tuple[int, str | None], list[int]] = {}  # (year, level): [first, last]
        self.segments: list[tuple] = []  # rows to load: provincial segments as they open, county ones as they close

    # names and ID numbers --------------------------------------------------------------------------------

    def name(self, male: bool) -> str:
        rng, n = self.rng, self.names
        surname = n.surnames[bisect.bisect(n.cumulative, rng.random() * n.cumulative[-1])]
        chars = n.male if male else n.female
        given = _pick(rng, chars) if rng.random() < 1 / 6 else _pick(rng, chars) + _pick(rng, chars)
        return surname + given

    def id_number(self, province: Province, born: date, male: bool) -> str:
        """GB 11643: a county code of the province (GB/T 2260), the birth date, a serial whose last digit is odd
        for men, the check character (idcard); unique in the whole database (MEM-4)."""
        home = province if province.counties else _pick(self.rng, self.citizens)
        while True:
            region = _pick(self.rng, home.counties)
            key = (region, born.toordinal(), male)
            count = self.serials.get(key, 0)
            self.serials[key] = count + 1
            if count >= 499:
                born += timedelta(days=1)
                continue
            first17 = f"{region}{born:%Y%m%d}{2 * count + (1 if male else 2):03d}"
            number = first17 + idcard.check_character(first17)
            if number not in self.taken:
                return number

    def birth(self, lo: int, hi: int) -> date:
        """A birth date that makes the person lo..hi full years old on the as-of date (MEM-6)."""
        age = _int(self.rng, lo, hi)
        latest = birthday(self.as_of, -age)
        earliest = birthday(self.as_of, -age - 1) + timedelta(days=1)
        return earliest + timedelta(days=_int(self.rng, 0, (latest - earliest).days))

    def join_month(self, born: date) -> tuple[int, int]:
        """MEM-5: from the month of the 14th birthday (14 on the month's last day, the strictest rule) to the
        as-of month, mostly within three years, often in May (五四)."""
        first = (born.year + MIN_AGE) * 12 + born.month - 1
        last = max(first, self.as_of.year * 12 + self.as_of.month - 2)  # before this month: it may not be over
        month = first + _int(self.rng, 0, min(last - first, 36))
        year = month // 12
        if self.rng.random() < 0.5 and first <= year * 12 + 4 <= last:
            return year, 5
        return year, month % 12 + 1

    # development numbers (NUM-2, NUM-F3, NUM-F4) ---------------------------------------------------------

    def number(self, body: Org, branch: Org, year: int, level: str | None) -> str:
        key = (body.id, year, level)
        first, size = NUMBER_RANGES[level]
        prefix = f"{year}{body.province.number:02d}"
        if key not in self.top:
            self.n.segment += 1
            self.top[key] = segment = Segment(
                org_id=body.id, start=f"{prefix}{first:06d}", end=f"{prefix}{first + size - 1:06d}", year=year,
                domain=values.SCHOOL_NUMBER_DOMAIN if level else values.SOCIAL_NUMBER_DOMAIN, school_level=level,
                allocated_at=self.now, id=self.n.segment)
            self.segments.append(_segment_row(segment, body.id))
        used = self.next_number.get(key, 0)
        if used >= size:
            raise ValueError(f"{body.full_name}: more than {size:,} development numbers in {year} ({level or '社会'})")
        self.next_number[key] = used + 1
        if branch.owner is not None and branch.owner.depth > 1:  # a county's segment, closed when the county ends
            span = self.county_ranges.setdefault((year, level), [first + used, first + used])
            span[1] = first + used
        return f"{prefix}{first + used:06d}"

    def enter_county(self, branch: Org) -> None:
        owner = branch.owner if branch.owner and branch.owner.depth > 1 else None
        if owner is not self.county:
            self.close_county()
            self.county = owner

    def close_county(self) -> None:
        """The county's segment per year and domain: exactly the numbers it used, inside its province's."""
        county = self.county
        if county is not None:
            body = county.province_body
            for (year, level), (first, last) in sorted(self.county_ranges.items(), key=str):
                parent = self.top[(body.id, year, level)]
                prefix = parent.start[:6]
                self.n.segment += 1
                self.segments.append(_segment_row(Segment(
                    org_id=county.id, start=f"{prefix}{first:06d}", end=f"{prefix}{last:06d}", year=year,
                    domain=parent.domain, school_level=level, parent_id=parent.id, allocated_at=self.now,
                    id=self.n.segment), county.province_key))
        self.county, self.county_ranges = None, {}

    # a branch --------------------------------------------------------------------------------------------

    def branch(self, branch: Org) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The branch's members and the posts they hold: the first is the branch's 书记, the second a 委员 in
        branches of 10 or more; the next hold the posts above that the branch carries (branch.posts)."""
        self.enter_county(branch)
        members, positions = [], []
        posts: list[tuple[Org, str]] = [(branch, values.SECRETARY)]
        if branch.size >= 10:
            posts.append((branch, "委员"))
        posts += branch.posts
        body = branch.province_body
        province_key = province_of(body.full_name)
        for i in range(branch.size):
            post = posts[i] if i < len(posts) else None
            row = self.member(branch, body, province_key,
                              leading=post is not None and post[0].category == values.LEADING_BODY)
            if post is not None:
                row = (*row[:17], True, *row[18:])  # is_cadre
                positions.append(self.position(row, *post))
            members.append(row)
        return members, positions, self.archives(members)

    def archives(self, members: list[tuple]) -> list[tuple]:
        """NUM-6: most of those who joined in 2020 or later have their form uploaded, most of those reviewed."""
        form, rng, rows = self.form, self.rng, []
        if form is None:
            return rows
        for member in members:
            if member[7] >= "2020" and rng.random() < ARCHIVED_SHARE:
                self.n.archive += 1
                approved = rng.random() < APPROVED_SHARE
                rows.append((self.n.archive, member[0], form.name, form.sha256, form.size, self.now,
                             ARCHIVE_APPROVED if approved else ARCHIVE_PENDING, self.now if approved else None,
                             member[-1]))
        return rows

    def member(self, branch: Org, body: Org, province_key: str | None, *, leading: bool) -> tuple:
        rng, n = self.rng, self.n
        random_ = rng.random
        n.member += 1
        male = random_() < 0.5
        student = STUDENTS.get(branch.kind)
        if student:
            study_status = student[0](rng)
            lo, hi = (22, 26) if study_status == "研究生在读" else student[1]
            options = EDUCATION_BY_STUDY_STATUS[study_status]
            education: str | None = options[0] if random_() < 0.8 else _pick(rng, options)
            job_type, level = None, values.SCHOOL_LEVEL_OF_STUDY_STATUS[study_status]
        else:
            study_status, level, job_type = None, None, _pick(rng, JOBS[branch.kind])
            lo, hi = (28, 38) if leading else (22 if branch.kind in ("gov", "organ") else 18, MAX_AGE - 1)
            education = (EDUCATION_IN_VILLAGES if branch.kind == "village" else EDUCATION_OF_WORKERS)(rng)
        born = self.birth(lo, hi)
        province = branch.province
        number = self.id_number(province, born, male)
        year, month = self.join_month(born)
        development = (self.number(body, branch, year, level) if development_number_required(year, province_key)
                       else None)
        age = idcard.age_on(born, self.as_of)
        status, party_join, applied, application = values.LEAGUE_MEMBER, None, None, None
        if age >= PARTY_JOIN_AGE:
            adult = birthday(born, PARTY_JOIN_AGE)
            applied = random_() < 0.25
            if age > PARTY_JOIN_AGE and random_() < 0.06:
                status = "中共党员" if random_() < 0.65 else "中共预备党员"
                party_join = adult + timedelta(days=_int(rng, 1, (self.as_of - adult).days))
                applied = True
            if applied:
                application = adult + timedelta(days=_int(rng, 0, ((party_join or self.as_of) - adult).days))
        volunteer: bool | None = random_() < 0.6
        mobile: str | None = _pick(rng, MOBILE_PREFIXES) + f"{int(random_() * 10 ** 8):08d}"
        home = province if province.capital else _pick(rng, self.citizens)
        address: str | None = f"{home.short}{home.capital}市{_pick(rng, ROADS)}{_int(rng, 1, 999)}号"
        if random_() < INCOMPLETE_SHARE:  # MEM-16: one required field left for later
            n.incomplete += 1
            gap = int(random_() * 4)
            mobile = None if gap == 0 else mobile
            address = None if gap == 1 else address
            volunteer = None if gap == 2 else volunteer
            education = None if gap == 3 else education
        verified = random_() < VERIFIED_SHARE
        minorities = MINORITIES.get(province.code)
        ethnicity = minorities(rng) if minorities else "汉族"
        join_date = f"{year}-{month:02d}"
        return (n.member, self.name(male), number, "男" if male else "女", born, branch.id, status, join_date, mobile,
                self.now, ethnicity, values.STUDENT if student else values.WORKING_YOUTH, study_status, job_type,
                education, development, party_join, False, address, applied, application, volunteer,
                join_date if volunteer else None, "校验通过" if verified else "未校验", self.now if verified else None,
                body.id)

    def position(self, member: tuple, org: Org, post: str) -> tuple:
        """MEM-2's cadre fields, complete; 在岗 for the posts of committees and leading bodies."""
        self.n.position += 1
        self.n.cadres += 1
        leading = org.category == values.LEADING_BODY
        since = max(member[7], f"{self.as_of.year - self.rng.randint(0, 3)}-{self.rng.randint(1, 12):02d}")
        since = min(since, f"{self.as_of:%Y-%m}")
        return (self.n.position, member[0], org.id, post, since, "选举" if self.rng.random() < 0.8 else "任命",
                "专职" if leading else "兼职", leading and post == values.SECRETARY,
                None if org.category in values.BRANCH_CATEGORIES else "在岗", org.province_key)


def _segment_row(s: Segment, province_id: int) -> tuple:
    return (s.id, s.org_id, s.start, s.end, s.year, s.domain, s.school_level, s.parent_id, s.allocated_at,
            province_id)
