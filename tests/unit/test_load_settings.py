"""ZHTJ_DB_POOL_SIZE, ZHTJ_DB_MAX_OVERFLOW, ZHTJ_PASSWORD_HASHES and ZHTJ_WAIT_SECONDS (decisions 0065, 0066):
documented defaults, and a wrong value stops the start instead of being replaced."""

from __future__ import annotations

import pytest

from zhtj import settings

NAMES = ("ZHTJ_DB_POOL_SIZE", "ZHTJ_DB_MAX_OVERFLOW", "ZHTJ_PASSWORD_HASHES", "ZHTJ_WAIT_SECONDS")


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "k" * 40)


def test_the_defaults(tmp_path):
    s = settings.load(tmp_path)
    assert (s.db_pool_size, s.db_max_overflow, s.password_hashes, s.wait_seconds) == (20, 10, 0, 30.0)


def test_values_from_the_environment(tmp_path, monkeypatch):
    for name, value in zip(NAMES, ("40", "0", "3", "7.5"), strict=True):
        monkeypatch.setenv(name, value)
    s = settings.load(tmp_path)
    assert (s.db_pool_size, s.db_max_overflow, s.password_hashes, s.wait_seconds) == (40, 0, 3, 7.5)


@pytest.mark.parametrize(("name", "value"), [
    ("ZHTJ_DB_POOL_SIZE", "0"), ("ZHTJ_DB_POOL_SIZE", "many"), ("ZHTJ_DB_MAX_OVERFLOW", "-1"),
    ("ZHTJ_PASSWORD_HASHES", "1.5"), ("ZHTJ_WAIT_SECONDS", "0"), ("ZHTJ_WAIT_SECONDS", "-3"),
    ("ZHTJ_WAIT_SECONDS", "nan"), ("ZHTJ_WAIT_SECONDS", "inf"), ("ZHTJ_WAIT_SECONDS", "soon"),
])
def test_a_wrong_value_stops_the_start(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.load(tmp_path)
