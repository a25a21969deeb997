"""The storage schema. Domain classes are plain dataclasses mapped onto these tables imperatively,
so the domain never imports SQLAlchemy (cosmicpython's orm.py)."""

from zhtj.infrastructure.tables.schema import metadata, start_mappers

__all__ = ["metadata", "start_mappers"]
