"""Inputs of the membership mutations (API.md EnterMemberInput and its kin)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import strawberry

from zhtj.domain.membership.profile import MemberForm

_PROFILE_DOC = "Value-list fields take the Chinese values of valueLists; year-months are YYYY-MM."


@strawberry.input(description="The profile fields every entry form shares (MEM-2). " + _PROFILE_DOC)
class ProfileInput:
    name: str
    id_number: str = strawberry.field(description="身份证号: also the login name (ACC-1).")
    id_number_confirm: str = strawberry.field(description="The ID number typed a second time (MEM-4).")
    ethnicity: str
    occupation: str
    education: str
    political_status: str
    join_date: str
    mobile: str
    household_address: str
    registered_volunteer: bool
    ethnicity_note: str | None = None
    study_status: str | None = None
    job_type: str | None = None
    development_number: str | None = None
    party_join_date: str | None = None
    email: str | None = None
    qq: str | None = None
    wechat: str | None = None
    weibo: str | None = None
    submitted_party_application: bool | None = None
    party_application_date: str | None = None
    volunteer_since: str | None = None


@strawberry.input(description="The details of a cadre's post (MEM-2, MEM-12).")
class PostDetailsInput:
    position_since: str | None = None
    appointment_method: str | None = None
    cadre_nature: str | None = None
    on_party_committee: bool | None = None


@strawberry.input(description="录入团员 (MEM-1..12). " + _PROFILE_DOC)
class EnterMemberInput(ProfileInput, PostDetailsInput):
    branch_id: strawberry.ID
    is_cadre: bool
    position: str | None = None


@strawberry.input(description="录入团干部 of a committee or leading body (MEM-1, MEM-12). " + _PROFILE_DOC)
class EnterCadreInput(ProfileInput, PostDetailsInput):
    org_id: strawberry.ID
    position: str
    on_duty: str | None = None


@strawberry.input(description="修改团员信息: only the fields given change; a new ID number is typed twice.")
class UpdateMemberInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    id_number: str | None = strawberry.UNSET
    id_number_confirm: str | None = strawberry.UNSET
    ethnicity: str | None = strawberry.UNSET
    ethnicity_note: str | None = strawberry.UNSET
    occupation: str | None = strawberry.UNSET
    study_status: str | None = strawberry.UNSET
    job_type: str | None = strawberry.UNSET
    education: str | None = strawberry.UNSET
    political_status: str | None = strawberry.UNSET
    join_date: str | None = strawberry.UNSET
    development_number: str | None = strawberry.UNSET
    party_join_date: str | None = strawberry.UNSET
    mobile: str | None = strawberry.UNSET
    household_address: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    qq: str | None = strawberry.UNSET
    wechat: str | None = strawberry.UNSET
    weibo: str | None = strawberry.UNSET
    submitted_party_application: bool | None = strawberry.UNSET
    party_application_date: str | None = strawberry.UNSET
    registered_volunteer: bool | None = strawberry.UNSET
    volunteer_since: str | None = strawberry.UNSET


@strawberry.input(description="职务变更 (MEM-12): 无职务 ends the post.")
class ChangePositionInput:
    member_id: strawberry.ID
    org_id: strawberry.ID
    position: str
    position_since: str | None = None
    appointment_method: str | None = None
    cadre_nature: str | None = None
    on_party_committee: bool | None = None
    on_duty: str | None = None


@strawberry.input(description="删除团员 (MEM-15): admins of leading bodies, with a reason.")
class DeleteMemberInput:
    id: strawberry.ID
    reason: str


_FORM_FIELDS = {f.name for f in fields(MemberForm)}


def to_form(data: Any, **extra: Any) -> MemberForm:
    """The input's profile fields as a domain form (fields not given stay None)."""
    given = {name: value for name, value in vars(data).items()
             if name in _FORM_FIELDS and value is not strawberry.UNSET}
    return MemberForm(**{**given, **extra})


def changes_of(data: Any) -> dict[str, Any]:
    """An update's fields that were given (null included: it clears)."""
    return {name: value for name, value in vars(data).items()
            if name in _FORM_FIELDS and value is not strawberry.UNSET}
