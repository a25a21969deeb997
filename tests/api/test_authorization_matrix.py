"""The authorization matrix (issue 12, ACC-4): every mutation and every query that reads others' data, as six
callers (anonymous, a member, an admin of another province, an admin of a child org, an admin in scope, a
leading-body admin). Each call is made twice by the same caller: with the world's real ids and with ids that
do not exist. A refused caller must get exactly the answer of the nonexistent ids (scope first: nothing is
told) and leave every table's row count as it was, the audit log's included (no side effects); an allowed
caller must get another answer (past the scope check: done, or a later rule's error).

The rows are read against the schema: a mutation or query without a row fails the test, so a new one needs its
row before it lands. The world: 团中央 > 江苏团省委 (lead) > 某大学团委 X (in scope) > 一支部 (the target member
and a plain member) and 二支部 (child); 浙江团省委 (other province). The plain member's 转入 to 某学院团委, started
by the lead, waits for 一支部 (TRF-2); the in-scope admin has an import job running (X-4)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from factories import add_org, add_person
from pdf_samples import valid_pdf
from sqlalchemy import func, insert, literal, select, union_all

from zhtj.domain.identity.model import AuditEntry, AuthToken
from zhtj.domain.identity.services import token_hash
from zhtj.domain.membership.model import AWAITING_REVIEW
from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.numbering.model import Archive, NumberRelease
from zhtj.domain.organization.model import OrgMigration
from zhtj.domain.transfers.model import AWAITING_SOURCE, BY_TARGET, ORDINARY, START, Transfer, TransferStep
from zhtj.graphql.ids import encode_id
from zhtj.graphql.schema import schema
from zhtj.infrastructure.tables import metadata
from zhtj.infrastructure.tables.schema import import_jobs

PASSWORD = "Jiumima2020"
ROLES = ("anonymous", "member", "other_province", "child_admin", "in_scope", "lead")
ADMINS = frozenset({"in_scope", "lead"})
MISSING = 987_654_321
FILE = "@FILE"


@dataclass(frozen=True)
class Row:
    """`given`: the input (or arguments) with "@name" for a world id and "@FILE" for an upload; `allowed`: who
    gets past scope. `kind`: "scoped" (the matrix), "list" (takes no id: allowed callers see the world's item,
    refused ones an empty list), "public" (works without a token), "own" (acts on the caller only: needs a
    token, takes no id)."""

    given: dict[str, Any] = field(default_factory=dict)
    allowed: frozenset[str] = ADMINS
    kind: str = "scoped"
    last_allowed: dict[str, str] = field(default_factory=dict)  # other targets for the last caller (a delete)


FORM = {"name": "张伟", "idNumber": "110101200501010012", "idNumberConfirm": "110101200501010012",
        "ethnicity": "汉族", "occupation": "青年学生", "education": "普通高中", "politicalStatus": "共青团员",
        "joinDate": "2020-05", "mobile": "13800138000", "householdAddress": "北京市海淀区中关村大街1号",
        "registeredVolunteer": False}

MUTATIONS: dict[str, Row] = {
    "login": Row(kind="public"), "resetPassword": Row(kind="public"), "registerAdmin": Row(kind="public"),
    "selfReport": Row(kind="public"),
    "logout": Row(kind="own"), "changePassword": Row(kind="own"), "sendPasswordChangeCode": Row(kind="own"),
    "withdrawSelfReport": Row(kind="own"),
    "issuePasswordResetCode": Row({"memberId": "@target"}),
    "issueAdminCode": Row({"orgId": "@branch"}),
    "issueAdminCodes": Row({"orgId": "@committee"}),
    "addAdmin": Row({"orgId": "@committee", "memberId": "@target"}),
    "removeAdmin": Row({"orgId": "@committee", "memberId": "@in_scope"}),
    "createOrganization": Row({"parentId": "@committee", "category": "团支部", "shortName": "三支部",
                               "fullName": "某大学团委三支部"}),
    "updateOrganization": Row({"id": "@committee", "shortName": ""}),
    "deleteOrganization": Row({"id": "@branch"}, last_allowed={"branch": "second_branch"}),
    "reorderOrganization": Row({"id": "@branch", "direction": "DOWN"}),
    "markGraduation": Row({"orgIds": ["@committee"], "graduationDate": "2027-06-30"}),
    "setSecretary": Row({"orgId": "@branch", "idNumber": "@@target_id_number", "name": "李娜"}),
    # In scope: past the check of `id`; the new parent, outside their orgs, then answers as a missing parent.
    "moveOrganization": Row({"id": "@branch", "newParentId": "@second_committee"}),
    "requestMigration": Row({"orgId": "@branch", "newParentId": "@second_committee"}),
    "reviewMigration": Row({"migrationId": "@migration", "approve": False}),
    "withdrawMigration": Row({"migrationId": "@migration"}),
    "enterMember": Row({**FORM, "branchId": "@branch", "isCadre": False}),
    "enterCadre": Row({**FORM, "orgId": "@committee", "position": "委员"}),
    "updateMember": Row({"id": "@target", "name": ""}),
    "changePosition": Row({"memberId": "@target", "orgId": "@committee", "position": "委员"}),
    "deleteMember": Row({"id": "@target", "reason": ""}),
    "reviewSelfReport": Row({"memberId": "@reporter", "approve": False}),
    "requestVerification": Row({"memberId": "@target"}),
    "passVerificationOffline": Row({"memberId": "@target", "note": "已核对身份证原件", "photo": FILE}),
    # Past scope for an admin of the org itself too, then SEGMENT_BY_PARENT (NUM-2): that admin sees the org.
    "allocateSegment": Row({"orgId": "@committee", "start": "202600000001", "end": "202600000100",
                            "domain": "高校"}),
    "requestNumberRelease": Row({"memberId": "@target", "developmentNumber": "202600000050", "file": FILE}),
    "reviewNumberRelease": Row({"releaseId": "@release", "approve": False}, allowed=frozenset({"lead"})),
    "uploadArchive": Row({"memberId": "@target", "file": FILE}),
    "replaceArchive": Row({"memberId": "@target", "file": FILE}),
    "reviewArchive": Row({"memberId": "@target", "approve": False}),
    "uploadArchives": Row(kind="own"),  # matched by file name within the caller's scope: no id to compare
    "markDelayedGraduation": Row({"memberIds": ["@target"], "delayed": True}),
    # 办理转出 (TRF-3): the member must be the caller's; the target lies outside anyone's scope by nature.
    "startTransfer": Row({"memberId": "@target", "targetOrgId": "@second_committee", "reason": "升学"}),
    # The world's transfer waits for its source branch: 王芳 sees it (TRF-10), its approvers act on it (ACC-4).
    "approveTransfer": Row({"transferId": "@transfer"}),
    "returnTransfer": Row({"transferId": "@transfer", "reason": ""}),
    # The member sees their own transfer, then WITHDRAW_NOT_ALLOWED; 转入 was started by the lead (TRF-5).
    "withdrawTransfer": Row({"transferId": "@transfer"}, allowed=ADMINS | {"member"}),
    "batchTransfer": Row({"memberIds": ["@target"], "targetBranchId": "@second_branch", "reason": "其他"}),
    # X-2: the world's message is to 某大学团委's admins; an admin above it is not told of it (decision 0061).
    "markMessagesRead": Row({"messageIds": ["@message"]}, allowed=frozenset({"in_scope"})),
    # Past scope, an admin's PDF is no workbook (IMPORT_FILE_UNREADABLE): no import job starts.
    "importMembers": Row({"orgId": "@branch", "file": FILE}),
    "createImportTemplate": Row({"orgId": "@committee"}),
    "exportMembers": Row({"orgId": "@committee"}),
}

QUERIES: dict[str, Row] = {
    "me": Row(kind="own"), "viewer": Row(kind="own"), "valueLists": Row(kind="public"),
    "organization": Row({"id": "@committee"}),
    # `nodes` reads a Member and an Organization; `node` the newest node type, a Transfer (TRF-10: 王芳's own).
    "node": Row({"id": "@transfer"}, allowed=ADMINS | {"member"}),
    "nodes": Row({"ids": ["@target", "@committee"]}),
    "migrationsToReview": Row({}, kind="list"),
    "auditLog": Row({"filter": {"subjectId": "@committee"}}, allowed=frozenset({"lead"})),
    # History (TRF-10): the member's own and those the caller took a step of (the lead started it).
    "transfers": Row({}, kind="list", allowed=frozenset({"member", "lead"})),
    "operationCenter": Row({}, kind="list"),
    "transferTargets": Row(kind="own"),  # any logged-in caller, names only (decision 0023)
    # The most telling route: a whole ID number, found only under the caller's orgs.
    "search": Row({"text": "@@target_id_number", "first": 5}),
    "importJob": Row({"id": "@import_job"}, allowed=frozenset({"in_scope"})),  # the starter's only
}

SELECTIONS = {"me": "{ mustChangePassword }", "viewer": "{ mustChangePassword }",
              "valueLists": "{ orgCategories }", "organization": "{ id }", "node": "{ id }", "nodes": "{ id }",
              "migrationsToReview": "{ nodes { id } }", "auditLog": "{ nodes { action } }",
              "transfers": "{ nodes { id } }", "operationCenter": "{ nodes { itemId } }",
              "transferTargets": "{ fullName }", "search": "{ members { id } organizations { id } tooMany }",
              "importJob": "{ id }"}
TYPES = {"target": "Member", "in_scope": "Member", "reporter": "Member", "migration": "OrganizationMigration",
         "release": "NumberRelease", "transfer": "Transfer", "import_job": "ImportJob", "message": "SystemMessage"}


def test_every_mutation_and_query_has_a_row_ACC4():
    built = schema._schema
    assert built.mutation_type is not None
    assert sorted(built.mutation_type.fields) == sorted(MUTATIONS)
    assert sorted(built.query_type.fields) == sorted(QUERIES)


def operation(kind: str, name: str) -> str:
    root = schema._schema.mutation_type if kind == "mutation" else schema._schema.query_type
    assert root is not None
    args = root.fields[name].args
    declared = ", ".join(f"${a}: {t.type}" for a, t in args.items())
    passed = ", ".join(f"{a}: ${a}" for a in args)
    selection = SELECTIONS.get(name, "{ errors { code message field rule } }")
    head = f"{kind} ({declared})" if declared else kind
    return f"{head} {{ {name}{f'({passed})' if passed else ''} {selection} }}"


def uploads_in(value: Any, path: str = "variables") -> list[str]:
    if value == FILE:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in uploads_in(v, f"{path}.{k}")]
    return []


def filled(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("@@"):
        return ids[value[2:]]
    if value == FILE:
        return None
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    if isinstance(value, dict):
        return {k: filled(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [filled(v, ids) for v in value]
    return value


@pytest.fixture
async def world(client, root, uow, hasher, clock, settings):
    lead_org = await add_org(uow, root, "江苏团省委")
    other_org = await add_org(uow, root, "浙江团省委")
    committee = await add_org(uow, lead_org, "某大学团委", category="团委", industry="高等院校")
    second = await add_org(uow, lead_org, "某学院团委", category="团委", industry="高等院校")
    branch = await add_org(uow, committee, "一支部", category="团支部", industry="高等院校")
    second_branch = await add_org(uow, committee, "三支部", category="团支部", industry="高等院校")
    child = await add_org(uow, committee, "二支部", category="团支部", industry="高等院校")
    people = {}
    for role, org in (("lead", lead_org), ("other_province", other_org), ("in_scope", committee),
                      ("child_admin", child)):
        people[role], _ = await add_person(uow, hasher, clock, name=f"{role}管理员", password=PASSWORD, admin_of=org)
    people["member"], _ = await add_person(uow, hasher, clock, name="王芳", branch=branch, password=PASSWORD)
    target, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password=PASSWORD,
                                 mobile="13912345678")
    reporter, _ = await add_person(uow, hasher, clock, name="赵强", branch=branch, password=PASSWORD)
    now = clock.now()
    async with uow:
        (await uow.members.get(reporter.id)).status = AWAITING_REVIEW
        migration = OrgMigration(org_id=branch.id, old_parent_id=committee.id, new_parent_id=second.id,
                                 requested_by=people["in_scope"].id, requested_at=now)
        uow.migrations.add(migration)
        release = NumberRelease(number="202600000050", member_id=target.id, holder_id=people["member"].id,
                                owner_org_id=lead_org.id, requested_by=people["in_scope"].id, requested_at=now)
        uow.releases.add(release)
        uow.archives.add(Archive(member_id=target.id, stored_name="archives/x.pdf", sha256="0" * 64, size=1,
                                 uploaded_at=now - timedelta(days=1)))
        transfer = Transfer(member_id=people["member"].id, source_branch_id=branch.id, kind=ORDINARY, reason="升学",
                            started_by=people["lead"].id, started_side=BY_TARGET, started_at=now, step_started_at=now,
                            step_org_id=branch.id, target_org_id=second.id, target_name=second.full_name,
                            source_name=branch.full_name)
        uow.transfers.add(transfer)
        await uow.flush()
        assert transfer.id is not None
        uow.transfers.add_step(TransferStep(transfer_id=transfer.id, at=now, action=START,
                                            status_after=AWAITING_SOURCE, actor_id=people["lead"].id))
        uow.audit.add(AuditEntry(at=now, actor_member_id=people["in_scope"].id, action="updateOrganization",
                                 subject=f"Organization:{committee.id}"))
        message = SystemMessage(created_at=now, kind="TRANSFER_RETURNED", name="王芳", title="组织关系转接已退回",
                                body="王芳转往某学院团委的组织关系转接已被退回。", org_id=committee.id)
        uow.messages.add(message)
        await uow.commit()
    ids = {"committee": committee, "second_committee": second, "branch": branch, "second_branch": second_branch}
    real = {k: encode_id("Organization", v.id) for k, v in ids.items()}
    real |= {"target": encode_id("Member", target.id), "in_scope": encode_id("Member", people["in_scope"].id),
             "reporter": encode_id("Member", reporter.id),
             "migration": encode_id("OrganizationMigration", migration.id),
             "release": encode_id("NumberRelease", release.id), "target_id_number": target.id_number,
             "transfer": encode_id("Transfer", transfer.id), "message": encode_id("SystemMessage", message.id)}
    missing = {k: encode_id(TYPES.get(k, "Organization"), MISSING) for k in real}
    missing["target_id_number"] = "110101200001010011"
    tokens: dict[str, str | None] = {"anonymous": None}
    async with uow:  # tokens as `login` stores them (a keyed hash), without five slow hashes a row
        for role, person in people.items():
            account = await uow.accounts.by_id_number(person.id_number)
            tokens[role] = secrets.token_urlsafe(32)
            uow.tokens.add(AuthToken(token_hash(settings.secret_key, tokens[role]), account.id, now,
                                     now + timedelta(hours=12)))
            if role == "in_scope":
                assert uow.session is not None
                real["import_job"] = encode_id("ImportJob", (await uow.session.execute(insert(import_jobs).values(
                    account_id=account.id, org_id=branch.id, kind="BRANCH_MEMBERS", file_name="团员.xlsx",
                    status="RUNNING", rows_total=1, rows_done=0, imported=0, already_entered=0, failed=0,
                    created_at=now).returning(import_jobs.c.id))).scalar_one())
        await uow.commit()
    missing["import_job"] = encode_id("ImportJob", MISSING)
    return {"real": real, "missing": missing, "tokens": tokens}


async def call(client, text: str, variables: dict, token: str | None, files: list[str],
               headers: dict[str, str] | None = None) -> Any:
    """The answer as a caller sees it, without the request id."""
    headers = dict(headers or {}) | ({"Authorization": f"Bearer {token}"} if token else {})
    if files:
        mapping = {str(i): [p] for i, p in enumerate(files)}
        parts = {str(i): ("form.pdf", valid_pdf(), "application/pdf") for i in range(len(files))}
        response = await client.http.post("/graphql", headers=headers, files=parts, data={
            "operations": json.dumps({"query": text, "variables": variables}), "map": json.dumps(mapping)})
    else:
        response = await client.http.post("/graphql", headers=headers, json={"query": text, "variables": variables})
    body = response.json()
    errors = [(e.get("extensions", {}).get("code"), e.get("message")) for e in body.get("errors") or []]
    return response.status_code, body.get("data"), errors


async def row_counts(db) -> dict[str, int]:
    """How many rows every table holds, the audit log included, in one statement: a refusal writes nothing."""
    statement = union_all(*(select(literal(t.name).label("name"), func.count().label("rows")).select_from(t)
                            for t in metadata.sorted_tables))
    async with db.engine.connect() as conn:
        return {name: rows for name, rows in (await conn.execute(statement)).all()}


def cases() -> list[tuple[str, str]]:
    """Every row but the public mutations: what those tell anonymous callers is their own tests' matter (login,
    resetPassword, registerAdmin, selfReport), and they need no world."""
    return [("mutation", n) for n, r in sorted(MUTATIONS.items()) if r.kind != "public"] + [
        ("query", n) for n in sorted(QUERIES)]


@pytest.mark.parametrize(("kind", "name"), cases(), ids=[n for _, n in cases()])
async def test_authorization_matrix_ACC4(client, world, db, kind, name):
    row = (MUTATIONS if kind == "mutation" else QUERIES)[name]
    text = operation(kind, name)
    given = {"input": row.given} if kind == "mutation" and row.kind == "scoped" else row.given
    files = uploads_in(given)
    if row.kind not in ("scoped", "list"):
        await unscoped(client, world, kind, name, row)
        return
    # Refused callers first: an allowed call may change the world (it is fresh for every row).
    order = sorted(ROLES, key=lambda r: r in row.allowed)
    for role in order:
        token = world["tokens"][role]
        ids = world["real"]
        if role == order[-1] and row.last_allowed:
            ids = ids | {k: ids[v] for k, v in row.last_allowed.items()}
        before = await row_counts(db) if role not in row.allowed else None
        real = await call(client, text, filled(given, ids), token, files)
        if row.kind == "list" and token is None:
            assert [c for c, _ in real[2]] == ["UNAUTHENTICATED"], real
        elif row.kind == "list":
            assert real[0] == 200 and not real[2], real
            assert bool(real[1][name]["nodes"]) is (role in row.allowed), f"{name}: {role} got {real}"
            continue
        missing = await call(client, text, filled(given, world["missing"]), token, files)
        if role not in row.allowed:
            assert await row_counts(db) == before, f"{name}: refused for {role}, yet rows were written"
        if role in row.allowed:
            assert real != missing, f"{name}: {role} should get past scope, got {real}"
            assert real[0] == 200 and not [c for c, _ in real[2] if c in ("UNAUTHENTICATED", "INTERNAL_SERVER_ERROR")]
        else:
            assert real == missing, f"{name}: {role} should be refused as for nonexistent ids: {real} != {missing}"


async def unscoped(client, world, kind: str, name: str, row: Row) -> None:
    """Public fields answer without a token; the caller's own fields answer UNAUTHENTICATED without one, and
    answer a logged-in member."""
    text = operation(kind, name)
    given = OWN_INPUTS.get(name, {})
    if name == "uploadArchives":
        status, _, _ = await call(client, text, {"input": {"files": [None]}}, None, ["variables.input.files.0"],
                                  {"Apollo-Require-Preflight": "true"})
        assert status == 401  # an upload needs a live token before a byte is read (decision 0018)
        status, data, errors = await call(client, text, {"input": {"files": [None]}}, world["tokens"]["member"],
                                          ["variables.input.files.0"])
        assert status == 200 and not errors
        return
    status, data, errors = await call(client, text, given, None, [])
    if row.kind == "public":
        assert status == 200 and not errors and data[name], errors
        return
    assert [c for c, _ in errors] == ["UNAUTHENTICATED"], errors
    status, data, errors = await call(client, text, given, world["tokens"]["member"], [])
    assert status == 200 and not errors and data[name] is not None, errors


OWN_INPUTS = {"changePassword": {"input": {"oldPassword": "Wrong2020x", "newPassword": "Xinmima2027"}},
              "transferTargets": {"text": "学院团委"}}
