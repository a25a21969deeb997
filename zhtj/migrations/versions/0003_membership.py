"""membership: member profile fields, cadre posts, reset codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# BIGINT ids on PostgreSQL; INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "password_reset_codes",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("account_id", BigId, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", BigId, nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_password_reset_codes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["members.id"], name=op.f("fk_password_reset_codes_issued_by_members"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_password_reset_codes_code_hash")),
    )
    with op.batch_alter_table("password_reset_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_codes_account_id"), ["account_id"], unique=False)

    with op.batch_alter_table("cadre_positions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointment_method", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("cadre_nature", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("on_party_committee", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("on_duty", sa.String(length=10), nullable=True))

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("ethnicity_note", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("occupation", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("study_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("job_type", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("education", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("development_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("party_join_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("is_cadre", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("household_address", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("qq", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("wechat", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("weibo", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("submitted_party_application", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("party_application_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("registered_volunteer", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("volunteer_since", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("verification", sa.String(length=10), server_default="未校验", nullable=False))
        batch_op.add_column(sa.Column("verification_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("verification_photo", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("verification_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=20), server_default="ACTIVE", nullable=False))
        batch_op.add_column(sa.Column("report_submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("report_return_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("graduate", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_members_development_number"), ["development_number"], unique=True)
        batch_op.create_index(batch_op.f("ix_members_status_branch_id"), ["status", "branch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_status_branch_id"))
        batch_op.drop_index(batch_op.f("ix_members_development_number"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("graduate")
        batch_op.drop_column("report_return_reason")
        batch_op.drop_column("report_submitted_at")
        batch_op.drop_column("status")
        batch_op.drop_column("verification_checked_at")
        batch_op.drop_column("verification_photo")
        batch_op.drop_column("verification_note")
        batch_op.drop_column("verification")
        batch_op.drop_column("volunteer_since")
        batch_op.drop_column("registered_volunteer")
        batch_op.drop_column("party_application_date")
        batch_op.drop_column("submitted_party_application")
        batch_op.drop_column("weibo")
        batch_op.drop_column("wechat")
        batch_op.drop_column("qq")
        batch_op.drop_column("email")
        batch_op.drop_column("household_address")
        batch_op.drop_column("is_cadre")
        batch_op.drop_column("party_join_date")
        batch_op.drop_column("development_number")
        batch_op.drop_column("education")
        batch_op.drop_column("job_type")
        batch_op.drop_column("study_status")
        batch_op.drop_column("occupation")
        batch_op.drop_column("ethnicity_note")
        batch_op.drop_column("ethnicity")

    with op.batch_alter_table("cadre_positions", schema=None) as batch_op:
        batch_op.drop_column("on_duty")
        batch_op.drop_column("on_party_committee")
        batch_op.drop_column("cadre_nature")
        batch_op.drop_column("appointment_method")

    with op.batch_alter_table("password_reset_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_codes_account_id"))

    op.drop_table("password_reset_codes")
