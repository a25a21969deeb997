"""Password reset use cases with in-memory fakes (ACC-5, ACC-4, ACC-1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fakes import FakeHasher, FakeUnitOfWork, fake_org, fake_person, fake_viewer

from zhtj.domain.identity import admins, reset, services
from zhtj.domain.identity.model import AuthToken
from zhtj.domain.shared.errors import DomainError
from zhtj.infrastructure.demo import make_id_number

SECRET = "unit-secret"
ROOT_ADMIN_ID = "110101199003071233"
NEW_PASSWORD = "Xinmima2027"


@pytest.fixture
async def tree(uow: FakeUnitOfWork):
    """团中央 > 北京 > 海淀 > 某支部, with an admin of 海淀 and a member of the branch."""
    root = await uow.organizations.root()
    city = fake_org(uow, root, "北京团市委")
    district = fake_org(uow, city, "海淀团区委")
    branch = fake_org(uow, district, "某团支部", "团支部")
    district_admin = fake_person(uow, "区管理员", 1, admin_of=district)
    member = fake_person(uow, "李娜", 2, branch=branch)
    return {"city": city, "district": district, "branch": branch, "district_admin": district_admin, "member": member}


async def issue(uow, clock, viewer_member, member_id):
    return await reset.issue_password_reset_code(uow=uow, clock=clock, secret=SECRET,
                                                 viewer=await fake_viewer(uow, viewer_member), member_id=member_id)


async def do_reset(uow, clock, id_number, code, new_password=NEW_PASSWORD):
    return await reset.reset_password(uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET,
                                      id_number=id_number, code=code, new_password=new_password)


def codes_of(raised: pytest.ExceptionInfo[DomainError]) -> list[tuple[str, str | None]]:
    return [(p.code, p.field) for p in raised.value.problems]


async def test_a_code_is_8_unambiguous_characters_kept_only_as_a_keyed_hash_ACC5(uow, clock, tree):
    issued = await issue(uow, clock, tree["district_admin"], tree["member"].id)
    assert len(issued.code) == 8 and set(issued.code) <= set(admins.CODE_ALPHABET)
    assert issued.expires_at == clock.now() + timedelta(days=2) and issued.member is tree["member"]
    [stored] = uow.reset_codes.rows
    assert stored.code_hash == services.token_hash(SECRET, "reset:" + issued.code)
    assert issued.code not in stored.code_hash and stored.issued_by == tree["district_admin"].id
    [entry] = [a for a in uow.audit.rows if a.action == "issuePasswordResetCode"]
    assert entry.subject == f"Member:{tree['member'].id}" and issued.code not in entry.detail


async def test_admins_above_may_issue_too_ACC4(uow, clock, tree):
    city_admin = fake_person(uow, "市管理员", 3, admin_of=tree["city"])
    assert (await issue(uow, clock, city_admin, tree["member"].id)).code
    root_admin = uow.members.rows[0]
    assert (await issue(uow, clock, root_admin, tree["member"].id)).code


async def test_a_post_in_your_org_is_not_enough_for_a_person_from_elsewhere_ACC4(uow, clock, tree):
    """A cadre whose branch lies outside the viewer's scope is seen through the post, not taken over."""
    elsewhere = fake_org(uow, fake_org(uow, await uow.organizations.root(), "江苏团省委"), "外支部", "团支部")
    cadre = fake_person(uow, "兼职干部", 4, branch=elsewhere, post_in=tree["district"])
    with pytest.raises(DomainError) as refused:
        await issue(uow, clock, tree["district_admin"], cadre.id)
    assert [p.code for p in refused.value.problems] == ["RESET_CODE_NEEDS_HIGHER_ADMIN"]
    branchless = fake_person(uow, "专职干部", 5, post_in=tree["district"])
    assert (await issue(uow, clock, tree["district_admin"], branchless.id)).code


