"""Who sees the archive: the bureau's 通报 and reports name every unit, so (PRODUCT.md: a unit sees only its own
problems) only the coordinators, the leaders and the administrator read them; a unit's staff do not."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from taizhang.accounts.models import Role, User
from taizhang.reports.actions import GENERATORS
from taizhang.reports.models import GeneratedReport

READERS = (Role.COORDINATOR, Role.LEADER, Role.ADMIN)


def can_read_reports(user: User) -> bool:
    return user.role in READERS


def can_generate(user: User) -> bool:
    return user.role in GENERATORS


def reports_visible_to(user: User) -> QuerySet[GeneratedReport]:
    if not can_read_reports(user):
        return GeneratedReport.objects.none()
    return GeneratedReport.objects.select_related("generated_by")


def require_reader(user: User) -> None:
    if not can_read_reports(user):
        raise PermissionDenied(gettext("通报和报表只对牵头部门、局领导和系统管理员开放。"))


def access_report(user: User, pk: int) -> GeneratedReport:
    require_reader(user)
    return get_object_or_404(reports_visible_to(user), pk=pk)
