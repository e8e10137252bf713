from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.clock import today
from taizhang.disclosure.actions import MAX_CONTACT, MAX_OBJECTION, MAX_REPLY, MAX_TITLE
from taizhang.disclosure.models import BatchKind, ObjectionOutcome

DEFAULT_PERIOD_DAYS = 7


class BatchForm(forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=MAX_TITLE)
    kind = forms.ChoiceField(label=_("公示类型"), choices=BatchKind.choices)


class PublishForm(forms.Form):
    # ISO, as <input type=date> wants its value whatever the interface language (Chinese formats write 2026/12/05).
    starts_on = forms.DateField(
        label=_("公示期开始"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(label=_("公示期结束"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    @classmethod
    def with_defaults(cls) -> PublishForm:
        start = today()
        return cls(initial={"starts_on": start, "ends_on": start + dt.timedelta(days=DEFAULT_PERIOD_DAYS)})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", gettext("公示期结束日期不能早于开始日期。"))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class RedactForm(forms.Form):
    words = forms.CharField(
        label=_("要隐去的词语"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个。在预览中看到的姓名、地址、班级等仍可识别个人的词语，发布时替换为“■■”。"),
    )

    def word_list(self) -> list[str]:
        return [w.strip() for w in self.cleaned_data["words"].splitlines() if w.strip()]


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容"), max_length=MAX_OBJECTION, widget=forms.Textarea(attrs={"rows": 5}))
    contact = forms.CharField(
        label=_("联系方式（选填）"),
        max_length=MAX_CONTACT,
        required=False,
        help_text=_("留下电话或邮箱，便于核实后答复您；不会公开。"),
    )


class AnswerObjectionForm(forms.Form):
    # Not required here: the action refuses an empty choice or reply in the same words as for the API.
    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect, required=False
    )
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=MAX_REPLY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明核实经过和结论；异议人留了联系方式的，请按此答复对方。"),
    )
