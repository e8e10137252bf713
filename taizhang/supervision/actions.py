"""Every state change of supervision. Pages, the API, the admin and the `supervise` command call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from taizhang.accounts.models import Role, Unit, UnitKind
from taizhang.audit.events import append_events, new_event, record_event
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import now, today
from taizhang.errors import ActionError, Conflict, NotAllowed
from taizhang.i18n import join_reasons, message_date
from taizhang.lib.chinese_dates import chinese_date
from taizhang.lib.workdays import Arrangement, ArrangementError, parse_arrangement, validate_arrangement
from taizhang.problems.access import is_lead_unit_member
from taizhang.problems.models import Assignment, Problem, Status
from taizhang.supervision.access import ACCOUNTABILITY_WRITERS, EXTENSION_DECIDERS, SUBSCRIBERS
from taizhang.supervision.config import SupervisionConfig, config_changed, get_config
from taizhang.supervision.documents import (
    NumberBook,
    common_values,
    fill_document,
    problem_values,
    take_number,
    template_errors,
    write_document,
)
from taizhang.supervision.ladder import Due, Plan, plan_for
from taizhang.supervision.models import (
    Accountability,
    ActionState,
    BundleRole,
    CalendarYear,
    ExtensionRequest,
    ExtensionStatus,
    FormKind,
    FormTemplate,
    RedItemSubscription,
    Rung,
    Sanction,
    SupervisionAction,
    Trigger,
)
from taizhang.supervision.notify import Message, Recipients, notify, notify_many, people_with_roles

if TYPE_CHECKING:
    from taizhang.accounts.models import User

log = logging.getLogger("taizhang.supervise")
SYSTEM = "督办系统"
SIGNABLE = frozenset(  # the forms a unit signs for (签收); the 解决问题报告单 only informs
    {
        FormKind.SUPERVISION_NOTICE,
        FormKind.CRITICISM,
        FormKind.ORG_ADJUSTMENT,
        FormKind.RECTIFICATION_NOTICE,
        FormKind.FORECAST,
    }
)
PLAN_TRIGGERS = {Trigger.PLAN_DUE, Trigger.PLAN_OVERDUE}


class LeaseLost(Exception):
    """Someone changed the problem (or another scheduler took it over) while this sweep held it."""


def _require_role(actor: User, roles: frozenset[str] | set[str], what: str) -> None:
    """`what`: pgettext("refused action", …), a verb phrase that completes “您的角色不能…”."""
    if actor.role not in roles:
        raise NotAllowed(gettext("您的角色不能%(what)s。") % {"what": what})


# ---- the ladder --------------------------------------------------------------------------------------------


HEAVY_FORMS = frozenset({FormKind.CRITICISM, FormKind.ORG_ADJUSTMENT})  # drafted; issued only once approved
REVIEWERS = frozenset({Role.COORDINATOR, Role.LEADER})
REPLYABLE = frozenset(
    {FormKind.SUPERVISION_NOTICE, FormKind.CRITICISM, FormKind.ORG_ADJUSTMENT, FormKind.RECTIFICATION_NOTICE}
)


def draft_action(problem: Problem, due: Due, config: SupervisionConfig) -> SupervisionAction:
    """The rung's record for this problem, unsaved and not yet numbered. Its document is worded as of today, the
    day it is issued (`due_on` keeps the day the rung was due); a heavy form stays a draft until approved."""
    rung = due.rung
    if problem.lead_unit is None:
        raise ValueError(f"问题{problem.number}没有责任单位")
    if due.skipped:
        state = ActionState.SKIPPED
    elif rung.form_kind in HEAVY_FORMS:
        state = ActionState.DRAFT
    else:
        state = ActionState.ISSUED
    action = SupervisionAction(
        problem=problem,
        unit=problem.lead_unit,
        rung=rung,
        round=problem.supervision_round,
        deadline=problem.deadline,
        lapse=due.lapse,
        due_on=due.due_on,
        fired_at=now(),
        form_kind=rung.form_kind,
        recipient=problem.lead_unit.name,
        state=state,
        issued_on=today() if state == ActionState.ISSUED else None,
    )
    if rung.form_kind and state != ActionState.SKIPPED:
        fill_document(action, problem_values(problem, today(), config), config)
    return action


def _event_for(action: SupervisionAction) -> AuditEvent:
    what = f"{action.rung.name}" + (f"，印发《{action.title}》{action.doc_number}" if action.doc_number else "")
    if action.state == ActionState.SKIPPED:
        what = f"{action.rung.name}（补发时已合并，未单独发出）"
    elif action.state == ActionState.DRAFT:
        what = f"{action.rung.name}，《{action.title}》草稿待审批"
    return new_event(
        Verb.SUPERVISION_FIRED,
        actor=None,
        actor_name=SYSTEM,
        problem=action.problem,
        summary=f"{what}（应督办日期{chinese_date(action.due_on)}）",
        data={
            "action": action.pk,
            "rung": action.rung.code,
            "due_on": action.due_on.isoformat(),
            "number": action.doc_number,
            "state": action.state,
        },
    )


def _messages_for(
    actions: Sequence[SupervisionAction], recipients: Recipients, reviewers: list[User]
) -> list[tuple[list[User], Message]]:
    """One message per problem for what this run issued to its unit (however many reminders were due), and one to
    the reviewers for each draft awaiting approval. Nothing for what was skipped."""
    out: list[tuple[list[User], Message]] = []
    by_problem: dict[int, list[SupervisionAction]] = {}
    for action in actions:
        if action.state == ActionState.ISSUED:
            assert action.problem_id is not None
            by_problem.setdefault(action.problem_id, []).append(action)
        elif action.state == ActionState.DRAFT:
            out.append((reviewers, _draft_message(action)))
    for issued in by_problem.values():
        out.append(_unit_message(issued, recipients))
    return out


def _unit_message(issued: list[SupervisionAction], recipients: Recipients) -> tuple[list[User], Message]:
    problem = issued[0].problem
    assert problem is not None
    main = max(issued, key=lambda a: (bool(a.doc_number), a.rung.level))
    lines = []
    for action in sorted(issued, key=lambda a: (-a.rung.level, not a.doc_number)):
        rung = action.rung
        what = rung.name + (f"，印发《{action.title}》{action.doc_number}" if action.doc_number else "")
        if rung.trigger == Trigger.ON_CLOSE:  # the 解决问题报告单 reports a pass, not a time limit
            closed = timezone.localdate(problem.closed_at) if problem.closed_at else action.due_on
            limit = f"验收通过，已于{chinese_date(closed)}销号"
        elif rung.trigger in PLAN_TRIGGERS and problem.plan_due_on:
            limit = f"整改方案报送时限{chinese_date(problem.plan_due_on)}，尚未报送整改方案"
        else:
            limit = f"整改时限{chinese_date(problem.deadline)}"
        lines.append(f"{what}：{limit}。")
    url = reverse("supervision_document", args=[main.pk]) if main.doc_number else f"/problems/{problem.pk}/"
    red = any(a.rung.is_red for a in issued)
    message = Message(
        title=f"{problem.number} {main.rung.name}" + (f"：{main.doc_number}" if main.doc_number else ""),
        body=f"“{problem.title}”\n" + "\n".join(lines),
        url=url,
        problem=problem,
        sms=red,
    )
    users = list(recipients.unit_members(main.unit_id))
    if red:
        users += recipients.red_item_subscribers(main.unit_id)
    return users, message


def _draft_message(action: SupervisionAction) -> Message:
    problem = action.problem
    assert problem is not None
    return Message(
        title=f"{problem.number}《{action.title}》草稿待审批",
        body=f"“{problem.title}”已超过整改时限（{chinese_date(problem.deadline)}），督办系统起草了《{action.title}》，"
        f"审批通过后才印发给{action.unit}。",
        url=reverse("supervision_document", args=[action.pk]),
        problem=problem,
    )


def reviewers() -> list[User]:
    return people_with_roles(*REVIEWERS)


def _number(action: SupervisionAction, config: SupervisionConfig) -> None:
    assert action.issued_on is not None
    action.doc_year = action.issued_on.year
    prefix = config.templates[action.form_kind].number_prefix
    action.doc_seq, action.doc_number = take_number(action.form_kind, action.doc_year, prefix)


@transaction.atomic
def do_supervise_problem(
    problem: Problem,
    *,
    lease: dt.datetime,
    fired: set[tuple[int, str]],
    config: SupervisionConfig,
    recipients: Recipients,
) -> list[SupervisionAction]:
    """Fire every rung now due for one claimed problem, in order and each once, then schedule the next look.

    The final write is conditional on the scheduler's lease: if a person's action or another scheduler changed
    the row meanwhile, everything here rolls back and the next sweep decides afresh."""
    at = now()
    plan = plan_for(problem, config, at, fired)
    fired_now = []
    for due in plan.due:
        action = draft_action(problem, due, config)
        if action.form_kind and action.state == ActionState.ISSUED:
            _number(action, config)
        action.save()
        fired_now.append(action)
    append_events([_event_for(a) for a in fired_now])
    notify_many(
        _messages_for(
            fired_now, recipients, reviewers() if any(a.state == ActionState.DRAFT for a in fired_now) else []
        )
    )
    updated = Problem.objects.filter(pk=problem.pk, next_check_at=lease).update(
        next_check_at=plan.next_check_at, ladder_level=plan.level
    )
    if updated != 1:
        raise LeaseLost(problem.pk)
    return fired_now


@dataclass
class BatchOutcome:
    fired: int = 0
    lost: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _release(lease: dt.datetime, plans: dict[int, Plan]) -> set[int]:
    """Write each problem's next look and level, only where this sweep's lease is still on the row."""
    if not plans:
        return set()
    if connection.vendor == "postgresql":
        rows = [(pk, p.next_check_at, p.level) for pk, p in plans.items()]
        values = ", ".join(["(%s, %s::timestamptz, %s)"] * len(rows))
        sql = (
            f"UPDATE problems_problem AS p SET next_check_at = v.next_check_at, ladder_level = v.level "
            f"FROM (VALUES {values}) AS v(id, next_check_at, level) "
            f"WHERE p.id = v.id AND p.next_check_at = %s RETURNING p.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [x for row in rows for x in row] + [lease])
            return {r[0] for r in cursor.fetchall()}
    owned = set()
    for pk, plan in plans.items():
        if Problem.objects.filter(pk=pk, next_check_at=lease).update(
            next_check_at=plan.next_check_at, ladder_level=plan.level
        ):
            owned.add(pk)
    return owned


@transaction.atomic
def do_supervise_batch(
    problems: Sequence[Problem],
    *,
    lease: dt.datetime,
    fired: dict[int, set[tuple[int, str]]],
    config: SupervisionConfig,
) -> BatchOutcome:
    """The sweep's fast path: the same decisions as `do_supervise_problem` for a batch of claimed problems, written
    with a handful of statements. A problem whose plan or wording fails is left for a later sweep; a failure of
    the batch's writes rolls the whole batch back, and the caller retries it one problem at a time."""
    outcome = BatchOutcome()
    at = now()
    plans: dict[int, Plan] = {}
    drafts: dict[int, list[SupervisionAction]] = {}
    for problem in problems:
        try:
            plan = plan_for(problem, config, at, fired.get(problem.pk, set()))
            drafts[problem.pk] = [draft_action(problem, due, config) for due in plan.due]
        except Exception:
            log.exception("supervise: problem %s failed", problem.pk)
            outcome.failed.append(problem.pk)
        else:
            plans[problem.pk] = plan
    owned = _release(lease, plans)
    outcome.lost = [pk for pk in plans if pk not in owned]
    book = NumberBook(config)
    actions = [a for p in problems if p.pk in owned for a in drafts[p.pk]]
    for action in actions:
        if action.form_kind and action.state == ActionState.ISSUED:
            book.number(action)
    book.save()
    SupervisionAction.objects.bulk_create(actions)
    append_events([_event_for(a) for a in actions])
    recipients = Recipients()
    recipients.preload({a.unit_id for a in actions if a.state == ActionState.ISSUED})
    drafting = any(a.state == ActionState.DRAFT for a in actions)
    notify_many(_messages_for(actions, recipients, reviewers() if drafting else []))
    outcome.fired = sum(1 for a in actions if a.state != ActionState.SKIPPED)
    return outcome


