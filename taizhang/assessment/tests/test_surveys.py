"""民主评议: one answer per browser per unit, the address limit, one-time rater links, the public face, audit."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import clear_url_caches

from taizhang.assessment import actions
from taizhang.assessment.models import AnswerVia, Survey, SurveyAnswer, SurveyRater
from taizhang.assessment.surveys import VOTER_COOKIE
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError, Conflict


@pytest.fixture
def survey(cast: SimpleNamespace, at: Any) -> Survey:
    at(11, 20)
    return actions.do_create_survey(
        actions.SurveyInput("民主评议", dt.date(2026, 11, 20), dt.date(2026, 11, 30), [cast.basic, cast.safety]),
        actor=cast.coordinator,
    )


def test_a_browser_answers_each_unit_once(cast: SimpleNamespace, survey: Survey, client: Client) -> None:
    url = f"/survey/{survey.public_token}/"
    page = client.get(url)
    assert page.status_code == 200 and "基础教育股" in page.content.decode()
    voter = client.cookies[VOTER_COOKIE].value
    assert len(voter) == 32
    answer = client.post(url, {f"unit-{cast.basic.pk}": "satisfied"})
    assert answer.status_code == 200 and "已收到您对 1 个单位的评价" in answer.content.decode()
    again = client.post(url, {f"unit-{cast.basic.pk}": "dissatisfied"})
    assert again.status_code == 409 and "每人每个单位只能评价一次" in again.content.decode()
    client.post(url, {f"unit-{cast.basic.pk}": "dissatisfied", f"unit-{cast.safety.pk}": "basic"})  # only the new one
    stored = list(SurveyAnswer.objects.order_by("unit_id").values_list("unit_id", "grade", "via"))
    assert stored == [(cast.basic.pk, "satisfied", "public"), (cast.safety.pk, "basic", "public")]
    assert voter not in {a.voter_key for a in SurveyAnswer.objects.all()}  # only a keyed hash is kept
    assert AuditEvent.objects.filter(verb=Verb.SURVEY_ANSWERED).count() == 2
    assert voter not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    other = Client()
    other.get(url)
    assert other.post(url, {f"unit-{cast.basic.pk}": "fairly"}).status_code == 200  # another browser, another person


def test_a_browser_without_the_cookie_cannot_answer(cast: SimpleNamespace, survey: Survey, client: Client) -> None:
    answer = client.post(f"/survey/{survey.public_token}/", {f"unit-{cast.basic.pk}": "satisfied"})
    assert answer.status_code == 403 and "请允许浏览器保存 Cookie" in answer.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_one_address_is_limited(cast: SimpleNamespace, survey: Survey, settings: Any) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"survey_ip": "2/h"}
    for n in range(3):
        browser = Client()
        browser.get(f"/survey/{survey.public_token}/")
        answer = browser.post(f"/survey/{survey.public_token}/", {f"unit-{cast.basic.pk}": "satisfied"})
        assert answer.status_code == (200 if n < 2 else 429)
    assert "操作过于频繁" in answer.content.decode()
    assert SurveyAnswer.objects.count() == 2


def test_bad_or_late_answers_are_refused(cast: SimpleNamespace, survey: Survey, at: Any) -> None:
    with pytest.raises(ActionError, match="请至少评价一个单位"):
        actions.do_answer_survey(survey, {}, voter_id="x" * 32)
    with pytest.raises(ActionError, match="评价内容无效"):
        actions.do_answer_survey(survey, {cast.school.pk: "satisfied"}, voter_id="x" * 32)  # not in the survey
    with pytest.raises(ActionError, match="评价内容无效"):
        actions.do_answer_survey(survey, {cast.basic.pk: "excellent"}, voter_id="x" * 32)
    at(12, 1)
    with pytest.raises(Conflict, match="不在评议时间内"):
        actions.do_answer_survey(survey, {cast.basic.pk: "satisfied"}, voter_id="x" * 32)
    assert not SurveyAnswer.objects.exists()


def test_a_named_rater_answers_once_through_the_personal_link(
    cast: SimpleNamespace, survey: Survey, client: Client
) -> None:
    [(_rater, token)] = actions.do_add_raters(
        survey, [actions.RaterInput("安全股评议员", "unit", cast.safety)], actor=cast.coordinator
    )
    assert SurveyRater.objects.get().token_hash != token and token not in str(
        AuditEvent.objects.values_list("data", flat=True)
    )
    page = client.get(f"/survey/invite/{token}/")
    assert "安全股评议员" in page.content.decode() and "安全稳定股" not in page.content.decode()  # not its own unit
    own = client.post(f"/survey/invite/{token}/", {f"unit-{cast.safety.pk}": "satisfied"})
    assert own.status_code == 400 and "评议人不能评价本单位" in own.content.decode()
    done = client.post(f"/survey/invite/{token}/", {f"unit-{cast.basic.pk}": "fairly"})
    assert done.status_code == 200 and SurveyAnswer.objects.get().via == AnswerVia.RATER
    again = client.post(f"/survey/invite/{token}/", {f"unit-{cast.basic.pk}": "dissatisfied"})
    assert again.status_code == 409 and "该评议链接已经使用过" in again.content.decode()
    assert client.get("/survey/invite/not-a-token/").status_code == 404
    assert SurveyAnswer.objects.get().grade == "fairly"


def test_staff_see_the_counts_and_links_once(cast: SimpleNamespace, survey: Survey, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.post(f"/assessment/surveys/{survey.pk}/raters/", {"raters": "刘代表，人大代表、政协委员\n何家长，服务对象"})
    assert list(SurveyRater.objects.values_list("kind", flat=True)) == ["deputy", "service_user"]
    page = client.get(f"/assessment/surveys/{survey.pk}/").content.decode()
    assert page.count("/survey/invite/") == 4 and "<svg" in page  # two links, each as href and text
    assert client.get(f"/assessment/surveys/{survey.pk}/").content.decode().count("/survey/invite/") == 0
    client.force_login(cast.officer)
    assert client.get(f"/assessment/surveys/{survey.pk}/").status_code == 403


def test_creating_a_survey_checks_its_input(cast: SimpleNamespace, client: Client) -> None:
    client.force_login(cast.coordinator)
    page = client.post(
        "/assessment/surveys/new/",
        {"title": "评议", "opens_on": "2026-12-10", "closes_on": "2026-12-01", "units": [cast.basic.pk]},
    )
    assert page.status_code == 400 and "截止日期早于开始日期" in page.content.decode()
    assert not Survey.objects.exists()


def test_the_survey_is_on_the_public_face(cast: SimpleNamespace, survey: Survey, settings: Any, client: Client) -> None:
    settings.ROOT_URLCONF = "taizhang.public.face_urls"
    clear_url_caches()
    try:
        assert client.get(f"/survey/{survey.public_token}/").status_code == 200
        assert client.get("/assessment/").status_code == 404
        assert client.get(f"/assessment/surveys/{survey.pk}/").status_code == 404
    finally:
        clear_url_caches()
