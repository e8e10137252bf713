"""The ledger's filters: one form shared by the HTML list, the Excel export and the API list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Unit
from taizhang.campaigns.models import Campaign
from taizhang.clock import today
from taizhang.intake.models import Channel, OpinionLink
from taizhang.problems.models import Category, CategoryGroup, ProblemQuerySet, RectificationKind, Source, Status, Term

if TYPE_CHECKING:
    from taizhang.accounts.models import User

SORTS = {
    "number": "id",
    "deadline": "deadline",
    "status": "status",
    "unit": "lead_unit__name",
    "created": "created_at",
    "progress": "progress_percent",
}
SORT_CHOICES = [("", _("默认（最新在前）"))] + [
    (f"{prefix}{key}", format_lazy("{}{}", label, arrow))
    for key, label in [
        ("number", _("编号")),
        ("deadline", _("整改时限")),
        ("status", _("状态")),
        ("unit", _("责任单位")),
        ("created", _("立项时间")),
        ("progress", _("进度")),
    ]
    for prefix, arrow in (("", " ↑"), ("-", " ↓"))
]


# 口径: the terms of the vocabulary the ledger filters by (the dashboard's rates drill down through these).
TERMS: dict[str, tuple[Any, Callable[[dt.date], Q]]] = {
    "open": (_("未销号"), lambda on: Term.open()),
    "active": (_("在办"), lambda on: Term.active()),
    "done": (_("办结"), lambda on: Term.done()),
    "closed": (_("已销号"), lambda on: Term.closed()),
    "overdue": (_("已超期"), Term.overdue),
    "due": (_("应办结"), Term.due),
    "done_on_time": (_("按期办结"), lambda on: Term.done_on_time()),
    "ever_done": (_("验收通过过"), lambda on: Term.ever_done()),
    "reopened": (_("重办过"), lambda on: Term.reopened()),
    "assigned_ever": (_("交办过"), lambda on: Term.assigned_ever()),
    "returned": (_("退单过"), lambda on: Term.returned()),
    "self_found": (_("自查发现"), lambda on: Term.self_found()),
    "sign_due": (_("应签收"), Term.sign_due),
    "signed_on_time": (_("签收及时"), lambda on: Term.signed_on_time()),
    "followed_up": (_("经回访"), lambda on: Term.followed_up()),
    "follow_up_verified": (_("回访核实"), lambda on: Term.follow_up_verified()),
}
# A problem not assigned yet has no kind: `kind=none` finds those.
NO_KIND = "none"


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices])
    unit = forms.ModelChoiceField(
        label=_("责任单位"), required=False, queryset=Unit.objects.all(), empty_label=_("全部单位")
    )
    category = forms.ModelChoiceField(
        label=_("问题类别"), required=False, queryset=Category.objects.all(), empty_label=_("全部类别")
    )
    channel = forms.ChoiceField(label=_("来源渠道"), required=False, choices=[("", _("全部渠道")), *Channel.choices])
    source = forms.ChoiceField(label=_("发现方式"), required=False, choices=[("", _("自查与他查")), *Source.choices])
    campaign = forms.ModelChoiceField(
        label=_("活动"), required=False, queryset=Campaign.objects.all(), empty_label=_("全部活动")
    )
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    light = forms.ChoiceField(
        label=_("状态灯"),
        required=False,
        choices=[("", _("全部")), ("red", _("红灯")), ("yellow", _("黄灯")), ("green", _("绿灯"))],
    )
    kind = forms.ChoiceField(
        label=_("整改类型"),
        required=False,
        choices=[("", _("全部类型")), *RectificationKind.choices, (NO_KIND, _("未交办"))],
    )
    group = forms.ChoiceField(
        label=_("问题归类"), required=False, choices=[("", _("全部归类")), *CategoryGroup.choices]
    )
    term = forms.ChoiceField(
        label=_("口径"), required=False, choices=[("", _("全部")), *((k, v[0]) for k, v in TERMS.items())]
    )
    created_from = forms.DateField(label=_("立项自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("立项至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline_from = forms.DateField(label=_("时限自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline_to = forms.DateField(label=_("时限至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            self.add_error("deadline_to", gettext("“时限至”不能早于“时限自”。"))
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", gettext("“立项至”不能早于“立项自”。"))
        return data

    def apply(self, qs: ProblemQuerySet) -> ProblemQuerySet:
        """Filter a queryset that is already scoped to the user. Call only when the form is valid."""
        data = self.cleaned_data
        if q := (data.get("q") or "").strip():
            qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(description__icontains=q))
        for field in ("status", "source"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        if data.get("unit"):
            qs = qs.filter(lead_unit=data["unit"])
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("campaign"):
            qs = qs.filter(campaign=data["campaign"])
        if data.get("channel"):
            qs = qs.filter(Exists(OpinionLink.objects.filter(problem=OuterRef("pk"), opinion__channel=data["channel"])))
        if data.get("overdue"):
            qs = qs.overdue(today())
        if data.get("light"):
            from taizhang.supervision.timelimits import filter_light

            qs = filter_light(qs, data["light"])  # type: ignore[assignment]
        if data.get("kind"):
            qs = qs.filter(kind="" if data["kind"] == NO_KIND else data["kind"])
        if data.get("group"):
            qs = qs.filter(category__group=data["group"])
        if data.get("term"):
            qs = qs.filter(TERMS[data["term"]][1](today()))
        if data.get("created_from"):
            qs = qs.filter(created_at__date__gte=data["created_from"])
        if data.get("created_to"):
            qs = qs.filter(created_at__date__lte=data["created_to"])
        if data.get("deadline_from"):
            qs = qs.filter(deadline__gte=data["deadline_from"])
        if data.get("deadline_to"):
            qs = qs.filter(deadline__lte=data["deadline_to"])
        sort = data.get("sort") or ""
        if sort:
            desc = sort.startswith("-")
            column = SORTS[sort.lstrip("-")]
            qs = qs.order_by(f"-{column}" if desc else column, "-id")
        return qs


def ledger_queryset(user: User, params: Any) -> tuple[LedgerFilterForm, ProblemQuerySet]:
    """Scope to the user, then filter. An invalid form shows nothing rather than a misleading full list."""
    from taizhang.problems.models import Problem

    form = LedgerFilterForm(params)
    qs = Problem.objects.visible_to(user).select_related("category", "lead_unit")
    return form, form.apply(qs) if form.is_valid() else qs.none()
