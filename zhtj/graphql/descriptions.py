"""Descriptions for what the types leave undescribed: the fields, arguments and types that repeat across the
schema (page arguments, payload errors, the member form's fields) are described once here, in English with
the Chinese term, and filled in after the schema is built. A description written on a field itself wins;
`tests/api/test_schema_descriptions.py` fails on anything left without one."""

from __future__ import annotations

import re

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

PAGE_ARGUMENTS = {
    "first": "每页条数, forward: how many items from the start or after `after` (default 20, at most 100).",
    "after": "游标, forward: the `endCursor` (or an edge's cursor) of the page before; items after it.",
    "last": "每页条数, backward: how many items from the end or before `before` (default 20, at most 100).",
    "before": "游标, backward: the `startCursor` (or an edge's cursor) of the page after; items before it.",
}

# A field or argument of this name means the same wherever the type leaves it undescribed.
BY_NAME = {
    **PAGE_ARGUMENTS,
    "input": "The mutation's input (输入), one object as every mutation takes (API.md).",
    "errors": "错误信息: the broken rules, empty on success; nothing was written when any is here.",
    "id": "Global id (全局 ID): a Relay id, for `node(id:)` and for inputs.",
    "text": "搜索文字: part of a name to filter by.",
    "cursor": "游标: where this edge stands, for `after` or `before`.",
    "node": "The item (节点) of this edge.",
    "nodes": "The items (节点) of this page, as `edges { node }` without the cursors.",
    "edges": "The items of this page (边), each with its cursor.",
    "pageInfo": "分页信息: whether there is more either way, and the cursors to get it.",
    "hasNextPage": "是否有下一页: more items after this page (backward: true when `before` was given).",
    "hasPreviousPage": "是否有上一页: more items before this page (forward: true when `after` was given).",
    "startCursor": "首条游标: the first edge's cursor, for `before`; null on an empty page.",
    "endCursor": "末条游标: the last edge's cursor, for `after`; null on an empty page.",
    "ok": "成功: true when it was done.",
    "viewer": "当前用户: who is logged in after this mutation.",
    "mustChangePassword": "需修改初始密码: true until the initial password is changed (ACC-1).",
    "organization": "团组织: the org concerned, as it is now.",
    "member": "团员: the person concerned, as they are now.",
    "memberId": "团员 ID: the person's global id (Member).",
    "orgId": "组织 ID: the org's global id (Organization).",
    "branchId": "团支部 ID: the global id of a 团支部 (or another org that holds members).",
    "parentId": "上级组织 ID: the global id of the parent org.",
    "newParentId": "新上级组织 ID: the global id of the org to move under.",
    "migrationId": "迁移 ID: the global id of the migration (OrganizationMigration).",
    "releaseId": "释放申请 ID: the global id of the number release (NumberRelease).",
    "reason": "原因: why, in Chinese.",
    "approve": "是否同意: true approves, false refuses (then `reason` says why).",
    "status": "状态: where it stands.",
    "name": "姓名, the person's name as on the ID card (MEM-2).",
    "idNumber": "身份证号: the 18-character resident ID number (GB 11643).",
    "idNumberConfirm": "确认身份证号: the ID number typed again; must equal `idNumber`.",
    "gender": "性别: from the ID number (男 or 女).",
    "mobile": "手机号码: 11 digits (MEM-2).",
    "password": "密码: 8 to 64 characters with letters and digits (ACC-1).",
    "oldPassword": "原密码: the password in use now.",
    "ethnicity": "民族 (valueLists.ethnicities).",
    "ethnicityNote": "民族说明: the group's name when ethnicity is 其他.",
    "occupation": "职业: 青年学生 or 职业青年 (valueLists.occupations).",
    "studyStatus": "在读状况 of a student (MEM-10, valueLists.studyStatuses).",
    "jobType": "具体职业 of a working youth (valueLists.specificOccupations).",
    "education": "学历: the highest level finished (MEM-10, valueLists.educations).",
    "politicalStatus": "政治面貌 (valueLists.politicalStatuses).",
    "joinDate": "入团时间, YYYY-MM.",
    "developmentNumber": "发展团员编号: 12 digits, year first (MEM-7, NUM-F*).",
    "partyJoinDate": "入党时间, YYYY-MM-DD, for party members.",
    "isCadre": "是否团干部: true when the person holds a league post (MEM-1).",
    "position": "团内职务 (valueLists positions for the org's category, MEM-12).",
    "positionSince": "任现职年月, YYYY-MM.",
    "appointmentMethod": "任现职方式 (valueLists.appointmentMethods).",
    "cadreNature": "团干部性质: 专职, 兼职, 挂职 (valueLists.cadreNatures).",
    "onPartyCommittee": "是否同级党(工)委委员.",
    "onDuty": "在岗状态 of a committee's cadre (valueLists.dutyStatuses).",
    "householdAddress": "户籍所在地: the registered household address.",
    "email": "电子邮箱.",
    "qq": "QQ号.",
    "wechat": "微信号.",
    "weibo": "微博号.",
    "submittedPartyApplication": "是否递交入党申请书.",
    "partyApplicationDate": "递交入党申请书时间, YYYY-MM-DD.",
    "registeredVolunteer": "是否注册志愿者.",
    "volunteerSince": "注册志愿者时间, YYYY-MM.",
    "shortName": "组织简称: the short name (ORG-3).",
    "fullName": "组织全称: the full name, unique under one parent (ORG-3).",
    "category": "组织类别 (valueLists.orgCategories, ORG-2).",
    "industry": "所在单位行业类别 (valueLists.industries, ORG-3).",
    "contactPhone": "联系电话 of the org (ORG-3).",
    "schoolCode": "学校代码 of a school's committee (ORG-5).",
    "graduationDate": "毕业时间 of a class branch: its members are flagged graduates on that day (ORG-11).",
    "parent": "上级组织: the parent org, if the viewer may see it.",
    "secretary": "书记 (ORG-8).",
    "domain": "统计领域 (NUM-2): 学校, 机关事业单位, 国有企业, ….",
    "schoolLevel": "学校层级 of a school segment (NUM-2, valueLists.schoolLevels).",
    "start": "起始编号: the first number of the segment, 12 digits.",
    "end": "结束编号: the last number of the segment, 12 digits.",
    "year": "年份: the four digits the numbers start with.",
    "number": "发展团员编号: a 12-digit development number.",
    "file": "文件: the uploaded file (GraphQL multipart request).",
    "files": "文件: the uploaded files (GraphQL multipart request), at most 20.",
    "fileName": "文件名: as uploaded.",
    "sha256": "SHA-256 of the stored file, hex.",
    "uploadedAt": "上传时间.",
    "reviewedAt": "审核时间; null until reviewed.",
    "requestedAt": "申请时间.",
    "decidedAt": "处理时间; null until decided.",
    "allocatedAt": "分配时间.",
    "expiresAt": "失效时间.",
    "deletedId": "The global id of what was deleted (已删除的 ID).",
    "archive": "电子档案 (NUM-6): the uploaded application form.",
    "segment": "号段 (NUM-2).",
    "segments": "号段 (NUM-2).",
    "release": "释放申请 (NUM-4).",
    "migration": "组织迁移 (ORG-10).",
    "oldParent": "原上级组织, if the viewer may see it.",
    "newParent": "新上级组织, if the viewer may see it.",
    "direction": "方向: UP (上移) or DOWN (下移).",
    "kind": "类别: which kind of irregular number.",
    "kinds": "类别: every kind of irregularity the number shows.",
    "count": "数量.",
    "counts": "数量 by kind.",
    "codes": "The codes issued (管理员注册码), one per org.",
    "results": "结果: one per uploaded file, in the order sent.",
    "organizations": "团组织.",
}

