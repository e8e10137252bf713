from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.intake.personal import EncryptedTextField, code_from_seed, new_seed, phone_index, receipt_hash


class Channel(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    ONLINE_FORM = "online_form", _("网上留言")
    SUGGESTION_BOX = "suggestion_box", _("意见箱")
    FORUM = "forum", _("座谈会")
    LEADER_VISIT = "leader_visit", _("领导接访")
    INSPECTION_FEEDBACK = "inspection_feedback", _("督导反馈")
    REPORT = "report", _("举报")
    MEDIA = "media", _("媒体/网帖")
    SELF_INSPECTION = "self_inspection", _("自查")
    COVERT_CHECK = "covert_check", _("明查暗访")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    OTHER = "other", _("其他渠道")


# Channels whose opinions come from a member of the public, so the reporter is owed an answer.
PUBLIC_CHANNELS = frozenset(
    {
        Channel.HOTLINE_12345,
        Channel.ONLINE_FORM,
        Channel.SUGGESTION_BOX,
        Channel.LEADER_VISIT,
        Channel.REPORT,
        Channel.MEDIA,
    }
)


class OpinionStatus(models.TextChoices):
    UNTRIAGED = "untriaged", _("待梳理")
    LINKED = "linked", _("已立项")
    DISMISSED = "dismissed", _("不予立项")


class DismissReason(models.TextChoices):
    NOT_ACCEPTED = "not_accepted", _("不予立项")
    UNTRUE = "untrue", _("反映不属实")


class Opinion(models.Model):
    """One raw submission from one channel, with its own receipt code (查询码) and reporter."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="opinions")
    # The receipt code (查询码) is kept only as a keyed hash, and shown from the seed it is derived from
    # (taizhang.intake.personal): `receipt_code` below.
    receipt_hash = models.CharField(_("查询码（密文散列）"), max_length=64, unique=True, editable=False)
    receipt_seed = models.CharField(max_length=24, blank=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=30, choices=Channel.choices)
    text = models.TextField(_("内容"))
    # Personal data of the reporter, encrypted at rest (taizhang.intake.personal); lengths are checked by the actions.
    reporter_name = EncryptedTextField(_("反映人"), blank=True)
    reporter_phone = EncryptedTextField(_("联系电话"), blank=True)
    # The phone's blind index (keyed HMAC of the digits): how a number is found or compared without decrypting.
    reporter_phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    # A named reporter's address for the receipt code (群众端); personal data like the phone, never kept when anonymous.
    reporter_email = EncryptedTextField(_("电子邮箱"), blank=True)
    # An ID number, where a source gives one (a 12345 work order's 证件号码); never kept when anonymous.
    reporter_id_number = EncryptedTextField(_("证件号码"), blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    concerned_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("涉及单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_ref = models.CharField(_("来源单号"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=20, choices=OpinionStatus.choices, default=OpinionStatus.UNTRIAGED)
    triaged_at = models.DateTimeField(_("梳理时间"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.CharField(_("不予立项原因"), max_length=20, choices=DismissReason.choices, blank=True)
    answer = models.TextField(_("答复"), blank=True, help_text=_("反映人通过查询码可见"))
    problems = models.ManyToManyField(
        "problems.Problem", through="OpinionLink", related_name="opinions", verbose_name=_("对应问题")
    )
    # What an imported file said about this opinion beyond the fields above: {"file", "row", "fields":
    # [[column, value], …] in the file's order, "flags": [..]}. Shown on the opinion's page; empty when typed in.
    source_record = models.JSONField(_("来源记录"), default=dict, blank=True)
    import_key = models.CharField(max_length=40, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="opinion_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="opinion_external_ref_once",
            ),
            # Re-importing a file finds the rows it already brought in by this key, whatever the file is called.
            models.UniqueConstraint(
                fields=["import_key"], condition=~models.Q(import_key=""), name="opinion_import_once"
            ),
        ]

    _given_code = ""

    def __str__(self) -> str:
        return f"{self.receipt_code or self.pk} {self.text[:20]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.seal()
        super().save(*args, **kwargs)

    def seal(self) -> None:
        """Fill what is derived from the personal fields before a write (save does it; bulk inserts call it)."""
        self.reporter_phone_index = phone_index(self.reporter_phone)

    def issue_code(self) -> str:
        """Give this (unsaved) opinion a new receipt code; the unique hash refuses the rare repeat on insert."""
        self.receipt_seed = new_seed()
        code = code_from_seed(self.receipt_seed)
        self.receipt_hash = receipt_hash(code)
        return code

    @property
    def receipt_code(self) -> str:
        """The code as issued; "" for one issued before codes were derived, unless this instance was found by it."""
        return code_from_seed(self.receipt_seed) if self.receipt_seed else self._given_code

    @receipt_code.setter
    def receipt_code(self, code: str) -> None:
        """A code chosen by the caller (tests, benchmarks): hashed; shown again only by this instance."""
        self._given_code = code
        self.receipt_seed = ""
        self.receipt_hash = receipt_hash(code)

    def remember_code(self, code: str) -> None:
        """This instance was looked up by `code`: show it, changing nothing stored."""
        self._given_code = code

    @classmethod
    def with_code(cls, code: str) -> models.QuerySet[Opinion]:
        """The opinion a (normalised) receipt code belongs to: one indexed equality on the hash."""
        return cls.objects.filter(receipt_hash=receipt_hash(code))

    @classmethod
    def with_phone(cls, phone: str) -> models.QuerySet[Opinion]:
        """Opinions left with this phone number, by its blind index."""
        index = phone_index(phone)
        return cls.objects.filter(reporter_phone_index=index) if index else cls.objects.none()

    @property
    def is_whistleblowing(self) -> bool:
        return self.channel == Channel.REPORT


class OpinionLink(models.Model):
    """Opinion → problem. Many opinions may point to one problem (duplicates); one may point to several (split)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="links")
    problem = models.ForeignKey("problems.Problem", on_delete=models.CASCADE, related_name="opinion_links")
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opinion", "problem"], name="opinion_link_once")]
        indexes = [models.Index(fields=["problem", "opinion"], name="opinion_link_problem_idx")]

    def __str__(self) -> str:
        return f"{self.opinion_id} → {self.problem_id}"
