from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clock import today

if TYPE_CHECKING:
    from taizhang.accounts.models import User


class CategoryGroup(models.TextChoices):
    FOUR_WINDS = "four_winds", _("四风")
    PEOPLE_INTERESTS = "people_interests", _("群众切身利益")
    LAST_MILE = "last_mile", _("服务群众“最后一公里”")
    OTHER = "other", _("其他")


class Category(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    group = models.CharField(_("归类"), max_length=20, choices=CategoryGroup.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NEW = "new", _("待交办")
    ASSIGNED = "assigned", _("待签收")
    RETURNED = "returned", _("已退单")
    RECTIFYING = "rectifying", _("整改中")
    VERIFYING = "verifying", _("待验收")
    # 验收 passed; the reporters are asked whether it is fixed (回访) before the problem closes. The unit's work is
    # done: no light, no 督办.
    FOLLOW_UP = "follow_up", _("待回访")
    CLOSED = "closed", _("已销号")


# ---- The one vocabulary (口径) --------------------------------------------------------------------------------
# Every page, count, light, export, sweep, dashboard and ranking asks these, never its own list of statuses.

# 待交办: with the coordinator, no unit holds it (new, or 退单 and not yet assigned again). A returned problem keeps
# the deadline of the assignment it was returned from, but no clock runs on it: it is neither lit nor overdue.
UNASSIGNED_STATUSES = (Status.NEW, Status.RETURNED)
# 在办: a unit holds it and its deadline runs — signed for or not, under rectification, or applied for 销号 and
# awaiting 验收. Exactly these have a light (绿/黄/红) and can be overdue.
ACTIVE_STATUSES = (Status.ASSIGNED, Status.RECTIFYING, Status.VERIFYING)
# 办结: the unit's work is over — 验收 passed (待回访, waiting for the reporters) or closed. Neither lit nor overdue.
DONE_STATUSES = (Status.FOLLOW_UP, Status.CLOSED)


class Source(models.TextChoices):
    SELF_FOUND = "self_found", _("自查发现")
    EXPOSED = "exposed", _("他人反映")


class RectificationKind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    TIME_LIMITED = "time_limited", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class LocalDayEnd(models.Func):
    """The first moment after a date column's day in the bureau's time zone (TIME_ZONE), as a datetime: `at <
    LocalDayEnd("deadline")` is "on or before the deadline, as a Beijing date" without converting every row's time
    (which on SQLite is a Python call per row)."""

    output_field = models.DateTimeField()
    arity = 1

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL and others
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql} + 1)::timestamp AT TIME ZONE %s)", [*params, settings.TIME_ZONE]

    def as_sqlite(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        # SQLite keeps datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares as text. The zone's
        # offset is taken once: exact for zones without summer time, such as Asia/Shanghai.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime({sql}, '+1 day', '{-_utc_offset_minutes():+d} minutes')", params


class LocalDate(models.Func):
    """A datetime column's date in the bureau's time zone, computed by the database itself (Django's TruncDate
    calls Python for every row on SQLite): for counting by day, week or month over 100,000 rows."""

    output_field = models.DateField()
    arity = 1

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL and others
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, settings.TIME_ZONE]

    def as_sqlite(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{_utc_offset_minutes():+d} minutes')", params


def _utc_offset_minutes() -> int:
    """TIME_ZONE's offset, taken once: exact for zones without summer time, such as Asia/Shanghai."""
    offset = dt.datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset() or dt.timedelta()
    return int(offset.total_seconds() // 60)


def is_overdue(status: str, deadline: dt.date | None, on: dt.date) -> bool:
    """`Term.overdue` for values already read (a loaded row, an export row)."""
    return deadline is not None and status in ACTIVE_STATUSES and deadline < on


class Term:
    """The definitions, as conditions usable in `.filter()` and in `Count(..., filter=...)` alike, so a list, a
    count and a rate of the same term can never disagree. `ProblemQuerySet` has one method per term."""

    @staticmethod
    def open() -> Q:
        """未销号: not yet closed — everything but 已销号, 待回访 included (it is closed only after the 回访)."""
        return ~Q(status=Status.CLOSED)

    @staticmethod
    def active() -> Q:
        """在办: a unit holds it and its deadline runs (ACTIVE_STATUSES)."""
        return Q(status__in=ACTIVE_STATUSES)

    @staticmethod
    def done() -> Q:
        """办结: the unit's work is over — 待回访 or 已销号 (DONE_STATUSES)."""
        return Q(status__in=DONE_STATUSES)

    @staticmethod
    def closed() -> Q:
        """已销号 (closed): status 已销号. 待回访 is done but not yet closed."""
        return Q(status=Status.CLOSED)

    @staticmethod
    def overdue(on: dt.date) -> Q:
        """已超期 on day `on`: 在办 and its deadline lies before `on` (the deadline day itself is still in time).
        The same problems as the red light (红灯)."""
        return Q(status__in=ACTIVE_STATUSES, deadline__lt=on)

    @staticmethod
    def overdue_unapplied(on: dt.date) -> Q:
        """超期未申请销号: overdue, and the unit has not applied for 销号 yet (signed for or not, still rectifying).
        What the 整改通知单 and the leaders' red-item watch chase: an overdue problem awaiting 验收 is the bureau's
        to decide, not the unit's to finish."""
        return Q(status__in=(Status.ASSIGNED, Status.RECTIFYING), deadline__lt=on)

    @staticmethod
    def done_on_time() -> Q:
        """按期办结: 办结, and 验收 passed (closed_at, the 销号 decision) on or before the deadline of the current
        round, both as Beijing dates. A problem without a deadline is neither on time nor late."""
        return Q(status__in=DONE_STATUSES, deadline__isnull=False, closed_at__lt=LocalDayEnd("deadline"))

    @staticmethod
    def due(on: dt.date) -> Q:
        """应办结 on day `on` (the denominator of 按期办结率): 办结 with a deadline, or overdue — every problem whose
        being on time is already decided. A problem still in time is not counted either way."""
        return Q(status__in=DONE_STATUSES, deadline__isnull=False) | Term.overdue(on)

    @staticmethod
    def reopened() -> Q:
        """重办过 (reopened): reopened at least once after 验收 (a 不满意 found true, or a look-back)."""
        return Q(reopen_count__gt=0)

    @staticmethod
    def ever_done() -> Q:
        """验收通过过 (the denominator of 重办率): 办结 now, or reopened (so it passed 验收 before)."""
        return Term.done() | Term.reopened()

    @staticmethod
    def assigned_ever() -> Q:
        """交办过: assigned to a unit at least once (it has a 交办时间), whatever its status now."""
        return Q(assigned_at__isnull=False)

    @staticmethod
    def returned() -> Q:
        """退单过 (回退, returned): a lead unit returned it (退单) at least once (returned_count, kept by
        do_return_problem beside its audit event)."""
        return Q(returned_count__gt=0)

    @staticmethod
    def self_found() -> Q:
        """自查发现 (self-found): found by the unit itself (source 自查发现), as decided at intake."""
        return Q(source=Source.SELF_FOUND)

    @staticmethod
    def signed() -> Q:
        """已签收: the lead unit signed for its current assignment (signed_at, cleared at each 交办). A problem
        brought in from an old 台账 was never signed for here and is not counted."""
        return Q(signed_at__isnull=False)

    @staticmethod
    def signed_on_time() -> Q:
        """签收及时 (signed on time): signed for the current assignment on or before its 签收时限 (sign_due_on),
        as a Beijing date."""
        return Q(signed_at__isnull=False, sign_due_on__isnull=False, signed_at__lt=LocalDayEnd("sign_due_on"))

    @staticmethod
    def sign_due(on: dt.date) -> Q:
        """应签收 on day `on` (the denominator of 签收及时率): signed for, or still 待签收 past its 签收时限."""
        return Term.signed() | Q(status=Status.ASSIGNED, sign_due_on__lt=on)

    @staticmethod
    def followed_up() -> Q:
        """经回访: 办结 after a 回访 of its reporters (it passed 验收 into 待回访: it came from the public)."""
        return Q(status__in=DONE_STATUSES, follow_up_due_on__isnull=False)

    @staticmethod
    def follow_up_verified() -> Q:
        """回访核实 (follow-up verified): 经回访, and at least one reporter answered in this round (a rating of
        the current round) — the 回访 reached the people instead of the window running out."""
        from taizhang.followup.models import Rating

        answered = Rating.objects.filter(problem=OuterRef("pk"), round=OuterRef("reopen_count"))
        return Term.followed_up() & Q(Exists(answered))


class ProblemQuerySet(models.QuerySet["Problem"]):
    """One method per term of the vocabulary (`Term`)."""

    def visible_to(self, user: User) -> ProblemQuerySet:
        from taizhang.problems.access import scope_problems

        return scope_problems(self, user)

    def open(self) -> ProblemQuerySet:
        return self.filter(Term.open())

    def active(self) -> ProblemQuerySet:
        return self.filter(Term.active())

    def done(self) -> ProblemQuerySet:
        return self.filter(Term.done())

    def closed(self) -> ProblemQuerySet:
        return self.filter(Term.closed())

    def overdue(self, on: dt.date | None = None) -> ProblemQuerySet:
        return self.filter(Term.overdue(on or today()))

    def overdue_unapplied(self, on: dt.date | None = None) -> ProblemQuerySet:
        return self.filter(Term.overdue_unapplied(on or today()))

    def done_on_time(self) -> ProblemQuerySet:
        return self.filter(Term.done_on_time())

    def due(self, on: dt.date | None = None) -> ProblemQuerySet:
        return self.filter(Term.due(on or today()))

    def reopened(self) -> ProblemQuerySet:
        return self.filter(Term.reopened())

    def returned(self) -> ProblemQuerySet:
        return self.filter(Term.returned())

    def self_found(self) -> ProblemQuerySet:
        return self.filter(Term.self_found())

    def signed_on_time(self) -> ProblemQuerySet:
        return self.filter(Term.signed_on_time())

    def follow_up_verified(self) -> ProblemQuerySet:
        return self.filter(Term.follow_up_verified())


class Problem(models.Model):
    """A ledger entry (台账条目). One or more opinions point to it; lead_unit etc. mirror the current assignment."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="problems")
    number = models.CharField(_("问题编号"), max_length=30, unique=True)
    title = models.CharField(_("问题摘要"), max_length=200)
    description = models.TextField(_("问题描述"))
    category = models.ForeignKey(Category, verbose_name=_("问题类别"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    source = models.CharField(_("发现方式"), max_length=20, choices=Source.choices, default=Source.EXPOSED)
    origin_channel = models.CharField(_("问题来源"), max_length=30, blank=True)
    first_received_at = models.DateTimeField(_("最早收到时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("立项时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # Mirrors of the current assignment, kept for scoping, filtering and the 台账 export without joins.
    lead_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    kind = models.CharField(_("整改类型"), max_length=20, choices=RectificationKind.choices, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("整改进度"), default=0)
    latest_progress = models.TextField(_("整改进展"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    # Written by the sign and return actions with their audit events, so the vocabulary's 签收及时 and 回退 are
    # column tests rather than a search of the audit trail per problem.
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True, help_text=_("本次交办的签收时间"))
    returned_count = models.PositiveIntegerField(_("退单次数"), default=0)
    responsible_leader = models.CharField(_("责任领导"), max_length=50, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    # A problem brought in from an existing 整改台账: the file, row, every column as written, and the flags.
    source_record = models.JSONField(_("来源记录"), default=dict, blank=True)
    import_key = models.CharField(max_length=40, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    # Supervision (督办): when the scheduler must next look at this problem, how far up the ladder it has gone
    # in this round (a round starts at each 交办 or 重办), and the 延期 granted.
    next_check_at = models.DateTimeField(null=True, blank=True)
    supervision_round = models.PositiveIntegerField(default=0)
    ladder_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    sign_due_on = models.DateField(_("签收时限"), null=True, blank=True)
    original_deadline = models.DateField(_("原整改时限"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    # 整改方案: due N working days (by rule) after the unit takes the problem up; the ladder watches it until
    # the plan of the current round is in. Both are reset at each 交办 and 重办.
    plan_due_on = models.DateField(_("整改方案报送时限"), null=True, blank=True)
    plan_submitted_at = models.DateTimeField(_("整改方案报送时间"), null=True, blank=True)
    # 回访: after 验收 the problem waits for its reporters' ratings until this day at the latest.
    follow_up_due_on = models.DateField(_("回访截止日期"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="problem_status_idx"),
            models.Index(fields=["lead_unit", "status", "-id"], name="problem_unit_status_idx"),
            models.Index(fields=["campaign", "status", "-id"], name="problem_campaign_status_idx"),
            models.Index(fields=["deadline", "status"], name="problem_deadline_idx"),
            models.Index(fields=["category", "-id"], name="problem_category_idx"),
            # A 立项 day's problems: the 驾驶舱's rollups recount one day at a time (taizhang/dashboard/rollups.py),
            # and the ledger's and reports' 立项 periods.
            models.Index(fields=["created_at"], name="problem_created_idx"),
            # The scheduler's sweep reads only rows with something due: a partial index keeps that tiny.
            models.Index(
                fields=["next_check_at"], condition=models.Q(next_check_at__isnull=False), name="problem_next_check_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"], condition=~models.Q(import_key=""), name="problem_import_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return is_overdue(self.status, self.deadline, on or today())

    def days_overdue(self, on: dt.date | None = None) -> int:
        return (on or today()).toordinal() - self.deadline.toordinal() if self.is_overdue(on) and self.deadline else 0


class Assignment(models.Model):
    """One 交办 of a problem. A reassignment after a return adds a new row; the newest is current."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="assignments")
    lead_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField(
        "accounts.Unit", verbose_name=_("配合单位"), blank=True, related_name="co_assignments"
    )
    responsible_person = models.CharField(_("责任人"), max_length=50)
    measures = models.TextField(_("整改措施"))
    kind = models.CharField(_("整改类型"), max_length=20, choices=RectificationKind.choices)
    deadline = models.DateField(_("整改时限"))
    assigned_at = models.DateTimeField(_("交办时间"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=models.Q(is_current=True), name="one_current_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem.number} → {self.lead_unit}"


class Milestone(models.Model):
    """One step of the 路线图."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    # Marked done by the lead unit, with what was done and its evidence (files attached to the milestone).
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(_("完成情况"), blank=True)

    class Meta:
        verbose_name = _("路线图节点")
        verbose_name_plural = _("路线图节点")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="progress_reports")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"))
    created_at = models.DateTimeField(_("报告时间"))
    # Shown (masked) to the reporters on the follow page; by default a progress report stays inside.
    is_public = models.BooleanField(_("向反映人公开"), default=False)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(percent__lte=100), name="progress_percent_max_100")]

    def __str__(self) -> str:
        return f"{self.problem.number} {self.percent}%"


class RectificationPlan(models.Model):
    """整改方案: the lead unit's plan for one round of a problem, filed (报送备案) once; its substance is judged
    with the results at 验收, so it stops the plan clock on arrival and needs no separate approval."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="plans")
    round = models.PositiveIntegerField(help_text=_("第几轮交办/重办"))
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("整改方案"))
    due_on = models.DateField(_("报送时限"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["problem", "round"], name="one_plan_per_round")]

    def __str__(self) -> str:
        return f"{self.problem.number} 整改方案（第{self.round}轮）"

    def is_late(self) -> bool:
        return self.due_on is not None and timezone.localdate(self.submitted_at) > self.due_on


class ClosureDecision(models.TextChoices):
    PENDING = "pending", _("待验收")
    ACCEPTED = "accepted", _("验收通过")
    REJECTED = "rejected", _("验收不通过")
    SENT_BACK = "sent_back", _("单位负责人退回")


class ClosureStage(models.TextChoices):
    """Where a pending application waits: the unit head, the coordinator (to name a verifier), the verifier."""

    HEAD_REVIEW = "head_review", _("待单位负责人审核")
    AWAITING_VERIFIER = "awaiting_verifier", _("待指定验收人")
    VERIFYING = "verifying", _("待验收")
    DECIDED = "decided", _("已办结")


class ClosureQuerySet(models.QuerySet["ClosureApplication"]):
    def awaiting_review(self) -> ClosureQuerySet:
        return self.filter(decision=ClosureDecision.PENDING, reviewed_at__isnull=True)

    def awaiting_verifier(self) -> ClosureQuerySet:
        return self.filter(decision=ClosureDecision.PENDING, reviewed_at__isnull=False, verifier__isnull=True)

    def with_verifier(self, verifier: User | None = None) -> ClosureQuerySet:
        qs = self.filter(decision=ClosureDecision.PENDING, reviewed_at__isnull=False, verifier__isnull=False)
        return qs.filter(verifier=verifier) if verifier is not None else qs


class ClosureApplication(models.Model):
    """A 销号 application: the unit's summary and evidence, approved by the unit head (单位主要负责人审核), then
    decided by the verifier the coordinator names — never the assigner, the responsible units or the applicant."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="closures")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("申请时间"))
    summary = models.TextField(_("整改完成情况"))
    decision = models.CharField(
        _("验收结论"), max_length=20, choices=ClosureDecision.choices, default=ClosureDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    decision_reason = models.TextField(_("验收意见"), blank=True)
    # 单位主要负责人审核: approval sends it on to the bureau; sending back (with the note) ends the application.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("单位审核时间"), null=True, blank=True)
    review_note = models.TextField(_("单位审核意见"), blank=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closures_to_verify",
    )
    verifier_named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verifier_named_at = models.DateTimeField(_("指定验收人时间"), null=True, blank=True)
    on_site = models.BooleanField(_("现场核查"), default=False)
    site_visited_on = models.DateField(_("现场核查日期"), null=True, blank=True)
    site_place = models.CharField(_("现场核查地点"), max_length=200, blank=True)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["-applied_at", "-id"]
        indexes = [models.Index(fields=["verifier", "decision"], name="closure_verifier_idx")]

    def __str__(self) -> str:
        return f"{self.problem.number} {self.get_decision_display()}"

    @property
    def stage(self) -> ClosureStage:
        if self.decision != ClosureDecision.PENDING:
            return ClosureStage.DECIDED
        if self.reviewed_at is None:
            return ClosureStage.HEAD_REVIEW
        return ClosureStage.AWAITING_VERIFIER if self.verifier_id is None else ClosureStage.VERIFYING


class Attachment(models.Model):
    """An evidence file, stored under MEDIA_ROOT by checksum, attached to a progress report, closure, plan or
    milestone."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")
    progress_report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    closure = models.ForeignKey(
        ClosureApplication, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    plan = models.ForeignKey(
        RectificationPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
