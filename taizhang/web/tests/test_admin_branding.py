"""The admin is Taizhang's 系统管理, in Chinese, and the administrator's menu leads to it."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import User


def test_it_brands_the_admin_in_chinese_and_links_it_from_the_admins_menu(
    client: Client, cast: SimpleNamespace
) -> None:
    User.objects.filter(pk=cast.admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(cast.admin)
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("admin:index")}" id="nav-admin">系统管理</a>' in home
    page = client.get(reverse("admin:index")).content.decode()
    assert "台账 · 系统管理" in page and "<title>系统管理 | 台账系统管理</title>" in page
    for section in ("单位与用户", "督查督办", "问题台账", "智能梳理"):
        assert section in page, section
    assert "Supervision" not in page and "Accounts" not in page


def test_it_shows_no_admin_link_to_anyone_who_cannot_open_it(client: Client, cast: SimpleNamespace) -> None:
    for user in (cast.coordinator, cast.leader, cast.officer):
        client.force_login(user)
        assert 'id="nav-admin"' not in client.get(reverse("home")).content.decode()
