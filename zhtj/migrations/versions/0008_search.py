"""the X-1 search index (decision 0025) and the X-3 progress counters (decision 0026), filled from the tables

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _path() -> sa.String:
    return sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql")


revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_search",
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("path", _path(), nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_search_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term", "path", "member_id", name=op.f("pk_member_search")),
    )
    op.create_index(op.f("ix_member_search_member_id"), "member_search", ["member_id"])
    op.create_table(
        "org_search",
        sa.Column("term", sa.String(length=4), nullable=False),
        sa.Column("path", _path(), nullable=False),
        sa.Column("org_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_org_search_org_id_organizations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term", "path", "org_id", name=op.f("pk_org_search")),
    )
    op.create_index(op.f("ix_org_search_org_id"), "org_search", ["org_id"])
    op.create_table(
        "member_completeness",
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_completeness_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_completeness")),
    )
    op.create_table(
        "org_progress",
        sa.Column("org_id", BigId, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("members", "members_complete", "people_complete", "cadres", "cadres_complete")),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_org_progress_org_id_organizations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_org_progress")),
    )
    from zhtj.infrastructure import progress_counters, search_index

    search_index.rebuild(op.get_bind())
    progress_counters.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("org_progress")
    op.drop_table("member_completeness")
    op.drop_index(op.f("ix_org_search_org_id"), table_name="org_search")
    op.drop_table("org_search")
    op.drop_index(op.f("ix_member_search_member_id"), table_name="member_search")
    op.drop_table("member_search")
