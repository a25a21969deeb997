"""ZHTJ_CORS_ORIGINS, ZHTJ_PERSISTED_ONLY and ZHTJ_PERSISTED_FILE as the environment gives them (decisions 0040,
0043): exact origins only, none by default; persisted-only off unless asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhtj import settings as settings_module


@pytest.fixture
def env(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "k")
    for name in ("ZHTJ_CORS_ORIGINS", "ZHTJ_PERSISTED_ONLY", "ZHTJ_PERSISTED_FILE", "ZHTJ_ENV"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_allow_no_origin_and_any_document(env, tmp_path):
    loaded = settings_module.load(tmp_path)
    assert loaded.cors_origins == () and loaded.persisted_only is False
    assert loaded.persisted_file == tmp_path / "zhtj-persisted.json"


def test_origins_are_a_comma_list_of_exact_origins(env, tmp_path):
    env.setenv("ZHTJ_CORS_ORIGINS", " https://Tuan.example.cn, http://localhost:5173 ,,http://[::1]:3000")
    assert settings_module.load(tmp_path).cors_origins == (
        "https://tuan.example.cn", "http://localhost:5173", "http://[::1]:3000")


@pytest.mark.parametrize("bad", ["*", "https://tuan.example.cn/", "tuan.example.cn", "https://a.cn/path",
                                 "ftp://a.cn", "https://a.cn:80:80"])
def test_anything_else_stops_the_start(env, tmp_path, bad):
    env.setenv("ZHTJ_CORS_ORIGINS", bad)
    with pytest.raises(ValueError, match="ZHTJ_CORS_ORIGINS"):
        settings_module.load(tmp_path)


def test_persisted_only_and_its_manifest(env, tmp_path):
    env.setenv("ZHTJ_PERSISTED_ONLY", "on")
    env.setenv("ZHTJ_PERSISTED_FILE", str(tmp_path / "m.json"))
    loaded = settings_module.load(tmp_path)
    assert loaded.persisted_only is True and loaded.persisted_file == tmp_path / "m.json"
