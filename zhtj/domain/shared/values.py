"""Value lists of DOMAIN.md §7 as data, not code branches: the dropdowns of every form, the groupings the
rules look up (which categories are committees, which industries are schools) and the time limits.
`value_lists()` serves them to the `valueLists` GraphQL query."""

from __future__ import annotations

from datetime import date, timedelta
from types import MappingProxyType

# 组织类别 (ORG-1)
LEADING_BODY = "团的领导机关"
BRANCH = "团支部"
PENDING_TRANSFER_BRANCH = "待接转团支部"
GRADUATE_ORG = "毕业生团组织"
COMMITTEE_CATEGORIES: tuple[str, ...] = ("团委", "团工委", "团总支")
ORG_CATEGORIES: tuple[str, ...] = (LEADING_BODY, *COMMITTEE_CATEGORIES, BRANCH, PENDING_TRANSFER_BRANCH, GRADUATE_ORG)
BRANCH_CATEGORIES: tuple[str, ...] = (BRANCH, PENDING_TRANSFER_BRANCH, GRADUATE_ORG)  # nothing hangs under these
SYSTEM_MADE_CATEGORIES: tuple[str, ...] = (PENDING_TRANSFER_BRANCH, GRADUATE_ORG)  # ORG-7, ORG-11
USER_ORG_CATEGORIES: tuple[str, ...] = tuple(c for c in ORG_CATEGORIES if c not in SYSTEM_MADE_CATEGORIES)
# ORG-1: bodies that are not league orgs; a name ending with one of these is refused.
NON_LEAGUE_BODY_SUFFIXES: tuple[str, ...] = ("青年工作委员会", "青工委", "青年部", "群团部")

# 单位所属行业类别 (16, in the source system's order) and the statistics domains (领域) they fall in (ORG-3)
INDUSTRIES: tuple[str, ...] = (
    "党政机关", "事业单位（不含公立学校）", "普通高等院校", "职业教育学校", "普通高中", "初中", "小学",
    "国有企业", "集体企业", "非公企业", "新社会组织（不含民办学校）", "军队", "武警", "城市社区", "农村", "其他",
)
DOMAINS: tuple[str, ...] = ("学校", "机关事业单位", "国有企业", "非公企业", "新社会组织", "城市社区", "农村", "其他")
DOMAIN_OF_INDUSTRY: MappingProxyType[str, str] = MappingProxyType({
    "党政机关": "机关事业单位", "事业单位（不含公立学校）": "机关事业单位",
    "普通高等院校": "学校", "职业教育学校": "学校", "普通高中": "学校", "初中": "学校", "小学": "其他",
    "国有企业": "国有企业", "集体企业": "国有企业", "非公企业": "非公企业",
    "新社会组织（不含民办学校）": "新社会组织", "军队": "其他", "武警": "其他",
    "城市社区": "城市社区", "农村": "农村", "其他": "其他",
})
# Schools (ORG-5 decided: 小学 counts as a school for the institution code, as the MoE gives primary schools
# one too); graduation marks (ORG-11) exclude 小学.
SCHOOL_INDUSTRIES: tuple[str, ...] = ("普通高等院校", "职业教育学校", "普通高中", "初中", "小学")
GRADUATING_INDUSTRIES: tuple[str, ...] = tuple(i for i in SCHOOL_INDUSTRIES if i != "小学")

# Number domains (NUM-2)
SCHOOL_NUMBER_DOMAIN = "学校领域"
SOCIAL_NUMBER_DOMAIN = "社会领域"
NUMBER_DOMAINS: tuple[str, ...] = (SCHOOL_NUMBER_DOMAIN, SOCIAL_NUMBER_DOMAIN)
SCHOOL_LEVELS: tuple[str, ...] = ("初中", "高中", "中职", "高校")

# 职业, 在读状况, 具体职业 (MEM-2)
STUDENT = "青年学生"
WORKING_YOUTH = "职业青年"
OCCUPATIONS: tuple[str, ...] = (STUDENT, WORKING_YOUTH)
STUDY_STATUSES: tuple[str, ...] = ("初中在读", "普通高中在读", "中职在读", "高职专科在读", "普通本科在读", "研究生在读")
SCHOOL_LEVEL_OF_STUDY_STATUS: MappingProxyType[str, str] = MappingProxyType({
    "初中在读": "初中", "普通高中在读": "高中", "中职在读": "中职",
    "高职专科在读": "高校", "普通本科在读": "高校", "研究生在读": "高校",
})
SPECIFIC_OCCUPATIONS: tuple[str, ...] = (
    "国有企业职工", "非公企业职工", "机关事业单位职工", "社会组织员工", "农民", "自由职业者", "教职工", "其他",
)

