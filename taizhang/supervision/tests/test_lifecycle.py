"""A problem's whole life on the working-day calendar, through the Spring Festival of 2026 and its 调休 Saturdays."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.test import Client
from django.urls import reverse

from conftest import ready_to_decide
from taizhang.audit.events import verify_chain
from taizhang.errors import ActionError
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure as closure_actions
from taizhang.problems.models import Problem, Status
from taizhang.supervision import actions
from taizhang.supervision.models import ExtensionRequest
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import approve_drafts, assign, at, fired, new_problem
from taizhang.supervision.timelimits import light_for

D = dt.date


def test_it_walks_a_problem_through_the_spring_festival(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 2, 10)), tick=False) as traveller:
        problem = new_problem(cast)
        # 立行立改: 7 working days by rule — 11, 12, 13 Feb, the 调休 Saturday 14 Feb, then 24, 25, 26 Feb.
        problem = assign(cast, problem, milestone_on=D(2026, 2, 12))
        assert problem.deadline == D(2026, 2, 26)
        assert problem.sign_due_on == D(2026, 2, 11)
        sweep()
        assert fired(problem) == [("forecast", D(2026, 2, 10), "青教预〔2026〕1号")]
        problem = problem_actions.do_sign_problem(problem, actor=cast.officer)
        assert problem.plan_due_on == D(2026, 2, 11)  # 立行立改: the plan within 1 working day of signing
        traveller.move_to(at(D(2026, 2, 11), 16))
        problem_actions.do_submit_plan(problem, actor=cast.officer, text="当日约谈涉事教师，三日内清退补课费用。")

        traveller.move_to(at(D(2026, 2, 14)))  # the make-up Saturday: a working day, nothing due yet
        assert sweep().fired == 0
        assert light_for(Problem.objects.get(pk=problem.pk)).color == "green"

        traveller.move_to(at(D(2026, 2, 24)))  # first working day after the holiday: two working days left
        sweep()
        assert fired(problem)[-1] == ("reminder", D(2026, 2, 24), "")
        light = light_for(Problem.objects.get(pk=problem.pk))
        assert (light.color, light.label) == ("yellow", "2个工作日内到期")

        traveller.move_to(at(D(2026, 2, 27)))
        sweep()
        assert fired(problem)[-1] == ("supervision_notice", D(2026, 2, 27), "青教督〔2026〕1号")
        client.force_login(cast.officer)
        page = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
        assert "超期1个工作日" in page and "青教督〔2026〕1号" in page

        traveller.move_to(at(D(2026, 2, 28), 10))  # the second 调休 Saturday counts as an overdue working day
        assert light_for(Problem.objects.get(pk=problem.pk)).overdue_workdays == 2

        # 延期: 立行立改 allows one extension of at most 5 working days past the original deadline; with the
        # 调休 Saturday 28 Feb counted, that is 4 March.
        request = actions.do_request_extension(
            problem, actor=cast.officer, new_deadline=D(2026, 3, 4), reason="涉事教师外出培训，约谈顺延"
        )
        actions.do_decide_extension(request, actor=cast.coordinator, approve=True, note="同意")
        problem.refresh_from_db()
        assert (problem.deadline, problem.extension_count, problem.original_deadline) == (
            D(2026, 3, 4),
            1,
            D(2026, 2, 26),
        )
        try:
            actions.do_request_extension(problem, actor=cast.officer, new_deadline=D(2026, 3, 5), reason="再延")
        except ActionError as exc:
            assert "上限" in exc.message
        else:
            raise AssertionError("a second extension must be refused")

        traveller.move_to(at(D(2026, 3, 2)))
        sweep()  # a reminder for the new deadline; the 督办单 does not come again
        traveller.move_to(at(D(2026, 3, 11)))
        sweep()  # 5 working days after 4 March: 通报批评
        assert [f[0] for f in fired(problem)] == [
            "forecast",
            "reminder",
            "supervision_notice",
            "reminder",
            "criticism",
        ]
        assert fired(problem)[-1] == ("criticism", D(2026, 3, 11), "")  # a draft until a coordinator approves it
        approve_drafts(cast)
        assert fired(problem)[-1] == ("criticism", D(2026, 3, 11), "青教通〔2026〕1号")

        ready_to_decide(cast, problem)
        closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="核查属实")
        traveller.move_to(at(D(2026, 3, 13)))
        assert sweep().fired == 0  # 待回访: the unit's work is done, no rung, until the reporters are asked
        assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP
        traveller.move_to(at(D(2026, 3, 20)))  # the window (5 working days) is over with nobody answering
        result = sweep()
        assert (result.follow_ups_closed, result.fired) == (1, 1)  # closed, and its 解决问题报告单
        traveller.move_to(at(D(2026, 4, 30)))
        assert sweep().fired == 0  # closed: the ladder stops
        problem.refresh_from_db()
        assert problem.status == Status.CLOSED and problem.next_check_at is None
        assert fired(problem)[-1] == ("solved_report", D(2026, 3, 11), "青教报〔2026〕1号")
        assert ExtensionRequest.objects.filter(problem=problem).count() == 1
        assert verify_chain()[1] is None
