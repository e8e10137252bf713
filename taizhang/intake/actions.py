"""Every state change of an opinion: receipt (征集) and triage (梳理)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from taizhang.accounts.models import Role, Unit
from taizhang.audit.events import append_events, new_event, record_event
from taizhang.audit.models import Verb
from taizhang.campaigns.models import Campaign, active_campaign
from taizhang.clock import now
from taizhang.errors import ActionError, Conflict, NotAllowed
from taizhang.i18n import join_reasons
from taizhang.intake.models import Channel, DismissReason, Opinion, OpinionLink, OpinionStatus
from taizhang.lib.fastinsert import insert_new
from taizhang.problems.actions import create_problem
from taizhang.problems.models import Category, Problem, Source, Status

if TYPE_CHECKING:
    from taizhang.accounts.models import User

MAX_OPINION_CHARS = 10_000
MAX_EMAIL_CHARS = 254
INTAKE_ROLES = (Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True)
class OpinionInput:
    channel: str
    text: str
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    reporter_id_number: str = ""
    is_anonymous: bool = False
    concerned_unit: Unit | None = None
    external_ref: str = ""


@dataclass(frozen=True)
class NewProblem:
    title: str
    description: str
    category: Category


def validate_opinion(data: OpinionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = [gettext("渠道“%(channel)s”无效。") % {"channel": data.channel}]
    text = data.text.strip()
    if not text:
        errors["text"] = [gettext("请填写意见内容。")]
    elif len(text) > MAX_OPINION_CHARS:
        errors["text"] = [
            gettext("意见内容过长（%(length)d 字），上限 %(max)d 字。")
            % {"length": len(text), "max": MAX_OPINION_CHARS}
        ]
    if len(data.reporter_name) > 50:
        errors["reporter_name"] = [gettext("反映人姓名过长。")]
    if len(data.reporter_phone) > 30:
        errors["reporter_phone"] = [gettext("联系电话过长。")]
    if len(data.reporter_id_number) > 30:
        errors["reporter_id_number"] = [gettext("证件号码过长。")]
    if len(data.reporter_email) > MAX_EMAIL_CHARS:
        errors["reporter_email"] = [gettext("电子邮箱过长。")]
    return errors


def _campaign_or_error() -> Campaign:
    campaign = active_campaign()
    if campaign is None:
        raise ActionError(gettext("当前没有进行中的活动，请管理员先建立活动。"))
    return campaign


def _insert_opinion(
    data: OpinionInput,
    *,
    campaign: Campaign,
    actor: User | None,
    received_at: dt.datetime | None = None,
    source_record: dict[str, Any] | None = None,
) -> Opinion:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                opinion = Opinion(
                    campaign=campaign,
                    channel=data.channel,
                    text=data.text.strip(),
                    reporter_name="" if data.is_anonymous else data.reporter_name.strip(),
                    reporter_phone="" if data.is_anonymous else data.reporter_phone.strip(),
                    reporter_email="" if data.is_anonymous else data.reporter_email.strip(),
                    reporter_id_number="" if data.is_anonymous else data.reporter_id_number.strip(),
                    is_anonymous=data.is_anonymous,
                    concerned_unit=data.concerned_unit,
                    external_ref=data.external_ref.strip(),
                    received_at=received_at or now(),
                    entered_by=actor,
                    source_record=source_record or {},
                )
                opinion.issue_code()
                opinion.save(force_insert=True)
                return opinion
        except IntegrityError:
            if (
                data.external_ref
                and Opinion.objects.filter(channel=data.channel, external_ref=data.external_ref).exists()
            ):
                raise DuplicateExternalRef(
                    gettext("来源单号“%(ref)s”已登记，不能重复提交。") % {"ref": data.external_ref},
                    field_errors={"external_ref": [gettext("单号重复。")]},
                ) from None
    raise ActionError(gettext("生成查询码失败，请重试。"))


class DuplicateExternalRef(ActionError):
    """The channel's ticket number was registered meanwhile (a concurrent retry by the feeding platform): the API
    answers with the earlier receipt instead of an error."""


@transaction.atomic
def do_receive_opinion(
    data: OpinionInput,
    *,
    actor: User | None,
    actor_name: str | None = None,
    received_at: dt.datetime | None = None,
    source_record: dict[str, Any] | None = None,
) -> Opinion:
    """Register one opinion from any door; the receipt code is the server's, and so is the time unless the
    source system (a 12345 platform) says when it received the opinion, which may not be in the future."""
    if received_at is not None and received_at > now():
        message = gettext("收到时间不能晚于当前时间。")
        raise ActionError(message, field_errors={"received_at": [message]})
    if actor is not None and actor.role not in INTAKE_ROLES:
        raise NotAllowed(gettext("您的角色不能登记意见。"))
    if errors := validate_opinion(data):
        raise ActionError(
            gettext("意见信息有误：%(reasons)s") % {"reasons": join_reasons(e for es in errors.values() for e in es)},
            field_errors=errors,
        )
    opinion = _insert_opinion(
        data, campaign=_campaign_or_error(), actor=actor, received_at=received_at, source_record=source_record
    )
    record_event(
        Verb.OPINION_RECEIVED,
        actor=actor,
        actor_name=actor_name,
        opinion=opinion,
        # Not the receipt code: the trail is kept for years and read by auditors; the code is kept only hashed.
        summary=f"经{opinion.get_channel_display()}收到意见",
        data={"channel": opinion.channel},
    )
    return opinion


def _issue_codes(opinions: Sequence[Opinion]) -> None:
    """A receipt code for each, none repeating another or one already issued (checked by hash, a query a round)."""
    waiting = list(opinions)
    issued: set[str] = set()
    while waiting:
        for opinion in waiting:
            opinion.issue_code()
        wanted = {o.receipt_hash for o in waiting}
        taken = set(Opinion.objects.filter(receipt_hash__in=wanted).values_list("receipt_hash", flat=True))
        again = []
        for opinion in waiting:
            if opinion.receipt_hash in taken or opinion.receipt_hash in issued:
                again.append(opinion)
            else:
                issued.add(opinion.receipt_hash)
        waiting = again


@dataclass(frozen=True)
class ImportedOpinion:
    """One row of an imported file: the opinion, when the source received it (None: now), what else the file
    said about it, and the key that finds it again when the same file is imported twice."""

    data: OpinionInput
    received_at: dt.datetime | None = None
    source_record: dict[str, Any] = field(default_factory=dict)
    import_key: str = ""


def _imported_summary(opinion: Opinion, filename: str, row: object, channels: dict[str, str]) -> str:
    where = f"第 {row} 行" if row else ""
    return f"从《{filename}》{where}导入意见（{channels[opinion.channel]}）"


@transaction.atomic
def do_import_opinions(rows: Sequence[ImportedOpinion], *, actor: User, filename: str) -> list[Opinion]:
    """All or nothing, in bulk: the caller validated every row; any failure rolls the whole batch back.
    The received time is the source's own (a 12345 work order's 来电时间), else the server's."""
    if actor.role not in INTAKE_ROLES:
        raise NotAllowed(gettext("您的角色不能导入意见。"))
    campaign = _campaign_or_error()
    entered_at = now()
    opinions = [
        Opinion(
            campaign=campaign,
            channel=item.data.channel,
            text=item.data.text.strip(),
            reporter_name="" if item.data.is_anonymous else item.data.reporter_name.strip(),
            reporter_phone="" if item.data.is_anonymous else item.data.reporter_phone.strip(),
            reporter_email="" if item.data.is_anonymous else item.data.reporter_email.strip(),
            reporter_id_number="" if item.data.is_anonymous else item.data.reporter_id_number.strip(),
            is_anonymous=item.data.is_anonymous,
            concerned_unit=item.data.concerned_unit,
            external_ref=item.data.external_ref.strip(),
            received_at=item.received_at or entered_at,
            entered_by=actor,
            source_record=item.source_record,
            import_key=item.import_key,
        )
        for item in rows
    ]
    _issue_codes(opinions)
    for opinion in opinions:
        opinion.seal()
    try:
        with transaction.atomic():
            insert_new(opinions)
    except IntegrityError:
        raise ActionError(gettext("导入的来源单号与已登记的意见重复，未导入任何意见。请重新检查表格。")) from None
    channels = {value: str(label) for value, label in Channel.choices}  # get_channel_display reads every label
    append_events(
        [
            new_event(
                Verb.OPINION_RECEIVED,
                actor=actor,
                opinion=opinion,
                summary=_imported_summary(opinion, filename, opinion.source_record.get("row"), channels),
                data={"channel": opinion.channel, "file": filename, "row": opinion.source_record.get("row")},
            )
            for opinion in opinions
        ]
    )
    return opinions