@transaction.atomic
def do_issue_unit_notice(
    unit: Unit, rung: Rung, *, problems: Sequence[Problem], on: dt.date, config: SupervisionConfig
) -> SupervisionAction | None:
    """整改通知单 to a unit with many overdue problems: once per unit, rung and month."""
    period = f"{on:%Y-%m}"
    if SupervisionAction.objects.filter(problem=None, unit=unit, rung=rung, period=period).exists():
        return None
    action = SupervisionAction(
        unit=unit,
        rung=rung,
        period=period,
        due_on=on,
        issued_on=on,
        fired_at=now(),
        form_kind=rung.form_kind,
        recipient=unit.name,
    )
    listing = "\n".join(
        f"{i}. {p.number} {p.title}（时限{chinese_date(p.deadline)}）" for i, p in enumerate(problems, start=1)
    )
    values = {"超期问题数": str(len(problems)), "问题清单": listing, **common_values(unit.name, on, config)}
    if rung.form_kind:
        write_document(action, values, config)
    action.save()
    record_event(
        Verb.SUPERVISION_FIRED,
        actor=None,
        actor_name=SYSTEM,
        summary=f"向{unit.name}印发《{action.title}》{action.doc_number}：超期问题{len(problems)}个",
        data={"action": action.pk, "rung": rung.code, "unit": unit.pk, "count": len(problems)},
    )
    recipients = Recipients()
    users = recipients.unit_members(unit.pk) + (recipients.red_item_subscribers(unit.pk) if rung.is_red else [])
    notify(
        users,
        Message(
            title=f"{unit.name}{rung.name}：{action.doc_number}",
            body=f"{unit.name}有{len(problems)}个问题超期未销号。",
            url=reverse("supervision_document", args=[action.pk]),
            sms=rung.is_red,
        ),
    )
    return action


