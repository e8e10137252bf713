"""回访: after 验收 every reporter of a problem is asked whether it was really fixed and whether they are satisfied —
on the follow page by the receipt code, or by phone from the bureau's callback list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


# 满意率 (the one definition): the share of ratings that are 满意 or 基本满意, over every rating.
CONTENT = (Satisfaction.SATISFIED, Satisfaction.BASIC)


class RatingVia(models.TextChoices):
    FOLLOW_PAGE = "follow_page", _("查询页面")
    PHONE = "phone", _("电话回访")


class Review(models.TextChoices):
    """What the bureau decided on a 不满意: the problem is reopened (重办), or the closure stands, with a reason."""

    PENDING = "pending", _("待复核")
    REOPENED = "reopened", _("已重办")
    UPHELD = "upheld", _("维持销号")


class Rating(models.Model):
    """One reporter's answer for one problem in one round (a round ends at each 重办, and is asked again)."""

    problem = models.ForeignKey("problems.Problem", on_delete=models.PROTECT, related_name="ratings")
    opinion = models.ForeignKey("intake.Opinion", on_delete=models.PROTECT, related_name="ratings")
    round = models.PositiveIntegerField(_("轮次"), default=0, help_text=_("问题的重办次数"))
    fixed = models.BooleanField(_("问题是否已解决"))
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    via = models.CharField(_("回访方式"), max_length=20, choices=RatingVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("回访时间"))
    review = models.CharField(_("复核"), max_length=20, choices=Review.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    review_note = models.TextField(_("复核意见"), blank=True)

    class Meta:
        verbose_name = _("回访评价")
        verbose_name_plural = _("回访评价")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opinion", "problem", "round"], name="one_rating_per_reporter_round")
        ]
        indexes = [
            models.Index(fields=["problem", "round"], name="rating_problem_idx"),
            models.Index(fields=["review"], condition=models.Q(review="pending"), name="rating_pending_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.opinion_id} → {self.problem_id}: {self.get_satisfaction_display()}"


class CallOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("无人接听")
    BUSY = "busy", _("占线/关机")
    WRONG_NUMBER = "wrong_number", _("号码错误")
    DECLINED = "declined", _("拒绝回访")


class CallbackAttempt(models.Model):
    """A phone callback that reached nobody who would answer; the answered ones are Ratings."""

    problem = models.ForeignKey("problems.Problem", on_delete=models.PROTECT, related_name="callback_attempts")
    opinion = models.ForeignKey("intake.Opinion", on_delete=models.PROTECT, related_name="callback_attempts")
    round = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("回访结果"), max_length=20, choices=CallOutcome.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("电话回访记录")
        verbose_name_plural = _("电话回访记录")
        ordering = ["called_at", "id"]
        indexes = [models.Index(fields=["problem", "opinion", "round"], name="callback_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.opinion_id} {self.get_outcome_display()}"
