"""The submit form: what a phone shows. Rules (lengths, named or anonymous, photos) are the action's, so the
page and the API refuse the same things with the same words."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Unit, UnitKind
from taizhang.problems.forms import MultipleFileField, MultipleFileInput
from taizhang.problems.models import Category
from taizhang.public.actions import MAX_PLACE_CHARS, MAX_TEXT_CHARS, PublicSubmission, public_units

# How the unit list is grouped on the page (a school gate poster pre-selects one).
UNIT_GROUPS = (
    (UnitKind.SCHOOL, _("学校")),
    (UnitKind.KINDERGARTEN, _("幼儿园")),
    (UnitKind.OFFICE, _("教育局股室")),
    (UnitKind.BUREAU, _("教育局")),
)


def unit_choices(units: list[Unit]) -> list[Any]:
    groups = [(str(label), [(u.pk, u.name) for u in units if u.kind == kind]) for kind, label in UNIT_GROUPS]
    return [("", _("请选择（可不选）")), *[(label, items) for label, items in groups if items]]


class SubmitForm(forms.Form):
    text = forms.CharField(
        label=_("您要反映的问题"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT_CHARS}),
        help_text=_("请写清时间、地点和经过。"),
        required=False,
    )
    category_hint = forms.ChoiceField(label=_("问题类别"), required=False)
    unit = forms.TypedChoiceField(label=_("涉及的学校或单位"), coerce=int, required=False, empty_value=None)
    place = forms.CharField(
        label=_("列表中没有的学校或地点"), max_length=MAX_PLACE_CHARS, required=False, help_text=_("可不填")
    )
    whistleblowing = forms.BooleanField(label=_("这是举报（反映干部、教师违纪违规问题），由纪检组办理"), required=False)
    anonymous = forms.TypedChoiceField(
        label=_("是否留名"),
        choices=[("0", _("实名（留下姓名和电话，便于核实和回访）")), ("1", _("匿名（不留任何个人信息）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    reporter_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("联系电话"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    # A CharField, not an EmailField: the action checks the address so the page and the API say the same words.
    reporter_email = forms.CharField(
        label=_("电子邮箱（选填）"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email", "inputmode": "email"}),
    )
    photos = MultipleFileField(
        label=_("照片（可选）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in public_units()}
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices(list(self.units.values()))
        categories = Category.objects.filter(is_active=True).order_by("sort_order", "id")
        cast(forms.ChoiceField, self.fields["category_hint"]).choices = [
            ("", _("不确定")),
            *[(c.code, c.name) for c in categories],
        ]

    def submission(self) -> PublicSubmission:
        data = self.cleaned_data
        return PublicSubmission(
            text=data["text"],
            unit=self.units.get(data["unit"]) if data["unit"] else None,
            place=data["place"],
            category_hint=data["category_hint"],
            whistleblowing=data["whistleblowing"],
            anonymous=data["anonymous"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_email=data["reporter_email"],
            door="page",
        )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=40, required=False)
