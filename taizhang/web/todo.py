"""待办: what a person has to do now, from the records themselves — never a stored list that can drift.

Each role has its own questions (a coordinator: what is waiting to be triaged, assigned, re-routed, decided or
approved; a unit: what it must sign, file, answer or redo; a leader: the red items of the units followed, the drafts
to approve and their 批示 still unanswered; 纪检组: 举报 and 问责 to record). Items are ordered most urgent first:
red (overdue), then by due date, then by how long they have waited. The home page and `GET /api/v1/todo` read the
same list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Role
from taizhang.clock import today
from taizhang.intake.models import Channel, Opinion, OpinionStatus
from taizhang.problems.models import ClosureApplication, ClosureDecision, Problem, Status
from taizhang.supervision.actions import REPLYABLE, SIGNABLE
from taizhang.supervision.config import get_config
from taizhang.supervision.documents import REPLY_WORKDAYS
from taizhang.supervision.instructions import instruction_url
from taizhang.supervision.models import (
    Accountability,
    ActionState,
    ExtensionRequest,
    ExtensionStatus,
    FormKind,
    Instruction,
    RedItemSubscription,
    SupervisionAction,
)
from taizhang.supervision.timelimits import light_for

if TYPE_CHECKING:
    from taizhang.accounts.models import User

PER_KIND = 50  # the oldest N of each kind; the counts say how many there are in all

KIND_LABELS = {
    "triage_opinion": _("待梳理意见"),
    "report_opinion": _("待处理的举报"),
    "assign_problem": _("待交办问题"),
    "reroute_returned": _("退单待重新交办"),
    "decide_extension": _("延期申请待审批"),
    "name_verifier": _("销号申请待指定验收人"),
    "verify_closure": _("销号申请待验收"),
    "review_closure": _("销号申请待审核"),
    "approve_draft": _("督办文书草稿待审批"),
    "sign_problem": _("待签收问题"),
    "file_plan": _("待报送整改方案"),
    "redo_closure": _("销号被退回，需继续整改"),
    "sign_document": _("待签收督办文书"),
    "reply_document": _("待回复督办文书"),
    "red_item": _("关注单位的红灯事项"),
    "record_accountability": _("待记录问责"),
    "reply_instruction": _("领导批示待回复"),
    "callback": _("待电话回访"),
    "review_dissatisfaction": _("回访不满意待复核"),
    "instruction_awaiting": _("我的批示待单位回复"),
    "answer_objection": _("公示异议待答复"),
}
# How many working days each kind of item may wait before it is late (its own time limit, where the item has none
# of its own): the 回复时限 of a 督办 document is the one the document itself states.
SERVICE_WORKDAYS = {
    "triage_opinion": 3,
    "report_opinion": 3,
    "assign_problem": 3,
    "reroute_returned": 2,
    "decide_extension": 2,
    "name_verifier": 2,
    "verify_closure": 5,
    "review_closure": 2,
    "approve_draft": 2,
    "sign_document": 1,
    "reply_document": REPLY_WORKDAYS,
    "record_accountability": 10,
    "review_dissatisfaction": 2,
    "answer_objection": 3,  # within the 公示期 (usually 5–7 days), so a correction still reaches the public
}
LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2, "none": 3}
LIGHT_LABELS = {"red": _("红灯：已超期"), "yellow": _("黄灯：临近时限"), "green": _("绿灯"), "none": _("无时限")}


@dataclass(frozen=True)
class TodoItem:
    kind: str
    title: str
    url: str
    since: dt.datetime  # when it began waiting for this person
    due: dt.date | None = None
    light: str = "none"  # red / yellow / green / none
    workdays_left: int | None = None  # negative: working days overdue
    problem_id: int | None = None
    opinion_id: int | None = None
    action_id: int | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS.get(self.light, ""))

    @property
    def overdue_workdays(self) -> int:
        return -self.workdays_left if self.workdays_left is not None and self.workdays_left < 0 else 0


@dataclass(frozen=True)
class Todo:
    items: list[TodoItem]
    counts: dict[str, int]  # every kind of this person's with how many there are in all

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def labelled_counts(self) -> list[tuple[str, int]]:
        return [(str(KIND_LABELS[kind]), n) for kind, n in self.counts.items()]


def todo_for(user: User) -> Todo:
    if not user.is_authenticated or not user.is_active:
        return Todo([], {})
    on = today()
    found: dict[str, tuple[int, list[TodoItem]]] = {}
    role = user.role
    if role == Role.COORDINATOR:
        found["triage_opinion"] = _opinions(
            Opinion.objects.filter(status=OpinionStatus.UNTRIAGED), "triage_opinion", on
        )
        found["assign_problem"] = _problems(Problem.objects.filter(status=Status.NEW), "assign_problem", on)
        found["reroute_returned"] = _problems(Problem.objects.filter(status=Status.RETURNED), "reroute_returned", on)
        found["decide_extension"] = _extensions(on)
        found["name_verifier"] = _closures(ClosureApplication.objects.awaiting_verifier(), "name_verifier", on)
        found["callback"] = _callbacks(on)
        found["review_dissatisfaction"] = _dissatisfied(on)
        found["answer_objection"] = _objections(on)
    if role in (Role.COORDINATOR, Role.LEADER):
        found["approve_draft"] = _drafts(on)
    if role in (Role.COORDINATOR, Role.INSPECTOR):  # the verifier a coordinator named: only their own
        found["verify_closure"] = _closures(ClosureApplication.objects.with_verifier(user), "verify_closure", on)
    if role == Role.LEADER:
        found["red_item"] = _red_items(user, on)
        given = Instruction.objects.filter(author=user, replied_at__isnull=True)
        found["instruction_awaiting"] = _instructions(given, "instruction_awaiting", on)
    if role == Role.DISCIPLINE:
        reports = Opinion.objects.filter(status=OpinionStatus.UNTRIAGED, channel=Channel.REPORT)
        found["report_opinion"] = _opinions(reports, "report_opinion", on)
        found["record_accountability"] = _accountability_to_record(on)
    if user.is_unit_role() and user.unit_id:
        mine = Problem.objects.filter(lead_unit_id=user.unit_id)
        found["sign_problem"] = _problems(mine.filter(status=Status.ASSIGNED), "sign_problem", on, "sign")
        plans = mine.filter(status=Status.RECTIFYING, plan_due_on__isnull=False, plan_submitted_at__isnull=True)
        found["file_plan"] = _problems(plans, "file_plan", on, "plan")
        found["redo_closure"] = _rejected_closures(mine, on)
        if role == Role.UNIT_HEAD:  # 单位主要负责人审核, never of one's own application
            review = ClosureApplication.objects.awaiting_review().filter(problem__lead_unit_id=user.unit_id)
            found["review_closure"] = _closures(review.exclude(applied_by=user), "review_closure", on)
        documents = SupervisionAction.objects.filter(unit_id=user.unit_id, state=ActionState.ISSUED)
        # A 预报单 asks the unit to sign the problem: it is answered by signing or returning it, so it waits only
        # while the problem is still this unit's to sign.
        still_to_sign = Q(problem__status=Status.ASSIGNED, problem__lead_unit_id=F("unit_id"))
        unsigned = documents.filter(signed_at__isnull=True, form_kind__in=SIGNABLE).exclude(
            Q(form_kind=FormKind.FORECAST) & ~still_to_sign
        )
        found["sign_document"] = _documents(unsigned, "sign_document", on)
        found["reply_document"] = _documents(
            documents.filter(replied_at__isnull=True, form_kind__in=REPLYABLE), "reply_document", on
        )
        to_answer = Instruction.objects.filter(unit_id=user.unit_id, replied_at__isnull=True)
        found["reply_instruction"] = _instructions(to_answer, "reply_instruction", on)
    items = sorted((i for _n, kind_items in found.values() for i in kind_items), key=_urgency)
    return Todo(items, {kind: n for kind, (n, _items) in found.items() if n})


def _urgency(item: TodoItem) -> tuple[int, dt.date, dt.datetime]:
    return (LIGHT_ORDER.get(item.light, 3), item.due or dt.date.max, item.since)


def _problem_url(problem_id: int) -> str:
    return reverse("problem_detail", args=[problem_id])


def _opinions(qs: QuerySet[Opinion], kind: str, on: dt.date) -> tuple[int, list[TodoItem]]:
    rows = list(qs.order_by("received_at", "id").values("id", "text", "received_at")[:PER_KIND])
    items = []
    for r in rows:
        due, light, left = _service(kind, r["received_at"], on)
        # 纪检组 reads a 举报 on its page (the reporter unmasked for them); triage is the coordinators' work.
        url = reverse("opinion_detail" if kind == "report_opinion" else "triage_opinion", args=[r["id"]])
        items.append(TodoItem(kind, _short(r["text"]), url, r["received_at"], due, light, left, opinion_id=r["id"]))
    return qs.count(), items


def _problems(qs: QuerySet[Problem], kind: str, on: dt.date, due_field: str = "") -> tuple[int, list[TodoItem]]:
    """due_field: what the person works to — "sign" (the 签收时限), "plan" (the 整改方案 limit), or "" (the
    problem's own deadline; kinds that wait on the bureau count from creation on their service limit)."""
    config = get_config()
    rows = list(qs.select_related("category").order_by("deadline", "id")[:PER_KIND])
    items = []
    for p in rows:
        title, url = f"{p.number} {p.title}", _problem_url(p.pk)
        if kind in SERVICE_WORKDAYS:  # waiting on the bureau: its own service limit, counted from creation
            limit, color, left = _service(kind, p.created_at, on)
            items.append(TodoItem(kind, title, url, p.created_at, limit, color, left, problem_id=p.pk))
            continue
        due = {"sign": p.sign_due_on, "plan": p.plan_due_on}.get(due_field)
        light = light_for(p, on, config)
        since = p.assigned_at if p.assigned_at else p.created_at
        items.append(
            TodoItem(
                kind,
                title,
                url,
                since,
                due=due or p.deadline,
                light=_due_light(due, on) if due else light.color,
                workdays_left=_workdays_left(due, on) if due else (light.workdays_left or -light.overdue_workdays),
                problem_id=p.pk,
            )
        )
    return qs.count(), items


def _service(kind: str, since: dt.datetime, on: dt.date) -> tuple[dt.date, str, int]:
    """Due date, light and working days left of an item that waits on its kind's service limit."""
    due = get_config().calendar.add_workdays(timezone.localdate(since), SERVICE_WORKDAYS[kind])
    return due, _due_light(due, on), _workdays_left(due, on)


def _due_light(due: dt.date, on: dt.date) -> str:
    if due < on:
        return "red"
    return "yellow" if get_config().calendar.workdays_between(on, due) <= 1 else "green"


def _workdays_left(due: dt.date, on: dt.date) -> int:
    cal = get_config().calendar
    return cal.workdays_between(on, due) if due >= on else -cal.workdays_between(due, on)


def _extensions(on: dt.date) -> tuple[int, list[TodoItem]]:
    qs = ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).select_related("problem")
    items = [
        TodoItem(
            "decide_extension",
            f"{r.problem.number} {r.problem.title}",
            _problem_url(r.problem_id),
            r.requested_at,
            *_service("decide_extension", r.requested_at, on),
            problem_id=r.problem_id,
            detail=str(_("申请延至 %(date)s") % {"date": r.new_deadline.isoformat()}),
        )
        for r in qs.order_by("requested_at", "id")[:PER_KIND]
    ]
    return qs.count(), items