async def test_out_of_scope_and_unknown_members_are_not_found_ACC4(uow, clock, tree):
    other = fake_org(uow, await uow.organizations.root(), "江苏团省委")
    stranger = fake_person(uow, "王强", 5, branch=fake_org(uow, other, "外支部", "团支部"))
    for member_id in (stranger.id, 9999, None):
        with pytest.raises(DomainError) as raised:
            await issue(uow, clock, tree["district_admin"], member_id)
        assert codes_of(raised) == [("NOT_FOUND", "memberId")]
    branch_member = tree["member"]
    with pytest.raises(DomainError):  # a member is no admin: even their own branch-mate is out of reach
        await issue(uow, clock, fake_person(uow, "同支部", 6, branch=tree["branch"]), branch_member.id)
    assert uow.reset_codes.rows == []


async def test_not_for_oneself_nor_for_an_admin_above_ACC5(uow, clock, tree):
    with pytest.raises(DomainError) as raised:
        await issue(uow, clock, tree["district_admin"], tree["district_admin"].id)
    assert codes_of(raised) == [("RESET_CODE_FOR_SELF", "memberId")]
    # A city admin who also sits in the branch: the district admin must not take over their account.
    city_admin = fake_person(uow, "市管理员", 7, branch=tree["branch"], admin_of=tree["city"])
    with pytest.raises(DomainError) as raised:
        await issue(uow, clock, tree["district_admin"], city_admin.id)
    assert codes_of(raised) == [("RESET_CODE_NEEDS_HIGHER_ADMIN", "memberId")]


async def test_reset_sets_the_password_ends_sessions_and_uses_the_code_ACC5(uow, clock, tree):
    member = tree["member"]
    account = uow.accounts.find(member_id=member.id)
    uow.tokens.add(AuthToken("old-token", account.id, clock.now(), clock.now() + timedelta(hours=12)))
    issued = await issue(uow, clock, tree["district_admin"], member.id)
    done = await do_reset(uow, clock, member.id_number, issued.code.lower())  # case does not matter
    assert done is account and account.password_hash == "plain$" + NEW_PASSWORD
    assert account.must_change_password is False and account.password_changed_at == clock.now()
    assert uow.tokens.rows[0].revoked_at == clock.now()
    assert uow.reset_codes.rows[0].used_at == clock.now()
    assert [a.action for a in uow.audit.rows][-1] == "resetPassword"
    with pytest.raises(DomainError) as raised:
        await do_reset(uow, clock, member.id_number, issued.code, "Zaiyici2028")
    assert codes_of(raised) == [("RESET_CODE_INVALID", "code")]


async def test_an_initial_password_account_can_reset_ACC1_ACC5(uow, clock, tree):
    fresh = fake_person(uow, "新团员", 8, branch=tree["branch"], must_change=True)
    issued = await issue(uow, clock, tree["district_admin"], fresh.id)
    account = await do_reset(uow, clock, fresh.id_number, issued.code)
    assert account.must_change_password is False


async def test_codes_expire_after_two_days_ACC5(uow, clock, tree):
    issued = await issue(uow, clock, tree["district_admin"], tree["member"].id)
    clock.advance(days=2)
    with pytest.raises(DomainError) as raised:
        await do_reset(uow, clock, tree["member"].id_number, issued.code)
    assert codes_of(raised) == [("RESET_CODE_INVALID", "code")]


async def test_a_new_code_ends_the_older_unused_one_ACC5(uow, clock, tree):
    first = await issue(uow, clock, tree["district_admin"], tree["member"].id)
    clock.advance(minutes=5)
    second = await issue(uow, clock, tree["district_admin"], tree["member"].id)
    assert [c.is_live(clock.now()) for c in uow.reset_codes.rows] == [False, True]
    with pytest.raises(DomainError):
        await do_reset(uow, clock, tree["member"].id_number, first.code)
    assert await do_reset(uow, clock, tree["member"].id_number, second.code)


