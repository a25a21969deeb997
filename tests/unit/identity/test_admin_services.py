"""Org admin use cases with in-memory fakes (ACC-3, ACC-4, ACC-1, MEM-4, MEM-11, MEM-12)."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import FakeHasher, FakeUnitOfWork, fake_person

from zhtj.domain.identity import admins, services
from zhtj.domain.membership.model import Member
from zhtj.domain.organization.model import Organization, child_path
from zhtj.domain.shared.errors import DomainError
from zhtj.infrastructure.demo import make_id_number

SECRET = "unit-secret"
ROOT_ADMIN_ID = "110101199003071233"
NEW_ID = make_id_number("320106", date(1995, 6, 1), 35)  # 男
PASSWORD = "Xinmima2027"


def add_org(uow: FakeUnitOfWork, parent: Organization, name: str, category: str = "团的领导机关") -> Organization:
    org = Organization(short_name=name, full_name=f"共青团{name}", category=category, parent_id=parent.id,
                       depth=parent.depth + 1, sort_order=len(uow.organizations.rows))
    uow.organizations.add(org)
    org.path = child_path(parent.path, org.id)
    return org


def add_person(uow: FakeUnitOfWork, name: str, sequence: int, *, position_in: Organization | None = None,
               position: str = "委员", admin_of: Organization | None = None) -> Member:
    return fake_person(uow, name, sequence, post_in=position_in, position=position, admin_of=admin_of)


async def viewer_of(uow: FakeUnitOfWork, member: Member) -> services.Viewer:
    account = uow.accounts.find(member_id=member.id)
    return services.Viewer(account, member, tuple(await uow.admins.orgs_of(member.id)))


async def root_viewer(uow: FakeUnitOfWork) -> services.Viewer:
    return await viewer_of(uow, uow.members.rows[0])


def codes_of(raised: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str | None]]:
    return [(p.code, p.field) for p in raised.value.problems]


async def issue(uow, clock, viewer, org):
    return await admins.issue_admin_code(uow=uow, clock=clock, secret=SECRET, viewer=viewer, org_id=org.id)


async def register(uow, clock, code, **fields):
    given = {"id_number": NEW_ID, "name": "李明", "mobile": "13800138000", "password": PASSWORD, **fields}
    return await admins.register_admin(uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET, code=code, **given)


async def test_a_code_is_12_unambiguous_characters_and_only_its_keyed_hash_is_kept_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    issued = await issue(uow, clock, await root_viewer(uow), province)
    assert len(issued.code) == 12 and set(issued.code) <= set(admins.CODE_ALPHABET)
    assert not set("0O1IL") & set(admins.CODE_ALPHABET)
    [stored] = uow.admin_codes.rows
    assert stored.code_hash == services.token_hash(SECRET, "admin-code:" + issued.code)
    assert issued.code not in stored.code_hash and stored.org_id == province.id and stored.is_live


async def test_reissuing_revokes_the_unused_code_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    viewer = await root_viewer(uow)
    first = await issue(uow, clock, viewer, province)
    second = await issue(uow, clock, viewer, province)
    assert first.code != second.code
    assert [c.is_live for c in uow.admin_codes.rows] == [False, True]
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, first.code)
    assert codes_of(raised) == [("ADMIN_CODE_INVALID", "code")]
    member, org = await register(uow, clock, second.code.lower())  # case does not matter
    assert org is province and member.name == "李明"


async def test_codes_come_from_above_never_for_the_root_ACC3(uow, clock):
    root = await uow.organizations.root()
    province = add_org(uow, root, "江苏团省委")
    own = add_person(uow, "省管理员", 1, admin_of=province)
    with pytest.raises(DomainError) as raised:
        await issue(uow, clock, await root_viewer(uow), root)
    assert codes_of(raised) == [("ROOT_HAS_NO_CODE", "orgId")]
    with pytest.raises(DomainError) as raised:
        await issue(uow, clock, await viewer_of(uow, own), province)
    assert codes_of(raised) == [("CODE_FROM_ABOVE_ONLY", "orgId")]


@pytest.mark.parametrize(("category", "limit"), [("团的领导机关", 2), ("团委", 3), ("团支部", 3)])
async def test_no_code_once_the_org_has_its_admins_ACC3(uow, clock, category, limit):
    org = add_org(uow, await uow.organizations.root(), "某组织", category)
    viewer = await root_viewer(uow)
    for n in range(limit - 1):
        add_person(uow, f"管理员{n}", 10 + n, admin_of=org)
    assert (await issue(uow, clock, viewer, org)).code  # limit - 1: still room
    add_person(uow, "最后一位", 20, admin_of=org)
    with pytest.raises(DomainError) as raised:
        await issue(uow, clock, viewer, org)
    assert codes_of(raised) == [("ADMIN_LIMIT_REACHED", "orgId")]


async def test_registering_makes_a_person_an_account_a_cadre_and_an_admin_ACC3(uow, clock):
    branch = add_org(uow, await uow.organizations.root(), "某团支部", "团支部")
    issued = await issue(uow, clock, await root_viewer(uow), branch)
    member, _ = await register(uow, clock, issued.code)
    assert (member.gender, member.birth_date, member.branch_id, member.mobile) == (
        "男", date(1995, 6, 1), None, "13800138000")
    account = await uow.accounts.by_id_number(NEW_ID)
    assert account.password_hash == "plain$" + PASSWORD and account.must_change_password is False
    assert (await uow.members.position(member.id, branch.id)).position == "委员"  # default in a branch
    assert [g.member_id for g in await uow.admins.of_org(branch.id)] == [member.id]
    code = uow.admin_codes.rows[0]
    assert code.used_at == clock.now() and code.used_by == member.id and not code.is_live
    with pytest.raises(DomainError) as raised:  # one code, one admin
        await register(uow, clock, issued.code, id_number=make_id_number("320106", date(1995, 6, 1), 47))
    assert codes_of(raised) == [("ADMIN_CODE_INVALID", "code")]


@pytest.mark.parametrize(("category", "given", "post"), [
    ("团委", None, "工作人员"), ("团的领导机关", "常务委员", "常委"), ("团支部", "组织委员", "委员")])
async def test_the_post_is_normalized_or_defaulted_MEM12(uow, clock, category, given, post):
    org = add_org(uow, await uow.organizations.root(), "某组织", category)
    member, _ = await register(uow, clock, (await issue(uow, clock, await root_viewer(uow), org)).code,
                               position=given)
    assert (await uow.members.position(member.id, org.id)).position == post


async def test_an_org_keeps_one_secretary_MEM12(uow, clock):
    branch = add_org(uow, await uow.organizations.root(), "某团支部", "团支部")
    add_person(uow, "老书记", 5, position_in=branch, position="书记")
    code = (await issue(uow, clock, await root_viewer(uow), branch)).code
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, code, position="团支部书记")
    assert codes_of(raised) == [("SECRETARY_TAKEN", "position")]
    member, _ = await register(uow, clock, code, position="副书记")
    assert member.is_cadre and (await uow.members.position(member.id, branch.id)).position == "副书记"


async def test_every_bad_field_at_once_MEM4_MEM11_MEM12_ACC1_ACC3(uow, clock):
    branch = add_org(uow, await uow.organizations.root(), "某团支部", "团支部")
    issued = await issue(uow, clock, await root_viewer(uow), branch)
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, "WRONGCODE234", id_number=NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1"),
                       name=" ", mobile="12345", password="short")
    assert codes_of(raised) == [("ADMIN_CODE_INVALID", "code"), ("ID_NUMBER_CHECKSUM", "idNumber"),
                                ("NAME_REQUIRED", "name"), ("MOBILE_FORMAT", "mobile"),
                                ("PASSWORD_TOO_SHORT", "password")]
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, issued.code, mobile="", position="干事", password=NEW_ID[-8:])
    assert codes_of(raised) == [("MOBILE_REQUIRED", "mobile"), ("PASSWORD_IS_INITIAL", "password"),
                                ("POSITION_INVALID", "position")]
    assert {p.rule for p in raised.value.problems} == {"MEM-11", "MEM-12", "ACC-1"}
    assert uow.admin_codes.rows[0].is_live and len(uow.members.rows) == 1


async def test_an_existing_account_keeps_its_password_ACC1_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    city = add_org(uow, province, "南京团市委")
    known = add_person(uow, "王强", 30, position_in=province)
    issued = await issue(uow, clock, await root_viewer(uow), city)
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, issued.code, id_number=known.id_number, name="王强", password="Cuowu2026x")
    assert codes_of(raised) == [("ACCOUNT_EXISTS_WRONG_PASSWORD", "password")]
    assert raised.value.problems[0].message == "该身份证号已注册，请输入该账号的现有密码"
    # Guessing passwords through a code is throttled per code, like a login; the owner's login is untouched.
    [throttle] = uow.throttles.rows
    assert throttle.key == admins.code_tries_key(SECRET, uow.admin_codes.rows[0].code_hash) and throttle.failures == 1
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, issued.code, id_number=known.id_number, name="王小强", password="Jiumima2020")
    assert codes_of(raised) == [("NAME_MISMATCH", "name")]
    member, _ = await register(uow, clock, issued.code, id_number=known.id_number, name="王强",
                               password="Jiumima2020", position="副书记")
    assert member is known and len(uow.accounts.rows) == 2
    assert (await uow.accounts.by_id_number(known.id_number)).password_hash == "plain$Jiumima2020"
    assert (await uow.members.position(known.id, city.id)).position == "副书记"
    assert (await uow.members.position(known.id, province.id)).position == "委员"  # untouched


async def test_registration_rechecks_the_limit_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    issued = await issue(uow, clock, await root_viewer(uow), province)
    add_person(uow, "甲", 40, admin_of=province)
    add_person(uow, "乙", 41, admin_of=province)
    with pytest.raises(DomainError) as raised:
        await register(uow, clock, issued.code)
    assert codes_of(raised) == [("ADMIN_LIMIT_REACHED", "code")]


async def test_an_admin_must_be_a_cadre_of_the_org_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    viewer = await root_viewer(uow)
    outsider = add_person(uow, "路人", 50)
    former = add_person(uow, "前任", 51, position_in=province, position="无职务")
    cadre = add_person(uow, "干部", 52, position_in=province, position="常委")
    for person in (outsider, former):
        with pytest.raises(DomainError) as raised:
            await admins.add_admin(uow=uow, clock=clock, viewer=viewer, org_id=province.id, member_id=person.id)
        assert codes_of(raised) == [("ADMIN_MUST_BE_CADRE", "memberId")]
    org = await admins.add_admin(uow=uow, clock=clock, viewer=viewer, org_id=province.id, member_id=cadre.id)
    assert org is province and (await uow.admins.of_org(province.id))[0].granted_by == viewer.member.id
    with pytest.raises(DomainError) as raised:
        await admins.add_admin(uow=uow, clock=clock, viewer=viewer, org_id=province.id, member_id=cadre.id)
    assert codes_of(raised) == [("ALREADY_ADMIN", "memberId")]


async def test_a_leading_body_has_at_most_two_admins_a_committee_three_ACC3(uow, clock):
    root = await uow.organizations.root()
    viewer = await root_viewer(uow)
    for category, limit in (("团的领导机关", 2), ("团委", 3)):
        org = add_org(uow, root, category, category)
        people = [add_person(uow, f"干部{n}", 60 + n + limit * 10, position_in=org) for n in range(limit + 1)]
        for person in people[:limit]:
            await admins.add_admin(uow=uow, clock=clock, viewer=viewer, org_id=org.id, member_id=person.id)
        with pytest.raises(DomainError) as raised:
            await admins.add_admin(uow=uow, clock=clock, viewer=viewer, org_id=org.id, member_id=people[-1].id)
        assert codes_of(raised) == [("ADMIN_LIMIT_REACHED", "memberId")]


async def test_an_admin_cannot_remove_themself_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    me = add_person(uow, "我", 70, admin_of=province)
    other = add_person(uow, "同事", 71, admin_of=province)
    cadre = add_person(uow, "干部", 72, position_in=province)
    viewer = await viewer_of(uow, me)
    with pytest.raises(DomainError) as raised:
        await admins.remove_admin(uow=uow, clock=clock, viewer=viewer, org_id=province.id, member_id=me.id)
    assert codes_of(raised) == [("CANNOT_REMOVE_SELF", "memberId")]
    with pytest.raises(DomainError) as raised:
        await admins.remove_admin(uow=uow, clock=clock, viewer=viewer, org_id=province.id, member_id=cadre.id)
    assert codes_of(raised) == [("NOT_AN_ADMIN", "memberId")]
    await admins.remove_admin(uow=uow, clock=clock, viewer=viewer, org_id=province.id, member_id=other.id)
    assert [g.member_id for g in await uow.admins.of_org(province.id)] == [me.id]
    assert [e.action for e in uow.audit.rows] == ["removeAdmin"]


async def test_out_of_scope_is_not_found_ACC4(uow, clock):
    root = await uow.organizations.root()
    jiangsu, beijing = add_org(uow, root, "江苏团省委"), add_org(uow, root, "北京团市委")
    haidian = add_org(uow, beijing, "海淀团区委")
    cadre = add_person(uow, "干部", 80, position_in=haidian)
    viewer = await viewer_of(uow, add_person(uow, "江苏管理员", 81, admin_of=jiangsu))
    for attempt in (
        issue(uow, clock, viewer, haidian),
        admins.issue_admin_codes(uow=uow, clock=clock, secret=SECRET, viewer=viewer, org_id=beijing.id,
                                 export=None),  # type: ignore[arg-type]
        admins.add_admin(uow=uow, clock=clock, viewer=viewer, org_id=haidian.id, member_id=cadre.id),
        admins.remove_admin(uow=uow, clock=clock, viewer=viewer, org_id=haidian.id, member_id=cadre.id),
    ):
        with pytest.raises(DomainError) as raised:
            await attempt
        assert codes_of(raised) == [("NOT_FOUND", "orgId")]


async def test_codes_for_every_direct_child_as_a_file_ACC3(uow, clock):
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    nanjing, suzhou = add_org(uow, province, "南京团市委"), add_org(uow, province, "苏州团市委")
    add_org(uow, nanjing, "玄武团区委")  # a grandchild gets nothing
    add_person(uow, "甲", 90, admin_of=suzhou)
    add_person(uow, "乙", 91, admin_of=suzhou)
    exported = []

    async def export(parent, issued):
        exported.append((parent, list(issued)))
        return "download-id"

    issued, download_id = await admins.issue_admin_codes(
        uow=uow, clock=clock, secret=SECRET, viewer=await root_viewer(uow), org_id=province.id, export=export)
    assert download_id == "download-id" and exported == [(province, issued)]
    assert [(i.organization, bool(i.code), i.note) for i in issued] == [
        (nanjing, True, None), (suzhou, False, "管理员已达上限（2人），未生成注册码")]
    assert [c.org_id for c in uow.admin_codes.rows] == [nanjing.id]
    with pytest.raises(DomainError) as raised:
        await admins.issue_admin_codes(uow=uow, clock=clock, secret=SECRET, viewer=await root_viewer(uow),
                                       org_id=suzhou.id, export=export)
    assert codes_of(raised) == [("NO_CHILD_ORGS", "orgId")]


async def test_a_right_taken_away_since_the_request_began_acts_no_more_ACC3(uow, clock):
    """The Viewer is built when a request comes in; a removeAdmin committed since then (two admins removing each
    other at once) must not leave the loser acting: each use case reads the viewer's own rights again."""
    province = add_org(uow, await uow.organizations.root(), "江苏团省委")
    city = add_org(uow, province, "南京团市委")
    me = add_person(uow, "我", 100, admin_of=province)
    other = add_person(uow, "同事", 101, admin_of=province)
    cadre = add_person(uow, "干部", 102, position_in=province)
    stale = await viewer_of(uow, me)
    await admins.remove_admin(uow=uow, clock=clock, viewer=await viewer_of(uow, other), org_id=province.id,
                              member_id=me.id)

    async def export(parent, issued):
        return "download-id"

    for attempt in (
        admins.remove_admin(uow=uow, clock=clock, viewer=stale, org_id=province.id, member_id=other.id),
        admins.add_admin(uow=uow, clock=clock, viewer=stale, org_id=province.id, member_id=cadre.id),
        issue(uow, clock, stale, city),
        admins.issue_admin_codes(uow=uow, clock=clock, secret=SECRET, viewer=stale, org_id=province.id,
                                 export=export),
    ):
        with pytest.raises(DomainError) as raised:
            await attempt
        assert codes_of(raised) == [("NOT_FOUND", "orgId")]
    assert [g.member_id for g in await uow.admins.of_org(province.id)] == [other.id] and not uow.admin_codes.rows
