"""The derived rows of a generated nation, made beside the rows they derive from (decision 0077): the search
index (X-1, decision 0025) and the entry-progress counters (X-3, decision 0026), with the domain's own functions
(`terms.name_terms`, `terms.org_terms`, `completeness.missing`), the same rules `search_index.rebuild` and
`progress_counters.rebuild` apply after the fact. A bulk load then writes them as it writes the members, and a
million members need no rebuild pass over the tables; the tests hold both ways to the same rows."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from functools import lru_cache

from zhtj.domain.progress import completeness
from zhtj.domain.search import terms
from zhtj.domain.shared.values import NO_POSITION
from zhtj.infrastructure.generate.people import MEMBER_COLUMNS, POSITION_COLUMNS
from zhtj.infrastructure.generate.tree import Org

MEMBER_SEARCH_COLUMNS = ("term", "path", "member_id")
ORG_SEARCH_COLUMNS = ("term", "path", "org_id")
COMPLETENESS_COLUMNS = ("member_id", "complete")
PROGRESS_COLUMNS = ("org_id", "members", "members_complete", "people_complete", "cadres", "cadres_complete")

MemberRow = namedtuple("MemberRow", MEMBER_COLUMNS)
PostRow = namedtuple("PostRow", POSITION_COLUMNS)

name_terms = lru_cache(maxsize=1 << 20)(terms.name_terms)  # namesakes are many (surname frequencies): one pinyin a name


class Derived:
    """Counts per org as branches come (every generated person is ACTIVE in their branch: the column's default)."""

    def __init__(self) -> None:
        # org id: [members, members_complete, people_complete, cadres, cadres_complete]
        self.counts: dict[int, list[int]] = {}

    def org_search(self, org: Org) -> Iterator[tuple]:
        if org.path:
            for term in terms.org_terms(org.full_name):
                yield (term, org.path, org.id)

    def branch(self, branch: Org, members: list[tuple], posts: list[tuple], archives: list[tuple],
               orgs: dict[int, Org]) -> Iterator[tuple[str, tuple]]:
        """The branch's people's completeness and index rows; their branch's and their posts' orgs counted."""
        held: dict[int, list[tuple[PostRow, Org]]] = {}
        for row in posts:
            post = PostRow(*row)
            if post.position != NO_POSITION:
                held.setdefault(post.member_id, []).append((post, orgs[post.org_id]))
        archived = {row[1] for row in archives}
        counts = self.counts
        for row in members:
            member = MemberRow(*row)
            mine = held.get(member.id, [])
            complete = not completeness.missing(member, [(post, org.category) for post, org in mine],
                                                member.id in archived)
            yield "member_completeness", (member.id, complete)
            done = int(complete)
            here = counts.setdefault(branch.id, [0, 0, 0, 0, 0])
            here[0] += 1
            here[1] += done
            here[2] += done
            paths = {branch.path} if branch.path else set()
            counted = {branch.id}
            for _post, org in mine:
                there = counts.setdefault(org.id, [0, 0, 0, 0, 0])
                there[3] += 1
                there[4] += done
                if org.id not in counted:
                    counted.add(org.id)
                    there[2] += done
                if org.path:
                    paths.add(org.path)
            for term in name_terms(member.name):
                for path in paths:
                    yield "member_search", (term, path, member.id)

    def progress(self, orgs: list[Org]) -> Iterator[tuple]:
        """Every org's counts row, zeros included (as `progress_counters` writes them)."""
        for org in orgs:
            yield (org.id, *self.counts.get(org.id, (0, 0, 0, 0, 0)))
