"""Recognise the schools and offices an opinion is about, and reduce each mention to a canonical key.

"临川市实验中学", "实验中学" → key "实验|中"; "北关初级中学", "北关初中", "北关中学" → "北关|中";
"临川二中", "第二中学", "二中" → "2|中"; "石桥镇中心校", "石桥中心校" → "石桥|中心校".
Names come from text patterns (a core before a
school or office suffix) and from the unit registry (full and short names); a bare core ("育英") found
elsewhere in the corpus resolves to its school once the corpus has named it in full.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# suffix → (type, kind). Type is part of the key; kind tells routing what sort of place it is.
_SUFFIXES: list[tuple[str, str, str]] = [
    ("职业中等专业学校", "职", "vocational"),
    ("职业技术学校", "职", "vocational"),
    ("职业高级中学", "职", "vocational"),
    ("职业学校", "职", "vocational"),
    ("职业中学", "职", "vocational"),
    ("职校", "职", "vocational"),
    ("职专", "职", "vocational"),
    ("职高", "职", "vocational"),
    ("特殊教育学校", "特", "special"),
    ("特教学校", "特", "special"),
    ("外国语学校", "外", "private"),
    ("双语学校", "外", "private"),
    ("中心幼儿园", "幼", "kindergarten"),
    ("幼儿园", "幼", "kindergarten"),
    ("中心学校", "中心校", "school"),
    ("中心小学", "中心校", "school"),
    ("中心校", "中心校", "school"),
    ("初级中学", "中", "school"),
    ("高级中学", "中", "school"),
    ("完全中学", "中", "school"),
    ("中学", "中", "school"),
    ("初中", "中", "school"),
    ("高中", "中", "school"),
    ("小学", "小", "school"),
    ("培训学校", "机构", "institution"),
    ("培训中心", "机构", "institution"),
    ("培训机构", "机构", "institution"),
    ("培训班", "机构", "institution"),
    ("培训部", "机构", "institution"),
    ("辅导班", "机构", "institution"),
    ("托管班", "机构", "institution"),
    ("教育咨询中心", "机构", "institution"),
    ("艺术培训", "机构", "institution"),
    ("托管", "机构", "institution"),
    ("补习班", "机构", "institution"),
    ("小饭桌", "机构", "institution"),
    ("午托", "机构", "institution"),
    ("早教", "机构", "institution"),
    ("课堂", "机构", "institution"),
    ("教育", "机构", "institution"),
    ("学校", "校", "school"),
    ("花园", "片区", "area"),
    ("新村", "片区", "area"),
    ("新城", "片区", "area"),
    ("家园", "片区", "area"),
    ("华庭", "片区", "area"),
    ("苑", "片区", "area"),
]
_OFFICE_SUFFIXES = ("股", "室", "办", "组", "中心")
# Offices of an education bureau, recognised by name whatever the registry holds.
KNOWN_OFFICES = (
    "基础教育股",
    "学前教育股",
    "职业教育股",
    "民办教育管理股",
    "民办教育股",
    "计划财务股",
    "人事股",
    "安全稳定股",
    "学生营养办",
    "督导室",
    "纪检组",
    "办公室",
    "招生考试中心",
    "教研室",
    "电教中心",
    "资助中心",
)
_OFFICE_ALIASES = {
    "基教股": "基础教育股",
    "学前股": "学前教育股",
    "职教股": "职业教育股",
    "民教股": "民办教育管理股",
    "民办教育股": "民办教育管理股",
    "计财股": "计划财务股",
    "财务股": "计划财务股",
    "安稳股": "安全稳定股",
    "营养办": "学生营养办",
    "招考中心": "招生考试中心",
    "招生办": "招生考试中心",
    "纪检": "纪检组",
}
# A core made only of these says nothing about which school it is.
_GENERIC_CORES = frozenset(
    [
        "城区",
        "城里",
        "乡镇",
        "农村",
        "乡村",
        "本",
        "该",
        "这",
        "那",
        "这所",
        "那所",
        "一所",
        "某",
        "某某",
        "各",
        "各个",
        "全县",
        "全市",
        "全区",
        "公办",
        "民办",
        "私立",
        "重点",
        "其他",
        "周边",
        "附近",
        "新",
        "老",
        "市",
        "县",
        "区",
        "镇",
        "乡",
        "学前",
        "职业",
        "义务",
        "家庭",
        "基础",
        "素质",
        "特殊",
        "学校",
        "校外",
        "高等",
        "继续",
        "安全",
        "思想",
        "教育",
        "村",
        "我们",
        "他们",
        "孩子",
        "学生",
        "家长",
        "当地",
        "本地",
        "所在",
        "好",
        "外地",
        "外省",
        "上",
        "下",
        "其",
        "原",
        "另",
        "别的",
        "对口",
        "片区",
        "义务",
        "九年",
        "普通",
        "寄宿",
        "省",
        "大",
        "小",
        "初",
        "高",
        "中",
        "职",
        "幼",
        "邻近",
        "县城",
        "城",
        "城郊",
        "哪",
        "哪个",
        "几所",
        "多所",
        "两所",
        "所",
        "普惠",
        "民办园",
        "公办园",
        "配套",
        "小区配套",
        "普惠性",
        "一家",
        "一个",
        "这家",
        "那家",
        "涉事",
        "目前",
        "希望",
        "建议",
        "今年",
        "去年",
        "明年",
        "暑期",
        "校外",
        "课后",
        "寒假",
        "暑假",
        "午",
        "晚",
        "全日",
        "整个",
        "整所",
        "每所",
        "其它",
        "外面",
        "家门口",
        "离家",
        "附近的",
        "新建",
        "新开",
        "周围",
        "这些",
        "那些",
        "有的",
        "有些",
        "好几所",
        "几个",
        "两个",
        "找",
        "来",
        "求",
        "成",
        "花",
        "公园",
        "学",
        "教育",
        "艺术",
        "英语",
        "少儿",
    ]
)
# Characters that never occur inside a school's core name: a core is cut after the last of them.
_STOP_CHARS = set("的在是了我你他她们到去从给说和与及对把被让向这那个读上里就都也还又而或及等称为于以将要想请问反映称")
_STOP_CHARS |= set("，。、；：？！“”‘’（）()[]【】《》「」 ,.;:?!'\"-—…·/\\|0123456789")
_PLACE_SUFFIX = re.compile(r"^(.{2,3}?)(省|市|县|区)")
_TOWN = re.compile(r"(镇|乡|街道)$")
_NUMERAL = {
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
    "十": "10",
}
_NUMBERED = re.compile(
    r"(?:第?([一二三四五六七八九十]{1,2}|\d{1,2})(?:中学|中)(?!心|间|午|层|旬|期|途|标|央|共|国|专|考|小))"
)
# "城一小", "县二幼", "三小", "民中", "县职校": the short forms people use for a county's numbered primary schools and
# kindergartens, its 民族中学 and its one vocational school ("一小时", "一小部分" are not schools).
_SHORT_NUMBERED = re.compile(
    r"(?<![十\d一二三四五六七八九])(?:城关|城|县|第)?([一二三四五六七八九])(小|幼)(?!时|部分|撮|段|块|会|点|学生|朋友|孩|伙|组|事|心|稚|儿)"
)
_SHORT_NAMES = re.compile(r"(?<![\u4e00-\u9fff]{2}族)民中|(?<![\u4e00-\u9fff])(?:县)?职校|县职高|县职中")
# A suffix that is also an ordinary word names a place only when not followed by these ("教育局", "课堂上").
_SUFFIX_NOT_BEFORE = {
    "教育": "局|股|部|系统|工作|质量|公平|资源|阶段|机构|培训|咨询|理念|方式|经费|的|，|。",
    "课堂": "上|里|中|内|教学|纪律",
}
_SUFFIX_RE = re.compile(
    "([\u4e00-\u9fff]{0,8}?)("
    + "|".join(
        re.escape(s) + (f"(?!{_SUFFIX_NOT_BEFORE[s]})" if s in _SUFFIX_NOT_BEFORE else "") for s, _t, _k in _SUFFIXES
    )
    + ")(?!生|部门|教师|老师们|心)"
)
_SUFFIX_INFO = {s: (t, k) for s, t, k in _SUFFIXES}
# "第二实验小学", "二实验小学": a numbered experimental school is a different school from "实验小学".
_NUMBERED_EXPERIMENTAL = re.compile(r"第?([一二三四五六七八九十]|\d{1,2})实验$")
# "二实小", "三实小": the usual short form of a numbered experimental primary school.
_NUMBERED_SHIXIAO = re.compile(r"第?([一二三四五六七八九])实小")
_OFFICE_RE = re.compile("|".join(re.escape(o) for o in sorted((*KNOWN_OFFICES, *_OFFICE_ALIASES), key=len)[::-1]))


@dataclass(frozen=True)
class Mention:
    key: str  # canonical, e.g. "北关|中"
    surface: str  # as written
    kind: str  # school, kindergarten, vocational, private, special, institution, office
    start: int


@dataclass
class EntityCatalogue:
    """Known entities: registry units and places (county/city names) whose prefix is not part of a core."""

    places: set[str] = field(default_factory=set)
    registry: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (display name, kind)
    units: dict[str, str] = field(default_factory=dict)  # registry unit name → its key (one key per unit)
    surfaces: dict[str, str | None] = field(default_factory=dict)  # name as written → key; None: ambiguous
    bare_cores: dict[str, str] = field(default_factory=dict)  # core → key, for cores seen with one key only
    support: Counter[str] = field(default_factory=Counter)  # candidate core → texts naming it before a suffix
    _bare_re: re.Pattern[str] | None = None
    _surface_re: re.Pattern[str] | None = None

    def add_unit(self, name: str, short_name: str, kind: str) -> None:
        """A registry unit (not an office: offices are known by name). Its key comes from its full name; two
        units never share a key, and its full name, the name without the county and its short name are
        recognised as written, each only while no other unit is written the same way."""
        if kind == "office" or name in self.units:
            return
        named = [m for m in self._scan_text(name) if m.kind != "office"]
        main = named[-1] if named else None
        key = main.key if main else f"{name}|单位"
        if key in self.registry and self.registry[key][0] != name:
            key = f"{name}|单位"  # the pattern key is another unit's: this one keeps its full name
        place_kind = kind if kind not in ("school", "") else (main.kind if main else "school")
        self.registry[key] = (name, place_kind)
        self.units[name] = key
        stripped = _PLACE_SUFFIX.sub("", name, count=1)
        for surface in {name, stripped, short_name}:
            if len(surface) < 3:
                continue
            if surface in self.surfaces and self.surfaces[surface] != key:
                self.surfaces[surface] = None  # two units are written this way: it names neither
            else:
                self.surfaces[surface] = key
        known = sorted((sf for sf, k in self.surfaces.items() if k is not None), key=len, reverse=True)
        self._surface_re = re.compile("|".join(re.escape(sf) for sf in known)) if known else None

    def add_units(self, units: Iterable[tuple[str, str, str]]) -> None:
        """The registry, as (name, short name, kind): the county or city its names begin with is learned first,
        so "青溪启明外国语学校" keys as 启明 like the text "启明外国语学校" does."""
        units = list(units)
        for name, _short, _kind in units:
            m = _PLACE_SUFFIX.match(name)
            if m and not (set(m.group(1)) & _STOP_CHARS):
                self.places.add(m.group(1))
        for name, short_name, kind in units:
            self.add_unit(name, short_name, kind)

    def set_kinds(self, kinds: dict[str, str]) -> None:
        """Kinds of place learned for registry units (a school the registry files as a school but that is run
        privately); keys the registry does not hold are ignored."""
        for key, kind in kinds.items():
            if key in self.registry:
                self.registry[key] = (self.registry[key][0], kind)

    def unit_mention(self, name: str) -> Mention | None:
        """The place a registry unit is, as a mention (for a unit given with the opinion, not found in it)."""
        key = self.units.get(name)
        if key is None:
            found = [m for m in self._scan_text(name) if m.kind != "office"]
            return found[-1] if found else None
        return Mention(key, name, self.registry[key][1], -1)

    def learn_places(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            for m in re.finditer(r"([\u4e00-\u9fff]{2})(市|县)(?!里|城|区|直|委|长|级|内|外|民|场|属|教)", text):
                if not (set(m.group(1)) & _STOP_CHARS) and m.group(1) not in _GENERIC_CORES:
                    counts[m.group(1)] += 1
        self.places |= {place for place, n in counts.items() if n >= 2}

    def learn_cores(self, mentions: Iterable[Sequence[Mention]]) -> None:
        """Cores of ≥2 characters that always meant the same school may be written alone ("育英")."""
        seen: dict[str, Counter[str]] = {}
        for ms in mentions:
            for m in ms:
                core = m.key.split("|", 1)[0]
                if len(core) >= 2 and not core.isdigit() and m.kind != "office":
                    seen.setdefault(core, Counter())[m.key] += 1
        self.bare_cores = {
            core: keys.most_common(1)[0][0]
            for core, keys in seen.items()
            if keys.most_common(1)[0][1] >= 0.8 * sum(keys.values())
        }
        for key, (_name, kind) in self.registry.items():
            core = key.split("|", 1)[0]
            if len(core) >= 2 and kind != "office" and not core.isdigit():
                self.bare_cores.setdefault(core, key)
        cores = sorted(self.bare_cores, key=len, reverse=True)
        self._bare_re = re.compile("|".join(re.escape(c) for c in cores)) if cores else None

    def _core(self, prefix: str) -> str:
        cut = max((i for i, ch in enumerate(prefix) if ch in _STOP_CHARS), default=-1)
        core = prefix[cut + 1 :]
        for _ in range(2):
            m = _PLACE_SUFFIX.match(core)
            if m and (m.group(1) in self.places or len(core) > len(m.group(0))):
                core = core[len(m.group(0)) :]
            for place in self.places:
                if core.startswith(place) and len(core) > len(place):
                    core = core[len(place) :]
        core = _TOWN.sub("", core)
        if self.support and len(core) > 2:
            candidates = [core[-k:] for k in range(2, len(core) + 1)]
            floor = max(2, max(self.support[c] for c in candidates) // 4)
            supported = [c for c in candidates if self.support[c] >= floor]
            core = supported[-1] if supported else core[-3:]
            for place in self.places:
                if core.startswith(place) and len(core) > len(place):
                    core = _PLACE_SUFFIX.sub("", core[len(place) :]) or core[len(place) :]
        return core.lstrip("市县区")

    def learn_support(self, texts: Iterable[str]) -> None:
        """Count candidate cores so "网友晒出北关初中" resolves to 北关, the part other texts also write."""
        self.support = Counter()
        for text in texts:
            seen: set[str] = set()
            for m in _SUFFIX_RE.finditer(text):
                prefix = m.group(1)
                cut = max((i for i, ch in enumerate(prefix) if ch in _STOP_CHARS), default=-1)
                core = _TOWN.sub("", prefix[cut + 1 :])
                seen.update(core[-k:] for k in range(2, len(core) + 1))
            self.support.update(seen)

    def fit(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Learn places, core support and bare cores from a corpus; returns each text's scan for reuse."""
        self.learn_places(texts)
        self.learn_support(texts)
        scans = [self.scan(t) for t in texts]
        self.learn_cores(scans)
        return scans

    def scan(self, text: str) -> list[Mention]:
        """Every school, kindergarten, institution and office named in already normalised text. Registry names
        are found first, longest first, so a full or more specific name wins over a pattern read inside it."""
        return self._scan_text(text, registry=True)

    def _scan_text(self, text: str, *, registry: bool = False) -> list[Mention]:
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        if registry and self._surface_re is not None:
            for m in self._surface_re.finditer(text):
                key = self.surfaces[m.group(0)]
                if key is not None:
                    found.append(Mention(key, m.group(0), self.registry[key][1], m.start()))
                    taken.append((m.start(), m.end()))
        for m in _NUMBERED_SHIXIAO.finditer(text):
            if not any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken):
                found.append(Mention(f"{_NUMERAL[m.group(1)]}实验|小", m.group(0), "school", m.start()))
                taken.append((m.start(), m.end()))
        for m in _NUMBERED.finditer(text):
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken):
                continue
            num = m.group(1)
            digits = num if num.isdigit() else _NUMERAL.get(num, "")
            if not digits and len(num) == 2:
                digits = "1" + _NUMERAL.get(num[1], "") if num[0] == "十" else ""
            if digits:
                found.append(Mention(f"{digits}|中", m.group(0), "school", m.start()))
                taken.append((m.start(), m.end()))
        for m in _SHORT_NUMBERED.finditer(text):
            if not any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken):
                type_, kind = ("小", "school") if m.group(2) == "小" else ("幼", "kindergarten")
                found.append(Mention(f"{_NUMERAL[m.group(1)]}|{type_}", m.group(0), kind, m.start()))
                taken.append((m.start(), m.end()))
        for m in _SHORT_NAMES.finditer(text):
            if not any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken):
                key, kind = ("民族|中", "school") if m.group(0) == "民中" else ("县|职", "vocational")
                found.append(Mention(key, m.group(0), kind, m.start()))
                taken.append((m.start(), m.end()))
        for m in _SUFFIX_RE.finditer(text):
            if any(s <= m.start(2) < e for s, e in taken):
                continue
            suffix = m.group(2)
            type_, kind = _SUFFIX_INFO[suffix]
            core = self._core(m.group(1))
            if suffix in ("实验中学", "实验小学"):
                core = "实验"
            town_named = bool(_TOWN.search(m.group(1)))
            if type_ == "中心校" and self.support and self.support[core] < 2 and not town_named:
                core = ""
            if not core or core in _GENERIC_CORES:
                continue
            if (
                type_ in ("校", "机构", "片区")
                and self.support
                and self.support[core] < 2
                and core not in self.bare_cores
            ):
                continue
            if len(core) > 6:
                core = core[-6:]
            if core.endswith("实验") and type_ in ("中", "小", "幼") and len(core) > 2:
                numbered = _NUMBERED_EXPERIMENTAL.search(m.group(1))
                core = "实验" if numbered is None else f"{_NUMERAL.get(numbered.group(1), numbered.group(1))}实验"
            if "外国语" in core or "民办" in core or "私立" in core:
                kind = "private"
            prefix = m.group(1)
            cut = max((i for i, ch in enumerate(prefix) if ch in _STOP_CHARS), default=-1) + 1
            begin = prefix.find(core, cut) if core in prefix[cut:] else cut
            found.append(Mention(f"{core}|{type_}", prefix[begin:] + suffix, kind, m.start(1) + begin))
        for m in _OFFICE_RE.finditer(text):
            name = _OFFICE_ALIASES.get(m.group(0), m.group(0))
            found.append(Mention(f"{name}|股室", m.group(0), "office", m.start()))
        found = [f for f in found if f.key.split("|")[0] or f.key.endswith("中心校")]
        found = [f for f in found if not f.key.startswith("|")]
        found.sort(key=lambda f: f.start)
        return found

    def mentions(self, text: str, scanned: list[Mention] | None = None) -> list[Mention]:
        """`scan`, plus bare cores the catalogue has learned when no school is named in full."""
        found = self.scan(text) if scanned is None else list(scanned)
        if self._bare_re is not None and not any(f.kind != "office" for f in found):
            for m in self._bare_re.finditer(text):
                key = self.bare_cores[m.group(0)]
                kind = self.registry.get(key, ("", "school"))[1]
                found.append(Mention(key, m.group(0), kind, m.start()))
                break
        return found


def primary(mentions: Sequence[Mention]) -> Mention | None:
    """The place an opinion is about: the most-named school, else the most-named office."""
    for want_office in (False, True):
        pool = [m for m in mentions if (m.kind == "office") == want_office]
        if pool:
            counts = Counter(m.key for m in pool)
            best = max(counts.values())
            return next(m for m in pool if counts[m.key] == best)
    return None


def mask(text: str, mentions: Sequence[Mention]) -> str:
    """Replace each named place by its kind, so a classifier learns issues, not school names."""
    out = text
    for m in sorted(mentions, key=lambda m: -len(m.surface)):
        out = out.replace(m.surface, f"〈{m.kind}〉")
    return out
