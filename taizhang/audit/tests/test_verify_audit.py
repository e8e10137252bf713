from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from taizhang.audit.models import AuditEvent
from taizhang.problems.models import Status


def test_it_passes_an_untouched_trail(make_problem: Any, capsys: Any) -> None:
    make_problem(Status.CLOSED)
    call_command("verify_audit")
    assert f"共 {AuditEvent.objects.count()} 条" in capsys.readouterr().out


def test_it_catches_an_edited_event(make_problem: Any) -> None:
    make_problem(Status.CLOSED)
    victim = AuditEvent.objects.order_by("id")[2]
    AuditEvent.objects.filter(pk=victim.pk).update(summary="改过的说明")
    with pytest.raises(CommandError, match=f"第 {victim.pk} 条"):
        call_command("verify_audit")


def test_it_catches_a_deleted_event(make_problem: Any) -> None:
    make_problem(Status.CLOSED)
    victim = AuditEvent.objects.order_by("id")[1]
    following = AuditEvent.objects.filter(id__gt=victim.pk).order_by("id").first()
    assert following is not None
    AuditEvent.objects.filter(pk=victim.pk).delete()
    with pytest.raises(CommandError, match=f"第 {following.pk} 条"):
        call_command("verify_audit")
