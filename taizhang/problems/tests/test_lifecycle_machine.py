"""The problem lifecycle as a Hypothesis state machine: random sequences of the real actions (交办, 签收, 退单, 方案,
进展, 路线图, 申请销号, 审核, 指定验收人, 验收, 回访, 复核, 重办, 延期) by right and wrong people, with the clock moving
and the 督办 sweep running between them. After every step: a refused action changed nothing; an accepted one moved
the status only along the transition table and wrote its audit event; nothing is closed without a verifier's
acceptance after the unit head's approval; the ladder never steps back within a round. At the end of each sequence
the audit chain verifies.

CI runs TAIZHANG_HYPOTHESIS_EXAMPLES sequences (default 60, derandomised); set it to 500 or more for the longer run.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import PNG_BYTES
from taizhang.audit.events import verify_trail
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import travel_to
from taizhang.errors import ActionError
from taizhang.followup import actions as followup
from taizhang.followup.models import Rating, Review, Satisfaction
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.intake.models import Channel, Opinion
from taizhang.problems import actions, closure
from taizhang.problems.models import (
    ClosureApplication,
    ClosureDecision,
    ClosureStage,
    Milestone,
    Problem,
    RectificationKind,
    Status,
)
from taizhang.problems.transitions import TRANSITIONS
from taizhang.supervision import actions as supervision
from taizhang.supervision.models import ExtensionRequest, ExtensionStatus
from taizhang.supervision.scheduler import sweep

EXAMPLES = int(os.environ.get("TAIZHANG_HYPOTHESIS_EXAMPLES", "60"))
STEPS = int(os.environ.get("TAIZHANG_HYPOTHESIS_STEPS", "50"))
START = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))  # a Monday in the cast's campaign

# Every status change the table allows, and the audit verb that must be written with it.
MOVES = {(before, after) for (before, _step), after in TRANSITIONS.items() if before != after}
VERB_OF_MOVE = {
    (Status.NEW, Status.ASSIGNED): {Verb.PROBLEM_ASSIGNED},
    (Status.RETURNED, Status.ASSIGNED): {Verb.PROBLEM_ASSIGNED},
    (Status.ASSIGNED, Status.RECTIFYING): {Verb.PROBLEM_SIGNED},
    (Status.ASSIGNED, Status.RETURNED): {Verb.PROBLEM_RETURNED},
    (Status.RECTIFYING, Status.RETURNED): {Verb.PROBLEM_RETURNED},
    (Status.RECTIFYING, Status.VERIFYING): {Verb.CLOSURE_APPLIED},
    (Status.VERIFYING, Status.RECTIFYING): {Verb.CLOSURE_SENT_BACK, Verb.CLOSURE_REJECTED},
    (Status.VERIFYING, Status.CLOSED): {Verb.CLOSURE_ACCEPTED},
    (Status.VERIFYING, Status.FOLLOW_UP): {Verb.FOLLOW_UP_STARTED},
    (Status.FOLLOW_UP, Status.CLOSED): {Verb.FOLLOW_UP_FINISHED},
    (Status.FOLLOW_UP, Status.RECTIFYING): {Verb.PROBLEM_REOPENED},
    (Status.CLOSED, Status.RECTIFYING): {Verb.PROBLEM_REOPENED},
}
ROUND_STARTS = {Verb.PROBLEM_ASSIGNED, Verb.PROBLEM_REOPENED}


def test_every_move_has_its_verb() -> None:
    assert set(VERB_OF_MOVE) == MOVES


@dataclass(frozen=True)
class Seen:
    status: str
    version: int
    round: int
    level: int
    last_event: int


def png() -> actions.Upload:
    return actions.Upload(name="photo.png", size=len(PNG_BYTES), stream=io.BytesIO(PNG_BYTES))


def when(*statuses: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The rule is drawn in these statuses (out_of_turn tries every action in any status)."""
    return precondition(lambda machine: machine.status in statuses)


# Each action with its right actor, tried by out_of_turn whatever the status: the table must refuse what it lacks.
OUT_OF_TURN = (
    "assign",
    "sign",
    "return_it",
    "submit_plan",
    "report_progress",
    "complete_milestone",
    "apply_closure",
    "request_extension",
    "review_closure",
    "name_verifier",
    "decide_closure",
    "rate",
    "reopen",
)


