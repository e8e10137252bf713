"""回访: closure waits for the people.

When the verifier passes a problem that members of the public reported, it does not close at once: it waits in
待回访 (follow-up) for each reporter's answer — is it fixed, are you satisfied — given on the follow page by the
receipt code or to the bureau on the phone. It closes when every reporter has answered or cannot be asked any
more: a reporter with a phone (named, not a 举报) after the configured number of failed callbacks; anyone once the
follow-up window (working days after 验收) is over. A 不满意 stops the closing until a coordinator reviews it:
重办 (the problem goes back to the unit, counted against it) or 维持销号 with a reason.

Settings: TAIZHANG_FOLLOW_UP = {"attempts": 3, "workdays": 5} (callbacks per reporter; the window).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from taizhang.accounts.models import Role
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now, today
from taizhang.errors import ActionError, InvalidTransition, NotAllowed
from taizhang.followup.models import CONTENT, CallbackAttempt, CallOutcome, Rating, RatingVia, Review, Satisfaction
from taizhang.intake.models import PUBLIC_CHANNELS, Channel, Opinion, OpinionLink
from taizhang.lib.chinese_dates import chinese_date
from taizhang.problems import messages
from taizhang.problems.actions import _save as save_problem
from taizhang.problems.models import Problem, Status
from taizhang.problems.transitions import Step, next_status
from taizhang.supervision.config import get_config
from taizhang.supervision.notify import Message, notify_many, people_with_roles

if TYPE_CHECKING:
    from taizhang.accounts.models import User

CALLERS = frozenset({Role.COORDINATOR, Role.ADMIN})
MAX_COMMENT = 1000
PUBLIC_ACTOR = "群众（查询码回访）"


@dataclass(frozen=True)
class FollowUpRules:
    attempts: int = 3
    workdays: int = 5


def rules() -> FollowUpRules:
    configured = getattr(settings, "TAIZHANG_FOLLOW_UP", {}) or {}
    return FollowUpRules(**{k: int(v) for k, v in configured.items() if k in ("attempts", "workdays")})


def reporters(problem: Problem) -> QuerySet[Opinion]:
    """The opinions whose reporters are asked: those from the public (not an inspection or a self-check)."""
    return problem.opinions.filter(channel__in=PUBLIC_CHANNELS).order_by("received_at", "id")


def callable_q(prefix: str = "") -> Q:
    """A reporter the bureau may phone: named, with a number, and not a 举报 (whose reporter is protected).
    `prefix` asks it through a relation ("opinion__" from an opinion's link)."""
    return (
        ~Q(**{f"{prefix}reporter_phone": ""})
        & Q(**{f"{prefix}is_anonymous": False})
        & ~Q(**{f"{prefix}channel": Channel.REPORT})
    )


def _require_callable(opinion: Opinion) -> None:
    if not Opinion.objects.filter(pk=opinion.pk).filter(callable_q()).exists():
        raise ActionError(gettext("该反映人不接受电话回访（匿名、举报或未留电话），只能由其本人在查询页面评价。"))


def needs_follow_up(problem: Problem) -> bool:
    return reporters(problem).exists()


def follow_up_due() -> dt.date:
    """The last day of a follow-up window starting today."""
    return get_config().calendar.add_workdays(today(), rules().workdays)


def record_follow_up_started(problem: Problem, *, actor: User) -> None:
    """Called by the verifier's acceptance, inside its transaction, once the problem is in 待回访."""
    assert problem.follow_up_due_on is not None
    count = reporters(problem).count()
    record_event(
        Verb.FOLLOW_UP_STARTED,
        actor=actor,
        problem=problem,
        summary=f"待{count}位反映人回访，最迟{chinese_date(problem.follow_up_due_on)}结束回访",
        data={"reporters": count, "due": problem.follow_up_due_on.isoformat()},
    )


def _lock(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _rating_for(opinion: Opinion, problem: Problem) -> Rating | None:
    return Rating.objects.filter(opinion=opinion, problem=problem, round=problem.reopen_count).first()


def open_problems_for(opinion: Opinion) -> list[Problem]:
    """The problems this reporter may rate now: in 待回访 and not yet rated by them in this round."""
    rated = Rating.objects.filter(opinion=opinion, problem=OuterRef("pk"), round=OuterRef("reopen_count"))
    if opinion.channel not in PUBLIC_CHANNELS:
        return []
    qs = opinion.problems.filter(status=Status.FOLLOW_UP).exclude(Exists(rated))
    return list(qs.order_by("id"))


def _checked_answer(satisfaction: str, comment: str) -> str:
    errors: dict[str, list[str]] = {}
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = [gettext("请选择满意、基本满意或不满意。")]
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [gettext("意见不能超过 %(max)d 字。") % {"max": MAX_COMMENT}]
    if satisfaction == Satisfaction.DISSATISFIED and not comment:
        errors["comment"] = [gettext("选择不满意时，请写明哪里没有解决。")]
    if errors:
        raise ActionError(next(iter(errors.values()))[0], field_errors=errors)
    return comment


@transaction.atomic
def do_rate(
    opinion: Opinion,
    *,
    fixed: bool,
    satisfaction: str,
    comment: str = "",
    actor: User | None = None,
) -> list[Rating]:
    """A reporter's answer, for every problem of theirs in 待回访: from the follow page (actor None) or taken
    down by a coordinator on the phone (actor the coordinator)."""
    if actor is not None and actor.role not in CALLERS:
        raise NotAllowed(gettext("只有牵头部门可以登记电话回访结果。"))
    if actor is not None:
        _require_callable(opinion)
    comment = _checked_answer(satisfaction, comment)
    problems = [_lock(p) for p in open_problems_for(opinion)]
    problems = [p for p in problems if p.status == Status.FOLLOW_UP and _rating_for(opinion, p) is None]
    if not problems:
        raise InvalidTransition(gettext("该反映目前不在回访阶段，或已经评价过。"))
    ratings = []
    via = RatingVia.PHONE if actor is not None else RatingVia.FOLLOW_PAGE
    for problem in problems:
        rating = Rating.objects.create(
            problem=problem,
            opinion=opinion,
            round=problem.reopen_count,
            fixed=fixed,
            satisfaction=satisfaction,
            comment=comment,
            via=via,
            recorded_by=actor,
            created_at=now(),
            review=Review.PENDING if satisfaction == Satisfaction.DISSATISFIED else "",
        )
        ratings.append(rating)
        words = f"{Satisfaction(satisfaction).label}，{'已解决' if fixed else '认为未解决'}"
        record_event(
            Verb.RATING_RECORDED,
            actor=actor,
            actor_name=None if actor else PUBLIC_ACTOR,
            problem=problem,
            summary=f"{RatingVia(via).label}：{words}" + (f"。意见：{comment[:200]}" if comment else ""),
            data={"rating": rating.pk, "opinion": opinion.pk, "satisfaction": satisfaction, "fixed": fixed},
        )
        if satisfaction == Satisfaction.DISSATISFIED:
            _tell_coordinators_of_dissatisfaction(problem, comment, actor)
        else:
            _close_if_done(problem, actor=actor)
    return ratings


def _tell_coordinators_of_dissatisfaction(problem: Problem, comment: str, actor: User | None) -> None:
    message = Message(
        title=f"{problem.number} 回访不满意，待复核",
        body=f"“{problem.title}”\n反映人不满意：{comment}\n请复核：重办，或说明理由维持销号。",
        url=reverse("problem_detail", args=[problem.pk]) + "#follow-up",
        problem=problem,
    )
    notify_many([([u for u in people_with_roles(Role.COORDINATOR) if u != actor], message)])


@transaction.atomic
def do_record_callback_attempt(opinion: Opinion, *, actor: User, outcome: str, note: str = "") -> CallbackAttempt:
    if actor.role not in CALLERS:
        raise NotAllowed(gettext("只有牵头部门可以登记电话回访结果。"))
    if outcome not in CallOutcome.values:
        raise ActionError(gettext("请选择回访结果。"), field_errors={"outcome": [gettext("请选择回访结果。")]})
    _require_callable(opinion)
    problems = [_lock(p) for p in open_problems_for(opinion)]
    if not problems:
        raise InvalidTransition(gettext("该反映目前不在回访阶段，或已经评价过。"))
    limit = rules().attempts
    problem = problems[0]
    made = _attempts(opinion, problem)
    if made >= limit:
        raise ActionError(gettext("已回访%(n)d次未果，达到上限，无需再回访。") % {"n": made})
    attempt = None
    for problem in problems:
        attempt = CallbackAttempt.objects.create(
            problem=problem,
            opinion=opinion,
            round=problem.reopen_count,
            outcome=outcome,
            note=note.strip()[:200],
            called_by=actor,
            called_at=now(),
        )
        n = _attempts(opinion, problem)
        record_event(
            Verb.CALLBACK_ATTEMPTED,
            actor=actor,
            problem=problem,
            summary=f"第{n}次电话回访未果（{CallOutcome(outcome).label}）"
            + (f"：{note.strip()[:100]}" if note else ""),
            data={"opinion": opinion.pk, "outcome": outcome, "attempt": n},
        )
        _close_if_done(problem, actor=actor)
    assert attempt is not None
    return attempt


def _attempts(opinion: Opinion, problem: Problem) -> int:
    return CallbackAttempt.objects.filter(opinion=opinion, problem=problem, round=problem.reopen_count).count()


@dataclass(frozen=True)
class Standing:
    """Where a problem's follow-up stands."""

    waiting: list[Opinion]  # reporters still to answer (who may still be asked)
    pending_review: int  # 不满意 not yet reviewed
    window_over: bool

    @property
    def done(self) -> bool:
        return self.pending_review == 0 and (not self.waiting or self.window_over)


def standing(problem: Problem, on: dt.date | None = None) -> Standing:
    """Three queries for the whole problem: who answered in this round, who may be phoned, the attempts made."""
    on = on or today()
    limit = rules().attempts
    this_round = {"problem": problem, "round": problem.reopen_count}
    rated = set(Rating.objects.filter(**this_round).values_list("opinion_id", flat=True))
    attempts = dict(
        CallbackAttempt.objects.filter(**this_round).values_list("opinion_id").annotate(n=Count("id")).order_by()
    )
    asked_enough = set(reporters(problem).filter(callable_q()).values_list("pk", flat=True))
    asked_enough = {pk for pk in asked_enough if attempts.get(pk, 0) >= limit}
    waiting = [o for o in reporters(problem) if o.pk not in rated and o.pk not in asked_enough]
    pending = Rating.objects.filter(**this_round, review=Review.PENDING).count()
    over = problem.follow_up_due_on is not None and problem.follow_up_due_on < on
    return Standing(waiting, pending, over)


def _close_if_done(problem: Problem, *, actor: User | None, on: dt.date | None = None) -> bool:
    if problem.status != Status.FOLLOW_UP or not standing(problem, on).done:
        return False
    counts = dict(
        Rating.objects.filter(problem=problem, round=problem.reopen_count)
        .values_list("satisfaction")
        .annotate(n=Count("id"))
        .order_by()
    )
    summary = "、".join(f"{Satisfaction(k).label}{v}人" for k, v in counts.items()) or "无人评价"
    problem.status = next_status(problem.status, Step.FINISH_FOLLOW_UP)
    problem.next_check_at = now()  # the 解决问题报告单 goes out with the next sweep
    save_problem(problem, ["status", "next_check_at"])
    record_event(
        Verb.FOLLOW_UP_FINISHED,
        actor=actor,
        actor_name=None if actor else ("督办系统" if on is not None else PUBLIC_ACTOR),
        problem=problem,
        summary=f"回访结束（{summary}），予以销号",
        data={"ratings": {str(k): v for k, v in counts.items()}},
    )
    messages.follow_up_closed(problem, summary)
    return True


@transaction.atomic
def do_review_dissatisfaction(rating: Rating, *, actor: User, reopen: bool, note: str) -> Rating:
    """A coordinator reviews a 不满意: 重办 (through the ordinary reopening) or 维持销号 with a reason."""
    from taizhang.problems.actions import do_reopen_problem

    if actor.role not in CALLERS:
        raise NotAllowed(gettext("只有牵头部门可以复核不满意评价。"))
    rating = Rating.objects.select_for_update().select_related("problem").get(pk=rating.pk)
    if rating.review != Review.PENDING:
        raise InvalidTransition(gettext("该评价已复核（%(r)s）。") % {"r": rating.get_review_display()})
    note = note.strip()
    if not note:
        raise ActionError(gettext("请填写复核意见。"), field_errors={"note": [gettext("请填写复核意见。")]})
    problem = _lock(rating.problem)
    if problem.status != Status.FOLLOW_UP or rating.round != problem.reopen_count:
        raise InvalidTransition(gettext("该问题已不在回访阶段。"))
    rating.review = Review.REOPENED if reopen else Review.UPHELD
    rating.reviewed_by, rating.reviewed_at, rating.review_note = actor, now(), note
    rating.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    record_event(
        Verb.DISSATISFACTION_REVIEWED,
        actor=actor,
        problem=problem,
        summary=f"复核不满意评价：{rating.get_review_display()}。{note[:200]}",
        data={"rating": rating.pk, "reopen": reopen},
    )
    if reopen:
        do_reopen_problem(problem, actor=actor, reason=f"回访不满意：{note}")
    else:
        _close_if_done(problem, actor=actor)
    return rating


def finish_due_follow_ups(on: dt.date) -> int:
    """The scheduler's daily pass: close every problem whose window is over (or all answered) and nothing waits
    for review. Each in its own transaction, under its row lock, so two schedulers close each once."""
    closed = 0
    ids = list(Problem.objects.filter(status=Status.FOLLOW_UP, follow_up_due_on__lt=on).values_list("id", flat=True))
    for pk in ids:
        with transaction.atomic():
            problem = Problem.objects.select_for_update().get(pk=pk)
            closed += _close_if_done(problem, actor=None, on=on)
    return closed


def satisfaction_rate(qs: QuerySet[Rating]) -> tuple[int, float | None]:
    """(how many rated, share of 满意 + 基本满意) — the 满意率 of a problem, a unit or the whole campaign."""
    total = qs.count()
    if not total:
        return 0, None
    happy = qs.filter(satisfaction__in=CONTENT).count()
    return total, happy / total


def satisfaction_by_unit() -> list[dict[str, object]]:
    rows = (
        Rating.objects.values("problem__lead_unit__name")
        .annotate(
            rated=Count("id"),
            satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basic=Count("id", filter=Q(satisfaction=Satisfaction.BASIC)),
            dissatisfied=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        )
        .order_by("problem__lead_unit__name")
    )
    return [
        {
            "unit": r["problem__lead_unit__name"] or "—",
            "rated": r["rated"],
            "satisfied": r["satisfied"],
            "basic": r["basic"],
            "dissatisfied": r["dissatisfied"],
            "rate": (r["satisfied"] + r["basic"]) / r["rated"],
        }
        for r in rows
    ]


def callback_list() -> list[tuple[Opinion, Problem, int]]:
    """What the bureau's phone callers work through: each callable reporter of a problem in 待回访 who has not
    answered in this round and may still be called, with the attempts made; the window closing first on top.
    One query, whatever the number of problems (the coordinator's home page asks it on every visit)."""
    this_round = {"opinion": OuterRef("opinion_id"), "problem": OuterRef("problem_id")}
    this_round["round"] = OuterRef("problem__reopen_count")
    attempts = (
        CallbackAttempt.objects.filter(**this_round).order_by().values("opinion").annotate(n=Count("id")).values("n")
    )
    links = (
        OpinionLink.objects.filter(problem__status=Status.FOLLOW_UP, opinion__channel__in=PUBLIC_CHANNELS)
        .filter(callable_q("opinion__"))
        .exclude(Exists(Rating.objects.filter(**this_round)))
        .annotate(made=Coalesce(Subquery(attempts), 0))
        .filter(made__lt=rules().attempts)
        .select_related("opinion", "problem", "problem__lead_unit")
        .order_by("problem__follow_up_due_on", "problem_id", "opinion__received_at", "opinion_id")
    )
    return [(link.opinion, link.problem, link.made) for link in links]
