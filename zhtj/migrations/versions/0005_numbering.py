"""numbering: segments, number releases, e-archives (NUM-2, NUM-4, NUM-6)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# BIGINT ids on PostgreSQL; INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "number_segments",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("org_id", BigId, nullable=False),
        sa.Column("start_number", sa.String(length=12), nullable=False),
        sa.Column("end_number", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=10), nullable=False),
        sa.Column("school_level", sa.String(length=10), nullable=True),
        sa.Column("parent_id", BigId, nullable=True),
        sa.Column("allocated_by", BigId, nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("number_segments", "org_id", "organizations", "CASCADE"),
        _fk("number_segments", "parent_id", "number_segments", "CASCADE"),
        _fk("number_segments", "allocated_by", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_segments")),
    )
    with op.batch_alter_table("number_segments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_number_segments_year_start_number"), ["year", "start_number"])
        batch_op.create_index(batch_op.f("ix_number_segments_org_id"), ["org_id"])
        batch_op.create_index(batch_op.f("ix_number_segments_parent_id"), ["parent_id"])

    op.create_table(
        "number_releases",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("holder_id", BigId, nullable=False),
        sa.Column("owner_org_id", BigId, nullable=False),
        sa.Column("requested_by", BigId, nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", BigId, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusal", sa.Text(), nullable=True),
        _fk("number_releases", "member_id", "members", "CASCADE"),
        _fk("number_releases", "holder_id", "members", "CASCADE"),
        _fk("number_releases", "owner_org_id", "organizations", "CASCADE"),
        _fk("number_releases", "requested_by", "members", "SET NULL"),
        _fk("number_releases", "decided_by", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_releases")),
    )
    with op.batch_alter_table("number_releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_number_releases_number_status"), ["number", "status"])
        batch_op.create_index(batch_op.f("ix_number_releases_owner_org_id_status"), ["owner_org_id", "status"])

    op.create_table(
        "member_archives",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("stored_name", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", BigId, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reviewed_by", BigId, nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusal", sa.Text(), nullable=True),
        sa.Column("replacement_name", sa.String(length=100), nullable=True),
        sa.Column("replacement_sha256", sa.String(length=64), nullable=True),
        sa.Column("replacement_size", sa.Integer(), nullable=True),
        sa.Column("replacement_by", BigId, nullable=True),
        sa.Column("replacement_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replacement_refusal", sa.Text(), nullable=True),
        _fk("member_archives", "member_id", "members", "CASCADE"),
        _fk("member_archives", "uploaded_by", "members", "SET NULL"),
        _fk("member_archives", "reviewed_by", "members", "SET NULL"),
        _fk("member_archives", "replacement_by", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_archives")),
        sa.UniqueConstraint("member_id", name=op.f("uq_member_archives_member_id")),
    )
    with op.batch_alter_table("member_archives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_archives_status"), ["status"])


def downgrade() -> None:
    op.drop_table("member_archives")
    op.drop_table("number_releases")
    op.drop_table("number_segments")
