"""The files 青溪县 brings in on its first days, written the way its offices keep them (all fictional):

- 家长问卷意见汇总.csv: the basic-education office's parent questionnaire, saved from WPS as GBK, with a repeated
  row, full-width digits and an answer cut over two lines;
- 县局自查整改台账.xlsx: the bureau's self-inspection ledger kept before Taizhang, with a title, a two-row merged
  header, a category merged down, closed, open, overdue and long-term rows, a 说明 row and a signature row;
- 12345工单导出.xlsx: a hotline export the demo leaves for the newcomer to import by hand on /imports/.

Dates are relative to the load day, so the ledger reads the same whenever the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

QUESTIONNAIRE_NAME = "家长问卷意见汇总.csv"
LEDGER_NAME = "县局自查整改台账.xlsx"
HOTLINE_NAME = "12345工单导出.xlsx"

# (days before the load day, answer, school, parent's name or "" for anonymous)
QUESTIONNAIRE = [
    (-40, "希望学校延长课后服务时间，家长下班晚，孩子放学没人接。", "青溪县实验小学", "刘红梅"),
    (-40, "作业太多，孩子每天写到晚上十点，\n周末还有各种打卡任务。", "青溪县第二实验小学", ""),
    (-39, "食堂饭菜价格偏高，一份套餐15元，菜品单一。", "城关镇中心小学", "陈志强"),
    (-39, "建议公开各项收费项目和标准，包括校服、餐费、保险等。", "县一中", "王丽"),
    (-38, "校门口上下学时段车辆乱停，存在安全隐患，建议增派人员疏导。", "实验小学", ""),
    (-40, "希望学校延长课后服务时间，家长下班晚，孩子放学没人接。", "青溪县实验小学", "刘红梅"),  # sent twice
    (-37, "班主任要求家长每天在群里打卡签到，负担很重。", "柳塘镇中心校", "赵敏"),
    (-37, "学校厕所冬天没有热水，孩子洗手很冷。", "白沙镇中心小学", ""),
]

LEDGER_TOP = ["序号", "问题类别", "问题描述", "整改责任", "", "", "整改情况", "", "", "", "", "备注"]
LEDGER_LEAF = [
    "",
    "",
    "",
    "责任领导",
    "责任单位",
    "责任人",
    "整改措施",
    "整改时限",
    "整改进展",
    "完成情况",
    "销号时间",
    "",
]
# (category, description, leader, units, person, measures, deadline (days or words), progress, status, closed (days))
LEDGER = [
    ("形式主义", "各类工作台账重复报送，同一项工作学校要填多张表。", "县教育局分管副局长", "办公室", "办公室主任",
     "1.清理合并各类台账；\n2.建立材料报送清单。", -45, "已合并台账12类，报送清单已印发。", "已完成", -50),
    ("形式主义", "微信工作群打卡任务过多，教师负担重。", "县教育局分管副局长", "基础教育股", "股长",
     "清理各类打卡任务，非必要不打卡。", -20, "已清理打卡任务8项。", "已完成", -22),
    ("形式主义", "督查检查过多过频，学校迎检负担重。", "县教育局局长", "督导室、办公室", "督导室主任",
     "统筹年度督查计划，合并同类检查。", "长期坚持", "已制定年度督查计划。", "长期坚持", None),
    ("官僚主义", "专项经费拨付流程繁琐，学校报账周期长。", "县教育局分管副局长", "计财股、基础教育股", "股长",
     "1.简化报账流程；\n2.每月集中审核一次。", -5, "已出台简化流程草案，尚未印发。", "正在整改", None),
    ("官僚主义", "窗口工作人员对来访群众态度生硬。", "县教育局分管副局长", "县教育局", "办公室主任",
     "立即约谈相关人员，公开致歉。", "立行立改", "已约谈并致歉。", "立行立改", -60),
    ("校园安全", "部分乡镇学校消防器材过期未更换。", "县教育局分管副局长", "安稳股", "股长",
     "全面排查，限期更换。", 25, "已排查学校16所，更换灭火器120具。", "基本完成", None),
]  # fmt: skip

HOTLINE_HEADER = ["序号", "工单编号", "来电时间", "来电人", "联系电话", "诉求类型", "诉求内容", "涉及单位", "承办单位"]
HOTLINE = [
    (-3, "李女士", "138****6621", "投诉", "县二中高二年级周六组织全体学生到校上课，每人收取资料费50元。", "县二中"),
    (-3, "张先生", "13907971234", "咨询", "咨询幼儿园普惠性收费标准和报名时间。", "城关镇中心幼儿园"),
    (-2, "匿名", "", "举报", "龙泉镇初级中学一名老师在校外培训机构兼职授课。", "龙泉镇初级中学"),
    (-2, "王女士", "13607975566/0797-6612345", "投诉", "", ""),
    (-1, "李女士", "138****6621", "投诉", "县二中周六补课收资料费的事还没有人管，希望尽快处理。", "县二中"),
]  # fmt: skip


def _day(anchor: dt.date, offset: int) -> dt.date:
    return anchor + dt.timedelta(days=offset)


def questionnaire_csv(anchor: dt.date) -> bytes:
    wide = str.maketrans("0123456789/", "０１２３４５６７８９／")
    lines = ["序号,填写日期,渠道,家长姓名,是否匿名,意见建议内容,涉及学校"]
    for number, (offset, text, school, name) in enumerate(QUESTIONNAIRE, start=1):
        day = f"{_day(anchor, offset):%Y/%m/%d}"
        day = day.translate(wide) if number == 3 else day  # typed on a phone keyboard
        lines.append(f'{number},{day},问卷,{name},{"否" if name else "是"},"{text}",{school}')
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def ledger_xlsx(anchor: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(["青溪县教育局作风建设自查问题整改台账"])
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=16)
    ws.append(
        ["填报单位：青溪县教育局办公室", "", "", "", "", "", "", "", "", f"填报时间：{_day(anchor, -30):%Y年%m月%d日}"]
    )
    ws.append(LEDGER_TOP)
    ws.append(LEDGER_LEAF)
    for column in "ABCL":
        ws.merge_cells(f"{column}3:{column}4")
    ws.merge_cells("D3:F3")
    ws.merge_cells("G3:K3")
    for number, row in enumerate(LEDGER, start=1):
        category, text, leader, units, person, measures, deadline, progress, status, closed = row
        due = _day(anchor, deadline) if isinstance(deadline, int) else deadline
        shut = _day(anchor, closed) if closed is not None else None
        ws.append([number, category, text, leader, units, person, measures, due, progress, status, shut, ""])
    ws.merge_cells("B5:B7")
    ws.merge_cells("B8:B9")
    for cells in ws.iter_rows(min_row=5):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.append(["说明：完成情况填写“已完成”“正在整改”“长期坚持”“立行立改”。"])
    ws.append(["填报单位（盖章）：", "", "", "填报人：", "", "", "审核人：", "", "", "", "", ""])
    return _saved(wb)


def hotline_xlsx(anchor: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "工单明细"
    ws.append([f"青溪县12345政务服务便民热线教育类工单（{anchor:%Y年%m月}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HOTLINE_HEADER))
    ws.append([f"统计截止时间：{anchor:%Y年%m月%d日}"])
    ws.append(HOTLINE_HEADER)
    for number, (offset, name, phone, kind, text, unit) in enumerate(HOTLINE, start=1):
        called = dt.datetime.combine(_day(anchor, offset), dt.time(9 + number, 12))
        ref = f"QX12345-{called:%Y%m%d}-{number:04d}"
        ws.append([number, ref, called, name, phone, kind, text, unit, "县教育局"])
    ws.append([f"合计：{len(HOTLINE)}件"])
    return _saved(wb)


def _saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
