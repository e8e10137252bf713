from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import Unit, UnitKind
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.intake.models import Opinion, OpinionStatus
from taizhang.problems.models import Category, Problem
from taizhang.triage import engine
from taizhang.triage.models import Correction, DispatchRule, Suggestion, TriageModel

TUTORING = "青溪县实验小学有老师在家有偿补课，每次一百元，班上一半同学都去。"


@pytest.fixture
def offices(cast: SimpleNamespace) -> None:
    for name in ("人事股", "学生营养办", "计划财务股"):
        Unit.objects.create(name=name, kind=UnitKind.OFFICE, parent=cast.bureau)


def receive(cast: SimpleNamespace, text: str) -> Opinion:
    return do_receive_opinion(OpinionInput(channel="online_form", text=text), actor=cast.coordinator)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_it_shows_suggestions_with_the_model_version(
    cast: SimpleNamespace, offices: None, make_problem: object
) -> None:
    existing = make_problem()  # type: ignore[operator]
    opinion = receive(cast, "举报实验小学数学老师周末在小区里办补习班收钱。")
    response = client_for(cast.coordinator).get(f"/triage/{opinion.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "智能梳理建议" in page
    assert f'id="suggested-{existing.number}"' in page
    suggestion = Suggestion.objects.get(opinion=opinion)
    model = engine.active_model()
    assert model is not None and suggestion.model_version == model.version
    assert suggestion.model_version in page
    assert suggestion.category and suggestion.category.code == "paid_tutoring"
    assert suggestion.problems[0]["number"] == existing.number


def test_it_merges_into_the_suggested_problem_in_one_click(
    cast: SimpleNamespace, offices: None, make_problem: object
) -> None:
    existing = make_problem()  # type: ignore[operator]
    opinion = receive(cast, "实验小学老师在家有偿补课。")
    client = client_for(cast.coordinator)
    client.get(f"/triage/{opinion.pk}/")
    response = client.post(
        f"/triage/{opinion.pk}/",
        {"action": "link", "link-version": opinion.version, "link-problem_number": existing.number},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.LINKED
    assert not Correction.objects.exists()


def test_it_keeps_a_correction_and_retraining_uses_it(cast: SimpleNamespace, offices: None) -> None:
    opinion = receive(cast, TUTORING)
    client = client_for(cast.coordinator)
    client.get(f"/triage/{opinion.pk}/")
    suggestion_version = Suggestion.objects.get(opinion=opinion).model_version
    other = Category.objects.get(code="teacher_ethics")
    response = client.post(
        f"/triage/{opinion.pk}/",
        {
            "action": "create",
            "create-version": opinion.version,
            "create-title": "教师师德问题",
            "create-description": TUTORING,
            "create-category": other.pk,
        },
    )
    assert response.status_code == 302
    correction = Correction.objects.get(opinion=opinion)
    assert (correction.suggested_category, correction.category) == ("paid_tutoring", "teacher_ethics")
    call_command("retrain_triage")
    after = TriageModel.objects.get(is_active=True)
    assert after.version != suggestion_version
    assert after.corrections == 1
    assert DispatchRule.objects.filter(
        category__code="paid_tutoring", unit__name="人事股", catalogue_version=1
    ).exists()
    assert engine.active_model().version == after.version  # type: ignore[union-attr]
    call_command("retrain_triage")
    assert TriageModel.objects.get(is_active=True).version == after.version  # idempotent


def test_it_shows_an_error_instead_of_a_suggestion_for_unusable_text(cast: SimpleNamespace) -> None:
    opinion = receive(cast, "hello, just testing the form")
    response = client_for(cast.coordinator).get(f"/triage/{opinion.pk}/")
    assert response.status_code == 200
    assert "不含中文" in response.content.decode()


def test_batch_review_proposes_groups_and_writes_only_on_confirm(cast: SimpleNamespace, offices: None) -> None:
    a = receive(cast, TUTORING)
    b = receive(cast, "举报青溪县实验小学数学老师周末在家办补习班收费。")
    c = receive(cast, "青溪县实验小学食堂饭菜里吃出虫子。")
    client = client_for(cast.coordinator)
    response = client.get("/triage/suggest/batch/")
    assert response.status_code == 200
    groups = response.context["groups"]
    together = next(g for g in groups if a in g["opinions"])
    assert b in together["opinions"] and c not in together["opinions"]
    assert not Problem.objects.exists()
    category = Category.objects.get(code="paid_tutoring")
    response = client.post(
        "/triage/suggest/batch/confirm/",
        {"opinion": [a.pk, b.pk], "title": "教师有偿补课", "category": category.pk},
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert set(problem.opinions.values_list("pk", flat=True)) == {a.pk, b.pk}
    c.refresh_from_db()
    assert c.status == OpinionStatus.UNTRIAGED


def test_batch_review_is_for_coordinators_only(cast: SimpleNamespace) -> None:
    assert client_for(cast.officer).get("/triage/suggest/batch/").status_code == 403


def test_it_shows_a_notice_when_no_model_is_ready(cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("taizhang.triage.engine.default_model", lambda **kwargs: None)
    opinion = receive(cast, TUTORING)
    response = client_for(cast.coordinator).get(f"/triage/{opinion.pk}/")
    assert response.status_code == 200
    assert "retrain_triage" in response.content.decode()


def test_the_api_gives_the_same_suggestion(cast: SimpleNamespace, offices: None, make_problem: object) -> None:
    existing = make_problem()  # type: ignore[operator]
    opinion = receive(cast, "举报实验小学数学老师周末在小区里办补习班收钱。")
    response = client_for(cast.coordinator).get(f"/api/v1/triage/opinions/{opinion.pk}/suggestion")
    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "paid_tutoring"
    assert body["problems"][0]["number"] == existing.number
    assert body["model_version"] == Suggestion.objects.get(opinion=opinion).model_version
    assert client_for(cast.officer).get(f"/api/v1/triage/opinions/{opinion.pk}/suggestion").status_code == 403


def test_it_suggests_problems_at_the_concerned_school_not_at_a_school_sharing_a_short_form(
    cast: SimpleNamespace, offices: None, make_problem: object
) -> None:
    Unit.objects.create(name="青溪县第二实验小学", short_name="二实小", kind=UnitKind.SCHOOL, parent=cast.bureau)
    other = make_problem(text="青溪县第二实验小学有老师在校外有偿补课，每月收费800元。")  # type: ignore[operator]
    ours = make_problem(text="学校有老师在校外有偿补课，每月收费800元。")  # type: ignore[operator]
    opinion = do_receive_opinion(
        OpinionInput(channel="online_form", text="有老师在校外有偿补课，每月收费800元。", concerned_unit=cast.school),
        actor=cast.coordinator,
    )
    Opinion.objects.filter(links__problem=ours).update(concerned_unit=cast.school)
    [suggestion] = engine.suggest([opinion.text], concerned=[opinion.concerned_unit])
    assert suggestion.explanation["places"][0] == "青溪县实验小学"
    assert suggestion.explanation["place_kind"] == "school"
    assert suggestion.problems[0].problem == ours
    assert other not in [s.problem for s in suggestion.problems if s.places]
    [text_only] = engine.suggest(["青溪县实验小学有老师在校外有偿补课，每月收费800元。"])
    assert all(s.problem != other for s in text_only.problems if s.places)


def test_a_decision_through_the_api_is_learned_from_as_one_on_the_page(cast: SimpleNamespace, offices: None) -> None:
    opinion = receive(cast, TUTORING)
    client = client_for(cast.coordinator)
    assert client.get(f"/api/v1/triage/opinions/{opinion.pk}/suggestion").status_code == 200
    other = Category.objects.get(code="teacher_ethics")
    response = client.post(
        f"/api/v1/opinions/{opinion.pk}/create-problem",
        {"expected_version": opinion.version, "title": "教师师德问题", "description": TUTORING, "category": other.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    correction = Correction.objects.get(opinion=opinion)
    assert (correction.suggested_category, correction.category, correction.corrected_by) == (
        "paid_tutoring",
        "teacher_ethics",
        cast.coordinator,
    )
