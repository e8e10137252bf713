"""The dashboard's rollups: the ledger's counts kept per day, so the whole body's 驾驶舱 reads a few thousand rows
instead of every problem and opinion. They are never the record — each row is recomputed from the ledger's own
rows (the same `Term` conditions the raw figures use) whenever a database trigger has marked its day as changed
(taizhang.dashboard.rollups explains the marks, the refresh and why they stay exact).

Keys are Beijing dates: a problem's 立项 day (`created_at`), an opinion's day of receipt (`received_at`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupMark(models.Model):
    """A day whose rollups are stale, written by the triggers in the same transaction as the change. `day` NULL
    means every day (a category moved to another group). Rows are only inserted, never updated, so writers never
    wait on each other; a refresh deletes exactly the marks it read."""

    PROBLEMS = "p"
    OPINIONS = "o"

    kind = models.CharField(max_length=1)
    day = models.DateField(null=True)

    class Meta:
        verbose_name = _("统计待刷新标记")
        verbose_name_plural = _("统计待刷新标记")

    def __str__(self) -> str:
        return f"{self.kind} {self.day or '*'}"


class ProblemDay(models.Model):
    """Per 立项 day and campaign: every count of the problems that does not depend on today (by status, kind,
    category group and the day-independent terms, with 满意率's ratings), as {key: n}."""

    day = models.DateField()
    campaign_id = models.BigIntegerField()
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("问题日统计")
        verbose_name_plural = _("问题日统计")
        constraints = [models.UniqueConstraint(fields=["day", "campaign_id"], name="problemday_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.campaign_id}"


class OpenCell(models.Model):
    """Per 立项 day: the problems whose standing changes with the date alone — 在办 with a deadline (overdue, due,
    lights, overdue by unit) and 待签收 past or before its 签收时限 (应签收) — counted by the columns that decide it.
    `sign_due_on` is kept only for a problem still waiting to be signed for; otherwise NULL."""

    day = models.DateField()
    campaign_id = models.BigIntegerField()
    lead_unit_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=20)
    deadline = models.DateField(null=True)
    sign_due_on = models.DateField(null=True)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("在办问题日统计")
        verbose_name_plural = _("在办问题日统计")
        indexes = [models.Index(fields=["day"], name="opencell_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.status} {self.deadline}: {self.n}"


class DoneDay(models.Model):
    """Per 立项 day: the 办结 problems counted by the Beijing day of their 验收 (closed_at), for the trend."""

    day = models.DateField()
    campaign_id = models.BigIntegerField()
    closed_on = models.DateField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("办结日统计")
        verbose_name_plural = _("办结日统计")
        indexes = [models.Index(fields=["day"], name="doneday_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} → {self.closed_on}: {self.n}"


class OpinionDay(models.Model):
    """Per day of receipt: opinions by campaign, channel, whether any problem is behind them (`linked`) and the
    category groups of the problems behind them (`groups`, one bit per CategoryGroup in declaration order)."""

    day = models.DateField()
    campaign_id = models.BigIntegerField()
    channel = models.CharField(max_length=30)
    linked = models.BooleanField()
    groups = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("意见日统计")
        verbose_name_plural = _("意见日统计")
        indexes = [models.Index(fields=["day"], name="opinionday_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.n}"
