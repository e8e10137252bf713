"""The dashboard's charts as tables: one structure serves the table under each chart, the chart itself (drawn by
the browser from the same rows), the XLSX download and the drill-down links — so they cannot disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, pgettext

from taizhang.dashboard.figures import AGE_BUCKETS, NO_KIND, NOT_LINKED, OVERDUE_BUCKETS, Scope, overdue_deadline_range
from taizhang.intake.models import Channel
from taizhang.problems.models import CategoryGroup, RectificationKind, Status


@dataclass
class Row:
    label: str
    values: list[Any]
    drill: str | None = None  # the ledger list of the problems behind this row
    cells: list[str | None] = field(default_factory=list)  # heat map: a link per value
    instruct: str | None = None  # heat map, for a leader: the 批示 form for this row's unit (set by the view)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, hbar, heatmap, trend, rates
    headers: list[str]
    rows: list[Row]
    note: str = ""
    series: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(isinstance(v, int | float) and v for row in self.rows for v in row.values[: len(self.series)])

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "series": self.series,
            "empty": self.empty,
            "rows": [{"label": r.label, "values": r.values, "drill": r.drill, "cells": r.cells} for r in self.rows],
            "headers": self.headers,
        }


def _ledger(scope: Scope, **extra: str) -> str:
    return reverse("ledger") + "?" + urlencode({**scope.ledger_params(), **extra})


def _percent(rate: float | None) -> str:
    return gettext("暂无数据") if rate is None else f"{rate * 100:.1f}%"


def charts(figures: dict[str, Any], scope: Scope) -> list[Chart]:
    out = [_rates(figures, scope), _by_status(figures, scope), _by_light(figures, scope), _by_kind(figures, scope)]
    out += [_problem_groups(figures, scope), _opinion_channels(figures, scope), _opinion_groups(figures, scope)]
    out += [_overdue_heat(figures, scope), _trend(figures, scope)]
    if figures["untriaged"]["visible"]:
        out.append(_untriaged(figures, scope))
    return out


def _counts(
    key: str, title: str, label: str, items: Sequence[tuple[str, int, str | None]], kind: str = "bar", note: str = ""
) -> Chart:
    rows = [Row(name, [n], drill) for name, n, drill in items]
    return Chart(key, title, kind, [label, gettext("问题数")], rows, note=note, series=[gettext("问题数")])


def _rates(figures: dict[str, Any], scope: Scope) -> Chart:
    rows = []
    for rate in figures["rates"].values():
        value = None if rate["rate"] is None else round(rate["rate"] * 100, 1)
        drill = _ledger(scope, term=rate["numerator_term"]) if rate["numerator_term"] else None
        cells = [
            drill,
            _ledger(scope, term=rate["denominator_term"])
            if rate["denominator_term"] not in ("", "all")
            else (_ledger(scope) if rate["denominator_term"] == "all" else None),
        ]
        numerator = f"{rate['numerator_label']} {rate['numerator']}"
        denominator = f"{rate['denominator_label']} {rate['denominator']}"
        rows.append(Row(rate["label"], [value, numerator, denominator, _percent(rate["rate"])], drill, cells))
    headers = [gettext("指标"), gettext("比率（%）"), gettext("分子"), gettext("分母"), gettext("比率")]
    note = gettext("各口径的定义见“口径说明”；分母为 0 时显示“暂无数据”。")
    return Chart("rates", gettext("主要指标"), "rates", headers, rows, note=note, series=[gettext("比率（%）")])


def _by_status(figures: dict[str, Any], scope: Scope) -> Chart:
    items = [(str(s.label), figures["by_status"][s.value], _ledger(scope, status=s.value)) for s in Status]
    return _counts("by_status", gettext("问题状态"), gettext("状态"), items)


def _by_light(figures: dict[str, Any], scope: Scope) -> Chart:
    names = {"red": gettext("红灯（已超期）"), "yellow": gettext("黄灯（临近到期）"), "green": gettext("绿灯")}
    items: list[tuple[str, int, str | None]] = [
        (names[c], figures["by_light"][c], _ledger(scope, light=c)) for c in ("red", "yellow", "green")
    ]
    items.append((gettext("无灯（未交办、已退单或已办结）"), figures["by_light"]["none"], None))
    return _counts("by_light", gettext("状态灯"), gettext("灯色"), items)


def _by_kind(figures: dict[str, Any], scope: Scope) -> Chart:
    items: list[tuple[str, int, str | None]] = [
        (str(k.label), figures["by_kind"][k.value], _ledger(scope, kind=k.value)) for k in RectificationKind
    ]
    items.append((gettext("未交办"), figures["by_kind"][NO_KIND], _ledger(scope, kind=NO_KIND)))
    return _counts("by_kind", gettext("整改类型"), gettext("类型"), items)


def _problem_groups(figures: dict[str, Any], scope: Scope) -> Chart:
    items = [
        (str(g.label), figures["by_category_group"][g.value], _ledger(scope, group=g.value)) for g in CategoryGroup
    ]
    return _counts("problem_groups", gettext("问题归类"), gettext("归类"), items)


def _opinion_channels(figures: dict[str, Any], scope: Scope) -> Chart:
    by_channel = figures["opinions"]["by_channel"]
    rows = [Row(str(c.label), [by_channel[c.value]], _ledger(scope, channel=c.value)) for c in Channel]
    rows.sort(key=lambda r: -r.values[0])
    note = gettext("按收到日期统计意见条数；点击查看有该渠道意见的问题。")
    return Chart(
        "opinion_channels",
        gettext("意见来源渠道"),
        "hbar",
        [gettext("渠道"), gettext("意见数")],
        rows,
        note=note,
        series=[gettext("意见数")],
    )


def _opinion_groups(figures: dict[str, Any], scope: Scope) -> Chart:
    grouped = figures["opinions"]["by_category_group"]
    rows = [Row(str(g.label), [grouped[g.value]], _ledger(scope, group=g.value)) for g in CategoryGroup]
    triage = reverse("triage_inbox") if scope.user.role in ("coordinator", "admin") else None
    rows.append(Row(gettext("未立项（待梳理或不予立项）"), [grouped[NOT_LINKED]], triage))
    note = gettext(
        "意见按其对应问题的类别归类（“四风”/群众切身利益/最后一公里）；一条意见拆分到不同类别的问题时各计一次。"
    )
    return Chart(
        "opinion_groups",
        gettext("意见归类"),
        "bar",
        [gettext("归类"), gettext("意见数")],
        rows,
        note=note,
        series=[gettext("意见数")],
    )


OVERDUE_LABELS = {
    "d1_7": gettext_noop("1–7天"),
    "d8_30": gettext_noop("8–30天"),
    "d31_90": gettext_noop("31–90天"),
    "d91": gettext_noop("90天以上"),
}
AGE_LABELS = {
    "d0_1": gettext_noop("1天内"),
    "d2_3": gettext_noop("2–3天"),
    "d4_7": gettext_noop("4–7天"),
    "d8_14": gettext_noop("8–14天"),
    "d15": gettext_noop("15天以上"),
}


def _overdue_heat(figures: dict[str, Any], scope: Scope) -> Chart:
    series = [gettext(OVERDUE_LABELS[key]) for key, _low, _high in OVERDUE_BUCKETS]
    rows = []
    for entry in figures["overdue_by_unit"]:
        unit = entry["unit"]
        base = {"unit": str(unit["id"]), "term": "overdue"}
        cells: list[str | None] = []
        for key, low, high in OVERDUE_BUCKETS:
            earliest, latest = overdue_deadline_range(scope.on, low, high)
            bounds = {"deadline_to": latest.isoformat()} | ({"deadline_from": earliest.isoformat()} if earliest else {})
            cells.append(_ledger(scope, **base, **bounds) if entry["buckets"][key] else None)
        values = [entry["buckets"][key] for key, _low, _high in OVERDUE_BUCKETS] + [entry["total"]]
        rows.append(Row(unit["name"] or gettext("（未交办）"), values, _ledger(scope, **base), cells))
    headers = [gettext("责任单位"), *series, gettext("合计")]
    note = gettext("超期天数按自然日计（红灯的超期工作日数见台账）；点击格子查看对应问题。")
    return Chart("overdue_by_unit", gettext("各单位超期问题（热力图）"), "heatmap", headers, rows, note, series)


def _trend(figures: dict[str, Any], scope: Scope) -> Chart:
    series = [pgettext("trend", "立项"), gettext("办结"), gettext("收到意见")]
    grain = figures["trend"]["grain"]
    rows = []
    for b in figures["trend"]["buckets"]:
        label = f"{b['start']:%m-%d}" if grain == "week" else f"{b['start']:%Y-%m}"
        drill = _ledger(scope, created_from=b["start"].isoformat(), created_to=b["end"].isoformat())
        rows.append(Row(label, [b["created"], b["done"], b["opinions"]], drill))
    headers = [gettext("周（起始日）") if grain == "week" else gettext("月份"), *series]
    note = gettext("立项：当期新立项的问题；办结：其中验收通过的，按验收日期；点击柱子查看当期立项的问题。")
    return Chart("trend", gettext("趋势"), "trend", headers, rows, note=note, series=series)


def _untriaged(figures: dict[str, Any], scope: Scope) -> Chart:
    triage = reverse("triage_inbox") if scope.user.role in ("coordinator", "admin") else None
    buckets = figures["untriaged"]["buckets"]
    rows = [Row(gettext(AGE_LABELS[key]), [buckets[key]], triage) for key, _low, _high in AGE_BUCKETS]
    note = gettext("当前待梳理的意见按已等待的天数（自然日）统计，不受统计期间限制。")
    return Chart(
        "untriaged",
        gettext("待梳理意见的等待时间"),
        "bar",
        [gettext("已等待"), gettext("意见数")],
        rows,
        note=note,
        series=[gettext("意见数")],
    )
