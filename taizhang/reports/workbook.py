"""The period's 台账 workbook (XLSX): 问题台账, 意见汇总, 单位统计 and 说明 — Chinese headers, a frozen header row,
column widths, and text that can never become a formula (lib.xlsx)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import IO, Any

from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from taizhang.followup.models import Rating, Satisfaction
from taizhang.intake.models import Channel
from taizhang.lib.chinese_dates import chinese_date
from taizhang.lib.xlsx import safe_row
from taizhang.problems.models import CategoryGroup, Problem, RectificationKind, Source, Status, Term
from taizhang.reports.figures import GROUP_LABELS, RATES, Span, percent, term_definition
from taizhang.supervision.config import get_config
from taizhang.supervision.timelimits import light_for

LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "none": ""}
LEDGER_COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("问题编号", 16),
    ("问题摘要", 36),
    ("问题类别", 14),
    ("类别归类", 16),
    ("责任单位", 18),
    ("问题来源", 12),
    ("发现方式", 10),
    ("整改类型", 10),
    ("状态", 10),
    ("灯色", 8),
    ("整改时限", 14),
    ("整改措施", 40),
    ("销号日期", 14),
    ("回访满意度", 22),
]


def period_problems(span: Span) -> Any:
    """本期台账: created up to the period's end and not closed before it began (open in the period at some time)."""
    return (
        Problem.objects.filter(created_at__lt=span.end)
        .exclude(Term.closed() & Q(closed_at__lt=span.start))
        .select_related("category", "lead_unit")
        .order_by("created_at", "id")
    )


