"""The monthly 通报 (official-document layout) and the campaign summary for the upper level (情况报告): every
figure comes from `figures.compute`, every sentence says plainly when a figure is zero."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from taizhang.accounts.models import Unit, UnitKind
from taizhang.campaigns.models import Campaign
from taizhang.intake.models import Channel
from taizhang.lib.chinese_dates import chinese_date
from taizhang.lib.report_docx import Block, OfficialReport
from taizhang.problems.models import CategoryGroup
from taizhang.reports.figures import GROUP_LABELS, NOT_TRIAGED, percent

MAX_LISTED = 30  # problems listed by name under 存在问题; the rest are counted per unit
RECIPIENT = "各股室，各学校、幼儿园"


@dataclass(frozen=True)
class Issuer:
    name: str  # 落款 and 版头: the bureau
    prefix: str  # 发文字号's 机关代字, e.g. 青教整通
    campaign: str

    @classmethod
    def current(cls, period_end: dt.date) -> Issuer:
        bureau = Unit.objects.filter(kind=UnitKind.BUREAU, parent__isnull=True).order_by("id").first()
        name = bureau.name if bureau else "教育局"
        campaign = Campaign.objects.filter(starts_on__lte=period_end).order_by("-starts_on", "-id").first()
        # 机关代字: the county's first character, as the supervision forms' 青教督; 整通 keeps the 通报's numbers
        # apart from the 通报批评单's (青教通), which count on their own.
        return cls(name=name, prefix=f"{name[:1]}教整通", campaign=campaign.name if campaign else "问题整改")


def _n(value: int, unit: str) -> str:
    return f"{value}{unit}"


def group_parts(by_group: dict[str, int]) -> list[str]:
    """The three groups the campaign speeches count by, a zero written as 0条; 其他 only where there is some."""
    return [
        f"{GROUP_LABELS[g]}{n}条" for g, n in by_group.items() if g != NOT_TRIAGED and (n or g != CategoryGroup.OTHER)
    ]


def opinions_sentence(f: dict[str, Any]) -> str:
    op = f["opinions"]
    if not op["total"]:
        return "本期未收到意见建议。"
    parts = group_parts(op["by_group"])
    text = f"本期共收到意见建议{op['total']}条"
    if parts:
        text += "，其中" + "、".join(parts)
    if op["by_group"][NOT_TRIAGED]:
        text += f"，尚未立项（待梳理或不予立项）{op['by_group'][NOT_TRIAGED]}条"
    channels = [f"{Channel(c).label}{n}条" for c, n in op["by_channel"].items()]
    return text + "。从渠道看，" + "、".join(channels) + "。"


def problems_sentence(f: dict[str, Any]) -> str:
    flows, s = f["flows"], f["standing"]
    text = (
        f"本期新立项问题{flows['created']}个，验收办结{flows['done']}个，其中已销号{flows['closed']}个。"
        if flows["created"] or flows["done"]
        else "本期没有新立项或办结的问题。"
    )
    if not s["total"]:
        return text + "截至目前台账中尚无问题。"
    return text + (
        f"截至{chinese_date(dt.date.fromisoformat(f['as_of']))}，台账累计问题{s['total']}个，已销号{s['closed']}个，"
        f"未销号{s['open']}个，其中已超期{s['overdue']}个。"
    )


def rates_sentence(f: dict[str, Any]) -> str:
    r = f["rates"]
    return "；".join(f"{r[k]['label']}{percent(r[k])}" for k in r) + "。"


def ranking_blocks(f: dict[str, Any]) -> list[Block]:
    ranking = f["ranking"]
    if ranking is not None:
        blocks = [
            Block(
                "p",
                f"根据{ranking['scheme']}（第{ranking['version']}版）{f['period']['label']}考核排名"
                f"（{ranking['published_at']}定稿），各单位情况如下。",
            )
        ]
        for group in ranking["groups"]:
            blocks.append(Block("h2", f"{group['name']}"))
            if group.get("empty"):
                blocks.append(Block("p", group["empty"]))
                continue
            rows = [["名次", "单位", "得分", "星级", "末位提示"]]
            for row in group["units"]:
                rows.append(
                    [
                        str(row["rank"]) if row["rank"] is not None else "不排名",
                        row["unit"],
                        f"{row['score']:.2f}" if row["score"] is not None else "无数据",
                        "★" * (row["stars"] or 0),
                        "是" if row["flagged"] else "",
                    ]
                )
            blocks.append(Block("table", rows=rows))
        return blocks
    if not f["units"]:
        return [Block("p", "本期尚无交办到单位的问题，暂无各单位情况。")]
    rows = [["单位", "问题数", "已销号", "已超期", "按期办结率", "签收及时率"]]
    for u in f["units"]:
        rows.append(
            [
                u["unit"],
                str(u["total"]),
                str(u["closed"]),
                str(u["overdue"]),
                percent(u["done_on_time_rate"]),
                percent(u["sign_on_time_rate"]),
            ]
        )
    return [
        Block("p", "本期考核排名尚未定稿，现将各单位问题整改情况通报如下（按单位排序，不作排名）。"),
        Block("table", rows=rows),
    ]


def _per_unit(problems: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for p in problems:
        counts[p["unit"]] = counts.get(p["unit"], 0) + 1
    return "、".join(f"{u}{n}个" for u, n in counts.items())


def problems_blocks(f: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    overdue, reopened = f["overdue"], f["reopened"]
    if not overdue and not reopened and not f["red_cards"]:
        return [Block("p", "本期没有超期未办结、重办的问题，也没有发出红灯督办。")]
    if overdue:
        blocks.append(Block("h2", f"（一）超期未办结问题{len(overdue)}个"))
        blocks.append(Block("p", f"按责任单位：{_per_unit(overdue)}。"))
        rows = [["问题编号", "问题摘要", "责任单位", "整改时限", "超期天数"]]
        rows += [
            [p["number"], p["title"], p["unit"], p["deadline"], str(p["days_overdue"])] for p in overdue[:MAX_LISTED]
        ]
        blocks.append(Block("table", rows=rows))
        if len(overdue) > MAX_LISTED:
            blocks.append(Block("p", f"另有{len(overdue) - MAX_LISTED}个超期问题，详见台账工作簿。"))
    else:
        blocks.append(Block("h2", "（一）没有超期未办结的问题"))
    if reopened:
        blocks.append(Block("h2", f"（二）重办过的问题{len(reopened)}个"))
        blocks.append(Block("p", f"按责任单位：{_per_unit(reopened)}。"))
        rows = [["问题编号", "问题摘要", "责任单位", "重办次数"]]
        rows += [[p["number"], p["title"], p["unit"], str(p["reopen_count"])] for p in reopened[:MAX_LISTED]]
        blocks.append(Block("table", rows=rows))
    else:
        blocks.append(Block("h2", "（二）没有重办过的问题"))
    cards = [u for u in f["units"] if u["red_cards"]]
    if cards:
        listing = "、".join(f"{u['unit']}{u['red_cards']}件" for u in cards)
        blocks.append(Block("h2", f"（三）本期发出红灯督办{f['red_cards']}件"))
        blocks.append(Block("p", f"{listing}。"))
    else:
        blocks.append(Block("h2", "（三）本期没有发出红灯督办"))
    return blocks


def next_steps(f: dict[str, Any]) -> str:
    lines = []
    if f["standing"]["overdue"]:
        lines.append(
            f"一是对{f['standing']['overdue']}个超期问题逐一督办，责任单位须在3个工作日内说明原因、明确完成时限。"
        )
    else:
        lines.append("一是继续按整改时限推进在办问题，做到问题发现一个、整改一个、销号一个。")
    lines.append("二是严格验收销号标准，来自群众的问题须回访核实后方可销号，不满意的一律重办。")
    lines.append("三是各单位对照本通报查漏补缺，下月通报将继续公布各单位整改情况。")
    return "\n".join(lines)


def bulletin(f: dict[str, Any], issuer: Issuer, number: str, on: dt.date) -> OfficialReport:
    blocks = [
        Block("p", f"现将{f['period']['label']}{issuer.campaign}问题整改工作情况通报如下。"),
        Block("h1", "一、总体情况"),
        Block("p", opinions_sentence(f)),
        Block("p", problems_sentence(f)),
        Block("p", "主要指标：" + rates_sentence(f)),
        Block("h1", "二、各单位情况"),
        *ranking_blocks(f),
        Block("h1", "三、存在问题"),
        *problems_blocks(f),
        Block("h1", "四、下一步工作"),
        Block("p", next_steps(f)),
    ]
    return OfficialReport(
        header=issuer.name,
        number=number,
        title=f"关于{f['period']['label']}问题整改工作情况的通报",
        recipient=RECIPIENT,
        blocks=blocks,
        issuer=issuer.name,
        date=on,
    )


def summary_text(f: dict[str, Any]) -> str:
    """The campaign summary's sentences: "共收集意见建议1593条，其中“四风”方面59条……；梳理形成问题N个……"."""
    op, s, r = f["opinions"], f["standing"], f["rates"]
    if op["total"]:
        parts = group_parts(op["by_group"])
        text = f"共收集意见建议{op['total']}条" + ("，其中" + "、".join(parts) if parts else "")
        if op["by_group"][NOT_TRIAGED]:
            text += f"，另有{op['by_group'][NOT_TRIAGED]}条尚未立项"
    else:
        text = "本期间未收集到意见建议"
    if s["total"]:
        closed_rate = r["closed"]
        text += f"；梳理形成问题{s['total']}个，已整改销号{s['closed']}个，整改率{percent(closed_rate)}"
        text += f"，尚未销号{s['open']}个" + (f"（其中超期{s['overdue']}个）" if s["overdue"] else "（无超期）")
        text += f"；按期办结率{percent(r['done_on_time'])}；群众满意率{percent(r['satisfied'])}。"
    else:
        text += "；尚未梳理形成问题，暂无整改数据。"
    return text


def summary(f: dict[str, Any], issuer: Issuer, on: dt.date) -> OfficialReport:
    blocks = [
        Block("h1", "一、总体情况"),
        Block("p", summary_text(f)),
        Block("h1", "二、主要指标"),
        Block("p", rates_sentence(f)),
        Block("h1", "三、下一步工作"),
        Block("p", next_steps(f)),
    ]
    return OfficialReport(
        header="",
        number="",
        title=f"{issuer.name}关于{issuer.campaign}问题整改工作情况的报告",
        recipient="",
        blocks=blocks,
        issuer=issuer.name,
        date=on,
    )
