"""GET /api/v1/public/disclosures: published batches and their problems, for anyone (no login), paged."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.api_common import PageParams, page_of
from taizhang.disclosure.feeds import public_fields
from taizhang.disclosure.models import Batch, BatchItem

router = Router(tags=["公示"], auth=None)


class PublishedProblemOut(Schema):
    number: str = Field(description="问题编号")
    title: str = Field(description="问题摘要（已隐去个人信息）")
    unit: str = Field(description="责任单位")
    category: str = Field(description="问题类别")
    measures: str = Field(description="整改措施")
    deadline: dt.date | None = Field(description="整改时限（北京时间日期）")
    status: str = Field(description="整改状态")
    closed: bool = Field(description="是否已整改销号")
    result: str = Field(description="整改结果")
    rated: int = Field(description="发布时回访评价的人数")
    satisfaction_rate: float | None = Field(description="发布时的满意率（满意与基本满意所占比例，0–1）；无人评价时为空")


class PublishedBatchOut(Schema):
    id: int
    title: str = Field(description="公示标题")
    kind: str = Field(description="公示类型：拟整改问题 / 已整改问题")
    starts_on: dt.date | None = Field(description="公示期开始")
    ends_on: dt.date | None = Field(description="公示期结束")
    published_at: dt.datetime | None = Field(description="发布时间")
    objections_open: bool = Field(description="当前是否可提出异议")
    problems: list[PublishedProblemOut]


class PublishedPage(Schema):
    count: int
    items: list[PublishedBatchOut]


@router.get("", response=PublishedPage, summary="已发布的公示及其问题")
def list_published(request: HttpRequest, params: Query[PageParams]) -> dict[str, object]:
    items = Prefetch("items", queryset=BatchItem.objects.order_by("position", "id"))
    qs = Batch.objects.published().order_by("-starts_on", "-id").prefetch_related(items)
    count, batches = page_of(qs, params)
    return {
        "count": count,
        "items": [
            {
                "id": b.pk,
                "title": b.title,
                "kind": b.get_kind_display(),
                "starts_on": b.starts_on,
                "ends_on": b.ends_on,
                "published_at": b.published_at,
                "objections_open": b.is_open_for_objections(),
                "problems": [public_fields(i) for i in b.items.all()],
            }
            for b in batches
        ],
    }
