"""Permission-checked reads of problems. Every page and endpoint fetches problems through here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext

from taizhang.accounts.models import Role

if TYPE_CHECKING:
    from taizhang.accounts.models import User
    from taizhang.audit.models import AuditEvent
    from taizhang.problems.models import Attachment, Problem, ProblemQuerySet


def scope_problems(qs: ProblemQuerySet, user: User) -> ProblemQuerySet:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_bureau_wide():
        return qs
    if user.is_unit_role() and user.unit_id:
        from taizhang.problems.models import Assignment

        # IN (subquery) rather than a correlated EXISTS: the co-unit set is small and computed once
        # (measured at 100k problems: ~30 ms instead of ~250 ms, see docs/PERFORMANCE.md).
        co_unit_problems = Assignment.co_units.through.objects.filter(
            assignment__is_current=True, unit_id=user.unit_id
        ).values("assignment__problem_id")
        return qs.filter(Q(lead_unit_id=user.unit_id) | Q(pk__in=co_unit_problems))
    return qs.none()


def access_problem_by_id(user: User, pk: int) -> Problem:
    """Fetch a problem the user may see; an unknown or unseen id is the same 404 so ids don't leak."""
    from taizhang.problems.models import Problem

    qs = Problem.objects.visible_to(user).select_related("category", "lead_unit", "campaign")
    try:
        return qs.get(pk=pk)
    except (Problem.DoesNotExist, ValueError, TypeError):
        note_if_hidden(Problem.objects.all(), "problem", pk)
        raise Http404(gettext("问题不存在或无权查看")) from None


def note_if_hidden(records: QuerySet[Any], kind: str, pk: object) -> None:
    """The 404 hides a record that exists: the trail records it as a denied access (taizhang.audit.denials)."""
    from taizhang.audit.denials import note_scope_refusal

    try:
        exists = records.filter(pk=pk).exists()
    except (ValueError, TypeError, OverflowError):
        return
    if exists:
        note_scope_refusal(kind, pk)


def is_lead_unit_member(user: User, problem: Problem) -> bool:
    return user.is_unit_role() and user.unit_id is not None and user.unit_id == problem.lead_unit_id


def is_co_unit_member(user: User, problem: Problem) -> bool:
    if not user.is_unit_role() or user.unit_id is None:
        return False
    return problem.assignments.filter(is_current=True, co_units__id=user.unit_id).exists()


def can_triage(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.COORDINATOR, Role.ADMIN)


def steps_for(user: User, problem: Problem) -> set[str]:
    """The steps this user may try on this problem now; the actions re-check everything when called."""
    from taizhang.problems.models import ClosureDecision, ClosureStage, Milestone
    from taizhang.problems.transitions import Step, allowed_steps

    possible = allowed_steps(problem.status)
    lead = is_lead_unit_member(user, problem)
    mine: set[str] = set()
    if Step.ASSIGN in possible and can_triage(user):
        mine.add(Step.ASSIGN)
    if lead:
        mine |= possible & {Step.SIGN, Step.RETURN}
    if lead and Step.APPLY_CLOSURE in possible:
        milestones = Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True)
        if milestones.filter(done_at__isnull=True).exists():
            mine.add(Step.COMPLETE_MILESTONE)  # 销号 once every node of the 路线图 is done
        else:
            mine.add(Step.APPLY_CLOSURE)
    if Step.SUBMIT_PLAN in possible and lead and problem.plan_submitted_at is None:
        mine.add(Step.SUBMIT_PLAN)
    if Step.REPORT_PROGRESS in possible and (lead or is_co_unit_member(user, problem)):
        mine.add(Step.REPORT_PROGRESS)
    if Step.NAME_VERIFIER in possible:
        closure = problem.closures.filter(decision=ClosureDecision.PENDING).order_by("-applied_at", "-id").first()
        stage = closure.stage if closure is not None else None
        reviewer = closure is not None and closure.applied_by_id != user.pk and may_review_closure(user, problem)
        if stage == ClosureStage.HEAD_REVIEW and reviewer:
            mine.add(Step.REVIEW_CLOSURE)
        if stage in (ClosureStage.AWAITING_VERIFIER, ClosureStage.VERIFYING) and user.role == Role.COORDINATOR:
            mine.add(Step.NAME_VERIFIER)
        if closure is not None and stage == ClosureStage.VERIFYING and closure.verifier_id == user.pk:
            mine.add("decide_closure")
    if Step.REOPEN in possible and can_triage(user):
        mine.add(Step.REOPEN)
    return mine


def may_review_closure(user: User, problem: Problem) -> bool:
    """单位主要负责人审核: a head of the lead unit."""
    return user.role == Role.UNIT_HEAD and user.unit_id is not None and user.unit_id == problem.lead_unit_id


# An uploaded file's own policy: shown inline (a picture), it may use the browser's image styling and nothing else.
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def attachment_file(attachment: Attachment) -> FileResponse:
    """The evidence file itself, as the page and the API serve it: pictures inline, anything else as a download,
    under the name it was uploaded with. The caller has checked that the user may see its problem. The file is
    never kept by a cache, and if a browser opens it anyway it runs sandboxed, with nothing it may load."""
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    disposition = "inline" if attachment.content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(attachment.original_name)}"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_POLICY
    return response


def timeline_visible_to(user: User, problem: Problem) -> QuerySet[AuditEvent]:
    """A problem's audit events as this user may read them on its page and in the API: 问责 only for those who may
    read the 问责 records (a unit never learns of its own 问责 from the timeline), and an unmasking of a reporter
    never for the units (it would tell them a 举报 names someone)."""
    from taizhang.audit.models import AuditEvent, Verb
    from taizhang.supervision.access import can_read_accountability

    events = AuditEvent.objects.filter(problem=problem).order_by("at", "id")
    if not can_read_accountability(user):
        events = events.exclude(verb=Verb.ACCOUNTABILITY_RECORDED)
    if user.is_unit_role():
        events = events.exclude(verb=Verb.REPORTER_UNMASKED)
    return events
