"""`Viewer.id` and the root `viewer` field (Relay's convention): the same object as `me`, gated like it."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from strawberry import relay

from zhtj.graphql.ids import encode_id

BOTH = "{ me { id mustChangePassword member { id name } } viewer { id mustChangePassword member { id name } } }"


async def test_viewer_is_me_with_a_stable_id_of_its_own(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    first = await client.query(BOTH)
    assert first["viewer"] == first["me"]
    viewer_id, member_id = first["viewer"]["id"], first["viewer"]["member"]["id"]
    assert viewer_id != member_id
    assert viewer_id == encode_id("Viewer", int(relay.GlobalID.from_id(member_id).node_id))
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)  # another session: the same id
    assert (await client.query("{ viewer { id } }"))["viewer"]["id"] == viewer_id
    found = await client.query("query($id: ID!) { node(id: $id) { __typename id ... on Viewer { member { name } } } }",
                               {"id": viewer_id})
    assert found["node"] == {"__typename": "Viewer", "id": viewer_id, "member": {"name": "团中央管理员"}}


async def test_someone_elses_viewer_id_is_null(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    other, _ = await add_person(uow, hasher, clock, name="李娜", branch=branch, password="Lina2026x")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    assert (await client.query("query($id: ID!) { node(id: $id) { id } }",
                                {"id": encode_id("Viewer", other.id)}))["node"] is None


async def test_viewer_is_gated_like_me(client, root, uow, hasher, clock):
    anonymous = (await client.post("{ viewer { id } }")).json()
    assert anonymous["data"] is None and anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    branch = await add_org(uow, root, "某团支部", category="团支部")
    person, initial = await add_person(uow, hasher, clock, name="李娜", branch=branch)  # initial password
    await client.login_as(person.id_number, initial)
    answer = await client.query("{ viewer { mustChangePassword member { name } } me { mustChangePassword } }")
    assert answer == {"viewer": {"mustChangePassword": True, "member": {"name": "李娜"}},
                      "me": {"mustChangePassword": True}}
