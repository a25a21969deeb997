"""`Member.idNumber` is nullable (API.md): refused inside a list, it is null with an error on that path only,
and the list around it still answers."""

from __future__ import annotations

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD
from memberapi import oid
from test_privacy import two_provinces  # noqa: F401 (a fixture)


async def test_a_refused_id_number_in_a_list_blanks_only_itself(client, two_provinces):  # noqa: F811
    t = two_provinces
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    answer = (await client.post("query($id: ID!) { organization(id: $id) { shortName members { totalCount "
                                "nodes { name idNumber idNumberMasked } } } }", {"id": oid(t["branch"])})).json()
    org = answer["data"]["organization"]
    assert org["shortName"] == t["branch"].short_name and org["members"]["totalCount"] == 1
    assert org["members"]["nodes"] == [{"name": t["person"].name, "idNumber": None,
                                        "idNumberMasked": t["person"].id_number[:6] + "*" * 8 +
                                        t["person"].id_number[-4:]}]
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["organization", "members", "nodes", 0, "idNumber"]


def test_the_schema_types_it_nullable():
    from zhtj.graphql.schema import schema

    field = schema._schema.get_type("Member").fields["idNumber"]
    assert str(field.type) == "String"
