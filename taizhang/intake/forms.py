from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Unit
from taizhang.intake.actions import MAX_OPINION_CHARS, OpinionInput
from taizhang.intake.models import Channel, DismissReason
from taizhang.problems.models import Category

MAX_SPLIT = 5


class OpinionForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    text = forms.CharField(label=_("意见内容"), widget=forms.Textarea, max_length=MAX_OPINION_CHARS, strip=True)
    reporter_name = forms.CharField(label=_("反映人"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    is_anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    concerned_unit = forms.ModelChoiceField(
        label=_("涉及单位"), required=False, queryset=Unit.objects.filter(is_active=True), empty_label=_("（未指明）")
    )
    external_ref = forms.CharField(
        label=_("来源单号"), required=False, max_length=60, help_text=_("如12345工单号，可不填")
    )

    def to_input(self) -> OpinionInput:
        d = self.cleaned_data
        return OpinionInput(
            channel=d["channel"],
            text=d["text"],
            reporter_name=d["reporter_name"],
            reporter_phone=d["reporter_phone"],
            is_anonymous=d["is_anonymous"],
            concerned_unit=d["concerned_unit"],
            external_ref=d["external_ref"],
        )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CreateProblemForm(VersionedForm):
    title = forms.CharField(label=_("问题摘要"), max_length=200)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea)
    category = forms.ModelChoiceField(
        label=_("问题类别"), queryset=Category.objects.filter(is_active=True), empty_label=_("请选择")
    )


class LinkForm(VersionedForm):
    problem_number = forms.CharField(label=_("问题编号"), max_length=30, help_text=_("归并到已有问题，如 QX2026-00012"))


class SplitForm(VersionedForm):
    """Up to five problems from one opinion; blank rows are ignored, at least two are needed."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        categories = Category.objects.filter(is_active=True)
        for i in range(1, MAX_SPLIT + 1):
            self.fields[f"title_{i}"] = forms.CharField(
                label=gettext("问题%(n)d摘要") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"category_{i}"] = forms.ModelChoiceField(
                label=gettext("问题%(n)d类别") % {"n": i}, queryset=categories, required=False, empty_label=_("请选择")
            )

    def rows(self) -> list[tuple[str, Category]]:
        rows = []
        for i in range(1, MAX_SPLIT + 1):
            title = self.cleaned_data.get(f"title_{i}", "").strip()
            category = self.cleaned_data.get(f"category_{i}")
            if title and category:
                rows.append((title, category))
            elif title or category:
                self.add_error(f"title_{i}", gettext("问题%(n)d须同时填写摘要和类别。") % {"n": i})
        if len(rows) < 2:
            self.add_error(None, gettext("拆分至少需要两个问题。"))
        return rows


class DismissForm(VersionedForm):
    reason = forms.ChoiceField(label=_("原因"), choices=DismissReason.choices)
    answer = forms.CharField(label=_("给反映人的答复"), widget=forms.Textarea, help_text=_("反映人凭查询码可见"))
