from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy

from taizhang.accounts.actions import do_confirm_role_grant
from taizhang.accounts.login_views import admin_login
from taizhang.accounts.models import ApiToken, Role, RoleGrant, TotpDevice, Unit, User
from taizhang.accounts.twofactor import do_reset_totp
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now
from taizhang.errors import ActionError

# /admin/login/ takes the same two steps as /login/ (password, then 动态口令 for the accounts that need one).
admin.site.login = admin_login  # type: ignore[method-assign,assignment]


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
    actions = ["reset_totp"]

    # 三权分立: the system administrator keeps the people and their accounts, the security administrator their
    # roles and permissions, the audit administrator only looks. By role, whatever Django permissions say.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if role_of(request) == Role.SECURITY_ADMIN:
            return [*fields, *PERSON_FIELDS, "password"]
        return [*fields, *ROLE_FIELDS]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request) in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if role_of(request) in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            return True
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if role_of(request) == Role.SECURITY_ADMIN:
            return True
        return role_of(request) != Role.AUDIT_ADMIN and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return role_of(request) not in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request) not in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) and super().has_delete_permission(
            request, obj
        )

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if role_of(request) != Role.SECURITY_ADMIN:
            actions.pop("reset_totp", None)
        return actions

    @admin.action(description=gettext_lazy("重置所选用户的动态口令（手机丢失时）"))
    def reset_totp(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor: Any = request.user
        done = 0
        for user in queryset:
            try:
                done += do_reset_totp(user, actor=actor)
            except ActionError as exc:
                messages.error(request, exc.message)
        if done:
            messages.success(
                request, gettext("已重置 %(count)d 个用户的动态口令，他们下次登录时须重新绑定。") % {"count": done}
            )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Every change of a role or a privilege is in the audit trail; nobody changes their own; the 纪检组 role
        waits for a second administrator (RoleGrant). A new account's password is the administrator's: its user
        must change it at first login."""
        actor: Any = request.user
        before = User.objects.filter(pk=obj.pk).values(*PRIVILEGES).first() if change else None
        if actor.role != Role.SECURITY_ADMIN and before is not None and _differs(before, obj, ROLE_FLAGS):
            for name in ROLE_FLAGS:  # the form does not offer them; a forged post changes nothing either
                setattr(obj, name, before[name])
        if actor.role != Role.SECURITY_ADMIN and before is None:
            obj.role, obj.is_staff, obj.is_superuser = Role.UNIT_OFFICER, False, False
        if not change:
            obj.must_change_password = True
        if before is not None and obj.pk == actor.pk and _differs(before, obj, ("role", "is_superuser", "is_staff")):
            for name in ("role", "is_superuser", "is_staff"):
                setattr(obj, name, before[name])
            messages.error(request, gettext("不能变更自己的角色或权限，请由另一名安全管理员办理。"))
        grant = obj.role == Role.DISCIPLINE and (before is None or before["role"] != Role.DISCIPLINE)
        if grant:
            obj.role = before["role"] if before is not None else Role.UNIT_OFFICER
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {
                name: [str(before[name]) if before else "", str(getattr(obj, _attname(name)))]
                for name in PRIVILEGES
                if before is None or before[name] != getattr(obj, _attname(name))
            }
            if changed:
                record_event(Verb.ROLE_CHANGED, actor=actor, summary=obj.get_username(), data=changed)
            if grant:
                RoleGrant.objects.create(user=obj, role=Role.DISCIPLINE, requested_by=actor, requested_at=now())
                record_event(Verb.ROLE_GRANT_REQUESTED, actor=actor, summary=obj.get_username())
        if grant:
            messages.warning(
                request,
                gettext("授予纪检组角色须由另一名安全管理员在“角色授权申请”中确认后生效；在此之前角色不变。"),
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """An administrator's reset: the user must change it at next login, and the reset is audited. The system
        administrator's, not the security or the audit administrator's."""
        if role_of(request) in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            raise PermissionDenied(gettext("重置密码由系统管理员办理。"))
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                User.objects.filter(pk=user.pk).update(must_change_password=True)
                record_event(Verb.PASSWORD_SET_BY_ADMIN, actor=request.user, summary=user.get_username())  # type: ignore[arg-type]
        return response


PRIVILEGES = ("role", "is_superuser", "is_staff", "is_active", "unit")
ROLE_FLAGS = ("role", "is_superuser", "is_staff")
ROLE_FIELDS = (*ROLE_FLAGS, "groups", "user_permissions")
PERSON_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "full_name",
    "unit",
    "phone",
    "is_active",
    "must_change_password",
    "last_login",
    "date_joined",
)


def role_of(request: HttpRequest) -> str:
    return str(getattr(request.user, "role", ""))


def _attname(name: str) -> str:
    return "unit_id" if name == "unit" else name


def _differs(before: dict[str, Any], obj: User, names: tuple[str, ...]) -> bool:
    return any(before[name] != getattr(obj, _attname(name)) for name in names)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    """Requests for the 纪检组 role; a second administrator confirms them here."""

    list_display = ("user", "role", "requested_by", "requested_at", "confirmed_by", "confirmed_at")
    actions = ["confirm"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request) in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) or super().has_view_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if role_of(request) != Role.SECURITY_ADMIN:
            actions.pop("confirm", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("确认授予所选角色"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        actor: Any = request.user
        done = 0
        for grant in queryset.select_related("user", "requested_by").filter(confirmed_at__isnull=True):
            try:
                do_confirm_role_grant(grant, actor=actor)
            except ActionError as exc:
                messages.error(request, exc.message)
                continue
            done += 1
        if done:
            messages.success(request, gettext("已确认 %(count)d 项授权。") % {"count": done})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created with `create_api_token`; here they can only be looked at and revoked."""

    list_display = ("name", "user", "scope", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "scope", "prefix", "key_hash", "created_at", "expires_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin[TotpDevice]):
    """Who has an authenticator bound, and since when; the secret is never shown. Reset: 用户 → 重置动态口令."""

    list_display = ("user", "confirmed_at", "last_used_at")
    fields = ("user", "confirmed_at", "last_used_at")
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request) in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
