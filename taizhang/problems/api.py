"""/api/v1/problems: the ledger (same filters as the page), a problem's file, and each step of the loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from taizhang.accounts.models import Unit, UnitKind, User
from taizhang.api_common import ERRORS, PageParams, SourceRecordOut, UnitRef, api_user, by_ids, page_of
from taizhang.audit.models import AuditEvent
from taizhang.errors import ActionError
from taizhang.i18n import join_reasons
from taizhang.intake.access import may_read_report_text, reporter_label
from taizhang.intake.models import Channel, Opinion
from taizhang.lib.masking import mask_text
from taizhang.problems import actions, closure
from taizhang.problems.access import access_problem_by_id, attachment_file, steps_for, timeline_visible_to
from taizhang.problems.actions import MilestoneInput, Upload
from taizhang.problems.filters import ledger_queryset
from taizhang.problems.forms import as_uploads
from taizhang.problems.models import (
    Assignment,
    Attachment,
    ClosureApplication,
    Milestone,
    Problem,
    ProgressReport,
    RectificationKind,
    RectificationPlan,
)
from taizhang.supervision.timelimits import light_for

router = Router(tags=["问题台账"])


# ---- output -------------------------------------------------------------------------------------


class CategoryRef(Schema):
    id: int
    code: str = Field(description="类别代码")
    name: str = Field(description="类别名称")


class ProblemOut(Schema):
    id: int
    number: str = Field(description="问题编号")
    title: str = Field(description="问题摘要")
    status: str = Field(description="状态：new 待交办 / assigned 待签收 / returned 已退单 / rectifying 整改中 / …")
    status_label: str = Field(description="状态（中文）")
    category: CategoryRef = Field(description="问题类别")
    source: str = Field(description="发现方式：self_found 自查发现 / exposed 他人反映")
    source_label: str = Field(description="发现方式（中文）")
    origin_channel: str = Field(description="问题来源渠道代码（最早一条意见的渠道）")
    origin_channel_label: str = Field(description="问题来源渠道（中文）")
    lead_unit: UnitRef | None = Field(description="责任（牵头）单位")
    responsible_person: str = Field(description="责任人")
    deadline: dt.date | None = Field(description="整改时限")
    progress_percent: int = Field(description="整改进度（%）")
    is_overdue: bool = Field(description="是否超期")
    light: str = Field(description="状态灯：green 绿灯 / yellow 黄灯（临近到期）/ red 红灯（超期）/ none 无")
    light_label: str = Field(description="状态灯说明，如“超期3个工作日”")
    overdue_workdays: int = Field(description="超期工作日数")
    closed_at: dt.datetime | None = Field(description="销号时间")
    version: int = Field(description="版本号；提交操作时作为 expected_version 传回")

    @staticmethod
    def resolve_status_label(obj: Problem) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_source_label(obj: Problem) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_origin_channel_label(obj: Problem) -> str:
        return str(Channel(obj.origin_channel).label) if obj.origin_channel in Channel.values else ""

    @staticmethod
    def resolve_is_overdue(obj: Problem) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_light(obj: Problem) -> str:
        return light_for(obj).color

    @staticmethod
    def resolve_light_label(obj: Problem) -> str:
        return light_for(obj).label

    @staticmethod
    def resolve_overdue_workdays(obj: Problem) -> int:
        return light_for(obj).overdue_workdays


class ProblemPage(Schema):
    count: int = Field(description="符合条件的问题总数")
    page: int
    page_size: int
    items: list[ProblemOut]


class OpinionBrief(Schema):
    id: int
    receipt_code: str | None = Field(description="查询码；责任单位不可见")
    channel: str
    channel_label: str
    text: str = Field(description="意见内容；责任单位看到的电话、身份证号已打码")
    reporter: str = Field(description="反映人（按查看人权限打码）")
    received_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="文件名")
    content_type: str
    size: int = Field(description="字节数")
    sha256: str

    @staticmethod
    def resolve_name(obj: Attachment) -> str:
        return obj.original_name


class MilestoneOut(Schema):
    id: int
    title: str = Field(description="路线图节点")
    due_on: dt.date = Field(description="完成时限")
    done_at: dt.datetime | None = Field(description="标记完成的时间；未完成为 null")
    done_by: str | None = Field(description="标记完成的人")
    done_note: str = Field(description="完成情况")
    attachments: list[AttachmentOut] = Field(description="完成佐证材料")

    @staticmethod
    def resolve_done_by(obj: Milestone) -> str | None:
        return obj.done_by.display_name if obj.done_by else None

    @staticmethod
    def resolve_attachments(obj: Milestone) -> list[Attachment]:
        return list(obj.attachments.all())


class AssignmentOut(Schema):
    lead_unit: UnitRef = Field(description="牵头单位")
    co_units: list[UnitRef] = Field(description="配合单位")
    responsible_person: str
    measures: str = Field(description="整改措施")
    kind: str = Field(description="整改类型代码")
    kind_label: str = Field(description="整改类型")
    deadline: dt.date
    assigned_at: dt.datetime
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_co_units(obj: Assignment) -> list[Unit]:
        return list(obj.co_units.all())

    @staticmethod
    def resolve_kind_label(obj: Assignment) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_milestones(obj: Assignment) -> list[Any]:
        return list(obj.milestones.all())


class ProgressReportOut(Schema):
    id: int
    unit: UnitRef
    author: str = Field(description="报告人")
    text: str = Field(description="进展情况")
    percent: int
    created_at: dt.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: ProgressReport) -> str:
        return obj.author.display_name

    @staticmethod
    def resolve_attachments(obj: ProgressReport) -> list[Attachment]:
        return list(obj.attachments.all())


class PlanOut(Schema):
    id: int
    round: int = Field(description="第几轮交办/重办")
    unit: UnitRef
    author: str = Field(description="报送人")
    text: str = Field(description="整改方案")
    due_on: dt.date | None = Field(description="报送时限")
    submitted_at: dt.datetime
    is_late: bool = Field(description="是否逾期报送")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: RectificationPlan) -> str:
        return obj.author.display_name

    @staticmethod
    def resolve_is_late(obj: RectificationPlan) -> bool:
        return obj.is_late()

    @staticmethod
    def resolve_attachments(obj: RectificationPlan) -> list[Attachment]:
        return list(obj.attachments.all())


class UserRef(Schema):
    id: int
    name: str = Field(description="姓名")

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.display_name


class ClosureOut(Schema):
    id: int
    applied_by: str = Field(description="申请人")
    applied_at: dt.datetime
    summary: str = Field(description="整改完成情况")
    decision: str = Field(
        description="pending 办理中 / accepted 验收通过 / rejected 验收不通过 / sent_back 单位负责人退回"
    )
    decision_label: str
    stage: str = Field(
        description="head_review 待单位负责人审核 / awaiting_verifier 待指定验收人 / verifying 待验收（已指定验收人）"
        " / decided 已办结"
    )
    stage_label: str
    reviewed_by: str | None = Field(description="审核的单位负责人")
    reviewed_at: dt.datetime | None
    review_note: str = Field(description="单位负责人审核意见（退回理由）")
    verifier: UserRef | None = Field(description="牵头部门指定的验收人")
    verifier_named_at: dt.datetime | None
    decided_by: str | None = Field(description="作出验收结论的人")
    decided_at: dt.datetime | None
    decision_reason: str = Field(description="验收意见")
    on_site: bool = Field(description="是否现场核查")
    site_visited_on: dt.date | None = Field(description="现场核查日期")
    site_place: str = Field(description="现场核查地点")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_stage(obj: ClosureApplication) -> str:
        return obj.stage.value

    @staticmethod
    def resolve_stage_label(obj: ClosureApplication) -> str:
        return str(obj.stage.label)

    @staticmethod
    def resolve_reviewed_by(obj: ClosureApplication) -> str | None:
        return obj.reviewed_by.display_name if obj.reviewed_by else None

    @staticmethod
    def resolve_applied_by(obj: ClosureApplication) -> str:
        return obj.applied_by.display_name

    @staticmethod
    def resolve_decision_label(obj: ClosureApplication) -> str:
        return str(obj.get_decision_display())

    @staticmethod
    def resolve_decided_by(obj: ClosureApplication) -> str | None:
        return obj.decided_by.display_name if obj.decided_by else None

    @staticmethod
    def resolve_attachments(obj: ClosureApplication) -> list[Attachment]:
        return list(obj.attachments.all())


class EventOut(Schema):
    at: dt.datetime
    actor_name: str = Field(description="操作人")
    verb: str
    verb_label: str = Field(description="操作（中文）")
    summary: str

    @staticmethod
    def resolve_verb_label(obj: AuditEvent) -> str:
        return str(obj.get_verb_display())


class ProblemDetail(ProblemOut):
    description: str = Field(description="问题描述")
    measures: str = Field(description="整改措施")
    responsible_leader: str = Field(description="责任领导")
    remarks: str = Field(description="备注")
    source_record: SourceRecordOut = Field(description="从整改台账导入时：文件、行号和台账中的各列")
    kind: str = Field(description="整改类型代码")
    created_at: dt.datetime = Field(description="立项时间")
    first_received_at: dt.datetime | None = Field(description="最早收到时间（服务器时间，用于认定自查在先）")
    assigned_at: dt.datetime | None
    latest_progress: str = Field(description="最新整改进展")
    reopen_count: int = Field(description="重办次数")
    sign_due_on: dt.date | None = Field(description="签收时限")
    plan_due_on: dt.date | None = Field(description="整改方案报送时限（签收或重办后按规则计算）")
    plan_submitted_at: dt.datetime | None = Field(description="本轮整改方案报送时间；未报送为 null")
    steps: list[str] = Field(description="当前用户现在可以尝试的操作")
    opinions: list[OpinionBrief] = Field(description="对应的意见（含重复件）")
    assignment: AssignmentOut | None = Field(description="当前交办（含路线图）")
    plans: list[PlanOut] = Field(description="整改方案（各轮）")
    progress_reports: list[ProgressReportOut]
    closures: list[ClosureOut] = Field(description="销号申请与验收")
    timeline: list[EventOut] = Field(description="时间线（审计记录）")

    @staticmethod
    def resolve_steps(obj: Problem, context: dict[str, Any]) -> list[str]:
        return sorted(steps_for(api_user(context["request"]), obj))

    @staticmethod
    def resolve_opinions(obj: Problem, context: dict[str, Any]) -> list[dict[str, Any]]:
        user = api_user(context["request"])
        return [opinion_brief(user, o) for o in obj.opinions.order_by("received_at", "id")]

    @staticmethod
    def resolve_assignment(obj: Problem) -> Assignment | None:
        current = obj.assignments.filter(is_current=True).select_related("lead_unit")
        milestones = Prefetch("milestones", Milestone.objects.select_related("done_by").prefetch_related("attachments"))
        return current.prefetch_related("co_units", milestones).first()

    @staticmethod
    def resolve_plans(obj: Problem) -> list[RectificationPlan]:
        return list(obj.plans.select_related("unit", "author").prefetch_related("attachments"))

    @staticmethod
    def resolve_progress_reports(obj: Problem) -> list[ProgressReport]:
        return list(obj.progress_reports.select_related("unit", "author").prefetch_related("attachments"))

    @staticmethod
    def resolve_closures(obj: Problem) -> list[ClosureApplication]:
        closures = obj.closures.select_related("applied_by", "decided_by", "reviewed_by", "verifier")
        return list(closures.prefetch_related("attachments"))

    @staticmethod
    def resolve_timeline(obj: Problem, context: dict[str, Any]) -> list[AuditEvent]:
        return list(timeline_visible_to(context["request"].user, obj))


def opinion_brief(user: User, opinion: Opinion) -> dict[str, Any]:
    """内外有别: a unit sees what was reported, never who reported it nor the reporter's receipt code."""
    inside = user.is_bureau_wide()
    return {
        "id": opinion.pk,
        "receipt_code": opinion.receipt_code if inside else None,
        "channel": opinion.channel,
        "channel_label": str(opinion.get_channel_display()),
        "text": (opinion.text if inside else mask_text(opinion.text))
        if may_read_report_text(user, opinion)
        else gettext("（举报内容，管理员不可查看）"),
        "reporter": reporter_label(user, opinion),
        "received_at": opinion.received_at,
    }


