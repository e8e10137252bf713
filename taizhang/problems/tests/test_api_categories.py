"""GET /api/v1/categories: the 问题类别 taxonomy, for picking category ids."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client

from taizhang.problems.models import Category


def test_it_lists_categories_in_order_with_their_group(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.officer)
    body = client.get("/api/v1/categories?page_size=200").json()
    assert body["count"] == Category.objects.count() > 0
    assert [c["id"] for c in body["items"]] == list(
        Category.objects.order_by("sort_order", "id").values_list("id", flat=True)
    )
    tutoring = next(c for c in body["items"] if c["code"] == "paid_tutoring")
    assert tutoring == {
        "id": cast.category.pk,
        "code": "paid_tutoring",
        "name": cast.category.name,
        "group": cast.category.group,
        "group_name": cast.category.get_group_display(),
        "active": True,
    }


def test_it_filters_by_group_and_active(client: Client, cast: SimpleNamespace) -> None:
    Category.objects.filter(pk=cast.category.pk).update(is_active=False)
    client.force_login(cast.inspector)
    inactive = client.get("/api/v1/categories?active=false").json()
    assert [c["code"] for c in inactive["items"]] == ["paid_tutoring"]
    active = client.get("/api/v1/categories?active=true&page_size=200").json()
    assert active["count"] == Category.objects.count() - 1
    four_winds = client.get("/api/v1/categories?group=four_winds&page_size=200").json()
    assert four_winds["count"] == Category.objects.filter(group="four_winds").count() > 0
    assert {c["group_name"] for c in four_winds["items"]} == {"四风"}


def test_it_refuses_an_unknown_group_in_chinese(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    response = client.get("/api/v1/categories?group=nonsense")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求数据有误：group：取值无效")


def test_it_needs_a_login(client: Client, cast: SimpleNamespace) -> None:
    assert client.get("/api/v1/categories").status_code == 401
