from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from taizhang.accounts.models import UnitAlias
from taizhang.intake.models import Channel, Opinion
from taizhang.problems.models import Problem, Status
from taizhang.public.models import OpinionPhoto
from taizhang.public.tests.helpers import ANON_IP, camera_jpeg, not_an_image, nothing_written

OPINIONS = "/api/v1/public/opinions"


def post_json(client: Client, data: dict[str, Any], ip: str = "198.51.100.1") -> Any:
    return client.post(OPINIONS, data, content_type="application/json", REMOTE_ADDR=ip)


def test_it_receives_json_without_a_login_and_answers_the_code_only(client: Client, cast: SimpleNamespace) -> None:
    response = post_json(
        client,
        {
            "text": "校门口车辆乱停。",
            "unit": "青溪县实验小学",
            "reporter_name": "陈家长",
            "reporter_phone": "13900001111",
        },
    )
    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert response.json() == {"receipt_code": opinion.receipt_code}
    assert opinion.concerned_unit == cast.school and opinion.channel == Channel.ONLINE_FORM
    assert ["提交方式", "群众端接口"] in opinion.source_record["fields"]


def test_it_matches_a_unit_by_its_alias_or_id(client: Client, cast: SimpleNamespace) -> None:
    UnitAlias.objects.create(name="实小", unit=cast.school)
    assert post_json(client, {"text": "一", "unit": "实小", "anonymous": True}).status_code == 201
    assert post_json(client, {"text": "二", "unit": str(cast.basic.pk), "anonymous": True}).status_code == 201
    assert list(Opinion.objects.order_by("id").values_list("concerned_unit", flat=True)) == [
        cast.school.pk,
        cast.basic.pk,
    ]


def test_it_takes_an_anonymous_report_with_photos_as_multipart(client: Client, cast: SimpleNamespace) -> None:
    data = {"text": "某校长收受回扣。", "anonymous": "true", "whistleblowing": "true", "place": "城关镇"}
    response = client.post(OPINIONS, {**data, "photos": [camera_jpeg()]}, REMOTE_ADDR=ANON_IP)
    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert opinion.channel == Channel.REPORT and opinion.is_anonymous and OpinionPhoto.objects.count() == 1
    assert ANON_IP not in repr(list(Opinion.objects.values())) + repr(opinion.events.values())


@pytest.mark.parametrize(
    ("data", "field", "status"),
    [
        ({"text": ""}, "text", 400),
        ({"text": "长" * 2001, "anonymous": True}, "text", 400),
        ({"text": "x", "unit": "火星小学", "anonymous": True}, "unit", 400),
        ({"text": "x", "unit": "99999", "anonymous": True}, "unit", 400),
        ({"text": "x"}, "reporter_name", 400),
        ({"anonymous": True}, "text", 422),
        ({"text": "x", "anonymous": "maybe"}, "anonymous", 422),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_writes_nothing(
    client: Client, cast: SimpleNamespace, data: dict[str, Any], field: str, status: int
) -> None:
    response = post_json(client, data)
    assert response.status_code == status, response.content
    body = response.json()
    assert field in body["errors"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert nothing_written()


def test_it_refuses_a_file_that_is_not_a_photo(client: Client, cast: SimpleNamespace) -> None:
    response = client.post(OPINIONS, {"text": "x", "anonymous": "true", "photos": [not_an_image()]})
    assert response.status_code == 400 and "不是可识别的图片" in response.json()["errors"]["photos"][0]
    assert nothing_written()


def test_it_answers_429_when_one_address_submits_too_often(
    client: Client, cast: SimpleNamespace, settings: Any
) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"submit_ip": "1/h"}
    assert post_json(client, {"text": "一", "anonymous": True}).status_code == 201
    refused = post_json(client, {"text": "二", "anonymous": True})
    assert refused.status_code == 429 and "操作过于频繁" in refused.json()["detail"]
    assert Opinion.objects.count() == 1


def test_it_gives_the_public_timeline_of_a_code(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.CLOSED)
    code = Opinion.objects.get(links__problem=problem).receipt_code
    response = client.get(f"/api/v1/public/track/{code}")
    assert response.status_code == 200
    body = response.json()
    assert body["receipt_code"] == code and body["status"] == "已整改并验收销号"
    assert problem.deadline is not None
    assert body["office"] == "基础教育股" and body["deadline"] == problem.deadline.isoformat()
    assert body["result"] == "问题已整改完成，经验收销号。整改情况：已清退费用并通报。"
    assert body["rating_open"] is False
    assert [s["title"] for s in body["steps"]][:3] == ["收到您的反映", "立项", "交办"]
    assert body["problems"][0]["number"] == problem.number and body["problems"][0]["co_offices"] == ["安全稳定股"]
    text = response.content.decode()
    for person in ("钱股长", "赵联络", "王协调", "张三", "13812345678", "现场核查属实"):
        assert person not in text


@pytest.mark.parametrize("code", ["ZZZZZ-ZZZZZ", "abc", "ZZZZZZZZZZZZZZZZ"])
def test_it_answers_an_unknown_and_a_malformed_code_alike(client: Client, cast: SimpleNamespace, code: str) -> None:
    response = client.get(f"/api/v1/public/track/{code}")
    assert response.status_code == 404
    assert response.json() == {"detail": "没有查到与此查询码对应的反映，请核对后重新输入。", "errors": {}}


def test_it_limits_lookups_per_address(client: Client, cast: SimpleNamespace, settings: Any) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"track_ip": "2/10m"}
    for _ in range(2):
        assert client.get("/api/v1/public/track/ZZZZZ-ZZZZZ").status_code == 404
    assert client.get("/api/v1/public/track/ZZZZZ-ZZZZZ").status_code == 429
