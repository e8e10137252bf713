"""Scores checked against an independent computation: every table read whole, the rules applied in plain Python."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from taizhang.accounts.models import Unit
from taizhang.assessment.models import GRADE_POINTS, Grade, SurveyAnswer
from taizhang.assessment.ranking import compute
from taizhang.assessment.tests.conftest import SCHEME, version_of
from taizhang.audit.models import AuditEvent
from taizhang.followup.models import Rating
from taizhang.lib.scoring import parse_period
from taizhang.problems.models import Assignment, ClosureApplication, Problem
from taizhang.supervision.models import Accountability, SupervisionAction

Q4 = parse_period("2026-Q4")
REOPENED = "problem_reopened"
START, END = dt.date(2026, 10, 1), dt.date(2026, 12, 31)


def _in(moment: dt.datetime | None) -> bool:
    return moment is not None and START <= timezone.localdate(moment) <= END


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def expected_figures(unit_id: int) -> tuple[dict[str, float | None], dict[str, int]]:
    """The definitions as the ranking page's footnote states them, applied to every row of the raw tables."""
    problems = [p for p in Problem.objects.all() if p.lead_unit_id == unit_id and p.status not in ("new", "returned")]
    closures = list(ClosureApplication.objects.all())
    events = list(AuditEvent.objects.select_related("actor"))

    def accepted(p: Problem) -> list[ClosureApplication]:
        return [c for c in closures if c.problem_id == p.pk and c.decision == "accepted"]

    on = min(END + dt.timedelta(days=1), timezone.localdate(timezone.now()))  # decided by: the day after, or today
    done, active = ("follow_up", "closed"), ("assigned", "rectifying", "verifying")
    due = [
        p
        for p in problems
        if p.deadline and START <= p.deadline <= END and (p.status in done or (p.status in active and p.deadline < on))
    ]
    on_time = [
        p for p in due if p.status in done and p.closed_at and timezone.localdate(p.closed_at) <= (p.deadline or END)
    ]

    def signs(p: Problem) -> list[AuditEvent]:
        return [
            e for e in events if e.problem_id == p.pk and e.verb == "problem_signed" and e.at >= (p.assigned_at or e.at)
        ]

    mine = [p for p in Problem.objects.all() if p.lead_unit_id == unit_id]
    sign_due = [
        p
        for p in mine
        if p.sign_due_on
        and START <= p.sign_due_on <= END
        and (signs(p) or (p.status == "assigned" and p.sign_due_on < on))
    ]
    signed = [p for p in sign_due if any(timezone.localdate(e.at) <= (p.sign_due_on or END) for e in signs(p))]
    held = [
        p
        for p in problems
        if p.assigned_at
        and timezone.localdate(p.assigned_at) <= END
        and (p.closed_at is None or timezone.localdate(p.closed_at) >= START)
    ]
    closed = [p for p in held if p.status in done and _in(p.closed_at)]
    ratings = [
        r for r in Rating.objects.select_related("problem") if r.problem.lead_unit_id == unit_id and _in(r.created_at)
    ]
    good = [r for r in ratings if r.satisfaction in ("satisfied", "basic")]
    passed = [p for p in Problem.objects.filter(lead_unit_id=unit_id) if any(_in(c.decided_at) for c in accepted(p))]
    reopens = [e for e in events if e.verb == REOPENED and _in(e.at)]
    reopened_ones = [p for p in passed if any(e.problem_id == p.pk for e in reopens)]
    assignments = [a for a in Assignment.objects.all() if a.lead_unit_id == unit_id and _in(a.assigned_at)]
    returned = [
        a
        for a in assignments
        if any(
            e.problem_id == a.problem_id
            and e.verb == "problem_returned"
            and e.actor is not None
            and e.actor.unit_id == unit_id
            and e.at >= a.assigned_at
            and _in(e.at)
            for e in events
        )
    ]
    created = [p for p in Problem.objects.filter(lead_unit_id=unit_id) if _in(p.created_at)]
    answers = [a for a in SurveyAnswer.objects.all() if a.unit_id == unit_id and _in(a.created_at)]
    values = {
        "on_time_rate": _ratio(len(on_time), len(due)),
        "sign_timely_rate": _ratio(len(signed), len(sign_due)),
        "closure_rate": _ratio(len(closed), len(held)),
        "satisfaction_rate": _ratio(len(good), len(ratings)),
        "reopen_rate": _ratio(len(reopened_ones), len(passed)),
        "return_rate": _ratio(len(returned), len(assignments)),
        "self_found_rate": _ratio(sum(p.source == "self_found" for p in created), len(created)),
        "appraisal": _ratio(sum(GRADE_POINTS[Grade(a.grade)] for a in answers), 100 * len(answers)),
    }
    counts = {
        "red_card": sum(
            1
            for s in SupervisionAction.objects.select_related("rung")
            if s.unit_id == unit_id and s.rung.is_red and s.state == "issued" and _in(s.fired_at)
        ),
        "reopened": sum(
            1
            for e in events
            if e.verb == "problem_reopened" and _in(e.at) and e.problem and e.problem.lead_unit_id == unit_id
        ),
        "criticism": sum(
            1
            for a in Accountability.objects.all()
            if a.unit_id == unit_id
            and a.sanction == "public_criticism"
            and a.bundled_with_id is None
            and START <= a.decided_on <= END
        ),
    }
    return values, counts


