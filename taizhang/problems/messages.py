"""Who is told of each step of a problem's loop (站内消息, with the email digest and SMS copies of notify).

Called by the actions inside their transaction, so a refused or rolled-back step tells nobody. Messages are
stored text in Chinese, dated now by `notify`. Where the 督办 ladder already tells the lead unit of a step — the
问题预报单 on 交办, the 解决问题报告单 on 销号 — the ladder's document is the lead unit's message and nothing
is sent twice; with those rungs switched off, the step's own message goes to the lead unit instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.urls import reverse

from taizhang.accounts.models import Role, User
from taizhang.lib.chinese_dates import chinese_date
from taizhang.supervision.config import get_config
from taizhang.supervision.models import Trigger
from taizhang.supervision.notify import Message, Recipients, notify_many, people_with_roles

if TYPE_CHECKING:
    from taizhang.accounts.models import Unit
    from taizhang.problems.models import Assignment, ClosureApplication, Milestone, Problem


def _url(problem: Problem) -> str:
    return reverse("problem_detail", args=[problem.pk])


def _title(problem: Problem, what: str) -> str:
    return f"{problem.number} {what}"[:200]


def _message(problem: Problem, what: str, body: str) -> Message:
    return Message(
        title=_title(problem, what), body=f"“{problem.title}”\n{body}".strip(), url=_url(problem), problem=problem
    )


def coordinators() -> list[User]:
    return people_with_roles(Role.COORDINATOR)


def unit_heads(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    return list(User.objects.filter(unit_id=unit_id, role=Role.UNIT_HEAD, is_active=True).order_by("id"))


def _members(unit_ids: Iterable[int | None], *, without: Sequence[User] = ()) -> list[User]:
    recipients, skip = Recipients(), {u.pk for u in without}
    users = [u for unit_id in unit_ids if unit_id is not None for u in recipients.unit_members(unit_id)]
    return [u for u in {u.pk: u for u in users}.values() if u.pk not in skip]


def _ladder_tells_lead_unit(trigger: str) -> bool:
    return bool(get_config().rungs_by_trigger(trigger))


def problem_assigned(problem: Problem, assignment: Assignment, co_units: Sequence[Unit]) -> None:
    deadline = chinese_date(assignment.deadline)
    lead = assignment.lead_unit
    batch: list[tuple[Iterable[User], Message]] = []
    if not _ladder_tells_lead_unit(Trigger.ON_ASSIGN):
        sign_by = f"，请于{chinese_date(problem.sign_due_on)}前签收" if problem.sign_due_on else "，请及时签收"
        body = f"交办贵单位牵头整改，整改时限{deadline}{sign_by}。"
        batch.append((_members([lead.pk]), _message(problem, "新交办问题（牵头）", body)))
    if co_units:
        body = f"由{lead.name}牵头整改，贵单位为配合单位，整改时限{deadline}。"
        batch.append((_members(u.pk for u in co_units), _message(problem, "新交办问题（配合）", body)))
    notify_many(batch)


def problem_returned(problem: Problem, *, unit: Unit | None, reason: str) -> None:
    notify_many([(coordinators(), _message(problem, "退单待重新交办", f"{unit}退单：{reason}"))])


def plan_submitted(problem: Problem, *, unit: Unit | None, late: bool) -> None:
    note = "（逾期报送）" if late else ""
    notify_many([(coordinators(), _message(problem, "整改方案已报送", f"{unit}报送了整改方案{note}。"))])


def closure_applied(problem: Problem, closure: ClosureApplication) -> None:
    """The unit head reviews first; the bureau hears of it once the head has approved."""
    heads = [u for u in unit_heads(problem.lead_unit_id) if u.pk != closure.applied_by_id]
    body = f"{closure.applied_by.display_name}提交了销号申请，待您审核：{closure.summary}"
    notify_many([(heads, _message(problem, "销号申请待单位负责人审核", body))])


def closure_approved(problem: Problem, closure: ClosureApplication) -> None:
    body = f"{problem.lead_unit}负责人已审核同意销号申请，请指定验收人（督导组或其他牵头部门人员）。"
    notify_many([(coordinators(), _message(problem, "销号申请待指定验收人", body))])


def closure_sent_back(problem: Problem, closure: ClosureApplication, *, actor: User) -> None:
    body = f"单位负责人{actor.display_name}退回了销号申请：{closure.review_note}"
    notify_many([(_members([problem.lead_unit_id], without=[actor]), _message(problem, "销号申请被退回", body))])


def verifier_named(problem: Problem, closure: ClosureApplication, *, previous: User | None) -> None:
    assert closure.verifier is not None
    batch: list[tuple[Iterable[User], Message]] = [
        (
            [closure.verifier],
            _message(problem, "请您验收销号申请", f"{problem.lead_unit}申请销号，已指定您为验收人：{closure.summary}"),
        )
    ]
    if previous is not None and previous.pk != closure.verifier_id:
        body = f"该销号申请已改由{closure.verifier.display_name}验收，您无需再验收。"
        batch.append(([previous], _message(problem, "验收人已变更", body)))
    notify_many(batch)


def closure_decided(problem: Problem, closure: ClosureApplication, *, accepted: bool) -> None:
    if accepted and problem.status == "follow_up":
        body = "验收通过，待群众回访后销号。" + (
            f"验收意见：{closure.decision_reason}" if closure.decision_reason else ""
        )
        notify_many([(_members([problem.lead_unit_id]), _message(problem, "验收通过，待回访", body))])
        return
    if accepted:
        if _ladder_tells_lead_unit(Trigger.ON_CLOSE):
            return  # the 解决问题报告单 tells the unit that the problem passed and is closed
        body = "验收通过，予以销号。" + (f"验收意见：{closure.decision_reason}" if closure.decision_reason else "")
        notify_many([(_members([problem.lead_unit_id]), _message(problem, "验收通过，已销号", body))])
        return
    body = f"验收不通过，退回整改。理由：{closure.decision_reason}"
    notify_many([(_members([problem.lead_unit_id]), _message(problem, "验收不通过", body))])


def follow_up_closed(problem: Problem, summary: str) -> None:
    """回访 over and the problem closed: the 解决问题报告单 tells the unit, or this message where that rung is off."""
    if _ladder_tells_lead_unit(Trigger.ON_CLOSE):
        return
    body = f"回访结束（{summary}），予以销号。"
    notify_many([(_members([problem.lead_unit_id]), _message(problem, "回访结束，已销号", body))])


def problem_reopened(problem: Problem, *, unit_ids: Sequence[int | None], reason: str) -> None:
    deadline = chinese_date(problem.deadline) if problem.deadline else ""
    body = f"问题重办：{reason}。新的整改时限{deadline}，请重新报送整改方案。"
    notify_many([(_members(unit_ids), _message(problem, "问题重办", body))])


def milestone_names(milestones: Iterable[Milestone]) -> str:
    return "、".join(f"“{m.title}”" for m in milestones)
