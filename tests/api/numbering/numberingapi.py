"""GraphQL strings and a small league shared by the numbering API tests."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from factories import new_id_number
from league import PASSWORD, League, codes, league, mid, oid  # noqa: F401 (the tests import them from here)

ERRORS = "errors { code message field rule }"
ALLOCATE = f"""mutation($input: AllocateSegmentInput!) {{ allocateSegment(input: $input) {{
  segment {{ id start end year domain schoolLevel size used organization {{ shortName }} parent {{ start end }} }}
  {ERRORS} }} }}"""
SEGMENTS = """query($id: ID!) { organization(id: $id) { segments { start end domain schoolLevel used
  holders { number member { name } } } } }"""
REQUEST_RELEASE = f"""mutation($input: RequestNumberReleaseInput!) {{ requestNumberRelease(input: $input) {{
  release {{ id number status formUrl formSize formSha256 member {{ name developmentNumber }}
  organization {{ shortName }} }} {ERRORS} }} }}"""
REVIEW_RELEASE = f"""mutation($input: ReviewNumberReleaseInput!) {{ reviewNumberRelease(input: $input) {{
  release {{ id number status refusal member {{ name developmentNumber }} holder {{ name developmentNumber }} }}
  {ERRORS} }} }}"""
ENTER = f"""mutation($input: EnterMemberInput!) {{ enterMember(input: $input) {{
  member {{ id name developmentNumber }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateMemberInput!) {{ updateMember(input: $input) {{
  member {{ developmentNumber }} {ERRORS} }} }}"""
TO_REVIEW = """query($id: ID!) { organization(id: $id) { numberReleasesToReview { id number status } } }"""


def student(branch: Any, *, developmentNumber: str, **extra: Any) -> dict:
    """A complete, valid EnterMemberInput for a university student (高校) who joined in 2020."""
    number = new_id_number(date(2005, 4, 12))
    fields = {
        "branchId": oid(branch), "name": "张伟", "idNumber": number, "idNumberConfirm": number,
        "ethnicity": "汉族", "occupation": "青年学生", "studyStatus": "普通本科在读", "education": "普通高中",
        "politicalStatus": "共青团员", "joinDate": "2020-05", "developmentNumber": developmentNumber,
        "isCadre": False, "mobile": "13800138000", "householdAddress": "北京市海淀区中关村大街1号",
        "registeredVolunteer": False,
    }
    fields.update(extra)
    return fields


async def multipart(client: Any, query: str, variables: dict, files: list, token: str | None = None) -> dict:
    """A GraphQL multipart request: operations, map, then the files (each variable path set to null)."""
    mapping = {str(i): [path] for i, (path, _, _) in enumerate(files)}
    parts = {str(i): (name, content, "application/pdf") for i, (_, name, content) in enumerate(files)}
    headers = {"Authorization": f"Bearer {token or client.token}"}
    response = await client.http.post("/graphql", headers=headers, files=parts, data={
        "operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(mapping)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))
