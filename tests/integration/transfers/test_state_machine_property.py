"""TRF-1..5 as a property (hypothesis stateful testing): random starts from every side, approvals with and without
a branch assigned, returns, withdrawals, batches (TRF-4) and clock jumps with the jobs run (TRF-5). After every
step each member is in exactly one branch, has at most one running transfer, and a running transfer starts from
the member's branch. The services run on the real database; hypothesis drives them from a worker thread."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import count

from factories import add_org, add_person
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from machines import machine_loop
from sqlalchemy import select

from zhtj.domain.identity.services import Viewer
from zhtj.domain.shared.clock import FixedClock
from zhtj.domain.shared.errors import DomainError
from zhtj.domain.transfers import batch, services
from zhtj.domain.transfers.model import RUNNING, Transfer
from zhtj.infrastructure.jobs import run_once
from zhtj.infrastructure.tables.schema import transfers
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

_worlds = count()
REASONS = st.sampled_from(["就业", "升学", "其他"])


async def _world(db, root, hasher, clock):
    """甲 > 委A > 支1, 支2, 支3; 甲 > 委B > 支4. Admins of 甲, 委A, 支1, 委B; four members in 支1 and 支2."""
    n = next(_worlds)
    uow = SqlUnitOfWork(db.write_sessions)
    province = await add_org(uow, root, f"甲{n}")
    a = await add_org(uow, province, f"委A{n}", category="团委", industry="国有企业")
    b = await add_org(uow, province, f"委B{n}", category="团委", industry="国有企业")
    branches = [await add_org(uow, a, f"支{i}-{n}", category="团支部", industry="国有企业") for i in (1, 2, 3)]
    branches.append(await add_org(uow, b, f"支4-{n}", category="团支部", industry="国有企业"))
    admins = []
    for org in (province, a, branches[0], b):
        person, _ = await add_person(uow, hasher, clock, name=f"管{org.short_name}", password="Guanli2026x",
                                     admin_of=org)
        admins.append(person)
    members = [(await add_person(uow, hasher, clock, name=f"员{i}", branch=branches[i % 2], password="Tuan2026x"))[0]
               for i in range(4)]
    viewers = {}
    async with uow:
        for person, orgs in [(p, (o,)) for p, o in zip(admins, (province, a, branches[0], b), strict=True)] + \
                [(m, ()) for m in members]:
            account = await uow.accounts.by_id_number(person.id_number)
            viewers[person.id] = Viewer(account=account, member=await uow.members.get(person.id), admin_of=orgs)
    return {"branches": branches, "committees": [a, b], "admins": admins, "members": members, "viewers": viewers}


async def test_trf_state_machine_keeps_every_member_in_one_branch(db, root, hasher, database_url):
    """`db` empties the tables afterwards; the machine runs in a thread with its own loop and engine."""
    await asyncio.to_thread(_machine, root, hasher, database_url)


def _machine(root, hasher, database_url):
    with machine_loop(database_url) as (run, db):
        clock = FixedClock(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))

        class Transfers(RuleBasedStateMachine):
            def __init__(self):
                super().__init__()
                self.w = run(_world(db, root, hasher, clock))
                self.ids: list[int] = []

            async def _branch_of(self, member):
                async with SqlUnitOfWork(db.read_sessions) as uow:
                    return (await uow.members.get(member.id)).branch_id

            def _call(self, use_case, **kwargs):
                async def go():
                    async with SqlUnitOfWork(db.write_sessions) as uow:
                        return await use_case(uow=uow, clock=clock, **kwargs)
                try:
                    return run(go())
                except DomainError:
                    return None

            @rule(m=st.integers(0, 3), to=st.integers(0, 5), side=st.sampled_from(["self", "source", "target"]),
                  reason=REASONS)
            def start(self, m, to, side, reason):
                member = self.w["members"][m]
                orgs = [o for o in self.w["branches"] + self.w["committees"] if o.id != run(self._branch_of(member))]
                org = orgs[to % len(orgs)]  # never the member's own branch: that answer is tested elsewhere
                if side == "self":
                    viewer, extra = self.w["viewers"][member.id], {"member_id": member.id}
                elif side == "source":
                    viewer, extra = self.w["viewers"][self.w["admins"][1].id], {"member_id": member.id}
                else:
                    viewer = self.w["viewers"][self.w["admins"][3].id]
                    extra = {"name": member.name, "id_number": member.id_number}
                found = self._call(services.start_transfer, viewer=viewer, target_org_id=org.id, reason=reason, **extra)
                if found is not None:
                    self.ids.append(found.id)

            @rule(i=st.integers(0, 30), admin=st.integers(0, 3), assign=st.integers(-1, 3))
            def approve(self, i, admin, assign):
                if self.ids:
                    branch = self.w["branches"][assign].id if assign >= 0 else None
                    self._call(services.approve_transfer, viewer=self.w["viewers"][self.w["admins"][admin].id],
                               transfer_id=self.ids[i % len(self.ids)], assign_branch_id=branch)

            @rule(i=st.integers(0, 30), admin=st.integers(0, 3))
            def return_it(self, i, admin):
                if self.ids:
                    self._call(services.return_transfer, viewer=self.w["viewers"][self.w["admins"][admin].id],
                               transfer_id=self.ids[i % len(self.ids)], reason="不同意")

            @rule(i=st.integers(0, 30), who=st.integers(0, 7))
            def withdraw(self, i, who):
                if self.ids:
                    people = self.w["admins"] + self.w["members"]
                    self._call(services.withdraw_transfer, viewer=self.w["viewers"][people[who].id],
                               transfer_id=self.ids[i % len(self.ids)])

            @rule(picked=st.sets(st.integers(0, 3), min_size=1, max_size=2), to=st.integers(0, 3),
                  admin=st.sampled_from([0, 1]))
            def batch_move(self, picked, to, admin):
                self._call(batch.batch_transfer, viewer=self.w["viewers"][self.w["admins"][admin].id],
                           member_ids=[self.w["members"][i].id for i in sorted(picked)],
                           target_branch_id=self.w["branches"][to].id, reason="其他")

            @rule(days=st.sampled_from([1, 4, 11]))
            def time_passes(self, days):
                clock.advance(days=days)
                run(run_once(db, clock, (6, 1)))

            @invariant()
            def one_branch_and_at_most_one_running_transfer(self):
                async def check():
                    async with SqlUnitOfWork(db.read_sessions) as uow:
                        ours = {b.id for b in self.w["branches"]}
                        for member in self.w["members"]:
                            found = await uow.members.get(member.id)
                            running = list(await uow.session.scalars(select(Transfer).where(
                                transfers.c.member_id == member.id, transfers.c.status.in_(RUNNING))))
                            assert found.branch_id in ours
                            assert len(running) <= 1
                            assert all(r.source_branch_id == found.branch_id for r in running)
                run(check())

        Transfers.TestCase.settings = settings(max_examples=15, stateful_step_count=25, deadline=None,
                                               suppress_health_check=list(HealthCheck))
        Transfers.TestCase().runTest()
