"""GraphQL strings and a valid member form shared by the membership API tests."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from factories import add_org, new_id_number

from zhtj.graphql.ids import encode_id

ERRORS = "errors { code message field rule }"
MEMBER_FIELDS = """id name idNumberMasked gender birthDate ethnicity occupation studyStatus education politicalStatus
  joinDate developmentNumber isCadre mobile householdAddress registeredVolunteer verification profileComplete
  missingFields branch { shortName } positions { position since organization { shortName } }"""
ENTER = f"""mutation($input: EnterMemberInput!) {{ enterMember(input: $input) {{
  member {{ {MEMBER_FIELDS} }} {ERRORS} }} }}"""
ENTER_CADRE = f"""mutation($input: EnterCadreInput!) {{ enterCadre(input: $input) {{
  member {{ {MEMBER_FIELDS} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateMemberInput!) {{ updateMember(input: $input) {{
  member {{ {MEMBER_FIELDS} }} {ERRORS} }} }}"""
CHANGE = f"""mutation($input: ChangePositionInput!) {{ changePosition(input: $input) {{
  position {{ position since organization {{ shortName }} member {{ name isCadre }} }} {ERRORS} }} }}"""
DELETE = f"""mutation($input: DeleteMemberInput!) {{ deleteMember(input: $input) {{ deletedId {ERRORS} }} }}"""
MEMBER = f"query($id: ID!) {{ node(id: $id) {{ ... on Member {{ {MEMBER_FIELDS} }} }} }}"

_numbers = count(1)


def oid(org: Any) -> str:
    return encode_id("Organization", org.id)


def mid(member: Any) -> str:
    return member if isinstance(member, str) else encode_id("Member", member.id)


def student(branch: Any, *, born: date = date(2005, 4, 12), join: str = "2020-05", **extra: Any) -> dict:
    """A complete, valid EnterMemberInput for a university student who joined in 2020."""
    number = new_id_number(born)
    fields = {
        "branchId": oid(branch), "name": "张伟", "idNumber": number, "idNumberConfirm": number,
        "ethnicity": "汉族", "occupation": "青年学生", "studyStatus": "普通本科在读", "education": "普通高中",
        "politicalStatus": "共青团员", "joinDate": join, "developmentNumber": f"{join[:4]}{next(_numbers):08d}",
        "isCadre": False, "mobile": "13800138000", "householdAddress": "北京市海淀区中关村大街1号",
        "registeredVolunteer": False,
    }
    fields.update(extra)
    return fields


FULL_WIDTH = str.maketrans("0123456789-@.Xx", "０１２３４５６７８９－＠．Ｘｘ")


def wide(text: str) -> str:
    """The text as a Chinese IME in full-width mode types it (decision 0005)."""
    return text.translate(FULL_WIDTH)


async def provincial_branch(uow: Any, root: Any, short_name: str, full_name: str) -> Any:
    """A 团支部 under a depth-1 org with these names: `profile.province_of` reads the province (MEM-5, MEM-7)
    off the depth-1 org's names, e.g. "新疆团区委"/"共青团新疆维吾尔自治区委员会"."""
    province = await add_org(uow, root, short_name, full_name=full_name)
    return await add_org(uow, province, f"{short_name}某团支部", category="团支部")


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]