# Types: by their exact name, then by the pattern of their name.
TYPES = {
    "Query": "查询: every read of the service; without a token only `valueLists` (API.md).",
    "Mutation": "变更: every write of the service; each takes one `input` and answers a payload with `errors`.",
    "Subscription": "订阅: streams over graphql-transport-ws on /graphql, the token in connection_init's payload.",
    "PageInfo": "分页信息 (Relay Cursor Connections spec).",
    "Direction": "排序方向: moving an org among its siblings (上移/下移, ORG-6).",
}
TYPE_PATTERNS = (
    (r"(\w+)Connection", "A page of {0} (分页列表, a Relay connection): `first`/`after` or `last`/`before`."),
    (r"(\w+)Edge", "One {0} of a page (边), with its cursor."),
    (r"(\w+)Payload", "The answer (结果) of `{1}`: what it did, or `errors` and nothing written."),
    (r"(\w+)Input", "The input of `{1}` (输入)."),
)
ENUM_VALUES = {
    "UP": "上移: one place towards the first sibling.",
    "DOWN": "下移: one place towards the last sibling.",
    "PENDING": "待审核: waiting for a decision.",
    "PENDING_REVIEW": "待审核: uploaded, waiting for the reviewing org.",
    "APPROVED": "已通过: approved.",
    "REFUSED": "已拒绝: refused, with a reason.",
    "WITHDRAWN": "已撤回: taken back by whoever asked.",
    "COMPLETED": "已完成: done.",
    "AWAITING_OLD_PARENT": "待原上级审核: waiting for the current parent's admins.",
    "AWAITING_NEW_PARENT": "待新上级审核: waiting for the new parent's admins.",
}