# ---- input --------------------------------------------------------------------------------------


class LedgerQuery(Schema):
    """Documented here for the OpenAPI page; LedgerFilterForm, shared with the HTML list, does the checking."""

    q: str | None = Field(None, description="关键词（编号、摘要、描述）")
    status: str | None = Field(None, description="状态代码，如 rectifying")
    unit: str | None = Field(None, description="责任单位 id")
    category: str | None = Field(None, description="问题类别 id")
    channel: str | None = Field(None, description="来源渠道代码，如 hotline_12345")
    source: str | None = Field(None, description="发现方式：self_found / exposed")
    campaign: str | None = Field(None, description="活动 id")
    overdue: str | None = Field(None, description="仅超期：true / on / 1")
    light: str | None = Field(None, description="状态灯：red / yellow / green")
    kind: str | None = Field(None, description="整改类型：immediate / time_limited / long_term，none 为未交办")
    group: str | None = Field(None, description="问题归类：four_winds / people_interests / last_mile / other")
    term: str | None = Field(
        None,
        description="口径（见 docs/glossary.md）：open / active / done / closed / overdue / due / done_on_time / "
        "ever_done / reopened / assigned_ever / returned / self_found / sign_due / signed_on_time / followed_up / "
        "follow_up_verified",
    )
    created_from: str | None = Field(None, description="立项日期自（YYYY-MM-DD，北京时间）")
    created_to: str | None = Field(None, description="立项日期至（YYYY-MM-DD，北京时间）")
    deadline_from: str | None = Field(None, description="整改时限自（YYYY-MM-DD）")
    deadline_to: str | None = Field(None, description="整改时限至（YYYY-MM-DD）")
    sort: str | None = Field(
        None, description="排序：number / deadline / status / unit / created / progress，前加 - 为倒序"
    )


