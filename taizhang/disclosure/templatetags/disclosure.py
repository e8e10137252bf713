from __future__ import annotations

from django import template

from taizhang.disclosure.public import status_label

register = template.Library()


@register.filter
def public_status(code: str) -> str:
    """A problem status in the public's words (整改中, 已整改)."""
    return status_label(code)


@register.filter
def percent(share: float | None) -> str:
    """0.875 → 88%: a 满意率 as the public reads it."""
    return "" if share is None else f"{round(share * 100)}%"
