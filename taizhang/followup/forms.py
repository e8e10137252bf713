from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.followup.models import CallOutcome, Satisfaction


class RatingForm(forms.Form):
    """What a reporter answers on the follow page (and the API): fixed or not, how satisfied, a comment."""

    fixed = forms.TypedChoiceField(
        label=_("您反映的问题解决了吗？"),
        choices=[("1", _("已解决")), ("0", _("没有解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果满意吗？"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见（选择不满意时必填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


REACHED = "reached"


class CallbackForm(forms.Form):
    """A coordinator's phone callback: reached (with the answer) or one of the failed outcomes."""

    result = forms.ChoiceField(
        label=_("回访结果"),
        choices=[
            (REACHED, _("已接通，记录评价")),
            *CallOutcome.choices,
        ],
    )
    fixed = forms.BooleanField(label=_("反映人认为问题已解决"), required=False)
    satisfaction = forms.ChoiceField(
        label=_("满意度（接通时）"), required=False, choices=[("", "—"), *Satisfaction.choices]
    )
    comment = forms.CharField(label=_("意见或备注"), required=False, max_length=1000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复核结论"), choices=[("reopen", _("重办（退回责任单位继续整改）")), ("uphold", _("维持销号"))]
    )
    note = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 2}))