# What one type, field, argument or enum value alone has: "Type", "Type.field", "Type.field(argument)".
SPECIFIC = {
    "Query.auditLog(filter)": "筛选: by action, actor, subject or time; every field given narrows the list.",
    "OrganizationPayload": "The answer (结果) of an org mutation (createOrganization, updateOrganization, "
                           "moveOrganization, …): the org as it is now, or `errors` and nothing written.",
    "MemberPayload": "The answer (结果) of a member mutation (enterMember, updateMember, selfReport, …): the person "
                     "as they are now, or `errors` and nothing written.",
    "MigrationPayload": "The answer of requestMigration, reviewMigration and withdrawMigration (组织迁移, ORG-10).",
    "SegmentPayload": "The answer of allocateSegment: the new segment (号段, NUM-2), or `errors`.",
    "ArchivePayload": "The answer of uploadArchive, replaceArchive and reviewArchive (电子档案, NUM-6, NUM-7).",
    "NumberReleasePayload": "The answer of requestNumberRelease and reviewNumberRelease (释放申请, NUM-4).",
    "UploadArchiveInput": "The input of uploadArchive and replaceArchive: the member and the PDF (入团志愿书).",
    "MigrationStatus": "组织迁移状态 (ORG-10): where a migration stands.",
    "MigrationStatus.REFUSED": "已拒绝: refused by the parent whose step it was, with a reason.",
    "MigrationStatus.WITHDRAWN": "已撤回: withdrawn by the org that asked.",
    "MigrationStatus.COMPLETED": "已完成: approved by both parents; the org has moved.",
    "IssuedAdminCode": "管理员注册码 issued for one org (ACC-3), or why there is none.",
    "NumberReport.segmentUse": "号段使用 per 统计领域 (NUM-9): the top segments of the subtree and the numbers used.",
    "LoginInput.idNumber": "身份证号: the account's user name (ACC-1).",
    "LoginInput.password": "密码: the account's password; at first the last 8 characters of the ID number (ACC-1).",
    "Query.nodes(ids)": "Global ids (全局 ID) of the objects wanted, at most 100.",
    "ValueLists.orgCategories": "组织类别: every org category (ORG-2).",
    "ValueLists.userOrgCategories": "组织类别 an admin may choose (without the system-made 待接转团支部 and "
                                    "毕业生团组织).",
    "ValueLists.industries": "所在单位行业类别 (ORG-3).",
    "ValueLists.domains": "统计领域: the domains industries fall in (ORG-3).",
    "ValueLists.schoolIndustries": "学校类行业: the industries that make an org a school's (ORG-5).",
    "ValueLists.numberDomains": "编号领域 of segments: 学校领域 or 社会领域 (NUM-2).",
    "ValueLists.schoolLevels": "学校层级 of school segments (NUM-2).",
    "ValueLists.occupations": "职业: 青年学生, 职业青年 (MEM-10).",
    "ValueLists.studyStatuses": "在读状况 of students (MEM-10).",
    "ValueLists.specificOccupations": "具体职业 of working youth (MEM-10).",
    "ValueLists.educations": "学历 (MEM-10).",
    "ValueLists.politicalStatuses": "政治面貌 (MEM-2).",
    "ValueLists.leadingBodyPositions": "团内职务 in a leading body (团的领导机关, MEM-12).",
    "ValueLists.committeePositions": "团内职务 in a committee (团委, 团工委, 团总支, MEM-12).",
    "ValueLists.branchPositions": "团内职务 in a branch (团支部, MEM-12).",
    "ValueLists.cadreNatures": "团干部性质: 专职, 兼职, 挂职.",
    "ValueLists.appointmentMethods": "任现职方式.",
    "ValueLists.dutyStatuses": "在岗状态 of committees' cadres.",
    "ValueLists.ethnicities": "民族: the 56 groups and 其他.",
    "ValueLists.realNameCheckStates": "实名校验状态 in Chinese (MEM-13), as Member.verification shows them.",
    "ValueLists.transferReasons": "转接原因 (TRF).",
    "ValueLists.externalSystems": "其他系统 (TRF-7): provinces running their own systems, for startTransfer.",
    "ValueLists.nationalSystems": "全国性系统 (TRF-8): chosen by system, not by province.",
}

