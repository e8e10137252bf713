"""Files shaped like the ones offices really have, written fresh for these tests (no real file was copied):
a 12345 export with a title, a totals footer and a notes sheet; a 整改台账 with a two-row merged header, merged
categories and a signature row; a GBK CSV from an older system. Row numbers below are Excel's (or the CSV
record's first line)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment

HOTLINE_HEADER = [
    "序号", "工单编号", "来电时间", "来电人", "联系电话", "诉求类型", "诉求内容", "涉及单位", "承办单位", "办理时限",
    "办结时间", "回访满意度",
]  # fmt: skip
TUTORING = "反映县实验小学五年级数学老师周末在家中组织有偿补课，每人每月收费800元，家长不敢不去。"
HOTLINE_ROWS: list[list[object] | None] = [
    # row 4: clean; a real date-time cell, a short unit name
    [1, "QX12345-20261103-0042", dt.datetime(2026, 11, 3, 9, 15), "张女士", "13812345678", "投诉", TUTORING,
     "实验小学", "基础教育股", dt.date(2026, 11, 10), dt.datetime(2026, 11, 8, 16, 0), "满意"],
    # row 5: the time typed as text, a masked phone (kept, not an error)
    [2, "QX12345-20261108-0007", "2026.11.8 09:12", "李先生", "138****1234", "咨询",
     "咨询今年秋季转学手续需要哪些材料，学校说要教育局盖章，来回跑了三趟还没办好。", "县教育局", "基础教育股",
     "2026年11月15日", "", "基本满意"],
    # row 6: two numbers in one cell
    [3, "QX12345-20261109-0015", "2026年11月9日", "王先生", "13912345678/0571-88888888", "建议",
     "建议学校门口上下学时段增派交警疏导，校门口道路拥堵严重。", "青溪县实验小学", "安全稳定股", "", "", ""],
    # row 7: no content at all → rejected
    [4, "QX12345-20261110-0003", "2026-11-10 10:00", "赵女士", "13700001111", "投诉", "", "", "", "", "", ""],
    None,  # row 8: blank
    # row 9: an exact duplicate of row 4 (the export repeated it), only 序号 differs
    [5, "QX12345-20261103-0042", dt.datetime(2026, 11, 3, 9, 15), "张女士", "13812345678", "投诉", TUTORING,
     "实验小学", "基础教育股", dt.date(2026, 11, 10), dt.datetime(2026, 11, 8, 16, 0), "满意"],
    # row 10: an invalid phone, kept and flagged
    [6, "QX12345-20261111-0021", dt.datetime(2026, 11, 11, 14, 30), "孙先生", "1381234", "求助",
     "孩子在学校被高年级同学欺负，班主任不管，希望学校重视校园欺凌。", "实验小学", "安全稳定股", "", "", ""],
    # row 11: 办结时间 before 来电时间
    [7, "QX12345-20261112-0002", dt.datetime(2026, 11, 12, 8, 40), "周女士", "13600002222", "投诉",
     "学校食堂饭菜分量少，价格偏高，学生反映吃不饱。", "实验小学", "学生营养办", "",
     dt.datetime(2026, 11, 2, 10, 0), "不满意"],
    # row 12: 办理中 typed in the date column
    [8, "QX12345-20261113-0009", dt.datetime(2026, 11, 13, 11, 5), "吴先生", "15800003333", "投诉",
     "学校强制学生购买指定教辅资料，每套120元。", "实验小学", "基础教育股", "", "办理中", ""],
    # row 13: a multi-line content cell and a 举报 (the reporter is shown to 纪检组 only)
    [9, "QX12345-20261114-0011", dt.datetime(2026, 11, 14, 16, 20), "郑先生", "13500004444", "举报",
     "举报基础教育股工作人员办事推诿：\n1. 材料交了三次；\n2. 每次说法不一样。", "基础教育股", "纪检组", "", "", ""],
    # row 14: anonymous
    [10, "QX12345-20261115-0030", dt.datetime(2026, 11, 15, 9, 0), "匿名", "", "投诉",
     "县城新开的一家培训机构没有办学许可证，周末招收大量中小学生。", "青溪县星辰培训学校", "民办教育管理股", "", "",
     ""],
    # row 15: content missing though other columns are filled → rejected
    [11, "QX12345-20261116-0001", dt.datetime(2026, 11, 16, 10, 0), "冯女士", "13400005555", "咨询", "   ", "", "",
     "", "", ""],
]  # fmt: skip
HOTLINE_FOOTER = ["合计：11件"]


def hotline_export() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "工单明细"
    ws.append(["青溪县12345政务服务便民热线工单明细表（2026年11月）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HOTLINE_HEADER))
    ws.append(["统计截止时间：2026年11月30日"])
    ws.append(HOTLINE_HEADER)
    for row in HOTLINE_ROWS:
        ws.append(row or [])
    ws.append([])
    ws.append(HOTLINE_FOOTER)
    ws["G13"].alignment = Alignment(wrap_text=True)
    notes = wb.create_sheet("填表说明")
    notes.append(["1. 本表由12345平台导出，工单编号唯一。"])
    notes.append(["2. 回访满意度分为满意、基本满意、不满意。"])
    return _save(wb)


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
LEDGER_ROWS: list[list[object]] = [
    # row 5: closed on a real date
    [1, "形式主义", "部分学校迎检材料重复报送，同一项工作要求多个台账。", "张副局长", "办公室", "刘主任",
     "1.清理合并各类台账；\n2.建立材料报送清单。", dt.date(2026, 9, 30), "已合并台账12类。", "已完成",
     dt.date(2026, 10, 9), ""],
    # row 6: two units in one cell (lead + co-unit), a deadline in words, multi-line measures
    [2, None, "专项经费拨付流程繁琐，学校报账周期长。", "李副局长", "计财股、基础教育股", "陈股长",
     "1.简化报账流程；\n2.每月集中审核一次。", "2026年12月底前", "已出台简化流程草案。", "正在整改", "", ""],
    # row 7: long-term
    [3, None, "督查检查过多过频，基层负担重。", "张副局长", "督导室", "何主任", "统筹年度督查计划，合并同类检查。",
     "长期坚持", "已制定年度计划。", "长期坚持", "", "持续推进"],
    # row 8: immediate, closed, the closing time typed as words with an hour
    [4, "官僚主义", "窗口工作人员对来访群众态度生硬。", "王副局长", "县教育局", "赵主任", "立即约谈，公开致歉。",
     "立行立改", "已约谈并致歉。", "立行立改", "2026年10月21日15时", ""],
    # row 9: open, deadline already past (a slash date typed as text) → overdue from day one
    [5, "师德师风", "个别教师体罚学生，家长多次反映。", "王副局长", "青溪县实验小学", "孙校长", "调查核实，严肃处理。",
     "2026/5/6", "已立案调查。", "正在整改", "", ""],
    # row 10: a category not in the catalogue, a non-standard status
    [6, "作风效能", "机关干部上班时间玩手机、迟到早退。", "张副局长", "办公室", "刘主任", "加强考勤，每月通报。",
     dt.date(2027, 3, 31), "已安装考勤机。", "基本完成", "", "需持续跟踪"],
    # row 11: 已完成 without 销号时间 → awaiting verification
    [7, "形式主义", "学校微信群打卡任务过多。", "李副局长", "基础教育股", "陈股长", "清理打卡任务。",
     dt.date(2026, 11, 30), "已清理。", "已完成", "", ""],
    # row 12: a unit the registry lacks, a deadline in school-year words
    [8, "其他", "教师培训内容与教学实际脱节。", "李副局长", "县教师发展中心", "黄主任", "调研需求，重新设计培训课程。",
     "2027年秋季学期前", "已开展问卷调研。", "正在整改", "", ""],
]  # fmt: skip
LEDGER_NOTE = ["说明：1.本表每月25日前更新；2.完成情况填写“已完成”“正在整改”“长期坚持”。"]
LEDGER_SIGNATURE = ["填报单位（盖章）：", "", "", "填报人：", "", "", "审核人：", "", "", "联系电话：", "", ""]


def office_ledger() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append(["青溪县教育局作风建设问题整改台账"])
    ws.merge_cells("A1:L1")
    ws.append(["填报单位：青溪县教育局办公室", "", "", "", "", "", "", "", "", "填报时间：2026年11月20日"])
    ws.append(LEDGER_TOP)
    ws.append(LEDGER_LEAF)
    for column in "ABCL":
        ws.merge_cells(f"{column}3:{column}4")
    ws.merge_cells("D3:F3")
    ws.merge_cells("G3:K3")
    for row in LEDGER_ROWS:
        ws.append(row)
    ws.merge_cells("B5:B7")  # 形式主义 spans three rows
    ws.append(LEDGER_NOTE)
    ws.merge_cells(f"A{ws.max_row}:L{ws.max_row}")
    ws.append(LEDGER_SIGNATURE)
    for cells in ws.iter_rows(min_row=5):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)


CSV_LINES = [
    "序号,提交日期,渠道,反映人,电话,是否匿名,意见建议内容,涉及学校",
    '1,2026/10/8,问卷,钱女士,13811112222,否,"希望学校延长课后服务时间，家长下班晚，接孩子困难。",青溪县实验小学',
    '2,２０２６／１０／９,问卷,,,是,"作业太多，孩子每天写到晚上十点，\n周末还有各种打卡。",实验小学',
    '3,2026年10月10日,意见箱,孙先生,１３９００００１１１１,否,"食堂价格偏高，一份套餐15元，\n菜品单一。",青溪县实验小学',
    '4,2026/10/11,座谈会,家长代表,,否,"建议公开收费项目，做到明明白白，包括校服、餐费、保险等。",实验小学',
    '5,2026/10/12,路边摊位,周女士,13700002222,否,"校门口流动摊贩售卖三无食品，学生放学围着买。",实验小学',
    '6,2026/10/8,问卷,钱女士,13811112222,否,"希望学校延长课后服务时间，家长下班晚，接孩子困难。",青溪县实验小学',
    "7,2026/10/13,领导接访,吴先生,0571-8888888,否,教师职称评审结果未公示，请求说明。,",
]


def gbk_csv() -> bytes:
    return ("\r\n".join(CSV_LINES) + "\r\n").encode("gbk")


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
