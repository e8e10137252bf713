"""销号: the milestones marked done with their evidence, the unit's application, the unit head's review (单位主要
负责人审核), the verifier the coordinator names, and that verifier's decision. Pages, the API and the demo call these.

Who may act is always checked before what the state allows: a decision by anyone but the named verifier is a 403
whatever the problem's status, so the answer never tells an outsider where the closure stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from taizhang.accounts.models import VERIFIER_ROLES, Role
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now, today
from taizhang.errors import ActionError, Conflict, InvalidTransition, NotAllowed
from taizhang.i18n import join_reasons, message_date
from taizhang.problems import messages
from taizhang.problems.access import may_review_closure
from taizhang.problems.actions import (
    Upload,
    _files_note,
    _lock,
    _require_lead_unit,
    _require_role,
    _save,
    _store_uploads,
    _stored_files_removed_on_failure,
    check_uploads,
)
from taizhang.problems.models import (
    Assignment,
    ClosureApplication,
    ClosureDecision,
    ClosureStage,
    Milestone,
    Problem,
    Status,
)
from taizhang.problems.transitions import STEP_LABELS, Step, next_status

if TYPE_CHECKING:
    from taizhang.accounts.models import User


def current_milestones(problem: Problem) -> list[Milestone]:
    return list(Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True))


def pending_closure(problem: Problem) -> ClosureApplication | None:
    return problem.closures.filter(decision=ClosureDecision.PENDING).order_by("-applied_at", "-id").first()


def responsible_unit_ids(problem: Problem) -> set[int]:
    current = Assignment.objects.filter(problem=problem, is_current=True)
    co = Assignment.co_units.through.objects.filter(assignment__in=current).values_list("unit_id", flat=True)
    return {u for u in [problem.lead_unit_id, *co] if u is not None}


def verifier_refusal(problem: Problem, closure: ClosureApplication, candidate: User) -> str | None:
    """Why this person may not verify this application, or None. Independence: never the person who assigned the
    problem (in any round), anyone of its responsible units, the applicant, or anyone who did the work."""
    if candidate.pk == closure.applied_by_id:
        return gettext("销号申请人不能验收自己的申请。")
    if problem.assignments.filter(assigned_by=candidate).exists():
        return gettext("交办该问题的人员不能验收该问题，请指定其他人员。")
    if candidate.unit_id is not None and candidate.unit_id in responsible_unit_ids(problem):
        return gettext("责任单位（牵头单位或配合单位）的人员不能验收该问题。")
    if not candidate.is_active or candidate.role not in VERIFIER_ROLES:
        return gettext("验收人须是督导组成员或牵头部门（活动办公室）人员。")
    workers = {
        *problem.progress_reports.values_list("author_id", flat=True),
        *problem.plans.values_list("author_id", flat=True),
        *Milestone.objects.filter(assignment__problem=problem).values_list("done_by_id", flat=True),
    }
    if candidate.pk in workers:
        return gettext("承担整改的人员不能验收该问题。")
    return None


@transaction.atomic
def do_complete_milestone(
    problem: Problem,
    milestone: Milestone,
    *,
    actor: User,
    note: str,
    uploads: Sequence[Upload],
    expected_version: int | None = None,
) -> Milestone:
    """The lead unit marks one 路线图 node done, saying what was done, with at least one evidence file."""
    # Who may act is checked before what they sent, so an outsider is refused as one (403), never told what is missing.
    problem = _lock(problem, expected_version)
    _require_lead_unit(actor, problem, pgettext("refused action", "标记路线图节点完成"))
    errors: dict[str, list[str]] = {}
    if not note.strip():
        errors["note"] = [gettext("请填写节点完成情况。")]
    if not uploads:
        errors["evidence"] = [gettext("标记节点完成须上传佐证材料。")]
    if errors:
        raise ActionError(
            gettext("节点完成情况不完整：%(reasons)s")
            % {"reasons": join_reasons(e for es in errors.values() for e in es)},
            field_errors=errors,
        )
    types = check_uploads(uploads)
    next_status(problem.status, Step.COMPLETE_MILESTONE)
    milestone = Milestone.objects.select_for_update().select_related("assignment").get(pk=milestone.pk)
    if milestone.assignment.problem_id != problem.pk or not milestone.assignment.is_current:
        raise ActionError(gettext("该节点不属于本问题当前的路线图。"))
    if milestone.done_at is not None:
        done_on = message_date(timezone.localdate(milestone.done_at), padded=True)
        raise Conflict(gettext("该节点已于%(date)s标记完成。") % {"date": done_on})
    milestone.done_at, milestone.done_by, milestone.done_note = now(), actor, note.strip()
    milestone.save(update_fields=["done_at", "done_by", "done_note"])
    with _stored_files_removed_on_failure() as written:
        _store_uploads(problem, uploads, types, actor=actor, written=written, milestone=milestone)
        _save(problem, [])
        record_event(
            Verb.MILESTONE_DONE,
            actor=actor,
            problem=problem,
            summary=f"{actor.unit}完成路线图节点“{milestone.title}”：{milestone.done_note}" + _files_note(uploads),
            data={"milestone": milestone.pk, "files": len(uploads)},
        )
        return milestone


@transaction.atomic
def do_apply_closure(
    problem: Problem, *, actor: User, summary: str, uploads: Sequence[Upload], expected_version: int | None = None
) -> ClosureApplication:
    """The lead unit applies once every milestone is done; the application goes to the unit head first."""
    problem = _lock(problem, expected_version)
    _require_lead_unit(actor, problem, pgettext("refused action", "申请销号"))  # before the input, as above
    errors: dict[str, list[str]] = {}
    if not summary.strip():
        errors["summary"] = [gettext("请填写整改完成情况。")]
    if not uploads:
        errors["evidence"] = [gettext("申请销号须上传佐证材料。")]
    if errors:
        reasons = join_reasons(e for es in errors.values() for e in es)
        raise ActionError(gettext("销号申请不完整：%(reasons)s") % {"reasons": reasons}, field_errors=errors)
    types = check_uploads(uploads)
    problem.status = next_status(problem.status, Step.APPLY_CLOSURE)
    open_ones = [m for m in current_milestones(problem) if m.done_at is None]
    if open_ones:
        message = gettext("路线图节点尚未全部完成：%(titles)s。请逐项标记完成并上传佐证材料后再申请销号。") % {
            "titles": messages.milestone_names(open_ones)
        }
        raise ActionError(message, field_errors={"milestones": [message]})
    closure = ClosureApplication.objects.create(
        problem=problem, applied_by=actor, applied_at=now(), summary=summary.strip()
    )
    with _stored_files_removed_on_failure() as written:
        _store_uploads(problem, uploads, types, actor=actor, written=written, closure=closure)
        problem.latest_progress = closure.summary
        problem.next_check_at = None  # the ladder pauses while the application is reviewed and verified
        _save(problem, ["status", "latest_progress", "next_check_at"])
        record_event(
            Verb.CLOSURE_APPLIED,
            actor=actor,
            problem=problem,
            summary=f"申请销号：{closure.summary}" + _files_note(uploads),
            data={"closure": closure.pk, "files": len(uploads)},
        )
        messages.closure_applied(problem, closure)
        return closure


def _closure_at(problem: Problem, stage: ClosureStage, step: Step) -> ClosureApplication:
    """The pending application, which must be at `stage`; otherwise the step is not possible now (409)."""
    next_status(problem.status, step)
    closure = pending_closure(problem)
    if closure is None or closure.stage != stage:
        now_at = closure.stage.label if closure else Status(problem.status).label
        raise InvalidTransition(
            gettext("销号申请当前为“%(stage)s”，不能%(step)s。") % {"stage": now_at, "step": STEP_LABELS[step]}
        )
    return closure


@transaction.atomic
def do_review_closure(
    problem: Problem, *, actor: User, approve: bool, note: str = "", expected_version: int | None = None
) -> ClosureApplication:
    """单位主要负责人审核: a unit head of the lead unit approves (on to the bureau) or sends it back with a reason."""
    problem = _lock(problem, expected_version)
    if not may_review_closure(actor, problem):
        raise NotAllowed(gettext("只有牵头单位的主要负责人可以审核销号申请。"))
    closure = pending_closure(problem)
    if closure is not None and closure.applied_by_id == actor.pk:
        raise NotAllowed(gettext("不能审核自己提交的销号申请，请由本单位其他负责人审核。"))
    step = Step.REVIEW_CLOSURE if approve else Step.SEND_BACK_CLOSURE
    closure = _closure_at(problem, ClosureStage.HEAD_REVIEW, step)
    note = note.strip()
    if not approve and not note:
        raise ActionError(gettext("退回须说明理由。"), field_errors={"note": [gettext("请填写退回理由。")]})
    closure.reviewed_by, closure.reviewed_at, closure.review_note = actor, now(), note
    fields = ["reviewed_by", "reviewed_at", "review_note"]
    if not approve:
        closure.decision = ClosureDecision.SENT_BACK
        fields.append("decision")
    closure.save(update_fields=fields)
    if approve:
        _save(problem, [])
    else:
        problem.status = next_status(problem.status, step)
        problem.next_check_at = now()  # back with the unit: the ladder resumes
        _save(problem, ["status", "next_check_at"])
    record_event(
        Verb.CLOSURE_APPROVED if approve else Verb.CLOSURE_SENT_BACK,
        actor=actor,
        problem=problem,
        summary=("单位负责人审核同意销号申请，报请验收" if approve else "单位负责人退回销号申请")
        + (f"：{note}" if note else ""),
        data={"closure": closure.pk},
    )
    if approve:
        messages.closure_approved(problem, closure)
    else:
        messages.closure_sent_back(problem, closure, actor=actor)
    return closure


@transaction.atomic
def do_name_verifier(
    problem: Problem, *, actor: User, verifier: User, expected_version: int | None = None
) -> ClosureApplication:
    """The coordinator names (or replaces) the verifier of an application the unit head has approved."""
    _require_role(actor, (Role.COORDINATOR,), pgettext("refused action", "指定验收人"))
    problem = _lock(problem, expected_version)
    closure = pending_closure(problem)
    if closure is None or closure.stage != ClosureStage.VERIFYING:
        closure = _closure_at(problem, ClosureStage.AWAITING_VERIFIER, Step.NAME_VERIFIER)
    refusal = verifier_refusal(problem, closure, verifier)
    if refusal is None and closure.verifier_id == verifier.pk:
        refusal = gettext("%(name)s已是本申请的验收人。") % {"name": verifier.display_name}
    if refusal:
        raise ActionError(refusal, field_errors={"verifier": [refusal]})
    previous = closure.verifier
    closure.verifier, closure.verifier_named_by, closure.verifier_named_at = verifier, actor, now()
    closure.save(update_fields=["verifier", "verifier_named_by", "verifier_named_at"])
    _save(problem, [])
    record_event(
        Verb.VERIFIER_NAMED,
        actor=actor,
        problem=problem,
        summary=f"指定{verifier.display_name}为验收人" + (f"（原验收人：{previous.display_name}）" if previous else ""),
        data={"closure": closure.pk, "verifier": verifier.pk, "previous": previous.pk if previous else None},
    )
    messages.verifier_named(problem, closure, previous=previous)
    return closure


def _check_site_visit(on_site: bool, visited_on: dt.date | None, place: str, closure: ClosureApplication) -> None:
    if not on_site:
        return
    errors: dict[str, list[str]] = {}
    if visited_on is None:
        errors["site_visited_on"] = [gettext("请填写现场核查日期。")]
    elif not (timezone.localdate(closure.applied_at) <= visited_on <= today()):
        errors["site_visited_on"] = [gettext("现场核查日期须在申请销号之后、今天或以前。")]
    if not place.strip():
        errors["site_place"] = [gettext("请填写现场核查地点。")]
    if errors:
        raise ActionError(
            gettext("现场核查信息不完整：%(reasons)s")
            % {"reasons": join_reasons(e for es in errors.values() for e in es)},
            field_errors=errors,
        )


@transaction.atomic
def do_decide_closure(
    problem: Problem,
    *,
    actor: User,
    accept: bool,
    reason: str,
    on_site: bool = False,
    site_visited_on: dt.date | None = None,
    site_place: str = "",
    expected_version: int | None = None,
) -> ClosureApplication:
    """The named verifier passes (销号) or rejects (reason required) the application."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    closure = problem.closures.order_by("-applied_at", "-id").first()
    if closure is None or closure.verifier_id is None or closure.verifier_id != actor.pk:
        raise NotAllowed(gettext("只有牵头部门为该销号申请指定的验收人可以作出验收结论。"))
    refusal = verifier_refusal(problem, closure, actor)
    if refusal:
        raise NotAllowed(refusal)
    if expected_version is not None and problem.version != expected_version:
        raise Conflict()
    from taizhang.followup.actions import follow_up_due, needs_follow_up, record_follow_up_started

    # 验收 passed on a problem the public reported: 待回访 until its reporters have answered (taizhang.followup).
    follow_up = accept and needs_follow_up(problem)
    step = Step.AWAIT_FOLLOW_UP if follow_up else Step.ACCEPT_CLOSURE if accept else Step.REJECT_CLOSURE
    problem.status = next_status(problem.status, step)
    if closure.stage != ClosureStage.VERIFYING:
        raise InvalidTransition(gettext("该销号申请已作出验收结论（%(d)s）。") % {"d": closure.get_decision_display()})
    if not accept and not reason.strip():
        raise ActionError(gettext("验收不通过须说明理由。"), field_errors={"reason": [gettext("请填写不通过的理由。")]})
    _check_site_visit(on_site, site_visited_on, site_place, closure)
    closure.decision = ClosureDecision.ACCEPTED if accept else ClosureDecision.REJECTED
    closure.decided_by, closure.decided_at, closure.decision_reason = actor, now(), reason.strip()
    closure.on_site = on_site
    closure.site_visited_on = site_visited_on if on_site else None
    closure.site_place = site_place.strip()[:200] if on_site else ""
    closure.save(
        update_fields=[
            "decision",
            "decided_by",
            "decided_at",
            "decision_reason",
            "on_site",
            "site_visited_on",
            "site_place",
        ]
    )
    problem.next_check_at = now()  # closed: the 解决问题报告单; rejected: the ladder resumes
    fields = ["status", "next_check_at"]
    if accept:
        problem.closed_at = closure.decided_at  # the 销号 decision; with 回访 the status follows once it is over
        problem.progress_percent = 100
        fields += ["closed_at", "progress_percent"]
    if follow_up:
        problem.follow_up_due_on = follow_up_due()
        fields.append("follow_up_due_on")
    _save(problem, fields)
    site = ""
    if on_site and closure.site_visited_on:
        site = f"（{closure.site_visited_on:%Y年%m月%d日}在{closure.site_place}现场核查）"
    record_event(
        Verb.CLOSURE_ACCEPTED if accept else Verb.CLOSURE_REJECTED,
        actor=actor,
        problem=problem,
        summary=("验收通过，待回访后销号" if follow_up else "验收通过，予以销号" if accept else "验收不通过，退回整改")
        + site
        + (f"：{closure.decision_reason}" if closure.decision_reason else ""),
        data={"closure": closure.pk, "on_site": on_site},
    )
    if follow_up:
        record_follow_up_started(problem, actor=actor)
    messages.closure_decided(problem, closure, accepted=accept)
    return closure
