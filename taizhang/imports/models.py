from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    AUTO = "auto", _("自动识别")
    OPINIONS = "opinions", _("意见（工单、意见清单、座谈记录）")
    LEDGER = "ledger", _("整改台账（问题）")


class ImportProfile(models.Model):
    """A saved column mapping ("12345热线工单", "县局整改台账"), chosen again when a file's header matches."""

    name = models.CharField(_("方案名称"), max_length=60, unique=True)
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    signature = models.CharField(max_length=64, db_index=True, help_text=_("表头的指纹"))
    headers = models.JSONField(_("表头"), default=list)
    mapping = models.JSONField(_("列对应"), default=dict, help_text=_("表头 → 字段"))
    default_channel = models.CharField(_("默认渠道"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("导入方案")
        verbose_name_plural = _("导入方案")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    CHECKING = "checking", _("正在检查")
    CHECKED = "checked", _("待确认")
    REJECTED = "rejected", _("无法导入")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("已导入")
    CANCELLED = "cancelled", _("未导入")
    FAILED = "failed", _("导入失败")


class ImportJob(models.Model):
    """One uploaded file on its way in: checked (the preview), then confirmed and imported, or dropped.

    The file itself waits under MEDIA_ROOT/imports/ so that what is imported is exactly what was checked."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"))
    filename = models.CharField(_("文件名"), max_length=200)
    stored_name = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices, default=ImportKind.AUTO)
    profile = models.ForeignKey(ImportProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the user changed in the preview: {"mapping": {header: field}, "units": {name: unit id | "new"},
    # "channel": default channel}.
    choices = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.CHECKING)
    message = models.TextField(_("说明"), blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-id"]
        indexes = [models.Index(fields=["created_by", "-id"], name="import_job_owner_idx")]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
