"""A message for every step of the loop: after each step exactly who got what — none missing, none twice, none
dated before the step. The 督办 ladder's own documents (问题预报单 on 交办, 解决问题报告单 on 销号) are the lead
unit's message for those steps, so the sweep after them is part of the walk."""

from __future__ import annotations

import contextlib
import datetime as dt
from types import SimpleNamespace
from typing import Any

import time_machine

from conftest import milestones_done, png_upload, rated_by_everyone, ready_to_decide
from taizhang.clock import now, today
from taizhang.errors import ActionError
from taizhang.lib.chinese_dates import chinese_date
from taizhang.problems import actions, closure
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import Problem, RectificationKind, Status
from taizhang.supervision.config import forget_config
from taizhang.supervision.models import Notification, Rung, Trigger
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import SHANGHAI, new_problem

START = dt.datetime(2026, 11, 3, 9, 30, tzinfo=SHANGHAI)  # a Tuesday


class Inbox:
    """What arrived since the last look, as (username, title) pairs; every row is dated at the moment of its step."""

    def __init__(self, problem: Problem) -> None:
        self.number = problem.number
        self.seen = Notification.objects.count()  # from here on
        self.looked = now()

    def new(self) -> list[tuple[str, str]]:
        """Never back-dated: each message is dated between the last look and now (the step's own moment)."""
        rows = list(Notification.objects.order_by("id").select_related("recipient")[self.seen :])
        self.seen += len(rows)
        since, self.looked = self.looked, now()
        assert all(since <= n.created_at <= self.looked for n in rows), [(n.title, n.created_at) for n in rows]
        return sorted((n.recipient.username, n.title.removeprefix(f"{self.number} ")) for n in rows)

    def body(self, username: str) -> str:
        return Notification.objects.filter(recipient__username=username).latest("id").body


def assign(cast: SimpleNamespace, problem: Problem) -> Problem:
    actions.do_assign_problem(
        problem,
        actor=cast.coordinator,
        lead_unit=cast.basic,
        co_units=[cast.safety],
        responsible_person="钱股长",
        measures="约谈涉事教师，清退补课费用。",
        kind=RectificationKind.TIME_LIMITED,
        deadline=today() + dt.timedelta(days=40),
        milestones=[
            MilestoneInput("完成调查核实", today() + dt.timedelta(days=7)),
            MilestoneInput("清退补课费用", today() + dt.timedelta(days=20)),
        ],
    )
    return Problem.objects.get(pk=problem.pk)


def test_it_tells_exactly_the_right_people_at_each_step_of_the_loop(cast: SimpleNamespace) -> None:
    with time_machine.travel(START, tick=False) as clock:
        problem = new_problem(cast)
        inbox = Inbox(problem)
        assert inbox.new() == []

        problem = assign(cast, problem)
        assert inbox.new() == [("other", "新交办问题（配合）")]  # the co-unit; the lead unit hears from the ladder
        sweep()
        assert inbox.new() == [("head", "问题预报：青教预〔2026〕1号"), ("officer", "问题预报：青教预〔2026〕1号")]

        clock.shift(dt.timedelta(hours=1))
        actions.do_sign_problem(problem, actor=cast.officer)
        assert inbox.new() == []

        clock.shift(dt.timedelta(hours=1))
        actions.do_submit_plan(problem, actor=cast.officer, text="一、约谈涉事教师；二、清退费用；三、全县通报。")
        assert inbox.new() == [("coord", "整改方案已报送"), ("coord2", "整改方案已报送")]

        clock.shift(dt.timedelta(days=1))
        milestones_done(cast, problem)
        assert inbox.new() == []

        clock.shift(dt.timedelta(hours=2))
        apply(cast, problem, "已清退补课费用并全县通报。")
        assert inbox.new() == [("head", "销号申请待单位负责人审核")]

        clock.shift(dt.timedelta(hours=2))
        closure.do_review_closure(problem, actor=cast.unit_head, approve=True)
        assert inbox.new() == [("coord", "销号申请待指定验收人"), ("coord2", "销号申请待指定验收人")]

        clock.shift(dt.timedelta(hours=2))
        closure.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.inspector)
        assert inbox.new() == [("inspector", "请您验收销号申请")]

        clock.shift(dt.timedelta(days=1))
        closure.do_decide_closure(problem, actor=cast.inspector, accept=False, reason="清退凭证不全，缺少家长签字")
        assert inbox.new() == [("head", "验收不通过"), ("officer", "验收不通过")]
        assert "清退凭证不全，缺少家长签字" in inbox.body("officer")

        clock.shift(dt.timedelta(days=2))
        apply(cast, problem, "已补齐家长签字的清退凭证。")
        assert inbox.new() == [("head", "销号申请待单位负责人审核")]
        clock.shift(dt.timedelta(hours=1))
        closure.do_review_closure(problem, actor=cast.unit_head, approve=True)
        assert inbox.new() == [("coord", "销号申请待指定验收人"), ("coord2", "销号申请待指定验收人")]
        clock.shift(dt.timedelta(hours=1))
        closure.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.inspector)
        assert inbox.new() == [("inspector", "请您验收销号申请")]

        clock.shift(dt.timedelta(days=1))
        closure.do_decide_closure(
            problem,
            actor=cast.inspector,
            accept=True,
            reason="凭证齐全",
            on_site=True,
            site_visited_on=today(),
            site_place="青溪县实验小学",
        )
        assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP
        assert inbox.new() == [("head", "验收通过，待回访"), ("officer", "验收通过，待回访")]
        clock.shift(dt.timedelta(hours=3))
        rated_by_everyone(Problem.objects.get(pk=problem.pk))  # the parent is satisfied: it closes
        assert inbox.new() == []  # the unit hears it from the 解决问题报告单, issued by the next sweep
        clock.shift(dt.timedelta(minutes=5))
        sweep()
        assert inbox.new() == [
            ("head", "解决问题报告：青教报〔2026〕1号"),
            ("officer", "解决问题报告：青教报〔2026〕1号"),
        ]
        assert "解决问题报告单" in inbox.body("officer")
        assert f"验收通过，已于{chinese_date(today())}销号" in inbox.body("officer")
        assert "整改时限" not in inbox.body("officer")  # a pass, not a time limit


