"""通报与报表: each generated document is archived as it was sent — never overwritten; generating again for the same
period adds a new version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    BULLETIN = "bulletin", _("月度通报")
    WORKBOOK = "workbook", _("台账工作簿")
    SUMMARY = "summary", _("活动情况报告")
    REVIEW = "review", _("管理评审材料")


# The file each kind is written as.
KIND_FORMAT = {
    ReportKind.BULLETIN: "docx",
    ReportKind.WORKBOOK: "xlsx",
    ReportKind.SUMMARY: "docx",
    ReportKind.REVIEW: "xlsx",
}


class GeneratedReport(models.Model):
    """One generated document of one kind for one month (period_key 2026-11), in its version (1, 2 …)."""

    kind = models.CharField(_("类型"), max_length=20, choices=ReportKind.choices)
    period_key = models.CharField(_("期间"), max_length=10)
    starts_on = models.DateField(_("期间开始"))
    ends_on = models.DateField(_("期间结束"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    file = models.FileField(upload_to="reports/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    doc_number = models.CharField(_("发文字号"), max_length=40, blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    # None: the scheduler (系统).
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_to = models.CharField(_("报送对象"), max_length=200, blank=True)
    figures = models.JSONField(_("主要数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("通报报表")
        verbose_name_plural = _("通报报表")
        ordering = ["-period_key", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_key", "version"], name="report_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key} v{self.version}"

    @property
    def generated_by_name(self) -> str:
        return self.generated_by.display_name if self.generated_by else "系统"


class BulletinCounter(models.Model):
    """The last 通报 number issued per year; locked while a number is taken, so numbers have no gaps."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("通报编号计数")

    def __str__(self) -> str:
        return f"{self.year} {self.last_number}"
