"""Who may see opinions and their reporters (内外有别: the reported unit never sees who reported it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from taizhang.accounts.models import ADMINISTRATOR_ROLES, Role
from taizhang.intake.models import Channel, Opinion
from taizhang.lib.masking import mask_email, mask_id_number, mask_name, mask_phone

if TYPE_CHECKING:
    from taizhang.accounts.models import User

# Staff who triage, verify and answer reporters see ordinary reporters; a 举报's reporter is for 纪检组 alone.
ROLES_SEEING_REPORTERS = frozenset({Role.COORDINATOR, Role.ADMIN, Role.DISCIPLINE})


def opinions_visible_to(user: User) -> QuerySet[Opinion]:
    if user.is_authenticated and user.is_active and user.is_bureau_wide():
        if user.role in ADMINISTRATOR_ROLES:  # 三权分立: no 举报 for the administrators by virtue of the role
            return Opinion.objects.exclude(channel=Channel.REPORT)
        return Opinion.objects.all()
    return Opinion.objects.none()


def may_read_report_text(user: User, opinion: Opinion) -> bool:
    """A 举报's words, wherever a problem shows its opinions, are not for the system, security or audit
    administrator by virtue of the role (三权分立); its reporter is for 纪检组 alone (may_see_reporter)."""
    return not (opinion.is_whistleblowing and user.role in ADMINISTRATOR_ROLES)


def access_opinion_by_id(user: User, pk: int) -> Opinion:
    try:
        return opinions_visible_to(user).select_related("concerned_unit", "campaign").get(pk=pk)
    except (Opinion.DoesNotExist, ValueError, TypeError):
        from taizhang.problems.access import note_if_hidden

        note_if_hidden(Opinion.objects.all(), "opinion", pk)
        raise Http404(gettext("意见不存在或无权查看")) from None


def may_see_reporter(user: User, opinion: Opinion) -> bool:
    if opinion.is_whistleblowing:
        return user.role == Role.DISCIPLINE
    return user.role in ROLES_SEEING_REPORTERS


def reporter_label(user: User | None, opinion: Opinion, *, unmasked: bool = False) -> str:
    """The reporter as this viewer may see it. A 举报 shows in full only after a logged unmasking."""
    if opinion.is_anonymous or not (opinion.reporter_name or opinion.reporter_phone or opinion.reporter_email):
        return gettext("匿名")
    if user is None or not user.is_bureau_wide():
        # Even a masked name and the phone's last digits can identify a parent at a small school.
        return gettext("实名（不向责任单位公开）")
    full = user is not None and may_see_reporter(user, opinion) and (unmasked or not opinion.is_whistleblowing)
    if full:
        parts = (opinion.reporter_name, opinion.reporter_phone, opinion.reporter_email, opinion.reporter_id_number)
        return " ".join(p for p in parts if p)
    if opinion.is_whistleblowing:
        # Not even a surname or the phone's last digits: at a small school those name the teacher who reported.
        return gettext("实名举报（身份受保护，仅纪检组可登记理由后查看）")
    masked = (
        mask_name(opinion.reporter_name),
        mask_phone(opinion.reporter_phone),
        mask_email(opinion.reporter_email),
        mask_id_number(opinion.reporter_id_number),
    )
    return " ".join(p for p in masked if p)
