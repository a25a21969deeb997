"""Rules of the organization context (DOMAIN.md §1, and ACC-3 for org admins). Each function is named for
a rule and answers with a list of `Problem`s (empty when the rule holds), a bool or a small result.
Fields are the GraphQL input names: shortName, fullName, category, industry, contactPhone, schoolCode,
graduationDate, parentId, newParentId, memberId."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from zhtj.domain.organization.model import Organization, is_within
from zhtj.domain.shared import text
from zhtj.domain.shared import values as v
from zhtj.domain.shared.errors import Problem

SHORT_NAME_MAX = 100
FULL_NAME_MAX = 200
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:(?:-|转)\d{1,6})?")  # 010-12345678, 0755-1234567-801
SCHOOL_CODE = re.compile(r"\d{10}")  # 学校标识码 of the Ministry of Education
FIELD = {"short_name": "shortName", "full_name": "fullName", "category": "category", "industry": "industry",
         "contact_phone": "contactPhone", "school_code": "schoolCode", "graduation_date": "graduationDate",
         "floating": "floating"}
LOCKED_FIELDS = ("short_name", "full_name", "category", "industry")


def is_leading_body(category: str) -> bool:
    return category == v.LEADING_BODY


def is_committee(category: str) -> bool:
    return category in v.COMMITTEE_CATEGORIES


def is_branch_like(category: str) -> bool:
    return category in v.BRANCH_CATEGORIES


def is_locked(org: Organization) -> bool:
    """ORG-4: 团中央 (depth 0) and the provincial-level leading bodies (depth 1) keep category, names, industry."""
    return org.depth == 0 or (org.depth == 1 and is_leading_body(org.category))


def clean_name(value: str | None) -> str:
    """ORG-3: names are stored trimmed."""
    return (value or "").strip()


# ORG-1
def is_league_org_name(name: str) -> bool:
    """ORG-1: youth work committees, 青年部, 群团部 are not league organizations."""
    return not clean_name(name).endswith(v.NON_LEAGUE_BODY_SUFFIXES)


def category_problems(category: str, *, by_user: bool = True) -> list[Problem]:
    """ORG-1: one of the list; users never choose the system-made 待接转团支部 or 毕业生团组织."""
    if category not in v.ORG_CATEGORIES:
        return [Problem("INVALID_CATEGORY", "组织类别不正确", "category", "ORG-1")]
    if by_user and category in v.SYSTEM_MADE_CATEGORIES:
        message = "待接转团支部和毕业生团组织由系统生成，不能手动选择"
        return [Problem("CATEGORY_SYSTEM_MADE", message, "category", "ORG-1")]
    return []


def league_name_problems(short_name: str, full_name: str) -> list[Problem]:
    message = "青年工作委员会、青年部、群团部等不是团组织，不能录入"
    return [Problem("NOT_A_LEAGUE_ORG", message, f, "ORG-1")
            for f, name in (("shortName", short_name), ("fullName", full_name))
            if clean_name(name) and not is_league_org_name(name)]


# ORG-2
def may_hang_under(category: str, parent_category: str) -> bool:
    """ORG-2: leading bodies under leading bodies; committees and branches under leading bodies or committees."""
    if is_leading_body(category):
        return is_leading_body(parent_category)
    return is_leading_body(parent_category) or is_committee(parent_category)


def parent_problems(category: str, parent_category: str | None, field: str = "parentId") -> list[Problem]:
    if parent_category is None:
        return [Problem("PARENT_REQUIRED", "请选择上级组织", field, "ORG-2")]
    if is_branch_like(parent_category):
        return [Problem("PARENT_IS_BRANCH", f"{parent_category}下不能建立下级组织", field, "ORG-2")]
    if may_hang_under(category, parent_category):
        return []
    allowed = "团的领导机关" if is_leading_body(category) else "团的领导机关或团委、团工委、团总支"
    return [Problem("PARENT_CATEGORY_NOT_ALLOWED", f"{category}的上级组织只能是{allowed}", field, "ORG-2")]


# ORG-3
def name_problems(value: str | None, *, field: str) -> list[Problem]:
    label, limit = ("组织简称", SHORT_NAME_MAX) if field == "shortName" else ("组织全称", FULL_NAME_MAX)
    prefix = "SHORT_NAME" if field == "shortName" else "FULL_NAME"
    name = clean_name(value)
    if not name:
        return [Problem(f"{prefix}_REQUIRED", f"请填写{label}", field, "ORG-3")]
    if len(name) > limit:
        return [Problem(f"{prefix}_TOO_LONG", f"{label}不能超过{limit}个字", field, "ORG-3")]
    if text.has_invisible(name):  # look-alike siblings, reversed text (shared/text.py)
        return [Problem(f"{prefix}_INVISIBLE_CHARACTER", label + text.INVISIBLE_WORDS, field, "ORG-3")]
    return []


def industry_problems(industry: str | None) -> list[Problem]:
    if industry is None or industry in v.INDUSTRIES:
        return []
    return [Problem("INVALID_INDUSTRY", "单位所属行业类别不正确", "industry", "ORG-3")]


def is_valid_phone(phone: str) -> bool:
    """ORG-3: a mainland mobile (1[3-9] + 9 digits) or a landline with area code, optional extension."""
    return bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))


def contact_phone_problems(phone: str | None) -> list[Problem]:
    if not phone or is_valid_phone(phone.strip()):
        return []
    message = "联系电话格式不正确，请填写手机号码或带区号的固定电话（如010-12345678）"
    return [Problem("INVALID_PHONE", message, "contactPhone", "ORG-3")]


def full_name_taken(full_name: str) -> Problem:
    """ORG-3: the service found a sibling with the same full name."""
    return Problem("FULL_NAME_TAKEN", f"同一上级组织下已有名为“{clean_name(full_name)}”的组织", "fullName", "ORG-3")


def create_problems(*, short_name: str | None, full_name: str | None, category: str, parent_category: str | None,
                    industry: str | None = None, contact_phone: str | None = None) -> list[Problem]:
    """ORG-1, ORG-2, ORG-3 for a new org, every field at once (uniqueness is the service's)."""
    problems = [*name_problems(short_name, field="shortName"), *name_problems(full_name, field="fullName"),
                *league_name_problems(short_name or "", full_name or ""), *category_problems(category)]
    if category in v.ORG_CATEGORIES:
        problems += parent_problems(category, parent_category)
    return problems + industry_problems(industry) + contact_phone_problems(contact_phone)


# ORG-4
def edit_problems(org: Organization, changes: Mapping[str, object], *, editor_is_own_admin: bool,
                  editor_is_parent_admin_or_above: bool, parent_category: str | None = None,
                  child_categories: Iterable[str] = (), member_count: int = 0,
                  ancestor_school_codes: Iterable[str | None] = (), school_code_below: bool = False) -> list[Problem]:
    """ORG-4 (with ORG-1/2/3/5/11 on the changed fields), every field's problem at once. `changes` maps model
    attribute names (short_name, full_name, category, industry, contact_phone, school_code, graduation_date) to
    new values; a value equal to the current one is no change. parent_category, child_categories and
    member_count matter when the category changes; ancestor_school_codes and school_code_below (an org below
    already has a code) when the school code does."""
    unknown = set(changes) - set(FIELD)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not (editor_is_own_admin or editor_is_parent_admin_or_above):
        return [Problem("EDIT_NOT_ALLOWED", "只有本组织或上级组织的管理员可以修改组织信息", None, "ORG-4")]
    changed: dict[str, Any] = {k: clean_name(x) if k in ("short_name", "full_name") else x for k, x in changes.items()}
    changed = {k: x for k, x in changed.items() if x != getattr(org, k)}
    problems: list[Problem] = []
    if is_locked(org):  # the locked fields answer ORG_LOCKED; the others are still checked
        problems = [Problem("ORG_LOCKED", "团中央和省级团组织的组织类别、名称和所属行业不能修改", FIELD[k], "ORG-4")
                    for k in LOCKED_FIELDS if k in changed]
        changed = {k: x for k, x in changed.items() if k not in LOCKED_FIELDS}
    checks = {"short_name": partial(name_problems, field="shortName"),
              "full_name": partial(name_problems, field="fullName"),
              "industry": industry_problems, "contact_phone": contact_phone_problems}
    problems += [p for key, check in checks.items() if key in changed for p in check(changed[key])]
    problems += league_name_problems(changed.get("short_name", ""), changed.get("full_name", ""))
    if "category" in changed:
        problems += _category_change_problems(org, str(changed["category"]), editor_is_own_admin,
                                              parent_category, list(child_categories), member_count)
    after = dataclasses.replace(org, **changed)
    if "school_code" in changed:
        problems += school_code_problems(after, after.school_code, ancestor_school_codes,
                                         school_code_below=school_code_below)
    elif after.school_code and ("category" in changed or "industry" in changed) and not _school_code_fits(after):
        problems.append(Problem("SCHOOL_CODE_STILL_SET", "请先清除学校机构编号，再修改组织类别或所属行业",
                                "industry" if "industry" in changed else "category", "ORG-5"))
    if after.floating and ("floating" in changed or "category" in changed):
        problems += floating_problems(after.category, True)
    if "graduation_date" in changed and not editor_is_parent_admin_or_above:
        problems.append(graduation_by_parent_only())
    elif "graduation_date" in changed or (after.graduation_date and ("category" in changed or "industry" in changed)):
        problems += graduation_date_problems(after, after.graduation_date)
    return problems


def _category_change_problems(org: Organization, new: str, own_admin: bool, parent_category: str | None,
                              child_categories: list[str], member_count: int) -> list[Problem]:
    if org.category in v.SYSTEM_MADE_CATEGORIES:
        return [Problem("CATEGORY_SYSTEM_MADE", f"{org.category}的组织类别不能修改", "category", "ORG-1")]
    problems = category_problems(new)
    if problems:
        return problems
    if not own_admin:
        return [Problem("CATEGORY_OWN_ADMIN_ONLY", "组织类别只能由本组织管理员修改", "category", "ORG-4")]
    if org.category_changed:
        return [Problem("CATEGORY_ALREADY_CHANGED", "组织类别只能修改一次，已修改过", "category", "ORG-4")]
    problems = parent_problems(new, parent_category, field="category")
    if any(not may_hang_under(child, new) for child in child_categories):
        problems.append(Problem("CATEGORY_CONFLICTS_WITH_CHILDREN", "该组织的下级组织不能隶属于此组织类别",
                                "category", "ORG-2"))
    if member_count and not is_branch_like(new):
        problems.append(Problem("ORG_HAS_MEMBERS", "该组织下有团员，只有团支部可以直接管理团员", "category", "ORG-1"))
    return problems


# ORG-5
def _school_code_fits(org: Organization) -> bool:
    return org.industry in v.SCHOOL_INDUSTRIES and (is_committee(org.category) or org.category == v.BRANCH)


def school_code_problems(org: Organization, new_code: str | None, ancestor_school_codes: Iterable[str | None],
                         *, school_code_below: bool = False) -> list[Problem]:
    """ORG-5: the school institution code is the Ministry of Education's 学校标识码, exactly 10 digits. It goes
    on a school's own 团委/团工委/团总支, or on the 团支部 of a school with a single branch, whose industry is
    a school (v.SCHOOL_INDUSTRIES, 小学 included); never on a leading body, never below an org that already
    has one (colleges, classes), never above one (school_code_below: the school's code sits on its college).
    Clearing it (None or blank) is always allowed."""
    code = (new_code or "").strip()
    if not code:
        return []
    if not SCHOOL_CODE.fullmatch(code):
        return [Problem("INVALID_SCHOOL_CODE", "学校机构编号应为10位数字的学校标识码", "schoolCode", "ORG-5")]
    if is_leading_body(org.category):
        return [Problem("SCHOOL_CODE_NOT_ALLOWED", "团的领导机关不能填写学校机构编号", "schoolCode", "ORG-5")]
    if not _school_code_fits(org):
        message = "只有所属行业为学校的团委、团工委、团总支或单独建立团支部的学校才能填写学校机构编号"
        return [Problem("SCHOOL_CODE_NOT_ALLOWED", message, "schoolCode", "ORG-5")]
    if any(ancestor_school_codes):
        return [Problem("SCHOOL_CODE_ON_SUBORDINATE", "上级组织已填写学校机构编号，院系、班级团组织不能再填写",
                        "schoolCode", "ORG-5")]
    if school_code_below:
        return [Problem("SCHOOL_CODE_SET_BELOW", "下级组织已填写学校机构编号，请先清除下级组织的学校机构编号",
                        "schoolCode", "ORG-5")]
    return []


# ORG-6, ORG-7
class DeletionPlan(NamedTuple):
    problems: list[Problem]
    move_members_to_pending_branch: bool  # ORG-7: into a 待接转团支部 under the same parent


def deletion_plan(org: Organization, *, has_children: bool, member_count: int,
                  actor_is_parent_admin_or_above: bool, stranded_cadres: int = 0) -> DeletionPlan:
    """ORG-6/ORG-7. member_count counts the people whose membership lives in the org. A 团支部 or 毕业生团组织
    with members is deleted and its members move to a 待接转团支部 under the same parent; any other org
    (待接转团支部 included) with members is refused until they are transferred out. stranded_cadres counts the
    people whose only place is a post here (no branch, no post elsewhere): deleting would leave them nowhere, so
    it is refused until their posts change."""
    if org.is_root:
        return DeletionPlan([Problem("ROOT_CANNOT_BE_DELETED", "团中央不能删除", None, "ORG-6")], False)
    if not actor_is_parent_admin_or_above:
        return DeletionPlan([Problem("DELETE_NOT_ALLOWED", "只有上级组织的管理员可以删除该组织", None, "ORG-6")], False)
    if has_children:
        return DeletionPlan([Problem("HAS_CHILD_ORGS", "该组织下还有下级组织，请先删除下级组织", None, "ORG-6")], False)
    problems = []
    if member_count and org.category not in (v.BRANCH, v.GRADUATE_ORG):
        problems.append(Problem("ORG_HAS_MEMBERS", f"{org.category}中还有团员，请先将团员转出后再删除", None, "ORG-7"))
    if stranded_cadres:
        message = f"该组织有{stranded_cadres}名团干部不属于任何团支部、也未在其他组织任职，请先变更其职务后再删除"
        problems.append(Problem("ORG_HAS_CADRES", message, None, "ORG-7"))
    return DeletionPlan(problems, bool(member_count) and not problems)


# ORG-9
REQUIRED_INFO = (("short_name", "组织简称"), ("full_name", "组织全称"), ("category", "组织类别"),
                 ("industry", "单位所属行业类别"), ("contact_phone", "联系电话"))


class InfoCompleteness(NamedTuple):
    complete: bool
    missing: list[str]


def info_completeness(org: Organization, *, secretary_registered: bool, secretary_has_mobile: bool) -> InfoCompleteness:
    """ORG-9 (decided: the required fields are REQUIRED_INFO; the school code and graduation date are not)."""
    missing = [label for attr, label in REQUIRED_INFO if not clean_name(getattr(org, attr))]
    if not secretary_registered:
        missing.append("团组织书记")
    elif not secretary_has_mobile:
        missing.append("书记手机号码")
    return InfoCompleteness(not missing, missing)


# ORG-11
def may_mark_graduation(org: Organization) -> bool:
    """ORG-11: only a 团支部 whose industry is a school other than 小学 gets a graduation date."""
    return org.category == v.BRANCH and org.industry in v.GRADUATING_INDUSTRIES


def graduation_by_parent_only() -> Problem:
    """ORG-11: the committees above a branch mark its graduation date, never the branch's own admin."""
    return Problem("GRADUATION_BY_PARENT_ONLY", "毕业时间由上级团组织标记，本团支部不能自行设置",
                   "graduationDate", "ORG-11")


MAX_GRADUATION_BATCH = 500  # orgs per markGraduation: one request must not hold the write lock for long


def graduation_batch_problems(count: int) -> list[Problem]:
    """ORG-11 (decided): one markGraduation marks at most MAX_GRADUATION_BATCH branches."""
    if count <= MAX_GRADUATION_BATCH:
        return []
    return [Problem("ORG_IDS_TOO_MANY", f"一次最多标记{MAX_GRADUATION_BATCH}个团支部", "orgIds", "ORG-11")]


def graduation_date_problems(org: Organization, new_date: date | None) -> list[Problem]:
    if new_date is None or may_mark_graduation(org):
        return []
    message = "只有所属行业为学校（不含小学）的团支部才能设置毕业时间"
    return [Problem("GRADUATION_NOT_ALLOWED", message, "graduationDate", "ORG-11")]


# ORG-12
def counts_toward_branch_size(political_status: str, age: int) -> bool:
    """ORG-12: league members count; party members count while under 28."""
    return political_status == v.LEAGUE_MEMBER or (political_status in v.PARTY_STATUSES and age < 28)


def org_warnings(org: Organization, *, member_count: int = 0, branches_below: int = 0) -> list[str]:
    """ORG-12 warnings, in Chinese. member_count: people counted by counts_toward_branch_size (团支部 only);
    branches_below: branch-like orgs anywhere below (团委, 团工委, 团总支 only)."""
    if org.category == v.BRANCH and member_count < v.BRANCH_MIN_MEMBERS:
        return ["团员人数少于3人，应撤销或合并"]
    if org.category == v.BRANCH and member_count > v.BRANCH_MAX_MEMBERS:
        return ["团员人数超过50人，应拆分为多个团支部"]
    if is_committee(org.category) and branches_below == 0:
        return ["下设团支部为空，组织信息不完整"]
    return []


# ACC-3
def max_admins(category: str) -> int:
    return v.MAX_ADMINS_LEADING_BODY if is_leading_body(category) else v.MAX_ADMINS_OTHER


def add_admin_problems(*, category: str, admin_count: int, is_cadre_of_org: bool,
                       already_admin: bool = False) -> list[Problem]:
    """ACC-3: at most max_admins(category) admins, each a cadre of the org."""
    if already_admin:
        return [Problem("ALREADY_ADMIN", "该团干部已是本组织管理员", "memberId", "ACC-3")]
    problems = []
    if admin_count >= max_admins(category):
        problems.append(Problem("ADMIN_LIMIT_REACHED", f"本组织管理员已达上限（{max_admins(category)}人）",
                                "memberId", "ACC-3"))
    if not is_cadre_of_org:
        problems.append(Problem("ADMIN_MUST_BE_CADRE", "管理员必须是本组织的团干部", "memberId", "ACC-3"))
    return problems


def remove_admin_problems(*, actor_member_id: int, target_member_id: int) -> list[Problem]:
    if actor_member_id == target_member_id:
        return [Problem("CANNOT_REMOVE_SELF", "不能取消自己的管理员权限", "memberId", "ACC-3")]
    return []


# ORG-10
def migration_problems(org: Organization, new_parent: Organization, *, actor_is_root_admin: bool) -> list[Problem]:
    """ORG-10: the subtree stays in its province unless a root admin moves it, never moves under itself,
    and ORG-2 holds for the new parent."""
    field = "newParentId"
    if org.is_root:
        return [Problem("ROOT_CANNOT_MOVE", "团中央不能迁移", field, "ORG-10")]
    if is_within(new_parent.path, org.path):
        return [Problem("MOVE_INTO_OWN_SUBTREE", "不能迁移到本组织或其下级组织之下", field, "ORG-10")]
    if new_parent.id == org.parent_id:
        return [Problem("SAME_PARENT", "该组织已在所选上级组织之下", field, "ORG-10")]
    problems = parent_problems(org.category, new_parent.category, field=field)
    province_after = new_parent.province_id() if new_parent.depth >= 1 else org.id
    if province_after != org.province_id() and not actor_is_root_admin:
        problems.append(Problem("CROSS_PROVINCE_MOVE", "跨省迁移只能由团中央管理员办理", field, "ORG-10"))
    return problems


# TRF-9
def floating_problems(category: str, floating: bool | None) -> list[Problem]:
    """流动团支部 (TRF-9): a 团支部 of a town or street (or a park, 001 Q56) that takes members whose employer has
    no league org; only a 团支部 can be one."""
    if floating and category != v.BRANCH:
        return [Problem("FLOATING_NOT_BRANCH", "只有团支部可以设为流动团支部", "floating", "TRF-9")]
    return []
