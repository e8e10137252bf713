from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent, Verb
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.intake.models import Opinion, OpinionStatus
from taizhang.problems.models import Problem, Source, Status


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def receive(cast: SimpleNamespace, text: str = "城关小学食堂饭菜分量不足。", channel: str = "hotline_12345") -> Opinion:
    return do_receive_opinion(
        OpinionInput(channel=channel, text=text, reporter_name="张三", reporter_phone="13812345678"),
        actor=cast.coordinator,
    )


def test_it_registers_an_opinion_with_a_receipt_code(client: Client, cast: SimpleNamespace) -> None:
    login(client, cast.coordinator)
    response = client.post(
        reverse("opinion_new"),
        {
            "channel": "leader_visit",
            "text": "家长来访反映校车超载。",
            "reporter_name": "李四",
            "reporter_phone": "13900001111",
        },
    )
    opinion = Opinion.objects.get()
    assert response.status_code == 302
    assert len(opinion.receipt_code) == 11
    assert opinion.status == OpinionStatus.UNTRIAGED
    page = client.get(response["Location"])
    assert opinion.receipt_code in page.content.decode()
    assert AuditEvent.objects.filter(opinion=opinion, verb=Verb.OPINION_RECEIVED).count() == 1


def test_it_refuses_an_empty_opinion_and_writes_nothing(client: Client, cast: SimpleNamespace) -> None:
    login(client, cast.coordinator)
    response = client.post(reverse("opinion_new"), {"channel": "online_form", "text": "   "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert not Opinion.objects.exists()


def test_it_keeps_unit_officers_out_of_intake(client: Client, cast: SimpleNamespace) -> None:
    login(client, cast.officer)
    assert client.get(reverse("opinion_new")).status_code == 403
    assert client.get(reverse("triage_inbox")).status_code == 403


def test_it_lists_the_inbox_oldest_first(client: Client, cast: SimpleNamespace, time_machine: Any) -> None:
    time_machine.move_to("2026-11-01 09:00 +0800")
    old = receive(cast, "最早的一条意见")
    time_machine.move_to("2026-11-05 09:00 +0800")
    receive(cast, "较新的一条意见")
    login(client, cast.coordinator)
    html = client.get(reverse("triage_inbox")).content.decode()
    assert html.index("最早的一条意见") < html.index("较新的一条意见")
    assert "4天" in html and old.receipt_code in html


def test_it_creates_a_problem_from_an_opinion(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    login(client, cast.coordinator)
    response = client.post(
        reverse("triage_opinion", args=[opinion.pk]),
        {
            "action": "create",
            "create-version": opinion.version,
            "create-title": "城关小学食堂分量不足",
            "create-description": opinion.text,
            "create-category": cast.category.pk,
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("problem_detail", args=[problem.pk])
    assert problem.status == Status.NEW and problem.number == "QX26-00001"
    assert list(problem.opinions.all()) == [opinion]
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.LINKED


def test_it_merges_a_duplicate_keeping_its_own_channel(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.NEW)
    duplicate = receive(cast, "实验小学数学老师周末在家办班收费。", channel="suggestion_box")
    login(client, cast.coordinator)
    response = client.post(
        reverse("triage_opinion", args=[duplicate.pk]),
        {"action": "link", "link-version": duplicate.version, "link-problem_number": problem.number.lower()},
    )
    assert response.status_code == 302
    channels = sorted(problem.opinions.values_list("channel", flat=True))
    assert channels == ["hotline_12345", "suggestion_box"]
    assert problem.opinions.count() == 2


def test_it_splits_one_opinion_into_two_problems(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast, "一中食堂涨价，而且校门口接送秩序混乱。")
    login(client, cast.coordinator)
    response = client.post(
        reverse("triage_opinion", args=[opinion.pk]),
        {
            "action": "split",
            "split-version": opinion.version,
            "split-title_1": "一中食堂涨价",
            "split-category_1": cast.category.pk,
            "split-title_2": "一中校门口接送秩序",
            "split-category_2": cast.category.pk,
        },
    )
    assert response.status_code == 302
    assert opinion.problems.count() == 2


def test_it_refuses_a_split_with_one_row(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    login(client, cast.coordinator)
    response = client.post(
        reverse("triage_opinion", args=[opinion.pk]),
        {
            "action": "split",
            "split-version": opinion.version,
            "split-title_1": "只有一个",
            "split-category_1": cast.category.pk,
        },
    )
    assert response.status_code == 400
    assert "拆分至少需要两个问题" in response.content.decode()
    assert not Problem.objects.exists()


def test_it_dismisses_with_an_answer_the_reporter_sees(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    login(client, cast.coordinator)
    response = client.post(
        reverse("triage_opinion", args=[opinion.pk]),
        {
            "action": "dismiss",
            "dismiss-version": opinion.version,
            "dismiss-reason": "untrue",
            "dismiss-answer": "经核查，该校食堂按标准供餐。",
        },
    )
    assert response.status_code == 302
    public = Client().get(reverse("track"), {"code": opinion.receipt_code})
    html = public.content.decode()
    assert "经核查，该校食堂按标准供餐" in html and "不予立项" in html
    assert "张三" not in html and "13812345678" not in html


def test_it_refuses_a_second_triage_of_the_same_opinion(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    login(client, cast.coordinator)
    data = {
        "action": "dismiss",
        "dismiss-version": opinion.version,
        "dismiss-reason": "untrue",
        "dismiss-answer": "不属实",
    }
    client.post(reverse("triage_opinion", args=[opinion.pk]), data)
    again = client.post(reverse("triage_opinion", args=[opinion.pk]), data)
    assert again.status_code == 409
    assert AuditEvent.objects.filter(opinion=opinion, verb=Verb.OPINION_DISMISSED).count() == 1


def test_it_decides_self_found_from_server_times(cast: SimpleNamespace, client: Client, time_machine: Any) -> None:
    time_machine.move_to("2026-11-02 09:00 +0800")
    self_found = receive(cast, "自查发现：实验小学违规征订教辅。", channel="self_inspection")
    time_machine.move_to("2026-11-03 09:00 +0800")
    report = receive(cast, "举报实验小学强制征订教辅。", channel="report")
    login(client, cast.coordinator)
    client.post(
        reverse("triage_opinion", args=[report.pk]),
        {
            "action": "create",
            "create-version": 1,
            "create-title": "违规征订教辅",
            "create-description": report.text,
            "create-category": cast.category.pk,
        },
    )
    problem = Problem.objects.get()
    assert problem.source == Source.EXPOSED
    client.post(
        reverse("triage_opinion", args=[self_found.pk]),
        {"action": "link", "link-version": 1, "link-problem_number": problem.number},
    )
    problem.refresh_from_db()
    assert problem.source == Source.SELF_FOUND  # the self-inspection reached the server first


def test_it_shows_a_report_reporter_only_to_discipline_and_logs_it(client: Client, cast: SimpleNamespace) -> None:
    report = receive(cast, "举报某校长收受礼品。", channel="report")
    login(client, cast.coordinator)
    assert "张三" not in client.get(reverse("opinion_detail", args=[report.pk])).content.decode()
    login(client, cast.discipline)
    assert "张三" not in client.get(reverse("opinion_detail", args=[report.pk])).content.decode()
    shown = client.post(reverse("opinion_unmask", args=[report.pk])).content.decode()
    assert "张三 13812345678" in shown
    assert AuditEvent.objects.filter(opinion=report, verb=Verb.REPORTER_UNMASKED, actor=cast.discipline).exists()
    login(client, cast.coordinator)
    assert client.post(reverse("opinion_unmask", args=[report.pk])).status_code == 403
