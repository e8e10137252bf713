"""What a reporter sees of their opinion through its receipt code (内外有别): the steps it went through, in
public words, from the audit trail's own times — never a person's name, a phone number, an internal reason
(退单、验收意见), or the text of a progress report unless the unit marked it public (向反映人公开), and then masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext, pgettext

from taizhang.accounts.models import Unit
from taizhang.audit.models import AuditEvent, Verb
from taizhang.i18n import message_date
from taizhang.intake.models import DismissReason, Opinion, OpinionLink, OpinionStatus
from taizhang.lib.masking import mask_public_text, names_in
from taizhang.problems.models import (
    Assignment,
    ClosureApplication,
    ClosureDecision,
    Problem,
    ProgressReport,
    Status,
)

# The audit verbs a reporter is told about; everything else (督办 drafts, messages, unmaskings) stays inside.
OPINION_VERBS = (Verb.OPINION_RECEIVED, Verb.PROBLEM_CREATED, Verb.OPINION_LINKED, Verb.OPINION_DISMISSED)
PROBLEM_VERBS = (
    Verb.PROBLEM_ASSIGNED,
    Verb.PROBLEM_SIGNED,
    Verb.PROBLEM_RETURNED,
    Verb.PROGRESS_REPORTED,
    Verb.CLOSURE_APPLIED,
    Verb.CLOSURE_ACCEPTED,
    Verb.FOLLOW_UP_STARTED,
    Verb.FOLLOW_UP_FINISHED,
    Verb.CLOSURE_REJECTED,
    Verb.PROBLEM_REOPENED,
)


def status_words(status: str) -> str:
    """A problem's status as a reporter reads it."""
    words = {
        Status.NEW: gettext("已立项，等待交办"),
        Status.ASSIGNED: gettext("已交办，等待责任单位签收"),
        Status.RETURNED: gettext("正在重新交办"),
        Status.RECTIFYING: gettext("整改中"),
        Status.VERIFYING: gettext("整改完成，等待验收"),
        Status.FOLLOW_UP: gettext("已整改并通过验收，正在回访"),
        Status.CLOSED: gettext("已整改并验收销号"),
    }
    if status in words:
        return words[Status(status)]
    return str(dict(Status.choices).get(status, status))  # a status added later reads as its own label


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    title: str
    detail: str = ""


@dataclass
class PublicProblem:
    number: str
    status: str
    status_label: str
    status_words: str
    office: str
    co_offices: list[str]
    deadline: dt.date | None
    progress_percent: int
    progress: list[tuple[dt.datetime, int, str]]  # when, how far, the note if the unit made it public
    closed_at: dt.datetime | None
    result: str


@dataclass
class PublicTimeline:
    receipt_code: str
    received_at: dt.datetime
    channel_label: str
    status: str
    status_words: str
    answer: str
    problems: list[PublicProblem] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    rating_open: bool = False

    @property
    def result(self) -> str:
        """The result in words: the answer given, or each problem's outcome."""
        parts = [self.answer] if self.answer else []
        parts += [p.result for p in self.problems if p.result]
        return "\n".join(parts)


def _scrub(text: str, names: set[str]) -> str:
    """Free text staff wrote (an answer, a closure summary) as a public page may print it: phones, ID numbers,
    classes and pupils masked, and the reporters' own names and phones wherever staff wrote them."""
    return mask_public_text(text, names=names | names_in(text))


