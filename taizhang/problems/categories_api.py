"""/api/v1/categories: the 问题类别 taxonomy an API client picks category ids from."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.api_common import ERRORS, PageParams, page_of
from taizhang.problems.models import Category, CategoryGroup

router = Router(tags=["问题类别"])


class CategoryOut(Schema):
    id: int
    code: str = Field(description="类别代码，如 paid_tutoring")
    name: str = Field(description="类别名称")
    group: str = Field(description="归类代码：four_winds 四风 / people_interests 群众切身利益 / last_mile / other")
    group_name: str = Field(description="归类（中文）")
    active: bool = Field(description="是否启用；停用的类别不能再用于新问题")

    @staticmethod
    def resolve_group_name(obj: Category) -> str:
        return obj.get_group_display()

    @staticmethod
    def resolve_active(obj: Category) -> bool:
        return obj.is_active


class CategoryPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CategoryOut]


class CategoryQuery(Schema):
    group: CategoryGroup | None = Field(None, description="只列出这一归类")
    active: bool | None = Field(None, description="true 只列启用的，false 只列停用的；不填则全部")


@router.get("", response={200: CategoryPage, **ERRORS}, summary="问题类别（按排序）")
def list_categories(request: HttpRequest, filters: Query[CategoryQuery], paging: Query[PageParams]) -> dict[str, Any]:
    qs = Category.objects.order_by("sort_order", "id")
    if filters.group:
        qs = qs.filter(group=filters.group)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}