class Lifecycle(RuleBasedStateMachine):
    cast: ClassVar[SimpleNamespace]
    reached: ClassVar[Counter[tuple[str, str]]] = Counter()  # every move made, over the whole run

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # each sequence in a savepoint, rolled back in teardown
        self.moment = START
        self.problem: Problem | None = None
        self.opinion: Opinion | None = None
        self.status = ""

    def teardown(self) -> None:
        try:
            result = verify_trail()
            assert result.intact, result.findings
        finally:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    # ---- the one problem of a sequence ------------------------------------------------------------------------

    @initialize(source=st.sampled_from(["named", "anonymous", "self_inspection"]))
    def open_problem(self, source: str) -> None:
        """A named 12345 caller (phoned for 回访), an anonymous one (rates on the follow page), or the unit's own
        自查 (no reporter: 验收 closes it at once)."""
        c = self.cast
        named = source == "named"
        with travel_to(self.moment):
            self.opinion = do_receive_opinion(
                OpinionInput(
                    channel=Channel.SELF_INSPECTION if source == "self_inspection" else Channel.HOTLINE_12345,
                    text="实验小学有老师在校外有偿补课，每月收费800元。",
                    reporter_name="张三" if named else "",
                    reporter_phone="13812345678" if named else "",
                    is_anonymous=source == "anonymous",
                ),
                actor=c.coordinator,
            )
            self.problem = do_create_problem_from_opinion(
                self.opinion,
                NewProblem(title="教师有偿补课", description="有偿补课", category=c.category),
                actor=c.coordinator,
            )
        self.status = self.problem.status

    def seen(self) -> Seen:
        assert self.problem is not None
        p = Problem.objects.get(pk=self.problem.pk)
        last = AuditEvent.objects.filter(problem=p).order_by("-id").values_list("id", flat=True).first() or 0
        return Seen(p.status, p.version, p.supervision_round, p.ladder_level, last)

    def attempt(self, act: Any) -> None:
        """Run one action at the sequence's time and check what it did, or that its refusal did nothing."""
        before = self.seen()
        top = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        refused = False
        with travel_to(self.moment):
            try:
                act()
            except ActionError:
                refused = True
        after = self.seen()
        self.status = after.status
        if refused:
            assert after == before, (before, after)
            assert not AuditEvent.objects.filter(id__gt=top).exists()
            return
        mine = AuditEvent.objects.filter(problem_id=self.p.pk, id__gt=top)
        written = set(mine.values_list("verb", flat=True))
        if after.status != before.status:
            move = (before.status, after.status)
            assert move in MOVES, f"a skipped or unknown step: {move}"
            assert written & VERB_OF_MOVE[move], (move, written)
            self.reached[move] += 1
        if after.round == before.round:
            assert after.level >= before.level, f"the ladder stepped back: {before.level} → {after.level}"
        else:
            assert after.round == before.round + 1 and written & ROUND_STARTS and after.level == 0

    @property
    def p(self) -> Problem:
        assert self.problem is not None
        return Problem.objects.get(pk=self.problem.pk)

    # ---- the actions, each by a named member of the cast ------------------------------------------------------

    def assign(self, by: str = "coordinator", kind: str = RectificationKind.TIME_LIMITED) -> None:
        c = self.cast
        self.attempt(
            lambda: actions.do_assign_problem(
                self.p,
                actor=getattr(c, by),
                lead_unit=c.basic,
                co_units=[c.safety],
                responsible_person="钱股长",
                measures="约谈涉事教师，清退补课费用。",
                kind=kind,
                deadline=timezone.localdate(self.moment) + dt.timedelta(days=20),
                milestones=[closure_milestone(self.moment)],
            )
        )

    def sign(self, by: str = "officer") -> None:
        self.attempt(lambda: actions.do_sign_problem(self.p, actor=getattr(self.cast, by)))

    def return_it(self, by: str = "officer") -> None:
        self.attempt(lambda: actions.do_return_problem(self.p, actor=getattr(self.cast, by), reason="不属于本股室职责"))

    def submit_plan(self, by: str = "officer") -> None:
        self.attempt(lambda: actions.do_submit_plan(self.p, actor=getattr(self.cast, by), text="先调查，再清退。"))

    def report_progress(self, by: str = "officer") -> None:
        self.attempt(
            lambda: actions.do_report_progress(self.p, actor=getattr(self.cast, by), text="正在整改。", percent=50)
        )

    def complete_milestone(self, by: str = "officer") -> None:
        milestone = Milestone.objects.filter(assignment__problem_id=self.p.pk, done_at=None).order_by("id").last()
        if milestone is not None:
            self.attempt(
                lambda: closure.do_complete_milestone(
                    self.p, milestone, actor=getattr(self.cast, by), note="已完成。", uploads=[png()]
                )
            )

    def apply_closure(self, by: str = "officer") -> None:
        self.attempt(
            lambda: closure.do_apply_closure(self.p, actor=getattr(self.cast, by), summary="已清退。", uploads=[png()])
        )

    def request_extension(self, by: str = "officer", days: int = 5) -> None:
        deadline = self.p.deadline
        new = deadline + dt.timedelta(days=days) if deadline else None
        self.attempt(
            lambda: supervision.do_request_extension(
                self.p, actor=getattr(self.cast, by), new_deadline=new, reason="需调查"
            )
        )

    def review_closure(self, by: str = "unit_head", approve: bool = True) -> None:
        self.attempt(
            lambda: closure.do_review_closure(self.p, actor=getattr(self.cast, by), approve=approve, note="材料不全")
        )

    def name_verifier(self, by: str = "coordinator2", verifier: str = "inspector") -> None:
        c = self.cast
        self.attempt(lambda: closure.do_name_verifier(self.p, actor=getattr(c, by), verifier=getattr(c, verifier)))

    def decide_closure(self, by: str = "inspector", accept: bool = True) -> None:
        self.attempt(
            lambda: closure.do_decide_closure(self.p, actor=getattr(self.cast, by), accept=accept, reason="现场核查")
        )

    def rate(self, satisfaction: str = Satisfaction.SATISFIED, fixed: bool = True) -> None:
        assert self.opinion is not None
        opinion = self.opinion
        self.attempt(lambda: followup.do_rate(opinion, fixed=fixed, satisfaction=satisfaction, comment="还在补课。"))

    def reopen(self, by: str = "coordinator") -> None:
        self.attempt(lambda: actions.do_reopen_problem(self.p, actor=getattr(self.cast, by), reason="群众反映仍在补课"))

    # ---- the rules: mostly the step the status calls for, sometimes the wrong person or the wrong step ---------

    @when(Status.NEW, Status.RETURNED)
    @rule(by=st.sampled_from(["coordinator"] * 3 + ["officer"]), kind=st.sampled_from(list(RectificationKind.values)))
    def triage_assigns(self, by: str, kind: str) -> None:
        self.assign(by, kind)

    @when(Status.ASSIGNED)
    @rule(sign=st.sampled_from([True] * 7 + [False]), by=st.sampled_from(["officer"] * 3 + ["other_officer"]))
    def unit_responds(self, sign: bool, by: str) -> None:
        (self.sign if sign else self.return_it)(by)

    @when(Status.RECTIFYING)
    @rule(
        step=st.sampled_from(["next"] * 6 + ["submit_plan", "report_progress", "return_it"]),
        by=st.sampled_from(["officer"] * 5 + ["other_officer"]),
    )
    def unit_works(self, step: str, by: str) -> None:
        """The next node of the 路线图, or 申请销号 once all are done; sometimes a plan, a report or a return."""
        if step == "next":
            open_node = Milestone.objects.filter(assignment__problem_id=self.p.pk, done_at=None).exists()
            step = "complete_milestone" if open_node else "apply_closure"
        getattr(self, step)(by)

    @when(Status.ASSIGNED, Status.RECTIFYING)
    @rule(days=st.integers(1, 30), ask=st.booleans(), approve=st.booleans())
    def extension(self, days: int, ask: bool, approve: bool) -> None:
        request = ExtensionRequest.objects.filter(problem_id=self.p.pk, status=ExtensionStatus.PENDING).first()
        if ask or request is None:
            self.request_extension("officer", days)
        else:
            c = self.cast
            note = "同意" if approve else "理由不足"
            self.attempt(
                lambda: supervision.do_decide_extension(request, actor=c.coordinator, approve=approve, note=note)
            )

    @when(Status.VERIFYING)
    @rule(
        yes=st.sampled_from([True] * 3 + [False]),
        right=st.sampled_from([True] * 4 + [False]),
        verifier=st.sampled_from(["inspector"] * 3 + ["officer", "unit_head", "coordinator", "coordinator2"]),
    )
    def closure_moves_on(self, yes: bool, right: bool, verifier: str) -> None:
        """The step the application's stage calls for — the unit head's review, a verifier named by the coordinator
        who did not assign it, the verifier's decision — sometimes by the wrong person, or naming the rectifier."""
        application = closure.pending_closure(self.p)
        stage = application.stage if application else None
        if stage == ClosureStage.HEAD_REVIEW:
            self.review_closure("unit_head" if right else "officer", yes)
        elif stage == ClosureStage.AWAITING_VERIFIER:
            self.name_verifier("coordinator2" if right else "coordinator", verifier)
        elif application is not None and application.verifier is not None:
            judge = application.verifier if right else self.cast.officer
            self.attempt(lambda: closure.do_decide_closure(self.p, actor=judge, accept=yes, reason="现场核查"))

    @when(Status.FOLLOW_UP)
    @rule(satisfaction=st.sampled_from(list(Satisfaction.values)), fixed=st.booleans(), phone=st.booleans())
    def reporter_answers(self, satisfaction: str, fixed: bool, phone: bool) -> None:
        assert self.opinion is not None
        opinion, c = self.opinion, self.cast
        if phone:
            self.attempt(lambda: followup.do_record_callback_attempt(opinion, actor=c.coordinator, outcome="no_answer"))
        else:
            self.rate(satisfaction, fixed)

    @when(Status.FOLLOW_UP, Status.CLOSED)
    @rule(reopen=st.booleans())
    def bureau_reviews(self, reopen: bool) -> None:
        rating = Rating.objects.filter(problem_id=self.p.pk, review=Review.PENDING).first()
        if rating is None:
            self.reopen("coordinator" if reopen else "officer")
        else:
            c = self.cast
            self.attempt(
                lambda: followup.do_review_dissatisfaction(rating, actor=c.coordinator, reopen=reopen, note="复核")
            )

    @rule(name=st.sampled_from(sorted(OUT_OF_TURN)))
    def out_of_turn(self, name: str) -> None:
        """Any action with its right actor, whatever the status: what the table does not allow is refused."""
        getattr(self, name)()

    @rule(days=st.integers(1, 15))
    def time_passes(self, days: int) -> None:
        """Days go by and the 督办 sweep runs: reminders, 督办单, 通报, the 回访 window's end."""
        self.moment += dt.timedelta(days=days)
        self.attempt(sweep)

    # ---- what must hold after every step ----------------------------------------------------------------------

    @invariant()
    def closed_only_after_verification(self) -> None:
        if self.problem is None:
            return
        status = Problem.objects.filter(pk=self.problem.pk).values_list("status", flat=True).get()
        if status not in (Status.CLOSED, Status.FOLLOW_UP):
            return
        problem = self.p
        verbs = list(
            AuditEvent.objects.filter(problem=problem)
            .filter(
                verb__in=[
                    *ROUND_STARTS,
                    Verb.CLOSURE_APPLIED,
                    Verb.CLOSURE_APPROVED,
                    Verb.VERIFIER_NAMED,
                    Verb.CLOSURE_ACCEPTED,
                    Verb.CLOSURE_REJECTED,
                    Verb.CLOSURE_SENT_BACK,
                ]
            )
            .order_by("id")
            .values_list("verb", flat=True)
        )
        if problem.status in (Status.CLOSED, Status.FOLLOW_UP):
            decisive = [v for v in verbs if v in (*ROUND_STARTS, Verb.CLOSURE_ACCEPTED, Verb.CLOSURE_REJECTED)]
            assert decisive and decisive[-1] == Verb.CLOSURE_ACCEPTED, verbs
            # …and that acceptance came after the application, the unit head's approval and a named verifier.
            since = verbs[len(verbs) - 1 - verbs[::-1].index(Verb.CLOSURE_APPLIED) :]
            assert (
                since.index(Verb.CLOSURE_APPROVED)
                < since.index(Verb.VERIFIER_NAMED)
                < since.index(Verb.CLOSURE_ACCEPTED)
            ), since
            accepted = (
                ClosureApplication.objects.filter(problem=problem, decision=ClosureDecision.ACCEPTED)
                .order_by("-id")
                .first()
            )
            assert accepted is not None and accepted.verifier is not None
            assert accepted.verifier.unit_id not in closure.responsible_unit_ids(problem)


def closure_milestone(moment: dt.datetime) -> actions.MilestoneInput:
    return actions.MilestoneInput("完成调查核实", timezone.localdate(moment) + dt.timedelta(days=7))


def test_random_action_sequences_keep_the_lifecycle_rules(cast: SimpleNamespace, settings: Any, tmp_path: Path) -> None:
    settings.TAIZHANG_AUDIT_ANCHORS = tmp_path / "anchors.jsonl"  # this database's own (none), not var/'s
    Lifecycle.cast = cast
    Lifecycle.reached = Counter()
    long_run = EXAMPLES > 100
    run_state_machine_as_test(
        Lifecycle,
        settings=hypothesis_settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=not long_run,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The sequences went deep enough to mean something: closures were verified in the CI run, and in the longer run
    # every move of the table was made.
    print(f"\n{EXAMPLES} sequences, moves made: {dict(Lifecycle.reached)}")
    assert {move for move in Lifecycle.reached if move[1] in (Status.CLOSED, Status.FOLLOW_UP)}, Lifecycle.reached
    if long_run:
        assert set(Lifecycle.reached) == MOVES, MOVES - set(Lifecycle.reached)