def _closures(qs: QuerySet[ClosureApplication], kind: str, on: dt.date) -> tuple[int, list[TodoItem]]:
    """Applications waiting at one stage; each waits from when it reached that stage."""
    pending = qs.filter(problem__status=Status.VERIFYING).select_related("problem")
    items = []
    for c in pending.order_by("applied_at", "id")[:PER_KIND]:
        since = {"name_verifier": c.reviewed_at, "verify_closure": c.verifier_named_at}.get(kind) or c.applied_at
        items.append(
            TodoItem(
                kind,
                f"{c.problem.number} {c.problem.title}",
                _problem_url(c.problem_id),
                since,
                *_service(kind, since, on),
                problem_id=c.problem_id,
            )
        )
    return pending.count(), items


def _rejected_closures(mine: QuerySet[Problem], on: dt.date) -> tuple[int, list[TodoItem]]:
    """Problems back under rectification whose latest 销号 application was rejected (or sent back by the head)."""
    latest = ClosureApplication.objects.filter(problem=OuterRef("pk")).order_by("-applied_at", "-id")
    qs = mine.filter(status=Status.RECTIFYING).annotate(last_decision=Subquery(latest.values("decision")[:1]))
    redo = (ClosureDecision.REJECTED, ClosureDecision.SENT_BACK)
    return _problems(qs.filter(last_decision__in=redo), "redo_closure", on)