class VersionIn(Schema):
    expected_version: int = Field(description="打开问题时看到的版本号（乐观锁）；他人已修改则返回 409")


class MilestoneIn(Schema):
    title: str = Field(max_length=200, description="路线图节点")
    due_on: dt.date = Field(description="节点完成时限")


class AssignIn(VersionIn):
    lead_unit: int = Field(description="牵头单位 id")
    co_units: list[int] = Field(default_factory=list, description="配合单位 id 列表")
    responsible_person: str = Field(max_length=50, description="责任人")
    measures: str = Field(description="整改措施")
    kind: RectificationKind = Field(
        description="整改类型：immediate 立行立改 / time_limited 限期整改 / long_term 长期坚持"
    )
    deadline: dt.date | None = Field(None, description="整改时限；不填则按时限规则（N 个工作日）计算")
    milestones: list[MilestoneIn] = Field(description="路线图，至少一个节点")


class ReasonIn(VersionIn):
    reason: str = Field(description="理由")


class PlanIn(VersionIn):
    text: str = Field(description="整改方案：整改目标、具体措施、责任人和完成时限")


class ProgressIn(VersionIn):
    text: str = Field(description="整改进展")
    percent: int = Field(description="完成进度（0–100）")
    public: bool = Field(False, description="是否向反映人公开（凭查询码可见，个人信息自动遮盖）")


