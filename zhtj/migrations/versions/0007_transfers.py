"""transfers: transfers and their steps (TRF-1..10), job runs, 延期毕业 and 超龄离团 flags (ORG-11, MEM-6)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# BIGINT ids on PostgreSQL; INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = sa.text("status IN ('AWAITING_SOURCE', 'AWAITING_TARGET', 'AWAITING_ASSIGNMENT')")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("source_branch_id", BigId, nullable=True),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step_org_id", BigId, nullable=True),
        sa.Column("target_org_id", BigId, nullable=True),
        sa.Column("target_branch_id", BigId, nullable=True),
        sa.Column("external_system", sa.String(length=10), nullable=True),
        sa.Column("target_name", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("started_by", BigId, nullable=True),
        sa.Column("started_side", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        _fk("transfers", "member_id", "members", "CASCADE"),
        _fk("transfers", "source_branch_id", "organizations", "SET NULL"),
        _fk("transfers", "step_org_id", "organizations", "SET NULL"),
        _fk("transfers", "target_org_id", "organizations", "SET NULL"),
        _fk("transfers", "target_branch_id", "organizations", "SET NULL"),
        _fk("transfers", "started_by", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index("ix_transfers_one_running_per_member", ["member_id"], unique=True,
                              postgresql_where=RUNNING, sqlite_where=RUNNING)
        batch_op.create_index(batch_op.f("ix_transfers_member_id_started_at"), ["member_id", "started_at"])
        batch_op.create_index(batch_op.f("ix_transfers_status_step_started_at"), ["status", "step_started_at"])
        batch_op.create_index(batch_op.f("ix_transfers_step_org_id"), ["step_org_id"])

    op.create_table(
        "transfer_steps",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("transfer_id", BigId, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", BigId, nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("status_after", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _fk("transfer_steps", "transfer_id", "transfers", "CASCADE"),
        _fk("transfer_steps", "actor_id", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_steps")),
    )
    with op.batch_alter_table("transfer_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfer_steps_transfer_id"), ["transfer_id"])
        batch_op.create_index(batch_op.f("ix_transfer_steps_actor_id"), ["actor_id"])

    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", "period", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delayed_graduation", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("aged_out_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("aged_out_on")
        batch_op.drop_column("delayed_graduation")
    op.drop_table("job_runs")
    op.drop_table("transfer_steps")
    op.drop_table("transfers")
