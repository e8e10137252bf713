"""Refusals in the chosen language: the actions' messages on the pages and in the API, and the triage assistant's
panels, are English with the English cookie and stay Chinese by default."""

from __future__ import annotations

import datetime as dt
import html
import re
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import Unit, UnitKind
from taizhang.clock import today
from taizhang.i18n import join_reasons, message_date
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.problems.models import Problem, Status
from taizhang.triage import engine

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def speak(client: Client, language: str) -> None:
    """What the language switch leaves behind: the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def step(client: Client, problem: Problem, name: str, data: dict[str, Any]) -> Any:
    payload = {f"{name}-{k}": v for k, v in data.items()}
    payload[f"{name}-version"] = Problem.objects.get(pk=problem.pk).version
    return client.post(reverse("problem_step", args=[problem.pk, name]), payload)


def assignment(cast: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    data = {
        "lead_unit": cast.basic.pk,
        "responsible_person": "钱股长",
        "measures": "约谈涉事教师，清退费用。",
        "kind": "time_limited",
        "deadline": (today() + dt.timedelta(days=20)).isoformat(),
        "milestone_title_1": "",
        "milestone_due_1": "",
    }
    data.update(overrides)
    return data


def messages_shown(page: str) -> str:
    """The flash messages' text, where the page shows an action's refusal."""
    shown = re.findall(r'<ul class="messages".*?</ul>', page, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", m) for m in shown))


def test_an_assignment_without_milestones_is_refused_in_the_chosen_language(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.NEW)
    client.force_login(cast.coordinator)

    chinese = step(client, problem, "assign", assignment(cast))
    assert chinese.status_code == 400
    assert "交办信息不完整：请至少填写一个路线图节点。" in chinese.content.decode()

    speak(client, "en")
    english = step(client, problem, "assign", assignment(cast))
    assert english.status_code == 400
    page = english.content.decode()
    assert "The assignment is incomplete: Please enter at least one milestone." in page
    assert "请至少填写一个路线图节点" not in page

    past = (today() - dt.timedelta(days=1)).isoformat()
    both = step(client, problem, "assign", assignment(cast, deadline=past)).content.decode()
    assert (
        "The assignment is incomplete: The rectification deadline cannot be earlier than the day of assignment. "
        "Please enter at least one milestone." in both
    )
    assert not Problem.objects.get(pk=problem.pk).assignments.exists()


def test_refusals_composed_of_a_step_and_a_status_read_naturally_in_english(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.ASSIGNED)
    client.force_login(cast.other_officer)  # a supporting unit's officer: sees the problem, may not sign for it
    refused = step(client, problem, "sign", {})
    assert refused.status_code == 403
    assert "只有牵头单位的人员可以签收。" in refused.content.decode()
    speak(client, "en")
    refused = step(client, problem, "sign", {})
    assert refused.status_code == 403
    assert "Only staff of the lead unit can acknowledge the problem." in refused.content.decode()

    client.force_login(cast.coordinator)
    speak(client, "zh-hans")
    refused = step(client, problem, "reopen", {"reason": "群众反映仍在补课"})
    assert refused.status_code == 409
    assert "问题当前状态为“待签收”，不能重办。" in messages_shown(refused.content.decode())
    speak(client, "en")
    refused = step(client, problem, "reopen", {"reason": "群众反映仍在补课"})
    assert refused.status_code == 409
    shown = messages_shown(refused.content.decode())
    assert "The problem's status is “Awaiting acknowledgement”, so you cannot reopen the problem." in shown
    assert not CJK.search(shown), shown
    assert Problem.objects.get(pk=problem.pk).status == Status.ASSIGNED


def test_the_api_answers_a_refusal_in_the_callers_language(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.NEW)
    _token, key = do_create_api_token(cast.coordinator, "测试对接", actor=None, scope="full")
    body = {
        "expected_version": problem.version,
        "lead_unit": cast.basic.pk,
        "co_units": [],
        "responsible_person": "钱股长",
        "measures": "清退补课费用。",
        "kind": "time_limited",
        "deadline": str(today() + dt.timedelta(days=20)),
        "milestones": [],
    }

    def assign() -> dict[str, Any]:
        response = client.post(
            f"/api/v1/problems/{problem.pk}/assign",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 400
        return dict(response.json())

    chinese = assign()  # an integration sends no language cookie: Chinese, as before
    assert chinese["detail"] == "交办信息不完整：请至少填写一个路线图节点。"
    assert chinese["errors"]["milestones"] == ["请至少填写一个路线图节点。"]
    speak(client, "en")
    english = assign()
    assert english["detail"] == "The assignment is incomplete: Please enter at least one milestone."
    assert english["errors"]["milestones"] == ["Please enter at least one milestone."]


def test_messages_join_reasons_and_write_dates_per_language() -> None:
    day = dt.date(2026, 11, 3)
    with translation.override("zh-hans"):
        assert message_date(day) == "2026年11月3日"
        assert message_date(day, padded=True) == "2026年11月03日"
        assert join_reasons(["甲。", "乙。"]) == "甲。；乙。"
        assert join_reasons(["甲。", "乙。"], "") == "甲。乙。"
    with translation.override("en"):
        assert message_date(day) == message_date(day, padded=True) == "2026-11-03"
        assert join_reasons(["One.", "Two."], "") == "One. Two."


def test_the_triage_page_shows_the_assistant_in_english(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    engine.default_model()  # built once per machine, then read from var/, as retrain_triage does
    for name in ("人事股", "学生营养办", "计划财务股"):
        Unit.objects.create(name=name, kind=UnitKind.OFFICE, parent=cast.bureau)
    existing = make_problem()
    opinion = do_receive_opinion(
        OpinionInput(channel="online_form", text="举报实验小学数学老师周末在小区里办补习班收钱。"),
        actor=cast.coordinator,
    )
    client.force_login(cast.coordinator)
    url = reverse("triage_opinion", args=[opinion.pk])

    chinese = client.get(url).content.decode()
    for label in ["智能梳理建议", "建议类别", "可能重复的已有问题", "归并到此问题"]:
        assert label in chinese

    speak(client, "en")
    response = client.get(url)
    assert response.status_code == 200
    english = response.content.decode()
    for label in [
        f"Triage opinion {opinion.receipt_code}",
        "Triage suggestion",
        "Suggested category",
        "Suggested handling unit",
        "Units recognised",
        "Similar confirmed examples",
        "Existing problems it may duplicate",
        "Merge into this problem",
        "Accept: create a new problem under “",
        "Create a new problem",
    ]:
        assert label in english, label
    assert f'id="suggested-{existing.number}"' in english
    panel = re.search(r'<div class="card" id="triage-suggestion">.*?<h2>(.*?)</h2>', english, re.S)
    assert panel is not None and not CJK.search(panel.group(1)), panel
    for chinese_label in ["智能梳理建议", "建议类别", "可能重复的已有问题", "归并到此问题", "相近的已确认样例"]:
        assert chinese_label not in english

    batch = client.get(reverse("triage_batch"))
    assert batch.status_code == 200
    page = batch.content.decode()
    assert "Batch triage" in page and "Confirm this group" in page and "批量梳理" not in page
