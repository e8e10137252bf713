"""The administrator's side of supervision: calendar years, time-limit rules, ladder rungs, form wording.
Every save goes through an action or is audited, and drops the cached configuration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext

from taizhang.accounts.models import Role
from taizhang.errors import ActionError
from taizhang.supervision import actions
from taizhang.supervision.forms import FormTemplateAdminForm
from taizhang.supervision.models import (
    Accountability,
    CalendarYear,
    FormTemplate,
    Rung,
    SupervisionAction,
    TimeLimitRule,
)


class CalendarYearAdminForm(forms.ModelForm[CalendarYear]):
    class Meta:
        model = CalendarYear
        fields = ["year", "holidays", "makeup_days", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year") and "holidays" in data:
            try:
                actions.checked_arrangement(data["year"], data["holidays"], data.get("makeup_days") or "")
            except ActionError as exc:
                raise forms.ValidationError(exc.field_errors.get("holidays") or [exc.message]) from None
        return data


class AdminRoleOnly:
    """Calendar and wording are the 系统管理员's: other staff accounts may look, not change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return getattr(request.user, "role", "") == Role.ADMIN

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return getattr(request.user, "role", "") == Role.ADMIN


@admin.register(CalendarYear)
class CalendarYearAdmin(AdminRoleOnly, admin.ModelAdmin[CalendarYear]):
    form = CalendarYearAdminForm
    list_display = ("year", "source", "updated_at", "updated_by")

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        try:
            saved = actions.do_save_calendar_year(
                actor=request.user,  # type: ignore[arg-type]
                year=obj.year,
                holidays=obj.holidays,
                makeup_days=obj.makeup_days,
                source=obj.source,
            )
        except ActionError as exc:
            self.message_user(request, gettext("未保存：%(reason)s") % {"reason": exc.message}, level=messages.ERROR)
            return
        obj.pk = saved.pk


class RuleAdminForm(forms.ModelForm[TimeLimitRule]):
    class Meta:
        model = TimeLimitRule
        fields = [
            "category",
            "kind",
            "sign_workdays",
            "plan_workdays",
            "rectify_workdays",
            "report_every_days",
            "warn_workdays",
            "max_extensions",
            "max_extension_workdays",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clash = TimeLimitRule.objects.filter(category=data.get("category"), kind=data.get("kind", ""))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("已有相同问题类别和整改类型的时限规则。"))
        return data


class AuditedAdmin(admin.ModelAdmin[Any]):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        what = f"{'修改' if change else '新增'}{obj._meta.verbose_name}：{obj}"
        actions.record_config_change(request.user, what, {"model": obj._meta.model_name, "id": obj.pk})  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        what = f"删除{obj._meta.verbose_name}：{obj}"
        data = {"model": obj._meta.model_name, "id": obj.pk}
        super().delete_model(request, obj)
        actions.record_config_change(request.user, what, data)  # type: ignore[arg-type]


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(AuditedAdmin):
    form = RuleAdminForm
    list_display = ("__str__", "sign_workdays", "rectify_workdays", "warn_workdays", "max_extensions")


@admin.register(Rung)
class RungAdmin(AuditedAdmin):
    list_display = ("name", "level", "trigger", "offset_workdays", "form_kind", "is_red", "is_active")
    list_editable = ("is_active",)


@admin.register(FormTemplate)
class FormTemplateAdmin(AdminRoleOnly, admin.ModelAdmin[FormTemplate]):
    form = FormTemplateAdminForm
    list_display = ("kind", "title", "number_prefix", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one template per kind, created by the data migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FormTemplate, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if fields:
            try:
                actions.do_save_form_template(obj, actor=request.user, **fields)  # type: ignore[arg-type]
            except ActionError as exc:
                self.message_user(
                    request, gettext("未保存：%(reason)s") % {"reason": exc.message}, level=messages.ERROR
                )


@admin.register(SupervisionAction)
class SupervisionActionAdmin(admin.ModelAdmin[SupervisionAction]):
    list_display = ("doc_number", "rung", "unit", "due_on", "fired_at", "signed_at")
    list_filter = ("rung", "form_kind")
    search_fields = ("doc_number", "problem__number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an issued 督办 document is a record: it is withdrawn through its own step, never deleted


@admin.register(Accountability)
class AccountabilityAdmin(admin.ModelAdmin[Accountability]):
    list_display = ("decided_on", "person_name", "unit", "sanction", "bundle_role")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded on the 问责 page, which applies the 捆绑式 rule

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a 问责 decision stays on record; the administrator cannot make it disappear