def public_timeline(opinion: Opinion) -> PublicTimeline:
    """Everything for the follow page and GET /api/v1/public/track/{code}, in a fixed number of queries."""
    problems = list(Problem.objects.filter(opinion_links__opinion=opinion).select_related("lead_unit").order_by("id"))
    # This reporter's and every co-reporter's name and phone, masked wherever staff wrote them. (An OR across the
    # link join scanned every opinion: 13 ms at 100,000; both sides on the primary key use its index.)
    linked = OpinionLink.objects.filter(problem__in=problems).values("opinion_id")
    names: set[str] = set()
    for name, phone, email, text in Opinion.objects.filter(Q(pk=opinion.pk) | Q(pk__in=linked)).values_list(
        "reporter_name", "reporter_phone", "reporter_email", "text"
    ):
        names |= {value for value in (name, phone, email) if value}
        names |= names_in(text)  # a pupil named after a cue (学生陈小虎) is hidden where staff write him bare too
    for problem in problems:
        names |= names_in(f"{problem.title}\n{problem.description}\n{problem.measures}")
    events = list(
        AuditEvent.objects.filter(
            Q(opinion=opinion, verb__in=OPINION_VERBS) | Q(problem__in=problems, verb__in=PROBLEM_VERBS)
        )
        .only("at", "verb", "problem_id", "opinion_id", "data")
        .order_by("at", "id")
    )
    # Progress reports the unit marked public (向反映人公开), masked like everything else staff wrote.
    public_reports = [e.data.get("report") for e in events if e.verb == Verb.PROGRESS_REPORTED and e.data.get("public")]
    notes = (
        {
            pk: _scrub(text, names)
            for pk, text in ProgressReport.objects.filter(pk__in=public_reports).values_list("pk", "text")
        }
        if public_reports
        else {}
    )
    # The offices named in 交办 steps: usually the problems' own lead units, read with them; others (a problem
    # assigned elsewhere first) cost one query.
    unit_names: dict[int, str] = {p.lead_unit.pk: p.lead_unit.name for p in problems if p.lead_unit is not None}
    unit_ids = {int(e.data["lead_unit"]) for e in events if e.verb == Verb.PROBLEM_ASSIGNED and e.data.get("lead_unit")}
    if unit_ids - set(unit_names):
        unit_names.update(Unit.objects.filter(pk__in=unit_ids - set(unit_names)).values_list("pk", "name"))
    numbers = {p.pk: p.number for p in problems}
    timeline = PublicTimeline(
        receipt_code=opinion.receipt_code,
        received_at=opinion.received_at,
        channel_label=str(opinion.get_channel_display()),
        status=opinion.status,
        status_words=_opinion_words(opinion, problems),
        answer=_scrub(opinion.answer, names),
        problems=_public_problems(problems, events, names, notes),
        # A problem's history from before this reporter wrote (a duplicate merged into it) is in the facts
        # (office, deadline), not in their timeline, which starts with their own opinion.
        steps=[
            s
            for e in events
            if e.at >= opinion.received_at and (s := _step(e, opinion, numbers, unit_names, len(problems) > 1, notes))
        ],
        # Only a problem in 待回访 can be rated: no query for every other page.
        rating_open=any(p.status == Status.FOLLOW_UP for p in problems) and rating_open(opinion),
    )
    return timeline


def rating_open(opinion: Opinion) -> bool:
    """Whether the follow page asks this reporter for a rating (回访): a problem of theirs is in 待回访 and they
    have not rated it in this round."""
    from taizhang.followup.actions import open_problems_for

    return bool(open_problems_for(opinion))


def _opinion_words(opinion: Opinion, problems: list[Problem]) -> str:
    if opinion.status == OpinionStatus.UNTRIAGED:
        return gettext("已受理，正在梳理")
    if opinion.status == OpinionStatus.DISMISSED:
        return str(DismissReason(opinion.dismiss_reason).label) if opinion.dismiss_reason else gettext("不予立项")
    open_ones = [p for p in problems if p.status != Status.CLOSED]
    if not open_ones:
        return status_words(Status.CLOSED)
    return status_words(open_ones[0].status)


def _public_problems(
    problems: list[Problem], events: list[AuditEvent], names: set[str], notes: dict[int, str]
) -> list[PublicProblem]:
    # The co-units of each problem's current assignment, in one query over the link table.
    co_offices: dict[int, list[str]] = {}
    for problem_id, name in (
        Assignment.co_units.through.objects.filter(assignment__problem__in=problems, assignment__is_current=True)
        .order_by("unit__sort_order", "unit_id")
        .values_list("assignment__problem_id", "unit__name")
    ):
        co_offices.setdefault(problem_id, []).append(name)
    # What was done, read only when a problem has passed 验收.
    accepted = (
        {
            c.problem_id: c
            for c in ClosureApplication.objects.filter(
                problem__in=problems, decision=ClosureDecision.ACCEPTED
            ).order_by("decided_at", "id")
        }
        if any(p.status in (Status.FOLLOW_UP, Status.CLOSED) for p in problems)
        else {}
    )
    result = []
    for p in problems:
        progress = [
            (e.at, int(e.data.get("percent", 0)), notes.get(int(e.data.get("report") or 0), ""))
            for e in events
            if e.problem_id == p.pk and e.verb == Verb.PROGRESS_REPORTED
        ]
        result.append(
            PublicProblem(
                number=p.number,
                status=p.status,
                status_label=str(p.get_status_display()),
                status_words=status_words(p.status),
                office=p.lead_unit.name if p.lead_unit else "",
                co_offices=co_offices.get(p.pk, []),
                deadline=p.deadline,
                progress_percent=p.progress_percent,
                progress=progress,
                closed_at=p.closed_at if p.status == Status.CLOSED else None,  # 待回访 is not closed yet
                result=_result(p, accepted.get(p.pk), names),
            )
        )
    return result