@transaction.atomic
def do_sign_document(action: SupervisionAction, *, actor: User) -> SupervisionAction:
    """The addressed unit signs for a 督办单 (签收); recorded once."""
    action = SupervisionAction.objects.select_for_update(of=("self",)).select_related("problem").get(pk=action.pk)
    if not (actor.is_unit_role() and actor.unit_id == action.unit_id):
        raise NotAllowed(gettext("只有主送单位的人员可以签收督办文书。"))
    if action.form_kind not in SIGNABLE or action.state != ActionState.ISSUED:
        raise ActionError(gettext("该文书无需签收。"))
    if action.signed_at is not None:
        raise ActionError(
            gettext("该文书已于%(date)s签收。") % {"date": message_date(timezone.localdate(action.signed_at))}
        )
    action.signed_at, action.signed_by = now(), actor
    action.save(update_fields=["signed_at", "signed_by"])
    record_event(
        Verb.DOCUMENT_SIGNED,
        actor=actor,
        problem=action.problem,
        summary=f"{actor.unit}签收《{action.title}》{action.doc_number}",
        data={"action": action.pk},
    )
    return action


@transaction.atomic
def do_review_document(action: SupervisionAction, *, actor: User, approve: bool, note: str = "") -> SupervisionAction:
    """A coordinator or leader approves a drafted 通报批评单 or 组织调整建议单 — it is then worded and numbered as of
    today and sent to the unit — or declines it with a reason (not issued; the ladder does not draft it again)."""
    _require_role(actor, REVIEWERS, pgettext("refused action", "审批督办文书"))
    action = (
        SupervisionAction.objects.select_for_update(of=("self",))
        .select_related("problem", "rung", "unit")
        .get(pk=action.pk)
    )
    if action.state != ActionState.DRAFT:
        raise ActionError(gettext("该文书不是待审批的草稿（%(state)s）。") % {"state": action.get_state_display()})
    note = note.strip()
    if not approve and not note:
        raise ActionError(gettext("不予印发时请填写理由。"), field_errors={"note": [gettext("请填写理由。")]})
    config = get_config()
    problem = action.problem
    assert problem is not None
    action.reviewed_at, action.reviewed_by, action.review_note = now(), actor, note[:200]
    if approve:
        action.state, action.issued_on = ActionState.ISSUED, today()
        fill_document(action, problem_values(problem, action.issued_on, config), config)
        _number(action, config)
        summary = f"审批通过并印发《{action.title}》{action.doc_number}"
    else:
        action.state = ActionState.WITHDRAWN
        summary = f"《{action.title}》草稿不予印发：{action.review_note}"
    action.save()
    record_event(
        Verb.SUPERVISION_REVIEWED,
        actor=actor,
        problem=problem,
        summary=summary,
        data={"action": action.pk, "approved": approve, "number": action.doc_number},
    )
    if approve:
        notify(*_unit_message([action], Recipients()))
    return action


