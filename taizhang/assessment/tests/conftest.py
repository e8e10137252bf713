"""A small ledger for 考核, played through the real actions on dates in November 2026 (2026-Q4), and a scheme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import png_upload
from taizhang.accounts.models import Role, Unit, UnitKind, User
from taizhang.assessment import actions
from taizhang.assessment.models import SchemeVersion
from taizhang.followup import actions as followup
from taizhang.followup.models import Satisfaction
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.intake.models import Channel
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure as closure_actions
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import Milestone, Problem, RectificationKind
from taizhang.supervision.actions import do_record_accountability
from taizhang.supervision.models import Sanction
from taizhang.supervision.scheduler import sweep

SH = ZoneInfo("Asia/Shanghai")

SCHEME: dict[str, Any] = {
    "period_kind": "quarter",
    "indicators": [
        {"code": "on_time_rate", "weight": 20},
        {"code": "sign_timely_rate", "weight": 10},
        {"code": "closure_rate", "weight": 15},
        {"code": "satisfaction_rate", "weight": 15},
        {"code": "reopen_rate", "weight": 10},
        {"code": "return_rate", "weight": 10},
        {"code": "self_found_rate", "weight": 5},
        {"code": "appraisal", "weight": 15},
    ],
    "deductions": [
        {"code": "red_card", "points": 2, "cap": 0},
        {"code": "reopened", "points": 1.5, "cap": 10},
        {"code": "criticism", "points": 3, "cap": 0},
    ],
    "groups": [{"name": "股室", "kinds": ["office"]}, {"name": "学校", "kinds": ["school", "kindergarten"]}],
    "star_bands": [1, 2],
    "bottom_flagged": 1,
}


@pytest.fixture
def at() -> Iterator[Any]:
    """at(month, day, hour=9): travel there (tick off), for the rest of the test unless moved again; at(None):
    back to the real clock (a browser test, whose live server and chromium keep their own time)."""
    travellers: list[Any] = []

    def go(month: int | None, day: int = 1, hour: int = 9) -> None:
        if travellers:
            travellers.pop().stop()
        if month is None:
            return
        traveller = time_machine.travel(dt.datetime(2026, month, day, hour, tzinfo=SH), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


def _walk_to_verifier(cast: SimpleNamespace, problem: Problem, officer: User, head: User) -> Problem:
    for milestone in Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True):
        closure_actions.do_complete_milestone(
            problem, milestone, actor=officer, note="已完成。", uploads=[png_upload()]
        )
    closure_actions.do_apply_closure(problem, actor=officer, summary="已整改。", uploads=[png_upload()])
    closure_actions.do_review_closure(problem, actor=head, approve=True)
    closure_actions.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.inspector)
    return Problem.objects.get(pk=problem.pk)


@pytest.fixture
def ledger(cast: SimpleNamespace, at: Any) -> SimpleNamespace:
    """Basic office: on time and rated 满意; late sign, overdue and red-carded; self-found, late, 不满意 and
    reopened. Safety office: returned once, then on time. A kindergarten with no ledger at all."""
    kinder = Unit.objects.create(name="青溪县第一幼儿园", kind=UnitKind.KINDERGARTEN, parent=cast.bureau)
    safety_head = User.objects.create_user(
        "safety_head", password="pass-1234", full_name="冯股长", role=Role.UNIT_HEAD, unit=cast.safety
    )
    school_officer = User.objects.create_user(
        "school_officer", password="pass-1234", full_name="陈老师", role=Role.UNIT_OFFICER, unit=cast.school
    )

    def new(text: str, channel: str = Channel.HOTLINE_12345) -> Problem:
        opinion = do_receive_opinion(
            OpinionInput(channel=channel, text=text, reporter_name="张三", reporter_phone="13812345678"),
            actor=cast.coordinator,
        )
        return do_create_problem_from_opinion(
            opinion, NewProblem(title=text[:20], description=text, category=cast.category), actor=cast.coordinator
        )

    def assign(problem: Problem, unit: Unit, deadline: dt.date) -> Problem:
        problem_actions.do_assign_problem(
            problem,
            actor=cast.coordinator,
            lead_unit=unit,
            co_units=[],
            responsible_person="负责人",
            measures="立即整改。",
            kind=RectificationKind.TIME_LIMITED,
            deadline=deadline,
            milestones=[MilestoneInput("完成调查", deadline)],
        )
        return Problem.objects.get(pk=problem.pk)

    deadline = dt.date(2026, 11, 13)
    at(11, 2)
    p1 = assign(new("实验小学有老师在校外有偿补课。"), cast.basic, deadline)
    p2 = assign(new("食堂饭菜价格过高。"), cast.basic, deadline)
    p3 = assign(new("自查发现作业布置过多。", Channel.SELF_INSPECTION), cast.basic, deadline)
    p4 = assign(new("校门口交通拥堵。"), cast.safety, deadline)
    problem_actions.do_sign_problem(p1, actor=cast.officer)
    problem_actions.do_sign_problem(p3, actor=cast.officer)
    at(11, 3)
    problem_actions.do_return_problem(p4, actor=cast.other_officer, reason="不属于本股室职责")
    at(11, 4)
    p4 = assign(p4, cast.safety, deadline)
    problem_actions.do_sign_problem(p4, actor=cast.other_officer)
    at(11, 6)
    problem_actions.do_sign_problem(p2, actor=cast.officer)  # late: due the next working day after 交办
    at(11, 10)
    p1 = _walk_to_verifier(cast, p1, cast.officer, cast.unit_head)
    closure_actions.do_decide_closure(p1, actor=cast.inspector, accept=True, reason="属实")
    p4 = _walk_to_verifier(cast, p4, cast.other_officer, safety_head)
    closure_actions.do_decide_closure(p4, actor=cast.inspector, accept=True, reason="属实")
    for opinion in followup.reporters(p1):
        followup.do_rate(opinion, fixed=True, satisfaction=Satisfaction.SATISFIED)
    for opinion in followup.reporters(p4):
        followup.do_rate(opinion, fixed=True, satisfaction=Satisfaction.BASIC)
    at(11, 17)
    sweep()  # p2 and p3 are overdue: 督办 (a red card each)
    p3 = _walk_to_verifier(cast, p3, cast.officer, cast.unit_head)
    closure_actions.do_decide_closure(p3, actor=cast.inspector, accept=True, reason="属实")
    # p3 was self-found: no outside reporter to ask, so it closed at once.
    at(11, 18)
    problem_actions.do_reopen_problem(p3, actor=cast.coordinator, reason="回头看发现反弹，重办。")
    do_record_accountability(
        actor=cast.discipline,
        unit=cast.safety,
        sanction=Sanction.PUBLIC_CRITICISM,
        reason="退单不当。",
        decided_on=dt.date(2026, 11, 18),
    )
    at(11, 20)
    survey = actions.do_create_survey(
        actions.SurveyInput(
            "2026年第四季度民主评议",
            dt.date(2026, 11, 20),
            dt.date(2026, 12, 20),
            [cast.basic, cast.safety, cast.school, kinder],
        ),
        actor=cast.coordinator,
    )
    actions.do_answer_survey(survey, {cast.basic.pk: "satisfied", cast.safety.pk: "basic"}, voter_id="a" * 32)
    actions.do_answer_survey(survey, {cast.basic.pk: "fairly", cast.school.pk: "dissatisfied"}, voter_id="b" * 32)
    [(rater, _token)] = actions.do_add_raters(
        survey, [actions.RaterInput("人大代表甲", "deputy")], actor=cast.coordinator
    )
    actions.do_answer_survey(survey, {cast.safety.pk: "satisfied", cast.school.pk: "satisfied"}, rater=rater)
    at(12, 1)
    version = actions.do_save_scheme(None, actor=cast.coordinator, name="2026年股室学校考核", definition=SCHEME)
    return SimpleNamespace(
        problems=[p1, p2, p3, p4],
        survey=survey,
        kinder=kinder,
        version=version,
        school_officer=school_officer,
        safety_head=safety_head,
    )


def version_of(ledger: SimpleNamespace) -> SchemeVersion:
    return SchemeVersion.objects.select_related("scheme").get(pk=ledger.version.pk)
