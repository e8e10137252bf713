"""待办: after each step of one problem's life, each person's list holds exactly what they now have to do."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import User
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems.models import Problem
from taizhang.supervision import actions as supervision_actions
from taizhang.supervision.models import SupervisionAction
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at, new_problem
from taizhang.web.todo import todo_for

D = dt.date


def kinds(user: User) -> dict[str, int]:
    return todo_for(user).counts


def test_each_role_sees_what_it_must_do_after_each_step(client: Client, cast: SimpleNamespace) -> None:
    supervision_actions.do_set_red_item_subscription(cast.leader, cast.basic, subscribed=True)
    everyone = [cast.coordinator, cast.officer, cast.unit_head, cast.other_officer, cast.leader, cast.discipline]
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False) as traveller:
        assert all(kinds(u) == {} for u in everyone)  # a new install: nothing to do, and nothing invented
        opinion = do_receive_opinion(
            OpinionInput(channel="hotline_12345", text="某老师周末有偿补课，每人每月800元。", reporter_name="张三"),
            actor=cast.coordinator,
        )
        assert kinds(cast.coordinator) == {"triage_opinion": 1} and kinds(cast.officer) == {}
        report = do_receive_opinion(
            OpinionInput(channel="report", text="举报某校长违规收受礼品。", reporter_name="李四"),
            actor=cast.coordinator,
        )
        assert kinds(cast.discipline) == {"report_opinion": 1}
        assert todo_for(cast.discipline).items[0].opinion_id == report.pk
        client.force_login(cast.discipline)  # the item leads to a page 纪检组 may open
        assert client.get(todo_for(cast.discipline).items[0].url).status_code == 200

        problem = do_create_problem_from_opinion(
            opinion,
            NewProblem(title="教师有偿补课", description="周末有偿补课。", category=cast.category),
            actor=cast.coordinator,
        )
        assert kinds(cast.coordinator) == {"triage_opinion": 1, "assign_problem": 1}  # the 举报 is still untriaged

        problem = assign(cast, problem, milestone_on=D(2026, 11, 3))
        assert kinds(cast.coordinator) == {"triage_opinion": 1}
        for unit_person in (cast.officer, cast.unit_head):
            todo = todo_for(unit_person)
            assert todo.counts == {"sign_problem": 1}
            assert (todo.items[0].problem_id, todo.items[0].due) == (problem.pk, problem.sign_due_on)
        assert kinds(cast.other_officer) == {}  # another unit's problem is not theirs to sign

        problem_actions.do_return_problem(problem, actor=cast.officer, reason="不属于本股职责")
        assert kinds(cast.officer) == {} and kinds(cast.coordinator) == {"triage_opinion": 1, "reroute_returned": 1}
        problem = assign(cast, Problem.objects.get(pk=problem.pk), milestone_on=D(2026, 11, 3))
        sweep()  # the 预报单 for the unit to sign for
        assert kinds(cast.officer) == {"sign_problem": 1, "sign_document": 1}

        problem = problem_actions.do_sign_problem(Problem.objects.get(pk=problem.pk), actor=cast.officer)
        todo = todo_for(cast.officer)
        assert todo.counts == {"file_plan": 1}  # signing the problem answers its 预报单 too
        plan = next(i for i in todo.items if i.kind == "file_plan")
        assert plan.due == problem.plan_due_on and plan.workdays_left is not None and plan.workdays_left >= 0
        problem_actions.do_submit_plan(problem, actor=cast.officer, text="约谈涉事教师，清退费用。")
        assert kinds(cast.officer) == {}

        traveller.move_to(at(D(2026, 11, 12), 9))  # overdue: the 督办单, red for the leader who follows the unit
        sweep()
        officer = todo_for(cast.officer)
        assert officer.counts == {"sign_document": 1, "reply_document": 1}
        # Sign within a working day, answer within the 回复时限 the document states (3 working days): signing first.
        assert [(i.kind, i.due, i.light) for i in officer.items] == [
            ("sign_document", D(2026, 11, 13), "yellow"),
            ("reply_document", D(2026, 11, 17), "green"),
        ]
        assert kinds(cast.leader) == {"red_item": 1}

        traveller.move_to(at(D(2026, 11, 18), 9))
        sweep()  # the 通报批评单 is drafted: coordinator and leader are asked to approve it
        for reviewer in (cast.coordinator, cast.leader):
            draft = next(i for i in todo_for(reviewer).items if i.kind == "approve_draft")
            assert "草稿已起草 0 天" in draft.detail
        traveller.move_to(at(D(2026, 11, 23), 9))
        draft_item = next(i for i in todo_for(cast.coordinator).items if i.kind == "approve_draft")
        assert draft_item.light == "red" and "5 天" in draft_item.detail  # waiting too long shows
        assert draft_item.action_id is not None
        action = SupervisionAction.objects.get(pk=draft_item.action_id)
        supervision_actions.do_review_document(action, actor=cast.leader, approve=True)
        assert "approve_draft" not in kinds(cast.coordinator)
        assert kinds(cast.discipline) == {"report_opinion": 1, "record_accountability": 1}
        assert kinds(cast.officer) == {"sign_document": 2, "reply_document": 2}

        supervision_actions.do_request_extension(
            Problem.objects.get(pk=problem.pk), actor=cast.officer, new_deadline=D(2026, 11, 18), reason="需家长配合"
        )
        assert kinds(cast.coordinator)["decide_extension"] == 1

        client.force_login(cast.officer)  # the same list through the API and on the home page
        body = client.get("/api/v1/todo").json()
        assert body["counts"] == {"sign_document": 2, "reply_document": 2} and body["total"] == 4
        assert (
            body["items"][0]["kind_name"] in ("待签收督办文书", "待回复督办文书")
            and body["items"][0]["light"] == "red"  # a week on
        )
        home = client.get(reverse("home")).content.decode()
        assert "我的待办" in home and "待回复督办文书" in home and "共 4 项" in home


def test_the_todo_of_someone_with_nothing_to_do_says_so(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.inspector)
    assert "目前没有需要您办理的事项" in client.get(reverse("home")).content.decode()
    assert client.get("/api/v1/todo").json() == {"total": 0, "counts": {}, "items": []}
    client.logout()
    assert client.get("/api/v1/todo").status_code == 401


def test_a_returned_problems_forecast_no_longer_waits_for_a_signature(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False):
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        sweep()  # the 预报单
        assert kinds(cast.officer) == {"sign_problem": 1, "sign_document": 1}
        problem_actions.do_return_problem(problem, actor=cast.officer, reason="不属于本股职责")
        assert kinds(cast.officer) == {}  # returning answers the 预报单 as signing would
        assign(cast, Problem.objects.get(pk=problem.pk), milestone_on=D(2026, 11, 3), unit=cast.safety)
        assert kinds(cast.officer) == {} and kinds(cast.other_officer) == {"sign_problem": 1}


def test_an_approved_organisational_adjustment_waits_for_the_units_signature(cast: SimpleNamespace) -> None:
    """组织调整建议单 is signed for like every other 督办 form once it is issued (it was missing from the list)."""
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False) as traveller:
        problem = assign(cast, new_problem(cast), deadline=D(2026, 11, 4), milestone_on=D(2026, 11, 3))
        problem_actions.do_sign_problem(problem, actor=cast.officer)
        traveller.move_to(at(D(2026, 11, 25), 9))  # 15 working days overdue: only the highest rung is due
        sweep()
        draft = SupervisionAction.objects.get(problem=problem, state="draft")
        assert draft.form_kind == "org_adjustment"
        assert "sign_document" not in kinds(cast.officer)  # a draft is not the unit's yet
        supervision_actions.do_review_document(draft, actor=cast.leader, approve=True)
        signable = [i for i in todo_for(cast.officer).items if i.kind == "sign_document"]
        assert [i.action_id for i in signable] == [draft.pk]
        supervision_actions.do_sign_document(draft, actor=cast.officer)
        assert "sign_document" not in kinds(cast.officer)
