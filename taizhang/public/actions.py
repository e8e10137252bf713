"""A member of the public submits an opinion: checked, photos cleaned, then received through intake's own
action (one transaction, the same audit event as every other door) — the public face adds no second way in."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from taizhang.accounts.models import Unit, UnitKind
from taizhang.clock import now
from taizhang.errors import ActionError
from taizhang.i18n import join_reasons
from taizhang.intake.actions import MAX_EMAIL_CHARS, OpinionInput, do_receive_opinion
from taizhang.intake.models import Channel, Opinion
from taizhang.lib.images import CleanImage, ImageRejected, reencode_image
from taizhang.problems.actions import Upload
from taizhang.problems.models import Category
from taizhang.public.models import OpinionPhoto
from taizhang.supervision.notify import sms_sender

MAX_TEXT_CHARS = 2000  # a phone message, not a report; the hotline's forms are shorter still
MAX_PLACE_CHARS = 100
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 50-megapixel camera; beyond that it is a decompression bomb
PHOTO_SIDE = 2560  # enough to read a notice on a wall, small enough for a county server's disk
_PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")

# Who the audit trail names for a public submission (there is no user).
PUBLIC_ACTOR = "群众（群众端）"


@dataclass(frozen=True)
class PublicSubmission:
    text: str
    unit: Unit | None = None
    place: str = ""
    category_hint: str = ""
    whistleblowing: bool = False
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""  # optional, for a named reporter: the receipt code is mailed there; dropped if anonymous
    door: str = "page"  # page or api: where it came in, kept with the opinion's source record


def public_units() -> list[Unit]:
    """Units a citizen may name: schools, kindergartens, offices and the bureau — not inspection groups."""
    return list(
        Unit.objects.filter(is_active=True).exclude(kind=UnitKind.INSPECTION_GROUP).order_by("sort_order", "id")
    )


def category_name(hint: str) -> str:
    """A category code or name → its name; anything else is kept as the reporter wrote it (it is only a hint)."""
    hint = hint.strip()[:50]
    if not hint:
        return ""
    found = Category.objects.filter(is_active=True, code=hint).first() or (
        Category.objects.filter(is_active=True, name=hint).first()
    )
    return found.name if found else hint


def _check_fields(sub: PublicSubmission) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    text = sub.text.strip()
    if not text:
        errors["text"] = [gettext("请填写您要反映的问题。")]
    elif len(text) > MAX_TEXT_CHARS:
        errors["text"] = [
            gettext("内容过长（%(length)d 字），最多 %(max)d 字。") % {"length": len(text), "max": MAX_TEXT_CHARS}
        ]
    if len(sub.place.strip()) > MAX_PLACE_CHARS:
        errors["place"] = [gettext("地点过长，最多 %(max)d 字。") % {"max": MAX_PLACE_CHARS}]
    if sub.unit is not None and (not sub.unit.is_active or sub.unit.kind == UnitKind.INSPECTION_GROUP):
        errors["unit"] = [gettext("请从列表中选择学校或单位。")]
    if not sub.anonymous:
        name, phone = sub.reporter_name.strip(), sub.reporter_phone.strip()
        if not name:
            errors["reporter_name"] = [gettext("实名反映请填写姓名；不愿留名请选择匿名。")]
        elif len(name) > 50:
            errors["reporter_name"] = [gettext("姓名过长。")]
        if not phone:
            errors["reporter_phone"] = [gettext("实名反映请留联系电话，以便核实和回访。")]
        elif not _PHONE.match(phone):
            errors["reporter_phone"] = [gettext("联系电话格式不正确。")]
        if email_error := _email_error(sub.reporter_email.strip()):
            errors["reporter_email"] = [email_error]
    return errors


def _email_error(email: str) -> str:
    if not email:
        return ""
    if len(email) > MAX_EMAIL_CHARS:
        return gettext("电子邮箱过长。")
    try:
        validate_email(email)
    except ValidationError:
        return gettext("电子邮箱格式不正确，如 name@example.com；不需要可不填。")
    return ""


def clean_photos(photos: Sequence[Upload]) -> tuple[list[CleanImage], list[str]]:
    """Every photo decoded and re-encoded before anything is written; the reasons for any refused."""
    if len(photos) > MAX_PHOTOS:
        count = ngettext("最多上传 %(max)d 张照片。", "最多上传 %(max)d 张照片。", MAX_PHOTOS) % {"max": MAX_PHOTOS}
        return [], [count]
    cleaned, refused = [], []
    for photo in photos:
        if photo.size > MAX_PHOTO_BYTES:
            refused.append(
                gettext("照片“%(name)s”超过 %(mb)d MB。") % {"name": photo.name, "mb": MAX_PHOTO_BYTES // 2**20}
            )
            continue
        try:
            cleaned.append(reencode_image(photo.stream, max_pixels=MAX_PHOTO_PIXELS, max_side=PHOTO_SIDE))
        except ImageRejected as exc:
            refused.append(
                gettext("“%(name)s”的像素过多，请缩小后再传。") % {"name": photo.name}
                if exc.reason == "too_many_pixels"
                else gettext("“%(name)s”不是可识别的图片（支持 JPEG、PNG、WebP、GIF）。") % {"name": photo.name}
            )
    return cleaned, refused


def _source_record(sub: PublicSubmission, photo_count: int) -> dict[str, list[list[str]]]:
    """What the form said beyond the opinion's own fields, shown to triage as the opinion's source record.
    Stored in Chinese, like the audit trail: it is the record, not the interface."""
    fields = [["提交方式", "群众端网页" if sub.door == "page" else "群众端接口"]]
    if sub.place.strip():
        fields.append(["涉及地点（反映人填写）", sub.place.strip()])
    if hint := category_name(sub.category_hint):
        fields.append(["问题类别（反映人所选）", hint])
    if photo_count:
        fields.append(["照片", f"{photo_count} 张"])
    return {"fields": fields}


def _store_photos(opinion: Opinion, photos: Sequence[CleanImage], written: list[str]) -> None:
    for image in photos:
        digest = hashlib.sha256(image.data).hexdigest()
        row = OpinionPhoto(
            opinion=opinion,
            width=image.width,
            height=image.height,
            size=len(image.data),
            sha256=digest,
            uploaded_at=now(),
        )
        row.file.save(f"{digest[:32]}.jpg", ContentFile(image.data), save=False)
        written.append(str(row.file.name))
        row.save()


def do_submit_public_opinion(sub: PublicSubmission, photos: Sequence[Upload] = ()) -> Opinion:
    """Check everything first (nothing is written for bad input), then receive the opinion and its photos
    in one transaction. A named reporter is texted (and, if they gave an address, mailed) the receipt code after
    commit.
    Nothing about the sender's connection (address, browser) is passed on or stored."""
    errors = _check_fields(sub)
    cleaned, refused = clean_photos(photos)
    if refused:
        errors["photos"] = refused
    if errors:
        raise ActionError(
            gettext("提交的内容有误：%(reasons)s")
            % {"reasons": join_reasons((e for es in errors.values() for e in es), "")},
            field_errors=errors,
        )
    data = OpinionInput(
        channel=Channel.REPORT if sub.whistleblowing else Channel.ONLINE_FORM,
        text=sub.text,
        reporter_name=sub.reporter_name,
        reporter_phone=sub.reporter_phone,
        reporter_email=sub.reporter_email,  # intake keeps none of the three for an anonymous opinion
        is_anonymous=sub.anonymous,
        concerned_unit=sub.unit,
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            opinion = do_receive_opinion(
                data, actor=None, actor_name=PUBLIC_ACTOR, source_record=_source_record(sub, len(cleaned))
            )
            _store_photos(opinion, cleaned, written)
    except BaseException:
        for name in written:  # the rows rolled back; so do their files
            default_storage.delete(name)
        raise
    if texts_receipt_code(opinion):
        transaction.on_commit(lambda: _text_receipt_code(opinion))
    if emails_receipt_code(opinion):
        transaction.on_commit(lambda: _email_receipt_code(opinion))
    return opinion


def texts_receipt_code(opinion: Opinion) -> bool:
    """A named reporter with a phone is texted the code, unless TAIZHANG_PUBLIC_SMS_RECEIPT is off."""
    return bool(opinion.reporter_phone) and bool(getattr(settings, "TAIZHANG_PUBLIC_SMS_RECEIPT", True))


def _text_receipt_code(opinion: Opinion) -> None:
    text = gettext("【台账】您反映的问题已收到，查询码 %(code)s，请妥善保存，凭码查询办理进度。") % {
        "code": opinion.receipt_code
    }
    try:
        sms_sender().send(opinion.reporter_phone, text)
    except Exception:  # an SMS gateway down must not undo a received opinion; the page showed the code
        logging.getLogger("taizhang.notify").exception("receipt code SMS for opinion %s not sent", opinion.pk)


def emails_receipt_code(opinion: Opinion) -> bool:
    """A named reporter who gave an address is mailed the code, unless TAIZHANG_PUBLIC_EMAIL_RECEIPT is off."""
    return bool(opinion.reporter_email) and bool(getattr(settings, "TAIZHANG_PUBLIC_EMAIL_RECEIPT", True))


def _email_receipt_code(opinion: Opinion) -> None:
    subject = gettext("【台账】您反映的问题已收到，查询码 %(code)s") % {"code": opinion.receipt_code}
    body = gettext(
        "您好：\n\n您反映的问题已收到，查询码是 %(code)s。\n\n"
        "请妥善保存查询码，凭码可在“进度查询”中查看办理进度和结果，办结后也可凭码评价。查询码遗失后无法找回。\n\n"
        "此邮件由系统自动发送，请勿回复。"
    ) % {"code": opinion.receipt_code}
    if base := str(getattr(settings, "TAIZHANG_PUBLIC_BASE_URL", "") or "").rstrip("/"):
        link = f"{base}{reverse('track')}?{urlencode({'code': opinion.receipt_code})}"
        body += "\n\n" + gettext("查询地址：%(link)s") % {"link": link}
    try:
        send_mail(subject, body, None, [opinion.reporter_email], fail_silently=False)
    except Exception:  # a mail server down must not undo a received opinion; the page showed the code
        logging.getLogger("taizhang.notify").exception("receipt code mail for opinion %s not sent", opinion.pk)
