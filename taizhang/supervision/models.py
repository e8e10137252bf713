"""督办: the working-day calendar, time-limit rules, the escalation ladder, its numbered forms, notifications
and accountability."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import UnitKind
from taizhang.lib.workdays import Arrangement, parse_arrangement
from taizhang.problems.models import RectificationKind


class CalendarYear(models.Model):
    """One year's 节假日安排 typed in by an administrator; it replaces the shipped one for that year, if any."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    holidays = models.TextField(
        _("放假安排"), help_text=_("每行一个节日：节日名 开始日期 至 结束日期，如“春节 2027-02-06 至 2027-02-13”")
    )
    makeup_days = models.TextField(
        _("调休上班日"), blank=True, help_text=_("每行一个：节日名 日期，如“春节 2027-02-14”")
    )
    source = models.CharField(_("文件依据"), max_length=100, blank=True, help_text=_("如 国办发明电〔2026〕7号"))
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"

    def arrangement(self) -> Arrangement:
        return parse_arrangement(self.year, self.holidays, self.makeup_days)


class TimeLimitRule(models.Model):
    """Time limits in working days for a category and/or a rectification kind; the most specific rule wins."""

    category = models.ForeignKey(
        "problems.Category", verbose_name=_("问题类别"), null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("整改类型"), max_length=20, choices=RectificationKind.choices, blank=True)
    sign_workdays = models.PositiveSmallIntegerField(_("签收时限（工作日）"), default=1)
    plan_workdays = models.PositiveSmallIntegerField(_("报送整改方案时限（工作日）"), default=3)
    rectify_workdays = models.PositiveSmallIntegerField(_("整改时限（工作日）"), default=7)
    report_every_days = models.PositiveSmallIntegerField(
        _("定期报告间隔（日）"), default=0, help_text=_("0 表示无需定期报告")
    )
    warn_workdays = models.PositiveSmallIntegerField(_("黄灯提前量（工作日）"), default=3)
    max_extensions = models.PositiveSmallIntegerField(_("最多延期次数"), default=2)
    max_extension_workdays = models.PositiveSmallIntegerField(_("累计延期上限（工作日）"), default=15)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["category_id", "kind"]
        # Unique per (category, kind) with "any" as a value: checked by the admin form, since SQLite cannot
        # declare NULLS NOT DISTINCT.

    def __str__(self) -> str:
        return f"{self.category or '全部类别'} · {self.get_kind_display() or '全部类型'}"


class Trigger(models.TextChoices):
    ON_ASSIGN = "on_assign", _("交办时")
    BEFORE_DEADLINE = "before_deadline", _("到期前N个工作日")
    AFTER_DEADLINE = "after_deadline", _("超期N个工作日")
    ON_CLOSE = "on_close", _("销号时")
    SIGN_OVERDUE = "sign_overdue", _("超过签收时限N个工作日未签收")
    PERIODIC_REPORT = "periodic_report", _("长期坚持问题按规则定期报告")
    PLAN_DUE = "plan_due", _("整改方案报送时限前N个工作日仍未报送")
    PLAN_OVERDUE = "plan_overdue", _("超过整改方案报送时限N个工作日未报送")
    UNIT_BACKLOG = "unit_backlog", _("单位超期问题达到N个")


class FormKind(models.TextChoices):
    FORECAST = "forecast", _("问题预报单")
    SOLVED_REPORT = "solved_report", _("解决问题报告单")
    SUPERVISION_NOTICE = "supervision_notice", _("问题整改督办单")
    CRITICISM = "criticism", _("问题通报批评单")
    ORG_ADJUSTMENT = "org_adjustment", _("组织调整建议单")
    RECTIFICATION_NOTICE = "rectification_notice", _("整改通知单")


