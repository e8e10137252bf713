from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PNG_BYTES, milestones_done, rated_by_everyone
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import today
from taizhang.problems import actions
from taizhang.problems.models import Attachment, Milestone, Problem, Status


def step(client: Client, problem: Problem, name: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
    payload = {f"{name}-{k}": v for k, v in data.items()}
    payload[f"{name}-version"] = Problem.objects.get(pk=problem.pk).version
    payload.update(files or {})
    return client.post(reverse("problem_step", args=[problem.pk, name]), payload)


def assign_data(cast: SimpleNamespace, **overrides: Any) -> dict[str, Any]:
    data = {
        "lead_unit": cast.basic.pk,
        "co_units": [cast.safety.pk],
        "responsible_person": "钱股长",
        "measures": "约谈涉事教师，清退费用。",
        "kind": "time_limited",
        "deadline": (today() + dt.timedelta(days=20)).isoformat(),
        "milestone_title_1": "调查核实",
        "milestone_due_1": (today() + dt.timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return data


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def test_it_runs_the_loop_through_the_pages(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.NEW)
    client.force_login(cast.coordinator)
    assert step(client, problem, "assign", assign_data(cast)).status_code == 302
    client.force_login(cast.officer)
    assert step(client, problem, "sign", {}).status_code == 302
    response = step(
        client, problem, "report_progress", {"text": "已约谈", "percent": 40}, {"report_progress-evidence": [png()]}
    )
    assert response.status_code == 302
    html = page(client, problem)
    assert 'id="step-milestone"' in html and 'id="step-closure"' not in html  # 销号 once the 路线图 is done
    [milestone] = Milestone.objects.filter(assignment__problem=problem)
    response = step(
        client,
        problem,
        "complete_milestone",
        {"milestone": milestone.pk, "note": "已核实并约谈"},
        {"complete_milestone-evidence": [png("约谈记录.png")]},
    )
    assert response.status_code == 302
    assert 'id="step-closure"' in page(client, problem)
    apply_and_review(client, cast, problem, "已整改完毕")
    client.force_login(cast.coordinator)
    html = page(client, problem)
    assert 'id="step-verifier"' in html and "待指定验收人" in html
    assert step(client, problem, "name_verifier", {"verifier": cast.inspector.pk}).status_code == 302
    client.force_login(cast.inspector)
    assert 'id="step-decide"' in page(client, problem)
    response = step(client, problem, "decide_closure", {"decision": "reject", "reason": "佐证材料不足"})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == Status.RECTIFYING
    apply_and_review(client, cast, problem, "补充材料")
    client.force_login(cast.coordinator)
    step(client, problem, "name_verifier", {"verifier": cast.coordinator2.pk})
    client.force_login(cast.coordinator2)
    visit = {"decision": "accept", "reason": "现场核查属实", "on_site": "on"}
    visit |= {"site_visited_on": today().isoformat(), "site_place": "实验小学"}
    assert step(client, problem, "decide_closure", visit).status_code == 302
    problem.refresh_from_db()
    assert problem.status == Status.FOLLOW_UP and problem.closed_at is not None
    assert "正在回访反映人" in page(client, problem)
    problem = rated_by_everyone(problem)
    client.force_login(cast.coordinator)
    assert step(client, problem, "reopen", {"reason": "群众反映仍在补课"}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == Status.RECTIFYING and problem.reopen_count == 1
    html = page(client, problem)
    for label in (
        "交办",
        "签收",
        "报告整改进展",
        "完成路线图节点",
        "申请销号",
        "单位负责人审核通过销号申请",
        "指定验收人",
    ):
        assert label in html
    for label in ("验收不通过", "验收通过，销号", "在实验小学现场核查", "重办"):
        assert label in html
    assert Attachment.objects.filter(problem=problem).count() == 4


def page(client: Client, problem: Problem) -> str:
    return client.get(reverse("problem_detail", args=[problem.pk])).content.decode()


def apply_and_review(client: Client, cast: SimpleNamespace, problem: Problem, summary: str) -> None:
    client.force_login(cast.officer)
    response = step(
        client, problem, "apply_closure", {"summary": summary}, {"apply_closure-evidence": [png("报告.png")]}
    )
    assert response.status_code == 302
    client.force_login(cast.unit_head)
    html = page(client, problem)
    assert 'id="step-review"' in html and "待单位负责人审核" in html
    assert step(client, problem, "review_closure", {"decision": "approve", "note": ""}).status_code == 302


def test_it_refuses_the_assigner_as_verifier_on_the_page(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.VERIFYING)  # the inspector is its verifier; coord assigned it
    client.force_login(cast.coordinator2)
    response = step(client, problem, "name_verifier", {"verifier": cast.coordinator.pk})
    assert response.status_code == 400
    assert "交办该问题的人员不能验收该问题" in response.content.decode()
    assert problem.closures.get().verifier == cast.inspector


def test_it_refuses_a_decision_by_anyone_but_the_verifier_on_the_page(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.VERIFYING)
    client.force_login(cast.coordinator2)
    assert 'id="step-decide"' not in page(client, problem)
    response = step(client, problem, "decide_closure", {"decision": "accept", "reason": ""})
    assert response.status_code == 403
    assert "只有牵头部门为该销号申请指定的验收人可以作出验收结论" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == Status.VERIFYING


def test_it_sends_a_closure_back_from_the_head_with_a_reason(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    client.force_login(cast.officer)
    step(client, problem, "apply_closure", {"summary": "已整改"}, {"apply_closure-evidence": [png()]})
    client.force_login(cast.unit_head)
    response = step(client, problem, "review_closure", {"decision": "send_back", "note": ""})
    assert response.status_code == 400 and "退回须说明理由" in response.content.decode()
    response = step(client, problem, "review_closure", {"decision": "send_back", "note": "照片不清楚"})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == Status.RECTIFYING
    assert "单位负责人退回" in page(client, problem)


def test_it_refuses_an_assignment_without_a_milestone(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.NEW)
    client.force_login(cast.coordinator)
    response = step(client, problem, "assign", assign_data(cast, milestone_title_1="", milestone_due_1=""))
    assert response.status_code == 400
    assert "请至少填写一个路线图节点" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == Status.NEW and not problem.assignments.exists()


def test_it_refuses_a_deadline_in_the_past(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.NEW)
    client.force_login(cast.coordinator)
    past = (today() - dt.timedelta(days=1)).isoformat()
    response = step(client, problem, "assign", assign_data(cast, deadline=past))
    assert response.status_code == 400
    assert "整改时限不能早于交办当日" in response.content.decode()
    assert not problem.assignments.exists()


def test_it_refuses_a_file_of_the_wrong_type_without_side_effects(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.RECTIFYING)
    client.force_login(cast.officer)
    fake = SimpleUploadedFile("报告.pdf", b"MZ this is an exe", content_type="application/pdf")
    response = step(
        client, problem, "report_progress", {"text": "进展", "percent": 10}, {"report_progress-evidence": [fake]}
    )
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()
    assert not problem.progress_reports.exists() and not Attachment.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(
    client: Client, cast: SimpleNamespace, make_problem: Any, settings: Any
) -> None:
    settings.TAIZHANG_MAX_UPLOAD_BYTES = 32
    problem = make_problem(Status.RECTIFYING)
    client.force_login(cast.officer)
    response = step(
        client, problem, "report_progress", {"text": "进展", "percent": 10}, {"report_progress-evidence": [png()]}
    )
    assert response.status_code == 400
    assert "超过大小上限" in response.content.decode()
    assert not problem.progress_reports.exists()


def test_it_gives_the_second_editor_a_conflict(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.RECTIFYING)
    client.force_login(cast.officer)
    stale = problem.version
    url = reverse("problem_step", args=[problem.pk, "report_progress"])
    first = client.post(
        url, {"report_progress-version": stale, "report_progress-text": "甲", "report_progress-percent": 30}
    )
    second = client.post(
        url, {"report_progress-version": stale, "report_progress-text": "乙", "report_progress-percent": 20}
    )
    assert first.status_code == 302 and second.status_code == 409
    assert "已被他人修改" in second.content.decode()
    assert list(problem.progress_reports.values_list("text", flat=True)) == ["甲"]


def test_it_hides_other_units_problems(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.ASSIGNED)
    client.force_login(cast.other_officer)  # 安全稳定股 is a co-unit: it sees the problem but cannot sign
    assert client.get(reverse("problem_detail", args=[problem.pk])).status_code == 200
    assert step(client, problem, "sign", {}).status_code == 403
    outsider = make_problem(Status.NEW)
    assert client.get(reverse("problem_detail", args=[outsider.pk])).status_code == 404
    listing = client.get(reverse("ledger")).content.decode()
    assert problem.number in listing and outsider.number not in listing


def test_it_filters_the_ledger_and_rejects_bad_filters(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    closed = make_problem(Status.CLOSED, text="一中食堂饭菜涨价")
    fresh = make_problem(Status.NEW, text="二中校车超载")
    client.force_login(cast.leader)
    html = client.get(reverse("ledger"), {"status": "closed"}).content.decode()
    assert closed.number in html and fresh.number not in html
    html = client.get(reverse("ledger"), {"q": "校车"}).content.decode()
    assert fresh.number in html and closed.number not in html
    bad = client.get(reverse("ledger"), {"deadline_from": "2026-12-01", "deadline_to": "2026-11-01"})
    assert bad.status_code == 400 and "不能早于" in bad.content.decode()


def test_it_exports_the_ledger_to_excel(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    make_problem(Status.CLOSED)
    make_problem(Status.RECTIFYING, text="二中校车超载")
    client.force_login(cast.coordinator)
    response = client.get(reverse("ledger_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book["整改台账"].iter_rows(values_only=True))
    assert rows[2][:4] == ("序号", "问题编号", "问题描述", "问题类别")
    assert "销号时间" in rows[2]
    data = rows[3:]
    assert len(data) == 2
    assert {r[13] for r in data} == {"已完成", "整改中（0%）"}
    assert all(r[6] == "基础教育股" and r[7] == "安全稳定股" for r in data)


def test_it_records_who_did_what(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.CLOSED)
    accepted = AuditEvent.objects.get(problem=problem, verb=Verb.CLOSURE_ACCEPTED)
    assert accepted.actor == cast.inspector and accepted.actor_name == "周督导"


def test_it_lists_the_ledger_in_constant_queries(
    client: Client, cast: SimpleNamespace, make_problem: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        make_problem(Status.RECTIFYING)
    client.force_login(cast.coordinator)
    client.get(reverse("ledger"))  # warm the session and the form's choices
    with django_assert_num_queries(8) as first:
        client.get(reverse("ledger"))
    for _ in range(5):
        make_problem(Status.ASSIGNED)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("ledger"))


def test_it_exports_formula_like_text_as_text(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.RECTIFYING)
    actions.do_report_progress(problem, actor=cast.officer, text='=HYPERLINK("http://evil.example","点我")', percent=5)
    client.force_login(cast.coordinator)
    content = b"".join(client.get(reverse("ledger_export")).streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(content))["整改台账"]
    cell = sheet.cell(row=4, column=13)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil.example","点我")'


def test_it_keeps_receipt_codes_and_reporters_from_the_unit(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.ASSIGNED)
    opinion = problem.opinions.get()
    client.force_login(cast.officer)
    html = client.get(reverse("problem_detail", args=[problem.pk])).content.decode()
    assert opinion.receipt_code not in html
    assert "张三" not in html and "13812345678" not in html
    assert "实名（不向责任单位公开）" in html
