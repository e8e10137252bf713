"""The JSON API under /api/v1/: routers from each app, Chinese kept readable (ensure_ascii=False)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from taizhang.accounts.auth import API_AUTH
from taizhang.api_common import JsonOrFormParser
from taizhang.errors import ActionError
from taizhang.i18n import chinese_active
from taizhang.imports.api import router as imports_router
from taizhang.intake.api import router as intake_router
from taizhang.problems.api import router as problems_router
from taizhang.supervision.api import router as supervision_router
from taizhang.triage.api import router as triage_router
from taizhang.web.api import router as todo_router


class ChineseJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="台账 Taizhang API",
    version="1",
    description="问题整改台账与督查督办系统接口。会话（页面登录）或令牌（Authorization: Bearer …）认证。",
    renderer=ChineseJSONRenderer(),
    parser=JsonOrFormParser(),
    auth=API_AUTH,
    # Served from ninja's bundled static files; no validator badge, which would call validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api",
)
api.add_router("/opinions", intake_router)
api.add_router("/problems", problems_router)
api.add_router("/triage", triage_router)
api.add_router("/supervision", supervision_router)
api.add_router("/imports", imports_router)
api.add_router("/todo", todo_router)


# ---- errors: every refusal answers {"detail": 中文说明, "errors": {字段: [说明]}} (English on request) ----------


def _error(request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message, exc.field_errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or gettext("未找到。"))


HTTP_ERROR_MESSAGES = {
    "CSRF check Failed": _("CSRF 校验失败，请刷新页面后重试。"),
    "Cannot parse request body": _("请求体无法解析，请提交 JSON。"),
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        response = _error(request, 401, gettext("未登录，或接口令牌无效、已吊销。"))
        response["WWW-Authenticate"] = "Bearer"
        return response
    return _error(request, exc.status_code, str(HTTP_ERROR_MESSAGES.get(str(exc), str(exc))))


# pydantic error type → 中文 (translated when the caller chose English); {placeholders} come from the error's ctx.
VALIDATION_MESSAGES = {
    "missing": _("此项必填。"),
    "int_parsing": _("须为整数。"),
    "int_type": _("须为整数。"),
    "int_from_float": _("须为整数。"),
    "bool_parsing": _("须为 true 或 false。"),
    "bool_type": _("须为 true 或 false。"),
    "string_type": _("须为文本。"),
    "string_too_long": _("过长，最多 {max_length} 字。"),
    "string_too_short": _("至少 {min_length} 字。"),
    "date_parsing": _("须为日期，格式 YYYY-MM-DD。"),
    "date_from_datetime_parsing": _("须为日期，格式 YYYY-MM-DD。"),
    "date_type": _("须为日期，格式 YYYY-MM-DD。"),
    "greater_than_equal": _("不能小于 {ge}。"),
    "less_than_equal": _("不能大于 {le}。"),
    "enum": _("取值无效，可选：{choices}。"),
    "list_type": _("须为列表。"),
    "model_attributes_type": _("须为对象。"),
    "dict_type": _("须为对象。"),
    "json_invalid": _("JSON 格式有误。"),
}
PARAM_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'payload', 'milestones', 0, 'title') → 'milestones.0.title'; ('query', 'page') → 'page'."""
    parts = list(loc)
    if parts and parts[0] in PARAM_SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def _message(error: dict[str, Any]) -> str:
    wording = VALIDATION_MESSAGES.get(error.get("type", ""))
    if wording is None:
        return str(error.get("msg", gettext("取值无效。")))
    template = str(wording)
    ctx = dict(error.get("ctx") or {})
    # pydantic words the choices as "'a', 'b' or 'c'".
    separator = pgettext("list separator", "、")
    ctx["choices"] = separator.join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(error.get("loc", ())), []).append(_message(error))
    if chinese_active():
        summary = "；".join(f"{field}：{' '.join(msgs).rstrip('。')}" for field, msgs in errors.items())
    else:
        summary = "; ".join(f"{field}: {' '.join(msgs).rstrip('.')}" for field, msgs in errors.items())
    return _error(request, 422, gettext("请求数据有误：%(summary)s") % {"summary": summary}, errors)
