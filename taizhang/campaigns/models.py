from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StageKind(models.TextChoices):
    MOBILIZE = "mobilize", _("学习动员")
    FIND = "find", _("查找问题")
    RECTIFY = "rectify", _("整改落实")
    LOOK_BACK = "look_back", _("回头看/总结")


class Campaign(models.Model):
    name = models.CharField(_("活动名称"), max_length=200)
    code = models.CharField(_("代号"), max_length=20, unique=True, help_text=_("用于问题编号前缀"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    is_active = models.BooleanField(_("进行中"), default=True)
    # Highest problem sequence number issued; the row is locked while a number is taken, so none repeats.
    last_problem_seq = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("阶段"), max_length=20, choices=StageKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("活动阶段")
        verbose_name_plural = _("活动阶段")
        ordering = ["campaign", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="stage_once_per_campaign"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="stage_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"


def active_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_active=True).order_by("-starts_on").first()
