"""platform: organizations, members, accounts, tokens, admins, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# BIGINT ids on PostgreSQL; INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_member_id", BigId, nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_actor_member_id", "audit_log", ["actor_member_id"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)

    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_table(
        "organizations",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("parent_id", BigId, nullable=True),
        sa.Column(
            "path",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=30), nullable=True),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("school_code", sa.String(length=30), nullable=True),
        sa.Column("graduation_date", sa.Date(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("category_changed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("parent_id", "full_name", name=op.f("uq_organizations_parent_id_full_name")),
    )
    op.create_index("ix_organizations_full_name", "organizations", ["full_name"], unique=False)
    op.create_index("ix_organizations_parent_id_sort_order", "organizations", ["parent_id", "sort_order"], unique=False)
    op.create_index("ix_organizations_path", "organizations", ["path"], unique=True)

    op.create_table(
        "members",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("gender", sa.String(length=2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("branch_id", BigId, nullable=True),
        sa.Column("political_status", sa.String(length=20), nullable=False),
        sa.Column("join_date", sa.String(length=7), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["organizations.id"],
            name=op.f("fk_members_branch_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    op.create_index("ix_members_branch_id", "members", ["branch_id"], unique=False)
    op.create_index("ix_members_id_number", "members", ["id_number"], unique=True)
    op.create_index("ix_members_name", "members", ["name"], unique=False)

    op.create_table(
        "accounts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_accounts_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("id_number", name=op.f("uq_accounts_id_number")),
        sa.UniqueConstraint("member_id", name=op.f("uq_accounts_member_id")),
    )
    op.create_table(
        "cadre_positions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("org_id", BigId, nullable=False),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("since", sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_cadre_positions_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_cadre_positions_org_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadre_positions")),
        sa.UniqueConstraint("member_id", "org_id", name=op.f("uq_cadre_positions_member_id_org_id")),
    )
    op.create_index("ix_cadre_positions_org_id", "cadre_positions", ["org_id"], unique=False)

    op.create_table(
        "org_admins",
        sa.Column("org_id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", BigId, nullable=True),
        sa.ForeignKeyConstraint(
            ["granted_by"], ["members.id"], name=op.f("fk_org_admins_granted_by_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_org_admins_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_org_admins_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "member_id", name=op.f("pk_org_admins")),
    )
    op.create_index("ix_org_admins_member_id", "org_admins", ["member_id"], unique=False)

    op.create_table(
        "auth_tokens",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_auth_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_tokens_token_hash")),
    )
    op.create_index("ix_auth_tokens_account_id", "auth_tokens", ["account_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_auth_tokens_account_id", table_name="auth_tokens")

    op.drop_table("auth_tokens")
    op.drop_index("ix_org_admins_member_id", table_name="org_admins")

    op.drop_table("org_admins")
    op.drop_index("ix_cadre_positions_org_id", table_name="cadre_positions")

    op.drop_table("cadre_positions")
    op.drop_table("accounts")
    op.drop_index("ix_members_name", table_name="members")
    op.drop_index("ix_members_id_number", table_name="members")
    op.drop_index("ix_members_branch_id", table_name="members")

    op.drop_table("members")
    op.drop_index("ix_organizations_path", table_name="organizations")
    op.drop_index("ix_organizations_parent_id_sort_order", table_name="organizations")
    op.drop_index("ix_organizations_full_name", table_name="organizations")

    op.drop_table("organizations")
    op.drop_table("login_throttles")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_audit_log_actor_member_id", table_name="audit_log")

    op.drop_table("audit_log")
