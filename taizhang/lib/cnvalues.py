"""Values as Chinese offices type them: dates, deadlines in words, phone numbers, 完成情况, and plain text.

Every parser returns what it understood plus flags naming what a person should look at; none raises on odd
input, because an odd cell is a flag on a kept row, never a refused one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

# Excel stores dates as days since 1899-12-30; numbers in this range in a date column are dates.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (20000, 80000)
_WIDE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII block → ASCII
_DIGITS_LETTERS = {cp: to for cp, to in _WIDE.items() if chr(to).isalnum()}
_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’", "〝": "“", "〞": "”", "＂": "“"})
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?:[T\s]|日)?\s*(?P<H>\d{1,2})\s*[:：时点]\s*(?:(?P<M>\d{1,2})\s*[:：分]?\s*(?:(?P<S>\d{1,2})\s*秒?)?)?)?"
)
_COMPACT = re.compile(
    r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:\s*(?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?)?$"
)
_HOUR_ONLY = re.compile(r"(?P<H>\d{1,2})\s*时")


def fold(text: str) -> str:
    """NFKC, no spaces: how codes, names, statuses and dates are compared."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def clean_text(value: object) -> str:
    """Free text keeps its Chinese punctuation; only full-width digits and letters become ASCII and odd quotes
    the standard Chinese ones. Line breaks inside a cell are kept; trailing blanks go."""
    text = cell_str(value)
    text = text.translate(_DIGITS_LETTERS).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def cell_str(value: object) -> str:
    """A cell as the text the user sees: numbers typed as numbers lose no digits and gain no '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}" if value.time() != dt.time() else f"{value:%Y-%m-%d}"
    return str(value).strip()


# --- dates -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateValue:
    moment: dt.datetime | None  # naive, local time; a date alone is its midnight
    has_time: bool = False
    from_text: bool = False
    words: str = ""  # a non-date word found in a date column (办理中, 已办结 …)


def parse_moment(value: object) -> DateValue:
    """A date or date-time from a real cell, an Excel serial number, or text as people write it."""
    if value is None or value == "":
        return DateValue(None)
    if isinstance(value, dt.datetime):
        return DateValue(value.replace(tzinfo=None), has_time=value.time() != dt.time())
    if isinstance(value, dt.date):
        return DateValue(dt.datetime.combine(value, dt.time()))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            moment = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=float(value))
            return DateValue(moment.replace(microsecond=0), has_time=moment.time() != dt.time())
        return _from_text(cell_str(value))
    return _from_text(str(value))


def _from_text(raw: str) -> DateValue:
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        return DateValue(None)
    match = _COMPACT.match(text) or _DATE.search(text)
    if match is None:
        return DateValue(None, from_text=True, words=raw.strip())
    parts = match.groupdict()
    try:
        day = dt.date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
    except ValueError:
        return DateValue(None, from_text=True, words=raw.strip())
    hour, minute, second = (int(parts[k]) if parts.get(k) else 0 for k in ("H", "M", "S"))
    if parts.get("H") is None and (hour_only := _HOUR_ONLY.search(text[match.end() :])):
        hour = int(hour_only["H"])
    if not (hour < 24 and minute < 60 and second < 60):
        return DateValue(dt.datetime.combine(day, dt.time()), from_text=True)
    has_time = parts.get("H") is not None or hour != 0
    return DateValue(dt.datetime(day.year, day.month, day.day, hour, minute, second), has_time, from_text=True)


# --- deadlines ---------------------------------------------------------------------------------------------


class KindWord(StrEnum):
    IMMEDIATE = "immediate"
    LONG_TERM = "long_term"


IMMEDIATE_WORDS = ("立行立改", "立即整改", "即知即改", "马上就改", "立查立改")
LONG_TERM_WORDS = ("长期坚持", "持续整改", "长期整改", "常态化", "持续推进", "长期")
_MONTH_END = re.compile(r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>\d{1,2})月(?:底|末|份|中旬|上旬|下旬)?(?:前|以前|之前)?")
_YEAR_WORD = re.compile(
    r"(?P<y>(?:19|20)\d{2})年(?P<w>底|年底|末|上半年|下半年|第[一二三四1-4]季度|[春秋]季(?:学期|开学)|寒假|暑假)"
)
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class DeadlineValue:
    due: dt.date | None = None
    kind: KindWord | None = None
    from_text: bool = False
    words: str = ""  # the text as written, when it was words


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(value: object, *, today: dt.date) -> DeadlineValue:
    """`2026年12月底前` → 31 Dec 2026; `2027年秋季学期前` → 31 Aug 2027; `立行立改`/`长期坚持` are kinds, not dates.
    A month without a year is the next such month-end from `today`."""
    if value is None or value == "":
        return DeadlineValue()
    text = fold(cell_str(value))
    kind = _kind_word(text)
    moment = parse_moment(value)
    if moment.moment is not None:
        return DeadlineValue(moment.moment.date(), kind, moment.from_text, cell_str(value) if moment.from_text else "")
    due = _deadline_words(text, today)
    return DeadlineValue(due, kind, True, str(value).strip())


def _kind_word(text: str) -> KindWord | None:
    if any(w in text for w in IMMEDIATE_WORDS):
        return KindWord.IMMEDIATE
    if any(w in text for w in LONG_TERM_WORDS):
        return KindWord.LONG_TERM
    return None


def _deadline_words(text: str, today: dt.date) -> dt.date | None:
    if m := _YEAR_WORD.search(text):
        year, word = int(m["y"]), m["w"]
        if word in ("底", "年底", "末", "下半年"):
            return dt.date(year, 12, 31)
        if word == "上半年":
            return dt.date(year, 6, 30)
        if word.startswith("第"):
            return _month_end(year, 3 * _QUARTER[word[1]])
        if word.startswith("秋季") or word == "暑假":  # before the autumn term (1 Sept); 暑假 ends with August
            return dt.date(year, 8, 31) if word.startswith("秋季") else dt.date(year, 7, 10)
        if word.startswith("春季"):
            return _month_end(year, 2)
        return dt.date(year, 1, 20)  # 寒假: before the winter holiday
    if m := _MONTH_END.search(text):
        month = int(m["m"])
        if not 1 <= month <= 12:
            return None
        if m["y"]:
            return _month_end(int(m["y"]), month)
        year = today.year if month >= today.month else today.year + 1
        return _month_end(year, month)
    return None


# --- phones ------------------------------------------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"[/／、,，;；|]|\s{1,}|或")
_MOBILE = re.compile(r"^(?:\+?86-?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}(?:(?:转|-|ext)\d{1,6})?$")
_SERVICE = re.compile(r"^(?:400\d{7}|95\d{3,6}|1\d{4})$")
_MASK = re.compile(r"[*＊×xX]")


@dataclass(frozen=True)
class Phone:
    text: str
    masked: bool = False
    valid: bool = True


def parse_phones(value: object) -> list[Phone]:
    """Every number in a cell. A masked number (138****1234) is kept as it is and is not an error; an invalid
    one is kept and marked."""
    text = fold(cell_str(value)).replace("（", "(").replace("）", ")")
    if not text:
        return []
    phones = []
    for part in _PHONE_SPLIT.split(text):
        part = part.strip("()-")
        if not part:
            continue
        digits = part.replace("(", "").replace(")", "")
        if _MASK.search(digits) and sum(ch.isdigit() for ch in digits) >= 4:
            phones.append(Phone(part, masked=True))
            continue
        plain = digits.replace(" ", "")
        valid = bool(_MOBILE.match(plain) or _LANDLINE.match(plain) or _SERVICE.match(plain))
        phones.append(Phone(part, valid=valid))
    return phones


# --- 完成情况 ----------------------------------------------------------------------------------------------


class Completion(StrEnum):
    DONE = "done"
    ONGOING = "ongoing"
    LONG_TERM = "long_term"
    IMMEDIATE = "immediate"
    NOT_ASSIGNED = "not_assigned"  # 待交办, as Taizhang's own export writes it
    NOT_SIGNED = "not_signed"  # 待签收
    RETURNED = "returned"  # 已退单
    VERIFYING = "verifying"  # 待验收
    UNKNOWN = "unknown"


_STANDARD = {
    "已完成": Completion.DONE,
    "已整改": Completion.DONE,
    "已办结": Completion.DONE,
    "已销号": Completion.DONE,
    "完成": Completion.DONE,
    "已整改到位": Completion.DONE,
    "整改完成": Completion.DONE,
    "正在整改": Completion.ONGOING,
    "整改中": Completion.ONGOING,
    "未完成": Completion.ONGOING,
    "推进中": Completion.ONGOING,
    "办理中": Completion.ONGOING,
    "持续推进": Completion.LONG_TERM,
    "长期坚持": Completion.LONG_TERM,
    "持续整改": Completion.LONG_TERM,
    "立行立改": Completion.IMMEDIATE,
    "待交办": Completion.NOT_ASSIGNED,
    "待签收": Completion.NOT_SIGNED,
    "已退单": Completion.RETURNED,
    "待验收": Completion.VERIFYING,
}
_AFTERWORD = re.compile(r"[(（].*$")
_LOOSE = (
    ("基本完成", Completion.ONGOING),
    ("部分完成", Completion.ONGOING),
    ("完成", Completion.DONE),
    ("已整改", Completion.DONE),
    ("整改中", Completion.ONGOING),
    ("推进", Completion.ONGOING),
    ("长期", Completion.LONG_TERM),
    ("立行立改", Completion.IMMEDIATE),
)


@dataclass(frozen=True)
class CompletionValue:
    state: Completion
    standard: bool = True
    words: str = ""
    notes: list[str] = field(default_factory=list)


def parse_completion(value: object) -> CompletionValue:
    """已完成 / 正在整改 / 长期坚持 / 立行立改 are standard; 基本完成 and other wordings are read as their nearest
    state and marked non-standard. `未完成` beats `完成`."""
    raw = cell_str(value)
    text = fold(raw)
    if not text:
        return CompletionValue(Completion.UNKNOWN, standard=True)
    if text in _STANDARD:
        return CompletionValue(_STANDARD[text], words=raw)
    first = _AFTERWORD.sub("", text.split("，")[0].split(",")[0])  # 整改中（40%）, 待签收（超期3天）
    if first in _STANDARD:
        return CompletionValue(_STANDARD[first], standard=True, words=raw)
    if "未完成" in text or "未整改" in text:
        return CompletionValue(Completion.ONGOING, standard=False, words=raw)
    for word, state in _LOOSE:
        if word in text:
            return CompletionValue(state, standard=False, words=raw)
    return CompletionValue(Completion.UNKNOWN, standard=False, words=raw)
