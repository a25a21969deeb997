"""ACC-1, decision 0030: an initial password is kept as a marked SHA-256, checked in argon2's time."""

from zhtj.infrastructure.passwords import INITIAL_PREFIX, Argon2Hasher


async def test_acc_1_initial_password_marker_verifies_only_the_right_password():
    hasher = Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1)
    stored = hasher.initial_hash("0112003X")
    assert stored.startswith(INITIAL_PREFIX) and "0112003X" not in stored
    assert await hasher.verify(stored, "0112003X")
    assert not await hasher.verify(stored, "0112003x")
    assert await hasher.verify(await hasher.hash("Xinmima2027"), "Xinmima2027")