@transaction.atomic
def do_reply_document(action: SupervisionAction, *, actor: User, text: str) -> SupervisionAction:
    """The addressed unit answers a 督办单 (or 通报批评单, 整改通知单) with its explanation and measures, once; the
    reply is on the problem's timeline and the coordinators are told."""
    action = (
        SupervisionAction.objects.select_for_update(of=("self",)).select_related("problem", "unit").get(pk=action.pk)
    )
    if not (actor.is_unit_role() and actor.unit_id == action.unit_id):
        raise NotAllowed(gettext("只有主送单位的人员可以回复督办文书。"))
    if action.state != ActionState.ISSUED or action.form_kind not in REPLYABLE:
        raise ActionError(gettext("该文书无需回复。"))
    if action.replied_at is not None:
        raise ActionError(
            gettext("该文书已于%(date)s回复。") % {"date": message_date(timezone.localdate(action.replied_at))}
        )
    text = text.strip()
    if not text:
        raise ActionError(gettext("请填写情况说明和整改措施。"), field_errors={"text": [gettext("请填写回复内容。")]})
    if len(text) > 5000:
        raise ActionError(gettext("回复不能超过 5000 字。"), field_errors={"text": [gettext("回复不能超过 5000 字。")]})
    action.reply, action.replied_at, action.replied_by = text, now(), actor
    action.save(update_fields=["reply", "replied_at", "replied_by"])
    record_event(
        Verb.SUPERVISION_REPLIED,
        actor=actor,
        problem=action.problem,
        summary=f"{action.unit}回复《{action.title}》{action.doc_number}：{text[:200]}",
        data={"action": action.pk},
    )
    coordinators = people_with_roles(Role.COORDINATOR)
    subject = action.problem.number if action.problem else action.unit.name
    notify(
        coordinators,
        Message(
            title=f"{subject} {action.unit}回复《{action.title}》",
            body=text[:500],
            url=reverse("supervision_document", args=[action.pk]),
            problem=action.problem,
        ),
    )
    return action


