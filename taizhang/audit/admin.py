"""The audit trail in the admin, for the 审计管理员 alone (三权分立): read it, filter it, verify the chain — and
nothing else: no add, change or delete for anyone (the database triggers refuse them anyway)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext, gettext_lazy

from taizhang.accounts.models import Role
from taizhang.audit.models import AuditEvent


def is_auditor(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") == Role.AUDIT_ADMIN


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "actor_name", "verb", "summary_short")
    list_filter = ("verb",)
    search_fields = ("actor_name", "summary")
    date_hierarchy = "at"
    fields = ("at", "actor", "actor_name", "verb", "problem", "opinion", "summary", "data", "prev_hash", "hash")
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False  # counting a long trail on every page is the slow part
    change_list_template = "admin/audit/auditevent_change_list.html"

    @admin.display(description=gettext_lazy("说明"))
    def summary_short(self, event: AuditEvent) -> str:
        return event.summary if len(event.summary) <= 80 else event.summary[:80] + "…"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_auditor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_auditor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        verify = path("verify/", self.admin_site.admin_view(self.verify_view), name="audit_auditevent_verify")
        return [verify, *super().get_urls()]

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        """Recompute the chain, as `manage.py verify_audit` does, and say what was found. Reads only."""
        from taizhang.audit.events import verify_trail

        if not is_auditor(request):
            raise PermissionDenied(gettext("审计链校验由审计管理员进行。"))
        context = {**self.admin_site.each_context(request), "title": gettext("校验审计链"), "result": verify_trail()}
        return TemplateResponse(request, "admin/audit/verify.html", context)
