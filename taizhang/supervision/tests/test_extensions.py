"""延期: reason and approval, capped in count and working days, counted; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent, Verb
from taizhang.problems.models import Problem, RectificationKind
from taizhang.supervision import actions
from taizhang.supervision.models import ExtensionRequest, ExtensionStatus
from taizhang.supervision.tests.helpers import assign, at, new_problem

D = dt.date


def _problem(cast: SimpleNamespace) -> Problem:
    # 限期整改: 15 working days, at most two extensions and 15 working days in all.
    return assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3), kind=RectificationKind.TIME_LIMITED)


def test_it_extends_through_the_pages_after_approval(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = _problem(cast)
        assert problem.deadline == D(2026, 11, 23)
        client.force_login(cast.officer)
        response = client.post(
            reverse("supervision_extension_request", args=[problem.pk]),
            {"extension-new_deadline": "2026-11-30", "extension-reason": "需等待区财政拨款到位"},
        )
        assert response.status_code == 302
        extension = ExtensionRequest.objects.get(problem=problem)
        client.force_login(cast.coordinator)
        page = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
        assert "审批延期" in page
        response = client.post(
            reverse("supervision_extension_decide", args=[extension.pk]),
            {"extension_decision-decision": "approve", "extension_decision-note": "同意"},
        )
        assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.deadline, problem.extension_count) == (D(2026, 11, 30), 1)
    assert problem.assignments.get(is_current=True).deadline == D(2026, 11, 30)
    assert ExtensionRequest.objects.get().status == ExtensionStatus.APPROVED


def test_it_refuses_an_extension_past_the_cap_and_changes_nothing(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = _problem(cast)
        version = problem.version
        client.force_login(cast.officer)
        response = client.post(
            reverse("supervision_extension_request", args=[problem.pk]),
            {"extension-new_deadline": "2026-12-31", "extension-reason": "工程量大"},
        )
    assert response.status_code == 400
    assert "超过上限15个工作日" in response.content.decode() and "最迟可延至2026年12月14日" in response.content.decode()
    problem.refresh_from_db()
    assert problem.deadline == D(2026, 11, 23) and problem.version == version and problem.extension_count == 0
    assert not ExtensionRequest.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.EXTENSION_REQUESTED).exists()


def test_it_refuses_an_extension_without_a_reason_or_from_another_unit(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = _problem(cast)
        client.force_login(cast.officer)
        url = reverse("supervision_extension_request", args=[problem.pk])
        assert client.post(url, {"extension-new_deadline": "2026-11-30", "extension-reason": ""}).status_code == 400
        client.force_login(cast.other_officer)
        assert client.post(url, {"extension-new_deadline": "2026-11-30", "extension-reason": "理由"}).status_code == 404
    assert not ExtensionRequest.objects.exists()


def test_it_refuses_approval_by_a_unit_and_rejection_without_a_note(client: Client, cast: SimpleNamespace) -> None:
    from taizhang.supervision import actions

    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = _problem(cast)
        request = actions.do_request_extension(problem, actor=cast.officer, new_deadline=D(2026, 11, 25), reason="等待")
        client.force_login(cast.coordinator)
        url = reverse("supervision_extension_decide", args=[request.pk])
        response = client.post(url, {"extension_decision-decision": "reject", "extension_decision-note": ""})
        assert response.status_code == 400 and "不批准须说明理由" in response.content.decode()
        client.force_login(cast.officer)
        assert client.post(url, {"extension_decision-decision": "approve"}).status_code == 403
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING
    assert Problem.objects.get(pk=problem.pk).deadline == D(2026, 11, 23)


def test_it_extends_through_the_api(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = _problem(cast)
        client.force_login(cast.officer)
        response = client.post(
            f"/api/v1/supervision/problems/{problem.pk}/extensions",
            {"new_deadline": "2026-11-26", "reason": "等待检测报告"},
            content_type="application/json",
        )
        assert response.status_code == 200 and response.json()["status"] == "pending"
        client.force_login(cast.coordinator)
        response = client.post(
            f"/api/v1/supervision/extensions/{response.json()['id']}/decide",
            {"approve": True},
            content_type="application/json",
        )
        assert response.status_code == 200
        light = client.get(f"/api/v1/supervision/problems/{problem.pk}/light").json()
    assert light["deadline"] == "2026-11-26" and light["extension_count"] == 1 and light["light"] == "green"


def test_the_coordinators_are_told_of_an_extension_request(cast: SimpleNamespace) -> None:
    from taizhang.supervision.models import Notification

    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        actions.do_request_extension(problem, actor=cast.officer, new_deadline=D(2026, 11, 13), reason="需家长配合")
    for coordinator in (cast.coordinator, cast.coordinator2):
        (message,) = Notification.objects.filter(recipient=coordinator, title__contains="延期申请待审批")
        assert "需家长配合" in message.body and message.created_at == at(D(2026, 11, 2))
    assert not Notification.objects.filter(recipient=cast.officer, title__contains="延期申请").exists()
