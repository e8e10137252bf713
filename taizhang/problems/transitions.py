"""The problem status machine: the one table every action consults."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext, pgettext_lazy

from taizhang.errors import InvalidTransition
from taizhang.problems.models import Status


class Step(StrEnum):
    ASSIGN = "assign"
    SIGN = "sign"
    RETURN = "return"
    SUBMIT_PLAN = "submit_plan"
    REPORT_PROGRESS = "report_progress"
    COMPLETE_MILESTONE = "complete_milestone"
    APPLY_CLOSURE = "apply_closure"
    REVIEW_CLOSURE = "review_closure"  # the unit head approves: on to the bureau
    SEND_BACK_CLOSURE = "send_back_closure"  # the unit head sends it back to the officer
    NAME_VERIFIER = "name_verifier"
    ACCEPT_CLOSURE = "accept_closure"
    AWAIT_FOLLOW_UP = "await_follow_up"  # 验收 passed with reporters to ask: 待回访
    FINISH_FOLLOW_UP = "finish_follow_up"  # every reporter rated, the attempts used up, or the window over
    REJECT_CLOSURE = "reject_closure"
    REOPEN = "reopen"


# What the refusal says cannot be done now: a verb phrase after “不能” (English: after “you cannot”).
STEP_LABELS = {
    Step.ASSIGN: pgettext_lazy("refused action", "交办"),
    Step.SIGN: pgettext_lazy("refused action", "签收"),
    Step.RETURN: pgettext_lazy("refused action", "退单"),
    Step.SUBMIT_PLAN: pgettext_lazy("refused action", "报送整改方案"),
    Step.REPORT_PROGRESS: pgettext_lazy("refused action", "报告进展"),
    Step.COMPLETE_MILESTONE: pgettext_lazy("refused action", "标记路线图节点完成"),
    Step.APPLY_CLOSURE: pgettext_lazy("refused action", "申请销号"),
    Step.REVIEW_CLOSURE: pgettext_lazy("refused action", "审核销号申请"),
    Step.SEND_BACK_CLOSURE: pgettext_lazy("refused action", "退回销号申请"),
    Step.NAME_VERIFIER: pgettext_lazy("refused action", "指定验收人"),
    Step.ACCEPT_CLOSURE: pgettext_lazy("refused action", "验收通过"),
    Step.AWAIT_FOLLOW_UP: pgettext_lazy("refused action", "验收通过"),
    Step.FINISH_FOLLOW_UP: pgettext_lazy("refused action", "结束回访并销号"),
    Step.REJECT_CLOSURE: pgettext_lazy("refused action", "验收不通过"),
    Step.REOPEN: pgettext_lazy("refused action", "重办"),
}

TRANSITIONS: dict[tuple[Status, Step], Status] = {
    (Status.NEW, Step.ASSIGN): Status.ASSIGNED,
    (Status.RETURNED, Step.ASSIGN): Status.ASSIGNED,
    (Status.ASSIGNED, Step.SIGN): Status.RECTIFYING,
    (Status.ASSIGNED, Step.RETURN): Status.RETURNED,
    (Status.RECTIFYING, Step.RETURN): Status.RETURNED,
    (Status.RECTIFYING, Step.SUBMIT_PLAN): Status.RECTIFYING,
    (Status.RECTIFYING, Step.REPORT_PROGRESS): Status.RECTIFYING,
    (Status.RECTIFYING, Step.COMPLETE_MILESTONE): Status.RECTIFYING,
    (Status.RECTIFYING, Step.APPLY_CLOSURE): Status.VERIFYING,
    # 待验收 has three stages (ClosureStage): the unit head's review, a verifier to be named, the verifier's
    # decision. The actions check the stage; this table says what the problem's status allows at all.
    (Status.VERIFYING, Step.REVIEW_CLOSURE): Status.VERIFYING,
    (Status.VERIFYING, Step.SEND_BACK_CLOSURE): Status.RECTIFYING,
    (Status.VERIFYING, Step.NAME_VERIFIER): Status.VERIFYING,
    (Status.VERIFYING, Step.ACCEPT_CLOSURE): Status.CLOSED,
    (Status.VERIFYING, Step.REJECT_CLOSURE): Status.RECTIFYING,
    (Status.VERIFYING, Step.AWAIT_FOLLOW_UP): Status.FOLLOW_UP,
    (Status.FOLLOW_UP, Step.FINISH_FOLLOW_UP): Status.CLOSED,
    (Status.FOLLOW_UP, Step.REOPEN): Status.RECTIFYING,  # 不满意 and found not fixed: 重办
    (Status.CLOSED, Step.REOPEN): Status.RECTIFYING,
}


def next_status(current: str, step: Step) -> Status:
    try:
        return TRANSITIONS[(Status(current), step)]
    except KeyError:
        raise InvalidTransition(
            gettext("问题当前状态为“%(status)s”，不能%(step)s。")
            % {"status": Status(current).label, "step": STEP_LABELS[step]}
        ) from None


def allowed_steps(current: str) -> set[Step]:
    return {step for (status, step) in TRANSITIONS if status == current}
