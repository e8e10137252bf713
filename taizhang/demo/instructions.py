"""The demo's leaders and 纪检组 at work each morning.

领导批示: the two leaders read the red items of the units they follow and write a 批示 on some of the problems that
got a 督办单 that day; units answer the day after, most of them (one in four is left unanswered, so a leader's 待办
shows what is still owed and a unit's shows what it owes).

单位批示: on the last days of the story 局长 reads the 驾驶舱 and writes a 批示 to each of the two schools with the
most overdue problems, on their work as a whole rather than one problem; the first school answers the next day, the
second's is still waiting (due in a few days), so the leader's 我的批示 and the school's 待办 show both states.

问责: a week after a 通报批评单 or 组织调整建议单 is issued, 纪检组 records its decision on the unit (效能告诫 or
组织处理, with the discipline office's own number), so its 待办 holds only the last week's documents, not every one
ever issued.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from taizhang.accounts.models import UnitKind
from taizhang.clock import travel_to
from taizhang.demo.story import DAY
from taizhang.problems.models import Problem
from taizhang.supervision import actions as supervision
from taizhang.supervision.instructions import (
    OPEN_STATUSES,
    do_give_instruction,
    do_give_unit_instruction,
    do_reply_instruction,
)
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
    # 批示 on problems; those on a unit are played by instruct_units, each at its own moment.
    on_problems = Instruction.objects.filter(problem__isnull=False, replied_at__isnull=True, created_at__lt=yesterday)
    for instruction in on_problems:
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


UNIT_INSTRUCTIONS = (
    "你校超期未整改问题较多，请主要负责同志牵头，逐件分析原因、明确时限，一周内将清理情况报局督查室。",
    "请对照超期问题清单，举一反三开展自查，压实分管领导和具体责任人责任，整改情况按时报告。",
)
UNIT_REPLY = "已召开校务会专题研究，逐件明确责任人和完成时限，建立周报制度；目前已完成两件，其余本月内完成。"


def instruct_units(loader: DemoLoader) -> None:
    """Two unit-level 批示 from the 驾驶舱 (4 days ago and yesterday); the older one answered the day after."""
    overdue = Counter(
        Problem.objects.overdue(loader.day(-4))
        .filter(lead_unit__kind=UnitKind.SCHOOL)
        .values_list("lead_unit", flat=True)
    )
    schools = sorted(  # a small county may have none overdue yet: then the first schools
        (u for u in loader.units.values() if u.kind == UnitKind.SCHOOL), key=lambda u: (-overdue[u.pk], u.sort_order)
    )
    staffed = ((s, officer) for s in schools if (officer := loader._officer(s.pk)) is not None)
    for days_ago, (school, officer), text in zip((4, 1), staffed, UNIT_INSTRUCTIONS, strict=False):
        with travel_to(loader.moment(-days_ago * DAY + 10 * 60)):
            instruction = do_give_unit_instruction(school, actor=loader.users["leader"], text=text)
        if days_ago > 1:
            with travel_to(loader.moment(-(days_ago - 1) * DAY + 15 * 60)):
                do_reply_instruction(instruction, actor=officer, text=UNIT_REPLY)


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
