from __future__ import annotations

from django import template

from taizhang.disclosure.public import status_label

register = template.Library()


@register.filter
def public_status(code: str) -> str:
    """A problem status in the public's words (整改中, 已整改)."""
    return status_label(code)