def _result(problem: Problem, closure: ClosureApplication | None, names: set[str]) -> str:
    """What was done, once 验收 passed: during 回访 too, since the reporter rates what they read here."""
    if problem.status not in (Status.FOLLOW_UP, Status.CLOSED):
        return ""
    summary = _scrub(closure.summary.strip(), names) if closure else ""
    if problem.status == Status.FOLLOW_UP:
        done = gettext("问题已整改完成并通过验收，请您评价办理结果。")
    else:
        done = gettext("问题已整改完成，经验收销号。")
    heading = pgettext("result", "整改情况：")  # outside the f-string, where makemessages finds it
    return f"{done}{heading}{summary}" if summary else done


def _step(
    event: AuditEvent,
    opinion: Opinion,
    numbers: dict[int, str],
    units: dict[int, str],
    several: bool,
    notes: dict[int, str],
) -> Step | None:
    number = numbers.get(event.problem_id or 0, "")
    prefix = f"{number} · " if several and number and event.verb in PROBLEM_VERBS else ""
    data = event.data or {}
    if event.verb == Verb.OPINION_RECEIVED:
        return Step(event.at, gettext("收到您的反映"), gettext("已登记，生成查询码"))
    if event.verb == Verb.PROBLEM_CREATED:
        return Step(
            event.at, pgettext("timeline", "立项"), gettext("列入问题台账，编号 %(number)s") % {"number": number}
        )
    if event.verb == Verb.OPINION_LINKED:
        detail = gettext("与反映同一问题的其他意见合并办理，编号 %(number)s") % {"number": number}
        return Step(event.at, gettext("合并办理"), detail)
    if event.verb == Verb.OPINION_DISMISSED:
        return Step(
            event.at, gettext("不予立项"), str(DismissReason(data["reason"]).label) if data.get("reason") else ""
        )
    return _problem_step(event, prefix, units, data, notes)


def _problem_step(
    event: AuditEvent, prefix: str, units: dict[int, str], data: dict[str, object], notes: dict[int, str]
) -> Step | None:
    if event.verb == Verb.PROBLEM_ASSIGNED:
        office = units.get(int(str(data.get("lead_unit") or 0)), "")
        deadline = str(data.get("deadline", ""))
        detail = gettext("交由%(office)s办理") % {"office": office} if office else ""
        if deadline:
            detail += gettext("，整改时限 %(deadline)s") % {"deadline": message_date(dt.date.fromisoformat(deadline))}
        return Step(event.at, prefix + gettext("交办"), detail)
    words = {
        Verb.PROBLEM_SIGNED: (gettext("责任单位签收"), ""),
        Verb.PROBLEM_RETURNED: (gettext("调整办理单位"), gettext("正在重新交办")),
        Verb.CLOSURE_APPLIED: (gettext("整改完成，申请验收"), ""),
        Verb.CLOSURE_ACCEPTED: (gettext("验收通过"), ""),
        Verb.FOLLOW_UP_STARTED: (gettext("回访"), gettext("请反映人评价办理结果")),
        Verb.FOLLOW_UP_FINISHED: (gettext("回访结束，销号"), ""),
        Verb.CLOSURE_REJECTED: (gettext("验收未通过"), gettext("继续整改")),
        Verb.PROBLEM_REOPENED: (gettext("重新办理"), ""),
    }
    if event.verb == Verb.PROGRESS_REPORTED:
        percent = data.get("percent")
        detail = gettext("已完成 %(percent)s%%") % {"percent": percent}
        note = notes.get(int(str(data.get("report") or 0)), "")
        return Step(event.at, prefix + gettext("整改进展"), f"{detail}：{note}" if note else detail)
    if event.verb in words:
        title, detail = words[Verb(event.verb)]
        return Step(event.at, prefix + title, detail)
    return None
