from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelSource(models.TextChoices):
    DEFAULT = "default", _("内置样例训练")
    RETRAINED = "retrained", _("结合梳理记录重新训练")


class TriageModel(models.Model):
    """One trained version of the triage model; suggestions name the version they came from."""

    version = models.CharField(_("版本"), max_length=40, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=ModelSource.choices)
    trained_at = models.DateTimeField(_("训练时间"))
    examples = models.PositiveIntegerField(_("训练样本数"))
    corrections = models.PositiveIntegerField(_("其中人工纠正"), default=0)
    fingerprint = models.CharField(max_length=64, help_text=_("训练数据摘要；数据不变则不重复训练"))
    blob = models.BinaryField()
    is_active = models.BooleanField(_("在用"), default=False)

    class Meta:
        verbose_name = _("梳理模型")
        verbose_name_plural = _("梳理模型")
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model")
        ]

    def __str__(self) -> str:
        return self.version


class DispatchRule(models.Model):
    """派单目录: opinions of a category about a kind of place (or one named place) go to a unit."""

    category = models.ForeignKey("problems.Category", verbose_name=_("问题类别"), on_delete=models.CASCADE)
    place_kind = models.CharField(_("单位类型"), max_length=20, default="*", help_text=_("* 表示任意"))
    place = models.CharField(_("具体单位"), max_length=60, blank=True, help_text=_("识别出的单位键，可不填"))
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("承办股室"), on_delete=models.CASCADE, related_name="+")
    learned = models.BooleanField(_("由梳理记录学习"), default=False)
    support = models.PositiveIntegerField(_("依据的决定数"), default=0)
    catalogue_version = models.PositiveIntegerField(_("目录版本"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单目录条目")
        verbose_name_plural = _("派单目录")
        ordering = ["category__sort_order", "place_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "place_kind", "place", "catalogue_version"], name="dispatch_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.place_kind} → {self.unit}"


class Suggestion(models.Model):
    """What the model proposed for one opinion, with the version that proposed it and why."""

    opinion = models.ForeignKey("intake.Opinion", on_delete=models.CASCADE, related_name="suggestions")
    model_version = models.CharField(_("模型版本"), max_length=40)
    created_at = models.DateTimeField()
    category = models.ForeignKey("problems.Category", null=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("accounts.Unit", null=True, on_delete=models.SET_NULL, related_name="+")
    problems = models.JSONField(default=list, help_text=_("[{id, number, score, closed, places}]"))
    confidence = models.FloatField(_("置信度"))
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["opinion", "-created_at"], name="suggestion_opinion_idx")]

    def __str__(self) -> str:
        return f"{self.opinion_id} {self.model_version}"


class Correction(models.Model):
    """A coordinator's decision that differs from the suggestion; kept as training data for the next version."""

    opinion = models.ForeignKey("intake.Opinion", on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(Suggestion, null=True, on_delete=models.SET_NULL, related_name="corrections")
    text = models.TextField()
    suggested_category = models.CharField(max_length=40, blank=True)
    category = models.CharField(_("改正类别"), max_length=40)
    suggested_unit = models.CharField(max_length=100, blank=True)
    unit = models.CharField(_("改正股室"), max_length=100, blank=True)
    suggested_problem = models.CharField(max_length=30, blank=True)
    problem = models.CharField(_("实际归并问题"), max_length=30, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField()

    class Meta:
        ordering = ["-corrected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.opinion_id}: {self.suggested_category}→{self.category}"