# 学历 (highest finished), 政治面貌
EDUCATIONS: tuple[str, ...] = (
    "小学", "初中", "普通高中", "中等职业教育", "大学专科", "大学本科", "硕士研究生", "博士研究生",
)
LEAGUE_MEMBER = "共青团员"
PARTY_STATUSES: tuple[str, ...] = ("中共党员", "中共预备党员")
POLITICAL_STATUSES: tuple[str, ...] = (LEAGUE_MEMBER, *PARTY_STATUSES, "群众")

# 团内现任职务 (MEM-12); 无职务 is what a post becomes when it ends, not a post to choose on entry
LEADING_BODY_POSITIONS: tuple[str, ...] = ("书记", "副书记", "常委", "委员", "候补委员", "工作人员")
COMMITTEE_POSITIONS: tuple[str, ...] = ("书记", "副书记", "委员", "工作人员")
BRANCH_POSITIONS: tuple[str, ...] = ("书记", "副书记", "委员")
NO_POSITION = "无职务"
SECRETARY = "书记"

# 团干部性质, 任现职方式 (decided), 在岗状态 (decided)
CADRE_NATURES: tuple[str, ...] = ("专职", "兼职", "挂职")
APPOINTMENT_METHODS: tuple[str, ...] = ("选举", "任命", "聘任", "其他")
DUTY_STATUSES: tuple[str, ...] = ("在岗", "离岗")

# 民族: the 56 groups in GB 3304 order; 其他 comes with a free-text name
ETHNICITY_OTHER = "其他"
ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)
ETHNICITIES: tuple[str, ...] = (*ETHNIC_GROUPS, ETHNICITY_OTHER)

# 实名校验 (MEM-13), 转接原因 (TRF)
REAL_NAME_CHECK_STATES: tuple[str, ...] = ("未校验", "校验中", "校验通过", "校验不通过", "线下通过")
TRANSFER_REASONS: tuple[str, ...] = (
    "升学", "毕业", "就业", "工作调动", "未就业", "参军入伍", "涉密单位", "出国(境)学习", "退学", "其他",
)
# TRF-7: provinces that run their own systems; TRF-8: national systems, chosen by system, not by province
EXTERNAL_SYSTEMS: tuple[str, ...] = ("北京", "广东", "福建")
NATIONAL_SYSTEMS: tuple[str, ...] = ("全国铁道", "全国民航", "中央金融", "中央企业", "中央和国家机关")

# Limits
RESET_CODE_VALID_FOR = timedelta(days=2)          # ACC-5
TRANSFER_STEP_LIMIT = timedelta(days=10)          # TRF-5
E_ARCHIVE_UPLOAD_LIMIT = timedelta(days=30)       # NUM-6, counted from the approval
GRADUATION_SWITCH_MONTH_DAY = (6, 1)              # ORG-11, decided: configurable, 1 June by default
BRANCH_MIN_MEMBERS = 3                            # ORG-12
BRANCH_MAX_MEMBERS = 50                           # ORG-12
MAX_ADMINS_LEADING_BODY = 2                       # ACC-3
MAX_ADMINS_OTHER = 3                              # ACC-3


def graduation_switch_day(year: int, month_day: tuple[int, int] = GRADUATION_SWITCH_MONTH_DAY) -> date:
    """ORG-11: the day of `year` on which the branches graduating that year become 毕业生团组织."""
    return date(year, *month_day)


def value_lists() -> dict[str, tuple[str, ...]]:
    """Every list by an English key, in display order, for the `valueLists` query."""
    return {
        "orgCategories": ORG_CATEGORIES,
        "userOrgCategories": USER_ORG_CATEGORIES,
        "industries": INDUSTRIES,
        "domains": DOMAINS,
        "schoolIndustries": SCHOOL_INDUSTRIES,
        "numberDomains": NUMBER_DOMAINS,
        "schoolLevels": SCHOOL_LEVELS,
        "occupations": OCCUPATIONS,
        "studyStatuses": STUDY_STATUSES,
        "specificOccupations": SPECIFIC_OCCUPATIONS,
        "educations": EDUCATIONS,
        "politicalStatuses": POLITICAL_STATUSES,
        "leadingBodyPositions": LEADING_BODY_POSITIONS,
        "committeePositions": COMMITTEE_POSITIONS,
        "branchPositions": BRANCH_POSITIONS,
        "cadreNatures": CADRE_NATURES,
        "appointmentMethods": APPOINTMENT_METHODS,
        "dutyStatuses": DUTY_STATUSES,
        "ethnicities": ETHNICITIES,
        "realNameCheckStates": REAL_NAME_CHECK_STATES,
        "transferReasons": TRANSFER_REASONS,
        "externalSystems": EXTERNAL_SYSTEMS,
        "nationalSystems": NATIONAL_SYSTEMS,
    }


def positions_for(category: str) -> tuple[str, ...]:
    """MEM-12: the posts an org of this category offers (工作人员 only in leading bodies and committees)."""
    if category == LEADING_BODY:
        return LEADING_BODY_POSITIONS
    return COMMITTEE_POSITIONS if category in COMMITTEE_CATEGORIES else BRANCH_POSITIONS