def _lock_untriaged(opinion: Opinion, expected_version: int | None) -> Opinion:
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if locked.status != OpinionStatus.UNTRIAGED:
        raise ActionError(
            gettext("该意见已处理（%(status)s），不能重复梳理。") % {"status": locked.get_status_display()}
        )
    return locked


def _require_triage_role(actor: User) -> None:
    if actor.role not in INTAKE_ROLES:
        raise NotAllowed(gettext("只有牵头部门可以梳理意见。"))


def refresh_problem_origin(problem: Problem) -> None:
    """Self-found or exposed is decided by which linked opinion the server received first, never by typed dates."""
    first = (
        Opinion.objects.filter(links__problem=problem)
        .order_by("received_at", "id")
        .values("channel", "received_at")
        .first()
    )
    if first is None:
        return
    problem.source = Source.SELF_FOUND if first["channel"] == Channel.SELF_INSPECTION else Source.EXPOSED
    problem.origin_channel = first["channel"]
    problem.first_received_at = first["received_at"]
    problem.version += 1
    problem.save(update_fields=["source", "origin_channel", "first_received_at", "version"])


# Problem timelines are read by the responsible units, so their events name the channel, never the
# receipt code: the code is the reporter's key to the public lookup (内外有别).


def _link(opinion: Opinion, problem: Problem, *, actor: User) -> None:
    OpinionLink.objects.create(opinion=opinion, problem=problem, linked_at=now(), linked_by=actor)
    refresh_problem_origin(problem)


