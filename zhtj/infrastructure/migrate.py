"""Alembic, driven from the command line and from `serve` (which upgrades first)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import zhtj

PROJECT_DIR = Path(zhtj.__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    ini = PROJECT_DIR / "alembic.ini"
    if not ini.exists():
        raise RuntimeError(f"migrations not found beside the package ({ini}); install with pip install -e .")
    config = Config(str(ini))
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)

