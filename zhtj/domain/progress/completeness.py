"""MEM-16 for one person: the * fields of MEM-2 still empty, for the person and for every post they hold.

The one place this is decided: `Member.missingFields` shows it and the progress counters store whether it is
empty (decision 0026)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from zhtj.domain.membership import rules
from zhtj.domain.shared import values


class Post(Protocol):
    position: str
    since: str | None
    cadre_nature: str | None
    on_party_committee: bool | None
    on_duty: str | None


def missing(m: Any, posts: Sequence[tuple[Post, str | None]], has_archive: bool) -> list[str]:
    """`m` has the Member's profile attributes; `posts` are (post, category of its org), ended posts left out;
    `has_archive`: an application form is stored (MEM-9 asks it of those who joined in 2020 or later)."""
    fields: dict[str, object] = {
        "name": m.name, "idNumber": m.id_number, "ethnicity": m.ethnicity, "occupation": m.occupation,
        "studyStatus": m.study_status, "jobType": m.job_type, "education": m.education,
        "politicalStatus": m.political_status, "joinDate": m.join_date, "partyJoinDate": m.party_join_date,
        "isCadre": m.is_cadre, "mobile": m.mobile, "householdAddress": m.household_address,
        "registeredVolunteer": m.registered_volunteer}
    joined_2020 = (m.join_date or "0") >= "2020"
    found_all: list[str] = []
    for post, category in [*posts] or [(None, None)]:
        if post is not None:
            fields.update(position=post.position, positionSince=post.since, cadreNature=post.cadre_nature,
                          onPartyCommittee=post.on_party_committee, onDuty=post.on_duty)
        found = rules.missing_fields(
            fields, is_cadre=m.is_cadre, is_student=m.occupation == values.STUDENT,
            org_is_committee=category in values.COMMITTEE_CATEGORIES,
            party_member=m.political_status in values.PARTY_STATUSES,
            joined_2020_or_later=joined_2020, has_application_pdf=joined_2020 and has_archive)
        found_all += [name for name in found if name not in found_all]
    return found_all
