"""考核: schemes (each edit a new, immutable version), the rankings published from them, and 民主评议 surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")
    CUSTOM = "custom", _("自定义")


class Scheme(models.Model):
    """A 考核方案 by name. What it says lives in its versions; the newest is the one in force."""

    name = models.CharField(_("方案名称"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The newest version's number, bumped under a row lock by the action that adds one.
    current_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """One version of a scheme, never changed once written (no action updates it; a ranking points at it)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    definition = models.JSONField(_("方案内容"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("保存时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("考核方案版本")
        verbose_name_plural = _("考核方案版本")
        ordering = ["scheme", "-number"]
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_once")]

    def __str__(self) -> str:
        return f"{self.scheme.name} v{self.number}"


class Ranking(models.Model):
    """A ranking as published (定稿): the version and period it was computed for, and every row as it stood."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="rankings")
    period_key = models.CharField(_("考核期间"), max_length=30)
    starts_on = models.DateField()
    ends_on = models.DateField()
    rows = models.JSONField(_("排名"))
    published_at = models.DateTimeField(_("定稿时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("考核排名")
        verbose_name_plural = _("考核排名")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} {self.period_key}"


class Grade(models.TextChoices):
    """A 民主评议 answer for one unit; points in GRADE_POINTS."""

    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("比较满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


GRADE_POINTS = {Grade.SATISFIED: 100, Grade.FAIRLY: 80, Grade.BASIC: 60, Grade.DISSATISFIED: 0}


class Survey(models.Model):
    """A 民主评议 over chosen units, open from `opens_on` to `closes_on` (inclusive), answered by the public through
    `public_token`'s link or QR code, and by named raters through their own one-time links."""

    title = models.CharField(_("评议名称"), max_length=100)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    units = models.ManyToManyField("accounts.Unit", verbose_name=_("参评单位"), related_name="+")
    public_token = models.CharField(max_length=32, unique=True)
    public_open = models.BooleanField(_("接受群众评议"), default=True)
    closed_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title


class RaterKind(models.TextChoices):
    UNIT = "unit", _("其他单位")
    DEPUTY = "deputy", _("人大代表、政协委员")
    SERVICE_USER = "service_user", _("服务对象")
    OTHER = "other", _("其他")


class SurveyRater(models.Model):
    """A named rater with a personal link that answers once. Only the token's hash is kept: the link is shown
    once, when the rater is added."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="raters")
    name = models.CharField(_("评议人"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=RaterKind.choices)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(_("评议时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评议人")
        verbose_name_plural = _("评议人")
        ordering = ["survey", "id"]

    def __str__(self) -> str:
        return self.name


class AnswerVia(models.TextChoices):
    PUBLIC = "public", _("群众")
    RATER = "rater", _("特邀评议人")


class SurveyAnswer(models.Model):
    """One grade of one unit, by one member of the public (`voter_key`: a keyed hash of the browser's random
    voter id, see taizhang.assessment.surveys) or one named rater."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("评价"), max_length=20, choices=Grade.choices)
    via = models.CharField(_("来源"), max_length=10, choices=AnswerVia.choices)
    rater = models.ForeignKey(SurveyRater, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    voter_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("评议时间"))

    class Meta:
        verbose_name = _("评议答卷")
        verbose_name_plural = _("评议答卷")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "voter_key"], condition=~models.Q(voter_key=""), name="one_public_answer"
            ),
            models.UniqueConstraint(
                fields=["survey", "unit", "rater"], condition=models.Q(rater__isnull=False), name="one_rater_answer"
            ),
            models.CheckConstraint(
                condition=models.Q(rater__isnull=False) | ~models.Q(voter_key=""), name="answer_has_a_person"
            ),
        ]
        indexes = [models.Index(fields=["unit", "created_at"], name="survey_answer_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.get_grade_display()}"
