"""The demo's leaders and 纪检组 at work each morning.

领导批示: the two leaders read the red items of the units they follow and write a 批示 on some of the problems that
got a 督办单 that day; units answer the day after, most of them (one in four is left unanswered, so a leader's 待办
shows what is still owed and a unit's shows what it owes).

问责: a week after a 通报批评单 or 组织调整建议单 is issued, 纪检组 records its decision on the unit (效能告诫 or
组织处理, with the discipline office's own number), so its 待办 holds only the last week's documents, not every one
ever issued.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from taizhang.accounts.models import UnitKind
from taizhang.supervision import actions as supervision
from taizhang.supervision.instructions import OPEN_STATUSES, do_give_instruction, do_reply_instruction
from taizhang.supervision.models import Accountability, ActionState, FormKind, Instruction, Sanction, SupervisionAction

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader

INSTRUCTIONS = (
    "请主要负责同志亲自过问，逐项对照整改，三日内报告办理情况。",
    "此事群众反映强烈，务必举一反三，查清原因，严肃处理，结果报我。",
    "已超期，请分析原因，明确整改时限和责任人，并报督查室备案。",
)
REPLIES = (
    "已按批示要求召开专题会议，主要负责人亲自部署，明确责任人和完成时限，整改进展将按周报送。",
    "已逐项核查，查清原因并约谈相关责任人，整改措施已落实，相关材料已报督查室。",
)


def instruct_and_reply(loader: DemoLoader, morning: dt.datetime) -> None:
    yesterday = morning - dt.timedelta(hours=12)
    for instruction in Instruction.objects.filter(replied_at__isnull=True, created_at__lt=yesterday):
        officer = loader._officer(instruction.unit_id)
        if officer is not None and instruction.pk % 4:
            do_reply_instruction(instruction, actor=officer, text=REPLIES[instruction.pk % len(REPLIES)])
    fresh = SupervisionAction.objects.filter(
        state=ActionState.ISSUED,
        form_kind=FormKind.SUPERVISION_NOTICE,
        fired_at__gte=morning - dt.timedelta(hours=1),
        problem__status__in=OPEN_STATUSES,
    ).select_related("problem", "unit")
    for action in fresh:
        problem = action.problem
        if problem is None or problem.pk % 3 or Instruction.objects.filter(problem=problem).exists():
            continue
        leader = loader.users["leader" if action.unit.kind == UnitKind.SCHOOL else "leader2"]
        do_give_instruction(problem, actor=leader, text=INSTRUCTIONS[problem.pk % len(INSTRUCTIONS)])


DECISION_WAIT = dt.timedelta(days=7)


def record_accountability(loader: DemoLoader, morning: dt.datetime) -> None:
    due = SupervisionAction.objects.filter(
        state=ActionState.ISSUED,
        form_kind__in=(FormKind.CRITICISM, FormKind.ORG_ADJUSTMENT),
        issued_on__lte=(morning - DECISION_WAIT).date(),
    ).exclude(pk__in=Accountability.objects.filter(action__isnull=False).values("action_id"))
    for action in due.select_related("unit", "problem").order_by("issued_on", "id"):
        heavy = action.form_kind == FormKind.ORG_ADJUSTMENT
        loader.accountability_number += 1
        supervision.do_record_accountability(
            actor=loader.users["discipline"],
            unit=action.unit,
            sanction=Sanction.ORGANISATIONAL if heavy else Sanction.EFFICIENCY_WARNING,
            reason=f"《{action.title}》{action.doc_number}所督办问题超期未整改到位。",
            decided_on=morning.date(),
            action=action,
            decision_number=f"青纪〔{morning.year}〕{loader.accountability_number}号",
        )
