"""pendingWork over graphql-transport-ws on /graphql (decision 0044): authenticated by connection_init's payload,
scoped to the viewer's orgs (ACC-4), updated when the work changes, ended when the token is."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
from factories import add_org, add_person
from selfreport_api import form, report
from sqlalchemy import insert, update
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from zhtj.app import create_app
from zhtj.graphql import subscriptions
from zhtj.graphql.ids import encode_id
from zhtj.graphql.persisted import sha256
from zhtj.infrastructure.db import create_database
from zhtj.infrastructure.tables.schema import import_jobs

PASSWORD = "Qingnian2026x"
PROTOCOL = ["graphql-transport-ws"]
PENDING = "subscription { pendingWork { selfReportsToReview numberReleasesToReview } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token } }"
REVIEW = """mutation($i: ReviewSelfReportInput!) { reviewSelfReport(input: $i) { errors { code } } }"""


@pytest.fixture
async def scene(client, root, uow, hasher, clock, monkeypatch):
    """甲支部 with a self-report waiting, 乙支部 with none; an admin for each."""
    monkeypatch.setattr(subscriptions, "TICK_SECONDS", 0.02)
    a = await add_org(uow, root, "甲支部", category="团支部")
    b = await add_org(uow, root, "乙支部", category="团支部")
    admin_a, _ = await add_person(uow, hasher, clock, name="甲管理员", branch=a, admin_of=a, password=PASSWORD)
    admin_b, _ = await add_person(uow, hasher, clock, name="乙管理员", branch=b, admin_of=b, password=PASSWORD)
    reported = await report(client, form(a))
    assert not reported["errors"], reported
    return {"a": admin_a, "b": admin_b, "reporter": reported["member"]["id"]}


def _login(http: TestClient, person) -> str:
    answer = http.post("/graphql", json={"query": LOGIN, "variables": {"i": {"idNumber": person.id_number,
                                                                            "password": PASSWORD}}}).json()
    return answer["data"]["login"]["token"]


def _init(socket, payload: dict | None) -> None:
    socket.send_json({"type": "connection_init", **({"payload": payload} if payload is not None else {})})


async def _in_thread(settings, clock, hasher, scenario):
    """The app runs in TestClient's own loop and thread, with its own engine (a websocket client over ASGI)."""
    def run():
        app = create_app(dataclasses.replace(settings), clock=clock, hasher=hasher)
        with TestClient(app) as http:
            return scenario(http)

    return await asyncio.to_thread(run)


async def test_acc4_without_a_live_token_the_socket_is_refused(scene, settings, clock, hasher):
    def scenario(http):
        codes = []
        for payload in (None, {"token": "not-a-token"}, {"Authorization": "Basic x"}):
            with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as socket:
                _init(socket, payload)
                with pytest.raises(WebSocketDisconnect) as closed:
                    socket.receive_json()
                codes.append(closed.value.code)
        return codes

    assert await _in_thread(settings, clock, hasher, scenario) == [4403, 4403, 4403]


async def test_mem14_pending_work_is_scoped_and_follows_the_review(scene, settings, clock, hasher):
    def scenario(http):
        token_a, token_b = _login(http, scene["a"]), _login(http, scene["b"])
        seen = {}
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as socket_b:
            _init(socket_b, {"Authorization": f"Bearer {token_b}"})
            assert socket_b.receive_json()["type"] == "connection_ack"
            socket_b.send_json({"id": "b", "type": "subscribe", "payload": {"query": PENDING}})
            seen["b"] = socket_b.receive_json()
            socket_b.send_json({"id": "q", "type": "subscribe", "payload": {"query": "{ viewer { id } }"}})
            seen["query"] = socket_b.receive_json()
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as socket:
            _init(socket, {"token": token_a})
            return _follow(http, socket, token_a, seen)

    def _follow(http, socket, token_a, seen):
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": PENDING}})
        seen["first"] = socket.receive_json()
        reviewed = http.post("/graphql", headers={"Authorization": f"Bearer {token_a}"}, json={
            "query": REVIEW, "variables": {"i": {"memberId": scene["reporter"], "approve": True}}}).json()
        assert reviewed["data"]["reviewSelfReport"]["errors"] == [], reviewed
        seen["after"] = socket.receive_json()
        http.post("/graphql", headers={"Authorization": f"Bearer {token_a}"},
                  json={"query": "mutation { logout { errors { code } } }"})
        seen["ended"] = socket.receive_json()
        return seen

    seen = await _in_thread(settings, clock, hasher, scenario)
    assert seen["b"]["payload"]["data"]["pendingWork"] == {"selfReportsToReview": 0, "numberReleasesToReview": 0}
    assert seen["query"]["type"] == "error", seen["query"]  # a socket runs subscriptions only
    assert seen["query"]["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert (seen["first"]["id"], seen["first"]["type"]) == ("1", "next")
    assert seen["first"]["payload"]["data"] == {"pendingWork": {"selfReportsToReview": 1, "numberReleasesToReview": 0}}
    assert seen["after"]["payload"]["data"]["pendingWork"]["selfReportsToReview"] == 0
    ended = seen["ended"]["payload"]
    assert ended["data"] is None and ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", seen["ended"]
    assert ended["errors"][0]["message"] == subscriptions.ENDED_MESSAGE



async def test_a_foreign_page_and_an_unregistered_document_are_refused(scene, settings, clock, hasher, tmp_path):
    """A page of an origin not in ZHTJ_CORS_ORIGINS cannot open the socket; under ZHTJ_PERSISTED_ONLY a subscribe
    message runs only a registered document, by hash or in full (decision 0043)."""
    manifest = tmp_path / "persisted.json"
    manifest.write_text(json.dumps({sha256(PENDING): PENDING}))
    settings = dataclasses.replace(settings, persisted_file=manifest, persisted_only=True)

    def scenario(http):
        with pytest.raises(WebSocketDisconnect), http.websocket_connect(  # refused at the handshake
                "/graphql", subprotocols=PROTOCOL, headers={"origin": "https://evil.example.com"}) as socket:
            socket.receive_json()
        token = _login_registered(http, scene["a"])
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as socket:
            _init(socket, {"token": token})
            assert socket.receive_json()["type"] == "connection_ack"
            socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": "subscription { pendingWork { "
                                                                                    "selfReportsToReview } }"}})
            refused = socket.receive_json()
            socket.send_json({"id": "2", "type": "subscribe", "payload": {
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(PENDING)}}}})
            return refused, socket.receive_json()

    refused, by_hash = await _in_thread(settings, clock, hasher, scenario)
    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    assert by_hash["payload"]["data"]["pendingWork"]["selfReportsToReview"] == 1


