"""报送整改方案 from the problem page and the API: once per round, by the lead unit, while 整改中."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PNG_BYTES
from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import User
from taizhang.audit.models import AuditEvent, Verb
from taizhang.problems import actions
from taizhang.problems.models import Attachment, Problem, RectificationPlan, Status
from taizhang.supervision.tests.helpers import at

MakeProblem = Callable[..., Problem]
PLAN = "一、三日内约谈涉事教师；二、十日内清退补课费用；三、月底前全县通报。"


def bearer(user: User) -> dict[str, str]:
    _token, key = do_create_api_token(user, "测试对接", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}


def png(name: str = "整改方案.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def post_plan(client: Client, problem: Problem, text: str, *, version: int | None = None, **files: Any) -> Any:
    data = {"submit_plan-text": text, "submit_plan-version": version or Problem.objects.get(pk=problem.pk).version}
    data.update({f"submit_plan-{k}": v for k, v in files.items()})
    return client.post(reverse("problem_step", args=[problem.pk, "submit_plan"]), data)


def page(client: Client, problem: Problem) -> str:
    return client.get(reverse("problem_detail", args=[problem.pk])).content.decode()


def assert_nothing_changed(problem: Problem) -> None:
    now = Problem.objects.get(pk=problem.pk)
    assert (now.version, now.plan_submitted_at) == (problem.version, None)
    assert not RectificationPlan.objects.exists() and not Attachment.objects.filter(plan__isnull=False).exists()
    assert not AuditEvent.objects.filter(verb=Verb.PLAN_SUBMITTED).exists()


def test_it_submits_a_plan_from_the_problem_page(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    with time_machine.travel(at(dt.date(2026, 9, 29)), tick=False):
        problem = make_problem(Status.ASSIGNED)
        client.force_login(cast.officer)
        html = page(client, problem)
        assert "签收时限" in html and "签收后3个工作日内" in html  # 限期整改 by the default rule
        client.post(reverse("problem_step", args=[problem.pk, "sign"]), {"sign-version": problem.version})
        html = page(client, problem)
        # 30 September, the 国庆 holiday, then 8 and 9 October.
        assert "2026年10月9日（尚未报送）" in html and 'id="step-plan"' in html
        response = post_plan(client, problem, PLAN, evidence=[png()])
        assert response.status_code == 302
        html = page(client, problem)
    assert PLAN in html and "已于2026年9月29日" in html and 'id="step-plan"' not in html
    problem.refresh_from_db()
    plan = RectificationPlan.objects.get(problem=problem)
    assert (plan.text, plan.unit, plan.author, plan.round) == (PLAN, cast.basic, cast.officer, 1)
    assert problem.plan_submitted_at == plan.submitted_at and not plan.is_late()
    assert [a.original_name for a in plan.attachments.all()] == ["整改方案.png"]
    event = AuditEvent.objects.get(problem=problem, verb=Verb.PLAN_SUBMITTED)
    assert event.actor == cast.officer and "附佐证材料1份" in event.summary


def test_it_refuses_an_empty_plan(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.RECTIFYING)
    client.force_login(cast.officer)
    response = post_plan(client, problem, "   ", evidence=[png()])
    assert response.status_code == 400
    assert_nothing_changed(problem)


@pytest.mark.parametrize("who", ["other_officer", "coordinator", "inspector"])
def test_it_refuses_a_plan_from_anyone_but_the_lead_unit(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, who: str
) -> None:
    problem = make_problem(Status.RECTIFYING)  # 安全稳定股 (other_officer) is the co-unit
    client.force_login(getattr(cast, who))
    assert 'id="step-plan"' not in page(client, problem)
    response = post_plan(client, problem, PLAN)
    assert response.status_code == 403
    assert_nothing_changed(problem)


def test_it_refuses_a_plan_on_a_stale_page(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.RECTIFYING)
    client.force_login(cast.officer)
    stale = problem.version
    actions.do_report_progress(problem, actor=cast.officer, text="已约谈", percent=20)
    problem.refresh_from_db()
    response = post_plan(client, problem, PLAN, version=stale, evidence=[png()])
    assert response.status_code == 409
    assert_nothing_changed(problem)


def test_it_refuses_a_plan_before_signing_or_a_second_one(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    assigned = make_problem(Status.ASSIGNED)
    client.force_login(cast.officer)
    assert post_plan(client, assigned, PLAN).status_code == 409
    assert_nothing_changed(assigned)
    problem = make_problem(Status.RECTIFYING)
    assert post_plan(client, problem, PLAN).status_code == 302
    assert post_plan(client, problem, "另一份方案").status_code == 409
    assert list(RectificationPlan.objects.values_list("text", flat=True)) == [PLAN]


# ---- the API ------------------------------------------------------------------------------------


def post_api(client: Client, problem: Problem, data: dict[str, Any], user: User, **kwargs: Any) -> Any:
    return client.post(f"/api/v1/problems/{problem.pk}/plan", data, headers=bearer(user), **kwargs)


def test_it_submits_a_plan_through_the_api(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.RECTIFYING)
    data = {"expected_version": problem.version, "text": PLAN, "evidence": [png(), png("路线图.png")]}
    response = post_api(client, problem, data, cast.officer)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == problem.version + 1
    plan = RectificationPlan.objects.get(problem=problem)
    assert sorted(plan.attachments.values_list("original_name", flat=True)) == ["整改方案.png", "路线图.png"]
    body = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.coordinator)).json()
    assert problem.plan_due_on is not None and body["plan_due_on"] == problem.plan_due_on.isoformat()
    assert body["plan_submitted_at"] is not None and "submit_plan" not in body["steps"]
    [out] = body["plans"]
    assert (out["text"], out["unit"]["id"], out["is_late"], len(out["attachments"])) == (PLAN, cast.basic.pk, False, 2)


@pytest.mark.parametrize(
    ("who", "text", "version_delta", "status"),
    [
        ("officer", "", 0, 400),  # empty plan
        ("other_officer", PLAN, 0, 403),  # the co-unit
        ("coordinator", PLAN, 0, 403),
        ("officer", PLAN, -1, 409),  # stale version
    ],
)
def test_it_refuses_bad_plans_through_the_api(
    client: Client,
    cast: SimpleNamespace,
    make_problem: MakeProblem,
    who: str,
    text: str,
    version_delta: int,
    status: int,
) -> None:
    problem = make_problem(Status.RECTIFYING)
    data = {"expected_version": problem.version + version_delta, "text": text}
    response = post_api(client, problem, data, getattr(cast, who), content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    if status == 400:
        assert "text" in response.json()["errors"]
    assert_nothing_changed(problem)
