"""Normalisation of Chinese opinion text before analysis: width, script, markup, emoji, whitespace.

Pure and deterministic; the triage pipeline never sees raw input, only what `normalise` returns.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# Longest text analysed. A 50,000-character paste is a document, not an opinion: its first part decides.
MAX_ANALYSED_CHARS = 2_000

# Traditional → simplified for the characters that opinions about schools actually use. A full OpenCC
# table would be a run-time download or a large vendored file; these pairs cover the vocabulary.
_TRAD = (
    "學学師师們们這这個个會会說说對对時时裡里裏里來来爲为為为與与還还後后於于沒没"
    "麼么嗎吗讓让從从過过開开關关問问題题費费錢钱業业課课補补導导園园幫帮長长電电話话"
    "號号辦办處处組组級级實实驗验語语數数書书記记網网絡络點点樣样幾几嗎吗應应該该發发"
    "現现給给當当機机構构區区縣县鄉乡鎮镇東东廣广場场錄录資资訊讯報报務务條条辦办動动"
    "覺觉視视聽听見见親亲愛爱歡欢樂乐媽妈爺爷們们孩孩兒儿與与專专門门難难臉脸態态度度"
    "負负擔担減减輕轻作作測测試试績绩排排名名體体育育運运衛卫飲饮餐餐廳厅膳膳營营養养"
    "購购買买賣卖價价貴贵質质檢检查查驗验標标準准規规範范違违紀纪紅红禮礼擾扰責责任任"
    "車车輛辆線线護护欄栏樓楼層层燈灯牆墙廁厕漏漏暖暖氣气熱热鍋锅爐炉設设備备舊旧壞坏"
    "將将軍军夥伙傳传統统頭头麵面飯饭雞鸡魚鱼肉肉菜菜貨货運运輸输險险災灾戲戏劇剧藝艺"
    "術术遊游戲戏畫画寫写讀读聽听講讲談谈論论議议調调訪访舉举揭揭訴诉願愿請请託托辭辞"
    "職职稱称聘聘員员幹干領领導导黨党團团風风氣气廉廉潔洁腐腐敗败賄贿賂赂紅红包包歲岁"
    "親亲戚戚屬属係系統统計计劃划財财務务審审批批證证據据權权利利額额滿满擠挤轉转歸归"
    "並并雖虽嚴严厲厉罰罚處处認认識识覺觉確确實实總总結结經经濟济營营憑凭據据碼码鐘钟"
    "頁页選选擇择錯错誤误聯联繫系單单據据幣币頓顿飽饱餓饿臨临償偿鬧闹優优勵励歷历鐵铁陽阳陰阴雜杂齊齐兩两萬万億亿塊块虧亏爭争種种興兴蘇苏黃黄龍龙鳳凤劉刘張张陳陈楊杨趙赵孫孙馬马鄭郑許许館馆樹树橋桥團团壓压儘尽厭厌帶带齡龄"
)
_TRAD_MAP = {ord(_TRAD[i]): _TRAD[i + 1] for i in range(0, len(_TRAD) - 1, 2) if _TRAD[i] != _TRAD[i + 1]}

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,500}>", re.IGNORECASE | re.DOTALL)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\U00002b00-\U00002bff"
    "\ufe00-\ufe0f\u200b-\u200f\u2060-\u206f\U000e0000-\U000e007f]"
)
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class UnusableText(ValueError):
    """The input cannot be analysed; the message says why, in Chinese, for the coordinator."""


@dataclass(frozen=True)
class Normalised:
    text: str
    truncated: bool
    notes: tuple[str, ...]


def to_simplified(text: str) -> str:
    return text.translate(_TRAD_MAP)


def normalise(raw: object) -> Normalised:
    """Clean one opinion for analysis; raise UnusableText when nothing Chinese is left to analyse."""
    if not isinstance(raw, str):
        raise UnusableText("内容不是文本。")
    notes: list[str] = []
    text = raw
    if "<" in text and _TAG.search(text):
        text = _TAG.sub(" ", text)
        notes.append("已去除网页标记")
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    cleaned = _EMOJI.sub("", text)
    if cleaned != text:
        notes.append("已去除表情符号")
    simplified = to_simplified(cleaned)
    if simplified != cleaned:
        notes.append("已转换繁体字")
    text = _SPACE.sub(" ", simplified).strip()
    if not text:
        raise UnusableText("内容为空（或只有空白、表情符号、网页标记）。")
    truncated = len(text) > MAX_ANALYSED_CHARS
    if truncated:
        text = text[:MAX_ANALYSED_CHARS]
        notes.append(f"内容过长，只分析前 {MAX_ANALYSED_CHARS} 字")
    cjk = len(_CJK.findall(text))
    if cjk < 2:
        raise UnusableText("内容不含中文，无法分析，请人工梳理。")
    return Normalised(text=text, truncated=truncated, notes=tuple(notes))
