"""/api/v1/units and /api/v1/users: the registries an API client picks ids from (交办单位, 核验人, 问责对象)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.accounts.models import Role, Unit, UnitKind, User
from taizhang.api_common import ERRORS, PageParams, UnitRef, api_user, page_of

units_router = Router(tags=["单位与人员"])
users_router = Router(tags=["单位与人员"])


class UnitOut(Schema):
    id: int
    name: str = Field(description="单位全称")
    short_name: str = Field(description="简称；没有时为空")
    kind: str = Field(description="类型代码：bureau 局机关 / office 股室 / school 学校 / kindergarten 幼儿园 / …")
    kind_name: str = Field(description="类型（中文）")
    parent_id: int | None = Field(description="上级单位 id；局机关为空")

    @staticmethod
    def resolve_kind_name(obj: Unit) -> str:
        return obj.get_kind_display()


class UnitPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[UnitOut]


class UnitQuery(Schema):
    kind: UnitKind | None = Field(None, description="只列出这一类单位")


class UserOut(Schema):
    id: int
    name: str = Field(description="姓名（未填姓名时为用户名）")
    role: str = Field(description="角色代码，如 unit_officer、inspector")
    role_name: str = Field(description="角色（中文）")
    unit: UnitRef | None = Field(description="所在单位")

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.display_name

    @staticmethod
    def resolve_role_name(obj: User) -> str:
        return obj.get_role_display()


class UserPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[UserOut]


class UserQuery(Schema):
    unit_id: int | None = Field(None, description="只列出这个单位的人员")
    role: Role | None = Field(None, description="只列出这一角色的人员")


def staff_visible_to(user: User) -> QuerySet[User]:
    """Active staff a user may pick from: everyone for the bureau-wide roles, one's own unit for unit roles."""
    qs = User.objects.filter(is_active=True).select_related("unit").order_by("id")
    if user.is_bureau_wide():
        return qs
    return qs.filter(unit_id=user.unit_id) if user.unit_id is not None else qs.none()


@units_router.get("", response={200: UnitPage, **ERRORS}, summary="单位名录（启用的单位，按排序）")
def list_units(request: HttpRequest, filters: Query[UnitQuery], paging: Query[PageParams]) -> dict[str, Any]:
    qs = Unit.objects.filter(is_active=True).order_by("sort_order", "id")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}


@users_router.get(
    "",
    response={200: UserPage, **ERRORS},
    summary="人员名录（局机关角色看全部；责任单位只看本单位）",
    description="供选择人员 id（如核验人、问责对象）。不含手机号、邮箱等个人信息。",
)
def list_users(request: HttpRequest, filters: Query[UserQuery], paging: Query[PageParams]) -> dict[str, Any]:
    qs = staff_visible_to(api_user(request))
    if filters.unit_id is not None:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.role:
        qs = qs.filter(role=filters.role)
    count, items = page_of(qs, paging)
    return {"count": count, "page": paging.page, "page_size": paging.page_size, "items": items}
