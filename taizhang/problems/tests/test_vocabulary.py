"""The one vocabulary (口径): each term picks exactly the problems its docstring says, and the pages that show a
term agree with each other (the home page's 已超期 beside its 红灯 disagreed by one on the demo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import time_machine
from django.db.models import Q
from django.test import Client

from taizhang.clock import today
from taizhang.problems import actions as problem_actions
from taizhang.problems.models import Problem, Status, Term
from taizhang.supervision.tests.helpers import at
from taizhang.supervision.timelimits import filter_light, light_counts, light_for

D = dt.date


def ids(term: Q) -> set[int]:
    return set(Problem.objects.filter(term).values_list("id", flat=True))


def test_each_term_picks_the_problems_it_says(cast: SimpleNamespace, make_problem: Callable[..., Problem]) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        new = make_problem(Status.NEW)
        returned = make_problem(Status.RETURNED)
        assigned = make_problem(Status.ASSIGNED)
        rectifying = make_problem(Status.RECTIFYING)
        verifying = make_problem(Status.VERIFYING)
        follow_up = make_problem(Status.FOLLOW_UP)
        closed = make_problem(Status.CLOSED)
        reopened = make_problem(Status.CLOSED)
        assert returned.deadline is not None  # 退单 keeps the old assignment's deadline

        traveller.move_to(at(D(2026, 12, 20)))  # every deadline (30 days after 11-02) has passed
        on = today()
        reopened = problem_actions.do_reopen_problem(reopened, actor=cast.coordinator, reason="回头看发现反弹")
        assert reopened.deadline is not None and reopened.deadline >= on  # 重办 gave it a fresh time limit
        everyone = {p.pk for p in (new, returned, assigned, rectifying, verifying, follow_up, closed, reopened)}

        assert ids(Term.open()) == everyone - {closed.pk}
        assert ids(Term.active()) == {assigned.pk, rectifying.pk, verifying.pk, reopened.pk}
        assert ids(Term.done()) == {follow_up.pk, closed.pk}
        assert ids(Term.closed()) == {closed.pk}
        assert ids(Term.overdue(on)) == {assigned.pk, rectifying.pk, verifying.pk}
        assert ids(Term.overdue_unapplied(on)) == {assigned.pk, rectifying.pk}
        assert ids(Term.done_on_time()) == {follow_up.pk, closed.pk}
        assert ids(Term.due(on)) == {assigned.pk, rectifying.pk, verifying.pk, follow_up.pk, closed.pk}
        assert ids(Term.reopened()) == {reopened.pk}
        assert ids(Term.ever_done()) == {follow_up.pk, closed.pk, reopened.pk}
        assert ids(Term.assigned_ever()) == everyone - {new.pk}
        assert ids(Term.returned()) == {returned.pk}
        assert ids(Term.self_found()) == set()
        assert ids(Term.signed()) == {rectifying.pk, verifying.pk, follow_up.pk, closed.pk, reopened.pk}
        assert ids(Term.signed_on_time()) == {rectifying.pk, verifying.pk, follow_up.pk, closed.pk, reopened.pk}
        assert ids(Term.sign_due(on)) == {
            assigned.pk,
            rectifying.pk,
            verifying.pk,
            follow_up.pk,
            closed.pk,
            reopened.pk,
        }
        assert ids(Term.followed_up()) == {follow_up.pk, closed.pk}
        assert ids(Term.follow_up_verified()) == {closed.pk}  # 待回访 with nobody answered yet is not verified

        # The row method and the light say the same as the queryset.
        for problem in Problem.objects.all():
            assert problem.is_overdue(on) == (problem.pk in ids(Term.overdue(on)))
            assert (light_for(problem, on).color == "red") == problem.is_overdue(on)


def test_it_finishes_late_when_verified_after_the_deadline(
    cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        problem = make_problem(Status.VERIFYING)
        assert problem.deadline is not None
        traveller.move_to(at(problem.deadline, 23, 30))  # the deadline day itself, late in the evening: in time
        assert ids(Term.overdue(today())) == set()
        from taizhang.problems import closure

        closure.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="核查属实")
        assert ids(Term.done_on_time()) == {problem.pk}
        Problem.objects.filter(pk=problem.pk).update(closed_at=at(problem.deadline + dt.timedelta(days=1), 0, 30))
        assert ids(Term.done_on_time()) == set()  # 00:30 Beijing the next day, though still the deadline in UTC


def test_home_page_overdue_agrees_with_the_red_light(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    """The demo showed 已超期 67 beside 红灯 66: a returned problem past its old deadline was counted overdue."""
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        make_problem(Status.RETURNED)
        make_problem(Status.RECTIFYING)
        make_problem(Status.VERIFYING)
        make_problem(Status.FOLLOW_UP)
        traveller.move_to(at(D(2026, 12, 20)))
        client.force_login(cast.leader)
        context = client.get("/").context
        assert context["overdue"] == context["lights"]["red"] == 2
        assert light_counts(Problem.objects.all())["red"] == Problem.objects.overdue().count() == 2
        red = set(filter_light(Problem.objects.all(), "red").values_list("id", flat=True))
        assert red == set(Problem.objects.overdue().values_list("id", flat=True))
        overdue_page = client.get("/problems/?overdue=on").content.decode()
        red_page = client.get("/problems/?light=red").content.decode()
        for problem in Problem.objects.all():
            assert (problem.number in overdue_page) == (problem.number in red_page) == problem.is_overdue()
