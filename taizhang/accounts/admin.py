from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from taizhang.accounts.models import ApiToken, Unit, User
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("name", "kind", "is_private", "parent", "head", "deputy", "is_active", "sort_order")
    list_filter = ("kind", "is_private", "is_active")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent", "head", "deputy")


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ("username", "full_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "full_name", "phone")
    autocomplete_fields = ("unit",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("台账", {"fields": ("full_name", "role", "unit", "phone", "must_change_password")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A new account's password is the administrator's: its user must change it at first login."""
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """An administrator's reset: the user must change it at next login, and the reset is audited."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                User.objects.filter(pk=user.pk).update(must_change_password=True)
                record_event(Verb.PASSWORD_SET_BY_ADMIN, actor=request.user, summary=user.get_username())  # type: ignore[arg-type]
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created with `create_api_token`; here they can only be looked at and revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
