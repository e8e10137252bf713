"""Every answer under /api/v1/ is Chinese JSON: unknown paths, wrong methods, integers no database can hold."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from taizhang.problems.models import Problem

BIG = 2**63  # one past bigint: SQLite raises OverflowError, PostgreSQL "bigint out of range"


@pytest.fixture
def coordinator_client(client: Client, cast: SimpleNamespace) -> Client:
    client.force_login(cast.coordinator)
    return client


def test_it_answers_an_unknown_path_in_chinese_json(coordinator_client: Client) -> None:
    response = coordinator_client.get("/api/v1/xyz")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "接口不存在：/api/v1/xyz", "errors": {}}


def test_it_answers_an_unknown_nested_path_and_a_post_there_without_login(client: Client, db: Any) -> None:
    assert (
        client.get("/api/v1/problems/1/nothing-here").json()["detail"] == "接口不存在：/api/v1/problems/1/nothing-here"
    )
    response = client.post("/api/v1/no/such/thing", data={}, content_type="application/json")
    assert response.status_code == 404  # not a CSRF 403 nor an HTML page
    assert response.json()["detail"] == "接口不存在：/api/v1/no/such/thing"


def test_it_answers_a_wrong_method_in_chinese_with_allow(coordinator_client: Client) -> None:
    response = coordinator_client.delete("/api/v1/problems")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "该接口不支持 DELETE 方法，可用：GET。", "errors": {}}


def test_it_answers_a_get_on_a_post_only_path_in_chinese(coordinator_client: Client) -> None:
    response = coordinator_client.get("/api/v1/problems/1/assign")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["detail"] == "该接口不支持 GET 方法，可用：POST。"


def test_it_answers_in_english_when_the_caller_chose_english(coordinator_client: Client) -> None:
    coordinator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert coordinator_client.get("/api/v1/xyz").json()["detail"] == "No such API endpoint: /api/v1/xyz"
    response = coordinator_client.put("/api/v1/units")
    assert response.json()["detail"] == "This endpoint does not support the PUT method; allowed: GET."
    response = coordinator_client.get(f"/api/v1/problems/{BIG}")
    assert response.json()["errors"] == {"problem_id": ["Number out of range."]}


def test_known_paths_still_work_and_refuse_strangers_in_chinese(client: Client, cast: SimpleNamespace) -> None:
    assert client.get("/api/v1/problems").status_code == 401
    client.force_login(cast.coordinator)
    assert client.get("/api/v1/problems").json()["count"] == 0
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/problems/{BIG}",
        f"/api/v1/opinions/{BIG}",
        f"/api/v1/supervision/problems/{BIG}/light",
        f"/api/v1/notifications/{BIG}/read",
        f"/api/v1/imports/{BIG}",
        f"/api/v1/problems/-{BIG + 1}",
    ],
)
def test_it_refuses_a_path_id_beyond_bigint_with_422(coordinator_client: Client, path: str) -> None:
    method = coordinator_client.post if path.endswith("/read") else coordinator_client.get
    response = method(path)
    assert response.status_code == 422, response.content
    body = response.json()
    (field,) = body["errors"]
    assert body["errors"][field] == ["数值超出范围。"]
    assert body["detail"] == f"请求数据有误：{field}：数值超出范围"


def test_the_largest_bigint_id_is_simply_not_found(coordinator_client: Client) -> None:
    response = coordinator_client.get(f"/api/v1/problems/{BIG - 1}")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (f"?page={BIG}", "page", "不能大于 1000000000。"),
        (f"?page={BIG - 1}", "page", "不能大于 1000000000。"),
        ("?page_size=-5", "page_size", "不能小于 1。"),
        ("?page=0", "page", "不能小于 1。"),
        ("?page_size=201", "page_size", "不能大于 200。"),
    ],
)
def test_it_refuses_page_numbers_out_of_range_with_422(
    coordinator_client: Client, query: str, field: str, message: str
) -> None:
    for path in ("/api/v1/problems", "/api/v1/opinions", "/api/v1/notifications", "/api/v1/units"):
        response = coordinator_client.get(path + query)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["errors"] == {field: [message]}


def test_the_last_allowed_page_is_empty_not_an_error(coordinator_client: Client, make_problem: Any) -> None:
    make_problem()
    body = coordinator_client.get("/api/v1/problems?page=1000000000&page_size=200").json()
    assert (body["count"], body["items"]) == (1, [])


def test_it_refuses_a_query_id_beyond_bigint_with_422(coordinator_client: Client) -> None:
    response = coordinator_client.get(f"/api/v1/users?unit_id={BIG}")
    assert response.status_code == 422
    assert response.json()["errors"] == {"unit_id": ["数值超出范围。"]}


def test_it_refuses_a_body_id_beyond_bigint_with_422_and_writes_nothing(
    coordinator_client: Client, make_problem: Any
) -> None:
    problem = make_problem()
    response = coordinator_client.post(
        f"/api/v1/problems/{problem.pk}/assign",
        data={
            "expected_version": problem.version,
            "lead_unit": BIG,
            "co_units": [1, BIG],
            "responsible_person": "校长",
            "measures": "整改。",
            "kind": "time_limited",
            "deadline": "2026-12-01",
            "milestones": [{"title": "方案", "due_on": "2026-11-20"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"lead_unit": ["数值超出范围。"], "co_units.1": ["数值超出范围。"]}
    assert Problem.objects.get(pk=problem.pk).status == problem.status


def test_the_api_description_names_the_bureaus_time_zone(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "Asia/Shanghai" in schema["info"]["description"]
