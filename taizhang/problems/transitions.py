"""The problem status machine: the one table every action consults."""

from __future__ import annotations

from enum import StrEnum

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


STEP_LABELS = {
    Step.ASSIGN: "交办",
    Step.SIGN: "签收",
    Step.RETURN: "退单",
    Step.SUBMIT_PLAN: "报送整改方案",
    Step.REPORT_PROGRESS: "报告进展",
    Step.APPLY_CLOSURE: "申请销号",
    Step.ACCEPT_CLOSURE: "验收通过",
    Step.REJECT_CLOSURE: "验收不通过",
    Step.REOPEN: "重办",
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
        raise InvalidTransition(f"问题当前状态为“{Status(current).label}”，不能{STEP_LABELS[step]}。") from None


def allowed_steps(current: str) -> set[Step]:
    return {step for (status, step) in TRANSITIONS if status == current}
