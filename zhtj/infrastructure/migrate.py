"""Alembic, driven from the command line and from `serve` (which upgrades first). The migrations ship inside
the package (zhtj/migrations), so an installed wheel migrates its database like a checkout does."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import zhtj

SCRIPTS = Path(zhtj.__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
