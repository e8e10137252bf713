"""三权分立 in the admin: role changes audited, none on oneself, 纪检组 only with a second security administrator;
the system administrator keeps users but not roles, the audit administrator changes nothing, and neither the
security nor the audit administrator reads a 举报."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from taizhang.accounts.models import Role, RoleGrant, User
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import now
from taizhang.supervision.models import Accountability, SupervisionAction


def admin_client(username: str, role: Role = Role.SECURITY_ADMIN) -> tuple[Client, User]:
    """The security and audit administrators are staff without Django permissions; the system administrator is
    the superuser the demo and createsuperuser make."""
    superuser = role == Role.ADMIN
    person = User.objects.create_user(
        username, password="pass-1234", full_name=username, role=role, is_staff=True, is_superuser=superuser
    )
    client = Client()
    client.force_login(person)
    return client, person


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
    assert User.objects.get(pk=root.pk).role == Role.SECURITY_ADMIN
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


def test_the_system_administrator_keeps_users_but_cannot_change_roles(cast: SimpleNamespace) -> None:
    client, _system = admin_client("root-sys", Role.ADMIN)
    target = cast.officer
    page = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()
    assert 'name="role"' not in page and 'name="is_superuser"' not in page and 'name="phone"' in page
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        change_form(target, role=Role.LEADER, is_superuser="on", phone="0576-1234567"),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.is_superuser, target.phone) == (Role.UNIT_OFFICER, False, "0576-1234567")
    grant = RoleGrant.objects.create(
        user=cast.leader, role=Role.DISCIPLINE, requested_by=cast.admin, requested_at=now()
    )
    client.post("/admin/accounts/rolegrant/", {"action": "confirm", "_selected_action": [grant.pk]})
    assert User.objects.get(pk=cast.leader.pk).role == Role.LEADER
    assert not AuditEvent.objects.filter(verb=Verb.ROLE_GRANT_CONFIRMED).exists()


def test_the_security_administrator_changes_roles_but_not_the_person(cast: SimpleNamespace) -> None:
    client, _security = admin_client("sec-a")
    target = cast.officer
    client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        change_form(target, role=Role.INSPECTOR, full_name="改名", phone="110", is_active=""),
    )
    target.refresh_from_db()
    assert (target.role, target.full_name, target.phone, target.is_active) == (Role.INSPECTOR, "赵联络", "", True)
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get(f"/admin/accounts/user/{target.pk}/password/").status_code == 403
    assert client.get("/admin/accounts/unit/").status_code == 403


def test_the_audit_administrator_reads_the_trail_and_changes_nothing(cast: SimpleNamespace) -> None:
    client, auditor = admin_client("audit-a", Role.AUDIT_ADMIN)
    target = cast.officer
    assert client.get("/admin/audit/auditevent/").status_code == 200
    verify = client.get("/admin/audit/auditevent/verify/")
    assert verify.status_code == 200 and 'id="audit-intact"' in verify.content.decode()
    events_before = AuditEvent.objects.exclude(verb=Verb.ACCESS_DENIED).count()
    writes = [
        (f"/admin/accounts/user/{target.pk}/change/", change_form(target, role=Role.LEADER, phone="1")),
        ("/admin/accounts/user/add/", {"username": "x", "password1": "Qing-Jiao#2026", "password2": "Qing-Jiao#2026"}),
        (f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}),
        ("/admin/accounts/unit/add/", {"name": "新单位", "kind": "office"}),
        ("/admin/audit/auditevent/1/delete/", {"post": "yes"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    target.refresh_from_db()
    assert (target.role, target.phone) == (Role.UNIT_OFFICER, "") and User.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.exclude(verb=Verb.ACCESS_DENIED).count() == events_before
    # the refused writes are themselves in the trail (taizhang.audit.denials; one per route and minute)
    assert AuditEvent.objects.filter(verb=Verb.ACCESS_DENIED, actor=auditor).exists()
    others, _ = admin_client("sys-b", Role.ADMIN)
    assert others.get("/admin/audit/auditevent/").status_code == 403
    assert auditor.role == Role.AUDIT_ADMIN


def test_neither_the_security_nor_the_audit_administrator_reads_a_whistleblowing_report(
    cast: SimpleNamespace, make_problem: Any
) -> None:
    from taizhang.intake.actions import OpinionInput, do_receive_opinion
    from taizhang.intake.models import Channel

    report = do_receive_opinion(
        OpinionInput(
            channel=Channel.REPORT,
            text="举报：某校长收受礼金两万元。",
            reporter_name="李四",
            reporter_phone="13900001111",
        ),
        actor=cast.coordinator,
    )
    problem = make_problem()
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        client, _ = admin_client(f"who-{role}", role)
        unmask = f"/opinions/{report.pk}/unmask/"
        for method, url in (("get", f"/opinions/{report.pk}/"), ("post", unmask), ("get", f"/problems/{problem.pk}/")):
            response = getattr(client, method)(url, {"reason": "核查需要"} if method == "post" else None)
            body = response.content.decode()
            assert response.status_code in (403, 404), (role, url, response.status_code)
            assert "收受礼金" not in body and "13900001111" not in body and "李四" not in body
        api = client.get(f"/api/v1/opinions/{report.pk}")
        assert api.status_code in (403, 404) and "收受礼金" not in api.content.decode()
    assert not AuditEvent.objects.filter(verb=Verb.REPORTER_UNMASKED).exists()


def test_the_system_administrator_does_not_read_a_whistleblowing_report(
    cast: SimpleNamespace, make_problem: Any
) -> None:
    from taizhang.intake.actions import OpinionInput, do_link_opinion, do_receive_opinion
    from taizhang.intake.models import Channel

    report = do_receive_opinion(
        OpinionInput(channel=Channel.REPORT, text="举报：某校长收受礼金两万元。", reporter_name="李四"),
        actor=cast.coordinator,
    )
    problem = make_problem()
    do_link_opinion(report, problem, actor=cast.coordinator)
    client, _system = admin_client("sys-a", Role.ADMIN)
    assert client.get(f"/opinions/{report.pk}/").status_code == 404
    page = client.get(f"/problems/{problem.pk}/")
    assert (
        page.status_code == 200
        and "收受礼金" not in page.content.decode()
        and "管理员不可查看" in page.content.decode()
    )
    assert "收受礼金" not in client.get(f"/api/v1/problems/{problem.pk}").content.decode()
    assert "收受礼金" not in client.get("/triage/").content.decode()
    # The coordinator still reads it; 纪检组 too.
    coordinator = Client()
    coordinator.force_login(cast.coordinator)
    assert "收受礼金" in coordinator.get(f"/problems/{problem.pk}/").content.decode()
