from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from taizhang.accounts.actions import hash_token_key
from taizhang.accounts.models import ApiToken
from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb


def test_it_prints_a_working_key_once_and_keeps_only_its_hash(client: Client, cast: SimpleNamespace) -> None:
    out = io.StringIO()
    call_command("create_api_token", "coord", "12345热线对接", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.key_hash) == (cast.coordinator, "12345热线对接", hash_token_key(key))
    event = AuditEvent.objects.get(verb=Verb.TOKEN_CREATED)
    assert event.actor is None and token.prefix in event.summary and key not in event.summary
    assert verify_chain()[1] is None
    # The key works — within its default scope (intake): it reads back an opinion, it does not list them.
    assert client.get("/api/v1/opinions/0", headers={"Authorization": f"Bearer {key}"}).status_code == 404
    assert client.get("/api/v1/opinions", headers={"Authorization": f"Bearer {key}"}).status_code == 403


def test_it_refuses_an_unknown_user(cast: SimpleNamespace) -> None:
    with pytest.raises(CommandError, match="不存在"):
        call_command("create_api_token", "nobody", "对接", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.TOKEN_CREATED).exists()


def test_it_refuses_a_blank_name(cast: SimpleNamespace) -> None:
    with pytest.raises(CommandError, match="令牌用途"):
        call_command("create_api_token", "coord", "  ", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()
