from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import registry

from zhtj.domain.identity.model import (
    Account,
    AdminCode,
    AuditEntry,
    AuthToken,
    LoginThrottle,
    OrgAdmin,
    PasswordResetCode,
)
from zhtj.domain.membership.model import CadrePosition, Member
from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.numbering.model import Archive, NumberRelease, Segment
from zhtj.domain.organization.model import Organization, OrgMigration
from zhtj.domain.transfers.model import RUNNING, JobRun, Transfer, TransferStep
from zhtj.infrastructure.tables.types import BigId, UtcDateTime, path_type

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organizations = Table(
    "organizations", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("parent_id", BigId, ForeignKey("organizations.id", ondelete="RESTRICT")),
    Column("path", path_type(400), nullable=False),
    Column("depth", Integer, nullable=False),
    Column("category", String(20), nullable=False),
    Column("short_name", String(100), nullable=False),
    Column("full_name", String(200), nullable=False),
    Column("industry", String(30)),
    Column("contact_phone", String(30)),
    Column("school_code", String(30)),
    Column("graduation_date", Date),
    Column("sort_order", Integer, nullable=False),
    Column("category_changed", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("floating", Boolean, nullable=False, server_default=false()),  # 流动团支部 (TRF-9)
    UniqueConstraint("parent_id", "full_name"),
    Index(None, "path", unique=True),
    Index(None, "parent_id", "sort_order"),
    Index(None, "full_name"),
)

members = Table(
    "members", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(50), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("gender", String(2), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("branch_id", BigId, ForeignKey("organizations.id", ondelete="RESTRICT")),
    Column("political_status", String(20), nullable=False),
    Column("join_date", String(7)),
    Column("mobile", String(20)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ethnicity", String(20)),
    Column("ethnicity_note", String(20)),
    Column("occupation", String(10)),
    Column("study_status", String(20)),
    Column("job_type", String(20)),
    Column("education", String(20)),
    Column("development_number", String(20)),
    Column("party_join_date", Date),
    Column("is_cadre", Boolean, nullable=False, server_default=false()),
    Column("household_address", String(200)),
    Column("email", String(100)),
    Column("qq", String(20)),
    Column("wechat", String(50)),
    Column("weibo", String(50)),
    Column("submitted_party_application", Boolean),
    Column("party_application_date", Date),
    Column("registered_volunteer", Boolean),
    Column("volunteer_since", String(7)),
    Column("verification", String(10), nullable=False, server_default="未校验"),
    Column("verification_note", Text),
    Column("verification_photo", String(100)),
    Column("verification_checked_at", UtcDateTime),
    Column("verification_started_at", UtcDateTime),
    Column("status", String(20), nullable=False, server_default="ACTIVE"),
    Column("report_submitted_at", UtcDateTime),
    Column("report_return_reason", Text),
    Column("graduate", Boolean, nullable=False, server_default=false()),
    Column("delayed_graduation", Boolean, nullable=False, server_default=false()),  # 延期毕业 (ORG-11)
    Column("aged_out_on", Date),  # 超龄离团 (MEM-6): the day the jobs found the person 28 without a post
    Column("updated_at", UtcDateTime),
    Column("province_id", BigId),  # the province key (decision 0078)
    Index(None, "id_number", unique=True),
    Index(None, "development_number", unique=True),
    Index(None, "status", "branch_id"),
    Index(None, "verification_started_at"),
    Index(None, "branch_id"),
    Index(None, "name"),
)

cadre_positions = Table(
    "cadre_positions", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=False),
    Column("position", String(20), nullable=False),
    Column("since", String(7)),
    Column("appointment_method", String(10)),
    Column("cadre_nature", String(10)),
    Column("on_party_committee", Boolean),
    Column("on_duty", String(10)),
    Column("province_id", BigId),  # the province key (decision 0078)
    UniqueConstraint("member_id", "org_id"),
    Index(None, "org_id"),
)

accounts = Table(
    "accounts", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("must_change_password", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("password_changed_at", UtcDateTime),
    UniqueConstraint("member_id"),
    UniqueConstraint("id_number"),
)

auth_tokens = Table(
    "auth_tokens", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    UniqueConstraint("token_hash"),
    Index(None, "account_id"),
)

login_throttles = Table(
    "login_throttles", metadata,
    Column("key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UtcDateTime),
    Column("blocked_until", UtcDateTime),
)

org_admins = Table(
    "org_admins", metadata,
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("granted_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("province_id", BigId),  # the province key (decision 0078)
    Index(None, "member_id"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_member_id", BigId),
    Column("action", String(50), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("detail", Text, nullable=False),
    Column("province_id", BigId),  # the province key (decision 0078)
    Index(None, "at"),
    Index(None, "actor_member_id"),
)

# ACC-1: texts to mobile numbers (the first password change's code), kept for the gateway that sends them.
outbox_messages = Table(
    "outbox_messages", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("mobile", String(30), nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_at", UtcDateTime),
    Index(None, "created_at"),
)

admin_codes = Table(
    "admin_codes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("issued_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("used_at", UtcDateTime),
    Column("used_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("revoked_at", UtcDateTime),
    UniqueConstraint("code_hash"),
    Index(None, "org_id"),
)

org_migrations = Table(
    "org_migrations", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("old_parent_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("new_parent_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("requested_by", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("status", String(30), nullable=False),
    Column("old_parent_approved_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("old_parent_approved_at", UtcDateTime),
    Column("decided_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("decided_at", UtcDateTime),
    Column("reason", Text),
    Index(None, "org_id"),
    Index(None, "status", "requested_at"),
)

downloads = Table(
    "downloads", metadata,
    Column("id", String(43), primary_key=True),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("stored_name", String(100), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

# an import running or done, polled by its account (rowsDone/rowsTotal); the rows it entered commit with
# its progress, so rows_done never counts a row that is not there.
import_jobs = Table(
    "import_jobs", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_done", Integer, nullable=False),
    Column("imported", Integer, nullable=False),
    Column("already_entered", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("failed_download_id", String(43), nullable=True),
    Column("message", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
)

password_reset_codes = Table(
    "password_reset_codes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", BigId, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("issued_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("used_at", UtcDateTime),
    UniqueConstraint("code_hash"),
    Index(None, "account_id"),
)

# 号段 (NUM-2): start and end are 12-digit numbers of one year; a segment handed down names its parent.
number_segments = Table(
    "number_segments", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("start_number", String(12), nullable=False),
    Column("end_number", String(12), nullable=False),
    Column("year", Integer, nullable=False),
    Column("domain", String(10), nullable=False),
    Column("school_level", String(10)),
    Column("parent_id", BigId, ForeignKey("number_segments.id", ondelete="CASCADE")),
    Column("allocated_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("allocated_at", UtcDateTime, nullable=False),
    Column("province_id", BigId),  # the province key (decision 0078)
    Index(None, "year", "start_number"),
    Index(None, "org_id"),
    Index(None, "parent_id"),
)

# 释放编号 (NUM-4)
number_releases = Table(
    "number_releases", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("number", String(12), nullable=False),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("holder_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("owner_org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("requested_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text),
    Column("decided_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("decided_at", UtcDateTime),
    Column("refusal", Text),
    Column("form_name", String(100)),  # the new member's application form, stored like an e-archive
    Column("form_sha256", String(64)),
    Column("form_size", Integer),
    Column("province_id", BigId),  # the province key (decision 0078)
    Index(None, "number", "status"),
    Index(None, "owner_org_id", "status"),
)

# 电子档案 (NUM-6): one per member; files are named by their sha256 under archives/
member_archives = Table(
    "member_archives", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("stored_name", String(100), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
    Column("uploaded_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("status", String(20), nullable=False),
    Column("reviewed_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("reviewed_at", UtcDateTime),
    Column("refusal", Text),
    Column("replacement_name", String(100)),
    Column("replacement_sha256", String(64)),
    Column("replacement_size", Integer),
    Column("replacement_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("replacement_at", UtcDateTime),
    Column("replacement_refusal", Text),
    Column("province_id", BigId),  # the province key (decision 0078)
    UniqueConstraint("member_id"),
    Index(None, "status"),
)

# 组织关系转接 (TRF-1..10). One running transfer per member: a partial unique index (TRF-1).
_RUNNING = text("status IN ({})".format(", ".join(f"'{s}'" for s in RUNNING)))
transfers = Table(
    "transfers", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("source_branch_id", BigId, ForeignKey("organizations.id", ondelete="SET NULL")),
    Column("source_name", String(200), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("step_org_id", BigId, ForeignKey("organizations.id", ondelete="SET NULL")),
    Column("target_org_id", BigId, ForeignKey("organizations.id", ondelete="SET NULL")),
    Column("target_branch_id", BigId, ForeignKey("organizations.id", ondelete="SET NULL")),
    Column("external_system", String(10)),
    Column("target_name", String(200)),
    Column("reason", String(20), nullable=False),
    Column("remark", Text),
    Column("started_by", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("started_side", String(10), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("step_started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    # TRF-9: where the starter says the member goes (a graduate must say it): employed or not, the employer,
    # the workplace's town (to its 流动团支部), the household town (未就业)
    Column("employed", Boolean),
    Column("employer_name", String(100)),
    Column("workplace_town", String(50)),
    Column("household_town", String(50)),
    Column("province_id", BigId),  # the province key (decision 0078)
    Index("ix_transfers_one_running_per_member", "member_id", unique=True,
          postgresql_where=_RUNNING, sqlite_where=_RUNNING),
    Index(None, "member_id", "started_at"),
    Index(None, "status", "step_started_at"),
    Index(None, "step_org_id"),
)

transfer_steps = Table(
    "transfer_steps", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("transfer_id", BigId, ForeignKey("transfers.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", BigId, ForeignKey("members.id", ondelete="SET NULL")),
    Column("action", String(10), nullable=False),
    Column("status_after", String(20), nullable=False),
    Column("note", Text),
    Index(None, "transfer_id"),
    Index(None, "actor_id"),
)

# Once-per-period jobs that ran (the graduation switch of a year, ORG-11): the key makes a second run a no-op.
job_runs = Table(
    "job_runs", metadata,
    Column("name", String(50), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("ran_at", UtcDateTime, nullable=False),
    Column("detail", Text, nullable=False),
)

# X-1 search index (decision 0025): a row per term of a person's name and per org path where they are found
# (their branch, the orgs of their posts); a row per 1-2 character gram of an org's full name. The primary key
# (term, path, ...) is the lookup: one term, one range of paths under the viewer's org.
member_search = Table(
    "member_search", metadata,
    Column("term", String(60), primary_key=True),
    Column("path", path_type(400), primary_key=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "member_id"),
)

org_search = Table(
    "org_search", metadata,
    Column("term", String(4), primary_key=True),
    Column("path", path_type(400), primary_key=True),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "org_id"),
)

# X-3 live counters (decision 0026): whether each person's profile is complete (MEM-16), and per org the
# counts the progress of every org above it adds up; both kept in the transaction of the change.
member_completeness = Table(
    "member_completeness", metadata,
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("complete", Boolean, nullable=False),
)

org_progress = Table(
    "org_progress", metadata,
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("members", Integer, nullable=False),
    Column("members_complete", Integer, nullable=False),
    Column("people_complete", Integer, nullable=False),
    Column("cadres", Integer, nullable=False),
    Column("cadres_complete", Integer, nullable=False),
)

# 系统消息: to one person (member_id) or to the admins of one org (org_id), written with the event; a row
# in message_reads per reader who read it.
system_messages = Table(
    "system_messages", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE")),
    Column("org_id", BigId, ForeignKey("organizations.id", ondelete="CASCADE")),
    Column("name", String(200), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("item_type", String(40)),
    Column("item_id", BigId),
    CheckConstraint("(member_id IS NULL) <> (org_id IS NULL)", name="one_recipient"),
    Index(None, "member_id", "created_at"),
    Index(None, "org_id", "created_at"),
)

message_reads = Table(
    "message_reads", metadata,
    Column("message_id", BigId, ForeignKey("system_messages.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", BigId, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("read_at", UtcDateTime, nullable=False),
    Index(None, "member_id"),
)

mapper_registry = registry()
_started = False


def start_mappers() -> None:
    """Maps the domain's classes onto the tables, once per process."""
    global _started
    if _started:
        return
    _started = True
    for cls, table in (
        (Organization, organizations), (Member, members), (CadrePosition, cadre_positions),
        (Account, accounts), (AuthToken, auth_tokens), (LoginThrottle, login_throttles),
        (OrgAdmin, org_admins), (AuditEntry, audit_log), (AdminCode, admin_codes),
        (OrgMigration, org_migrations), (PasswordResetCode, password_reset_codes), (NumberRelease, number_releases),
        (Archive, member_archives), (Transfer, transfers), (TransferStep, transfer_steps), (JobRun, job_runs),
        (SystemMessage, system_messages),
    ):
        mapper_registry.map_imperatively(cls, table)
    mapper_registry.map_imperatively(Segment, number_segments, properties={
        "start": number_segments.c.start_number, "end": number_segments.c.end_number})
