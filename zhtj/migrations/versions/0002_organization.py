"""organization: admin codes, migrations, downloads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# BIGINT ids on PostgreSQL; INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_codes",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("org_id", BigId, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", BigId, nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", BigId, nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["members.id"], name=op.f("fk_admin_codes_issued_by_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_admin_codes_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["used_by"], ["members.id"], name=op.f("fk_admin_codes_used_by_members"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_admin_codes_code_hash")),
    )
    op.create_index("ix_admin_codes_org_id", "admin_codes", ["org_id"], unique=False)

    op.create_table(
        "org_migrations",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("org_id", BigId, nullable=False),
        sa.Column("old_parent_id", BigId, nullable=False),
        sa.Column("new_parent_id", BigId, nullable=False),
        sa.Column("requested_by", BigId, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("old_parent_approved_by", BigId, nullable=True),
        sa.Column("old_parent_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", BigId, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["members.id"], name=op.f("fk_org_migrations_decided_by_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["new_parent_id"],
            ["organizations.id"],
            name=op.f("fk_org_migrations_new_parent_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["old_parent_approved_by"],
            ["members.id"],
            name=op.f("fk_org_migrations_old_parent_approved_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["old_parent_id"],
            ["organizations.id"],
            name=op.f("fk_org_migrations_old_parent_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_org_migrations_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["members.id"], name=op.f("fk_org_migrations_requested_by_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_migrations")),
    )
    op.create_index("ix_org_migrations_org_id", "org_migrations", ["org_id"], unique=False)
    op.create_index("ix_org_migrations_status_requested_at", "org_migrations", ["status", "requested_at"], unique=False)

    op.create_table(
        "downloads",
        sa.Column("id", sa.String(length=43), nullable=False),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_downloads_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downloads")),
    )


def downgrade() -> None:
    op.drop_table("downloads")
    op.drop_index("ix_org_migrations_status_requested_at", table_name="org_migrations")
    op.drop_index("ix_org_migrations_org_id", table_name="org_migrations")

    op.drop_table("org_migrations")
    op.drop_index("ix_admin_codes_org_id", table_name="admin_codes")

    op.drop_table("admin_codes")
