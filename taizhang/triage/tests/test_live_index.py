"""The index a new opinion is matched against lives between requests and follows the ledger through the audit
trail: new problems and newly linked opinions are found without rebuilding it, closed-long-ago ones drop out."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

from taizhang.clock import now
from taizhang.intake.actions import OpinionInput, do_link_opinion, do_receive_opinion
from taizhang.problems.models import Problem, Status
from taizhang.triage import engine

CANTEEN = "城东小学食堂饭菜分量少，价格贵，孩子们经常吃不饱。"


def suggested(text: str) -> list[str]:
    return [s.problem.number for s in engine.suggest([text])[0].problems]


def test_it_finds_a_new_problem_without_rebuilding_the_index(cast: SimpleNamespace, make_problem: Any) -> None:
    tutoring = make_problem()
    assert suggested("实验小学数学老师周末在家办补习班收钱。")[0] == tutoring.number
    first = engine._live["index"]
    canteen = make_problem(text=CANTEEN)
    assert suggested("城东小学食堂的饭太贵了，分量还少。")[0] == canteen.number
    live = engine._live["index"]
    assert live.base is first.base  # the same index, with the new problem beside it
    assert live.delta is not None and str(canteen.pk) in live.delta.ids
    assert canteen.pk in live.changed and live.seen != first.seen


def test_it_reads_a_linked_opinion_into_the_problem_it_joined(cast: SimpleNamespace, make_problem: Any) -> None:
    canteen = make_problem(text="学校的饭菜不好吃。")
    assert suggested("实验小学数学老师周末在家办补习班收钱。")  # builds the index
    before = engine._live["index"]
    opinion = do_receive_opinion(OpinionInput(channel="online_form", text=CANTEEN), actor=cast.coordinator)
    do_link_opinion(opinion, canteen, actor=cast.coordinator)
    live_before_query = engine._live["index"]
    assert live_before_query is before  # nothing is rebuilt until a suggestion is asked for
    assert suggested("城东小学食堂饭菜价格贵，孩子吃不饱。")[0] == canteen.number
    live = engine._live["index"]
    assert live.base is before.base and canteen.pk in live.changed
    assert live.base.dead[live.base.row[str(canteen.pk)]]  # its old row is masked, the delta holds it now


def test_it_drops_a_problem_closed_long_ago(cast: SimpleNamespace, make_problem: Any) -> None:
    closed = make_problem(Status.CLOSED)
    assert suggested("实验小学数学老师周末在家办补习班收钱。")[0] == closed.number  # a possible 反弹
    Problem.objects.filter(pk=closed.pk).update(closed_at=now() - engine.REBOUND_WINDOW - dt.timedelta(days=1))
    assert closed.number not in suggested("实验小学数学老师周末在家办补习班收钱。")


def test_it_rebuilds_when_the_trail_it_read_is_gone(cast: SimpleNamespace, make_problem: Any) -> None:
    tutoring = make_problem()
    suggested("实验小学老师补课收钱。")
    first = engine._live["index"]
    engine._live["index"] = first.__class__(**{**first.__dict__, "seen": (first.seen[0], "0" * 64)})
    assert suggested("实验小学老师补课收钱。")[0] == tutoring.number
    assert engine._live["index"].base is not first.base


def test_supervision_events_leave_the_index_alone(cast: SimpleNamespace, make_problem: Any) -> None:
    from taizhang.audit.events import record_event
    from taizhang.audit.models import Verb

    tutoring = make_problem()
    suggested("实验小学老师补课收钱。")
    first = engine._live["index"]
    record_event(Verb.SUPERVISION_FIRED, actor=None, problem=tutoring, summary="督办")
    assert suggested("实验小学老师补课收钱。")[0] == tutoring.number
    live = engine._live["index"]
    assert live.base is first.base and live.delta is None and not live.changed and live.seen != first.seen