# ---- extensions (延期) --------------------------------------------------------------------------------------


def _check_extension_caps(problem: Problem, new_deadline: dt.date, config: SupervisionConfig) -> None:
    rule = config.rule_for(problem.category_id, problem.kind)
    errors: list[str] = []
    assert problem.deadline is not None
    if new_deadline <= problem.deadline:
        errors.append(gettext("延期后的时限须晚于现有整改时限。"))
    if problem.extension_count >= rule.max_extensions:
        errors.append(
            gettext("已延期%(count)d次，达到上限（最多%(max)d次）。")
            % {"count": problem.extension_count, "max": rule.max_extensions}
        )
    base = problem.original_deadline or problem.deadline
    total = config.calendar.workdays_between(base, new_deadline)
    if total > rule.max_extension_workdays:
        latest = config.calendar.add_workdays(base, rule.max_extension_workdays)
        errors.append(
            gettext("累计延期%(total)d个工作日，超过上限%(max)d个工作日（最迟可延至%(latest)s）。")
            % {"total": total, "max": rule.max_extension_workdays, "latest": message_date(latest)}
        )
    if errors:
        raise ActionError(
            gettext("延期申请不符合规定：%(reasons)s") % {"reasons": join_reasons(errors, "")},
            field_errors={"new_deadline": errors},
        )


