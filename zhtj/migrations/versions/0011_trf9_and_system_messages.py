"""流动团支部 flag and the graduates' destination on transfers (TRF-9); system messages and who read them (X-2)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("floating", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employed", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("employer_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("workplace_town", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("household_town", sa.String(length=50), nullable=True))
    op.create_table(
        "system_messages",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("member_id", BIG, nullable=True),
        sa.Column("org_id", BIG, nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("item_type", sa.String(length=40), nullable=True),
        sa.Column("item_id", BIG, nullable=True),
        sa.CheckConstraint("(member_id IS NULL) <> (org_id IS NULL)", name=op.f("ck_system_messages_one_recipient")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_system_messages_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_system_messages_org_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_messages")),
    )
    op.create_index(op.f("ix_system_messages_member_id_created_at"), "system_messages", ["member_id", "created_at"],
                    unique=False)
    op.create_index(op.f("ix_system_messages_org_id_created_at"), "system_messages", ["org_id", "created_at"],
                    unique=False)
    op.create_table(
        "message_reads",
        sa.Column("message_id", BIG, nullable=False),
        sa.Column("member_id", BIG, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["system_messages.id"],
                                name=op.f("fk_message_reads_message_id_system_messages"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_message_reads_member_id_members"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "member_id", name=op.f("pk_message_reads")),
    )
    op.create_index(op.f("ix_message_reads_member_id"), "message_reads", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_message_reads_member_id"), table_name="message_reads")
    op.drop_table("message_reads")
    op.drop_index(op.f("ix_system_messages_org_id_created_at"), table_name="system_messages")
    op.drop_index(op.f("ix_system_messages_member_id_created_at"), table_name="system_messages")
    op.drop_table("system_messages")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_column("household_town")
        batch_op.drop_column("workplace_town")
        batch_op.drop_column("employer_name")
        batch_op.drop_column("employed")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("floating")
