"""实名校验 over GraphQL, HTTP and the command line (MEM-13, MEM-16, ACC-4)."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_person, new_id_number
from selfreport_api import MEMBER, codes, form, mid, tree
from typer.testing import CliRunner

from zhtj.app import create_app
from zhtj.cli import app as cli
from zhtj.infrastructure.verification_rounds import run_round

REQUEST = f"""mutation($input: RequestVerificationInput!) {{ requestVerification(input: $input) {{
  member {{ {MEMBER} verificationCheckedAt }} errors {{ code message field rule }} }} }}"""
PASS = f"""mutation($input: PassVerificationOfflineInput!) {{ passVerificationOffline(input: $input) {{
  member {{ {MEMBER} }} errors {{ code message field rule }} }} }}"""
UPDATE = """mutation($input: UpdateMemberInput!) { updateMember(input: $input) {
  member { name verification verificationNote } errors { code } } }"""
ENTER = """mutation($input: EnterMemberInput!) { enterMember(input: $input) { member { id } errors { code } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on Member { verification verificationPhotoUrl } } }"
PASSWORD = "Chengyuan2026"


class FakeVerifier:
    """The outside service, answering what the test says and remembering what it was asked."""

    configured = True

    def __init__(self, answer: bool | None = True):
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    async def check(self, name: str, id_number: str) -> bool | None:
        self.asked.append((name, id_number))
        return self.answer