def expected_score(values: dict[str, float | None], counts: dict[str, int]) -> float | None:
    weights = {i["code"]: float(i["weight"]) for i in SCHEME["indicators"]}
    lower = {"reopen_rate", "return_rate"}
    used = {c: (1 - v if c in lower else v) for c, v in values.items() if v is not None}
    if not used:
        return None
    base = 100 * sum(weights[c] * v for c, v in used.items()) / sum(weights[c] for c in used)
    deducted = 0.0
    for rule in SCHEME["deductions"]:
        points = float(rule["points"]) * counts[rule["code"]]
        deducted += min(points, float(rule["cap"])) if rule["cap"] else points
    return round(max(base - deducted, 0), 2)


def _rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["unit"]: row for group in result["groups"] for row in group["units"]}


def test_it_matches_an_independent_computation_from_the_raw_rows(cast: SimpleNamespace, ledger: Any) -> None:
    rows = _rows(compute(version_of(ledger), Q4))
    for unit in (cast.basic, cast.safety, cast.school, ledger.kinder):
        values, counts = expected_figures(unit.pk)
        row = rows[unit.name]
        got = {code: cell["value"] for code, cell in row["values"].items()}
        assert {c: v for c, v in values.items() if v is not None} == pytest_approx(got), unit.name
        got_counts = {c: d["count"] for c, d in row["deductions"].items() if d["count"]}
        assert {c: n for c, n in counts.items() if n} == got_counts
        assert row["score"] == expected_score(values, counts), unit.name


def pytest_approx(got: dict[str, float | None]) -> Any:
    import pytest

    return pytest.approx({c: v for c, v in got.items() if v is not None})


def test_it_reads_the_story_the_ledger_tells(cast: SimpleNamespace, ledger: SimpleNamespace) -> None:
    """The hand-known figures of the seeded ledger, so the independent computation is not trivially empty."""
    rows = _rows(compute(version_of(ledger), Q4))
    basic, safety = rows[cast.basic.name], rows[cast.safety.name]
    assert basic["values"]["on_time_rate"]["numerator"] == 1  # p1 only; p3 passed after its deadline, p2 never
    assert basic["values"]["self_found_rate"] == {"numerator": 1, "denominator": 3, "value": 1 / 3}
    assert basic["deductions"]["reopened"] == {"count": 1, "points": 1.5}
    assert basic["deductions"]["red_card"]["count"] >= 2  # p2 and p3 overdue at the sweep
    assert safety["values"]["return_rate"]["numerator"] == 1 and safety["values"]["return_rate"]["denominator"] == 2
    assert safety["deductions"]["criticism"] == {"count": 1, "points": 3.0}
    assert basic["responses"] == {"public": 2, "rater": 0} and safety["responses"] == {"public": 1, "rater": 1}
    assert safety["rank"] == 1 and basic["rank"] == 2 and basic["flagged"] and not safety["flagged"]
    assert (safety["stars"], basic["stars"]) == (5, 4)


def test_a_period_with_no_data_is_an_honest_empty_state(cast: SimpleNamespace, ledger: SimpleNamespace) -> None:
    result = compute(version_of(ledger), parse_period("2025-Q1"))
    for group in result["groups"]:
        assert group["empty"] == "本期间该分组没有可计分的台账数据，不排名。"
        assert all(r["score"] is None and r["rank"] is None and r["stars"] is None for r in group["units"])


def test_a_unit_with_only_survey_answers_is_scored_on_them(cast: SimpleNamespace, ledger: SimpleNamespace) -> None:
    rows = _rows(compute(version_of(ledger), Q4))
    school = rows[cast.school.name]
    assert set(school["values"]) == {"appraisal"} and school["score"] == 50.0  # 不满意 0 and 满意 100
    assert rows[ledger.kinder.name]["score"] is None and rows[ledger.kinder.name]["rank"] is None
    assert Unit.objects.filter(kind="kindergarten").count() == 1