def _header(ws: Any, names: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(name="黑体", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _sheet(wb: Workbook, title: str, columns: Sequence[tuple[str, int]]) -> Any:
    ws = wb.create_sheet(title)
    for index, (_name, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append(_header(ws, [name for name, _w in columns]))
    return ws


def _satisfaction(problems: Any) -> dict[int, str]:
    """Each problem's 回访 ratings (all rounds), e.g. 满意2、不满意1."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Rating.objects.filter(problem__in=problems.values("pk"))
        .values_list("problem_id", "satisfaction")
        .annotate(n=Count("id"))
        .order_by()
    )
    for problem_id, value, n in rows:
        counts[problem_id][value] = n
    return {pk: "、".join(f"{s.label}{c[s.value]}" for s in Satisfaction if c.get(s.value)) for pk, c in counts.items()}


def ledger_sheet(wb: Workbook, span: Span) -> int:
    ws = _sheet(wb, "问题台账", LEDGER_COLUMNS)
    problems = list(period_problems(span))
    rated = _satisfaction(period_problems(span))
    config = get_config()
    group_labels = dict(CategoryGroup.choices)
    for serial, p in enumerate(problems, start=1):
        light = light_for(p, span.as_of, config)
        closed_on = timezone.localdate(p.closed_at) if p.closed_at and p.status == Status.CLOSED else None
        ws.append(
            safe_row(
                ws,
                [
                    serial,
                    p.number,
                    p.title,
                    p.category.name,
                    str(group_labels.get(p.category.group, "")),
                    p.lead_unit.name if p.lead_unit else "（未交办）",
                    str(Channel(p.origin_channel).label) if p.origin_channel in Channel.values else p.origin_channel,
                    str(Source(p.source).label),
                    str(RectificationKind(p.kind).label) if p.kind else "",
                    str(Status(p.status).label),
                    LIGHT_LABELS.get(light.color, ""),
                    chinese_date(p.deadline),
                    p.measures,
                    chinese_date(closed_on),
                    rated.get(p.pk, "未回访"),
                ],
            )
        )
    if not problems:
        ws.append(["本期没有在办或办结的问题。"])
    return len(problems)


def opinions_sheet(wb: Workbook, f: dict[str, Any]) -> None:
    ws = _sheet(wb, "意见汇总", [("分类", 14), ("项目", 30), ("意见数", 10)])
    op = f["opinions"]
    if not op["total"]:
        ws.append(["合计", "本期没有收到意见建议", 0])
        return
    for channel, n in op["by_channel"].items():
        ws.append(["按渠道", str(Channel(channel).label), n])
    for group, n in op["by_group"].items():
        ws.append(["按问题归类", GROUP_LABELS.get(group) or "未立项（待梳理或不予立项）", n])
    ws.append(["合计", "本期收到的意见建议", op["total"]])


UNIT_COLUMNS = [
    ("单位", 22),
    ("问题数", 8),
    ("未销号", 8),
    ("已销号", 8),
    ("已超期", 8),
    ("重办过", 8),
    ("红灯督办（本期）", 12),
    ("按期办结", 10),
    ("应办结", 8),
    ("按期办结率", 18),
    ("签收及时", 10),
    ("应签收", 8),
    ("签收及时率", 18),
]


def units_sheet(wb: Workbook, f: dict[str, Any]) -> None:
    ws = _sheet(wb, "单位统计", UNIT_COLUMNS)
    for u in f["units"]:
        ws.append(
            safe_row(
                ws,
                [
                    u["unit"],
                    u["total"],
                    u["open"],
                    u["closed"],
                    u["overdue"],
                    u["reopened"],
                    u["red_cards"],
                    u["done_on_time"],
                    u["due"],
                    percent(u["done_on_time_rate"]),
                    u["signed_on_time"],
                    u["sign_due"],
                    percent(u["sign_on_time_rate"]),
                ],
            )
        )
    if not f["units"]:
        ws.append(["本期没有交办到单位的问题。"])


NOTES: list[tuple[str, str]] = [
    (
        "统计口径",
        "期间内的数（收到意见、立项、销号、红灯督办）按北京时间自期间首日零时至末日24时计；"
        "状态类的数（未销号、已超期及各项比率）为生成之日的状态，范围是期间结束前立项的问题。",
    ),
    ("问题台账", "期间结束前立项、且在期间开始前尚未销号的问题（即期间内在办或办结过的问题）。"),
    (
        "单位统计",
        "期间结束前立项、已交办到单位的问题，按当前牵头单位统计（含期间开始前已销号的问题）；"
        "红灯督办为期间内发给该单位、已印发的红灯事项文书（督办阶梯中标为红灯事项的，默认督办单、通报批评单、"
        "组织调整建议单和整改通知单）。",
    ),
    ("意见归类", "每条意见只计一次，按其最早归并到的问题的类别归类；未归并到问题的计为“未立项”。"),
    ("灯色", "在办问题按整改时限亮灯：超过时限为红灯，临近时限为黄灯，其余为绿灯；其他状态不亮灯。"),
    ("满意率", "回访评价中“满意”与“基本满意”的人次 ÷ 回访评价人次（各轮回访均计入）。"),
]


def notes_sheet(wb: Workbook, f: dict[str, Any]) -> None:
    ws = _sheet(wb, "说明", [("名称", 18), ("定义", 100)])
    wrap = Alignment(wrap_text=True, vertical="top")

    def row(name: str, text: str) -> None:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        cell.alignment = wrap
        ws.append([name, cell])

    row(
        "期间",
        f"{f['period']['label']}（{f['period']['starts_on']} 至 {f['period']['ends_on']}），状态截至 {f['as_of']}",
    )
    for name, text in NOTES:
        row(name, text)
    for key, label, num, den, num_label, den_label in RATES:
        if key == "satisfied":
            continue
        row(label, f"{num_label} ÷ {den_label}。")
        for term, term_label in ((num, num_label), (den, den_label)):
            if term in ("total",):
                continue
            row(f"　{term_label}", term_definition(term))
    row("已超期", term_definition("overdue"))
    row("未销号", term_definition("open"))


def write_workbook(f: dict[str, Any], span: Span, out: IO[bytes]) -> int:
    wb = Workbook(write_only=True)
    count = ledger_sheet(wb, span)
    opinions_sheet(wb, f)
    units_sheet(wb, f)
    notes_sheet(wb, f)
    wb.save(out)
    return count
