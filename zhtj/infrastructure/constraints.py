"""Unique constraints that a race between two writers can hit after the use case's own check passed
(PostgreSQL runs them side by side; SQLite queues writers). Each maps to the rule's own UserError."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from zhtj.domain.membership import rules as member_rules
from zhtj.domain.shared.errors import Problem
from zhtj.domain.transfers import rules as transfer_rules

# (PostgreSQL constraint or index name, SQLite's "UNIQUE constraint failed: …" columns, the problem)
_UNIQUE: tuple[tuple[str, str, Problem], ...] = (
    ("uq_organizations_parent_id_full_name", "organizations.parent_id, organizations.full_name",
     Problem("FULL_NAME_TAKEN", "同一上级组织下已有同名组织", "fullName", "ORG-3")),
    ("ix_members_id_number", "members.id_number", member_rules.ID_NUMBER_TAKEN),
    ("uq_accounts_id_number", "accounts.id_number", member_rules.ID_NUMBER_TAKEN),
    ("ix_members_development_number", "members.development_number",
     Problem("DEVELOPMENT_NUMBER_TAKEN", "该发展团员编号已被占用", "developmentNumber", "NUM-4")),
    ("pk_org_admins", "org_admins.org_id, org_admins.member_id",
     Problem("ALREADY_ADMIN", "该团干部已是本组织管理员", "memberId", "ACC-3")),
    ("uq_cadre_positions_member_id_org_id", "cadre_positions.member_id, cadre_positions.org_id",
     Problem("ALREADY_CADRE", "该人员已是本组织的团干部，请使用职务变更", "idNumber", "MEM-12")),
    ("uq_member_archives_member_id", "member_archives.member_id",  # two first uploads (or an approved release)
     Problem("ARCHIVE_CHANGED", "该团员的电子档案刚刚发生变化，请刷新后重试", "memberId", "NUM-6")),
    ("ix_transfers_one_running_per_member", "transfers.member_id", transfer_rules.TRANSFER_RUNNING),  # TRF-1
)


def problem_for(error: IntegrityError) -> Problem | None:
    text = str(error.orig)
    for pg_name, sqlite_columns, problem in _UNIQUE:
        if f'"{pg_name}"' in text or text.endswith(f"UNIQUE constraint failed: {sqlite_columns}"):
            return problem
    return None