def _drafts(on: dt.date) -> tuple[int, list[TodoItem]]:
    qs = SupervisionAction.objects.filter(state=ActionState.DRAFT).select_related("problem", "unit")
    items = []
    for a in qs.order_by("fired_at", "id")[:PER_KIND]:
        age = (on - timezone.localdate(a.fired_at)).days
        items.append(
            TodoItem(
                "approve_draft",
                f"{a.problem.number if a.problem else a.unit.name}《{a.title}》",
                reverse("supervision_document", args=[a.pk]),
                a.fired_at,
                *_service("approve_draft", a.fired_at, on),
                problem_id=a.problem_id,
                action_id=a.pk,
                detail=str(_("草稿已起草 %(days)s 天") % {"days": age}),
            )
        )
    return qs.count(), items


def _documents(qs: QuerySet[SupervisionAction], kind: str, on: dt.date) -> tuple[int, list[TodoItem]]:
    items = []
    for a in qs.select_related("rung").order_by("fired_at", "id")[:PER_KIND]:
        since = a.reviewed_at or a.fired_at  # an approved draft reached the unit when it was approved
        title, url = f"《{a.title}》{a.doc_number}", reverse("supervision_document", args=[a.pk])
        due, light, left = _service(kind, since, on)
        items.append(TodoItem(kind, title, url, since, due, light, left, problem_id=a.problem_id, action_id=a.pk))
    return qs.count(), items


