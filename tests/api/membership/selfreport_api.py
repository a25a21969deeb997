"""GraphQL strings and builders shared by the self-report and name/ID check API tests (MEM-13, MEM-14)."""

from __future__ import annotations

from datetime import date
from typing import Any

from factories import add_org, add_person, new_id_number

from zhtj.graphql.ids import encode_id

ERRORS = "errors { code message field rule }"
MEMBER = """id name idNumberMasked reportStatus reportReturnReason reportSubmittedAt
  reportBranch { id organizationId shortName fullName } verification verificationNote verificationPhotoUrl"""
SELF_REPORT = f"""mutation($input: SelfReportInput!) {{ selfReport(input: $input) {{
  member {{ {MEMBER} }} {ERRORS} }} }}"""
REVIEW = f"""mutation($input: ReviewSelfReportInput!) {{ reviewSelfReport(input: $input) {{
  member {{ {MEMBER} }} {ERRORS} }} }}"""
WITHDRAW = f"""mutation {{ withdrawSelfReport {{ member {{ {MEMBER} }} {ERRORS} }} }}"""
ME = f"""{{ me {{ mustChangePassword member {{ {MEMBER} branch {{ shortName }} }} }} }}"""
REPORTS = """query($id: ID!, $status: SelfReportStatus, $first: Int, $after: String) { organization(id: $id) {
  selfReports(status: $status, first: $first, after: $after) { totalCount nodes { name reportStatus }
  pageInfo { hasNextPage endCursor } }
  members { totalCount nodes { name } } warnings } }"""
PASSWORD = "Tuanyuan2026"


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


def mid(member: Any) -> str:
    return encode_id("Member", member.id)


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def form(branch: Any, **changes: Any) -> dict:
    """A complete, valid SelfReportInput for the branch (a working youth born in 2000, joined in 2015)."""
    number = changes.pop("idNumber", None) or new_id_number(date(2000, 5, 4))
    fields = {"branchId": oid(branch) if not isinstance(branch, str) else branch, "name": "林报到",
              "idNumber": number, "idNumberConfirm": number, "ethnicity": "汉族", "occupation": "职业青年",
              "jobType": "自由职业者", "education": "大学本科", "politicalStatus": "共青团员", "joinDate": "2015-05",
              "mobile": "13912345678", "householdAddress": "江苏省南京市玄武区中山路1号", "registeredVolunteer": False,
              "password": PASSWORD}
    fields.update(changes)
    return fields


async def report(client: Any, fields: dict, token: str | None = None) -> dict:
    """selfReport, sent with the given token or, without one, with none at all (public)."""
    kept, client.token = client.token, None
    try:
        return (await client.query(SELF_REPORT, {"input": fields}, token=token))["selfReport"]
    finally:
        client.token = kept


async def tree(uow: Any, hasher: Any, clock: Any, root: Any) -> dict:
    """A province, a school committee, two branches and a committee, with admins of a branch, of the school
    and of the other branch."""
    province = await add_org(uow, root, "江苏团省委")
    school = await add_org(uow, province, "示范大学团委", category="团委", industry="普通高等院校")
    branch = await add_org(uow, school, "计算机2301班团支部", category="团支部", industry="普通高等院校")
    other = await add_org(uow, school, "数学2302班团支部", category="团支部", industry="普通高等院校")
    branch_admin, _ = await add_person(uow, hasher, clock, name="支部管理员", password="Zhibu2026", admin_of=branch)
    school_admin, _ = await add_person(uow, hasher, clock, name="学校管理员", password="Xuexiao2026", admin_of=school)
    other_admin, _ = await add_person(uow, hasher, clock, name="二班管理员", password="Erban2026", admin_of=other)
    return {"province": province, "school": school, "branch": branch, "other": other,
            "branch_admin": (branch_admin.id_number, "Zhibu2026"), "school_admin": (school_admin.id_number,
                                                                                      "Xuexiao2026"),
            "other_admin": (other_admin.id_number, "Erban2026")}
