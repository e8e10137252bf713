"""API tokens carry a scope and an expiry: a 12345 hotline token registers opinions and does nothing else."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import ApiToken
from taizhang.errors import ActionError
from taizhang.intake.models import Opinion

HOTLINE = {
    "channel": "hotline_12345",
    "text": "城关一小门口车辆乱停。",
    "reporter_name": "李四",
    "reporter_phone": "13900001111",
}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_an_intake_token_registers_and_reads_back_an_opinion_and_nothing_else(
    client: Client, cast: SimpleNamespace
) -> None:
    _token, key = do_create_api_token(cast.coordinator, "12345热线对接", actor=None)  # intake is the default
    created = client.post("/api/v1/opinions", HOTLINE, content_type="application/json", headers=auth(key))
    assert created.status_code == 201
    opinion_id = created.json()["id"]
    assert client.get(f"/api/v1/opinions/{opinion_id}", headers=auth(key)).status_code == 200
    for method, path in (
        ("get", "/api/v1/opinions"),
        ("get", "/api/v1/problems"),
        ("post", f"/api/v1/opinions/{opinion_id}/dismiss"),
    ):
        response = getattr(client, method)(path, content_type="application/json", headers=auth(key))
        assert response.status_code == 403, path
        assert "权限范围" in response.json()["detail"]
    assert Opinion.objects.get(pk=opinion_id).status == "untriaged"


def test_a_read_token_reads_and_writes_nothing(client: Client, cast: SimpleNamespace) -> None:
    _token, key = do_create_api_token(cast.coordinator, "数据大屏", actor=None, scope="read")
    assert client.get("/api/v1/problems", headers=auth(key)).status_code == 200
    refused = client.post("/api/v1/opinions", HOTLINE, content_type="application/json", headers=auth(key))
    assert refused.status_code == 403 and not Opinion.objects.exists()


def test_an_expired_token_is_refused(client: Client, cast: SimpleNamespace) -> None:
    token, key = do_create_api_token(cast.coordinator, "过期令牌", actor=None, scope="full")
    assert client.get("/api/v1/problems", headers=auth(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert client.get("/api/v1/problems", headers=auth(key)).status_code == 401


def test_scope_and_lifetime_are_checked_when_issued(cast: SimpleNamespace, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ActionError, match="有效期"):
        do_create_api_token(cast.coordinator, "太长", actor=None, days=1000)
    with pytest.raises(ActionError, match="权限范围"):
        do_create_api_token(cast.coordinator, "乱写", actor=None, scope="root")
    call_command("create_api_token", cast.coordinator.username, "12345热线对接", "--days", "90")
    token = ApiToken.objects.get(name="12345热线对接")
    assert token.scope == "intake" and token.expires_at is not None
    assert "权限范围：登记意见" in capsys.readouterr().err