def _mark_triaged(opinion: Opinion, actor: User) -> None:
    opinion.status = OpinionStatus.LINKED
    opinion.triaged_at = now()
    opinion.triaged_by = actor
    opinion.version += 1
    opinion.save(update_fields=["status", "triaged_at", "triaged_by", "version"])


@transaction.atomic
def do_split_opinion(
    opinion: Opinion, problems: Sequence[NewProblem], *, actor: User, expected_version: int | None = None
) -> list[Problem]:
    """Turn an opinion into one new problem, or into several when it raises several (拆分)."""
    _require_triage_role(actor)
    if not problems:
        raise ActionError(gettext("请至少填写一个问题。"))
    opinion = _lock_untriaged(opinion, expected_version)
    created = []
    for item in problems:
        problem = create_problem(
            campaign=opinion.campaign,
            title=item.title,
            description=item.description,
            category=item.category,
            actor=actor,
        )
        _link(opinion, problem, actor=actor)
        record_event(
            Verb.PROBLEM_CREATED,
            actor=actor,
            problem=problem,
            opinion=opinion,
            summary=f"由一条{opinion.get_channel_display()}意见立项：{problem.title}"
            + ("（拆分）" if len(problems) > 1 else ""),
            data={"category": item.category.code},
        )
        created.append(problem)
    _mark_triaged(opinion, actor)
    _learn(opinion, created[0], actor=actor, linked=False)
    return created


def do_create_problem_from_opinion(
    opinion: Opinion, item: NewProblem, *, actor: User, expected_version: int | None = None
) -> Problem:
    return do_split_opinion(opinion, [item], actor=actor, expected_version=expected_version)[0]


def _learn(opinion: Opinion, problem: Problem, *, actor: User, linked: bool) -> None:
    """A decision that differs from the triage suggestion is kept for the next retraining — the same for the
    page, the API and any other door, since they all come through these actions."""
    from taizhang.triage.actions import do_record_decision

    do_record_decision(
        opinion,
        category=problem.category.code,
        unit=problem.lead_unit.name if problem.lead_unit else "",
        problem_number=problem.number if linked else "",
        actor=actor,
    )


@transaction.atomic
def do_link_opinion(opinion: Opinion, problem: Problem, *, actor: User, expected_version: int | None = None) -> Problem:
    """Attach a duplicate opinion to an existing problem; it keeps its own channel, reporter and code."""
    _require_triage_role(actor)
    opinion = _lock_untriaged(opinion, expected_version)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    _link(opinion, problem, actor=actor)
    _mark_triaged(opinion, actor)
    record_event(
        Verb.OPINION_LINKED,
        actor=actor,
        problem=problem,
        opinion=opinion,
        summary=f"一条{opinion.get_channel_display()}意见归并至本问题"
        + ("，问题已销号，可能为反弹" if problem.status == Status.CLOSED else ""),
    )
    _learn(opinion, problem, actor=actor, linked=True)
    return problem


@transaction.atomic
def do_dismiss_opinion(
    opinion: Opinion, *, actor: User, reason: str, answer: str, expected_version: int | None = None
) -> Opinion:
    _require_triage_role(actor)
    errors: dict[str, list[str]] = {}
    if reason not in DismissReason.values:
        errors["reason"] = [gettext("请选择不予立项的原因。")]
    if not answer.strip():
        errors["answer"] = [gettext("请填写给反映人的答复。")]
    if errors:
        raise ActionError(gettext("不予立项须选择原因并填写答复。"), field_errors=errors)
    opinion = _lock_untriaged(opinion, expected_version)
    opinion.status = OpinionStatus.DISMISSED
    opinion.dismiss_reason = reason
    opinion.answer = answer.strip()
    opinion.triaged_at = now()
    opinion.triaged_by = actor
    opinion.version += 1
    opinion.save(update_fields=["status", "dismiss_reason", "answer", "triaged_at", "triaged_by", "version"])
    record_event(
        Verb.OPINION_DISMISSED,
        actor=actor,
        opinion=opinion,
        summary=f"{DismissReason(reason).label}：{opinion.answer}",
        data={"reason": reason},
    )
    return opinion


@transaction.atomic
def do_unmask_reporter(opinion: Opinion, *, actor: User) -> Opinion:
    """Record that a discipline officer looked at a 举报's reporter; the page shows it only after this."""
    if actor.role != Role.DISCIPLINE:
        raise NotAllowed(gettext("只有纪检组可以查看举报人信息。"))
    record_event(Verb.REPORTER_UNMASKED, actor=actor, opinion=opinion, summary="查看举报人身份信息")
    return opinion
