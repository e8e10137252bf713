"""The demo's 公示: a past batch of fixed problems (its 公示期 over, still browsable) and a current batch of
problems being fixed, with an objection from a parent that the coordinators find in their inbox. Played after
the story, through the real actions, at their moments in the past."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from taizhang.clock import travel_to
from taizhang.demo.story import DAY
from taizhang.disclosure import actions
from taizhang.disclosure.models import BatchKind
from taizhang.problems.models import Problem, Status

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader

FIXED_BATCH = 20
TO_FIX_BATCH = 15
OBJECTION = "公示说已整改到位，但这周学校门口的校车仍然超载，孩子每天都挤着坐，希望再去核实。"


def publish_demo_batches(loader: DemoLoader) -> None:
    coordinator = loader.users["coord"]
    published_at = loader.moment(-20 * DAY + 10 * 60)
    with travel_to(published_at):
        fixed = Problem.objects.filter(status=Status.CLOSED, closed_at__lt=published_at).order_by("closed_at", "id")
        batch = actions.do_create_batch(actor=coordinator, title="第一批已整改问题公示", kind=BatchKind.FIXED)
        actions.do_add_problems(batch, list(fixed.values_list("pk", flat=True)[:FIXED_BATCH]), actor=coordinator)
        start = loader.day(-20)
        actions.do_publish_batch(batch, actor=coordinator, starts_on=start, ends_on=start + dt.timedelta(days=7))

    with travel_to(loader.moment(-2 * DAY + 10 * 60)):
        fixing = Problem.objects.filter(status__in=actions.STATUSES_FOR_KIND[BatchKind.TO_FIX]).order_by(
            "deadline", "id"
        )
        batch = actions.do_create_batch(actor=coordinator, title="第二批拟整改问题公示", kind=BatchKind.TO_FIX)
        actions.do_add_problems(batch, list(fixing.values_list("pk", flat=True)[:TO_FIX_BATCH]), actor=coordinator)
        start = loader.day(-2)
        batch = actions.do_publish_batch(
            batch, actor=coordinator, starts_on=start, ends_on=start + dt.timedelta(days=7)
        )

    item = batch.items.order_by("position").first()
    if item is not None:
        with travel_to(loader.moment(-1 * DAY + 20 * 60)):
            actions.do_file_objection(item, text=OBJECTION, contact="")