def _instructions(qs: QuerySet[Instruction], kind: str, on: dt.date) -> tuple[int, list[TodoItem]]:
    """Unanswered 批示, on a problem or on a unit, against the reply date the leader set: the unit's to answer, the
    leader's to follow up."""
    items = []
    for i in qs.select_related("problem", "unit", "author").order_by("reply_due_on", "id")[:PER_KIND]:
        who = i.unit.name if kind == "instruction_awaiting" else i.author.display_name
        # one on a unit's work as a whole (from the 驾驶舱) has no problem: it is named by the unit
        title = f"{i.problem.number} {i.problem.title}" if i.problem else str(_("对%(unit)s的批示") % {"unit": i.unit})
        items.append(
            TodoItem(
                kind,
                title,
                instruction_url(i),
                i.created_at,
                i.reply_due_on,
                _due_light(i.reply_due_on, on),
                _workdays_left(i.reply_due_on, on),
                problem_id=i.problem_id,
                detail=f"{who}：{_short(i.text)}",
            )
        )
    return qs.count(), items


def _callbacks(on: dt.date) -> tuple[int, list[TodoItem]]:
    """Reporters to phone (回访), against the problem's follow-up window; the list page is where calls are logged."""
    from taizhang.followup.actions import callback_list

    calls = callback_list()
    items = []
    for opinion, problem, made in calls[:PER_KIND]:
        due = problem.follow_up_due_on or on
        detail = str(_("已回访 %(n)s 次未果") % {"n": made}) if made else ""
        url = reverse("followup_callbacks") + f"#call-{opinion.pk}"
        since = problem.closed_at or problem.created_at
        light, left = _due_light(due, on), _workdays_left(due, on)
        title = f"{problem.number} {problem.title}"
        items.append(TodoItem("callback", title, url, since, due, light, left, problem.pk, opinion.pk, detail=detail))
    return len(calls), items


def _dissatisfied(on: dt.date) -> tuple[int, list[TodoItem]]:
    from taizhang.followup.models import Rating, Review

    qs = Rating.objects.filter(review=Review.PENDING).select_related("problem")
    items = []
    for r in qs.order_by("created_at", "id")[:PER_KIND]:
        items.append(
            TodoItem(
                "review_dissatisfaction",
                f"{r.problem.number} {r.problem.title}",
                _problem_url(r.problem_id) + "#follow-up",
                r.created_at,
                *_service("review_dissatisfaction", r.created_at, on),
                problem_id=r.problem_id,
                detail=_short(r.comment),
            )
        )
    return qs.count(), items


def _objections(on: dt.date) -> tuple[int, list[TodoItem]]:
    """公示 objections no coordinator has answered yet, oldest first."""
    from taizhang.disclosure.models import Objection

    qs = Objection.objects.filter(answered_at__isnull=True)
    items = []
    for o in qs.select_related("item__batch").order_by("created_at", "id")[:PER_KIND]:
        items.append(
            TodoItem(
                "answer_objection",
                f"{o.item.public_number}《{o.item.batch.title}》",
                reverse("disclosure_objection", args=[o.item.batch_id, o.pk]),
                o.created_at,
                *_service("answer_objection", o.created_at, on),
                problem_id=o.item.problem_id,
                detail=_short(o.text),
            )
        )
    return qs.count(), items


def _red_items(user: User, on: dt.date) -> tuple[int, list[TodoItem]]:
    subs = RedItemSubscription.objects.filter(user=user)
    units = [u for u in subs.values_list("unit_id", flat=True) if u is not None]
    kinds = [k for k in subs.values_list("unit_kind", flat=True) if k]
    followed = Q(lead_unit_id__in=units) | Q(lead_unit__kind__in=kinds)
    qs = Problem.objects.filter(followed).overdue_unapplied(on)
    return _problems(qs, "red_item", on)


def _accountability_to_record(on: dt.date) -> tuple[int, list[TodoItem]]:
    recorded = Accountability.objects.filter(action=OuterRef("pk"))
    qs = SupervisionAction.objects.filter(
        state=ActionState.ISSUED, form_kind__in=(FormKind.CRITICISM, FormKind.ORG_ADJUSTMENT)
    ).exclude(Exists(recorded))
    return _documents(qs, "record_accountability", on)


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