# The Chinese term (中文术语) of what a type describes in English only: put before its description.
TERMS_BY_NAME = {"id": "全局 ID", "totalCount": "总数"}
TERMS = {
    "Node": "节点", "Upload": "上传文件",
    "Organization.ancestors": "上级组织链", "Organization.infoComplete": "信息完整",
    "Organization.missingInfo": "缺失信息", "Organization.warnings": "预警", "Organization.members": "团员",
    "SelfReportStatus.ACTIVE": "已报到", "SelfReportStatus.AWAITING_REVIEW": "待审核",
    "SelfReportStatus.RETURNED": "已退回", "SelfReportStatus.WITHDRAWN": "已撤回", "SelfReportStatus.EXPIRED": "已过期",
    "NumberReport.membersRead": "统计人数", "NumberReport.irregular": "异常编号", "IrregularCount": "异常编号数量",
    "IrregularNumberKind.RELEASED": "已释放", "IrregularNumberKind.EMPTY": "编号缺失",
    "IrregularNumberKind.FORMAT": "格式错误", "IrregularNumberKind.YEAR": "年份不符",
    "IrregularNumberKind.MISSING_ARCHIVE": "缺少电子档案", "IrregularNumberKind.ARCHIVE_OVERDUE": "电子档案逾期未上传",
    "DomainSegmentUse": "领域号段使用",
    "DomainSegmentUse.size": "号段容量", "DomainSegmentUse.used": "已使用", "IrregularNumber": "异常编号",
    "Member.idNumberMasked": "脱敏身份证号", "Member.verificationCheckedAt": "校验时间",
    "Member.graduate": "毕业生", "Member.reportSubmittedAt": "报到提交时间", "Member.positions": "团内职务",
    "Member.profileComplete": "信息完整", "Member.missingFields": "缺失字段", "Member.reportStatus": "报到状态",
    "Member.reportBranch": "报到团支部",
    "Archive.size": "文件大小", "Archive.sha256": "文件校验和", "Archive.refusal": "退回原因",
    "Archive.downloadUrl": "下载地址", "Archive.replacementPending": "替换待审核",
    "Archive.replacementUrl": "替换文件下载地址", "Archive.replacementRefusal": "替换退回原因",
    "NumberSegment.size": "号段容量", "NumberSegment.organization": "所属组织", "NumberSegment.parent": "上级号段",
    "NumberSegment.used": "已使用", "NumberSegment.holders": "编号持有人", "SegmentUse": "编号使用",
    "SegmentUse.member": "持有人", "NumberRelease.refusal": "拒绝原因", "NumberRelease.member": "申请团员",
    "NumberRelease.holder": "当前持有人", "NumberRelease.organization": "号段所属组织",
    "Query.organization": "团组织", "Query.node": "节点", "Query.nodes": "节点",
    "Viewer.adminOf": "管理的组织", "Viewer.mustChangePassword": "需修改初始密码",
    "LoginPayload.token": "登录令牌", "ChangePasswordInput.newPassword": "新密码",
    "IssuePasswordResetCodeInput.memberId": "团员 ID", "ResetPasswordInput.newPassword": "新密码",
    "IssueAdminCodeInput.orgId": "组织 ID", "IssueAdminCodesPayload.downloadUrl": "下载地址",
    "IssuedAdminCode.code": "管理员注册码", "IssueAdminCodesInput.orgId": "组织 ID",
    "RegisterAdminInput.password": "密码", "AddAdminInput.memberId": "团员 ID",
    "CreateOrganizationInput": "新建组织", "CreateOrganizationInput.fullName": "组织全称",
    "UpdateOrganizationInput": "修改组织信息", "UpdateOrganizationInput.category": "组织类别",
    "MarkGraduationInput": "标记毕业", "MarkGraduationInput.orgIds": "团支部 ID",
    "SetSecretaryInput": "设置书记", "RequestMigrationInput": "申请组织迁移", "ReviewMigrationInput": "审核组织迁移",
    "EnterMemberInput.idNumberConfirm": "确认身份证号", "EnterCadreInput.idNumberConfirm": "确认身份证号",
    "SelfReportInput.idNumberConfirm": "确认身份证号", "SelfReportInput.password": "密码",
    "PassVerificationOfflineInput.photo": "核验照片", "ArchiveUploadResult": "批量上传结果",
}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def describe(schema: GraphQLSchema, fields: dict[str, str] | None = None) -> None:
    """Fills every empty description: `fields` ("Type.field" or "Type.field(argument)", SPECIFIC by default)
    first, then BY_NAME, TYPES and the name patterns, ENUM_VALUES. Anything still empty is left for the test
    to find."""
    specific = SPECIFIC if fields is None else fields
    for type_name, kind in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        if not kind.description:
            kind.description = specific.get(type_name) or TYPES.get(type_name) or _by_pattern(type_name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in kind.fields.items():
                field.description = field.description or specific.get(f"{type_name}.{name}") or BY_NAME.get(name)
                for arg_name, arg in field.args.items():
                    arg.description = (arg.description or specific.get(f"{type_name}.{name}({arg_name})")
                                       or BY_NAME.get(arg_name))
        elif isinstance(kind, GraphQLInputObjectType):
            for name, field in kind.fields.items():
                field.description = field.description or specific.get(f"{type_name}.{name}") or BY_NAME.get(name)
        elif isinstance(kind, GraphQLEnumType):
            for name, value in kind.values.items():
                value.description = value.description or specific.get(f"{type_name}.{name}") or ENUM_VALUES.get(name)
    _with_terms(schema)


def _with_terms(schema: GraphQLSchema) -> None:
    """Puts the Chinese term (TERMS, TERMS_BY_NAME) before an English-only description."""
    for type_name, kind in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        parts: list[tuple[str, str, object]] = [(type_name, type_name, kind)]
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            parts += [(f"{type_name}.{name}", name, field) for name, field in kind.fields.items()]
        elif isinstance(kind, GraphQLEnumType):
            parts += [(f"{type_name}.{name}", name, value) for name, value in kind.values.items()]
        for coordinate, name, part in parts:
            text = getattr(part, "description", None)
            term = TERMS.get(coordinate) or (TERMS_BY_NAME.get(name) if part is not kind else None)
            if text and term and not _CHINESE.search(text):
                part.description = f"{term}: {text}"  # type: ignore[attr-defined]


def _by_pattern(type_name: str) -> str | None:
    for pattern, text in TYPE_PATTERNS:
        found = re.fullmatch(pattern, type_name)
        if found:
            stem = found.group(1)
            return text.format(stem, stem[:1].lower() + stem[1:])
    return None
