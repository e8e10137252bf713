from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.intake.actions import do_dismiss_opinion, do_link_opinion
from taizhang.intake.models import Opinion
from taizhang.problems import closure as closure_actions
from taizhang.problems.models import ClosureApplication, Problem, Status
from taizhang.public.actions import PublicSubmission, do_submit_public_opinion

STAFF_NAMES = ("钱股长", "赵联络", "王协调", "李牵头", "周督导", "张三", "13812345678")


def track(client: Client, code: str, ip: str = "198.51.100.1") -> Any:
    return client.get(reverse("track"), {"code": code}, REMOTE_ADDR=ip)


def comparable(response: Any) -> str:
    """The page without what differs on every render (the CSRF token) or echoes the address (the language
    switch's way back)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'id="code" name="code" value="[^"]*"', "", html)  # the typed code, kept in the box
    return re.sub(r'name="next" value="[^"]*"', "", html)


def code_of(problem: Problem) -> str:
    return Opinion.objects.filter(links__problem=problem).get().receipt_code


def test_it_shows_a_received_opinion(client: Client, cast: SimpleNamespace) -> None:
    opinion = do_submit_public_opinion(PublicSubmission(text="食堂饭菜分量不足。", anonymous=True))
    response = track(client, opinion.receipt_code.lower().replace("-", " "))  # typed as people type it
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "已受理，正在梳理" in html and "收到您的反映" in html and "食堂饭菜" not in html


def test_it_tells_a_closed_case_in_words_with_the_office_deadline_and_result(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.CLOSED)
    html = track(client, code_of(problem)).content.decode()
    assert "已整改并验收销号" in html
    assert "基础教育股" in html and "安全稳定股" in html  # the office handling it and the co-unit
    assert problem.deadline is not None and f"{problem.deadline.year}年" in html
    assert "问题已整改完成，经验收销号。整改情况：已清退费用并通报。" in html
    assert '<span class="badge closed">已销号</span>' in html
    for step in ("收到您的反映", "立项", "交办", "责任单位签收", "整改完成，申请验收", "验收通过", "回访结束，销号"):
        assert step in html
    for person in STAFF_NAMES:
        assert person not in html
    assert "现场核查属实" not in html  # the verifier's own words stay inside


def test_it_shows_the_answer_of_a_dismissed_opinion_masked(client: Client, cast: SimpleNamespace) -> None:
    opinion = do_submit_public_opinion(PublicSubmission(text="某老师体罚学生。", anonymous=True))
    do_dismiss_opinion(
        opinion, actor=cast.coordinator, reason="untrue", answer="经核查不属实，如有疑问请致电13712345678。"
    )
    html = track(client, opinion.receipt_code).content.decode()
    assert "反映不属实" in html and "经核查不属实" in html
    assert "13712345678" not in html and "137****5678" in html


@pytest.mark.parametrize("typed", ["ABCDE-FGHJK", "abc", "!!!", "ABCDE-FGHJK-2", "'; drop table"])
def test_it_answers_an_unknown_and_a_malformed_code_alike(client: Client, cast: SimpleNamespace, typed: str) -> None:
    baseline = track(client, "ZZZZZ-ZZZZZ", ip="198.51.100.2")
    response = track(client, typed, ip="198.51.100.3")
    assert response.status_code == baseline.status_code == 404
    assert comparable(response) == comparable(baseline)
    assert "没有查到与此查询码对应的反映" in response.content.decode()


def test_it_refuses_an_address_that_keeps_guessing(client: Client, cast: SimpleNamespace, settings: Any) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"track_miss_ip": "3/h"}
    opinion = do_submit_public_opinion(PublicSubmission(text="食堂饭菜分量不足。", anonymous=True))
    for n in range(3):
        assert track(client, f"ABCDE-FGHJ{n + 2}").status_code == 404
    refused = track(client, opinion.receipt_code)  # even a right code, once the address is guessing
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert 'id="timeline"' not in refused.content.decode()
    assert track(client, opinion.receipt_code, ip="198.51.100.99").status_code == 200


def test_it_limits_the_lookups_of_one_code(client: Client, cast: SimpleNamespace, settings: Any) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"track_code": "2/h"}
    opinion = do_submit_public_opinion(PublicSubmission(text="食堂饭菜分量不足。", anonymous=True))
    for n in range(2):
        assert track(client, opinion.receipt_code, ip=f"198.51.100.{n + 1}").status_code == 200
    assert track(client, opinion.receipt_code, ip="198.51.100.50").status_code == 429


def test_it_pins_the_follow_page_queries(
    client: Client,
    cast: SimpleNamespace,
    make_problem: Callable[..., Problem],
    django_assert_max_num_queries: Any,
) -> None:
    code = code_of(make_problem(Status.CLOSED))
    # The first look finds no kept page, loads the opinion, builds the timeline and stores it
    # (taizhang.public.snapshots): 3 of them the rate-limit counters (new windows sweep old ones), 2 the kept
    # page's row; a problem in 待回访 adds 1 (is a rating open).
    with django_assert_max_num_queries(14):
        assert track(client, code).status_code == 200
    # Every later look while nothing changed: the counters (the miss check, both hits in one statement) and the
    # opinion's kept page, looked up by its code.
    with django_assert_max_num_queries(3):
        assert track(client, code).status_code == 200


def test_it_says_when_the_lookup_has_no_code_yet(client: Client, db: Any) -> None:
    response = client.get(reverse("track"))
    assert response.status_code == 200 and "没有查到" not in response.content.decode()
    assert dt.date.today().year > 2000


def test_a_duplicate_merged_later_starts_its_timeline_with_its_own_opinion(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.RECTIFYING)
    opinion = do_submit_public_opinion(PublicSubmission(text="又一位家长反映有偿补课。", anonymous=True))
    do_link_opinion(opinion, problem, actor=cast.coordinator)
    html = track(client, opinion.receipt_code).content.decode()
    steps = re.findall(r"<li><b>([^<]+)</b>", html)
    assert steps == ["收到您的反映", "合并办理"]
    assert "整改中" in html and "基础教育股" in html  # the office and status come from the problem itself


def test_it_masks_reporters_pupils_and_classes_in_what_staff_wrote(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.VERIFYING)  # reported by 张三, 13812345678
    ClosureApplication.objects.filter(problem=problem).update(
        summary="已向张三（13812345678）反馈；三年级二班学生李小明的补课费已退还。"
    )
    closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")
    html = track(client, code_of(problem)).content.decode()
    assert "补课费已退还" in html
    for secret in ("张三", "13812345678", "三年级二班", "李小明"):
        assert secret not in html


def test_it_shows_only_the_progress_notes_the_unit_made_public_and_masks_them(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    from taizhang.problems import actions as problem_actions

    problem = make_problem(Status.RECTIFYING)  # reported by 张三, 13812345678
    problem_actions.do_report_progress(problem, actor=cast.officer, text="内部：已约谈王老师，拟给予警告。", percent=40)
    problem_actions.do_report_progress(
        Problem.objects.get(pk=problem.pk),
        actor=cast.officer,
        text="已与张三（13812345678）沟通，三年级二班的补课已停止，费用正在清退。",
        percent=70,
        public=True,
    )
    html = track(client, code_of(problem)).content.decode()
    assert "已完成 40%" in html and "拟给予警告" not in html  # a note kept inside shows only its progress
    assert "已完成 70%：" in html and "的补课已停止，费用正在清退" in html
    for secret in ("张三", "13812345678", "三年级二班"):
        assert secret not in html
    body = client.get(f"/api/v1/public/track/{code_of(problem)}", REMOTE_ADDR="198.51.100.9").json()
    notes = [p["note"] for p in body["progress"]]
    assert notes[0] == "" and "费用正在清退" in notes[1] and "13812345678" not in notes[1]


def test_a_mistyped_code_stays_in_the_box(client: Client, cast: SimpleNamespace) -> None:
    response = track(client, "ABCDE-FGHJ1")
    assert response.status_code == 404
    assert 'id="code" name="code" value="ABCDE-FGHJ1"' in response.content.decode()
