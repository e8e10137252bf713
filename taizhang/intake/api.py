"""/api/v1/opinions: what the 12345 hotline platform or a web form posts, the triage inbox, and triage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from taizhang.accounts.models import TokenScope, Unit
from taizhang.api_common import ERRORS, PageParams, SourceRecordOut, UnitRef, api_user, by_ids, page_of
from taizhang.intake.access import access_opinion_by_id, opinions_visible_to, reporter_label
from taizhang.intake.actions import (
    DuplicateExternalRef,
    NewProblem,
    OpinionInput,
    do_create_problem_from_opinion,
    do_dismiss_opinion,
    do_link_opinion,
    do_receive_opinion,
    do_split_opinion,
)
from taizhang.intake.models import Channel, DismissReason, Opinion, OpinionStatus
from taizhang.problems.access import access_problem_by_id
from taizhang.problems.api import ProblemOut
from taizhang.problems.models import Category, Problem

router = Router(tags=["意见征集与梳理"])


class OpinionIn(Schema):
    channel: Channel = Field(
        description="渠道代码，如 hotline_12345（12345热线）、online_form（网上留言）、report（举报）"
    )
    text: str = Field(description="意见内容")
    reporter_name: str = Field("", max_length=50, description="反映人姓名")
    reporter_phone: str = Field("", max_length=30, description="反映人电话")
    reporter_id_number: str = Field("", max_length=30, description="反映人证件号码（可选；加密保存，按权限打码显示）")
    is_anonymous: bool = Field(False, description="匿名：为 true 时不保存姓名、电话和证件号码")
    concerned_unit: int | None = Field(None, description="涉及单位 id（可选）")
    external_ref: str = Field("", max_length=60, description="来源单号，如 12345 工单号；同一渠道同一单号只登记一次")
    received_at: dt.datetime | None = Field(
        None, description="来源系统收到的时间（如 12345 来电时间，带时区）；不填为服务器当前时间，不能晚于当前时间"
    )
    source_fields: list[tuple[str, str]] = Field(
        [],
        max_length=100,
        description="来源系统的其他字段，原样保留并显示：[[字段名, 值], …]，如诉求类型、承办单位、办结时间",
    )


class OpinionReceipt(Schema):
    id: int
    receipt_code: str = Field(
        description="查询码：反映人凭此查询办理结果。系统只保存其密文散列，由密钥重新算出；"
        "2026 年 12 月加密改造前登记的意见无法重算，返回空字符串（查询码已在首次回执中给出，仍可查询）"
    )
    received_at: dt.datetime = Field(description="收到时间（服务器时间）")


class OpinionOut(Schema):
    id: int
    receipt_code: str = Field(description="查询码")
    channel: str = Field(description="渠道代码")
    channel_label: str = Field(description="渠道（中文）")
    text: str = Field(description="意见内容")
    reporter: str = Field(description="反映人（按查看人权限打码；举报人仅纪检组经登记后可见）")
    is_anonymous: bool
    concerned_unit: UnitRef | None = Field(description="涉及单位")
    external_ref: str = Field(description="来源单号")
    received_at: dt.datetime = Field(description="收到时间：导入的工单为来源系统的时间（如来电时间）")
    source_record: SourceRecordOut = Field(description="导入来源：文件、行号和文件中的其他各列")
    status: str = Field(description="untriaged 待梳理 / linked 已立项 / dismissed 不予立项")
    status_label: str
    version: int = Field(description="版本号；梳理时作为 expected_version 传回")

    @staticmethod
    def resolve_channel_label(obj: Opinion) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_status_label(obj: Opinion) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_reporter(obj: Opinion, context: dict[str, Any]) -> str:
        return reporter_label(api_user(context["request"]), obj)


class OpinionPage(Schema):
    count: int = Field(description="符合条件的意见总数")
    page: int
    page_size: int
    items: list[OpinionOut]


class OpinionQuery(Schema):
    status: OpinionStatus | None = Field(None, description="状态，如 untriaged（待梳理）")
    channel: Channel | None = Field(None, description="渠道代码")


class OpinionVersionIn(Schema):
    expected_version: int = Field(description="打开意见时看到的版本号（乐观锁）")


class NewProblemIn(Schema):
    title: str = Field(description="问题摘要")
    description: str = Field(description="问题描述")
    category: int = Field(description="问题类别 id")


class CreateProblemIn(OpinionVersionIn, NewProblemIn):
    pass


class SplitIn(OpinionVersionIn):
    problems: list[NewProblemIn] = Field(description="拆分出的问题，至少一个")


class LinkIn(OpinionVersionIn):
    problem_id: int = Field(description="归并到的问题 id")


class DismissIn(OpinionVersionIn):
    reason: DismissReason = Field(description="not_accepted 不予立项 / untrue 反映不属实")
    answer: str = Field(description="给反映人的答复（反映人凭查询码可见）")


def _new_problems(items: list[NewProblemIn]) -> list[NewProblem]:
    categories = by_ids(
        Category.objects.filter(is_active=True), [i.category for i in items], field="category", what=gettext("问题类别")
    )
    return [NewProblem(i.title, i.description, c) for i, c in zip(items, categories, strict=True)]


@router.post(
    "",
    response={201: OpinionReceipt, 200: OpinionReceipt, **ERRORS},
    summary="登记一条意见（12345 热线、网上留言等对接）",
    description="带来源单号（external_ref）重复提交同一渠道的同一单号时，返回 200 和原查询码，不重复登记，"
    "便于对接平台超时重试。",
)
def receive_opinion(request: HttpRequest, payload: OpinionIn) -> Status[Opinion]:
    if payload.external_ref.strip():
        earlier = opinions_visible_to(api_user(request)).filter(
            channel=payload.channel.value, external_ref=payload.external_ref.strip()
        )
        if (existing := earlier.first()) is not None:
            return Status(200, existing)
    unit = None
    if payload.concerned_unit is not None:
        [unit] = by_ids(Unit.objects.all(), [payload.concerned_unit], field="concerned_unit", what=gettext("涉及单位"))
    data = OpinionInput(
        channel=payload.channel.value,
        text=payload.text,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_id_number=payload.reporter_id_number,
        is_anonymous=payload.is_anonymous,
        concerned_unit=unit,
        external_ref=payload.external_ref,
    )
    token = getattr(request, "api_token", None)
    via = f"{api_user(request).display_name}（接口：{token.name}）" if token else None
    source = {"fields": [[name[:60], value[:2000]] for name, value in payload.source_fields]}
    try:
        opinion = do_receive_opinion(
            data,
            actor=api_user(request),
            actor_name=via,
            received_at=_aware(payload.received_at),
            source_record=source if payload.source_fields else None,
        )
    except DuplicateExternalRef:  # the same ticket, retried concurrently: the first one's receipt, as for a retry
        first = Opinion.objects.get(channel=payload.channel.value, external_ref=payload.external_ref.strip())
        return Status(200, first)
    return Status(201, opinion)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is Beijing time, as the platforms that send it mean it."""
    return timezone.make_aware(moment) if moment is not None and timezone.is_naive(moment) else moment


