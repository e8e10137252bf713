"""考核 arithmetic, with no Django: a scheme's definition checked, periods parsed, units scored, ranked and starred.

A scheme definition is a plain dict (stored as JSON on an immutable scheme version):

    {
      "period_kind": "quarter",                      # month | quarter | year | custom
      "indicators": [{"code": "on_time_rate", "weight": 30}, …],   # weights add up to 100
      "deductions": [{"code": "red_card", "points": 2, "cap": 10}, …],  # cap 0 = no cap
      "groups": [{"name": "股室", "kinds": ["office"]}, …],
      "star_bands": [10, 20, 30, 40],                # rank ≤ 10 ★★★★★, ≤ 20 ★★★★ … the rest one star fewer
      "bottom_flagged": 3                            # the last N ranked units of a group are flagged
    }

Scoring (one unit): each indicator with data gives a share in [0, 1] (rates where lower is better are turned
round: 1 − rate); the base score is 100 × Σ weight × share / Σ weight over the indicators that have data — an
indicator with no data (nothing happened that it measures) neither helps nor hurts, its weight is spread over
the others; a unit with no data at all has no score and is not ranked. Deductions (points × count, each capped)
are taken off; a score is never below 0. Scores are rounded to two decimals before ranking; equal scores share
a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

PERIOD_KINDS = ("month", "quarter", "year", "custom")
MAX_STARS = 5


class SchemeInvalid(ValueError):
    """The definition is refused; `errors` maps a field to its messages (中文)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for ms in errors.values() for m in ms))
        self.errors = errors


class PeriodInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date  # inclusive
    key: str  # 2026-Q4, 2026-11, 2026 or 2026-10-01~2026-12-31

    @property
    def label(self) -> str:
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", self.key):
            return f"{m[1]}年第{'一二三四'[int(m[2]) - 1]}季度"
        if m := re.fullmatch(r"(\d{4})-(\d{2})", self.key):
            return f"{m[1]}年{int(m[2])}月"
        if re.fullmatch(r"\d{4}", self.key):
            return f"{self.key}年度"
        return f"{self.starts_on:%Y年%m月%d日}至{self.ends_on:%Y年%m月%d日}"


def parse_period(text: str) -> Period:
    """'2026-Q4', '2026-11', '2026', '2026-10-01~2026-12-31' (or '..' / '至' between the dates) → a Period."""
    text = (text or "").strip()
    if not text:
        raise PeriodInvalid("请选择考核期间。")
    if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        first = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return Period(first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1]), f"{year}-Q{quarter}")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodInvalid(f"月份无效：{text}。")
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return Period(dt.date(year, month, 1), end, f"{year}-{month:02d}")
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    parts = re.split(r"\s*(?:~|\.\.|至)\s*", text)
    if len(parts) == 2:
        try:
            start, end = dt.date.fromisoformat(parts[0]), dt.date.fromisoformat(parts[1])
        except ValueError:
            raise PeriodInvalid(f"日期格式有误：{text}，应为 YYYY-MM-DD~YYYY-MM-DD。") from None
        return custom_period(start, end)
    raise PeriodInvalid(f"无法识别的考核期间：{text}。可写 2026-Q4、2026-11、2026 或 2026-10-01~2026-12-31。")


def custom_period(start: dt.date | None, end: dt.date | None) -> Period:
    if start is None or end is None:
        raise PeriodInvalid("请填写考核期间的开始和结束日期。")
    if end < start:
        raise PeriodInvalid("考核期间的结束日期早于开始日期。")
    return Period(start, end, f"{start.isoformat()}~{end.isoformat()}")


def period_containing(kind: str, day: dt.date) -> Period:
    """The month, quarter or year a day falls in (a custom scheme defaults to its quarter)."""
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "year":
        return parse_period(str(day.year))
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def previous_period(kind: str, day: dt.date) -> Period:
    """The last whole month, quarter or year before the one `day` is in."""
    current = period_containing(kind, day)
    return period_containing(kind, current.starts_on - dt.timedelta(days=1))


# ---- the definition ------------------------------------------------------------------------------------------