def png() -> bytes:
    """A real 1×1 PNG, made with the standard library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


async def set_check(uow, member, state: str, started: datetime | None) -> None:
    async with uow:
        found = await uow.members.lock(member.id)
        found.verification, found.verification_started_at = state, started
        await uow.commit()


async def state_of(uow, member) -> tuple[str, datetime | None]:
    async with uow:
        found = await uow.members.lock(member.id)
        return found.verification, found.verification_started_at


async def upload(client, token: str, member_id: str, note: str, content: bytes, name: str = "photo.png"):
    """passVerificationOffline as a GraphQL multipart request (operations, map, then the file)."""
    operations = {"query": PASS, "variables": {"input": {"memberId": member_id, "note": note, "photo": None}}}
    response = await client.http.post(
        "/graphql", headers={"Authorization": f"Bearer {token}"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.photo"]})},
        files={"0": (name, content, "application/octet-stream")})
    assert response.status_code == 200, response.text
    return response.json()["data"]["passVerificationOffline"]


async def test_a_check_records_the_services_answer_and_never_blocks_MEM13_MEM16(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    verifier = client.app.state.services.verifier = FakeVerifier(True)
    people = [(await add_person(uow, hasher, clock, name=n, branch=t["branch"], password=PASSWORD))[0]
              for n in ("甲", "乙", "丙")]
    await client.login_as(*t["branch_admin"])
    passed = (await client.query(REQUEST, {"input": {"memberId": mid(people[0])}}))["requestVerification"]
    assert passed["member"]["verification"] == "校验通过" and passed["member"]["verificationCheckedAt"]
    assert verifier.asked == [("甲", people[0].id_number)]
    verifier.answer = False
    failed = (await client.query(REQUEST, {"input": {"memberId": mid(people[1])}}))["requestVerification"]
    assert failed["errors"] == [] and failed["member"]["verification"] == "校验不通过"
    verifier.answer = None
    own = await client.login_as(people[2].id_number, PASSWORD)  # the member asks for their own check
    waiting = (await client.query(REQUEST, {"input": {"memberId": mid(people[2])}}, token=own))
    assert waiting["requestVerification"]["member"]["verification"] == "校验中"
    await client.login_as(*t["branch_admin"])
    again = (await client.query(REQUEST, {"input": {"memberId": mid(people[0])}}))["requestVerification"]
    assert [(e["code"], e["rule"]) for e in again["errors"]] == [("VERIFICATION_DONE", "MEM-13")]
    await client.login_as(*t["other_admin"])
    outside = (await client.query(REQUEST, {"input": {"memberId": mid(people[1])}}))["requestVerification"]
    assert codes(outside) == ["NOT_FOUND"]
    # A failed check blocks nothing: the person logs in, works, and counts as a member.
    token = await client.login_as(people[1].id_number, PASSWORD)
    assert (await client.query("{ me { member { verification branch { shortName } } } }", token=token))[
        "me"]["member"] == {"verification": "校验不通过", "branch": {"shortName": "计算机2301班团支部"}}


async def test_failed_and_unanswered_checks_are_retried_within_72_hours_MEM13(client, root, uow, hasher, clock, db):
    t = await tree(uow, hasher, clock, root)
    now = clock.now()
    fresh_fail, fresh_wait, old_fail, old_wait = [
        (await add_person(uow, hasher, clock, name=n, branch=t["branch"]))[0] for n in ("甲", "乙", "丙", "丁")]
    await set_check(uow, fresh_fail, "校验不通过", now - timedelta(hours=70))
    await set_check(uow, fresh_wait, "校验中", now - timedelta(hours=1))
    await set_check(uow, old_fail, "校验不通过", now - timedelta(hours=72))
    await set_check(uow, old_wait, "校验中", now - timedelta(hours=80))
    verifier = FakeVerifier(True)
    summary = await run_round(db, clock, verifier)
    assert (summary.checked, summary.passed, summary.ended) == (2, 2, 2)
    assert sorted(name for name, _ in verifier.asked) == ["乙", "甲"]  # the old ones are not asked again
    assert (await state_of(uow, fresh_fail))[0] == "校验通过"
    assert (await state_of(uow, fresh_wait))[0] == "校验通过"
    assert await state_of(uow, old_fail) == ("校验不通过", None)  # for an admin to check offline
    assert await state_of(uow, old_wait) == ("未校验", None)
    nothing_left = await run_round(db, clock, verifier)
    assert (nothing_left.checked, nothing_left.ended) == (0, 0)


async def test_editing_the_name_or_id_number_resets_the_check_MEM13(client, root, uow, hasher, clock):
    t = await tree(uow, hasher, clock, root)
    client.app.state.services.verifier = FakeVerifier(True)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    entry = {**form(t["branch"], name="王五"), "isCadre": False}
    entry.pop("password")
    member = (await client.query(ENTER, {"input": entry}))["enterMember"]["member"]["id"]
    checked = (await client.query(REQUEST, {"input": {"memberId": member}}))["requestVerification"]
    assert checked["member"]["verification"] == "校验通过"
    kept = (await client.query(UPDATE, {"input": {"id": member, "mobile": "13800001111"}}))["updateMember"]
    assert kept["errors"] == [] and kept["member"]["verification"] == "校验通过"
    renamed = (await client.query(UPDATE, {"input": {"id": member, "name": "王六"}}))["updateMember"]
    assert renamed["member"] == {"name": "王六", "verification": "未校验", "verificationNote": None}
    await client.query(REQUEST, {"input": {"memberId": member}})
    number = new_id_number(date(2000, 8, 8))
    moved = (await client.query(UPDATE, {"input": {"id": member, "idNumber": number, "idNumberConfirm": number}}))
    assert moved["updateMember"]["member"]["verification"] == "未校验"


async def test_an_offline_pass_keeps_a_note_and_a_photo_for_admins_in_scope_MEM13(client, root, uow, hasher, clock,
                                                                                 settings):
    t = await tree(uow, hasher, clock, root)
    member, _ = await add_person(uow, hasher, clock, name="赵六", branch=t["branch"], password=PASSWORD)
    token = await client.login_as(*t["branch_admin"])
    photo = png()
    done = await upload(client, token, mid(member), " 已核对身份证原件 ", photo)
    assert done["errors"] == []
    passed = done["member"]
    assert passed["verification"] == "线下通过" and passed["verificationNote"] == "已核对身份证原件"
    url = passed["verificationPhotoUrl"]
    assert url == f"/members/{mid(member)}/verification-photo"
    stored = list((settings.files_dir / "verification").iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == photo and stored[0].suffix == ".png"
    fetched = await client.http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert fetched.status_code == 200 and fetched.content == photo
    assert fetched.headers["content-type"] == "image/png" and fetched.headers["cache-control"] == "no-store"
    assert (await client.http.get(url)).status_code == 401
    other = await client.login_as(*t["other_admin"])
    assert (await client.http.get(url, headers={"Authorization": f"Bearer {other}"})).status_code == 404
    own = await client.login_as(member.id_number, PASSWORD)
    assert (await client.http.get(url, headers={"Authorization": f"Bearer {own}"})).status_code == 404
    assert (await client.query(NODE, {"id": mid(member)}, token=own))["node"] == {
        "verification": "线下通过", "verificationPhotoUrl": None}
    again = await upload(client, token, mid(member), "再次核验", photo)
    assert codes(again) == ["VERIFICATION_DONE"]
    # A new name: the check was about the old pair, so it starts again and the photo goes with it.
    await client.login_as(*t["branch_admin"])
    renamed = await client.query("""mutation($input: UpdateMemberInput!) { updateMember(input: $input) {
      member { verification verificationPhotoUrl } errors { code } } }""",
                                 {"input": {"id": mid(member), "name": "赵六六"}})
    assert renamed["updateMember"] == {"member": {"verification": "未校验", "verificationPhotoUrl": None}, "errors": []}
    assert list((settings.files_dir / "verification").iterdir()) == []


async def test_an_offline_pass_refuses_bad_photos_and_notes_at_once_MEM13(client, root, uow, hasher, clock,
                                                                          settings):
    t = await tree(uow, hasher, clock, root)
    member, _ = await add_person(uow, hasher, clock, name="钱七", branch=t["branch"], password=PASSWORD)
    token = await client.login_as(*t["branch_admin"])
    pdf = await upload(client, token, mid(member), "  ", b"%PDF-1.7 pretending", name="photo.jpg")
    assert {(e["code"], e["field"], e["rule"]) for e in pdf["errors"]} == {
        ("NOTE_REQUIRED", "note", "MEM-13"), ("PHOTO_TYPE", "photo", "MEM-13")}
    not_a_file = await client.query(PASS, {"input": {"memberId": mid(member), "note": "说明", "photo": "abc"}})
    assert codes(not_a_file["passVerificationOffline"]) == ["PHOTO_REQUIRED"]  # JSON, not a multipart file
    large = await upload(client, token, mid(member), "说明", b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024))
    assert [(e["code"], e["message"]) for e in large["errors"]] == [("PHOTO_TOO_LARGE", "照片不能超过5MB")]
    jpeg = await upload(client, token, mid(member), "说明", b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024 - 4),
                        name="proof.bin")
    assert jpeg["errors"] == [] and jpeg["member"]["verification"] == "线下通过"  # exactly 5 MB, a JPEG by its bytes
    self_made = await client.login_as(member.id_number, PASSWORD)
    other, _ = await add_person(uow, hasher, clock, name="孙八", branch=t["branch"])
    refused = await upload(client, self_made, mid(member), "说明", png())
    assert codes(refused) == ["OFFLINE_CHECK_BY_ADMIN"]
    hidden = await upload(client, self_made, mid(other), "说明", png())
    assert codes(hidden) == ["NOT_FOUND"]
    assert [p.suffix for p in (settings.files_dir / "verification").iterdir()] == [".jpg"]


async def test_zhtj_serve_retries_checks_in_the_background_MEM13(root, uow, hasher, clock, db, settings):
    t = await tree(uow, hasher, clock, root)
    member, _ = await add_person(uow, hasher, clock, name="周九", branch=t["branch"])
    await set_check(uow, member, "校验不通过", clock.now() - timedelta(hours=5))
    verifier = FakeVerifier(True)
    fast = replace(settings, verify_interval_minutes=0.001)
    app = create_app(fast, clock=clock, hasher=hasher, verifier=verifier, retry_checks=True)
    async with app.router.lifespan_context(app):
        for _ in range(200):
            if (await state_of(uow, member))[0] == "校验通过":
                break
            await asyncio.sleep(0.02)
    assert (await state_of(uow, member))[0] == "校验通过"
    assert verifier.asked[0] == ("周九", member.id_number)
    quiet = create_app(settings, clock=clock, hasher=hasher, verifier=FakeVerifier(True))
    await set_check(uow, member, "校验不通过", clock.now())
    async with quiet.router.lifespan_context(quiet):  # without retry_checks (tests, tools) no loop runs
        await asyncio.sleep(0.1)
    assert (await state_of(uow, member))[0] == "校验不通过"


async def test_zhtj_verify_pending_runs_one_round_MEM13(root, uow, hasher, clock, database_url, monkeypatch, tmp_path):
    t = await tree(uow, hasher, clock, root)
    member, _ = await add_person(uow, hasher, clock, name="吴十", branch=t["branch"])
    await set_check(uow, member, "校验中", datetime.now(UTC) - timedelta(hours=1))  # the CLI runs on real time
    monkeypatch.setenv("ZHTJ_DATABASE_URL", database_url)
    monkeypatch.setenv("ZHTJ_SECRET_KEY", "cli-test-secret")
    monkeypatch.chdir(tmp_path)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["verify-pending"])
    assert result.exit_code == 0, result.output
    # The local adapter has no outside service: it asks nothing and changes nothing (infrastructure/verifier.py).
    assert "0 asked (0 passed, 0 failed, 0 unanswered)" in result.output
    assert (await state_of(uow, member))[0] == "校验中"


async def test_without_an_outside_service_everyone_stays_unchecked_MEM13(client, root, uow, hasher, clock):
    """The local adapter (no service connected) leaves 未校验 and says so; offline pass is the way."""
    t = await tree(uow, hasher, clock, root)
    member, _ = await add_person(uow, hasher, clock, name="郑十一", branch=t["branch"])
    await client.login_as(*t["branch_admin"])
    query = """mutation($input: RequestVerificationInput!) { requestVerification(input: $input) {
      member { verification } errors { code field rule } } }"""
    payload = (await client.query(query, {"input": {"memberId": mid(member)}}))["requestVerification"]
    assert payload["errors"] == [{"code": "VERIFIER_NOT_CONFIGURED", "field": "memberId", "rule": "MEM-13"}]
    assert (await state_of(uow, member))[0] == "未校验"
