"""/api/v1/public/: submit and follow without an account — the same action, limits and words as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from taizhang.accounts.models import Unit
from taizhang.api_common import ERRORS, ErrorOut
from taizhang.errors import ActionError
from taizhang.imports.units import UnitResolver
from taizhang.problems.forms import as_uploads
from taizhang.public.access import access_opinion_by_code, access_page_by_code
from taizhang.public.actions import (
    MAX_PHOTOS,
    MAX_PLACE_CHARS,
    PublicSubmission,
    do_submit_public_opinion,
    public_units,
)
from taizhang.public.limits import Counter, client_ip
from taizhang.public.timeline import PublicTimeline

PUBLIC_ERRORS: dict[int, type[Schema]] = {**ERRORS, 429: ErrorOut}


class PublicOpinionIn(Schema):
    text: str = Field(description="反映的问题（必填，最多 2000 字）")
    unit: str = Field(
        "", description="涉及的学校或单位：单位 id，或名称（全称、简称、别名均可）；名录中没有的请填 place"
    )
    place: str = Field("", max_length=MAX_PLACE_CHARS, description="名录中没有的学校或地点")
    category_hint: str = Field("", description="问题类别（代码或名称，仅供参考）")
    whistleblowing: bool = Field(False, description="举报（反映干部、教师违纪违规问题，由纪检组办理）")
    anonymous: bool = Field(False, description="匿名：为 true 时不保存姓名、电话、邮箱，也不记录网络地址")
    reporter_name: str = Field("", max_length=50, description="姓名（实名时必填）")
    reporter_phone: str = Field("", max_length=30, description="联系电话（实名时必填）")
    reporter_email: str = Field(
        "", max_length=254, description="电子邮箱（实名时选填）：查询码将发送到该邮箱；匿名时不保存、不发送"
    )


class ReceiptOut(Schema):
    receipt_code: str = Field(description="查询码：只返回这一次，请提示反映人保存")


class StepOut(Schema):
    at: dt.datetime
    title: str
    detail: str


class ProgressOut(Schema):
    at: dt.datetime
    percent: int
    note: str = Field(description="责任单位标为公开的进展说明（已遮盖个人信息）；未公开时为空")


class PublicProblemOut(Schema):
    number: str = Field(description="问题编号")
    status: str = Field(description="状态（文字）")
    office: str = Field(description="办理单位（牵头单位，不含个人）")
    co_offices: list[str] = Field(description="配合单位")
    deadline: dt.date | None = Field(description="整改时限（北京时间日期）")
    progress_percent: int
    progress: list[ProgressOut] = Field(description="整改进展：时间和完成比例（进展报告正文不公开）")
    closed_at: dt.datetime | None
    result: str = Field(description="办理结果（文字）；未办结时为空")


class TrackOut(Schema):
    receipt_code: str
    received_at: dt.datetime
    status: str = Field(description="办理状态（文字）")
    office: str | None = Field(description="办理单位；尚未交办时为空")
    deadline: dt.date | None = Field(description="整改时限；尚未交办时为空")
    progress: list[ProgressOut] = Field(description="公开的整改进展")
    result: str = Field(description="办理结果（文字），含答复；未办结时为空")
    problems: list[PublicProblemOut] = Field(description="对应的问题（一条反映可能拆分为多个问题）")
    steps: list[StepOut] = Field(description="办理经过")
    rating_open: bool = Field(description="是否可以评价（回访）")


def _unit(ref: str) -> Unit | None:
    """A unit id, or a name matched like an imported file's (全称、简称、别名); unknown is the caller's mistake."""
    ref = ref.strip()
    if not ref:
        return None
    units = {u.pk: u for u in public_units()}
    found = units.get(int(ref)) if ref.isdigit() else UnitResolver.load().find(ref)
    if found is None or found.pk not in units:
        message = gettext("单位“%(unit)s”不在名录中；名录中没有的学校或地点请填在 place。") % {"unit": ref}
        raise ActionError(message, field_errors={"unit": [message]})
    return units[found.pk]


def _track_out(timeline: PublicTimeline) -> dict[str, Any]:
    first = next((p for p in timeline.problems if p.office), None)
    problems = [
        {
            **vars(p),
            "status": p.status_words,
            "progress": [{"at": a, "percent": n, "note": t} for a, n, t in p.progress],
        }
        for p in timeline.problems
    ]
    return {
        "receipt_code": timeline.receipt_code,
        "received_at": timeline.received_at,
        "status": timeline.status_words,
        "office": first.office if first else None,
        "deadline": first.deadline if first else None,
        "progress": [s for p in problems for s in p["progress"]],
        "result": timeline.result,
        "problems": problems,
        "steps": [vars(s) for s in timeline.steps],
        "rating_open": timeline.rating_open,
    }


SATISFACTION_WORDS = {"满意": "satisfied", "基本满意": "basic", "不满意": "dissatisfied"}


class RatingIn(Schema):
    satisfaction: str = Field(description="满意 / 基本满意 / 不满意")
    fixed: bool = Field(description="问题是否已解决")
    comment: str = Field("", description="意见；不满意时必填（不超过 1000 字）")


class RatingOut(Schema):
    rated_problems: list[str] = Field(description="本次评价的问题编号")
    satisfaction: str


def public_router() -> Router:
    """A new router each time: the internal API and the public face's own API each mount one."""
    router = Router(tags=["群众端（无需登录）"])

    @router.post(
        "/opinions",
        auth=None,
        response={201: ReceiptOut, **PUBLIC_ERRORS},
        summary="群众提交反映（无需登录；可匿名；可附照片）",
        description=f"multipart/form-data（照片字段 photos，最多 {MAX_PHOTOS} 张）或 JSON（无照片）。"
        "同一网络地址每小时提交次数有限，超过时返回 429。",
    )
    def submit_opinion(
        request: HttpRequest, payload: Form[PublicOpinionIn], photos: File[list[UploadedFile] | None] = None
    ) -> Status[dict[str, str]]:
        Counter("submit_ip", client_ip(request)).hit()
        submission = PublicSubmission(**{**payload.dict(), "unit": _unit(payload.unit), "door": "api"})
        opinion = do_submit_public_opinion(submission, as_uploads(list(photos or [])))
        return Status(201, {"receipt_code": opinion.receipt_code})

    @router.get(
        "/track/{code}",
        auth=None,
        response={200: TrackOut, **PUBLIC_ERRORS},
        summary="凭查询码查询办理进度（无需登录）",
        description="查询码不存在和格式不对时返回相同的 404；查询过于频繁时返回 429。",
    )
    def track_opinion(request: HttpRequest, code: str) -> dict[str, Any]:
        page = access_page_by_code(request, code)
        if page is None:
            raise Http404(gettext("没有查到与此查询码对应的反映，请核对后重新输入。"))
        return _track_out(page.timeline)

    @router.post(
        "/track/{code}/rating",
        auth=None,
        response={200: RatingOut, **PUBLIC_ERRORS},
        summary="凭查询码评价办理结果（回访，无需登录）",
        description="问题验收通过、处于“待回访”时可评价一次：satisfaction 为 满意 / 基本满意 / 不满意"
        "（也接受 satisfied / basic / dissatisfied），不满意须写 comment；fixed 为是否已解决。"
        "不在回访阶段或已评价过时返回 409。",
    )
    def rate(request: HttpRequest, code: str, payload: RatingIn) -> dict[str, Any]:
        from taizhang.followup.actions import do_rate

        opinion = access_opinion_by_code(request, code)
        if opinion is None:
            raise Http404(gettext("没有查到与此查询码对应的反映，请核对后重新输入。"))
        satisfaction = SATISFACTION_WORDS.get(payload.satisfaction.strip(), payload.satisfaction.strip())
        ratings = do_rate(opinion, fixed=payload.fixed, satisfaction=satisfaction, comment=payload.comment)
        return {"rated_problems": [r.problem.number for r in ratings], "satisfaction": satisfaction}

    return router