@transaction.atomic
def do_request_extension(
    problem: Problem, *, actor: User, new_deadline: dt.date | None, reason: str
) -> ExtensionRequest:
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [gettext("请填写延期理由。")]
    if new_deadline is None:
        errors["new_deadline"] = [gettext("请填写申请延至的日期。")]
    if errors:
        raise ActionError(gettext("延期申请不完整。"), field_errors=errors)
    assert new_deadline is not None
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not is_lead_unit_member(actor, problem):
        raise NotAllowed(gettext("只有牵头单位的人员可以申请延期。"))
    if problem.status not in (Status.ASSIGNED, Status.RECTIFYING) or problem.deadline is None:
        raise ActionError(
            gettext("问题当前状态为“%(status)s”，不能申请延期。") % {"status": problem.get_status_display()}
        )
    if ExtensionRequest.objects.filter(problem=problem, status=ExtensionStatus.PENDING).exists():
        raise ActionError(gettext("已有一份延期申请等待审批。"))
    _check_extension_caps(problem, new_deadline, get_config())
    request = ExtensionRequest.objects.create(
        problem=problem,
        requested_by=actor,
        requested_at=now(),
        reason=reason.strip(),
        old_deadline=problem.deadline,
        new_deadline=new_deadline,
    )
    record_event(
        Verb.EXTENSION_REQUESTED,
        actor=actor,
        problem=problem,
        summary=f"{actor.unit}申请延期至{chinese_date(new_deadline)}：{request.reason}",
        data={"request": request.pk, "new_deadline": new_deadline.isoformat()},
    )
    notify(
        people_with_roles(Role.COORDINATOR),
        Message(
            title=f"{problem.number} 延期申请待审批",
            body=f"{actor.unit}申请将“{problem.title}”的整改时限由{chinese_date(problem.deadline)}延至"
            f"{chinese_date(new_deadline)}：{request.reason}",
            url=f"/problems/{problem.pk}/",
            problem=problem,
        ),
    )
    return request


@transaction.atomic
def do_decide_extension(request: ExtensionRequest, *, actor: User, approve: bool, note: str) -> ExtensionRequest:
    _require_role(actor, EXTENSION_DECIDERS, pgettext("refused action", "审批延期"))
    if not approve and not note.strip():
        raise ActionError(gettext("不批准须说明理由。"), field_errors={"note": [gettext("请填写审批意见。")]})
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExtensionStatus.PENDING:
        raise Conflict(gettext("该延期申请已审批。"))
    problem = Problem.objects.select_for_update().get(pk=request.problem_id)
    if approve:
        if problem.deadline != request.old_deadline:
            raise Conflict(gettext("整改时限在申请后已变更，请单位重新申请。"))
        _check_extension_caps(problem, request.new_deadline, get_config())
        problem.deadline = request.new_deadline
        problem.original_deadline = problem.original_deadline or request.old_deadline
        problem.extension_count = F("extension_count") + 1
        problem.next_check_at = now()
        problem.version = F("version") + 1
        problem.save(update_fields=["deadline", "original_deadline", "extension_count", "next_check_at", "version"])
        Assignment.objects.filter(problem=problem, is_current=True).update(deadline=request.new_deadline)
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor, now(), note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        Verb.EXTENSION_APPROVED if approve else Verb.EXTENSION_REJECTED,
        actor=actor,
        problem=problem,
        summary=(f"批准延期至{chinese_date(request.new_deadline)}" if approve else "不批准延期")
        + (f"：{request.decision_note}" if request.decision_note else ""),
        data={"request": request.pk, "old_deadline": request.old_deadline.isoformat()},
    )
    notify(
        Recipients().unit_members(problem.lead_unit_id) if problem.lead_unit_id else [],
        Message(
            title=f"{problem.number} 延期申请{'已批准' if approve else '未批准'}",
            body=request.decision_note,
            url=f"/problems/{problem.pk}/",
            problem=problem,
        ),
    )
    return request


# ---- accountability (问责) ----------------------------------------------------------------------------------


