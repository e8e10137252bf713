"""Every state change of a problem. Pages, the API, the importer and commands all call these."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from taizhang.accounts.models import Role, Unit
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.campaigns.models import Campaign
from taizhang.clock import now, today
from taizhang.errors import ActionError, Conflict, NotAllowed
from taizhang.i18n import join_reasons, message_date
from taizhang.lib.filetypes import FileRejected, check_evidence_file
from taizhang.problems import messages
from taizhang.problems.access import is_co_unit_member, is_lead_unit_member
from taizhang.problems.models import (
    Assignment,
    Attachment,
    Category,
    ClosureApplication,
    Milestone,
    Problem,
    ProgressReport,
    RectificationKind,
    RectificationPlan,
    Source,
    Status,
)
from taizhang.problems.transitions import Step, next_status
from taizhang.supervision.timelimits import default_deadline, plan_due, sign_due

if TYPE_CHECKING:
    from taizhang.accounts.models import User


@dataclass(frozen=True)
class Upload:
    """A file on its way in: the name the user gave it and a readable stream."""

    name: str
    size: int
    stream: IO[bytes]


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_on: dt.date


def _lock(problem: Problem, expected_version: int | None) -> Problem:
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    return locked


def _require_role(actor: User, roles: Sequence[str], what: str) -> None:
    """`what`: pgettext("refused action", …), a verb phrase that completes “您的角色不能…”."""
    if actor.role not in roles:
        raise NotAllowed(gettext("您的角色不能%(what)s。") % {"what": what})


def _save(problem: Problem, fields: list[str]) -> None:
    problem.version += 1
    problem.save(update_fields=[*fields, "version"])


def check_uploads(uploads: Sequence[Upload]) -> list[str]:
    """Validate every file before anything is written; return their content types."""
    types = []
    for upload in uploads:
        try:
            types.append(
                check_evidence_file(upload.name, upload.size, upload.stream, settings.TAIZHANG_MAX_UPLOAD_BYTES)
            )
        except FileRejected as exc:
            raise ActionError(str(exc), field_errors={"evidence": [str(exc)]}) from None
    return types


@contextlib.contextmanager
def _stored_files_removed_on_failure() -> Iterator[list[str]]:
    """Files are written inside the action; if the action fails, its transaction rolls back and so do they."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _store_uploads(
    problem: Problem,
    uploads: Sequence[Upload],
    types: Sequence[str],
    *,
    actor: User,
    written: list[str],
    progress_report: ProgressReport | None = None,
    closure: ClosureApplication | None = None,
    plan: RectificationPlan | None = None,
    milestone: Milestone | None = None,
) -> list[Attachment]:
    stored = []
    for upload, content_type in zip(uploads, types, strict=True):
        upload.stream.seek(0)
        digest = hashlib.sha256()
        while chunk := upload.stream.read(1 << 16):
            digest.update(chunk)
        upload.stream.seek(0)
        attachment = Attachment(
            problem=problem,
            progress_report=progress_report,
            closure=closure,
            plan=plan,
            milestone=milestone,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            uploaded_at=now(),
        )
        suffix = upload.name[upload.name.rfind(".") :].lower()
        attachment.file.save(f"{attachment.sha256[:32]}{suffix}", File(upload.stream), save=False)
        written.append(str(attachment.file.name))
        attachment.save()
        stored.append(attachment)
    return stored


def _files_note(uploads: Sequence[Upload]) -> str:
    return f"（附佐证材料{len(uploads)}份）" if uploads else ""


def next_problem_number(campaign: Campaign) -> str:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    locked.last_problem_seq += 1
    locked.save(update_fields=["last_problem_seq"])
    return f"{locked.code}-{locked.last_problem_seq:05d}"


def create_problem(*, campaign: Campaign, title: str, description: str, category: Category, actor: User) -> Problem:
    """Insert a new ledger entry; callers (triage actions) hold the transaction and record the event."""
    title = title.strip()
    description = description.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [gettext("请填写问题摘要。")]
    if not description:
        errors["description"] = [gettext("请填写问题描述。")]
    if errors:
        raise ActionError(gettext("问题信息不完整。"), field_errors=errors)
    return Problem.objects.create(
        campaign=campaign,
        number=next_problem_number(campaign),
        title=title[:200],
        description=description,
        category=category,
        created_at=now(),
        created_by=actor,
    )


