"""The management review pack (管理评审) after ISO 10002 / GB/T 19012 (customer satisfaction — guidelines for
complaints handling): how fast complaints were acknowledged, whether decisions were communicated, how satisfied
the complainants were with the process, what had to be reopened and what the public objected to — each figure
beside its definition, all counted over the period from the ledger's rows."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Count, Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from taizhang.audit.models import AuditEvent, Verb
from taizhang.disclosure.models import Objection, ObjectionOutcome
from taizhang.followup.models import CONTENT, Rating, Satisfaction
from taizhang.intake.models import PUBLIC_CHANNELS, Opinion
from taizhang.lib.xlsx import safe_row
from taizhang.problems.models import Problem, Term
from taizhang.reports.figures import Span, percent, ratio


@dataclass(frozen=True)
class Line:
    section: str
    name: str
    definition: str
    value: str
    numerator: int | str = ""
    denominator: int | str = ""


def _hours(pairs: Iterable[tuple[Any, Any]]) -> list[float]:
    return [(end - start).total_seconds() / 3600 for start, end in pairs if start and end and end >= start]


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}小时" if values else "暂无（无数据）"


def acknowledgement(span: Span) -> list[Line]:
    section = "一、受理确认"
    opinions = Opinion.objects.filter(span.within("received_at")).order_by()
    triaged = _hours(opinions.filter(triaged_at__isnull=False).values_list("received_at", "triaged_at"))
    in_a_day = sum(1 for h in triaged if h <= 24)
    received = opinions.count()
    assigned = Problem.objects.filter(span.within("assigned_at")).order_by()
    signed = _hours(assigned.filter(signed_at__isnull=False).values_list("assigned_at", "signed_at"))
    sign = assigned.aggregate(
        num=Count("id", filter=Term.signed_on_time()), den=Count("id", filter=Term.sign_due(span.as_of))
    )
    return [
        Line(section, "本期收到意见", "期间内收到（received_at）的意见条数。", str(received), received),
        Line(
            section,
            "收到至梳理（受理确认）用时中位数",
            "期间内收到且已梳理的意见，自收到至梳理（立项、归并或不予立项）的小时数的中位数。",
            _median(triaged),
            len(triaged),
        ),
        Line(
            section,
            "24小时内梳理的比例",
            "收到后24小时内梳理的意见 ÷ 期间内收到且已梳理的意见。",
            percent(ratio(in_a_day, len(triaged))),
            in_a_day,
            len(triaged),
        ),
        Line(
            section,
            "尚未梳理",
            "期间内收到、至今仍待梳理的意见条数。",
            str(received - len(triaged)),
            received - len(triaged),
        ),
        Line(
            section,
            "交办至签收用时中位数",
            "期间内交办、已签收的问题，自交办至责任单位签收的小时数的中位数。",
            _median(signed),
            len(signed),
        ),
        Line(
            section,
            "签收及时率",
            "期间内交办的问题中：签收及时 ÷ 应签收（口径见台账工作簿“说明”）。",
            percent(ratio(sign["num"], sign["den"])),
            sign["num"],
            sign["den"],
        ),
    ]


def communication(span: Span) -> list[Line]:
    section = "二、处理结果告知"
    public = Opinion.objects.filter(span.within("received_at"), channel__in=PUBLIC_CHANNELS).order_by()
    answered = public.aggregate(den=Count("id"), num=Count("id", filter=~Q(answer="")))
    done = Problem.objects.filter(Term.done() & span.within("closed_at")).order_by()
    follow = done.aggregate(
        followed=Count("id", filter=Term.followed_up()), verified=Count("id", filter=Term.follow_up_verified())
    )
    return [
        Line(
            section,
            "群众来信来电已答复",
            "期间内从群众渠道（12345热线、网上留言、意见箱、领导接访、举报、媒体）收到的意见中，已写明答复（反映人凭查询码可见）的比例。",
            percent(ratio(answered["num"], answered["den"])),
            answered["num"],
            answered["den"],
        ),
        Line(
            section,
            "回访核实率",
            "期间内验收办结、经回访的问题中，至少一位反映人在本轮作出评价的比例。",
            percent(ratio(follow["verified"], follow["followed"])),
            follow["verified"],
            follow["followed"],
        ),
    ]


def satisfaction(span: Span) -> list[Line]:
    section = "三、对处理过程的满意度"
    rows = Rating.objects.filter(span.within("created_at")).order_by()
    counts = rows.aggregate(
        total=Count("id"),
        content=Count("id", filter=Q(satisfaction__in=CONTENT)),
        **{s.value: Count("id", filter=Q(satisfaction=s)) for s in Satisfaction},
    )
    lines = [
        Line(
            section,
            "满意率",
            "期间内回访评价中“满意”与“基本满意”的人次 ÷ 回访评价人次。",
            percent(ratio(counts["content"], counts["total"])),
            counts["content"],
            counts["total"],
        )
    ]
    for s in Satisfaction:
        lines.append(
            Line(section, f"评价为“{s.label}”", "期间内的回访评价人次。", str(counts[s.value]), counts[s.value])
        )
    return lines


def reopening(span: Span) -> list[Line]:
    section = "四、重办"
    events = AuditEvent.objects.filter(verb=Verb.PROBLEM_REOPENED).filter(span.within("at")).count()
    standing = Problem.objects.filter(created_at__lt=span.end).aggregate(
        num=Count("id", filter=Term.reopened()), den=Count("id", filter=Term.ever_done())
    )
    return [
        Line(
            section,
            "本期重办次数",
            "期间内审计记录中的“重办”事件数（不满意属实或回头看发现问题）。",
            str(events),
            events,
        ),
        Line(
            section,
            "重办率",
            "期间结束前立项的问题中：重办过 ÷ 验收通过过（状态截至生成之日）。",
            percent(ratio(standing["num"], standing["den"])),
            standing["num"],
            standing["den"],
        ),
    ]


def objections(span: Span) -> list[Line]:
    section = "五、公示异议"
    rows = Objection.objects.filter(span.within("created_at")).order_by()
    counts = rows.aggregate(
        total=Count("id"),
        answered=Count("id", filter=~Q(outcome="")),
        **{o.value: Count("id", filter=Q(outcome=o)) for o in ObjectionOutcome},
    )
    lines = [
        Line(section, "收到异议", "期间内群众对公示条目提出的异议数。", str(counts["total"]), counts["total"]),
        Line(
            section,
            "已答复",
            "期间内收到的异议中，牵头部门已作出处理结果并答复的比例。",
            percent(ratio(counts["answered"], counts["total"])),
            counts["answered"],
            counts["total"],
        ),
    ]
    for o in ObjectionOutcome:
        lines.append(
            Line(section, str(o.label), "期间内收到、已按此结果答复的异议数。", str(counts[o.value]), counts[o.value])
        )
    return lines


def review_lines(span: Span) -> list[Line]:
    return [*acknowledgement(span), *communication(span), *satisfaction(span), *reopening(span), *objections(span)]


COLUMNS = [("方面", 18), ("项目", 30), ("结果", 22), ("分子/数量", 12), ("分母", 10), ("定义", 80)]


def write_review(lines: list[Line], span: Span, out: IO[bytes]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("管理评审")
    for index, (_name, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for name, _width in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(name="黑体", bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for line in lines:
        ws.append(
            safe_row(ws, [line.section, line.name, line.value, line.numerator, line.denominator, line.definition])
        )
    ws.append([])
    ws.append(
        [
            f"期间：{span.period.label}（{span.period.starts_on} 至 {span.period.ends_on}）；"
            "依据 GB/T 19012（ISO 10002）投诉处理指南的管理评审输入：受理确认、处理结果告知、满意度、重办与异议。"
        ]
    )
    wb.save(out)
