"""The triage suggestion as a coordinator reads it: names instead of codes and place keys, one confidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import pgettext

from taizhang.accounts.models import Unit
from taizhang.problems.models import Category
from taizhang.triage import engine

# Calibrated: `confidence` is how likely the suggested category and unit are both right.
HIGH, MEDIUM = 0.8, 0.5
# A place key is "<core>|<type>"; a place the registry does not hold is named by its core and type in words.
_TYPE_WORDS = {
    "中": "中学",
    "小": "小学",
    "校": "学校",
    "中心校": "中心学校",
    "幼": "幼儿园",
    "职": "职业学校",
    "特": "特殊教育学校",
    "外": "外国语学校",
    "机构": "培训机构",
    "片区": "",
    "单位": "",
}


@dataclass(frozen=True)
class Confidence:
    level: str  # 高 / 中 / 低
    css: str
    percent: int


def confidence_of(p: float) -> Confidence:
    percent = round(p * 100)
    if p >= HIGH:
        return Confidence(pgettext("confidence", "高"), "high", percent)
    if p >= MEDIUM:
        return Confidence(pgettext("confidence", "中"), "medium", percent)
    return Confidence(pgettext("confidence", "低"), "low", percent)


def place_name(key: str, registry: dict[str, tuple[str, str]]) -> str:
    if key in registry:
        return registry[key][0]
    core, _sep, kind = key.partition("|")
    return core + _TYPE_WORDS.get(kind, kind)


def present(suggestion: engine.OpinionSuggestion) -> dict[str, Any]:
    """Everything the panel prints, in words: category and unit names, one confidence, duplicates' places."""
    registry = engine.registry_catalogue().registry
    categories = dict(Category.objects.values_list("code", "name"))
    unit = suggestion.unit
    if unit is None and suggestion.unit_name:
        name = place_name(suggestion.unit_name, registry) if "|" in suggestion.unit_name else suggestion.unit_name
        unit = Unit.objects.filter(name=name, is_active=True).first()
    else:
        name = unit.name if unit is not None else ""
    return {
        "confidence": confidence_of(suggestion.confidence),
        "unit": unit,
        "unit_label": unit.name if unit is not None else name,
        "examples": [
            {**e, "category": categories.get(e["category"], e["category"]), "unit": place_name(e["unit"], registry)}
            for e in suggestion.explanation.get("examples", [])
        ],
        "duplicates": [
            (s, [place_name(k, registry) for k in s.places], round(s.score, 2)) for s in suggestion.problems
        ],
    }


def suggested_unit_id(problem_id: int) -> int | None:
    """The unit the assistant suggested for the problem's first opinion: the 交办 form's default lead unit."""
    from taizhang.triage.models import Suggestion

    return (
        Suggestion.objects.filter(opinion__links__problem_id=problem_id, unit__isnull=False, unit__is_active=True)
        .order_by("opinion__received_at", "-created_at")
        .values_list("unit_id", flat=True)
        .first()
    )
