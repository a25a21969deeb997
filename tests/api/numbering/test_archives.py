"""电子档案 over GraphQL multipart requests (NUM-6, NUM-7, ACC-4): bad files each get a clear UserError and
the server keeps answering; review by the parent committee, replacement by a leading body."""

from __future__ import annotations

import json

import pdf_samples
import pytest
from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from numberingapi import ENTER, PASSWORD, league, mid, multipart, student

ARCHIVE = "archive { status size sha256 downloadUrl replacementPending replacementUrl replacementRefusal refusal }"
UPLOAD = f"""mutation($input: UploadArchiveInput!) {{ uploadArchive(input: $input) {{
  {ARCHIVE} errors {{ code message field rule }} }} }}"""
REPLACE = UPLOAD.replace("uploadArchive(", "replaceArchive(")
REVIEW = f"""mutation($input: ReviewArchiveInput!) {{ reviewArchive(input: $input) {{
  {ARCHIVE} errors {{ code message field rule }} }} }}"""
BATCH = """mutation($input: UploadArchivesInput!) { uploadArchives(input: $input) {
  results { fileName memberId archive { status } errors { code field rule } } errors { code field rule } } }"""
MEMBER_ARCHIVE = f"query($id: ID!) {{ node(id: $id) {{ ... on Member {{ {ARCHIVE} }} }} }}"
MISSING = "query($id: ID!) { node(id: $id) { ... on Member { missingFields } } }"


@pytest.fixture
async def t(uow, hasher, clock, root, client):
    t = await league(uow, hasher, clock, root)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    entered = await client.query(ENTER, {"input": student(t.class1, developmentNumber="202000000001", name="张伟",
                                                          mobile="13800138001")})
    t.member = entered["enterMember"]["member"]
    return t


async def upload(client, member, content, query=UPLOAD, name="form.pdf"):
    return await multipart(client, query, {"input": {"memberId": mid(member["id"]), "file": None}},
                           [("variables.input.file", name, content)])


async def review(client, member, approve, reason=None):
    fields = {"memberId": mid(member["id"]), "approve": approve, "reason": reason}
    return (await client.query(REVIEW, {"input": fields}))["reviewArchive"]


def codes(payload):
    return [(e["code"], e["field"], e["rule"]) for e in payload["errors"]]


async def download(client, archive, token=None):
    headers = {"Authorization": f"Bearer {token or client.token}"} if token is not False else {}
    return await client.http.get(archive["downloadUrl"] if isinstance(archive, dict) else archive, headers=headers)