@transaction.atomic
def do_record_accountability(
    *,
    actor: User,
    unit: Unit,
    sanction: str,
    reason: str,
    decided_on: dt.date | None,
    person: User | None = None,
    person_name: str = "",
    problem: Problem | None = None,
    action: SupervisionAction | None = None,
    decision_number: str = "",
) -> list[Accountability]:
    """Record a sanction; under the 捆绑式 rule the unit's head and deputy in charge are linked records."""
    _require_role(actor, ACCOUNTABILITY_WRITERS, pgettext("refused action", "记录问责"))
    errors: dict[str, list[str]] = {}
    if sanction not in Sanction.values:
        errors["sanction"] = [gettext("请选择问责方式。")]
    if not reason.strip():
        errors["reason"] = [gettext("请填写问责事由。")]
    if decided_on is None or decided_on > today():
        errors["decided_on"] = [gettext("请填写决定日期，且不能晚于今天。")]
    decision_number = " ".join(decision_number.split())
    if len(decision_number) > 60:
        errors["decision_number"] = [gettext("问责文号不能超过 60 个字。")]
    if action is not None and problem is not None and action.problem_id not in (None, problem.pk):
        errors["action"] = [gettext("所选督办文书不属于该问题。")]
    if errors:
        raise ActionError(
            gettext("问责记录不完整：%(reasons)s")
            % {"reasons": join_reasons((e for es in errors.values() for e in es), "")},
            field_errors=errors,
        )
    assert decided_on is not None
    name = person.display_name if person else person_name.strip()
    problem = problem or (action.problem if action else None)
    common = {
        "problem": problem,
        "action": action,
        "unit": unit,
        "sanction": sanction,
        "reason": reason.strip(),
        "decided_on": decided_on,
        "decision_number": decision_number,
        "recorded_by": actor,
        "recorded_at": now(),
    }
    main = Accountability.objects.create(
        person=person, person_name=name, bundle_role=BundleRole.DIRECT if name else BundleRole.UNIT, **common
    )
    rows = [main]
    for leader, role in ((unit.head, BundleRole.HEAD), (unit.deputy, BundleRole.DEPUTY)):
        if leader is not None and leader.pk != (person.pk if person else None):
            rows.append(
                Accountability.objects.create(
                    person=leader, person_name=leader.display_name, bundle_role=role, bundled_with=main, **common
                )
            )
    linked = "、".join(f"{r.person_name}（{r.get_bundle_role_display()}）" for r in rows[1:])
    record_event(
        Verb.ACCOUNTABILITY_RECORDED,
        actor=actor,
        problem=problem,
        summary=f"对{name or unit.name}{Sanction(sanction).label}"
        + (f"（{decision_number}）" if decision_number else "")
        + (f"，捆绑问责：{linked}" if linked else ""),
        data={"records": [r.pk for r in rows], "sanction": sanction, "decision_number": decision_number},
    )
    return rows


# ---- subscriptions and configuration ------------------------------------------------------------------------


def do_set_red_item_subscription(user: User, unit: Unit, *, subscribed: bool) -> bool:
    return _set_subscription(user, subscribed, {"unit": unit}, unit.name, {"unit": unit.pk})


GROUP_KINDS = (UnitKind.OFFICE, UnitKind.SCHOOL, UnitKind.KINDERGARTEN)


def do_set_group_subscription(user: User, kind: str, *, subscribed: bool) -> bool:
    """Follow the red items of a whole group of units (all offices, all schools, all kindergartens), including
    units added to the group later."""
    if kind not in GROUP_KINDS:
        _require_role(user, SUBSCRIBERS, pgettext("refused action", "订阅红灯事项"))
        raise ActionError(gettext("只能按股室、学校或幼儿园整组订阅。"))
    label = UnitKind(kind).label
    return _set_subscription(user, subscribed, {"unit": None, "unit_kind": kind}, f"全部{label}", {"unit_kind": kind})


@transaction.atomic
def _set_subscription(
    user: User, subscribed: bool, match: dict[str, object], what: str, data: dict[str, object]
) -> bool:
    """Follow (or stop following) one unit's or one group's red items; recorded only when something changed."""
    _require_role(user, SUBSCRIBERS, pgettext("refused action", "订阅红灯事项"))
    if subscribed:
        _, changed = RedItemSubscription.objects.get_or_create(user=user, **match, defaults={"created_at": now()})
    else:
        changed = RedItemSubscription.objects.filter(user=user, **match).delete()[0] > 0
    if changed:
        record_event(
            Verb.SUBSCRIPTION_CHANGED,
            actor=user,
            summary=f"{'订阅' if subscribed else '取消订阅'}{what}的红灯事项",
            data={**data, "subscribed": subscribed},
        )
    return changed


