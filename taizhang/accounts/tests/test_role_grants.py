"""三权分立 in the admin: role changes audited, none on oneself, 纪检组 only with a second administrator."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from taizhang.accounts.models import Role, RoleGrant, User
from taizhang.audit.models import AuditEvent, Verb
from taizhang.supervision.models import Accountability, SupervisionAction


def admin_client(username: str) -> tuple[Client, User]:
    root = User.objects.create_superuser(username, password="pass-1234", full_name=username, role=Role.ADMIN)
    client = Client()
    client.force_login(root)
    return client, root


def change_form(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "unit": user.unit_id or "",
        "phone": user.phone,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_an_administrator_cannot_give_itself_the_discipline_role(cast: SimpleNamespace) -> None:
    client, root = admin_client("root-a")
    response = client.post(f"/admin/accounts/user/{root.pk}/change/", change_form(root, role=Role.DISCIPLINE))
    assert response.status_code == 302
    assert User.objects.get(pk=root.pk).role == Role.ADMIN
    assert not RoleGrant.objects.filter(user=root, confirmed_at__isnull=False).exists()


def test_the_discipline_role_needs_a_second_administrator(cast: SimpleNamespace) -> None:
    first, first_admin = admin_client("root-a")
    second, second_admin = admin_client("root-b")
    target = cast.officer
    response = first.post(f"/admin/accounts/user/{target.pk}/change/", change_form(target, role=Role.DISCIPLINE))
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).role == Role.UNIT_OFFICER  # not yet
    grant = RoleGrant.objects.get(user=target)
    assert AuditEvent.objects.filter(verb=Verb.ROLE_GRANT_REQUESTED, actor=first_admin).exists()
    # The requester cannot confirm their own request.
    first.post("/admin/accounts/rolegrant/", {"action": "confirm", "_selected_action": [grant.pk]})
    assert User.objects.get(pk=target.pk).role == Role.UNIT_OFFICER
    second.post("/admin/accounts/rolegrant/", {"action": "confirm", "_selected_action": [grant.pk]})
    assert User.objects.get(pk=target.pk).role == Role.DISCIPLINE
    changed = AuditEvent.objects.get(verb=Verb.ROLE_CHANGED, summary=target.username)
    assert changed.actor == second_admin and changed.data["role"] == [Role.UNIT_OFFICER, Role.DISCIPLINE]


def test_every_role_change_is_audited(cast: SimpleNamespace) -> None:
    client, root = admin_client("root-a")
    target = cast.officer
    client.post(f"/admin/accounts/user/{target.pk}/change/", change_form(target, role=Role.LEADER))
    assert User.objects.get(pk=target.pk).role == Role.LEADER
    event = AuditEvent.objects.get(verb=Verb.ROLE_CHANGED, summary=target.username)
    assert event.actor == root and event.data["role"] == [Role.UNIT_OFFICER, Role.LEADER]


def test_the_admin_cannot_delete_accountability_or_supervision_records(cast: SimpleNamespace) -> None:
    client, _root = admin_client("root-a")
    for model in (Accountability, SupervisionAction):
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        page = client.get(url).content.decode()
        assert 'value="delete_selected"' not in page, url
