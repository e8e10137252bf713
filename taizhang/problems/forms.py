from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import VERIFIER_ROLES, Unit, UnitKind, User
from taizhang.problems.actions import MilestoneInput, Upload
from taizhang.problems.models import Milestone, RectificationKind

MAX_MILESTONES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; type and size are checked by the action, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        if not data:
            if self.required:
                raise forms.ValidationError(gettext("请上传佐证材料。"))
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def as_uploads(files: list[UploadedFile[bytes]]) -> list[Upload]:
    return [Upload(name=f.name or "file", size=f.size or 0, stream=f) for f in files]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(VersionedForm):
    lead_unit = forms.ModelChoiceField(
        label=_("牵头单位"),
        queryset=Unit.objects.filter(is_active=True).exclude(kind=UnitKind.INSPECTION_GROUP),
        empty_label=_("请选择"),
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("配合单位"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).exclude(kind=UnitKind.INSPECTION_GROUP),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    responsible_person = forms.CharField(label=_("责任人"), max_length=50)
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea)
    kind = forms.ChoiceField(label=_("整改类型"), choices=RectificationKind.choices)
    deadline = forms.DateField(
        label=_("整改时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则按时限规则自动计算（按工作日，节假日顺延）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_MILESTONES + 1):
            self.fields[f"milestone_title_{i}"] = forms.CharField(
                label=gettext("节点%(n)d") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"milestone_due_{i}"] = forms.DateField(
                label=gettext("节点%(n)d时限") % {"n": i},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def milestone_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"milestone_title_{i}"], self[f"milestone_due_{i}"]) for i in range(1, MAX_MILESTONES + 1)]

    def milestones(self) -> list[MilestoneInput]:
        rows = []
        for i in range(1, MAX_MILESTONES + 1):
            title = (self.cleaned_data.get(f"milestone_title_{i}") or "").strip()
            due = self.cleaned_data.get(f"milestone_due_{i}")
            if title and due:
                rows.append(MilestoneInput(title, due))
            elif title or due:
                self.add_error(f"milestone_title_{i}", gettext("节点%(n)d须同时填写内容和时限。") % {"n": i})
        return rows


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(VersionedForm):
    text = forms.CharField(
        label=_("整改方案"),
        widget=forms.Textarea,
        help_text=_("整改目标、具体措施、责任人和完成时限；报送后不可修改"),
    )
    evidence = MultipleFileField(label=_("附件"), required=False, help_text=_("方案文件或佐证材料，可不附"))


class ProgressForm(VersionedForm):
    text = forms.CharField(label=_("整改进展"), widget=forms.Textarea)
    percent = forms.IntegerField(label=_("完成进度(%)"), min_value=0, max_value=100)
    public = forms.BooleanField(
        label=_("向反映人公开（反映人凭查询码可见，姓名、电话等个人信息自动遮盖）"), required=False
    )
    evidence = MultipleFileField(
        label=_("佐证材料"), required=False, help_text=_("照片、PDF、Word、Excel，单个不超过20MB")
    )


class ClosureForm(VersionedForm):
    summary = forms.CharField(label=_("整改完成情况"), widget=forms.Textarea)
    evidence = MultipleFileField(label=_("佐证材料"), required=True, help_text=_("销号须附佐证材料"))


class MilestoneDoneForm(VersionedForm):
    """One open node of the 路线图 marked done; the view fills the choices with the problem's open nodes."""

    milestone = forms.TypedChoiceField(label=_("路线图节点"), coerce=int, choices=[])
    note = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("佐证材料"), required=True, help_text=_("标记完成须附佐证材料"))

    def set_milestones(self, milestones: Iterable[Milestone]) -> None:
        field = self.fields["milestone"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(m.pk, f"{m.title}（{m.due_on:%Y-%m-%d}）") for m in milestones]


class ReviewForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("approve", _("同意，报请验收")), ("send_back", _("退回，继续整改"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("退回时必填")
    )


class VerifierChoiceField(forms.ModelChoiceField["User"]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.unit or obj.get_role_display()}）"


class VerifierForm(VersionedForm):
    verifier = VerifierChoiceField(
        label=_("验收人"),
        queryset=User.objects.filter(is_active=True, role__in=VERIFIER_ROLES)
        .select_related("unit")
        .order_by("role", "unit__id", "id"),
        empty_label=_("请选择"),
        help_text=_("督导组成员或其他牵头部门人员；交办人、责任单位人员和申请人不能验收"),
    )


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("验收结论"), choices=[("accept", _("验收通过，予以销号")), ("reject", _("验收不通过，退回整改"))]
    )
    reason = forms.CharField(
        label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("不通过时必填")
    )
    on_site = forms.BooleanField(label=_("现场核查"), required=False)
    site_visited_on = forms.DateField(
        label=_("现场核查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site_place = forms.CharField(label=_("现场核查地点"), max_length=200, required=False)
