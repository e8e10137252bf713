"""The demo's 回访 each morning: the coordinator phones the reporters of the problems that passed 验收 (one call in
four reaches nobody), some anonymous reporters rate on the follow page, and a 不满意 is reviewed the day after —
the closure upheld with a reason — except the last days', left in the coordinator's 待办. Problems whose window is
over close in the scheduler's sweep, as in production. Working days only: on a Monday the newcomer still finds
Friday's 验收 waiting for its 回访."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import TYPE_CHECKING

from django.utils import timezone

from taizhang.followup import actions as followup
from taizhang.followup.models import CallOutcome, Rating, Review, Satisfaction
from taizhang.problems.models import Problem, Status
from taizhang.supervision.config import get_config

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader
    from taizhang.intake.models import Opinion

DISSATISFIED = "老师仍在小区里组织补课，只是换了地方，问题没有真正解决。"
UPHELD = "经督导组再次暗访核实，已整改到位；反映人所说为校外其他机构，已转市场监管部门处理。"


def follow_up_morning(loader: DemoLoader, morning: dt.datetime) -> None:
    coordinator = loader.users["coord"]
    yesterday = morning - dt.timedelta(hours=12)
    if not get_config().calendar.is_workday(timezone.localdate(morning)):
        return  # the office phones and reviews on working days; what passed 验收 on Friday waits for Monday
    for rating in Rating.objects.filter(review=Review.PENDING, created_at__lt=yesterday - dt.timedelta(days=1)):
        followup.do_review_dissatisfaction(rating, actor=coordinator, reopen=False, note=UPHELD)
    for opinion, problem, made in followup.callback_list():
        if problem.follow_up_due_on is None or (_luck(opinion) + made) % 4 == 0:
            followup.do_record_callback_attempt(opinion, actor=coordinator, outcome=CallOutcome.NO_ANSWER)
            continue
        satisfaction = _answer(_luck(opinion))
        comment = DISSATISFIED if satisfaction == Satisfaction.DISSATISFIED else ""
        fixed = satisfaction != Satisfaction.DISSATISFIED
        followup.do_rate(opinion, fixed=fixed, satisfaction=satisfaction, comment=comment, actor=coordinator)
    for problem in Problem.objects.filter(status=Status.FOLLOW_UP):
        for opinion in followup.reporters(problem).exclude(followup.callable_q()):
            if _luck(opinion) % 3 == 0 and followup.open_problems_for(opinion):
                followup.do_rate(opinion, fixed=True, satisfaction=Satisfaction.SATISFIED)


def _luck(opinion: Opinion) -> int:
    """Who answers the phone and how, from the opinion's own words: the same on every database and whatever ran
    before (a primary key is not — PostgreSQL's sequences are not rolled back between tests)."""
    return zlib.crc32(opinion.text.encode())


def _answer(luck: int) -> str:
    if luck % 9 == 0:
        return Satisfaction.DISSATISFIED
    return Satisfaction.BASIC if luck % 4 == 1 else Satisfaction.SATISFIED
