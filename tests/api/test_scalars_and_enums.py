"""Scalars say what they hold (@specifiedBy on Date and DateTime) and machine states are enums for code
generators (Member.verificationStatus beside the Chinese `verification`)."""

from __future__ import annotations

from datetime import date

from factories import ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, add_org, add_person, new_id_number
from graphql import GraphQLEnumType, GraphQLScalarType

from zhtj.domain.membership import verification
from zhtj.graphql.ids import encode_id
from zhtj.graphql.schema import schema


def test_dates_are_specified():
    for name, url in (("Date", "https://scalars.graphql.org/andimarek/local-date.html"),
                      ("DateTime", "https://scalars.graphql.org/andimarek/date-time.html")):
        scalar = schema._schema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType) and scalar.specified_by_url == url and scalar.description
    assert '@specifiedBy(url: "https://scalars.graphql.org/andimarek/local-date.html")' in schema.as_str()


def test_verification_status_is_an_enum_of_every_state():
    enum = schema._schema.get_type("VerificationStatus")
    assert isinstance(enum, GraphQLEnumType)
    assert {v.value for v in enum.values.values()} == set(verification.STATES)
    assert all(v.description for v in enum.values.values())


async def test_a_member_shows_the_state_both_ways(client, root, uow, hasher, clock):
    branch = await add_org(uow, root, "某团支部", category="团支部")
    person, _ = await add_person(uow, hasher, clock, name="张伟", branch=branch,
                                 id_number=new_id_number(date(2001, 2, 3)))
    await client.login_as(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD)
    found = await client.query("query($id: ID!) { node(id: $id) { ... on Member { verification verificationStatus "
                               "reportSubmittedAt } } }", {"id": encode_id("Member", person.id)})
    assert found["node"]["verification"] == "未校验" and found["node"]["verificationStatus"] == "NOT_CHECKED"
    assert found["node"]["reportSubmittedAt"] is None


def test_user_error_is_described_with_its_code_families():
    user_error = schema._schema.get_type("UserError")
    assert user_error.description and all(f.description for f in user_error.fields.values())
    code = user_error.fields["code"].description
    for family in ("NOT_FOUND", "<FIELD>_REQUIRED", "<FIELD>_TOO_LONG", "ID_NUMBER_*", "MEMBER_MANAGED_ELSEWHERE"):
        assert family in code
