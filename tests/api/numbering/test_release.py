"""释放编号 over GraphQL (NUM-4, ACC-4): asked by whoever manages the member, decided by the admin of the
segment's owner or above; approval moves the number in one transaction."""

from __future__ import annotations

import hashlib
import os
import time

import pdf_samples
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from numberingapi import (
    ALLOCATE,
    ENTER,
    PASSWORD,
    REQUEST_RELEASE,
    REVIEW_RELEASE,
    TO_REVIEW,
    codes,
    league,
    mid,
    multipart,
    oid,
    student,
)
from sqlalchemy import select

from zhtj.domain.numbering import rules
from zhtj.graphql.ids import encode_id
from zhtj.infrastructure.file_cleanup import cleanup_archives
from zhtj.infrastructure.files import LocalFiles
from zhtj.infrastructure.tables.schema import audit_log


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    t = await league(uow, hasher, clock, root)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    for org, end in ((t.province, "202000000100"), (t.school, "202000000050")):
        fields = {"orgId": oid(org), "start": "202000000001", "end": end, "domain": "学校领域", "schoolLevel": "高校"}
        assert (await client.query(ALLOCATE, {"input": fields}))["allocateSegment"]["errors"] == []
    t.holder = await _enter(client, t.class1, "202000000042", "李娜")
    t.wanting = await _enter(client, t.class2, "202000000043", "王芳")
    return t


async def _enter(client, branch, number, name, **extra):
    fields = student(branch, developmentNumber=number, name=name, **extra)
    payload = (await client.query(ENTER, {"input": fields}))
    assert payload["enterMember"]["errors"] == []
    return payload["enterMember"]["member"]


async def request(client, member, number, content=None, name="入团志愿书.pdf"):
    """A multipart request carrying the member's application form (a valid PDF unless told)."""
    member_id = member if isinstance(member, str) else mid(member["id"])
    fields = {"memberId": member_id, "developmentNumber": number, "reason": "纸质志愿书编号", "file": None}
    content = pdf_samples.valid_pdf() if content is None else content
    return await multipart(client, REQUEST_RELEASE, {"input": fields}, [("variables.input.file", name, content)])


async def review(client, release_id, approve, reason=None):
    fields = {"releaseId": release_id, "approve": approve, "reason": reason}
    return (await client.query(REVIEW_RELEASE, {"input": fields}))["reviewNumberRelease"]


async def test_num4_approval_moves_the_number_and_leaves_the_holder_without_one(client, t):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    asked = await request(client, t.wanting, "202000000042")
    assert asked["errors"] == []
    release = asked["release"]
    assert release["status"] == "PENDING" and release["organization"] == {"shortName": "某大学团委"}
    again = await request(client, t.wanting, "202000000042")
    assert codes(again) == ["RELEASE_PENDING"]
    # The admin of the segment's owner decides; a branch admin below it does not even see the request.
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    hidden = await review(client, release["id"], True)
    assert [(e["code"], e["field"], e["rule"]) for e in hidden["errors"]] == [("NOT_FOUND", "releaseId", "ACC-4")]
    await client.login_as(t.school_admin.id_number, PASSWORD)
    listed = (await client.query(TO_REVIEW, {"id": oid(t.school)}))["organization"]["numberReleasesToReview"]
    assert [r["number"] for r in listed] == ["202000000042"]
    approved = await review(client, release["id"], True)
    assert approved["errors"] == []
    assert approved["release"]["status"] == "APPROVED"
    assert approved["release"]["member"] == {"name": "王芳", "developmentNumber": "202000000042"}
    assert approved["release"]["holder"] == {"name": "李娜", "developmentNumber": None}
    twice = await review(client, release["id"], False, "重复")
    assert codes(twice) == ["RELEASE_DECIDED"]
    assert (await client.query(TO_REVIEW, {"id": oid(t.school)}))["organization"]["numberReleasesToReview"] == []


async def test_num4_acc4_an_admin_above_the_owner_may_refuse_with_a_reason(client, t):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    release = (await request(client, t.wanting, "202000000042"))["release"]
    await client.login_as(t.province_admin.id_number, PASSWORD)
    no_reason = await review(client, release["id"], False)
    assert [(e["code"], e["field"]) for e in no_reason["errors"]] == [("REASON_REQUIRED", "reason")]
    refused = await review(client, release["id"], False, "编号与纸质志愿书不符")
    assert refused["errors"] == [] and refused["release"]["status"] == "REFUSED"
    assert refused["release"]["refusal"] == "编号与纸质志愿书不符"
    assert refused["release"]["holder"]["developmentNumber"] == "202000000042"