@router.get("/{opinion_id}", response={200: OpinionOut, **ERRORS}, summary="意见详情（含导入来源的各列）")
def get_opinion(request: HttpRequest, opinion_id: int) -> Opinion:
    opinion = access_opinion_by_id(api_user(request), opinion_id)
    token = getattr(request, "api_token", None)
    if token is not None and token.scope == TokenScope.INTAKE and opinion.entered_by_id != token.user_id:
        raise Http404(gettext("意见不存在或无权查看"))  # an intake token reads back what its user registered, no more
    return opinion


@router.get("", response={200: OpinionPage, **ERRORS}, summary="意见列表（局机关角色）")
def list_opinions(request: HttpRequest, filters: Query[OpinionQuery], paging: Query[PageParams]) -> dict[str, Any]:
    qs = opinions_visible_to(api_user(request)).select_related("concerned_unit")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}


@router.post("/{opinion_id}/create-problem", response={201: ProblemOut, **ERRORS}, summary="梳理：立项为一个问题")
def create_problem(request: HttpRequest, opinion_id: int, payload: CreateProblemIn) -> Status[Problem]:
    user = api_user(request)
    opinion = access_opinion_by_id(user, opinion_id)
    [item] = _new_problems([payload])
    problem = do_create_problem_from_opinion(opinion, item, actor=user, expected_version=payload.expected_version)
    return Status(201, access_problem_by_id(user, problem.pk))


@router.post("/{opinion_id}/split", response={201: list[ProblemOut], **ERRORS}, summary="梳理：拆分为多个问题")
def split_opinion(request: HttpRequest, opinion_id: int, payload: SplitIn) -> Status[list[Problem]]:
    user = api_user(request)
    opinion = access_opinion_by_id(user, opinion_id)
    problems = do_split_opinion(
        opinion, _new_problems(payload.problems), actor=user, expected_version=payload.expected_version
    )
    return Status(201, [access_problem_by_id(user, p.pk) for p in problems])


@router.post("/{opinion_id}/link", response={200: ProblemOut, **ERRORS}, summary="梳理：作为重复件归并到已有问题")
def link_opinion(request: HttpRequest, opinion_id: int, payload: LinkIn) -> Problem:
    user = api_user(request)
    opinion = access_opinion_by_id(user, opinion_id)
    problem = access_problem_by_id(user, payload.problem_id)
    do_link_opinion(opinion, problem, actor=user, expected_version=payload.expected_version)
    return access_problem_by_id(user, problem.pk)


@router.post("/{opinion_id}/dismiss", response={200: OpinionOut, **ERRORS}, summary="梳理：不予立项并答复")
def dismiss_opinion(request: HttpRequest, opinion_id: int, payload: DismissIn) -> Opinion:
    user = api_user(request)
    opinion = access_opinion_by_id(user, opinion_id)
    do_dismiss_opinion(
        opinion,
        actor=user,
        reason=payload.reason.value,
        answer=payload.answer,
        expected_version=payload.expected_version,
    )
    return access_opinion_by_id(user, opinion.pk)
