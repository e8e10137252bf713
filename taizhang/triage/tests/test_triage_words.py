"""The triage page reads as words: names not codes or place keys, one confidence, the unit carried to 交办."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import Unit, UnitKind
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.problems.models import Category, Problem, Status
from taizhang.triage.models import Suggestion
from taizhang.triage.presenting import confidence_of, place_name


def test_it_names_places_and_confidence_in_words() -> None:
    registry = {"北关|中": ("青溪县北关初级中学", "school")}
    assert place_name("北关|中", registry) == "青溪县北关初级中学"
    assert place_name("龙泉|中", registry) == "龙泉中学"
    assert place_name("基础教育股", registry) == "基础教育股"
    assert (confidence_of(0.93).level, confidence_of(0.93).percent) == ("高", 93)
    assert confidence_of(0.6).level == "中" and confidence_of(0.2).level == "低"


@pytest.fixture
def offices(cast: SimpleNamespace) -> None:
    for name in ("人事股", "学生营养办", "计划财务股"):
        Unit.objects.create(name=name, kind=UnitKind.OFFICE, parent=cast.bureau)


def test_it_shows_names_one_confidence_and_no_status_twice(
    client: Client, cast: SimpleNamespace, offices: None, make_problem: Any
) -> None:
    closed = make_problem(Status.CLOSED)
    opinion = do_receive_opinion(
        OpinionInput(
            channel="online_form", text="实验小学有老师在家有偿补课，每次一百元。", concerned_unit=cast.school
        ),
        actor=cast.coordinator,
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("triage_opinion", args=[opinion.pk])).content.decode()
    panel = page[page.index('id="triage-suggestion"') : page.index('id="triage-create"')]
    codes = set(Category.objects.values_list("code", flat=True))
    assert not [c for c in codes if re.search(rf"[（(\s>]{c}[\s)）→]", panel)], "a category code is shown"
    assert "|" not in re.sub(r"<[^>]+>", "", panel), "a place key is shown"
    # One confidence, in words, with the percentage on hover; no bare probabilities like （0.81）.
    assert re.search(r'id="suggestion-confidence" title="[^"]*\d+%[^"]*">可信度[高中低]</span>', panel)
    assert not re.search(r"[（(]0\.\d+[)）]", panel) and "置信度" not in panel
    row = re.search(rf'<li id="suggested-{closed.number}".*?</li>', panel, re.S)
    assert row is not None and row.group(0).count("已销号") == 1
    assert "paid_tutoring" not in panel and "有偿补课" in panel


def test_it_carries_the_suggested_unit_into_the_assign_form(
    client: Client, cast: SimpleNamespace, offices: None
) -> None:
    opinion = do_receive_opinion(
        OpinionInput(channel="online_form", text="实验小学有老师在家有偿补课，每次一百元。"), actor=cast.coordinator
    )
    client.force_login(cast.coordinator)
    client.get(reverse("triage_opinion", args=[opinion.pk]))
    suggested = Suggestion.objects.get(opinion=opinion).unit
    assert suggested is not None
    response = client.post(
        reverse("triage_opinion", args=[opinion.pk]),
        {
            "action": "create",
            "create-version": opinion.version,
            "create-title": "教师有偿补课",
            "create-description": opinion.text,
            "create-category": cast.category.pk,
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
    select = re.search(r'<select name="assign-lead_unit".*?</select>', page, re.S)
    assert select is not None
    assert f'<option value="{suggested.pk}" selected>{suggested.name}</option>' in select.group(0)
