"""The demo's 公示: a past batch of fixed problems (its 公示期 over, still browsable) and a current batch of
problems being fixed. The public objected to both: the coordinators answered those of the past batch and one of
the current batch; two of the current batch's are still waiting in their inbox and 待办. Played after the story,
through the real actions, at their moments in the past."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from taizhang.clock import travel_to
from taizhang.demo.story import DAY
from taizhang.disclosure import actions
from taizhang.disclosure.models import Batch, BatchKind, ObjectionOutcome
from taizhang.problems.models import Problem, Status

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader

FIXED_BATCH = 20
TO_FIX_BATCH = 15
OBJECTION = "公示说已整改到位，但这周学校门口的校车仍然超载，孩子每天都挤着坐，希望再去核实。"
# (item position, minutes after the batch's publication, text, contact; then the answer, if any: minutes after the
# objection, who, outcome, reply). Contacts are the demo's invented numbers.
Answer = tuple[int, str, str, str]
PlannedObjection = tuple[int, int, str, str, Answer | None]
PAST_OBJECTIONS: list[PlannedObjection] = [
    (
        1,
        2 * DAY + 5 * 60,
        "公示写的是已退还补课费，可我们班的还没退，请核实。",
        "13907910001",
        (
            DAY,
            "coord",
            ObjectionOutcome.CORRECTED,
            "经核实，尚有三名学生的补课费未退还，已督促学校于本周退清，整改结果已更正。",
        ),
    ),
    (
        2,
        3 * DAY + 8 * 60,
        "这个问题根本没整改，食堂还是老样子。",
        "",
        (
            2 * DAY,
            "coord2",
            ObjectionOutcome.NOT_UPHELD,
            "督导组于公示期内再次到校核查，食堂已按整改措施更换供应商并公示菜价，异议不成立。",
        ),
    ),
]
CURRENT_OBJECTIONS: list[PlannedObjection] = [
    (
        2,
        5 * 60,
        "整改时限定得太长了，开学前就该解决。",
        "",
        (
            18 * 60,
            "coord",
            ObjectionOutcome.NOT_UPHELD,
            "整改时限已按工程量和招标程序确定，单位已承诺提前完成，异议不成立。",
        ),
    ),
    (1, DAY + 10 * 60, OBJECTION, "", None),
    (3, DAY + 13 * 60, "公示的整改措施里没有说怎么处理收费的老师，希望说明。", "", None),
]


def _object(loader: DemoLoader, batch: Batch, published_at: dt.datetime, objections: list[PlannedObjection]) -> None:
    """Objections at their moments after publication, and the answers given to them (left unanswered: None)."""
    items = list(batch.items.order_by("position"))
    for position, after, text, contact, answer in objections:
        if position > len(items):
            continue
        filed_at = published_at + dt.timedelta(minutes=after)
        with travel_to(filed_at):
            objection = actions.do_file_objection(items[position - 1], text=text, contact=contact)
        if answer is not None:
            later, who, outcome, reply = answer
            with travel_to(filed_at + dt.timedelta(minutes=later)):
                actions.do_answer_objection(objection, actor=loader.users[who], outcome=outcome, reply=reply)


def publish_demo_batches(loader: DemoLoader) -> None:
    coordinator = loader.users["coord"]
    published_at = loader.moment(-20 * DAY + 10 * 60)
    with travel_to(published_at):
        fixed = Problem.objects.filter(status=Status.CLOSED, closed_at__lt=published_at).order_by("closed_at", "id")
        batch = actions.do_create_batch(actor=coordinator, title="第一批已整改问题公示", kind=BatchKind.FIXED)
        actions.do_add_problems(batch, list(fixed.values_list("pk", flat=True)[:FIXED_BATCH]), actor=coordinator)
        start = loader.day(-20)
        batch = actions.do_publish_batch(
            batch, actor=coordinator, starts_on=start, ends_on=start + dt.timedelta(days=7)
        )
    _object(loader, batch, published_at, PAST_OBJECTIONS)

    published_at = loader.moment(-2 * DAY + 10 * 60)
    with travel_to(published_at):
        start = loader.day(-2)
        fixing = Problem.objects.filter(status__in=actions.STATUSES_FOR_KIND[BatchKind.TO_FIX])
        # Problems whose deadline is still ahead first: a 拟整改 公示 whose every 整改时限 has passed reads as a
        # list of failures (the overdue ones are 督办's business), then the nearest overdue ones if too few.
        chosen = list(fixing.filter(deadline__gte=start).order_by("deadline", "id").values_list("pk", flat=True))
        chosen = chosen[:TO_FIX_BATCH]
        if len(chosen) < TO_FIX_BATCH:
            overdue = fixing.exclude(pk__in=chosen).order_by("-deadline", "id").values_list("pk", flat=True)
            chosen += list(overdue[: TO_FIX_BATCH - len(chosen)])
        batch = actions.do_create_batch(actor=coordinator, title="第二批拟整改问题公示", kind=BatchKind.TO_FIX)
        actions.do_add_problems(batch, chosen, actor=coordinator)
        batch = actions.do_publish_batch(
            batch, actor=coordinator, starts_on=start, ends_on=start + dt.timedelta(days=7)
        )
    _object(loader, batch, published_at, CURRENT_OBJECTIONS)