def check_definition(
    definition: Mapping[str, Any],
    *,
    indicators: Mapping[str, Any],
    deductions: Mapping[str, Any],
    kinds: Mapping[str, str],
) -> dict[str, Any]:
    """A clean copy of `definition`, or SchemeInvalid listing every mistake. `indicators`, `deductions` and
    `kinds` are the known codes (code → label); group sizes are the caller's to check (they need the database)."""
    errors: dict[str, list[str]] = {}
    period_kind = str(definition.get("period_kind") or "")
    if period_kind not in PERIOD_KINDS:
        errors.setdefault("period_kind", []).append("请选择考核周期（月度、季度、年度或自定义）。")
    chosen = []
    for item in definition.get("indicators") or []:
        code, weight = str(item.get("code", "")), _number(item.get("weight"))
        if code not in indicators:
            errors.setdefault("indicators", []).append(f"未知的考核指标：{code}。")
        elif weight is None or weight < 0:
            errors.setdefault("indicators", []).append(f"“{indicators[code]}”的权重须为不小于 0 的数。")
        elif weight > 0:
            chosen.append({"code": code, "weight": _plain(weight)})
    if len({i["code"] for i in chosen}) != len(chosen):
        errors.setdefault("indicators", []).append("同一指标只能出现一次。")
    total = sum((Fraction(str(i["weight"])) for i in chosen), Fraction(0))
    if not chosen:
        errors.setdefault("indicators", []).append("请至少选择一项考核指标并设置权重。")
    elif total != 100:
        errors.setdefault("indicators", []).append(f"各项指标权重之和须为 100，现为 {_plain(total)}。")
    rules = []
    for item in definition.get("deductions") or []:
        code, points, cap = str(item.get("code", "")), _number(item.get("points")), _number(item.get("cap", 0))
        if code not in deductions:
            errors.setdefault("deductions", []).append(f"未知的扣分项：{code}。")
        elif points is None or points < 0 or cap is None or cap < 0:
            errors.setdefault("deductions", []).append(f"“{deductions[code]}”的扣分和上限须为不小于 0 的数。")
        elif points > 0:
            rules.append({"code": code, "points": _plain(points), "cap": _plain(cap)})
    groups = []
    for n, item in enumerate(definition.get("groups") or [], start=1):
        name = str(item.get("name") or "").strip()
        group_kinds = [str(k) for k in item.get("kinds") or []]
        if not name:
            errors.setdefault("groups", []).append(f"第 {n} 个单位分组没有名称。")
        elif not group_kinds:
            errors.setdefault("groups", []).append(f"单位分组“{name}”没有选择单位类型。")
        elif unknown := [k for k in group_kinds if k not in kinds]:
            errors.setdefault("groups", []).append(f"单位分组“{name}”的类型无效：{'、'.join(unknown)}。")
        else:
            groups.append({"name": name, "kinds": group_kinds})
    if not groups and "groups" not in errors:
        errors["groups"] = ["请至少设置一个单位分组。"]
    if len({g["name"] for g in groups}) != len(groups):
        errors.setdefault("groups", []).append("单位分组名称不能重复。")
    seen_kinds = [k for g in groups for k in g["kinds"]]
    if len(set(seen_kinds)) != len(seen_kinds):
        errors.setdefault("groups", []).append("同一类单位只能属于一个分组。")
    raw_bands = [_number(b) for b in definition.get("star_bands") or []]
    bands = [b for b in raw_bands if b is not None]
    if (
        len(bands) != len(raw_bands)
        or any(b != int(b) or b < 1 for b in bands)
        or bands != sorted(set(bands))
        or len(bands) >= MAX_STARS
    ):
        errors.setdefault("star_bands", []).append("星级名次须为递增的正整数，最多 4 档。")
    bottom = _number(definition.get("bottom_flagged", 0))
    if bottom is None or bottom != int(bottom) or bottom < 0:
        errors.setdefault("bottom_flagged", []).append("末位提示的单位数须为不小于 0 的整数。")
    if errors:
        raise SchemeInvalid(errors)
    return {
        "period_kind": period_kind,
        "indicators": chosen,
        "deductions": rules,
        "groups": groups,
        "star_bands": [int(b) for b in bands],
        "bottom_flagged": int(bottom or 0),
    }


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        return None


def _plain(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


# ---- scoring -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """What one indicator measured for one unit: numerator over denominator (None when there was nothing)."""

    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class UnitScore:
    unit_id: int
    values: dict[str, Ratio]
    counts: dict[str, int]  # deduction code → how many
    deductions: dict[str, float] = field(default_factory=dict)
    base: float | None = None
    score: float | None = None
    rank: int | None = None
    stars: int | None = None
    flagged: bool = False


def score_unit(
    unit_id: int,
    values: Mapping[str, Ratio],
    counts: Mapping[str, int],
    definition: Mapping[str, Any],
    *,
    lower_is_better: frozenset[str],
) -> UnitScore:
    result = UnitScore(unit_id, dict(values), dict(counts))
    weighted = Fraction(0)
    weights = Fraction(0)
    for item in definition["indicators"]:
        ratio = values.get(item["code"])
        value = ratio.value if ratio is not None else None
        if value is None:
            continue
        share = Fraction(value).limit_denominator(10**9)
        if item["code"] in lower_is_better:
            share = 1 - share
        weight = Fraction(str(item["weight"]))
        weighted += weight * min(max(share, Fraction(0)), Fraction(1))
        weights += weight
    for rule in definition["deductions"]:
        points = Fraction(str(rule["points"])) * counts.get(rule["code"], 0)
        cap = Fraction(str(rule["cap"]))
        if cap:
            points = min(points, cap)
        if points:
            result.deductions[rule["code"]] = float(points)
    if weights:
        base = 100 * weighted / weights
        result.base = round(float(base), 2)
        result.score = round(max(float(base) - sum(result.deductions.values()), 0.0), 2)
    return result


def rank_group(scores: Sequence[UnitScore], definition: Mapping[str, Any]) -> list[UnitScore]:
    """Scores in rank order (units without a score last, unranked), with ranks, stars and the bottom flag."""
    ranked = sorted((s for s in scores if s.score is not None), key=lambda s: (-(s.score or 0), s.unit_id))
    previous: float | None = None
    for position, item in enumerate(ranked, start=1):
        item.rank = position if item.score != previous else ranked[position - 2].rank
        previous = item.score
        item.stars = stars_for(item.rank or position, definition["star_bands"]) if definition["star_bands"] else None
    bottom = definition["bottom_flagged"]
    # Flag only where a group is bigger than the flagged tail; otherwise everyone would be "末位".
    if bottom and len(ranked) > bottom:
        cutoff = ranked[-bottom].rank or 0
        for item in ranked:
            item.flagged = (item.rank or 0) >= cutoff
    return ranked + [s for s in scores if s.score is None]


def stars_for(rank: int, bands: Sequence[int]) -> int:
    """Rank ≤ bands[0] → 5 stars, ≤ bands[1] → 4 …; below the last band, one star fewer than it."""
    for n, limit in enumerate(bands):
        if rank <= limit:
            return MAX_STARS - n
    return MAX_STARS - len(bands)
