"""the province key on the large tables (decision 0078), filled from the paths: one statement per province

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BY_ORG = (("members", "branch_id"), ("cadre_positions", "org_id"), ("org_admins", "org_id"),
          ("number_segments", "org_id"), ("number_releases", "owner_org_id"))
BY_MEMBER = ("member_archives", "transfers")
TABLES = (*(t for t, _ in BY_ORG), *BY_MEMBER, "audit_log")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("province_id", BIG, nullable=True))
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    # the root's own rows take the root's id; a provincial-level org's subtree takes the org's
    provinces = []  # (the orgs whose rows take the key, its parameters)
    for key, path, depth in conn.execute(sa.text("SELECT id, path, depth FROM organizations WHERE depth <= 1")):
        provinces.append(("SELECT id FROM organizations WHERE id = :key" if depth == 0
                          else "SELECT id FROM organizations WHERE path >= :low AND path < :high",
                          {"key": key, "low": path, "high": path[:-1] + chr(ord("/") + 1)}))
    for orgs, params in provinces:
        for table, column in BY_ORG:
            conn.execute(sa.text(f"UPDATE {table} SET province_id = :key WHERE {column} IN ({orgs})"), params)
    for table in BY_MEMBER:
        conn.execute(sa.text(f"UPDATE {table} SET province_id = (SELECT m.province_id FROM members m "
                             f"WHERE m.id = {table}.member_id)"))
    # audit lines (append-only: its guard is lifted for this one statement per province) take their subject's key
    if postgres:
        conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    else:
        conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    for orgs, params in provinces:
        conn.execute(sa.text(f"UPDATE audit_log SET province_id = :key WHERE subject LIKE 'Organization:%' "
                             f"AND subject IN (SELECT 'Organization:' || id FROM ({orgs}) o)"), params)
        conn.execute(sa.text("UPDATE audit_log SET province_id = :key WHERE subject LIKE 'Member:%' "
                             "AND subject IN (SELECT 'Member:' || id FROM members WHERE province_id = :key)"),
                     {"key": params["key"]})
    if postgres:
        conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    else:
        conn.execute(sa.text("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
                             "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"))


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN province_id")