class ClosureIn(VersionIn):
    summary: str = Field(description="整改完成情况")


class MilestoneDoneIn(VersionIn):
    note: str = Field(description="节点完成情况；须同时上传佐证材料（字段 evidence）")


class ReviewIn(VersionIn):
    approve: bool = Field(description="true 同意，报请牵头部门指定验收人；false 退回单位继续整改")
    note: str = Field("", description="审核意见；退回时必填")


class VerifierIn(VersionIn):
    verifier: int = Field(description="验收人的用户 id（督导组成员或牵头部门人员；不能是交办人、责任单位人员或申请人）")


class DecisionIn(VersionIn):
    accept: bool = Field(description="true 验收通过（销号）；false 验收不通过（退回整改）")
    reason: str = Field("", description="验收意见；不通过时必填")
    on_site: bool = Field(False, description="是否现场核查；是则须填写日期和地点")
    site_visited_on: dt.date | None = Field(None, description="现场核查日期")
    site_place: str = Field("", max_length=200, description="现场核查地点")


def assignable_units() -> QuerySet[Unit]:
    """As on the assignment page: active units, inspection groups excluded."""
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.INSPECTION_GROUP)


FILES_DOC = {
    "description": "可用 multipart/form-data 上传佐证材料（字段 evidence，可多个），也可直接提交 JSON（无附件）。"
}


