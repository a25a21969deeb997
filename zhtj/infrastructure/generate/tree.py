"""The nation's tree for `zhtj generate`: provincial-level units (ORG-1), cities, counties and the grassroots
committees and branches of schools, companies, organs, communities and villages, each with its share of the
members. Paths are the organization context's (decision 0002); categories and industries its value lists.

Every provincial-level body, city and county gets its own 机关团支部 (its staff, and its cadres' branch), so
that every generated person belongs to a branch (MEM-1). Branch sizes stay within 3..50 (ORG-12)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from zhtj.domain.organization.model import child_path
from zhtj.domain.shared import values
from zhtj.infrastructure.generate.data import Province

LO, HI = values.BRANCH_MIN_MEMBERS, values.BRANCH_MAX_MEMBERS
COUNTY_MEMBERS = 3_000  # about as many members a county as the real nation has (74 million, ~3,000 counties)
COUNTIES_A_CITY = 4
PLACE = "安宁平阳昌兴永和丰泰华康庆瑞新光明德福盛隆嘉清河江山云海武文金宝长乐定远通"
COLLEGES = ("计算机", "机械工程", "经济管理", "外国语", "文学", "数学", "物理", "化学", "土木工程", "电气工程", "医学")
UNIVERSITIES = ("理工大学", "师范大学", "医科大学", "财经大学", "农业大学", "科技大学", "交通大学", "学院")


@dataclass(eq=False)
class Org:
    id: int
    parent: Org | None
    path: str
    depth: int
    category: str
    short_name: str
    full_name: str
    industry: str
    sort_order: int
    province: Province
    school_code: str | None = None
    graduation_date: date | None = None
    kind: str = ""  # a branch's people: univ, voc, high, middle, soe, private, organ, community, village
    size: int = 0
    owner: Org | None = None  # the org whose number segments hold this branch's members' numbers (NUM-2)
    posts: list[tuple[Org, str]] = field(default_factory=list)  # posts above, held by this branch's members
    children: int = 0

    @property
    def province_body(self) -> Org:
        """The provincial-level org (depth 1) this org lies in; the root for the root."""
        org = self
        while org.depth > 1:
            assert org.parent is not None
            org = org.parent
        return org

    @property
    def province_key(self) -> int:
        """The province key of rows at this org (decision 0078)."""
        return self.province_body.id

    def row(self, now: object) -> tuple:
        return (self.id, self.parent.id if self.parent else None, self.path, self.depth, self.category,
                self.short_name, self.full_name, self.industry, self.sort_order, self.school_code,
                self.graduation_date, False, now)


ORG_COLUMNS = ("id", "parent_id", "path", "depth", "category", "short_name", "full_name", "industry", "sort_order",
               "school_code", "graduation_date", "category_changed", "created_at")


def split(total: int, lo: int, hi: int, rng: random.Random) -> list[int]:
    """Sizes in [3, 50] (ORG-12), each drawn from lo..hi where possible, that add up to total (≥ 3)."""
    sizes = []
    while total > hi:
        size = rng.randint(lo, hi)
        if total - size < LO:
            size = total - LO
        sizes.append(size)
        total -= size
    sizes.append(total)
    return sizes


def shares(total: int, weights: list[float], minimum: int) -> list[int]:
    """total split by weights, each part at least `minimum` (the caller makes sure total allows it)."""
    whole = sum(weights)
    parts = [max(minimum, int(total * w / whole)) for w in weights]
    parts[-1] += total - sum(parts)
    while parts[-1] < minimum:  # the minimums took too much: take back from the largest
        i = max(range(len(parts) - 1), key=parts.__getitem__)
        parts[i] -= 1
        parts[-1] += 1
    return parts


class Planner:
    """Builds the tree depth first (a county's branches one after another: its numbers stay one range)."""

    def __init__(self, rng: random.Random, first_id: int, as_of: date):
        self.rng, self.next_id, self.as_of = rng, first_id, as_of
        self.orgs: list[Org] = []
        self.names: dict[int, set[str]] = {}
        self.school_codes = 0

    def add(self, parent: Org, category: str, short: str, full: str, industry: str, **kw: object) -> Org:
        taken = self.names.setdefault(parent.id, set())
        base_short, base_full, n = short, full, 1
        while full in taken:  # full names are unique among siblings (ORG-3)
            n += 1
            short, full = f"{base_short}{n}", base_full.replace("共青团", f"共青团第{n}", 1)
        taken.add(full)
        org = Org(self.next_id, parent, child_path(parent.path, self.next_id), parent.depth + 1, category, short,
                  full, industry, parent.children, parent.province, **kw)  # type: ignore[arg-type]
        parent.children += 1
        self.next_id += 1
        self.orgs.append(org)
        return org

    def place(self, suffix: str) -> str:
        return "".join(self.rng.sample(PLACE, 2)) + suffix

    # provincial-level units ------------------------------------------------------------------------------

    def province(self, root: Org, unit: Province, budget: int) -> None:
        body = self.add(root, values.LEADING_BODY, unit.short_name, unit.full_name, "党政机关")
        body.province = unit
        budget -= self.organ(body, budget, spare=LO)
        if unit.is_system:
            self.units(body, budget, body, ("soe", "soe", "gov", "private"))
            return
        counties = max(1, min(budget // LO, round(budget / COUNTY_MEMBERS)))
        cities = max(1, round(counties / COUNTIES_A_CITY))
        per_city = shares(budget, [self.rng.uniform(0.6, 1.4) for _ in range(cities)], LO * -(-counties // cities))
        for i, city_budget in enumerate(per_city):
            name = unit.capital if i == 0 else self.place("")
            if unit.municipality:
                city = self.add(body, values.LEADING_BODY, f"{name}团区委" if i else f"{name}中心城区团区委",
                                f"共青团{unit.short}市{name}区委员会", "党政机关")
            else:
                city = self.add(body, values.LEADING_BODY, f"{name}团市委", f"共青团{name}市委员会", "党政机关")
            n = max(1, min(-(-counties // cities), city_budget // LO))
            city_budget -= self.organ(city, city_budget, spare=LO * n)
            for county_budget in shares(city_budget, [self.rng.uniform(0.5, 1.5) for _ in range(n)], LO):
                suffix = self.rng.choice(("县", "区", "县", "市"))
                name = self.place(suffix)
                county = self.add(city, values.LEADING_BODY, f"{name}团{'县' if suffix == '县' else '区'}委"
                                  if suffix != "市" else f"{name}团市委", f"共青团{city.short_name[:-3]}{name}委员会",
                                  "党政机关")
                county_budget -= self.organ(county, county_budget, spare=LO)
                self.units(county, county_budget, county, KINDS)

    def organ(self, body: Org, budget: int, spare: int) -> int:
        """The body's own 机关团支部: its cadres and staff; its size comes out of the budget, leaving `spare`."""
        size = min(self.rng.randint(4, 12), budget - spare)
        if size < LO:
            return 0
        branch = self.add(body, values.BRANCH, f"{body.short_name}机关团支部", f"{body.full_name}机关支部",
                          "党政机关", kind="organ", size=size, owner=self.owner_of(body))
        branch.posts = [(body, post) for post in ("书记", "副书记", "委员")]
        return size

    def owner_of(self, body: Org) -> Org:
        """Numbers come from the county's segments, or the provincial-level body's for what lies above."""
        return body if body.depth in (1, 3) else body.province_body

    # grassroots ------------------------------------------------------------------------------------------

    def units(self, parent: Org, budget: int, owner: Org, kinds: tuple[str, ...]) -> None:
        while budget >= LO:
            kind = self.rng.choice(kinds)
            target = min(budget, self.rng.randint(*UNIT_SIZE_RANGE[kind]))
            if budget - target < LO:
                target = budget
            MAKERS[kind](self, parent, owner, target)
            budget -= target

    def committee(self, parent: Org, owner: Org, total: int, kind: str, category: str, short: str, full: str,
                  industry: str, branch: str, lo: int, hi: int, **kw: object) -> Org:
        unit = self.add(parent, category, short, full, industry, **kw)
        for k, size in enumerate(split(total, lo, hi, self.rng), start=1):
            b = self.add(unit, values.BRANCH, f"{branch}{k}团支部", f"{full.removesuffix('委员会')}{branch}{k}支部",
                         industry, kind=kind, size=size, owner=owner)
            if k == 1:
                b.posts = [(unit, "书记"), (unit, "副书记")]
        return unit

    def university(self, parent: Org, owner: Org, total: int) -> None:
        name = self.place(self.rng.choice(UNIVERSITIES))
        unit = self.add(parent, "团委", f"{name}团委", f"共青团{name}委员会", "普通高等院校",
                        school_code=self.school_code(parent))
        colleges = self.rng.sample(COLLEGES, min(len(COLLEGES), max(1, total // 250)))
        for c, budget in enumerate(shares(total, [1.0] * len(colleges), LO)):
            college = self.add(unit, "团总支", f"{colleges[c]}学院团总支",
                               f"共青团{name}{colleges[c]}学院总支部委员会", "普通高等院校")
            for k, size in enumerate(split(budget, 25, 45, self.rng), start=1):
                grade = self.as_of.year - k % 4
                b = self.add(college, values.BRANCH, f"{colleges[c]}{grade % 100:02d}{k:02d}班团支部",
                             f"共青团{name}{colleges[c]}学院{grade % 100:02d}{k:02d}班支部", "普通高等院校",
                             kind="univ", size=size, owner=owner, graduation_date=date(grade + 4, 6, 30))
                if k == 1:  # the first class's members also hold the college's posts, and the school's
                    b.posts = [(college, "书记"), (college, "副书记")] + ([(unit, "书记"), (unit, "副书记")]
                                                                          if c == 0 else [])

    def school(self, parent: Org, owner: Org, total: int, kind: str, industry: str, suffix: str, years: int) -> None:
        name = self.place(suffix)
        unit = self.add(parent, "团委", f"{name}团委", f"共青团{name}委员会", industry,
                        school_code=self.school_code(parent))
        for k, size in enumerate(split(total, 25, 50, self.rng), start=1):
            grade = self.as_of.year - k % years
            b = self.add(unit, values.BRANCH, f"{grade}级{k}班团支部", f"共青团{name}{grade}级{k}班支部", industry,
                         kind=kind, size=size, owner=owner, graduation_date=date(grade + years, 6, 30))
            if k == 1:
                b.posts = [(unit, "书记"), (unit, "副书记")]

    def school_code(self, org: Org) -> str:
        """学校标识码 (ORG-5): 10 digits, 4 and the province's code first, as the ministry's codes are."""
        self.school_codes += 1
        code = org.province.code if org.province.code != "00" else "11"
        return f"4{code}{self.school_codes:07d}"


KINDS = ("univ", "voc", "high", "high", "middle", "middle", "soe", "private", "private", "gov", "community",
         "community", "village", "village", "village")
UNIT_SIZE_RANGE = {"univ": (400, 2_000), "voc": (120, 600), "high": (150, 700), "middle": (60, 300),
                   "soe": (30, 300), "private": (5, 80), "gov": (10, 80), "community": (15, 80), "village": (15, 90)}
MAKERS = {
    "univ": lambda p, parent, owner, n: p.university(parent, owner, n),
    "voc": lambda p, parent, owner, n: p.school(parent, owner, n, "voc", "职业教育学校", "职业技术学校", 3),
    "high": lambda p, parent, owner, n: p.school(parent, owner, n, "high", "普通高中", "中学", 3),
    "middle": lambda p, parent, owner, n: p.school(parent, owner, n, "middle", "初中", "初级中学", 3),
    "soe": lambda p, parent, owner, n: p.committee(
        parent, owner, n, "soe", "团委", *_named(p, "集团有限公司", "团委"), "国有企业", "车间", 5, 30),
    "private": lambda p, parent, owner, n: p.committee(
        parent, owner, n, "private", "团委", *_named(p, "科技有限公司", "团委"), "非公企业", "部门", 3, 20),
    "gov": lambda p, parent, owner, n: p.committee(
        parent, owner, n, "gov", "团工委", *_named(p, "机关", "团工委", "工作"), "党政机关", "处室", 3, 15),
    "community": lambda p, parent, owner, n: p.committee(
        parent, owner, n, "community", "团工委", *_named(p, "街道", "团工委", "工作"), "城市社区", "社区", 3, 15),
    "village": lambda p, parent, owner, n: p.committee(
        parent, owner, n, "village", "团委", *_named(p, "镇", "团委"), "农村", "村", 3, 12),
}


def _named(p: Planner, suffix: str, short_suffix: str, kind: str = "") -> tuple[str, str]:
    name = p.place(suffix)
    return f"{name}{short_suffix}", f"共青团{name}{kind}委员会"


def branches(orgs: list[Org]) -> Iterator[Org]:
    return (o for o in orgs if o.kind)
