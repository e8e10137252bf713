"""回访: after 验收 a problem the public reported waits in 待回访 until each reporter has answered (on the follow
page, or by phone) or can be asked no more; a 不满意 waits for a coordinator's review (重办 or 维持销号)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError, InvalidTransition, NotAllowed
from taizhang.followup import actions
from taizhang.followup.models import CallbackAttempt, Rating, Review
from taizhang.intake.actions import do_link_opinion
from taizhang.intake.models import Opinion
from taizhang.problems import closure as closure_actions
from taizhang.problems.models import Problem, Status
from taizhang.public.actions import PublicSubmission, do_submit_public_opinion
from taizhang.supervision.models import Notification
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import at
from taizhang.web.todo import todo_for

D = dt.date
MakeProblem = Callable[..., Problem]


def verified(cast: SimpleNamespace, make_problem: MakeProblem, *, anonymous_too: bool = True) -> Problem:
    """A problem reported by 张三 (named, with a phone) and, merged in, an anonymous parent; 验收 passed."""
    problem = make_problem(Status.VERIFYING)
    if anonymous_too:
        other = do_submit_public_opinion(PublicSubmission(text="又有家长反映有偿补课。", anonymous=True))
        do_link_opinion(other, problem, actor=cast.coordinator)
    closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")
    return Problem.objects.get(pk=problem.pk)


def named(problem: Problem) -> Opinion:
    return actions.reporters(problem).get(is_anonymous=False)


def anonymous(problem: Problem) -> Opinion:
    return actions.reporters(problem).get(is_anonymous=True)


def rate_on_page(client: Client, opinion: Opinion, **answer: str) -> str:
    data = {"code": opinion.receipt_code, "fixed": "1", "satisfaction": "satisfied", "comment": "", **answer}
    response = client.post(reverse("public_rate"), data, REMOTE_ADDR="198.51.100.7")
    return f"{response.status_code} {response.content.decode()}"


def test_closure_waits_for_every_reporter_then_closes(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 9), tick=False):
        problem = verified(cast, make_problem)
        assert problem.status == Status.FOLLOW_UP and problem.follow_up_due_on == D(2026, 11, 9)
        assert problem.closed_at is not None  # the 销号 decision's time; the status follows the people
        assert [o for o, _p, _n in actions.callback_list()] == [named(problem)]  # not the anonymous parent
        assert todo_for(cast.coordinator).counts.get("callback") == 1

        follow = client.get(reverse("track"), {"code": anonymous(problem).receipt_code}).content.decode()
        assert "回访：请评价办理结果" in follow and "问题已整改完成并通过验收" in follow
        answered = rate_on_page(client, anonymous(problem), satisfaction="basic")
        assert answered.startswith("200") and "感谢您的评价" in answered
        assert "回访：请评价办理结果" not in client.get(reverse("track"), {"code": anonymous(problem).receipt_code})
        assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP  # 张三 is still to be called

        actions.do_record_callback_attempt(named(problem), actor=cast.coordinator, outcome="no_answer")
        actions.do_rate(
            named(problem), fixed=True, satisfaction="satisfied", comment="补课已停", actor=cast.coordinator
        )
        problem = Problem.objects.get(pk=problem.pk)
        assert problem.status == Status.CLOSED
        assert actions.satisfaction_rate(Rating.objects.filter(problem=problem)) == (2, 1.0)
        verbs = list(AuditEvent.objects.filter(problem=problem).order_by("id").values_list("verb", flat=True))
        assert verbs[-6:] == [
            Verb.CLOSURE_ACCEPTED,
            Verb.FOLLOW_UP_STARTED,
            Verb.RATING_RECORDED,
            Verb.CALLBACK_ATTEMPTED,
            Verb.RATING_RECORDED,
            Verb.FOLLOW_UP_FINISHED,
        ]
        assert AuditEvent.objects.filter(verb=Verb.RATING_RECORDED, actor=None).get().actor_name == "群众（查询码回访）"
        assert todo_for(cast.coordinator).counts.get("callback") is None


def test_nobody_answering_closes_it_when_the_attempts_and_the_window_are_used_up(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 9), tick=False) as traveller:
        problem = verified(cast, make_problem)
        for _attempt in range(3):
            actions.do_record_callback_attempt(named(problem), actor=cast.coordinator, outcome="no_answer")
        with pytest.raises(ActionError):  # the third was the last the rules allow
            actions.do_record_callback_attempt(named(problem), actor=cast.coordinator, outcome="no_answer")
        assert CallbackAttempt.objects.count() == 3 and actions.callback_list() == []
        assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP  # the anonymous parent may still rate
        traveller.move_to(at(D(2026, 11, 9), 9))
        assert sweep().follow_ups_closed == 0  # the window's last day
        traveller.move_to(at(D(2026, 11, 10), 9))
        assert sweep().follow_ups_closed == 1
        assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED
        finished = AuditEvent.objects.filter(problem=problem, verb=Verb.FOLLOW_UP_FINISHED).get()
        assert (finished.summary, finished.actor_name) == ("回访结束（无人评价），予以销号", "督办系统")


def test_a_dissatisfied_reporter_stops_the_closing_until_a_coordinator_reopens_it(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    with time_machine.travel(at(D(2026, 11, 2), 9), tick=False) as traveller:
        problem = verified(cast, make_problem, anonymous_too=False)
        refused = rate_on_page(client, named(problem), satisfaction="dissatisfied", fixed="0")
        assert refused.startswith("400") and "选择不满意时，请写明哪里没有解决" in refused
        assert not Rating.objects.exists()
        rate_on_page(client, named(problem), satisfaction="dissatisfied", fixed="0", comment="换了个地方继续补课")
        assert Notification.objects.filter(recipient=cast.coordinator, title__contains="回访不满意，待复核").exists()
        assert todo_for(cast.coordinator).counts.get("review_dissatisfaction") == 1
        traveller.move_to(at(D(2026, 11, 20), 9))
        sweep()
        assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP  # the window is over; the review is not

        rating = Rating.objects.get()
        with pytest.raises(NotAllowed):
            actions.do_review_dissatisfaction(rating, actor=cast.officer, reopen=False, note="已整改")
        with pytest.raises(ActionError, match="请填写复核意见"):
            actions.do_review_dissatisfaction(rating, actor=cast.coordinator, reopen=True, note=" ")
        client.force_login(cast.coordinator)
        page = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
        assert "换了个地方继续补课" in page and "复核不满意评价" in page
        response = client.post(
            reverse("followup_review", args=[rating.pk]), {"decision": "reopen", "note": "暗访核实仍在补课"}
        )
        assert response.status_code == 302
        problem = Problem.objects.get(pk=problem.pk)
        assert (problem.status, problem.reopen_count) == (Status.RECTIFYING, 1)
        assert Rating.objects.get().review == Review.REOPENED
        assert "回访不满意：暗访核实仍在补课" in AuditEvent.objects.filter(verb=Verb.PROBLEM_REOPENED).get().summary


def test_a_coordinator_may_uphold_the_closure_with_a_reason(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = verified(cast, make_problem, anonymous_too=False)
    actions.do_rate(named(problem), fixed=False, satisfaction="dissatisfied", comment="没解决", actor=cast.coordinator)
    rating = Rating.objects.get()
    actions.do_review_dissatisfaction(
        rating, actor=cast.coordinator2, reopen=False, note="反映内容属另一事项，已另行立项"
    )
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED
    with pytest.raises(InvalidTransition, match="该评价已复核"):
        actions.do_review_dissatisfaction(rating, actor=cast.coordinator, reopen=True, note="再看看")


def test_bad_ratings_and_calls_are_refused_and_write_nothing(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    rectifying = make_problem(Status.RECTIFYING)
    with pytest.raises(InvalidTransition, match="不在回访阶段"):
        actions.do_rate(named_of(rectifying), fixed=True, satisfaction="satisfied")
    problem = verified(cast, make_problem)
    before = AuditEvent.objects.count()
    with pytest.raises(ActionError, match="请选择满意"):
        actions.do_rate(named(problem), fixed=True, satisfaction="very happy")
    with pytest.raises(NotAllowed):
        actions.do_rate(named(problem), fixed=True, satisfaction="satisfied", actor=cast.officer)
    with pytest.raises(NotAllowed):
        actions.do_record_callback_attempt(named(problem), actor=cast.unit_head, outcome="no_answer")
    with pytest.raises(ActionError, match="不接受电话回访"):  # an anonymous reporter rates only on the follow page
        actions.do_record_callback_attempt(anonymous(problem), actor=cast.coordinator, outcome="no_answer")
    with pytest.raises(ActionError, match="请选择回访结果"):
        actions.do_record_callback_attempt(named(problem), actor=cast.coordinator, outcome="gone fishing")
    assert AuditEvent.objects.count() == before and not Rating.objects.exists()
    assert not CallbackAttempt.objects.exists()
    actions.do_rate(named(problem), fixed=True, satisfaction="satisfied")
    with pytest.raises(InvalidTransition, match="已经评价过"):
        actions.do_rate(named(problem), fixed=True, satisfaction="dissatisfied", comment="改主意了")

    client.force_login(cast.officer)
    assert client.get(reverse("followup_callbacks")).status_code == 403


def named_of(problem: Problem) -> Opinion:
    return Opinion.objects.filter(links__problem=problem).get()


def test_the_public_api_takes_a_rating(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = verified(cast, make_problem, anonymous_too=False)
    code = named(problem).receipt_code
    url = f"/api/v1/public/track/{code}/rating"
    shown = client.get(f"/api/v1/public/track/{code}").json()
    assert shown["rating_open"] is True
    bad = client.post(url, {"satisfaction": "不满意", "fixed": False}, content_type="application/json")
    assert bad.status_code == 400 and "请写明哪里没有解决" in bad.json()["detail"]
    unknown = client.post(
        "/api/v1/public/track/AAAAA-BBBBB/rating",
        {"satisfaction": "满意", "fixed": True},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    ok = client.post(url, {"satisfaction": "满意", "fixed": True}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"rated_problems": [problem.number], "satisfaction": "satisfied"}
    again = client.post(url, {"satisfaction": "满意", "fixed": True}, content_type="application/json")
    assert again.status_code == 409
    assert client.get(f"/api/v1/public/track/{code}").json()["rating_open"] is False
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED


def test_the_unit_sees_the_answers_but_never_who_gave_them(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = verified(cast, make_problem, anonymous_too=False)
    actions.do_rate(named(problem), fixed=True, satisfaction="basic", comment="基本停了", actor=cast.coordinator)
    client.force_login(cast.officer)
    html = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
    assert "满意率 100%（1人评价）" in html and "基本停了" in html and "电话回访" in html
    assert "复核不满意评价" not in html
    client.force_login(cast.coordinator)
    page = client.get(reverse("followup_callbacks")).content.decode()
    assert "基础教育股" in page and "各单位满意率" in page


def test_a_problem_nobody_outside_reported_closes_at_once(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.VERIFYING)
    Opinion.objects.filter(links__problem=problem).update(channel="self_inspection")
    closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED
