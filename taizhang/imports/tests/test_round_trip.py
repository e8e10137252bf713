"""The 台账 export reads back through the importer into the same problems, and prints as an office expects."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import openpyxl
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from taizhang.imports.planning import plan_file
from taizhang.problems.models import Problem, Status


def exported(client: Client) -> bytes:
    response = client.get(reverse("ledger_export"))
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_export_reads_back_into_the_same_problems(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    made = [make_problem(status) for status in (Status.NEW, Status.ASSIGNED, Status.RECTIFYING, Status.CLOSED)]
    client.force_login(cast.coordinator)
    plan = plan_file(exported(client), "问题整改台账.xlsx")
    assert plan.kind == "ledger" and plan.header_rows == [3] and not plan.rejected
    assert {row.existing for row in plan.rows} == {p.pk for p in made}  # matched by 问题编号: nothing new
    for row in plan.rows:
        data = row.problem
        assert data is not None and row.existing is not None
        problem = Problem.objects.get(pk=row.existing)
        assert data.number == problem.number and data.status == problem.status
        assert data.category == problem.category
        assert data.kind == problem.kind or not problem.lead_unit  # an unassigned problem has no kind yet
        assert data.deadline == problem.deadline
        assert problem.description in data.description
        assert data.lead_units == ([problem.lead_unit.name] if problem.lead_unit else [])
        current = problem.assignments.filter(is_current=True).first()
        assert data.co_units == ([u.name for u in current.co_units.all()] if current else [])
        assert data.responsible_person == problem.responsible_person and data.measures == problem.measures
        if problem.closed_at:
            local = timezone.localtime(problem.closed_at).replace(second=0, microsecond=0)
            assert data.closed_at == local


def test_the_export_prints_landscape_on_a4_with_the_header_on_every_page(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    make_problem(Status.RECTIFYING)
    client.force_login(cast.coordinator)
    sheet = openpyxl.load_workbook(io.BytesIO(exported(client)))["整改台账"]
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_title_rows == "$3:$3" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert str(sheet["A2"].value).startswith("统计截止时间：")
    assert sheet.cell(row=4, column=3).alignment.wrap_text
