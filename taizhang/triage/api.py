"""/api/v1/triage: the triage suggestion for one opinion, as the triage page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from taizhang.api_common import ERRORS, api_user
from taizhang.errors import NotAllowed
from taizhang.intake.access import access_opinion_by_id
from taizhang.problems.access import can_triage
from taizhang.triage.views import suggestion_context

router = Router(tags=["智能梳理"])


class SuggestedProblem(Schema):
    id: int
    number: str
    score: float
    closed: bool = Field(description="已销号：归并即可能为反弹")
    places: list[str] = Field(description="共同的单位（识别键）")


class SuggestionOut(Schema):
    model_version: str = Field(description="给出建议的模型版本")
    category: str | None = Field(description="建议类别代码")
    unit: str = Field(description="建议承办股室")
    confidence: float
    problems: list[SuggestedProblem] = Field(description="可能重复的已有问题，最可能的在前")
    explanation: dict[str, Any] = Field(description="识别出的单位、相近的已确认样例、输入处理说明、关键词")
    error: str = Field("", description="无法分析时的说明")


@router.get("/opinions/{opinion_id}/suggestion", response={200: SuggestionOut, **ERRORS}, summary="意见的梳理建议")
def opinion_suggestion(request: HttpRequest, opinion_id: int) -> dict[str, Any]:
    user = api_user(request)
    if not can_triage(user):
        raise NotAllowed(_("只有牵头部门可以查看梳理建议。"))
    opinion = access_opinion_by_id(user, opinion_id)
    context = suggestion_context(opinion)
    row = context.get("suggestion_row")
    if row is None:
        error = context.get("suggestion_error", _("该意见已梳理。"))
        return {
            "model_version": "",
            "category": None,
            "unit": "",
            "confidence": 0,
            "problems": [],
            "explanation": {},
            "error": error,
        }
    return {
        "model_version": row.model_version,
        "category": row.category.code if row.category else None,
        "unit": context["suggestion"].unit_name,
        "confidence": row.confidence,
        "problems": row.problems,
        "explanation": row.explanation,
    }
