"""The JSON API under /api/v1/: routers from each app, Chinese kept readable (ensure_ascii=False)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.params.models import ParamModel
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from taizhang.accounts.api import units_router, users_router
from taizhang.accounts.auth import API_AUTH
from taizhang.api_common import JsonOrFormParser
from taizhang.assessment.api import router as assessment_router
from taizhang.dashboard.api import router as dashboard_router
from taizhang.disclosure.api import router as disclosure_router
from taizhang.errors import ActionError
from taizhang.i18n import chinese_active
from taizhang.imports.api import router as imports_router
from taizhang.intake.api import router as intake_router
from taizhang.problems.api import router as problems_router
from taizhang.problems.categories_api import router as categories_router
from taizhang.public.api import public_router
from taizhang.supervision.api import router as supervision_router
from taizhang.supervision.inbox_api import router as inbox_router
from taizhang.triage.api import router as triage_router
from taizhang.web.api import router as todo_router


class ChineseJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


# The widest integer both SQLite and PostgreSQL store (bigint); larger ids or page numbers are the caller's
# mistake (422), not a crash in the driver (SQLite raises OverflowError, PostgreSQL "bigint out of range").
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _out_of_range(value: Any, loc: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], int]]:
    """Every integer in a validated parameter model that no database column could hold, with where it was."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [] if INT64_MIN <= value <= INT64_MAX else [(loc, value)]
    if isinstance(value, BaseModel):
        return [hit for name in type(value).model_fields for hit in _out_of_range(getattr(value, name), (*loc, name))]
    if isinstance(value, list | tuple | set | frozenset):
        return [hit for i, item in enumerate(value) for hit in _out_of_range(item, (*loc, i))]
    if isinstance(value, dict):
        return [hit for key, item in value.items() for hit in _out_of_range(item, (*loc, str(key)))]
    return []


def _bounded(model: type[ParamModel]) -> type[ParamModel]:
    """The same parameter model, refusing integers outside bigint as a validation error on their field."""

    def resolve(cls: type[ParamModel], request: HttpRequest, api: NinjaAPI, path_params: dict[str, Any]) -> Any:
        result = model.resolve(request, api, path_params)
        if hits := _out_of_range(result, ()):
            details = [
                InitErrorDetails(
                    type=PydanticCustomError("int_out_of_range", "integer out of range"), loc=loc, input=value
                )
                for loc, value in hits
            ]
            raise PydanticValidationError.from_exception_data(model.__name__, details)
        return result

    return type(model.__name__, (model,), {"resolve": classmethod(resolve), "__module__": model.__module__})


class TaizhangAPI(NinjaAPI):
    """NinjaAPI whose every answer under /api/v1/ is Chinese JSON: unknown paths (404), wrong methods (405, with
    Allow), and integers too large for the database (422) on path, query and body parameters alike."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        for bound_router in self._get_bound_routers():
            for path_view in bound_router.path_operations.values():
                for operation in path_view.operations:
                    if not getattr(operation, "_int64_bounded", False):
                        operation.models = [_bounded(m) for m in operation.models]
                        operation._int64_bounded = True  # type: ignore[attr-defined]
        patterns = [_with_chinese_405(p) if isinstance(p, URLPattern) else p for p in super()._get_urls()]
        return [*patterns, re_path(r"^(?P<rest>.*)$", csrf_exempt(self._unknown_path), name="unknown-path")]

    def _unknown_path(self, request: HttpRequest, rest: str) -> HttpResponse:
        return _error(request, 404, gettext("接口不存在：%(path)s") % {"path": request.path})


def _with_chinese_405(pattern: URLPattern) -> URLPattern:
    view = pattern.callback

    def chinese_405(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        detail = gettext("该接口不支持 %(method)s 方法，可用：%(allowed)s。") % {
            "method": request.method,
            "allowed": response["Allow"],
        }
        answer = _error(request, 405, detail)
        answer["Allow"] = response["Allow"]
        return answer

    chinese_405.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return URLPattern(pattern.pattern, chinese_405, pattern.default_args, pattern.name)


api = TaizhangAPI(
    title="台账 Taizhang API",
    version="1",
    description=(
        "问题整改台账与督查督办系统接口。会话（页面登录）或令牌（Authorization: Bearer …）认证。"
        "时区：所有日期（整改时限、应督办日期、印发日期等）都是北京时间（Asia/Shanghai）的日期；"
        "时间戳为带时区偏移的 ISO 8601 格式。"
    ),
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
api.add_router("/notifications", inbox_router)
api.add_router("/units", units_router)
api.add_router("/users", users_router)
api.add_router("/categories", categories_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/public", public_router())
api.add_router("/public/disclosures", disclosure_router)
api.add_router("/assessment", assessment_router)


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
    "int_out_of_range": _("数值超出范围。"),
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
