from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("局机关")
    OFFICE = "office", _("股室")
    SCHOOL = "school", _("学校")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    INSPECTION_GROUP = "inspection_group", _("督导组")


class Unit(models.Model):
    """A node of the organisation tree: the bureau, its offices, schools and inspection groups."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("主要负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deputy = models.ForeignKey(
        "accounts.User", verbose_name=_("分管领导"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_private = models.BooleanField(
        _("民办"), default=False, help_text=_("民办学校、民办幼儿园：智能梳理按民办单位派单（派单目录中“民办”一类）。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another name a file uses for a unit (县教育局, 县一中, 一中): learned when an importer maps it once."""

    name = models.CharField(_("别名"), max_length=100, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("牵头部门")
    UNIT_OFFICER = "unit_officer", _("责任单位联络员")
    UNIT_HEAD = "unit_head", _("单位负责人")
    INSPECTOR = "inspector", _("督导组")
    LEADER = "leader", _("局领导")
    DISCIPLINE = "discipline", _("纪检组")
    ADMIN = "admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Roles that see every problem of the campaign; unit roles see only their own unit's.
BUREAU_WIDE_ROLES = frozenset({Role.COORDINATOR, Role.INSPECTOR, Role.LEADER, Role.DISCIPLINE, Role.ADMIN})
UNIT_ROLES = frozenset({Role.UNIT_OFFICER, Role.UNIT_HEAD})
VERIFIER_ROLES = frozenset({Role.COORDINATOR, Role.INSPECTOR})
# 三权分立 (等保 level 3): the system administrator keeps users, units and configuration; the security administrator
# alone changes roles and permissions (纪检组 with a second one's confirmation); the audit administrator reads the
# trail and changes nothing. Neither of the last two sees any problem or opinion.
ADMINISTRATOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Who must give a TOTP code after the password (taizhang.accounts.twofactor); superusers too.
TOTP_ROLES = frozenset({*ADMINISTRATOR_ROLES, Role.DISCIPLINE})


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.UNIT_OFFICER)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # Set when an administrator gives a password (a new account, a reset): the user must change it before anything
    # else (accounts.sessions). Their own change clears it.
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def is_bureau_wide(self) -> bool:
        return self.role in BUREAU_WIDE_ROLES

    def is_unit_role(self) -> bool:
        return self.role in UNIT_ROLES


class TokenScope(models.TextChoices):
    """What a token may do, on top of what its user's role may (taizhang.accounts.auth)."""

    INTAKE = "intake", _("登记意见（只能提交意见、查看所提交意见）")
    READ = "read", _("只读")
    FULL = "full", _("与所属用户相同")


class ApiToken(models.Model):
    """A bearer token for a system integration (a 12345 hotline feed, a web form). Only its hash is kept. It has a
    scope (a hotline feed registers opinions and nothing else) and an expiry date."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    scope = models.CharField(_("权限范围"), max_length=10, choices=TokenScope.choices, default=TokenScope.INTAKE)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginThrottle(models.Model):
    """Password attempts against one account, or failures from one address, in the current 30-minute window
    (taizhang.accounts.lockout). `key` is `account:<username>` or `ip:<keyed hash>`, never an address in clear."""

    key = models.CharField(max_length=200, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录限制")
        verbose_name_plural = _("登录限制")

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"


class PasswordHistory(models.Model):
    """A user's recent password hashes, so a new password is none of the last five (accounts.passwords)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d}"


class RoleGrant(models.Model):
    """A request to give someone the 纪检组 role (who may unmask a 举报's reporter): it takes effect only when a
    second security administrator, neither the requester nor the person, confirms it (两人授权, 等保 三权分立)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    confirmed_by = models.ForeignKey(
        User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权申请")
        verbose_name_plural = _("角色授权申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()}"


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238, taizhang.accounts.twofactor). The secret is sealed (lib.secretbox)
    and never shown again after enrolment; `last_step` is the newest time step used, so a code is accepted once."""

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="totp_device")
    sealed_secret = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField(_("启用时间"))
    last_step = models.BigIntegerField(default=0)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令")
        verbose_name_plural = _("动态口令")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """One of a user's ten one-time recovery codes (恢复码), for a lost phone; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.code_hash[:8]}"
