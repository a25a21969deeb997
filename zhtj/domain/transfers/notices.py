"""系统消息 of the transfers context (X-2): when a transfer ends (completed, returned, withdrawn, expired), the
member and the admins of the orgs involved (the source branch, the target, the branch assigned, the org whose step
ran out) are told, in the transaction that ended it; and the yearly graduation switch (ORG-11, TRF-9) tells the
switched branches, the orgs that marked them and every new graduate."""

from __future__ import annotations

from zhtj.domain.messages import model as kinds
from zhtj.domain.messages import services as messages
from zhtj.domain.messages.model import SystemMessage
from zhtj.domain.organization.model import Organization
from zhtj.domain.shared.clock import Clock
from zhtj.domain.shared.ports import UnitOfWork
from zhtj.domain.transfers.model import COMPLETED, EXPIRED, RETURNED, SPECIAL, WITHDRAWN, Transfer

_KIND = {COMPLETED: kinds.TRANSFER_COMPLETED, RETURNED: kinds.TRANSFER_RETURNED, WITHDRAWN: kinds.TRANSFER_WITHDRAWN,
         EXPIRED: kinds.TRANSFER_EXPIRED}
_TITLE = {COMPLETED: "组织关系转接已完成", RETURNED: "组织关系转接已退回", WITHDRAWN: "组织关系转接已撤销",
          EXPIRED: "组织关系转接已超时终止"}


def _destination(transfer: Transfer) -> str:
    return "特殊单位" if transfer.kind == SPECIAL else transfer.target_name or "转入组织"


async def transfer_ended(uow: UnitOfWork, clock: Clock, transfer: Transfer, *, step_org_id: int | None = None,
                         note: str | None = None) -> None:
    """X-2: one message to the member and one to each org involved; `step_org_id` is the org whose step was
    waiting (for an expiry, the org that did not answer), `note` the return reason or the branch assigned."""
    member = await uow.members.get(transfer.member_id)
    name = member.name if member else ""
    where = _destination(transfer)
    body = {
        COMPLETED: f"{name}的组织关系已由{transfer.source_name}转入{note or where}。",
        RETURNED: f"{name}转往{where}的组织关系转接已被退回，退回原因：{note or ''}。",
        WITHDRAWN: f"{name}转往{where}的组织关系转接已由发起方撤销。",
        EXPIRED: f"{name}转往{where}的组织关系转接超过10天未处理，已自动终止，如需转接请重新发起。",
    }[transfer.status]
    about = ("Transfer", transfer.id)
    kind, title = _KIND[transfer.status], _TITLE[transfer.status]
    messages.to_member(uow, clock, transfer.member_id, kind=kind, name=name, title=title, body=body, item=about)
    orgs = (transfer.source_branch_id, transfer.target_org_id, transfer.target_branch_id, step_org_id)
    messages.to_orgs(uow, clock, orgs, kind=kind, name=name, title=title, body=body, item=about)


async def graduation_switched(uow: UnitOfWork, clock: Clock, branches: list[Organization], year: int) -> None:
    """ORG-11 with TRF-9: each switched branch and the org above it that marked its date hear of it; each new
    graduate is asked to transfer by their destination."""
    for branch in branches:
        title = f"{year}年毕业生团组织已转换"
        body = (f"{branch.full_name}已按毕业时间转为毕业生团组织，其团员已标识为毕业生（延期毕业的除外）。"
                "请督促毕业生按就业去向办理组织关系转接。")
        messages.to_orgs(uow, clock, (branch.id, branch.parent_id), kind=kinds.GRADUATION_SWITCH,
                         name=branch.full_name, title=title, body=body, item=("Organization", branch.id))
    await uow.messages.to_graduates_of(
        [b.id for b in branches if b.id is not None],
        SystemMessage(created_at=clock.now(), kind=kinds.GRADUATION_SWITCH, name="", title="你已被标识为毕业生",
                      body="你所在的团支部已转为毕业生团组织。已落实工作单位的，请将组织关系转接至工作单位团组织，单位未建立团"
                           "组织的转接至工作单位所在地乡镇街道的流动团支部；暂未就业的，可选择“未就业”转接至户籍所在地乡镇街道"
                           "团组织。"))