def apply(cast: SimpleNamespace, problem: Problem, summary: str) -> None:
    closure.do_apply_closure(problem, actor=cast.officer, summary=summary, uploads=[png_upload()])


def test_it_tells_the_lead_unit_itself_when_the_ladder_has_no_document_for_the_step(
    cast: SimpleNamespace, make_problem: Any
) -> None:
    Rung.objects.filter(trigger__in=(Trigger.ON_ASSIGN, Trigger.ON_CLOSE)).update(is_active=False)
    forget_config()
    problem = new_problem(cast)
    inbox = Inbox(problem)
    problem = assign(cast, problem)
    assert inbox.new() == [
        ("head", "新交办问题（牵头）"),
        ("officer", "新交办问题（牵头）"),
        ("other", "新交办问题（配合）"),
    ]
    actions.do_sign_problem(problem, actor=cast.officer)
    ready_to_decide(cast, problem)
    inbox = Inbox(problem)
    closure.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")
    assert inbox.new() == [("head", "验收通过，待回访"), ("officer", "验收通过，待回访")]
    assert "现场核查属实" in inbox.body("officer")
    rated_by_everyone(problem)
    assert inbox.new() == [("head", "回访结束，已销号"), ("officer", "回访结束，已销号")]
    assert "满意1人" in inbox.body("officer")


def test_it_tells_the_coordinators_of_a_return(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.ASSIGNED)
    inbox = Inbox(problem)
    actions.do_return_problem(problem, actor=cast.officer, reason="不属于本股室职责")
    assert inbox.new() == [("coord", "退单待重新交办"), ("coord2", "退单待重新交办")]
    assert "不属于本股室职责" in inbox.body("coord")


def test_it_tells_the_unit_of_a_send_back_and_of_a_reopening(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    apply(cast, problem, "已整改。")
    inbox = Inbox(problem)
    closure.do_review_closure(problem, actor=cast.unit_head, approve=False, note="照片不清晰，请补拍")
    assert inbox.new() == [("officer", "销号申请被退回")]  # the unit, less the head who sent it back
    assert "照片不清晰，请补拍" in inbox.body("officer")

    closed = make_problem(Status.CLOSED)
    inbox = Inbox(closed)
    actions.do_reopen_problem(closed, actor=cast.coordinator, reason="群众回访不满意")
    assert inbox.new() == [("head", "问题重办"), ("officer", "问题重办"), ("other", "问题重办")]


def test_it_tells_the_replaced_verifier(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.VERIFYING)  # the inspector was named
    inbox = Inbox(problem)
    closure.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.coordinator2)
    assert inbox.new() == [("coord2", "请您验收销号申请"), ("inspector", "验收人已变更")]


def test_it_tells_nobody_of_a_refused_step(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.RECTIFYING)  # its milestone is still open
    inbox = Inbox(problem)
    with contextlib.suppress(ActionError):  # the refusal itself is tested in test_verification
        apply(cast, problem, "已整改。")
    assert inbox.new() == []
