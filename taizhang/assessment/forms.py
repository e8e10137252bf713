"""The scheme editor and the survey forms. The editor's fields become a scheme definition; the action checks it
(weights adding up to 100, groups with units …) so the page and the API refuse the same things in the same words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Unit, UnitKind
from taizhang.assessment.actions import RANKED_KINDS
from taizhang.assessment.indicators import DEDUCTIONS, INDICATORS
from taizhang.assessment.models import Grade, PeriodKind, RaterKind

KIND_LABELS = dict(UnitKind.choices)

# A new scheme starts from the seeds' practice: ledger work first, then the people's view, then the 民主评议.
DEFAULT_DEFINITION: dict[str, Any] = {
    "period_kind": PeriodKind.QUARTER,
    "indicators": [
        {"code": "on_time_rate", "weight": 25},
        {"code": "sign_timely_rate", "weight": 10},
        {"code": "closure_rate", "weight": 20},
        {"code": "satisfaction_rate", "weight": 15},
        {"code": "reopen_rate", "weight": 5},
        {"code": "return_rate", "weight": 5},
        {"code": "self_found_rate", "weight": 5},
        {"code": "appraisal", "weight": 15},
    ],
    "deductions": [
        {"code": "red_card", "points": 1, "cap": 10},
        {"code": "reopened", "points": 0.5, "cap": 5},
        {"code": "criticism", "points": 2, "cap": 10},
    ],
    "groups": [
        {"name": "股室", "kinds": [UnitKind.OFFICE]},
        {"name": "学校", "kinds": [UnitKind.SCHOOL, UnitKind.KINDERGARTEN]},
    ],
    "star_bands": [10, 20, 30, 40],
    "bottom_flagged": 3,
}


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=100)
    period_kind = forms.ChoiceField(label=_("考核周期"), choices=PeriodKind.choices)
    star_bands = forms.CharField(
        label=_("星级名次"),
        max_length=40,
        required=False,
        help_text=_("用逗号分隔，如 10,20,30,40：第1–10名五星级，第11–20名四星级……其余再少一星；留空不评星。"),
    )
    bottom_flagged = forms.IntegerField(
        label=_("末位提示单位数"),
        min_value=0,
        max_value=100,
        help_text=_("每组最后几名列入黑榜，提示诫勉谈话、调离或免职建议。"),
    )
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, indicator in INDICATORS.items():
            self.fields[f"weight_{code}"] = forms.DecimalField(
                label=str(indicator.label), min_value=0, max_value=100, decimal_places=2, required=False, initial=0
            )
        for code, deduction in DEDUCTIONS.items():
            self.fields[f"points_{code}"] = forms.DecimalField(
                label=str(deduction.label), min_value=0, max_value=100, decimal_places=2, required=False, initial=0
            )
            self.fields[f"cap_{code}"] = forms.DecimalField(
                label=_("%(name)s扣分上限") % {"name": deduction.short},
                min_value=0,
                max_value=100,
                decimal_places=2,
                required=False,
                initial=0,
            )
        for kind in RANKED_KINDS:
            self.fields[f"group_{kind}"] = forms.CharField(
                label=KIND_LABELS[kind],
                max_length=40,
                required=False,
                help_text=_("所在分组名称；同名的类型合为一组，留空不参加排名。"),
            )

    @classmethod
    def initial_from(cls, name: str, definition: Mapping[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": name,
            "period_kind": definition["period_kind"],
            "star_bands": ",".join(str(b) for b in definition["star_bands"]),
            "bottom_flagged": definition["bottom_flagged"],
        }
        initial.update({f"weight_{i['code']}": i["weight"] for i in definition["indicators"]})
        for rule in definition["deductions"]:
            initial[f"points_{rule['code']}"] = rule["points"]
            initial[f"cap_{rule['code']}"] = rule["cap"]
        initial.update({f"group_{k}": g["name"] for g in definition["groups"] for k in g["kinds"]})
        return initial

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{code}"] for code in INDICATORS]

    def deduction_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"points_{code}"], self[f"cap_{code}"]) for code in DEDUCTIONS]

    def group_fields(self) -> list[forms.BoundField]:
        return [self[f"group_{kind}"] for kind in RANKED_KINDS]

    def definition(self) -> dict[str, Any]:
        data = self.cleaned_data
        groups: dict[str, list[str]] = {}
        for kind in RANKED_KINDS:
            if name := (data.get(f"group_{kind}") or "").strip():
                groups.setdefault(name, []).append(kind)
        bands = [b.strip() for b in (data.get("star_bands") or "").replace("，", ",").split(",") if b.strip()]
        return {
            "period_kind": data["period_kind"],
            "indicators": [{"code": c, "weight": str(data.get(f"weight_{c}") or 0)} for c in INDICATORS],
            "deductions": [
                {"code": c, "points": str(data.get(f"points_{c}") or 0), "cap": str(data.get(f"cap_{c}") or 0)}
                for c in DEDUCTIONS
            ],
            "groups": [{"name": name, "kinds": kinds} for name, kinds in groups.items()],
            "star_bands": bands,
            "bottom_flagged": data.get("bottom_flagged") or 0,
        }


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("评议名称"), max_length=100)
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.ModelMultipleChoiceField(
        label=_("参评单位"),
        queryset=Unit.objects.filter(is_active=True, kind__in=RANKED_KINDS).order_by("sort_order", "id"),
        widget=forms.CheckboxSelectMultiple,
    )
    public_open = forms.BooleanField(label=_("接受群众通过链接或二维码评议"), required=False, initial=True)


class RatersForm(forms.Form):
    raters = forms.CharField(
        label=_("评议人"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一人：姓名，类别（其他单位 / 人大代表、政协委员 / 服务对象 / 其他），所在单位（可不填）。"),
    )


RATER_KIND_BY_LABEL = {str(label): value for value, label in RaterKind.choices}
GRADES = Grade.choices
