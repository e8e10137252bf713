"""The public face's own rows: photos sent with a public opinion, and the rate-limit counters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpinionPhoto(models.Model):
    """A photo a member of the public sent with an opinion, as re-encoded by us (a JPEG with no EXIF):
    the sender's original file is never stored."""

    opinion = models.ForeignKey("intake.Opinion", on_delete=models.CASCADE, related_name="public_photos")
    file = models.FileField(upload_to="public/photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("群众上传的照片")
        verbose_name_plural = _("群众上传的照片")
        ordering = ["opinion", "id"]

    def __str__(self) -> str:
        return f"{self.opinion_id}/{self.pk}"


class RateCounter(models.Model):
    """One fixed window of one rate limit: how many times `key` (a scope and a keyed hash, never an address
    in clear) was seen in the window starting at `bucket` (epoch seconds). Rows past `expires_at` are
    deleted as new windows open. See taizhang.public.limits."""

    key = models.CharField(max_length=80)
    bucket = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "bucket"], name="rate_counter_once")]

    def __str__(self) -> str:
        return f"{self.key}@{self.bucket}={self.count}"


class TimelineSnapshot(models.Model):
    """An opinion's follow page as last built, per language, so that a reporter checking their code again reads
    one row instead of rebuilding the timeline from the audit trail (seven queries). See
    taizhang.public.snapshots: every audit event on the opinion or its problems raises `generation`; the
    snapshot is used only while `built_generation` equals it (and is younger than a day, for edits that
    bypass the trail, such as renaming a unit)."""

    opinion = models.OneToOneField(
        "intake.Opinion", on_delete=models.CASCADE, primary_key=True, related_name="timeline_snapshot"
    )
    generation = models.BigIntegerField(default=0)
    built_generation = models.BigIntegerField(default=-1)
    built_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict)  # language code → the timeline as plain JSON

    class Meta:
        verbose_name = _("进度查询缓存")
        verbose_name_plural = _("进度查询缓存")

    def __str__(self) -> str:
        return f"{self.opinion_id}@{self.generation}"