def _uploads(evidence: list[UploadedFile] | None) -> list[Upload]:
    """Wrap the files the way the page's form does; the action checks their type and size."""
    files: list[DjangoUploadedFile[bytes]] = list(evidence or [])
    return as_uploads(files)


def _refreshed(request: HttpRequest, problem: Problem) -> Problem:
    return access_problem_by_id(api_user(request), problem.pk)


# ---- endpoints ----------------------------------------------------------------------------------


@router.get("", response={200: ProblemPage, **ERRORS}, summary="问题台账（与页面相同的筛选条件）")
def list_problems(request: HttpRequest, filters: Query[LedgerQuery], paging: Query[PageParams]) -> dict[str, Any]:
    form, qs = ledger_queryset(api_user(request), request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        raise ActionError(
            gettext("筛选条件有误：%(reasons)s") % {"reasons": join_reasons(e for es in errors.values() for e in es)},
            field_errors=errors,
        )
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}


@router.get(
    "/{problem_id}", response={200: ProblemDetail, **ERRORS}, summary="问题详情（含意见、交办、进展、销号、时间线）"
)
def get_problem(request: HttpRequest, problem_id: int) -> Problem:
    return access_problem_by_id(api_user(request), problem_id)


@router.post("/{problem_id}/assign", response={200: ProblemOut, **ERRORS}, summary="交办")
def assign_problem(request: HttpRequest, problem_id: int, payload: AssignIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    [lead_unit] = by_ids(assignable_units(), [payload.lead_unit], field="lead_unit", what=gettext("牵头单位"))
    actions.do_assign_problem(
        problem,
        actor=user,
        lead_unit=lead_unit,
        co_units=by_ids(assignable_units(), payload.co_units, field="co_units", what=gettext("配合单位")),
        responsible_person=payload.responsible_person,
        measures=payload.measures,
        kind=payload.kind.value,
        deadline=payload.deadline,
        milestones=[MilestoneInput(m.title, m.due_on) for m in payload.milestones],
        expected_version=payload.expected_version,
    )
    return _refreshed(request, problem)


@router.post("/{problem_id}/sign", response={200: ProblemOut, **ERRORS}, summary="签收")
def sign_problem(request: HttpRequest, problem_id: int, payload: VersionIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    actions.do_sign_problem(problem, actor=user, expected_version=payload.expected_version)
    return _refreshed(request, problem)


@router.post("/{problem_id}/return", response={200: ProblemOut, **ERRORS}, summary="退单")
def return_problem(request: HttpRequest, problem_id: int, payload: ReasonIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    actions.do_return_problem(problem, actor=user, reason=payload.reason, expected_version=payload.expected_version)
    return _refreshed(request, problem)


@router.post(
    "/{problem_id}/plan",
    response={200: ProblemOut, **ERRORS},
    summary="报送整改方案（每轮一次，可附文件）",
    openapi_extra=FILES_DOC,
)
def submit_plan(
    request: HttpRequest,
    problem_id: int,
    payload: Form[PlanIn],
    evidence: File[list[UploadedFile] | None] = None,
) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    actions.do_submit_plan(
        problem, actor=user, text=payload.text, uploads=_uploads(evidence), expected_version=payload.expected_version
    )
    return _refreshed(request, problem)


@router.post(
    "/{problem_id}/progress",
    response={200: ProblemOut, **ERRORS},
    summary="报告整改进展（可附佐证材料）",
    openapi_extra=FILES_DOC,
)
def report_progress(
    request: HttpRequest,
    problem_id: int,
    payload: Form[ProgressIn],
    evidence: File[list[UploadedFile] | None] = None,
) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    actions.do_report_progress(
        problem,
        actor=user,
        text=payload.text,
        percent=payload.percent,
        uploads=_uploads(evidence),
        expected_version=payload.expected_version,
        public=payload.public,
    )
    return _refreshed(request, problem)


@router.post(
    "/{problem_id}/milestones/{milestone_id}/done",
    response={200: ProblemOut, **ERRORS},
    summary="标记路线图节点完成（须附佐证材料，multipart/form-data）",
    openapi_extra=FILES_DOC,
)
def complete_milestone(
    request: HttpRequest,
    problem_id: int,
    milestone_id: int,
    payload: Form[MilestoneDoneIn],
    evidence: File[list[UploadedFile] | None] = None,
) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    milestone = Milestone.objects.filter(pk=milestone_id, assignment__problem=problem).first()
    if milestone is None:
        raise Http404(gettext("路线图节点不存在。"))
    closure.do_complete_milestone(
        problem,
        milestone,
        actor=user,
        note=payload.note,
        uploads=_uploads(evidence),
        expected_version=payload.expected_version,
    )
    return _refreshed(request, problem)


@router.post(
    "/{problem_id}/apply-closure",
    response={200: ProblemOut, **ERRORS},
    summary="申请销号（须附佐证材料，multipart/form-data）",
    openapi_extra=FILES_DOC,
)
def apply_closure(
    request: HttpRequest,
    problem_id: int,
    payload: Form[ClosureIn],
    evidence: File[list[UploadedFile] | None] = None,
) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    closure.do_apply_closure(
        problem,
        actor=user,
        summary=payload.summary,
        uploads=_uploads(evidence),
        expected_version=payload.expected_version,
    )
    return _refreshed(request, problem)


@router.post(
    "/{problem_id}/approve-closure",
    response={200: ProblemOut, **ERRORS},
    summary="单位主要负责人审核销号申请（同意或退回）",
)
def approve_closure(request: HttpRequest, problem_id: int, payload: ReviewIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    closure.do_review_closure(
        problem, actor=user, approve=payload.approve, note=payload.note, expected_version=payload.expected_version
    )
    return _refreshed(request, problem)


@router.post("/{problem_id}/verifier", response={200: ProblemOut, **ERRORS}, summary="指定（或更换）验收人")
def name_verifier(request: HttpRequest, problem_id: int, payload: VerifierIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    [verifier] = by_ids(
        User.objects.filter(is_active=True), [payload.verifier], field="verifier", what=gettext("验收人")
    )
    closure.do_name_verifier(problem, actor=user, verifier=verifier, expected_version=payload.expected_version)
    return _refreshed(request, problem)


@router.post(
    "/{problem_id}/decide-closure",
    response={200: ProblemOut, **ERRORS},
    summary="验收销号（仅限指定的验收人；可记录现场核查日期和地点）",
)
def decide_closure(request: HttpRequest, problem_id: int, payload: DecisionIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    closure.do_decide_closure(
        problem,
        actor=user,
        accept=payload.accept,
        reason=payload.reason,
        on_site=payload.on_site,
        site_visited_on=payload.site_visited_on,
        site_place=payload.site_place,
        expected_version=payload.expected_version,
    )
    return _refreshed(request, problem)


@router.post("/{problem_id}/reopen", response={200: ProblemOut, **ERRORS}, summary="重办")
def reopen_problem(request: HttpRequest, problem_id: int, payload: ReasonIn) -> Problem:
    user = api_user(request)
    problem = access_problem_by_id(user, problem_id)
    actions.do_reopen_problem(problem, actor=user, reason=payload.reason, expected_version=payload.expected_version)
    return _refreshed(request, problem)


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="下载佐证材料",
    description="返回文件本身（图片以 inline 方式，其他以附件方式）；只能下载自己可查看的问题的材料，令牌或会话认证。",
)
def download_attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    user = api_user(request)
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(gettext("材料不存在或无权查看"))
    access_problem_by_id(user, attachment.problem_id)  # the same 404 for one that exists but is not theirs
    response = attachment_file(attachment)
    response["Cache-Control"] = "private, no-store"
    return response
