"""Masking of personal data for public pages and for roles that may not see reporters (内外有别)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{4}(\d{3,4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_EMAIL = re.compile(r"(?<![\w.%+-])([\w.%+-]+)@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})", re.ASCII)


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str) -> str:
    """110101********1234: the region and the last four, as a clerk reads them back to check."""
    number = number.strip()
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_email(email: str) -> str:
    """o***@example.cn: the first character and the domain, enough for its owner to recognise it."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local:
        return "*" * len(email.strip())
    return local[0] + "***@" + domain


def mask_text(text: str) -> str:
    """Hide e-mail addresses, phone and ID numbers written inside free text."""
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


# ---- public text (公示): everything above, plus names, students and classes ---------------------------------------
# A 公示 is read by the whole county: a pupil is found by class as surely as by name, and a reporter by a name
# written into a measure. These rules add to mask_text for public pages only, so internal pages keep their text.

# Common single and compound surnames (百家姓 as used today): a name is looked for only after one of them.
_SURNAMES = (
    "欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|夏侯|尉迟|公孙|"
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAME = "(?:" + "|".join([s for s in _SURNAMES.split("|")[:-1]] + list(_SURNAMES.split("|")[-1])) + ")"
# Words after which a person's name follows (学生王小明, 家长李四, 举报人：张三).
_PERSON_CUE = (
    r"(?:学生|孩子|小孩|儿子|女儿|外孙|孙子|孙女|侄子|幼儿|家长|老师|教师|班主任|校长|园长"
    r"|举报人|反映人|投诉人|联系人|本人|我叫|姓名)[:：\s]*"
)
# Characters that end a name early: a two-character name is rarely followed by these, a verb or particle is.
_NAME_STOPS = frozenset("在反说的被和与等于向是家因所把对也曾已未不同从到将就都还又及称讲打上下来去找让叫给要")
# Words that begin with a surname's character and often follow a cue (学生车辆超载, 学生成绩差, 家长关心):
# not names. A miss here over-masks a word; the known names (the reporters') are masked whatever this list says.
_COMMON_WORDS = frozenset(
    re.findall(
        r"\S+",
        "车辆 车费 成绩 成长 安全 安排 时间 时常 全部 全体 全班 全校 明显 明天 文明 文具 路上 路边 单位 单独 应当 应该 "
        "于是 解决 连续 党员 费用 师生 查处 边上 卫生 米饭 向上 和同 和老 高年 高中 高考 高三 高二 高一 钱款 钱财 金额 "
        "房间 管理 管教 包括 常常 常规 余额 程度 杜绝 任课 任务 毛巾 白天 方面 方式 方法 申请 申报 关于 关注 关心 尚未 "
        "左右 季度 宁可 万元 习惯 经常 上课 上学 课间 家里 家中 吃饭 晚上 早上 下午 上午 午饭 严重 宫廷 曾经 曾被 江边 "
        "和学 和孩 和家 和教 和班 和校 周末 周六 周日 周一 周二 周三 周四 周五 周边 周围 周内",
    )
)
_CUED_NAME = re.compile(rf"({_PERSON_CUE})({_SURNAME})([\u4e00-\u9fff]{{1,2}})")
_NAME_BEFORE_TITLE = re.compile(rf"({_SURNAME})([\u4e00-\u9fff]{{1,2}})(?=同学|小朋友)")
# 三年级二班, 初二(3)班, 高一3班, 七年级（2）班, 3年级2班 — with or without the 年级.
_GRADE = r"(?:[一二三四五六七八九1-9]\s*年级|[小初高]\s*[一二三四五六1-6](?:\s*年级)?)"
_CLASS_ID = re.compile(rf"{_GRADE}\s*[（(]?\s*(?:[0-9０-９]{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[)）]?\s*班")
_MOBILE_SPACED = re.compile(r"(?<!\d)(1[3-9]\d)[-\s]?\d{4}[-\s]?(\d{4})(?!\d)")
CLASS_MASK = "某班"
REDACTED = "■■"


_TITLES = frozenset({"先生", "女士", "同学", "师傅", "阿姨"})


def _is_name(surname: str, given: str) -> bool:
    """张某 is already anonymous, 黄老师 a title; 和某班 is a conjunction before a masked class; 车辆 is a word."""
    if given[0] in "某班级" or given in _TITLES or given[:1] == "老":
        return False
    return given[0] not in _NAME_STOPS and surname + given[0] not in _COMMON_WORDS


def _mask_cued_name(match: re.Match[str]) -> str:
    cue, surname, given = match.groups()
    if not _is_name(surname, given):
        return match.group(0)
    if len(given) == 2 and given[1] in _NAME_STOPS:
        return cue + surname + "*" + given[1]
    return cue + surname + "*" * len(given)


def names_in(text: str) -> set[str]:
    """The people named after a cue (学生陈小虎, 陈小虎同学), to be hidden also where the text names them bare."""
    found = set()
    for match in _CUED_NAME.finditer(text):
        _cue, surname, given = match.groups()
        if _is_name(surname, given):
            found.add(surname + (given[0] if len(given) == 2 and given[1] in _NAME_STOPS else given))
    found |= {m.group(1) + m.group(2) for m in _NAME_BEFORE_TITLE.finditer(text) if _is_name(*m.groups())}
    return found


_ORGANISATION = re.compile(r"(?:股|室|组|局|校|园|院|会|处|科|所|站|队|部|中心|中学|小学|公司|委员会|办公室)$")


def is_organisation(name: str) -> bool:
    """人事股, 第一督导组, 县一中 filed as a reporter: an office reporting itself, not a person to hide."""
    return bool(_ORGANISATION.search(name.strip()))


def mask_public_text(text: str, *, names: Iterable[str] = (), redactions: Iterable[str] = ()) -> str:
    """What a public page may print of free text: mask_text, then every known name (the reporters'), names that
    follow 学生/家长/举报人…, class identifiers, and last the words a person chose to hide (redactions)."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        if name.replace("-", "").isdigit():
            masked = mask_phone(name)
        else:
            masked = mask_email(name) if "@" in name else mask_name(name)
        text = text.replace(name, masked)
    text = mask_text(text)
    text = _MOBILE_SPACED.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    text = _CLASS_ID.sub(CLASS_MASK, text)
    text = _CUED_NAME.sub(_mask_cued_name, text)
    text = _NAME_BEFORE_TITLE.sub(
        lambda m: m.group(1) + "*" * len(m.group(2)) if _is_name(*m.groups()) else m.group(0), text
    )
    for word in sorted({w.strip() for w in redactions if w.strip()}, key=len, reverse=True):
        text = text.replace(word, REDACTED)
    return text
