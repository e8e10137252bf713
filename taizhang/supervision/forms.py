from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Unit, UnitKind, User
from taizhang.supervision.models import FormKind, FormTemplate, Rung, Sanction


class ExtensionRequestForm(forms.Form):
    new_deadline = forms.DateField(label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结论"), choices=[("approve", _("批准延期")), ("reject", _("不批准"))])
    note = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


TOO_LONG = _("内容不能超过 %(limit_value)d 字（现为 %(show_value)d 字）。")


class InstructionForm(forms.Form):
    text = forms.CharField(
        label=_("批示内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写批示内容。"), "max_length": TOO_LONG},
    )
    reply_due_on = forms.DateField(
        label=_("回复时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则为3个工作日内"),
    )


class InstructionReplyForm(forms.Form):
    text = forms.CharField(
        label=_("办理情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写办理情况。"), "max_length": TOO_LONG},
    )


class InstructionFilterForm(forms.Form):
    """The 领导批示 list's filters (the API takes the same words)."""

    state = forms.ChoiceField(
        label=_("办理情况"),
        choices=[("", _("全部")), ("waiting", _("待回复")), ("overdue", _("逾期未回复")), ("replied", _("已回复"))],
        required=False,
    )
    level = forms.ChoiceField(
        label=_("批示对象"),
        choices=[("", _("全部")), ("unit", _("对单位的批示")), ("problem", _("对问题的批示"))],
        required=False,
    )


def _units() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.INSPECTION_GROUP)


class AccountabilityForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=_units(), empty_label=_("请选择"))
    person = forms.ModelChoiceField(
        label=_("被问责人（系统用户）"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("（不选）"),
    )
    person_name = forms.CharField(label=_("被问责人（未在系统中的）"), max_length=50, required=False)
    sanction = forms.ChoiceField(label=_("问责方式"), choices=[("", _("请选择")), *Sanction.choices])
    reason = forms.CharField(label=_("问责事由"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    decision_number = forms.CharField(
        label=_("问责文号"), max_length=60, required=False, help_text=_("纪检组问责决定的文号，如 青纪〔2026〕12号")
    )
    problem_number = forms.CharField(label=_("相关问题编号"), max_length=30, required=False)
    document_number = forms.CharField(label=_("相关督办文书（发文字号）"), max_length=40, required=False)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("放假安排"),
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-13"}
        ),
        help_text=_("每行一个节日：节日名 开始日期 至 结束日期"),
    )
    makeup_days = forms.CharField(
        label=_("调休上班日"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "春节 2027-02-14"}),
        help_text=_("每行一个：节日名 日期（须为周六或周日）"),
    )
    source = forms.CharField(label=_("文件依据"), max_length=100, required=False)


class SubscriptionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=_units(), empty_label=_("请选择"))
    subscribed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FormTemplateAdminForm(forms.ModelForm[FormTemplate]):
    """The admin's form for wording: refuses a missing or unknown placeholder before anything is saved."""

    class Meta:
        model = FormTemplate
        fields = ["header", "number_prefix", "title", "body", "issuer"]

    def clean_body(self) -> str:
        from taizhang.supervision.documents import template_errors

        body: str = self.cleaned_data["body"]
        if errors := template_errors(self.instance.kind, body):
            raise forms.ValidationError(errors)
        return body


class RungFilterForm(forms.Form):
    """The 督查督办 list's filters."""

    form_kind = forms.ChoiceField(label=_("文书"), choices=[("", _("全部文书")), *FormKind.choices], required=False)
    rung = forms.ModelChoiceField(
        label=_("督办阶梯"), queryset=Rung.objects.all(), required=False, empty_label=_("全部")
    )
    unit = forms.ModelChoiceField(label=_("单位"), queryset=_units(), required=False, empty_label=_("全部单位"))
    signed = forms.ChoiceField(
        label=_("签收"),
        choices=[("", _("全部")), ("unsigned", _("未签收")), ("signed", _("已签收"))],
        required=False,
    )
    date_from = forms.DateField(label=_("日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, qs: Any) -> Any:
        """Newest first by the date the record is for (应督办日期), then by when it was generated."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("form_kind"):
            qs = qs.filter(form_kind=data["form_kind"])
        if data.get("rung"):
            qs = qs.filter(rung=data["rung"])
        if data.get("unit"):
            qs = qs.filter(unit=data["unit"])
        signed = data.get("signed")
        if signed == "unsigned":
            qs = qs.filter(signed_at__isnull=True).exclude(doc_number="")
        elif signed == "signed":
            qs = qs.filter(signed_at__isnull=False)
        if data.get("date_from"):
            qs = qs.filter(due_on__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(due_on__lte=data["date_to"])
        return qs.order_by("-due_on", "-fired_at", "-id")