async def test_a_code_works_only_with_its_own_id_number_ACC5(uow, clock, tree):
    other = fake_person(uow, "张伟", 9, branch=tree["branch"])
    issued = await issue(uow, clock, tree["district_admin"], tree["member"].id)
    with pytest.raises(DomainError) as raised:
        await do_reset(uow, clock, other.id_number, issued.code)
    assert codes_of(raised) == [("RESET_CODE_INVALID", "code")]
    assert uow.accounts.find(member_id=other.id).password_hash == "plain$Jiumima2020"


async def test_weak_password_problems_come_all_at_once_and_keep_the_code_ACC5(uow, clock, tree):
    member = tree["member"]
    issued = await issue(uow, clock, tree["district_admin"], member.id)
    with pytest.raises(DomainError) as raised:
        await do_reset(uow, clock, member.id_number, "WRONG123", "short")
    assert codes_of(raised) == [("PASSWORD_TOO_SHORT", "newPassword"), ("RESET_CODE_INVALID", "code")]
    with pytest.raises(DomainError) as raised:
        await do_reset(uow, clock, member.id_number, issued.code, member.id_number[-8:])
    assert codes_of(raised) == [("PASSWORD_IS_INITIAL", "newPassword")]
    assert uow.throttles.find(key=reset.reset_throttle_key(SECRET, member.id_number)).failures == 1
    assert await do_reset(uow, clock, member.id_number, issued.code)


async def test_unknown_id_numbers_get_the_same_answer_and_count_alike_ACC5(uow, clock, tree):
    unknown = make_id_number("110105", date(1999, 9, 9), 11)
    answers = []
    for id_number in (unknown, tree["member"].id_number):
        with pytest.raises(DomainError) as raised:
            await do_reset(uow, clock, id_number, "ABCD2345")
        answers.append(raised.value.problems)
    assert answers[0] == answers[1] == (reset.CODE_INVALID,)
    keys = {reset.reset_throttle_key(SECRET, n) for n in (unknown, tree["member"].id_number)}
    assert {t.key for t in uow.throttles.rows} == keys and all(t.failures == 1 for t in uow.throttles.rows)


async def test_wrong_codes_wait_then_lock_apart_from_login_ACC1_ACC5(uow, clock, tree):
    member = tree["member"]
    issued = await issue(uow, clock, tree["district_admin"], member.id)
    for _ in range(3):
        with pytest.raises(DomainError):
            await do_reset(uow, clock, member.id_number, "ABCD2345")
    with pytest.raises(DomainError) as raised:  # the right code waits too
        await do_reset(uow, clock, member.id_number, issued.code)
    assert codes_of(raised) == [("RESET_THROTTLED", "code")] and "2秒" in raised.value.problems[0].message
    assert uow.throttles.find(key=services.throttle_key(SECRET, member.id_number)) is None  # login untouched
    clock.advance(seconds=2)
    assert await do_reset(uow, clock, member.id_number, issued.code)


async def test_a_reset_ends_a_login_lock_ACC1_ACC5(uow, clock, tree):
    member = tree["member"]
    for _ in range(6):
        with pytest.raises(DomainError):
            await services.login(uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET,
                                 id_number=member.id_number, password="Wrong-password-1")
        clock.advance(seconds=10)
    assert uow.throttles.find(key=services.throttle_key(SECRET, member.id_number)).blocked_until > clock.now()
    issued = await issue(uow, clock, tree["district_admin"], member.id)
    await do_reset(uow, clock, member.id_number, issued.code)
    session = await services.login(uow=uow, clock=clock, hasher=FakeHasher(), secret=SECRET,
                                   id_number=member.id_number, password=NEW_PASSWORD)
    assert session.account.member_id == member.id


async def test_a_malformed_id_number_says_so_with_the_password_problems_ACC5(uow, clock, tree):
    with pytest.raises(DomainError) as raised:
        await do_reset(uow, clock, "12345", "ABCD2345", "short")
    assert [p.field for p in raised.value.problems] == ["idNumber", "newPassword"]
    assert uow.throttles.rows == []
