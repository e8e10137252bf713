"""The `supervise` command: idempotent, catches up after an outage, survives a bad row."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from taizhang.audit.models import AuditEvent, Verb
from taizhang.problems.models import Problem, RectificationKind
from taizhang.supervision import documents
from taizhang.supervision.models import Notification, SupervisionAction
from taizhang.supervision.scheduler import RETRY_AFTER, sweep
from taizhang.supervision.tests.helpers import assign, at, fired, fired_states, new_problem

D = dt.date


def test_it_fires_nothing_twice_when_run_again(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        out = io.StringIO()
        call_command("supervise", stdout=out)
        assert "发出1项督办" in out.getvalue()
        call_command("supervise", stdout=io.StringIO())
        assert sweep().claimed == 0
    assert len(fired(problem)) == 1


def test_a_catch_up_after_an_outage_issues_only_the_highest_rung_still_due_dated_today(
    cast: SimpleNamespace,
) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:  # a Monday
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        assert problem.deadline == D(2026, 11, 11)  # 7 working days
        sweep()
        before = Notification.objects.filter(recipient=cast.officer).count()
        # The scheduler is down from 3 November until 25 November.
        traveller.move_to(at(D(2026, 11, 25), 7, 55))
        sweep()
        sweep()  # and again: nothing more
    assert fired_states(problem) == [
        ("forecast", D(2026, 11, 2), "issued", "青教预〔2026〕1号"),
        ("sign_reminder", D(2026, 11, 4), "issued", ""),  # still unsigned: the one current reminder
        ("reminder", D(2026, 11, 9), "skipped", ""),  # "due in two days" after the deadline: moot
        ("supervision_notice", D(2026, 11, 12), "skipped", ""),  # passed over by the higher rung
        ("criticism", D(2026, 11, 18), "draft", ""),  # the highest rung due: drafted, issued only once approved
    ]  # 组织调整建议 falls on 25 Nov at 08:00, after this sweep
    problem.refresh_from_db()
    assert problem.ladder_level == 2 and problem.next_check_at == at(D(2026, 11, 25), 8)
    new = Notification.objects.filter(recipient=cast.officer).order_by("id")[before:]
    assert [n.title for n in new] == ["QX26-00001 签收超时提醒"]  # one message for the unit, dated now
    assert all(n.created_at == at(D(2026, 11, 25), 7, 55) for n in new)
    drafts = Notification.objects.filter(recipient=cast.coordinator, title__contains="草稿待审批")
    assert (
        drafts.count() == 1 and Notification.objects.filter(recipient=cast.leader, title__contains="草稿").count() == 1
    )
    summaries = list(
        AuditEvent.objects.filter(problem=problem, verb=Verb.SUPERVISION_FIRED).values_list("summary", flat=True)
    )
    assert "补发时已合并，未单独发出" in summaries[3] and "应督办日期2026年11月12日" in summaries[3]


def test_it_keeps_sweeping_past_a_bad_row(cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        good = assign(cast, new_problem(cast, "食堂卫生"), milestone_on=D(2026, 11, 3))
        bad = assign(cast, new_problem(cast, "乱收费"), milestone_on=D(2026, 11, 3))
        real = documents.problem_values

        def broken(problem: Problem, *args: Any) -> Any:
            if problem.pk == bad.pk:
                raise RuntimeError("模板损坏")
            return real(problem, *args)

        monkeypatch.setattr("taizhang.supervision.actions.problem_values", broken)
        result = sweep()
    assert result.failed == [bad.pk] and result.fired == 1
    assert len(fired(good)) == 1 and fired(bad) == []
    bad.refresh_from_db()
    assert bad.next_check_at == at(D(2026, 11, 2)) + RETRY_AFTER
    # The failed row took no number: the good one has the first, no gap.
    assert SupervisionAction.objects.get(problem=good).doc_number == "青教预〔2026〕1号"


def test_it_retries_a_batch_one_by_one_when_its_writes_fail(
    cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taizhang.supervision import scheduler

    def failing_batch(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("数据库写入失败")

    monkeypatch.setattr(scheduler, "do_supervise_batch", failing_batch)
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        problems = [assign(cast, new_problem(cast, f"问题{i}"), milestone_on=D(2026, 11, 3)) for i in range(3)]
        result = sweep()
    assert result.fired == 3 and result.failed == []
    assert sorted(a[2] for p in problems for a in fired(p)) == [f"青教预〔2026〕{i}号" for i in (1, 2, 3)]


def test_it_stops_when_the_problem_is_returned(cast: SimpleNamespace) -> None:
    from taizhang.problems.actions import do_return_problem

    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3), kind=RectificationKind.TIME_LIMITED)
        sweep()
        do_return_problem(problem, actor=cast.officer, reason="不属于本股室职责")
        traveller.move_to(at(D(2026, 12, 30)))
        assert sweep().fired == 0
    assert [f[0] for f in fired(problem)] == ["forecast"]


def test_it_sends_a_rectification_notice_to_a_unit_with_many_overdue_problems(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        for i in range(5):
            assign(cast, new_problem(cast, f"问题{i}"), milestone_on=D(2026, 11, 3))
        traveller.move_to(at(D(2026, 11, 13)))
        first = sweep()
        again = sweep()
    assert first.unit_notices == 1 and again.unit_notices == 0
    notice = SupervisionAction.objects.get(problem=None)
    assert notice.doc_number == "青教改〔2026〕1号" and "5个问题" in notice.body
    assert Notification.objects.filter(recipient=cast.officer, title__contains="整改通知").exists()


def test_it_reminds_a_long_term_problem_to_report_every_month(cast: SimpleNamespace) -> None:
    from taizhang.problems.actions import do_sign_problem

    with time_machine.travel(at(D(2026, 7, 1)), tick=False) as traveller:
        problem = assign(cast, new_problem(cast), milestone_on=D(2026, 7, 3), kind=RectificationKind.LONG_TERM)
        do_sign_problem(problem, actor=cast.officer)
        sweep()
        traveller.move_to(at(D(2026, 9, 1)))
        sweep()
    periodic = [f[1] for f in fired(problem) if f[0] == "periodic_report"]
    # Every 30 days after 1 July: 31 July (a Friday) and 30 August, a Sunday, moved to Monday 31 August.
    assert periodic == [D(2026, 7, 31), D(2026, 8, 31)]
