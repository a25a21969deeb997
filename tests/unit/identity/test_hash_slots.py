"""Password hashes run a bounded number at a time (decision 0065): a burst of logins queues behind its own
slots instead of taking every core, and a caller that waited ZHTJ_WAIT_SECONDS is told 服务繁忙."""

from __future__ import annotations

import asyncio
import threading

import pytest

from zhtj.domain.shared.errors import ServiceBusy
from zhtj.infrastructure.passwords import Argon2Hasher, HashSlots, default_slots


class CountingWork:
    """A blocking call, as argon2's is, that counts how many run at once; each waits until `size` overlap (or
    `patience` seconds pass), so a bound that lets more through is seen, and one that lets fewer is seen too."""

    def __init__(self, size: int, patience: float = 1.0):
        self.size, self.patience = size, patience
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self.full = threading.Event()

    def __call__(self, value: str) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            if self.running >= self.size:
                self.full.set()
        self.full.wait(self.patience)
        with self.lock:
            self.running -= 1
        return value


async def test_at_most_the_slots_run_at_once_and_every_call_is_answered_ACC1():
    slots, work = HashSlots(2), CountingWork(2)
    answers = await asyncio.gather(*(slots.run(work, str(k)) for k in range(8)))
    assert answers == [str(k) for k in range(8)]
    assert work.most == 2


async def test_one_slot_runs_one_at_a_time_ACC1():
    slots, work = HashSlots(1), CountingWork(2, patience=0.2)  # two would overlap if the bound let them
    await asyncio.gather(*(slots.run(work, "x") for _ in range(3)))
    assert work.most == 1


async def test_a_caller_that_waited_too_long_is_told_busy_and_the_slot_stays_usable_ACC1():
    slots, release = HashSlots(1, wait_seconds=0.05), threading.Event()
    held = asyncio.create_task(slots.run(release.wait, 5))
    await asyncio.sleep(0)  # the first call has its slot
    with pytest.raises(ServiceBusy) as raised:
        await slots.run(str, "waiting")
    assert (raised.value.code, raised.value.message) == ("SERVICE_BUSY", "服务繁忙，请稍后再试")
    release.set()
    assert await held is True
    assert await slots.run(str, "after") == "after"  # the timed-out waiter took no slot with it


async def test_hashes_checks_and_decoy_checks_all_take_a_slot_ACC1():
    class Counted(HashSlots):
        calls = 0

        async def run(self, work, *args):
            Counted.calls += 1
            return await super().run(work, *args)

    hasher = Argon2Hasher(slots=Counted(1), time_cost=1, memory_cost=8, parallelism=1)
    stored = await hasher.hash("Mima2026x")
    assert await hasher.verify(stored, "Mima2026x") and not await hasher.verify(stored, "wrong")
    await hasher.spend_like_verify("anything")
    assert not await hasher.verify(hasher.initial_hash("12345678"), "wrong")  # an initial password: a decoy check
    assert Counted.calls == 5


def test_the_default_is_half_the_cores_and_at_least_one(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert default_slots() == 4 and HashSlots().size == 4
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert default_slots() == 1
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert default_slots() == 1
    assert HashSlots(3).size == 3
