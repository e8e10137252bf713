"""公示: a batch of problems published for a 公示期, each item frozen as published, and the public's objections."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.clock import today
from taizhang.intake.personal import EncryptedTextField


class BatchKind(models.TextChoices):
    TO_FIX = "to_fix", _("拟整改问题")
    FIXED = "fixed", _("已整改问题")


class BatchState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class BatchQuerySet(models.QuerySet["Batch"]):
    def published(self) -> BatchQuerySet:
        return self.filter(state=BatchState.PUBLISHED)


class Batch(models.Model):
    """One 公示: drafted by a coordinator, published with a 公示期, withdrawn (with a reason) if it must come down."""

    title = models.CharField(_("公示标题"), max_length=200)
    kind = models.CharField(_("公示类型"), max_length=20, choices=BatchKind.choices)
    state = models.CharField(_("状态"), max_length=20, choices=BatchState.choices, default=BatchState.DRAFT)
    starts_on = models.DateField(_("公示期开始"), null=True, blank=True)
    ends_on = models.DateField(_("公示期结束"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)
    # How many problems were published: frozen with the items, so the public list counts nothing per request.
    item_count = models.PositiveIntegerField(_("问题数"), default=0)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        ordering = ["-id"]
        # The public list: published batches, newest 公示期 first.
        indexes = [
            models.Index(fields=["state", "-starts_on", "-id"], name="disclosure_public_list_idx"),
            # How many are published and the newest publication, read from the index alone (the list's version).
            models.Index(fields=["state", "published_at"], name="disclosure_published_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="disclosure_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_for_objections(self, on: dt.date | None = None) -> bool:
        """Objections are taken during the 公示期 only, and never on a draft or a withdrawn batch."""
        day = on or today()
        return (
            self.state == BatchState.PUBLISHED
            and self.starts_on is not None
            and self.ends_on is not None
            and self.starts_on <= day <= self.ends_on
        )

    def period_state(self, on: dt.date | None = None) -> str:
        """公示中 / 未开始 / 已结束, for the public list's badges ("current" and "past" batches)."""
        day = on or today()
        if self.starts_on and day < self.starts_on:
            return "upcoming"
        if self.ends_on and day > self.ends_on:
            return "ended"
        return "current"


class BatchItem(models.Model):
    """A problem in a batch. The public_* columns are the text as published, masked and redacted, so later edits
    of the problem never rewrite what the public was shown; they are empty while the batch is a draft."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    problem = models.ForeignKey("problems.Problem", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    # Words the coordinator chose to hide in this item, on top of the automatic masking.
    redactions = models.JSONField(_("人工隐去的词语"), default=list, blank=True)
    public_number = models.CharField(_("问题编号"), max_length=30, blank=True)
    public_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    public_category = models.CharField(_("问题类别"), max_length=60, blank=True)
    public_category_code = models.CharField(max_length=40, blank=True)
    public_title = models.TextField(_("问题摘要"), blank=True)
    public_measures = models.TextField(_("整改措施"), blank=True)
    public_deadline = models.DateField(_("整改时限"), null=True, blank=True)
    public_status = models.CharField(_("整改状态"), max_length=20, blank=True)
    public_result = models.TextField(_("整改结果"), blank=True)
    is_closed = models.BooleanField(_("已销号"), default=False)
    # 回访 as it stood at publication: how many reporters rated the problem and the share 满意 or 基本满意.
    rated_count = models.PositiveIntegerField(_("回访评价人数"), default=0)
    satisfaction_rate = models.FloatField(_("满意率"), null=True, blank=True)
    received_at = models.DateTimeField(_("收到时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示条目")
        verbose_name_plural = _("公示条目")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "problem"], name="disclosure_item_once")]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.problem_id}"


class ObjectionOutcome(models.TextChoices):
    """How a coordinator settled an objection. 撤回 takes the whole batch down: a published item cannot be pulled
    alone (its batch is frozen at publication), so a corrected batch is published again instead."""

    NOT_UPHELD = "not_upheld", _("异议不成立")
    CORRECTED = "corrected", _("异议成立，已更正")
    WITHDRAWN = "withdrawn", _("异议成立，撤回本批公示")


class Objection(models.Model):
    """异议: a member of the public disputes an item during its 公示期. No IP or device data is kept.
    A coordinator answers it once: the outcome and a reply, with who and when."""

    item = models.ForeignKey(BatchItem, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("异议内容"))
    # The objector's phone or address: personal data, encrypted at rest like a reporter's (taizhang.intake.personal);
    # its length is checked by the action.
    contact = EncryptedTextField(_("联系方式"), blank=True)
    created_at = models.DateTimeField(_("提交时间"))
    outcome = models.CharField(_("处理结果"), max_length=20, choices=ObjectionOutcome.choices, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Answered means all three: an outcome, the one who answered and when.
            models.CheckConstraint(
                condition=(models.Q(outcome="") & models.Q(answered_at__isnull=True))
                | (~models.Q(outcome="") & models.Q(answered_at__isnull=False) & models.Q(answered_by__isnull=False)),
                name="disclosure_objection_answered_whole",
            )
        ]

    def __str__(self) -> str:
        return self.text[:20]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
