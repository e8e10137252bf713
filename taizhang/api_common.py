"""Pieces the API routers share: the caller, error and page schemas, and the request-body parser."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, pgettext
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.parser import Parser

from taizhang.errors import ActionError

if TYPE_CHECKING:
    from taizhang.accounts.models import User

M = TypeVar("M", bound=Model)

MAX_PAGE_SIZE = 200
# Far past any ledger's last page, and small enough that the row offset fits every database's LIMIT/OFFSET.
MAX_PAGE = 1_000_000_000


def api_user(request: HttpRequest) -> User:
    """The authenticated caller (both auth classes return the User)."""
    return cast("User", request.auth)  # type: ignore[attr-defined]


class ErrorOut(Schema):
    detail: str = Field(description="错误说明")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="按字段列出的错误")


ERRORS: dict[int, type[Schema]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多 {MAX_PAGE_SIZE}")


def page_of(qs: QuerySet[M], params: PageParams) -> tuple[int, list[M]]:
    """The total count and one page of rows; a page past the end is empty, not an error."""
    start = (params.page - 1) * params.page_size
    return qs.count(), list(qs[start : start + params.page_size])


class UnitRef(Schema):
    id: int
    name: str = Field(description="单位名称")


class SourceRecordOut(Schema):
    """What an imported file said beyond the product's own fields; empty for records typed in."""

    file: str = Field("", description="导入的文件名")
    sheet: str = Field("", description="工作表")
    row: int | None = Field(None, description="在文件中的行号（Excel 行号或 CSV 记录首行）")
    fields: list[list[str]] = Field([], description="文件中的各列：[[列名, 值], …]，按文件中的顺序")
    flags: list[str] = Field([], description="导入时提示留意的问题")


def by_ids(qs: QuerySet[M], ids: Sequence[int], *, field: str, what: str) -> list[M]:
    """Rows for the ids given, in that order; an unknown id is the caller's mistake, named on its field.
    `what` names the rows in the interface language, e.g. gettext("牵头单位")."""
    found = qs.in_bulk(list(ids))
    if missing := [i for i in ids if i not in found]:
        ids_text = pgettext("list separator", "、").join(str(i) for i in missing)
        message = gettext("%(what)s不存在或已停用：%(ids)s。") % {"what": what, "ids": ids_text}
        raise ActionError(message, field_errors={field: [message]})
    return [found[i] for i in ids]


class JsonOrFormParser(Parser):
    """Form fields may also come as a JSON object, so one endpoint serves JSON clients and file uploads."""

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest) -> Any:
        if data is request.POST and request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise HttpError(400, gettext("请求体不是有效的 JSON。")) from None
            if not isinstance(body, dict):
                raise HttpError(400, gettext("请求体须为 JSON 对象。"))
            return body
        return super().parse_querydict(data, list_fields, request)
