"""X-3 entry progress and X-5 school progress of one org, per direct child and per domain.

Completion standards (X-3): a leading body is complete when it has cadres and all are complete; a committee
when at least 2 of its cadres are complete; a branch when at least 3 of its people (members or cadres) are
complete (ORG-12's size); a person by MEM-16. Branches are 团支部 and 毕业生团组织 (a system-made 待接转团支部
holds people between branches and is not counted as one, though its people count as entered); grassroots
orgs are committees and branches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from zhtj.domain.shared import values

BRANCHES = (values.BRANCH, values.GRADUATE_ORG)
LEADING_BODY = "团的领导机关"
COMMITTEE_MIN_COMPLETE = 2
BRANCH_MIN_COMPLETE = values.BRANCH_MIN_MEMBERS


@dataclass(frozen=True)
class OrgFacts:
    """One org with its live counters."""

    id: int
    parent_id: int | None
    path: str
    category: str
    industry: str | None
    school_code: str | None
    members: int = 0  # members (ACTIVE) whose branch it is
    members_complete: int = 0
    people_complete: int = 0  # complete people who are members of it or hold a post in it, each once
    cadres: int = 0  # posts held in it (not 无职务)
    cadres_complete: int = 0

    @property
    def domain(self) -> str | None:
        return values.DOMAIN_OF_INDUSTRY.get(self.industry or "")


def standard_met(org: OrgFacts) -> bool:
    if org.category == LEADING_BODY:
        return org.cadres > 0 and org.cadres_complete == org.cadres
    if org.category in values.COMMITTEE_CATEGORIES:
        return org.cadres_complete >= COMMITTEE_MIN_COMPLETE
    return org.people_complete >= BRANCH_MIN_COMPLETE


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass
class Tally:
    branches_total: int = 0
    branches_complete: int = 0
    members_entered: int = 0
    members_complete: int = 0
    grassroots_total: int = 0
    cadres_entered: int = 0
    cadres_complete: int = 0
    leading_bodies_total: int = 0
    leading_bodies_complete: int = 0
    committees_total: int = 0
    committees_complete: int = 0

    def add(self, org: OrgFacts) -> None:
        self.members_entered += org.members
        self.members_complete += org.members_complete
        self.cadres_entered += org.cadres
        self.cadres_complete += org.cadres_complete
        met = standard_met(org)
        if org.category in BRANCHES:
            self.branches_total += 1
            self.branches_complete += met
        if org.category in values.COMMITTEE_CATEGORIES:
            self.committees_total += 1
            self.committees_complete += met
        if org.category == LEADING_BODY:
            self.leading_bodies_total += 1
            self.leading_bodies_complete += met
        if org.category in BRANCHES or org.category in values.COMMITTEE_CATEGORIES:
            self.grassroots_total += 1

    @property
    def branches_complete_share(self) -> float:
        return share(self.branches_complete, self.branches_total)

    @property
    def members_complete_share(self) -> float:
        return share(self.members_complete, self.members_entered)


@dataclass
class Progress:
    total: Tally
    by_child: list[tuple[OrgFacts, Tally]] = field(default_factory=list)


def entry_progress(org: OrgFacts, below: Iterable[OrgFacts], children: Sequence[OrgFacts],
                   domain: str | None = None) -> Progress:
    """X-3 for `org` (itself and everything below) and for each direct child's subtree; with `domain`, only
    orgs whose industry lies in that domain count (their people with them)."""
    rows = {c.path: Tally() for c in children}
    total = Tally()
    for facts in (org, *below):
        if domain is not None and facts.domain != domain:
            continue
        total.add(facts)
        rest = facts.path[len(org.path):]
        if rest:
            child_path = org.path + rest.split("/", 1)[0] + "/"
            if child_path in rows:
                rows[child_path].add(facts)
    return Progress(total, [(c, rows[c.path]) for c in children])


def is_school(org: OrgFacts, parent: OrgFacts | None) -> bool:
    """X-5, ORG-5: a school's own org: a school industry, not a leading body, under an org that is no school."""
    in_school = org.industry in values.SCHOOL_INDUSTRIES and org.category != LEADING_BODY
    return in_school and (parent is None or parent.industry not in values.SCHOOL_INDUSTRIES
                          or parent.category == LEADING_BODY)


def school_progress(orgs: Sequence[OrgFacts], parents: dict[int, OrgFacts]
                    ) -> tuple[list[OrgFacts], list[OrgFacts]]:
    """X-5: schools with an org but no institution code; schools with a code but no branch below them."""
    by_id = {o.id: o for o in orgs}
    schools = [o for o in orgs if is_school(o, by_id.get(o.parent_id or 0) or parents.get(o.parent_id or 0))]
    without_code = [s for s in schools if not s.school_code]
    school_paths = {s.path for s in schools}
    with_branch: set[str] = set()
    for o in orgs:
        if o.category in BRANCHES:  # each org above the branch, read off its path
            parts = o.path.strip("/").split("/")[:-1]
            with_branch.update(p for p in ("/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1))
                               if p in school_paths)
    without_branch = [s for s in schools if s.school_code and s.category not in BRANCHES
                      and s.path not in with_branch]
    return without_code, without_branch
