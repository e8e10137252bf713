"""Status lights on the ledger, the problem page, the home page and the API; default deadlines by rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.problems.models import Problem, RectificationKind
from taizhang.supervision.tests.helpers import assign, at, new_problem

D = dt.date


def _three_lights(cast: SimpleNamespace) -> tuple[Problem, Problem, Problem]:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        red = assign(cast, new_problem(cast, "红灯问题"), milestone_on=D(2026, 11, 3))  # due 11 Nov
        yellow = assign(
            cast, new_problem(cast, "黄灯问题"), milestone_on=D(2026, 11, 3), kind=RectificationKind.TIME_LIMITED
        )  # due 23 Nov
        green = assign(cast, new_problem(cast, "绿灯问题"), milestone_on=D(2026, 11, 3), deadline=D(2026, 12, 31))
    return red, yellow, green


def test_it_shows_lights_on_the_ledger_and_filters_by_them(client: Client, cast: SimpleNamespace) -> None:
    red, yellow, green = _three_lights(cast)
    client.force_login(cast.coordinator)
    with time_machine.travel(at(D(2026, 11, 18)), tick=False):
        html = client.get(reverse("ledger")).content.decode()
        assert "超期5个工作日" in html and "3个工作日内到期" in html and "剩余31个工作日" in html
        for color, problem in (("red", red), ("yellow", yellow), ("green", green)):
            html = client.get(reverse("ledger"), {"light": color}).content.decode()
            assert problem.number in html and html.count("light light-") == 1, color


def test_it_counts_lights_on_the_home_page(client: Client, cast: SimpleNamespace) -> None:
    _three_lights(cast)
    client.force_login(cast.leader)
    with time_machine.travel(at(D(2026, 11, 18)), tick=False):
        response = client.get(reverse("home"))
    lights = response.context["lights"]
    assert (lights["red"], lights["yellow"], lights["green"]) == (1, 1, 1)
    assert "红灯（已超期）" in response.content.decode()


def test_it_shows_the_light_and_ladder_on_the_problem_page(client: Client, cast: SimpleNamespace) -> None:
    red, _, _ = _three_lights(cast)
    client.force_login(cast.officer)
    with time_machine.travel(at(D(2026, 11, 12)), tick=False):
        html = client.get(reverse("problem_detail", args=[red.pk])).content.decode()
    assert 'class="light light-red"' in html and "超期1个工作日" in html and "签收时限" in html


def test_it_gives_the_light_in_the_api_list(client: Client, cast: SimpleNamespace) -> None:
    red, _, _ = _three_lights(cast)
    client.force_login(cast.coordinator)
    with time_machine.travel(at(D(2026, 11, 12)), tick=False):
        items = client.get("/api/v1/problems", {"light": "red"}).json()["items"]
    assert [(i["number"], i["light"], i["overdue_workdays"]) for i in items] == [(red.number, "red", 1)]


def test_it_sets_the_deadline_by_rule_when_none_is_given_through_the_page(
    client: Client, cast: SimpleNamespace
) -> None:
    from taizhang.problems.tests.test_views import assign_data, step

    with time_machine.travel(at(D(2026, 9, 29)), tick=False):  # 立行立改, 7 working days across 国庆 and 中秋
        problem = new_problem(cast)
        client.force_login(cast.coordinator)
        data = assign_data(cast, kind="immediate", deadline="", milestone_due_1="2026-09-30")
        assert step(client, problem, "assign", data).status_code == 302
    problem.refresh_from_db()
    # 30 Sep, then the holiday 1–7 Oct; 10 Oct is a 调休 Saturday: 30 Sep, 8, 9, 10, 12, 13, 14 Oct.
    assert problem.deadline == D(2026, 10, 14)
