"""A ranking as an XLSX workbook: one sheet per unit group, the same rows as the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from openpyxl import Workbook

from taizhang.assessment.ranking import deduction_label, indicator_label
from taizhang.lib.xlsx import safe_row


def _value(cell: Mapping[str, Any] | None) -> Any:
    if not cell or cell.get("value") is None:
        return "无数据"
    return round(cell["value"] * 100, 2)


def write_ranking_xlsx(result: Mapping[str, Any], definition: Mapping[str, Any], out: IO[bytes]) -> None:
    wb = Workbook(write_only=True)
    indicators = [i["code"] for i in definition["indicators"]]
    deductions = [d["code"] for d in definition["deductions"]]
    title = f"{result['scheme']}（第{result['version']}版） {result['period']['label']}"
    for group in result["groups"] or [{"name": "排名", "units": [], "empty": "无"}]:
        ws = wb.create_sheet(group["name"][:31])
        ws.append([title])
        ws.append([f"{group['name']}：{group['empty']}" if group["empty"] else group["name"]])
        header = ["名次", "单位", *[indicator_label(c) for c in indicators]]
        header += [f"扣分：{deduction_label(c)}" for c in deductions]
        header += ["基础得分", "扣分合计", "得分", "星级", "末位提示", "民主评议（群众）", "民主评议（特邀）"]
        ws.append(header)
        for row in group["units"]:
            values = [_value(row["values"].get(c)) for c in indicators]
            points = [row["deductions"].get(c, {}).get("points", 0) for c in deductions]
            ws.append(
                safe_row(
                    ws,
                    [
                        row["rank"] if row["rank"] is not None else "不排名",
                        row["unit"],
                        *values,
                        *points,
                        row["base"] if row["base"] is not None else "无数据",
                        row["deducted"],
                        row["score"] if row["score"] is not None else "无数据",
                        row["stars"] or "",
                        "是" if row["flagged"] else "",
                        row["responses"]["public"],
                        row["responses"]["rater"],
                    ],
                )
            )
        ws.append([])
        ws.append(["指标数值为百分比（民主评议为百分制得分）；无数据的指标不计分，其权重按比例分给有数据的指标。"])
    wb.save(out)
