"""GET /api/v1/units and /api/v1/users: the registries an API client picks ids from, scoped by role."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import Unit, UnitKind, User


def bearer(user: User) -> dict[str, str]:
    _token, key = do_create_api_token(user, "测试对接", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}


def test_it_lists_active_units_with_their_parent(client: Client, cast: SimpleNamespace) -> None:
    Unit.objects.create(name="已撤并的学校", kind=UnitKind.SCHOOL, parent=cast.bureau, is_active=False)
    client.force_login(cast.officer)
    body = client.get("/api/v1/units").json()
    assert body["count"] == 5 and (body["page"], body["page_size"]) == (1, 50)
    assert body["items"][0] == {
        "id": cast.bureau.pk,
        "name": "青溪县教育局",
        "short_name": "县教育局",
        "kind": "bureau",
        "kind_name": "局机关",
        "parent_id": None,
    }
    school = next(u for u in body["items"] if u["id"] == cast.school.pk)
    assert school == {
        "id": cast.school.pk,
        "name": "青溪县实验小学",
        "short_name": "",
        "kind": "school",
        "kind_name": "学校",
        "parent_id": cast.bureau.pk,
    }


def test_it_filters_units_by_kind_and_refuses_an_unknown_kind(client: Client, cast: SimpleNamespace) -> None:
    headers = bearer(cast.inspector)
    offices = client.get("/api/v1/units?kind=office", headers=headers).json()
    assert [u["name"] for u in offices["items"]] == ["基础教育股", "安全稳定股"]
    response = client.get("/api/v1/units?kind=village", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"]["kind"] == [
        "取值无效，可选：bureau、office、school、kindergarten、inspection_group。"
    ]


def test_units_and_users_need_a_login(client: Client, cast: SimpleNamespace) -> None:
    for path in ("/api/v1/units", "/api/v1/users"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["detail"] == "未登录，或接口令牌无效、已吊销。"


def test_a_coordinator_sees_all_active_staff_without_personal_data(client: Client, cast: SimpleNamespace) -> None:
    cast.other_officer.phone, cast.other_officer.email = "13800000000", "sun@example.cn"
    cast.other_officer.save(update_fields=["phone", "email"])
    User.objects.create_user("gone", password="x", full_name="已离职", unit=cast.basic, is_active=False)
    body = client.get("/api/v1/users?page_size=200", headers=bearer(cast.coordinator)).json()
    assert body["count"] == 9  # the cast, not the inactive one
    assert "已离职" not in {u["name"] for u in body["items"]}
    sun = next(u for u in body["items"] if u["id"] == cast.other_officer.pk)
    assert sun == {
        "id": cast.other_officer.pk,
        "name": "孙联络",
        "role": "unit_officer",
        "role_name": "责任单位联络员",
        "unit": {"id": cast.safety.pk, "name": "安全稳定股"},
    }


def test_a_unit_officer_and_head_see_only_their_own_unit(client: Client, cast: SimpleNamespace) -> None:
    for user in (cast.officer, cast.unit_head):
        body = client.get("/api/v1/users", headers=bearer(user)).json()
        assert {u["name"] for u in body["items"]} == {"赵联络", "钱股长"}
        assert body["count"] == 2
    # Asking for another unit's people answers nothing, not them.
    other = client.get(f"/api/v1/users?unit_id={cast.safety.pk}", headers=bearer(cast.officer)).json()
    assert (other["count"], other["items"]) == (0, [])


def test_a_unit_role_without_a_unit_sees_nobody(client: Client, cast: SimpleNamespace) -> None:
    loose = User.objects.create_user("loose", password="x", full_name="无单位", role="unit_officer", unit=None)
    assert client.get("/api/v1/users", headers=bearer(loose)).json()["count"] == 0


def test_it_filters_users_by_unit_and_role(client: Client, cast: SimpleNamespace) -> None:
    headers = bearer(cast.coordinator)
    basic = client.get(f"/api/v1/users?unit_id={cast.basic.pk}", headers=headers).json()
    assert [u["name"] for u in basic["items"]] == ["赵联络", "钱股长"]
    inspectors = client.get("/api/v1/users?role=inspector", headers=headers).json()
    assert [u["id"] for u in inspectors["items"]] == [cast.inspector.pk]
    response = client.get("/api/v1/users?role=boss", headers=headers)
    assert response.status_code == 422 and "role" in response.json()["errors"]
