"""What the columns of offices' files are called, and what their channel words mean.

Field names are Taizhang's; the lists are the header texts seen in 12345 exports, suggestion lists, forum
records and 整改台账 workbooks, the usual one first. A header that matches none is kept as a source field.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from taizhang.intake.models import Channel
from taizhang.lib.cnvalues import fold

SYNONYMS: dict[str, tuple[str, ...]] = {
    "serial": ("序号", "序", "行号", "No", "NO."),
    "text": (
        "诉求内容", "意见建议内容", "意见建议", "反映内容", "问题描述", "内容", "来电内容", "诉求描述", "具体内容",
        "意见内容", "存在问题", "问题表现", "具体问题", "问题内容", "主要问题", "事项内容", "留言内容", "工单内容",
        "问题及表现", "反映问题", "投诉内容", "建议内容", "意见", "问题",
    ),
    "title": ("问题摘要", "标题", "诉求标题", "事项名称", "问题名称", "主题", "诉求主题", "留言标题"),
    "category": ("问题类别", "问题类型", "问题分类", "类别", "所属类别", "类型", "方面", "问题领域"),
    "concerned_unit": (
        "涉及单位", "被反映单位", "涉及学校", "反映对象", "被投诉单位", "涉事单位", "所在学校", "学校名称",
        "被反映对象", "涉及学校/单位", "涉及单位（学校）", "反映单位",
    ),
    "received_at": (
        "来电时间", "提交日期", "提交时间", "收到时间", "登记时间", "受理时间", "反映时间", "来信时间", "留言时间",
        "来访时间", "收件时间", "反映日期", "登记日期", "收到日期", "日期", "时间", "接收时间", "创建时间",
    ),
    "reporter_name": ("来电人", "反映人", "姓名", "诉求人", "投诉人", "留言人", "来访人", "举报人", "来信人", "提出人"),
    "reporter_phone": ("联系电话", "电话", "手机", "来电号码", "联系方式", "手机号码", "手机号", "号码", "电话号码"),
    "reporter_id_number": ("证件号码", "身份证号", "身份证号码", "证件号", "身份证", "公民身份号码"),
    "is_anonymous": ("是否匿名", "匿名"),
    "channel": ("渠道", "来源渠道", "反映渠道", "征集渠道", "来源", "问题来源", "方式", "征集方式", "反映方式"),
    "external_ref": ("工单编号", "工单号", "受理编号", "来源单号", "单号", "编号", "流水号", "受理号"),
    "request_type": ("诉求类型", "诉求分类", "工单类型", "来电类型", "诉求性质"),
    "handling_unit": ("承办单位", "办理单位", "处理单位", "承办部门"),
    "handling_deadline": ("办理时限", "办理期限", "答复时限"),
    "finished_at": ("办结时间", "办结日期", "答复时间"),
    "satisfaction": ("回访满意度", "满意度", "回访结果", "满意情况", "群众满意度"),
    # 整改台账 columns
    "number": ("问题编号", "台账编号"),
    "lead_units": (
        "责任单位", "牵头单位", "责任股室", "整改责任单位", "主责单位", "责任部门", "牵头股室", "责任科室",
        "责任单位（部门）",
    ),
    "co_units": ("配合单位", "协办单位", "配合股室", "协同单位"),
    "responsible_leader": ("责任领导", "分管领导", "包保领导", "牵头领导", "责任局领导"),
    "responsible_person": ("责任人", "具体责任人", "经办人", "整改责任人"),
    "measures": ("整改措施", "整改举措", "措施", "整改方案", "主要措施"),
    "kind": ("整改类型", "整改方式"),
    "deadline": ("整改时限", "完成时限", "整改期限", "时限", "整改时间", "计划完成时间", "完成期限"),
    "progress": ("整改进展", "进展情况", "推进情况", "整改进度", "整改情况", "工作进展"),
    "completion": ("完成情况", "整改状态", "状态", "是否完成", "办理状态", "整改结果", "整改完成情况"),
    "closed_at": ("销号时间", "销号日期", "完成时间", "完成日期", "整改完成时间"),
    "source": ("发现方式",),
    "remarks": ("备注", "说明"),
}  # fmt: skip

FIELD_LABELS: dict[str, str] = {
    "serial": "序号",
    "text": "内容 / 问题描述",
    "title": "问题摘要",
    "category": "问题类别",
    "concerned_unit": "涉及单位",
    "received_at": "收到时间",
    "reporter_name": "反映人",
    "reporter_phone": "联系电话",
    "reporter_id_number": "证件号码",
    "is_anonymous": "是否匿名",
    "channel": "渠道 / 问题来源",
    "external_ref": "来源单号",
    "request_type": "诉求类型",
    "handling_unit": "承办单位",
    "handling_deadline": "办理时限",
    "finished_at": "办结时间",
    "satisfaction": "回访满意度",
    "number": "问题编号",
    "lead_units": "责任单位",
    "co_units": "配合单位",
    "responsible_leader": "责任领导",
    "responsible_person": "责任人",
    "measures": "整改措施",
    "kind": "整改类型",
    "deadline": "整改时限",
    "progress": "整改进展",
    "completion": "完成情况",
    "closed_at": "销号时间",
    "source": "发现方式",
    "remarks": "备注",
}
OPINION_FIELDS = frozenset(
    {"received_at", "reporter_name", "reporter_phone", "reporter_id_number", "is_anonymous", "external_ref",
     "request_type", "handling_unit", "handling_deadline", "finished_at", "satisfaction"}
)  # fmt: skip
LEDGER_FIELDS = frozenset(
    {"number", "lead_units", "co_units", "responsible_leader", "responsible_person", "measures", "kind", "deadline",
     "progress", "completion", "closed_at", "source"}
)  # fmt: skip

# Channel words as offices write them, tried in order; the first contained in the cell wins.
CHANNEL_WORDS: tuple[tuple[str, str], ...] = (
    ("12345", Channel.HOTLINE_12345),
    ("热线", Channel.HOTLINE_12345),
    ("电话", Channel.HOTLINE_12345),
    ("来电", Channel.HOTLINE_12345),
    ("举报", Channel.REPORT),
    ("暗访", Channel.COVERT_CHECK),
    ("自查", Channel.SELF_INSPECTION),
    ("督导", Channel.INSPECTION_FEEDBACK),
    ("督查", Channel.INSPECTION_FEEDBACK),
    ("巡察", Channel.INSPECTION_FEEDBACK),
    ("巡视", Channel.INSPECTION_FEEDBACK),
    ("检查", Channel.INSPECTION_FEEDBACK),
    ("问卷", Channel.QUESTIONNAIRE),
    ("调查", Channel.QUESTIONNAIRE),
    ("意见箱", Channel.SUGGESTION_BOX),
    ("信箱", Channel.ONLINE_FORM),
    ("留言", Channel.ONLINE_FORM),
    ("网站", Channel.ONLINE_FORM),
    ("网上", Channel.ONLINE_FORM),
    ("网络问政", Channel.ONLINE_FORM),
    ("微信", Channel.ONLINE_FORM),
    ("公众号", Channel.ONLINE_FORM),
    ("小程序", Channel.ONLINE_FORM),
    ("邮件", Channel.ONLINE_FORM),
    ("邮箱", Channel.ONLINE_FORM),
    ("座谈", Channel.FORUM),
    ("访谈", Channel.FORUM),
    ("会议", Channel.FORUM),
    ("接访", Channel.LEADER_VISIT),
    ("下访", Channel.LEADER_VISIT),
    ("来访", Channel.LEADER_VISIT),
    ("信访", Channel.LEADER_VISIT),
    ("媒体", Channel.MEDIA),
    ("网帖", Channel.MEDIA),
    ("舆情", Channel.MEDIA),
    ("报道", Channel.MEDIA),
)
_EXACT_CHANNELS = {fold(str(label)): value for value, label in Channel.choices} | {v: v for v in Channel.values}


def channel_of(text: str) -> str | None:
    """The channel a cell names, or None when no word is known (the caller files it under 其他渠道 and flags it)."""
    key = fold(text).lower()
    if not key:
        return None
    if key in _EXACT_CHANNELS:
        return _EXACT_CHANNELS[key]
    for word, channel in CHANNEL_WORDS:
        if word in key:
            return channel
    return None


FIELD_CHOICES = [("", _("（不导入为字段，作为来源信息保留）")), *((k, v) for k, v in FIELD_LABELS.items())]