async def test_num6_upload_review_by_the_parent_and_download_as_an_attachment(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    uploaded = await upload(client, t.member, pdf_samples.valid_pdf())
    assert uploaded["errors"] == []
    archive = uploaded["archive"]
    assert archive["status"] == "PENDING_REVIEW" and archive["size"] == len(pdf_samples.valid_pdf())
    assert codes(await review(client, t.member, True)) == [("ARCHIVE_REVIEW_BY_PARENT", "memberId", "NUM-6")]
    got = await download(client, archive)
    assert got.status_code == 200 and got.content == pdf_samples.valid_pdf()
    assert got.headers["content-type"] == "application/pdf" and got.headers["cache-control"] == "no-store"
    assert got.headers["content-disposition"].startswith("attachment;")
    await client.login_as(t.school_admin.id_number, PASSWORD)
    approved = await review(client, t.member, True)
    assert approved["errors"] == [] and approved["archive"]["status"] == "APPROVED"
    assert codes(await review(client, t.member, True)) == [("ARCHIVE_NOT_PENDING", "memberId", "NUM-6")]
    # Approved: the branch can no longer change it (NUM-6).
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    again = await upload(client, t.member, pdf_samples.other_valid_pdf())
    assert codes(again) == [("ARCHIVE_APPROVED", "memberId", "NUM-6")]
    shown = (await client.query(MEMBER_ARCHIVE, {"id": mid(t.member["id"])}))["node"]["archive"]
    assert shown["status"] == "APPROVED"
    # Out of scope: 404 like an unknown member; no token: 401.
    await client.login_as(t.province2_admin.id_number, PASSWORD)
    assert (await download(client, archive)).status_code == 404
    assert (await download(client, archive, token=False)).status_code == 401


async def test_num6_a_refused_replacement_keeps_the_old_file(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    first = (await upload(client, t.member, pdf_samples.valid_pdf()))["archive"]
    assert codes(await upload(client, t.member, pdf_samples.other_valid_pdf(), REPLACE)) == [
        ("ARCHIVE_NOT_APPROVED", "memberId", "NUM-6")]
    await client.login_as(t.school_admin.id_number, PASSWORD)
    await review(client, t.member, True)
    replaced = await upload(client, t.member, pdf_samples.other_valid_pdf(), REPLACE)
    assert replaced["errors"] == [] and replaced["archive"]["replacementPending"] is True
    assert codes(await review(client, t.member, True)) == [("ARCHIVE_REVIEW_BY_LEADING_BODY", "memberId", "NUM-6")]
    await client.login_as(t.province_admin.id_number, PASSWORD)
    assert (await download(client, replaced["archive"]["replacementUrl"])).content == pdf_samples.other_valid_pdf()
    refused = await review(client, t.member, False, "第二页缺失")
    assert refused["errors"] == [] and refused["archive"]["replacementPending"] is False
    assert refused["archive"]["replacementRefusal"] == "第二页缺失"
    assert refused["archive"]["sha256"] == first["sha256"]
    assert (await download(client, first)).content == pdf_samples.valid_pdf()
    await client.login_as(t.school_admin.id_number, PASSWORD)
    await upload(client, t.member, pdf_samples.other_valid_pdf(), REPLACE)
    await client.login_as(t.province_admin.id_number, PASSWORD)
    approved = await review(client, t.member, True)
    assert approved["archive"]["status"] == "APPROVED" and approved["archive"]["sha256"] != first["sha256"]
    assert (await download(client, first)).content == pdf_samples.other_valid_pdf()


@pytest.mark.parametrize(("content", "code"), [
    (b"just some text, not a PDF", "ARCHIVE_NOT_PDF"),
    (b"", "ARCHIVE_EMPTY"),
    (pdf_samples.truncated_pdf(), "ARCHIVE_UNREADABLE"),
    (pdf_samples.encrypted_pdf(), "ARCHIVE_ENCRYPTED"),
    (b"%PDF-1.7\n" + b"0" * (15 * 1024 * 1024 + 1 - 9), "ARCHIVE_TOO_LARGE"),
    ("flate bomb", "ARCHIVE_UNREADABLE"),
    (pdf_samples.zip_named_pdf(), "ARCHIVE_NOT_PDF"),
], ids=["not-a-pdf", "empty", "truncated", "encrypted", "15MB+1", "flate-bomb", "zip-named-pdf"])
async def test_num6_bad_files_get_a_clear_user_error_and_the_server_keeps_answering(client, t, content, code):
    content = pdf_samples.flate_bomb_pdf() if content == "flate bomb" else content
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    refused = await upload(client, t.member, content, name="入团志愿书.pdf")
    assert refused["archive"] is None
    assert codes(refused) == [(code, "file", "NUM-6")] and refused["errors"][0]["message"]
    assert (await client.http.get("/healthz")).status_code == 200
    assert (await client.query(MEMBER_ARCHIVE, {"id": mid(t.member["id"])}))["node"]["archive"] is None


async def test_num6_acc4_out_of_scope_hears_not_found_before_anything_about_the_file(client, t):
    await client.login_as(t.province2_admin.id_number, PASSWORD)
    refused = await upload(client, t.member, b"")
    assert codes(refused) == [("NOT_FOUND", "memberId", "ACC-4")]
    assert codes(await review(client, t.member, True)) == [("NOT_FOUND", "memberId", "ACC-4")]


async def test_num7_a_batch_matches_each_file_by_name_and_mobile(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    files = [("张伟+13800138001+入团志愿书.pdf", pdf_samples.valid_pdf()), ("入团志愿书.pdf", pdf_samples.valid_pdf()),
             ("李四13900139000入团志愿书.pdf", pdf_samples.valid_pdf())]
    parts = [(f"variables.input.files.{i}", name, content) for i, (name, content) in enumerate(files)]
    done = await multipart(client, BATCH, {"input": {"files": [None] * len(files)}}, parts)
    assert done["errors"] == []
    results = done["results"]
    assert [r["fileName"] for r in results] == [name for name, _ in files]
    assert results[0]["memberId"] == t.member["id"] and results[0]["archive"] == {"status": "PENDING_REVIEW"}
    assert results[1]["errors"] == [{"code": "ARCHIVE_FILE_NAME", "field": "files", "rule": "NUM-7"}]
    assert results[2]["errors"] == [{"code": "ARCHIVE_NO_MATCH", "field": "files", "rule": "NUM-7"}]
    many = [(f"variables.input.files.{i}", f"{i}.pdf", b"x") for i in range(21)]
    too_many = await multipart(client, BATCH, {"input": {"files": [None] * 21}}, many)
    assert too_many["errors"] == [{"code": "ARCHIVE_BATCH_TOO_LARGE", "field": "files", "rule": "NUM-7"}]


async def test_mem9_num6_an_uploaded_form_is_no_longer_missing(client, t):
    await client.login_as(t.class1_admin.id_number, PASSWORD)
    before = (await client.query(MISSING, {"id": mid(t.member["id"])}))["node"]["missingFields"]
    assert "applicationForm" in before
    await upload(client, t.member, pdf_samples.valid_pdf())
    after = (await client.query(MISSING, {"id": mid(t.member["id"])}))["node"]["missingFields"]
    assert "applicationForm" not in after


async def test_num6_a_multipart_request_without_a_preflight_forcing_header_is_refused(client, t):
    """CSRF: a cross-site HTML form can post multipart but cannot add Authorization or Apollo-Require-Preflight."""
    operations = {"query": UPLOAD, "variables": {"input": {"memberId": mid(t.member["id"]), "file": None}}}
    form = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})}
    files = {"0": ("form.pdf", pdf_samples.valid_pdf(), "application/pdf")}
    refused = await client.http.post("/graphql", data=form, files=files)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_PREFLIGHT_REQUIRED"
    preflighted = await client.http.post("/graphql", data=form, files=files,
                                         headers={"Apollo-Require-Preflight": "true"})
    assert preflighted.status_code == 401  # and nothing was read (test_production_settings.py, finding 12)
    assert preflighted.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_num7_a_multipart_body_larger_than_twenty_archives_is_refused_before_it_is_parsed(client, t):
    from zhtj.graphql.uploads import MAX_MULTIPART_BYTES

    await client.login_as(t.class1_admin.id_number, PASSWORD)
    refused = await client.http.post("/graphql", content=b"--x--\r\n", headers={
        "Authorization": f"Bearer {client.token}", "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": str(MAX_MULTIPART_BYTES + 1)})
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