def _validate_assignment(
    responsible_person: str,
    measures: str,
    kind: str,
    deadline: dt.date | None,
    milestones: Sequence[MilestoneInput],
    lead_unit: Unit | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if lead_unit is None:
        errors["lead_unit"] = [gettext("请选择牵头单位。")]
    if not responsible_person.strip():
        errors["responsible_person"] = [gettext("请填写责任人。")]
    if not measures.strip():
        errors["measures"] = [gettext("请填写整改措施。")]
    if kind not in RectificationKind.values:
        errors["kind"] = [gettext("请选择整改类型。")]
    if deadline is None:
        errors["deadline"] = [gettext("请填写整改时限。")]
    elif deadline < today():
        errors["deadline"] = [gettext("整改时限不能早于交办当日。")]
    if not milestones:
        errors["milestones"] = [gettext("请至少填写一个路线图节点。")]
    for m in milestones:
        if not m.title.strip():
            errors.setdefault("milestones", []).append(gettext("路线图节点需填写内容。"))
        elif deadline and not (today() <= m.due_on <= deadline):
            errors.setdefault("milestones", []).append(
                gettext("节点“%(title)s”的时限须在交办当日与整改时限之间。") % {"title": m.title}
            )
    if errors:
        raise ActionError(
            gettext("交办信息不完整：%(reasons)s") % {"reasons": join_reasons(e for es in errors.values() for e in es)},
            field_errors=errors,
        )


@transaction.atomic
def do_assign_problem(
    problem: Problem,
    *,
    actor: User,
    lead_unit: Unit | None,
    co_units: Sequence[Unit] = (),
    responsible_person: str,
    measures: str,
    kind: str,
    deadline: dt.date | None,
    milestones: Sequence[MilestoneInput],
    expected_version: int | None = None,
) -> Assignment:
    _require_role(actor, (Role.COORDINATOR, Role.ADMIN), pgettext("refused action", "交办问题"))
    if deadline is None and kind in RectificationKind.values:
        # No deadline typed: the time-limit rule for the category and kind gives N working days.
        deadline = default_deadline(problem.category_id, kind, today())
    _validate_assignment(responsible_person, measures, kind, deadline, milestones, lead_unit)
    assert lead_unit is not None and deadline is not None
    co_units = [u for u in co_units if u.pk != lead_unit.pk]
    problem = _lock(problem, expected_version)
    problem.status = next_status(problem.status, Step.ASSIGN)
    Assignment.objects.filter(problem=problem, is_current=True).update(is_current=False)
    assignment = Assignment.objects.create(
        problem=problem,
        lead_unit=lead_unit,
        responsible_person=responsible_person.strip(),
        measures=measures.strip(),
        kind=kind,
        deadline=deadline,
        assigned_at=now(),
        assigned_by=actor,
    )
    assignment.co_units.set(co_units)
    Milestone.objects.bulk_create(
        Milestone(assignment=assignment, title=m.title.strip(), due_on=m.due_on) for m in milestones
    )
    problem.lead_unit = lead_unit
    problem.responsible_person = assignment.responsible_person
    problem.measures = assignment.measures
    problem.kind = kind
    problem.deadline = deadline
    problem.assigned_at = assignment.assigned_at
    problem.signed_at = None  # a new assignment is signed for anew
    _start_supervision_round(problem, deadline, kind)
    _save(
        problem,
        [
            "status",
            "lead_unit",
            "responsible_person",
            "measures",
            "kind",
            "deadline",
            "assigned_at",
            "signed_at",
            *ROUND_FIELDS,
        ],
    )
    co_names = "、".join(u.name for u in co_units)
    record_event(
        Verb.PROBLEM_ASSIGNED,
        actor=actor,
        problem=problem,
        summary=f"交办至{lead_unit.name}"
        + (f"，配合单位：{co_names}" if co_names else "")
        + f"，时限{deadline:%Y年%m月%d日}",
        data={
            "lead_unit": lead_unit.pk,
            "co_units": [u.pk for u in co_units],
            "deadline": deadline.isoformat(),
            "kind": kind,
        },
    )
    messages.problem_assigned(problem, assignment, co_units)
    return assignment


ROUND_FIELDS = [
    "sign_due_on",
    "original_deadline",
    "supervision_round",
    "ladder_level",
    "extension_count",
    "next_check_at",
    "plan_due_on",
    "plan_submitted_at",
]


def _start_supervision_round(problem: Problem, deadline: dt.date, kind: str) -> None:
    """Each 交办 and 重办 starts a new round of the escalation ladder; the scheduler looks at it next sweep."""
    problem.sign_due_on = sign_due(problem.category_id, kind, today())
    problem.original_deadline = deadline
    problem.supervision_round += 1
    problem.ladder_level = 0
    problem.extension_count = 0
    problem.next_check_at = now()
    problem.plan_due_on = None  # the plan clock starts when the unit takes the problem up
    problem.plan_submitted_at = None


def _require_lead_unit(actor: User, problem: Problem, what: str) -> None:
    """`what`: pgettext("refused action", …), a verb phrase that completes “只有牵头单位的人员可以…”."""
    if not is_lead_unit_member(actor, problem):
        raise NotAllowed(gettext("只有牵头单位的人员可以%(what)s。") % {"what": what})


@transaction.atomic
def do_sign_problem(problem: Problem, *, actor: User, expected_version: int | None = None) -> Problem:
    problem = _lock(problem, expected_version)
    _require_lead_unit(actor, problem, pgettext("refused action", "签收"))
    problem.status = next_status(problem.status, Step.SIGN)
    problem.signed_at = now()
    problem.plan_due_on = plan_due(problem.category_id, problem.kind, today())
    problem.next_check_at = now()  # the plan clock starts: let the scheduler look again
    _save(problem, ["status", "signed_at", "plan_due_on", "next_check_at"])
    record_event(
        Verb.PROBLEM_SIGNED,
        actor=actor,
        problem=problem,
        summary=f"{actor.unit}签收，整改方案须于{problem.plan_due_on:%Y年%m月%d日}前报送",
        data={"plan_due_on": problem.plan_due_on.isoformat()},
    )
    return problem


@transaction.atomic
def do_submit_plan(
    problem: Problem, *, actor: User, text: str, uploads: Sequence[Upload] = (), expected_version: int | None = None
) -> RectificationPlan:
    """报送整改方案: once per round, by the lead unit, while 整改中; it stops the plan clock (no approval step —
    the plan is filed, and whether it worked is judged with the evidence at 验收)."""
    if not text.strip():
        message = gettext("请填写整改方案。")
        raise ActionError(message, field_errors={"text": [message]})
    types = check_uploads(uploads)
    problem = _lock(problem, expected_version)
    _require_lead_unit(actor, problem, pgettext("refused action", "报送整改方案"))
    next_status(problem.status, Step.SUBMIT_PLAN)
    if problem.plan_submitted_at is not None:
        submitted_on = message_date(timezone.localdate(problem.plan_submitted_at), padded=True)
        raise Conflict(gettext("本轮整改方案已于%(date)s报送。") % {"date": submitted_on})
    assert actor.unit is not None
    plan = RectificationPlan.objects.create(
        problem=problem,
        round=problem.supervision_round,
        unit=actor.unit,
        author=actor,
        text=text.strip(),
        due_on=problem.plan_due_on,
        submitted_at=now(),
    )
    with _stored_files_removed_on_failure() as written:
        _store_uploads(problem, uploads, types, actor=actor, written=written, plan=plan)
        problem.plan_submitted_at = plan.submitted_at
        problem.next_check_at = now()  # a sweep holding this row must not remind of a plan that is in
        _save(problem, ["plan_submitted_at", "next_check_at"])
        late = "（逾期报送）" if plan.is_late() else ""
        record_event(
            Verb.PLAN_SUBMITTED,
            actor=actor,
            problem=problem,
            summary=f"{actor.unit}报送整改方案{late}：{plan.text}" + _files_note(uploads),
            data={"plan": plan.pk, "round": plan.round, "late": bool(late), "files": len(uploads)},
        )
        messages.plan_submitted(problem, unit=actor.unit, late=bool(late))
        return plan


@transaction.atomic
def do_return_problem(problem: Problem, *, actor: User, reason: str, expected_version: int | None = None) -> Problem:
    if not reason.strip():
        raise ActionError(gettext("退单须说明理由。"), field_errors={"reason": [gettext("请填写退单理由。")]})
    problem = _lock(problem, expected_version)
    _require_lead_unit(actor, problem, pgettext("refused action", "退单"))
    problem.status = next_status(problem.status, Step.RETURN)
    problem.returned_count += 1
    problem.next_check_at = None  # back with the coordinator: the ladder stops until it is assigned again
    _save(problem, ["status", "returned_count", "next_check_at"])
    record_event(
        Verb.PROBLEM_RETURNED,
        actor=actor,
        problem=problem,
        summary=f"{actor.unit}退单：{reason.strip()}",
        data={"reason": reason.strip()},
    )
    messages.problem_returned(problem, unit=actor.unit, reason=reason.strip())
    return problem


@transaction.atomic
def do_report_progress(
    problem: Problem,
    *,
    actor: User,
    text: str,
    percent: int,
    uploads: Sequence[Upload] = (),
    expected_version: int | None = None,
    public: bool = False,
) -> ProgressReport:
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [gettext("请填写整改进展。")]
    if not 0 <= percent <= 100:
        errors["percent"] = [gettext("完成进度须在 0 到 100 之间。")]
    if errors:
        raise ActionError(gettext("整改进展填写有误。"), field_errors=errors)
    types = check_uploads(uploads)
    problem = _lock(problem, expected_version)
    if not (is_lead_unit_member(actor, problem) or is_co_unit_member(actor, problem)):
        raise NotAllowed(gettext("只有牵头单位或配合单位的人员可以报告整改进展。"))
    next_status(problem.status, Step.REPORT_PROGRESS)
    assert actor.unit is not None
    report = ProgressReport.objects.create(
        problem=problem,
        unit=actor.unit,
        author=actor,
        text=text.strip(),
        percent=percent,
        created_at=now(),
        is_public=public,
    )
    with _stored_files_removed_on_failure() as written:
        _store_uploads(problem, uploads, types, actor=actor, written=written, progress_report=report)
        problem.progress_percent = percent
        problem.latest_progress = report.text
        _save(problem, ["progress_percent", "latest_progress"])
        record_event(
            Verb.PROGRESS_REPORTED,
            actor=actor,
            problem=problem,
            summary=f"{actor.unit}报告进展（{percent}%{'，向反映人公开' if public else ''}）：{report.text}"
            + _files_note(uploads),
            data={"report": report.pk, "percent": percent, "files": len(uploads), "public": public},
        )
        return report


@transaction.atomic
def do_reopen_problem(problem: Problem, *, actor: User, reason: str, expected_version: int | None = None) -> Problem:
    _require_role(actor, (Role.COORDINATOR, Role.ADMIN), pgettext("refused action", "重办问题"))
    if not reason.strip():
        raise ActionError(gettext("重办须说明理由。"), field_errors={"reason": [gettext("请填写重办理由。")]})
    problem = _lock(problem, expected_version)
    problem.status = next_status(problem.status, Step.REOPEN)
    problem.closed_at = None
    problem.reopen_count += 1
    # A reopened problem gets a fresh time limit by rule and a new round of the ladder.
    problem.deadline = default_deadline(problem.category_id, problem.kind, today())
    _start_supervision_round(problem, problem.deadline, problem.kind)
    # No 签收 after 重办: the unit is already at work, so a new plan is due from today.
    problem.plan_due_on = plan_due(problem.category_id, problem.kind, today())
    _save(problem, ["status", "closed_at", "reopen_count", "deadline", *ROUND_FIELDS])
    Assignment.objects.filter(problem=problem, is_current=True).update(deadline=problem.deadline)
    record_event(
        Verb.PROBLEM_REOPENED,
        actor=actor,
        problem=problem,
        summary=f"重办：{reason.strip()}；新的整改时限{problem.deadline:%Y年%m月%d日}",
        data={"reason": reason.strip(), "count": problem.reopen_count, "deadline": problem.deadline.isoformat()},
    )
    co_units = Assignment.co_units.through.objects.filter(assignment__problem=problem, assignment__is_current=True)
    unit_ids = [problem.lead_unit_id, *co_units.values_list("unit_id", flat=True)]
    messages.problem_reopened(problem, unit_ids=unit_ids, reason=reason.strip())
    return problem


@dataclass(frozen=True)
class ImportedProblem:
    """One row of an existing 整改台账, in the state the row says. The history before the import is recorded as
    imported (one event on the timeline), never replayed as actions nobody took in Taizhang."""

    title: str
    description: str
    category: Category
    status: str
    kind: str
    lead_unit: Unit | None
    co_units: Sequence[Unit]
    responsible_leader: str
    responsible_person: str
    measures: str
    deadline: dt.date | None
    progress: str
    closed_at: dt.datetime | None
    origin_channel: str
    self_found: bool
    remarks: str
    source_record: dict[str, object]
    import_key: str


def _imported_summary(item: ImportedProblem, problem: Problem, filename: str) -> str:
    parts = [
        f"从《{filename}》第 {item.source_record.get('row')} 行导入台账，导入时状态：{problem.get_status_display()}"
    ]
    if item.lead_unit:
        parts.append(f"责任单位：{item.lead_unit.name}")
    if problem.deadline:
        parts.append(f"整改时限：{problem.deadline:%Y年%m月%d日}")
    if item.closed_at:
        parts.append(f"台账记载销号时间：{timezone.localtime(item.closed_at):%Y年%m月%d日}")
    return "，".join(parts) + "（此前的办理过程以原台账为准）"


@transaction.atomic
def do_import_problem(item: ImportedProblem, *, actor: User, campaign: Campaign, filename: str) -> Problem:
    _require_role(actor, (Role.COORDINATOR, Role.ADMIN), pgettext("refused action", "导入整改台账"))
    at = now()
    deadline = item.deadline
    if deadline is None and item.lead_unit is not None and item.status != Status.CLOSED:
        # 长期坚持 runs to the campaign's end; anything else without a date gets the time-limit rule's.
        deadline = campaign.ends_on if item.kind == RectificationKind.LONG_TERM else None
        deadline = deadline or default_deadline(item.category.pk, item.kind, today())
    watched = item.status in (Status.ASSIGNED, Status.RECTIFYING)
    problem = Problem.objects.create(
        campaign=campaign,
        number=next_problem_number(campaign),
        title=item.title.strip()[:200] or item.description[:60],
        description=item.description.strip(),
        category=item.category,
        status=item.status,
        source=Source.SELF_FOUND if item.self_found else Source.EXPOSED,
        origin_channel=item.origin_channel,
        created_at=at,
        created_by=actor,
        lead_unit=item.lead_unit,
        responsible_person=item.responsible_person,
        measures=item.measures,
        kind=item.kind if item.lead_unit else "",
        deadline=deadline,
        assigned_at=at if item.lead_unit else None,
        progress_percent=100 if item.status == Status.CLOSED else 0,
        latest_progress=item.progress,
        closed_at=item.closed_at,
        responsible_leader=item.responsible_leader,
        remarks=item.remarks,
        source_record=item.source_record,
        import_key=item.import_key,
        # The ladder watches an open problem from the day it is imported; a closed one is history.
        supervision_round=1 if item.lead_unit else 0,
        original_deadline=deadline,
        sign_due_on=sign_due(item.category.pk, item.kind, today()) if item.status == Status.ASSIGNED else None,
        plan_submitted_at=at if item.status == Status.RECTIFYING and item.measures else None,
        plan_due_on=plan_due(item.category.pk, item.kind, today())
        if item.status == Status.RECTIFYING and not item.measures
        else None,
        next_check_at=at if watched else None,
    )
    if item.lead_unit is not None:
        assignment = Assignment.objects.create(
            problem=problem,
            lead_unit=item.lead_unit,
            responsible_person=item.responsible_person,
            measures=item.measures,
            kind=item.kind,
            deadline=deadline or timezone.localdate(item.closed_at or at),
            assigned_at=at,
            assigned_by=actor,
        )
        assignment.co_units.set([u for u in item.co_units if u.pk != item.lead_unit.pk])
    if item.status == Status.VERIFYING:
        # The ledger says it is with the verifiers: past the unit's own review, waiting for a verifier to be named.
        ClosureApplication.objects.create(
            problem=problem,
            applied_by=actor,
            applied_at=at,
            summary=item.progress or "原台账记载：已完成",
            reviewed_at=at,
            review_note="原台账记载：待验收",
        )
    record_event(
        Verb.PROBLEM_IMPORTED,
        actor=actor,
        problem=problem,
        summary=_imported_summary(item, problem, filename),
        data={"file": filename, "row": item.source_record.get("row"), "status": item.status},
    )
    return problem
