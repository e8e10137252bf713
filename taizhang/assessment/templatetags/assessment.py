"""Filters for the ranking tables: an indicator's value with what it was computed from, stars, a dict lookup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext

from taizhang.assessment.indicators import INDICATORS

register = template.Library()


@register.filter
def item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


def _num(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}".rstrip("0")


@register.filter
def indicator_value(row: Mapping[str, Any], code: str) -> str:
    """'92.5%' (or '86.0 分' for 民主评议); '无数据' when nothing was measured."""
    cell = row["values"].get(code)
    if not cell or cell["value"] is None:
        return gettext("无数据")
    value = cell["value"] * 100
    if code in INDICATORS and not INDICATORS[code].percent:
        return gettext("%(score)s分") % {"score": f"{value:.1f}"}
    return f"{value:.1f}%"


@register.filter
def indicator_basis(row: Mapping[str, Any], code: str) -> str:
    """'37/40', or the answer count for 民主评议."""
    cell = row["values"].get(code)
    if not cell or not cell["denominator"]:
        return ""
    if code in INDICATORS and not INDICATORS[code].percent:
        return gettext("%(n)s份") % {"n": _num(cell["denominator"])}
    return f"{_num(cell['numerator'])}/{_num(cell['denominator'])}"


@register.filter
def stars(n: int | None) -> str:
    return "★" * n if n else ""


@register.filter
def deduction_text(row: Mapping[str, Any], code: str) -> str:
    cell = row["deductions"].get(code)
    if not cell or not cell["count"]:
        return "0"
    return gettext("%(count)d次 −%(points)s") % {"count": cell["count"], "points": _num(cell["points"])}
