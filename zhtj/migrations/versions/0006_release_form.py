"""number releases carry the new member's application form (NUM-4)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("number_releases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("form_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("form_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("number_releases", schema=None) as batch_op:
        batch_op.drop_column("form_size")
        batch_op.drop_column("form_sha256")
        batch_op.drop_column("form_name")