class Rung(models.Model):
    """One rung of the escalation ladder (三制五单 by default). Higher `level` rungs never fire before lower."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    level = models.PositiveSmallIntegerField(_("级别"), help_text=_("督办升级的级别；0 为提醒，不计入升级"))
    trigger = models.CharField(_("触发条件"), max_length=20, choices=Trigger.choices)
    offset_workdays = models.PositiveSmallIntegerField(_("N（工作日或个数）"), default=0)
    form_kind = models.CharField(_("文书"), max_length=30, choices=FormKind.choices, blank=True)
    is_red = models.BooleanField(_("红灯事项"), default=False, help_text=_("订阅该单位红灯事项的领导会收到通知"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("督办阶梯")
        verbose_name_plural = _("督办阶梯")
        ordering = ["level", "id"]

    def __str__(self) -> str:
        return self.name


class FormTemplate(models.Model):
    """The wording of one kind of form; the layout (版头, 发文字号, 主送, 落款) is fixed by the generator."""

    kind = models.CharField(_("文书"), max_length=30, choices=FormKind.choices, unique=True)
    header = models.CharField(_("版头"), max_length=40, help_text=_("红色版头，如“青溪县教育局督查督办”"))
    number_prefix = models.CharField(
        _("发文字号代字"), max_length=20, help_text=_("如“青教督”，生成 青教督〔2026〕12号")
    )
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(_("正文"), help_text=_("可用占位符见下方说明，用 {占位符} 书写"))
    issuer = models.CharField(_("落款"), max_length=60)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class DocumentCounter(models.Model):
    """The last 发文字号 issued per year and kind; locked while a number is taken, so numbers have no gaps."""

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=FormKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("发文字号计数")
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="one_counter_per_year_kind")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.last_number}"


class ActionState(models.TextChoices):
    ISSUED = "issued", _("已发出")
    # Recorded but not sent: on a catch-up the ladder issues only the highest rung still due and one current
    # reminder per problem; what it passed over is kept here, so it never fires later either.
    SKIPPED = "skipped", _("已合并，未单独发出")
    DRAFT = "draft", _("草稿，待审批")  # 通报批评单 and 组织调整建议单 wait for a coordinator's or leader's approval
    WITHDRAWN = "withdrawn", _("审批未通过，未印发")


class SupervisionAction(models.Model):
    """One rung fired for a problem (or, for 整改通知单, a unit), with its numbered document frozen at issue."""

    problem = models.ForeignKey(
        "problems.Problem", null=True, blank=True, on_delete=models.PROTECT, related_name="supervision_actions"
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("主送单位"), on_delete=models.PROTECT, related_name="+")
    rung = models.ForeignKey(Rung, verbose_name=_("督办阶梯"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField(default=0, help_text=_("第几轮交办/重办"))
    deadline = models.DateField(_("针对的整改时限"), null=True, blank=True)
    lapse = models.CharField(max_length=20, blank=True, help_text=_("提醒按整改时限区分；升级与文书每轮一次"))
    period = models.CharField(max_length=10, blank=True, help_text=_("单位级文书的周期，如 2026-11"))
    due_on = models.DateField(_("应督办日期"))
    fired_at = models.DateTimeField(_("生成时间"))
    form_kind = models.CharField(_("文书"), max_length=30, choices=FormKind.choices, blank=True)
    doc_year = models.PositiveSmallIntegerField(null=True, blank=True)
    doc_seq = models.PositiveIntegerField(null=True, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=40, blank=True)
    header = models.CharField(_("版头"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=60, blank=True)
    recipient = models.CharField(_("主送"), max_length=100)
    body = models.TextField(_("正文"), blank=True)
    issuer = models.CharField(_("落款"), max_length=60, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=ActionState.choices, default=ActionState.ISSUED)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True, help_text=_("文书落款日期，也是文号的年度"))
    reviewed_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    reply = models.TextField(_("回复"), blank=True, help_text=_("责任单位对督办文书的情况说明和整改措施"))
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-due_on", "-id"]
        constraints = [
            # The database's own guarantee that a rung fires once per lapse, whatever the schedulers do.
            models.UniqueConstraint(
                fields=["problem", "rung", "round", "lapse"],
                condition=Q(problem__isnull=False),
                name="rung_once_per_lapse",
            ),
            models.UniqueConstraint(
                fields=["unit", "rung", "period"], condition=Q(problem__isnull=True), name="unit_rung_once_per_period"
            ),
            models.UniqueConstraint(
                fields=["doc_year", "form_kind", "doc_seq"],
                condition=Q(doc_seq__isnull=False),
                name="document_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-due_on"], name="supervision_unit_idx"),
            models.Index(fields=["state", "fired_at"], name="supervision_state_idx"),
        ]

    def __str__(self) -> str:
        return self.doc_number or f"{self.rung} {self.due_on}"

    @property
    def has_document(self) -> bool:
        return bool(self.doc_number)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不批准")


class ExtensionRequest(models.Model):
    """延期: the unit asks with a reason, the coordinator approves; capped per time-limit rule and counted."""

    problem = models.ForeignKey("problems.Problem", on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    reason = models.TextField(_("延期理由"))
    old_deadline = models.DateField(_("原整改时限"))
    new_deadline = models.DateField(_("申请延至"))
    status = models.CharField(
        _("审批状态"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=Q(status="pending"), name="one_pending_extension_per_problem"
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.new_deadline}"


class Notification(models.Model):
    """One message in a user's in-app inbox (站内消息). A red item's SMS goes out after commit; email comes once a day
    as one digest per person (`notify.send_digests`), so nobody gets forty mails from one sweep."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    problem = models.ForeignKey("problems.Problem", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件汇总发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-id"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "-id"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class RedItemSubscription(models.Model):
    """A leader follows the red items (超期督办 and above) of one unit, or of a whole group of units ("all schools"),
    which takes in the units added to that group later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit_kind = models.CharField(_("单位类别"), max_length=20, choices=UnitKind.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("红灯事项订阅")
        verbose_name_plural = _("红灯事项订阅")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_subscription_per_unit"),
            models.UniqueConstraint(
                fields=["user", "unit_kind"], condition=~Q(unit_kind=""), name="one_subscription_per_unit_kind"
            ),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(unit_kind="")) | (Q(unit__isnull=True) & ~Q(unit_kind="")),
                name="subscription_to_a_unit_or_a_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit or self.get_unit_kind_display()}"


class Instruction(models.Model):
    """领导批示: a leader's instruction to a unit — on a problem (to the unit that leads it), or on the unit's work as
    a whole (no problem: written from the 驾驶舱). The unit answers once with how it carried it out (办理情况); until
    then it waits in the leader's 待办 and in the unit's, against its reply date."""

    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
        help_text=_("不填为对单位的批示"),
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("批示对象"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批示领导"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("批示内容"))
    created_at = models.DateTimeField(_("批示时间"))
    reply_due_on = models.DateField(_("回复时限"))
    reply = models.TextField(_("办理情况"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["created_at", "id"]
        indexes = [
            # the 待办 of a unit and of a leader: what is still unanswered
            models.Index(
                fields=["unit", "reply_due_on"], condition=Q(replied_at__isnull=True), name="instruction_open_idx"
            ),
            models.Index(fields=["author", "reply_due_on"], name="instruction_author_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author} 批示 {self.problem_id or self.unit_id}"

    def state_on(self, on: dt.date) -> str:
        """replied / overdue (unanswered past its reply date) / waiting — the states the lists filter by."""
        if self.replied_at is not None:
            return "replied"
        return "overdue" if self.reply_due_on < on else "waiting"


class Sanction(models.TextChoices):
    EFFICIENCY_WARNING = "efficiency_warning", _("效能告诫")
    WRITTEN_SELF_CRITICISM = "written_self_criticism", _("书面检查")
    PUBLIC_CRITICISM = "public_criticism", _("通报批评")
    NO_AWARDS = "no_awards", _("取消评先资格")
    FINANCIAL_PENALTY = "financial_penalty", _("经济处罚")
    ORGANISATIONAL = "organisational", _("组织处理")
    DISCIPLINARY = "disciplinary", _("党纪政纪处分")


class BundleRole(models.TextChoices):
    DIRECT = "direct", _("直接责任")
    UNIT = "unit", _("责任单位")
    HEAD = "head", _("主要负责人（捆绑）")
    DEPUTY = "deputy", _("分管领导（捆绑）")


class Accountability(models.Model):
    """问责: a sanction on a named person or a unit. Under the 捆绑式 rule the unit's head and deputy in charge
    are linked to every sanction on the unit or its people (`bundled_with` points at the main record)."""

    problem = models.ForeignKey(
        "problems.Problem", null=True, blank=True, on_delete=models.PROTECT, related_name="accountabilities"
    )
    action = models.ForeignKey(
        SupervisionAction,
        verbose_name=_("相关督办文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("被问责人"), max_length=50, blank=True)
    bundle_role = models.CharField(_("责任类型"), max_length=20, choices=BundleRole.choices)
    bundled_with = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="bundled", verbose_name=_("捆绑自")
    )
    sanction = models.CharField(_("问责方式"), max_length=30, choices=Sanction.choices)
    reason = models.TextField(_("问责事由"))
    decided_on = models.DateField(_("决定日期"))
    decision_number = models.CharField(
        _("问责文号"), max_length=60, blank=True, help_text=_("纪检组问责决定的文号，如 青纪〔2026〕12号")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["-recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.person_name or self.unit} {self.get_sanction_display()}"


class SchedulerJob(models.Model):
    """A once-a-day job of the scheduler (the unit backlog check, the email digest), claimed by a conditional
    UPDATE."""

    name = models.CharField(max_length=40, unique=True)
    last_run_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def claim(cls, name: str, day: dt.date) -> bool:
        """Whether this process runs the job for `day`: the first to move last_run_on to it does, any other
        scheduler (or a second run the same day) does not."""
        cls.objects.get_or_create(name=name)
        updated = cls.objects.filter(name=name).filter(Q(last_run_on__isnull=True) | Q(last_run_on__lt=day))
        return updated.update(last_run_on=day) > 0
