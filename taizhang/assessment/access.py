"""Who sees which ranking rows: bureau-wide roles see every unit; a unit's staff see their own row and rank only
(PRODUCT.md: a unit sees only its own problems — and so only its own figures)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext

from taizhang.accounts.models import User
from taizhang.assessment.actions import MANAGERS
from taizhang.assessment.models import Scheme, SchemeVersion
from taizhang.assessment.ranking import compute, only_unit
from taizhang.lib.scoring import Period


def can_manage(user: User) -> bool:
    return user.role in MANAGERS


def scheme_version_for(scheme: Scheme, number: str | int | None) -> SchemeVersion:
    """The version asked for (a past ranking is reproduced with its own), else the one in force."""
    try:
        wanted = int(number) if number not in (None, "") else scheme.current_number
    except (TypeError, ValueError):
        raise Http404(gettext("没有这个方案版本。")) from None
    version = SchemeVersion.objects.filter(scheme=scheme, number=wanted).first()
    if version is None:
        raise Http404(gettext("没有这个方案版本。"))
    version.scheme = scheme
    return version


def access_ranking_rows(
    user: User, version: SchemeVersion, period: Period | None, *, frozen: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ranking (computed now, or as published) cut to what `user` may see."""
    result = frozen if frozen is not None else compute(version, period)  # type: ignore[arg-type]
    if user.is_bureau_wide():
        return result
    return only_unit(result, user.unit_id)
