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
    APPLY_CLOSURE = "apply_closure"
    ACCEPT_CLOSURE = "accept_closure"
    REJECT_CLOSURE = "reject_closure"
    REOPEN = "reopen"


# What the refusal says cannot be done now: a verb phrase after “不能” (English: after “you cannot”).
STEP_LABELS = {
    Step.ASSIGN: pgettext_lazy("refused action", "交办"),
    Step.SIGN: pgettext_lazy("refused action", "签收"),
    Step.RETURN: pgettext_lazy("refused action", "退单"),
    Step.SUBMIT_PLAN: pgettext_lazy("refused action", "报送整改方案"),
    Step.REPORT_PROGRESS: pgettext_lazy("refused action", "报告进展"),
    Step.APPLY_CLOSURE: pgettext_lazy("refused action", "申请销号"),
    Step.ACCEPT_CLOSURE: pgettext_lazy("refused action", "验收通过"),
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
    (Status.RECTIFYING, Step.APPLY_CLOSURE): Status.VERIFYING,
    (Status.VERIFYING, Step.ACCEPT_CLOSURE): Status.CLOSED,
    (Status.VERIFYING, Step.REJECT_CLOSURE): Status.RECTIFYING,
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
