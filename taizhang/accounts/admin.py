from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from taizhang.accounts.models import ApiToken, Unit, User


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
        ("台账", {"fields": ("full_name", "role", "unit", "phone")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created with `create_api_token`; here they can only be looked at and revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
