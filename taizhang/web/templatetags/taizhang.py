from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language, ngettext

from taizhang.clock import now
from taizhang.lib.chinese_dates import chinese_date, chinese_datetime
from taizhang.lib.masking import mask_text

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2026年11月3日 in the Chinese interface; ISO 2026-11-03 in the English one."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if value is None:
        return ""
    return chinese_date(value) if _chinese() else value.isoformat()


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return chinese_datetime(local) if _chinese() else f"{local:%Y-%m-%d %H:%M}"


@register.filter
def age(value: dt.datetime | None) -> str:
    """How long ago, in the coarse units a coordinator scans for: 分钟 / 小时 / 天."""
    if value is None:
        return ""
    seconds = max(0, int((now() - value).total_seconds()))
    if seconds < 3600:
        n = seconds // 60
        return ngettext("%(n)d分钟", "%(n)d分钟", n) % {"n": n}
    if seconds < 86400:
        n = seconds // 3600
        return ngettext("%(n)d小时", "%(n)d小时", n) % {"n": n}
    n = seconds // 86400
    return ngettext("%(n)d天", "%(n)d天", n) % {"n": n}


@register.filter
def age_days(value: dt.datetime | None) -> int:
    return 0 if value is None else max(0, (now() - value).days)


@register.filter
def masked(value: str) -> str:
    return mask_text(value or "")


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, key: str, label: str) -> str:
    """A column header that sorts by `key`, and reverses when it already does."""
    from django.utils.html import format_html

    request = context["request"]
    params = request.GET.copy()
    current = params.get("sort", "")
    params["sort"] = f"-{key}" if current == key else key
    params.pop("page", None)
    arrow = " ↑" if current == key else " ↓" if current == f"-{key}" else ""
    return format_html('<a href="?{}">{}{}</a>', params.urlencode(), label, arrow)