async def test_num4_a_release_is_asked_only_for_a_member_you_manage_and_a_number_they_may_hold(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    out_of_scope = await request(client, t.wanting, "202000000042")  # 王芳 is in class2
    assert [(e["code"], e["field"]) for e in out_of_scope["errors"]] == [("NOT_FOUND", "memberId")]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    free = await request(client, t.wanting, "202000000099")
    assert codes(free) == ["NUMBER_NOT_TAKEN"]
    own = await request(client, t.holder, "202000000042")
    assert codes(own) == ["NUMBER_ALREADY_HELD"]
    worker = await _enter(client, t.company_branch, "201900000001", "赵强", joinDate="2019-05")
    # 赵强's branch is not under the segment's owner (某大学团委): the number is not theirs to get (NUM-F6).
    assert codes(await request(client, worker, "202000000042")) == ["NUMBER_SEGMENT_NOT_OURS"]


async def test_num4_asking_for_free_numbers_is_throttled_per_account(client, t):
    """NUM-4 decided: answers that tell whether a number is taken are counted like wrong passwords."""
    await client.login_as(t.school_admin.id_number, PASSWORD)
    answers = [codes(await request(client, t.wanting, f"2020000000{60 + i}")) for i in range(8)]
    assert answers[0] == ["NUMBER_NOT_TAKEN"]
    assert answers[-1] == ["LOOKUP_THROTTLED"]


MEMBER_ARCHIVE = "query($id: ID!) { node(id: $id) { ... on Member { archive { status sha256 size } } } }"


def stored_files(settings):
    base = settings.files_dir / "archives"
    return sorted(p.name for p in base.rglob("*") if p.is_file()) if base.exists() else []


def errors(payload):
    return [(e["code"], e["message"], e["field"], e["rule"]) for e in payload["errors"]]


async def test_num4_a_release_carries_the_new_members_pdf_stored_before_the_row(client, t, settings):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    asked = await request(client, t.wanting, "202000000042", pdf_samples.valid_pdf())
    assert asked["errors"] == []
    release = asked["release"]
    digest = hashlib.sha256(pdf_samples.valid_pdf()).hexdigest()
    assert release["formSha256"] == digest and release["formSize"] == len(pdf_samples.valid_pdf())
    assert release["formUrl"] == f"/number-releases/{release['id']}/form"
    stored = await LocalFiles(settings.files_dir).read(rules.archive_file_name(digest))
    assert stored == pdf_samples.valid_pdf()  # content-addressed, as e-archives are


@pytest.mark.parametrize(("content", "code"), [
    (b"just some text, not a PDF", "ARCHIVE_NOT_PDF"),
    (b"", "ARCHIVE_EMPTY"),
    (pdf_samples.encrypted_pdf(), "ARCHIVE_ENCRYPTED"),
])
async def test_num4_num6_a_release_with_a_bad_file_is_refused_and_nothing_is_stored(client, t, settings, content,
                                                                                     code):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    refused = await request(client, t.wanting, "202000000042", content)
    assert [(e["code"], e["field"], e["rule"]) for e in refused["errors"]] == [(code, "file", "NUM-6")]
    assert refused["release"] is None and stored_files(settings) == []
    listed = (await client.query(TO_REVIEW, {"id": oid(t.school)}))["organization"]["numberReleasesToReview"]
    assert listed == []
    assert (await request(client, t.wanting, "202000000042"))["errors"] == []  # the server still answers


async def test_num4_out_of_scope_is_not_found_exactly_as_nonexistent_and_the_file_is_never_stored(
        client, t, settings):
    """Scope first: neither the file nor the form is looked at before the viewer may act on the member."""
    await client.login_as(t.class1_admin.id_number, PASSWORD)  # 王芳 is in class2
    nobody = encode_id("Member", 987654)
    for content in (pdf_samples.valid_pdf(), b"not a PDF at all"):
        for number in ("202000000042", "12"):
            out_of_scope = await request(client, t.wanting, number, content)
            nonexistent = await request(client, nobody, number, content)
            assert errors(out_of_scope) == errors(nonexistent)
            assert [(e["code"], e["field"]) for e in out_of_scope["errors"]] == [("NOT_FOUND", "memberId")]
    assert stored_files(settings) == []


async def test_num4_the_reviewer_downloads_the_form_audited_and_others_are_refused(client, t, db):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    release = (await request(client, t.wanting, "202000000042", pdf_samples.other_valid_pdf()))["release"]
    url = release["formUrl"]
    await client.login_as(t.province_admin.id_number, PASSWORD)  # an admin above the segment's owner decides
    got = await client.http.get(url, headers={"Authorization": f"Bearer {client.token}"})
    assert got.status_code == 200 and got.content == pdf_samples.other_valid_pdf()
    assert got.headers["content-type"] == "application/pdf" and got.headers["cache-control"] == "no-store"
    assert got.headers["content-disposition"].startswith("attachment;")
    async with db.engine.connect() as conn:
        actions = [r.action for r in (await conn.execute(select(audit_log).where(
            audit_log.c.action == "downloadReleaseForm"))).all()]
    assert actions == ["downloadReleaseForm"]
    assert (await client.http.get(url)).status_code == 401
    for other in (t.class1_admin, t.province2_admin):  # the holder's branch admin; another province
        await client.login_as(other.id_number, PASSWORD)
        refused = await client.http.get(url, headers={"Authorization": f"Bearer {client.token}"})
        assert refused.status_code == 404 and refused.content != pdf_samples.other_valid_pdf()
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    unknown = f"/number-releases/{encode_id('NumberRelease', 987654)}/form"
    assert (await client.http.get(unknown, headers={"Authorization": f"Bearer {client.token}"})).status_code == 404


async def test_num4_num6_approval_makes_the_form_the_members_archive_pending_review(client, t):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    release = (await request(client, t.wanting, "202000000042"))["release"]
    assert (await client.query(MEMBER_ARCHIVE, {"id": t.wanting["id"]}))["node"]["archive"] is None
    assert (await review(client, release["id"], True))["errors"] == []
    archive = (await client.query(MEMBER_ARCHIVE, {"id": t.wanting["id"]}))["node"]["archive"]
    digest = hashlib.sha256(pdf_samples.valid_pdf()).hexdigest()
    assert archive == {"status": "PENDING_REVIEW", "sha256": digest, "size": len(pdf_samples.valid_pdf())}
    got = await client.http.get(f"/members/{t.wanting['id']}/archive",
                                headers={"Authorization": f"Bearer {client.token}"})
    assert got.status_code == 200 and got.content == pdf_samples.valid_pdf()


async def test_num4_num6_a_member_who_has_an_archive_keeps_it_on_approval(client, t):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    upload = """mutation($input: UploadArchiveInput!) { uploadArchive(input: $input) { errors { code } } }"""
    uploaded = await multipart(client, upload, {"input": {"memberId": t.wanting["id"], "file": None}},
                               [("variables.input.file", "form.pdf", pdf_samples.other_valid_pdf())])
    assert uploaded["errors"] == []
    release = (await request(client, t.wanting, "202000000042", pdf_samples.valid_pdf()))["release"]
    assert (await review(client, release["id"], True))["errors"] == []
    archive = (await client.query(MEMBER_ARCHIVE, {"id": t.wanting["id"]}))["node"]["archive"]
    assert archive["sha256"] == hashlib.sha256(pdf_samples.other_valid_pdf()).hexdigest()


async def test_num4_cleanup_keeps_the_form_a_refused_request_names(client, t, db, settings):
    await client.login_as(t.school_admin.id_number, PASSWORD)
    release = (await request(client, t.wanting, "202000000042", pdf_samples.other_valid_pdf()))["release"]
    refused = await review(client, release["id"], False, "志愿书与编号不符")
    assert refused["errors"] == [] and refused["release"]["status"] == "REFUSED"
    files = LocalFiles(settings.files_dir)
    form = rules.archive_file_name(release["formSha256"])
    orphan = rules.archive_file_name("0" * 64)
    await files.write(orphan, b"%PDF-orphan")
    then = time.time() - 2 * 3600
    for name in (form, orphan):
        os.utime(files.path(name), (then, then))
    assert await cleanup_archives(db, files) == [orphan]
    assert await files.read(form) == pdf_samples.other_valid_pdf()  # kept with the refused request
    await client.login_as(t.province_admin.id_number, PASSWORD)
    got = await client.http.get(release["formUrl"], headers={"Authorization": f"Bearer {client.token}"})
    assert got.status_code == 200 and got.content == pdf_samples.other_valid_pdf()