def _login_registered(http: TestClient, person) -> str:
    """Under persisted-only, login too is a document the front end registered: registered here as the build would."""
    http.app.state.services.persisted.manifest[sha256(LOGIN)] = LOGIN
    return _login(http, person)


TRANSFERS = "subscription { pendingWork { transfersToActOn total } }"
START = """mutation($i: StartTransferInput!) { startTransfer(input: $i) { transfer { status } errors { code } } }"""


async def test_x2_trf3_an_update_arrives_when_a_transfer_needs_the_viewers_approval(scene, settings, clock, hasher,
                                                                                    uow):
    """乙支部's admin is subscribed; 甲支部's admin sends one of 甲's members to 乙支部: the target's step is 乙's."""
    async with uow:
        a = (await uow.organizations.get(scene["a"].branch_id))
    moving, _ = await add_person(uow, hasher, clock, name="小明", branch=a, password=PASSWORD)

    def scenario(http):
        token_a, token_b = _login(http, scene["a"]), _login(http, scene["b"])
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as socket:
            _init(socket, {"token": token_b})
            assert socket.receive_json()["type"] == "connection_ack"
            socket.send_json({"id": "t", "type": "subscribe", "payload": {"query": TRANSFERS}})
            before = socket.receive_json()
            started = http.post("/graphql", headers={"Authorization": f"Bearer {token_a}"}, json={
                "query": START, "variables": {"i": {"memberId": encode_id("Member", moving.id),
                                                    "targetOrgId": encode_id("Organization", scene["b"].branch_id),
                                                    "reason": "就业"}}}).json()
            assert started["data"]["startTransfer"]["errors"] == [], started
            return before, socket.receive_json(), started["data"]["startTransfer"]["transfer"]["status"]

    before, after, status = await _in_thread(settings, clock, hasher, scenario)
    assert status == "AWAITING_TARGET"
    assert before["payload"]["data"]["pendingWork"] == {"transfersToActOn": 0, "total": 0}
    assert after["payload"]["data"]["pendingWork"] == {"transfersToActOn": 1, "total": 1}


JOB = "subscription($id: ID!) { importJob(id: $id) { status rowsDone rowsTotal } }"


async def test_x4_an_import_jobs_progress_arrives_live_and_only_for_its_starter(scene, settings, clock, hasher,
                                                                              uow):
    async with uow:
        account = await uow.accounts.by_id_number(scene["a"].id_number)
        assert uow.session is not None
        job_id = (await uow.session.execute(insert(import_jobs).values(
            account_id=account.id, org_id=scene["a"].branch_id, kind="BRANCH_MEMBERS", file_name="团员.xlsx",
            status="RUNNING", rows_total=500, rows_done=0, imported=0, already_entered=0, failed=0,
            created_at=clock.now()).returning(import_jobs.c.id))).scalar_one()
        await uow.commit()
    job = encode_id("ImportJob", job_id)

    async def advance(values: dict) -> None:
        """What the import's batches write, from the app's own loop (TestClient's portal)."""
        engine = create_database(settings.database_url).engine
        try:
            async with engine.begin() as conn:
                await conn.execute(update(import_jobs).where(import_jobs.c.id == job_id).values(**values))
        finally:
            await engine.dispose()

    def scenario(http):
        token_a, token_b = _login(http, scene["a"]), _login(http, scene["b"])
        seen = []
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as other:
            _init(other, {"token": token_b})
            assert other.receive_json()["type"] == "connection_ack"
            other.send_json({"id": "x", "type": "subscribe", "payload": {"query": JOB, "variables": {"id": job}}})
            seen += [other.receive_json(), other.receive_json()]
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as socket:
            _init(socket, {"token": token_a})
            assert socket.receive_json()["type"] == "connection_ack"
            socket.send_json({"id": "j", "type": "subscribe", "payload": {"query": JOB, "variables": {"id": job}}})
            seen.append(socket.receive_json())
            http.portal.call(advance, {"rows_done": 250})
            seen.append(socket.receive_json())
            http.portal.call(advance, {"rows_done": 500, "status": "DONE"})
            seen += [socket.receive_json(), socket.receive_json()]
        return seen

    refused, refused_end, first, half, done, complete = await _in_thread(settings, clock, hasher, scenario)
    assert refused["payload"]["data"] == {"importJob": None} and refused_end["type"] == "complete"
    assert first["payload"]["data"]["importJob"] == {"status": "RUNNING", "rowsDone": 0, "rowsTotal": 500}
    assert half["payload"]["data"]["importJob"]["rowsDone"] == 250
    assert done["payload"]["data"]["importJob"] == {"status": "DONE", "rowsDone": 500, "rowsTotal": 500}
    assert complete == {"id": "j", "type": "complete"}