def checked_arrangement(year: int, holidays: str, makeup_days: str) -> Arrangement:
    """Parse and validate one year's table against itself and its neighbour years (shipped or typed in)."""
    from taizhang.lib.workdays import official_arrangements

    try:
        arrangement = parse_arrangement(year, holidays, makeup_days)
        others = official_arrangements()
        others.update({row.year: row.arrangement() for row in CalendarYear.objects.exclude(year=year)})
        validate_arrangement(arrangement, [a for y, a in others.items() if abs(y - year) == 1])
    except ArrangementError as exc:
        raise ActionError(
            gettext("节假日安排有误：%(reasons)s") % {"reasons": join_reasons(exc.messages, "")},
            field_errors={"holidays": exc.messages},
        ) from None
    return arrangement


@transaction.atomic
def do_save_calendar_year(*, actor: User, year: int, holidays: str, makeup_days: str, source: str = "") -> CalendarYear:
    """Add or replace one year's 节假日安排; refused whole, in Chinese, when malformed or overlapping."""
    _require_role(actor, {Role.ADMIN}, pgettext("refused action", "维护节假日安排"))
    arrangement = checked_arrangement(year, holidays, makeup_days)
    row, created = CalendarYear.objects.select_for_update().update_or_create(
        year=year,
        defaults={
            "holidays": holidays.strip(),
            "makeup_days": makeup_days.strip(),
            "source": source.strip(),
            "updated_at": now(),
            "updated_by": actor,
        },
    )
    record_event(
        Verb.CALENDAR_SAVED,
        actor=actor,
        summary=f"{'新增' if created else '修改'}{year}年节假日安排（放假{len(arrangement.holidays)}段，"
        f"调休上班{len(arrangement.makeup_days)}天）",
        data={"year": year, "holidays": row.holidays, "makeup_days": row.makeup_days},
    )
    config_changed()
    _recheck_open_problems()
    return row


def _recheck_open_problems() -> None:
    """A new calendar or ladder moves due dates: let the scheduler look at every open problem again."""
    Problem.objects.filter(status__in=(Status.ASSIGNED, Status.RECTIFYING)).update(next_check_at=now())


@transaction.atomic
def do_save_form_template(template: FormTemplate, *, actor: User, **fields: str) -> FormTemplate:
    """Change a form's wording; refused when a required placeholder is missing or an unknown one is used."""
    _require_role(actor, {Role.ADMIN}, pgettext("refused action", "修改文书模板"))
    editable = {"header", "number_prefix", "title", "body", "issuer"}
    if unknown := set(fields) - editable:
        raise ActionError(
            gettext("不能修改：%(fields)s") % {"fields": pgettext("list separator", "、").join(sorted(unknown))}
        )
    errors: dict[str, list[str]] = {}
    if body_errors := template_errors(template.kind, fields.get("body", template.body)):
        errors["body"] = body_errors
    for name in editable & set(fields):
        if not fields[name].strip():
            errors.setdefault(name, []).append(gettext("此项不能为空。"))
    if errors:
        raise ActionError(
            gettext("文书模板有误：%(reasons)s")
            % {"reasons": join_reasons((e for es in errors.values() for e in es), "")},
            field_errors=errors,
        )
    locked = FormTemplate.objects.select_for_update().get(pk=template.pk)
    for name, value in fields.items():
        setattr(locked, name, value.strip())
    locked.updated_at = now()
    locked.save(update_fields=[*fields, "updated_at"])
    record_event(
        Verb.SUPERVISION_CONFIG_CHANGED,
        actor=actor,
        summary=f"修改文书模板《{locked.get_kind_display()}》",
        data={"template": locked.kind, "fields": sorted(fields)},
    )
    config_changed()
    return locked


def record_config_change(actor: User, what: str, data: dict[str, object]) -> None:
    """For the admin's edits of rules and rungs: audited, the snapshot dropped, open problems looked at again."""
    record_event(Verb.SUPERVISION_CONFIG_CHANGED, actor=actor, summary=what, data=data)
    config_changed()
    _recheck_open_problems()
