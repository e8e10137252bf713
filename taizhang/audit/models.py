from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    OPINION_RECEIVED = "opinion_received", _("登记意见")
    OPINIONS_IMPORTED = "opinions_imported", _("批量导入意见")
    PROBLEM_CREATED = "problem_created", _("立项")
    OPINION_LINKED = "opinion_linked", _("归并意见")
    OPINION_DISMISSED = "opinion_dismissed", _("不予立项")
    PROBLEM_ASSIGNED = "problem_assigned", _("交办")
    PROBLEM_SIGNED = "problem_signed", _("签收")
    PROBLEM_RETURNED = "problem_returned", _("退单")
    PROGRESS_REPORTED = "progress_reported", _("报告整改进展")
    CLOSURE_APPLIED = "closure_applied", _("申请销号")
    MILESTONE_DONE = "milestone_done", _("完成路线图节点")
    CLOSURE_APPROVED = "closure_approved", _("单位负责人审核通过销号申请")
    CLOSURE_SENT_BACK = "closure_sent_back", _("单位负责人退回销号申请")
    VERIFIER_NAMED = "verifier_named", _("指定验收人")
    CLOSURE_ACCEPTED = "closure_accepted", _("验收通过，销号")
    CLOSURE_REJECTED = "closure_rejected", _("验收不通过")
    PROBLEM_REOPENED = "problem_reopened", _("重办")
    REPORTER_UNMASKED = "reporter_unmasked", _("查看举报人信息")
    TOKEN_CREATED = "token_created", _("创建接口令牌")
    SUPERVISION_FIRED = "supervision_fired", _("督办")
    SUPERVISION_REVIEWED = "supervision_reviewed", _("审批督办文书")
    SUPERVISION_REPLIED = "supervision_replied", _("回复督办")
    DOCUMENT_SIGNED = "document_signed", _("签收督办文书")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REJECTED = "extension_rejected", _("不批准延期")
    ACCOUNTABILITY_RECORDED = "accountability_recorded", _("记录问责")
    CALENDAR_SAVED = "calendar_saved", _("保存节假日安排")
    SUPERVISION_CONFIG_CHANGED = "supervision_config_changed", _("修改督办配置")
    SUBSCRIPTION_CHANGED = "subscription_changed", _("红灯事项订阅")
    PLAN_SUBMITTED = "plan_submitted", _("报送整改方案")
    PROBLEM_IMPORTED = "problem_imported", _("从台账导入")
    UNIT_CREATED = "unit_created", _("新建单位")
    IMPORT_COMMITTED = "import_committed", _("导入文件")
    IMPORT_PROFILE_SAVED = "import_profile_saved", _("保存导入方案")
    INSTRUCTION_GIVEN = "instruction_given", _("领导批示")
    INSTRUCTION_REPLIED = "instruction_replied", _("回复领导批示")
    FOLLOW_UP_STARTED = "follow_up_started", _("验收通过，待回访")
    RATING_RECORDED = "rating_recorded", _("回访评价")
    CALLBACK_ATTEMPTED = "callback_attempted", _("电话回访未果")
    DISSATISFACTION_REVIEWED = "dissatisfaction_reviewed", _("复核不满意评价")
    FOLLOW_UP_FINISHED = "follow_up_finished", _("回访结束，销号")
    # 公示 (taizhang.disclosure names them DisclosureVerb; here so the trail shows them in words)
    DISCLOSURE_CREATED = "disclosure_created", _("新建公示")
    DISCLOSURE_ITEMS_CHANGED = "disclosure_items_changed", _("调整公示问题")
    DISCLOSURE_REDACTED = "disclosure_redacted", _("公示人工隐去")
    DISCLOSURE_PUBLISHED = "disclosure_published", _("发布公示")
    DISCLOSURE_WITHDRAWN = "disclosure_withdrawn", _("撤回公示")
    DISCLOSURE_OBJECTION = "disclosure_objection", _("公示异议")
    DISCLOSURE_OBJECTION_ANSWERED = "disclosure_objection_answered", _("答复公示异议")
    # 考核 (taizhang.assessment)
    SCHEME_SAVED = "scheme_saved", _("保存考核方案")
    RANKING_PUBLISHED = "ranking_published", _("考核排名定稿")
    SURVEY_CREATED = "survey_created", _("发起民主评议")
    SURVEY_RATERS_ADDED = "survey_raters_added", _("添加民主评议评议人")
    SURVEY_ANSWERED = "survey_answered", _("民主评议答卷")
    SURVEY_CLOSED = "survey_closed", _("结束民主评议")
    # 通报与报表 (taizhang.reports)
    REPORT_GENERATED = "report_generated", _("生成通报报表")
    # 登录 (taizhang.accounts.lockout)
    LOGIN_SUCCEEDED = "login_succeeded", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGIN_LOCKED = "login_locked", _("登录锁定")
    LOGIN_REFUSED = "login_refused", _("锁定期间尝试登录")
    LOGIN_UNLOCKED = "login_unlocked", _("解除登录锁定")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_SET_BY_ADMIN = "password_set_by_admin", _("管理员设置密码")
    ROLE_CHANGED = "role_changed", _("变更角色或权限")
    ROLE_GRANT_REQUESTED = "role_grant_requested", _("申请授予纪检组角色")
    ROLE_GRANT_CONFIRMED = "role_grant_confirmed", _("确认授予纪检组角色")
    AUDIT_PRUNED = "audit_pruned", _("清理保留期外的审计记录")
    # 动态口令 (taizhang.accounts.twofactor); a wrong code is a LOGIN_FAILED with data["factor"] == "totp"
    TOTP_ENROLLED = "totp_enrolled", _("启用动态口令")
    TOTP_RESET = "totp_reset", _("重置动态口令")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("生成恢复码")
    RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码登录")
    # 访问控制 (taizhang.audit.denials)
    ACCESS_DENIED = "access_denied", _("拒绝访问")


class AuditEvent(models.Model):
    """One entry of the tamper-evident trail: each row's hash covers its content and the previous hash."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=100)
    verb = models.CharField(_("操作"), max_length=40, choices=Verb.choices)
    problem = models.ForeignKey(
        "problems.Problem", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    opinion = models.ForeignKey(
        "intake.Opinion", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    summary = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_name} {self.get_verb_display()}"


class AuditHead(models.Model):
    """Single row holding the newest hash; locking it serialises appends so the chain never forks."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash


class AuditCheckpoint(models.Model):
    """Where the trail begins after a pruning (taizhang.audit.retention): the last removed event's id and hash, which
    the first remaining event links to, and how many events were removed up to it. Its MAC (under the audit key)
    makes it as hard to forge as an anchor; deleting the newest checkpoint breaks the first remaining link."""

    at = models.DateTimeField(_("清理时间"))
    before = models.DateField(_("清理此日之前的记录"))
    through_id = models.BigIntegerField(_("清理至第几条"))
    through_hash = models.CharField(max_length=64)
    pruned = models.BigIntegerField(_("累计清理条数"))
    archive_sha256 = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["through_id"]

    def __str__(self) -> str:
        return f"{self.before:%Y-%m-%d} #{self.through_id}"
