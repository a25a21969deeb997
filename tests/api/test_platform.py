"""The service's conventions (API.md): GraphiQL, /healthz, Relay ids, connections, masked errors."""

from __future__ import annotations

import logging

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person
from strawberry.relay import GlobalID


def gid(type_name: str, pk: int | None) -> str:
    return str(GlobalID(type_name, str(pk)))


async def test_graphiql_answers_a_browser_and_healthz_the_database(client):
    page = await client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    health = await client.http.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"


async def test_unexpected_errors_are_masked_and_carry_the_request_id(client, root, caplog, monkeypatch):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    from zhtj.graphql.organization.types import OrganizationType

    def broken(*_args):  # an unexpected failure deep in a resolver
        raise RuntimeError("secret internals: table xyz")

    monkeypatch.setattr(OrganizationType, "from_domain", broken)
    with caplog.at_level(logging.ERROR, logger="zhtj.graphql"):
        response = await client.post("{ me { adminOf { fullName } } }", headers={"X-Request-ID": "req-12345678"})
    body = response.json()
    assert response.headers["x-request-id"] == "req-12345678"
    assert body["errors"][0]["message"] == "服务器内部错误"
    assert "secret" not in response.text
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-12345678"}
    assert body["extensions"]["requestId"] == "req-12345678"
    assert any("req-12345678" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_every_response_has_a_request_id(client, root):
    response = await client.post("{ me { mustChangePassword } }")
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32 and response.json()["extensions"]["requestId"] == request_id


async def test_validation_errors_are_the_clients_own(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    errors = await client.errors("{ me { nothingHere } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nothingHere" in errors[0]["message"]


async def test_node_fetches_orgs_and_members_in_scope_ACC4(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    member, _ = await add_person(uow, hasher, clock, name="王芳", branch=branch)
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = """query($o: ID!, $m: ID!) {
      o: node(id: $o) { id ... on Organization { fullName parent { shortName } } }
      m: node(id: $m) { ... on Member { name idNumberMasked branch { shortName } } }
      bad: node(id: "bm90IGEgaWQ=") { id }
      junk: node(id: "???") { id } }"""
    data = await client.query(query, {"o": gid("Organization", branch.id), "m": gid("Member", member.id)})
    assert data["o"] == {"id": gid("Organization", branch.id), "fullName": "共青团某团支部",
                         "parent": {"shortName": "团中央"}}
    assert data["m"] == {"name": "王芳", "idNumberMasked": member.id_number[:6] + "********" + member.id_number[-4:],
                         "branch": {"shortName": "某团支部"}}
    assert data["bad"] is None and data["junk"] is None


async def test_one_province_cannot_see_another_ACC4(client, root, uow, hasher, clock):
    beijing = await add_org(uow, root, "北京团市委")
    jiangsu = await add_org(uow, root, "江苏团省委")
    nanjing = await add_org(uow, jiangsu, "南京团市委")
    branch = await add_org(uow, nanjing, "新街口社区团支部", category="团支部")
    someone, _ = await add_person(uow, hasher, clock, name="陈静", branch=branch)
    admin, password = await add_person(uow, hasher, clock, name="北京管理员", password="Beijing2026", admin_of=beijing)
    await client.login_as(admin.id_number, password)
    query = """query($a: ID!, $b: ID!, $c: ID!) {
      a: organization(id: $a) { fullName } b: node(id: $b) { id } c: node(id: $c) { id }
      own: organization(id: "%s") { fullName parent { id } ancestors { id } children { totalCount } } }"""
    ids = {"a": gid("Organization", jiangsu.id), "b": gid("Organization", branch.id), "c": gid("Member", someone.id)}
    data = await client.query(query % gid("Organization", beijing.id), ids)
    assert data["a"] is None and data["b"] is None and data["c"] is None
    assert data["own"] == {"fullName": "共青团北京团市委", "parent": None, "ancestors": [],
                           "children": {"totalCount": 0}}


async def test_children_are_a_relay_connection(client, root, uow):
    for i in range(5):
        await add_org(uow, root, f"省级团委{i}")
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = """query($id: ID!, $after: String) { organization(id: $id) { children(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { shortName } }
      nodes { shortName } } } }"""
    seen, after = [], None
    while True:
        page = (await client.query(query, {"id": gid("Organization", root.id), "after": after}))
        children = page["organization"]["children"]
        assert children["totalCount"] == 5
        assert [e["node"] for e in children["edges"]] == children["nodes"]
        seen += [n["shortName"] for n in children["nodes"]]
        if not children["pageInfo"]["hasNextPage"]:
            break
        after = children["pageInfo"]["endCursor"]
        assert children["edges"][-1]["cursor"] == after
    assert seen == [f"省级团委{i}" for i in range(5)]


async def test_page_size_and_cursors_are_checked(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    query = 'query($id: ID!) { organization(id: $id) { children(first: 101) { totalCount } } }'
    errors = await client.errors(query, {"id": gid("Organization", root.id)})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    query = 'query($id: ID!) { organization(id: $id) { children(after: "garbage") { totalCount } } }'
    errors = await client.errors(query, {"id": gid("Organization", root.id)})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and "游标" in errors[0]["message"]


async def test_sibling_fields_share_one_session_safely(client, root, uow):
    """GraphQL resolves siblings concurrently; thirty aliased lookups must not trip over the
    request's single database session."""
    orgs = [await add_org(uow, root, f"并发组织{i}") for i in range(30)]
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    fields = " ".join(
        f'o{i}: organization(id: "{gid("Organization", o.id)}") {{ shortName children {{ totalCount }} '
        f'parent {{ shortName }} admins {{ name }} }}' for i, o in enumerate(orgs))
    data = await client.query("{ " + fields + " }")
    assert [data[f"o{i}"]["shortName"] for i in range(30)] == [f"并发组织{i}" for i in range(30)]
    assert all(data[f"o{i}"]["parent"] == {"shortName": "团中央"} for i in range(30))


async def test_a_person_administering_several_orgs_sees_them_all_at_once_ACC6(client, root, uow, hasher, clock):
    """ACC-6 (decided): no switching step; every org administered is in scope together."""
    from zhtj.domain.identity.model import OrgAdmin

    first = await add_org(uow, root, "甲省")
    second = await add_org(uow, root, "乙省")
    third = await add_org(uow, root, "丙省")
    person, password = await add_person(uow, hasher, clock, name="两处管理员", password="Twice2026", admin_of=first)
    async with uow:
        uow.admins.add(OrgAdmin(org_id=second.id, member_id=person.id, granted_at=clock.now()))
        await uow.commit()
    await client.login_as(person.id_number, password)
    me = await client.query("{ me { adminOf { shortName } } }")
    assert [o["shortName"] for o in me["me"]["adminOf"]] == ["甲省", "乙省"]
    query = "query($a: ID!, $b: ID!, $c: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } c: node(id: $c) { id } }"
    data = await client.query(query, {"a": gid("Organization", first.id), "b": gid("Organization", second.id),
                                      "c": gid("Organization", third.id)})
    assert data["a"] and data["b"] and data["c"] is None


async def test_value_lists_need_no_token_for_the_public_self_report_form(client, root):
    data = await client.query("{ valueLists { studyStatuses educations } }")
    assert data["valueLists"]["studyStatuses"][0] == "初中在读" and "大学本科" in data["valueLists"]["educations"]


async def test_control_characters_are_refused_anywhere_in_the_input(client, root):
    """A NUL in a name once reached PostgreSQL (which refuses it) and came back as a masked error."""
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    create = """mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { errors { code } } }"""
    fields = {"parentId": gid("Organization", root.id), "category": "团的领导机关", "fullName": "共青团甲委员会"}
    errors = await client.errors(create, {"input": {**fields, "shortName": "甲\u0000"}})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    nested = 'query($id: ID!) { organization(id: $id) { members(text: "a\\u0000") { totalCount } } }'
    nested_errors = await client.errors(nested, {"id": gid("Organization", root.id)})
    assert nested_errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    fine = await client.query(create, {"input": {**fields, "shortName": "甲"}})
    assert fine["createOrganization"]["errors"] == []


async def test_oversized_requests_are_refused_before_they_run(client, root):
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    deep = "{ me { adminOf { " + "children { nodes { " * 8 + "shortName" + " } }" * 8 + " } } }"
    assert "exceeds maximum operation depth" in (await client.errors(deep))[0]["message"]
    aliases = "{ " + " ".join(f"a{i}: valueLists {{ domains }}" for i in range(101)) + " }"
    assert (await client.errors(aliases))[0]["message"]


async def test_graphiqls_introspection_query_fits_the_limits(client):
    from graphql import get_introspection_query

    response = await client.post(get_introspection_query(descriptions=True, specified_by_url=True,
                                                         directive_is_repeatable=True, schema_description=True,
                                                         input_value_deprecation=True))
    body = response.json()
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
