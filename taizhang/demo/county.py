"""青溪县: the fictional county of the demo — its bureau, offices, schools, inspection groups and people."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

DEMO_PASSWORD = "taizhang-demo"
BUREAU_NAME = "青溪县教育局"
CAMPAIGN_CODE = "QX2026"
CAMPAIGN_NAME = "青溪县教育系统作风建设专项整治"


class Level(StrEnum):
    """What a school teaches, so a complaint names a grade the school has."""

    HIGH = "high"
    MIDDLE = "middle"
    PRIMARY = "primary"
    NINE_YEAR = "nine_year"
    VOCATIONAL = "vocational"
    SPECIAL = "special"
    KINDERGARTEN = "kindergarten"


@dataclass(frozen=True)
class UnitSpec:
    code: str  # prefix of the unit's logins
    name: str
    short_name: str
    kind: str  # accounts.models.UnitKind value
    level: Level | None = None
    private: bool = False
    inspection_group: str = ""  # the 督导组 that checks this school
    town: str = ""  # the 片区 a complaint about places nearby names

    @property
    def is_school(self) -> bool:
        return self.kind in ("school", "kindergarten")


GROUP_ONE = "第一督导组"
GROUP_TWO = "第二督导组"

OFFICES = [
    UnitSpec("office", "办公室", "办公室", "office"),
    UnitSpec("personnel", "人事股", "人事股", "office"),
    UnitSpec("finance", "计划财务股", "计财股", "office"),
    UnitSpec("basic", "基础教育股", "基教股", "office"),
    UnitSpec("preschool", "学前教育股", "学前股", "office"),
    UnitSpec("vocational", "职业教育股", "职教股", "office"),
    UnitSpec("private-ed", "民办教育管理股", "民教股", "office"),
    UnitSpec("safety", "安全稳定股", "安稳股", "office"),
    UnitSpec("nutrition", "学生营养办", "营养办", "office"),
    UnitSpec("supervision", "督导室", "督导室", "office"),
    UnitSpec("exams", "招生考试中心", "招考中心", "office"),
    UnitSpec("discipline-team", "纪检组", "纪检组", "office"),
]
INSPECTION_GROUPS = [
    UnitSpec("group1", GROUP_ONE, "一组", "inspection_group"),
    UnitSpec("group2", GROUP_TWO, "二组", "inspection_group"),
]


def _school(code: str, name: str, short: str, level: Level, group: str, town: str, private: bool = False) -> UnitSpec:
    kind = "kindergarten" if level == Level.KINDERGARTEN else "school"
    return UnitSpec(code, name, short, kind, level, private, group, town)


SCHOOLS = [
    _school("school01", "青溪县第一中学", "县一中", Level.HIGH, GROUP_ONE, "城关镇"),
    _school("school02", "青溪县第二中学", "县二中", Level.HIGH, GROUP_ONE, "城关镇"),
    _school("school03", "青溪县第三中学", "县三中", Level.MIDDLE, GROUP_ONE, "城关镇"),
    _school("school04", "青溪县实验小学", "实验小学", Level.PRIMARY, GROUP_ONE, "城关镇"),
    _school("school05", "青溪县第二实验小学", "二实小", Level.PRIMARY, GROUP_ONE, "城关镇"),
    _school("school06", "城关镇中心小学", "城关中心小学", Level.PRIMARY, GROUP_ONE, "城关镇"),
    _school("school07", "城关镇初级中学", "城关初中", Level.MIDDLE, GROUP_ONE, "城关镇"),
    _school("school08", "柳塘镇中心校", "柳塘中心校", Level.PRIMARY, GROUP_TWO, "柳塘镇"),
    _school("school09", "柳塘镇初级中学", "柳塘初中", Level.MIDDLE, GROUP_TWO, "柳塘镇"),
    _school("school10", "白沙镇中心小学", "白沙中心小学", Level.PRIMARY, GROUP_TWO, "白沙镇"),
    _school("school11", "白沙镇初级中学", "白沙初中", Level.MIDDLE, GROUP_TWO, "白沙镇"),
    _school("school12", "枫林乡中心校", "枫林中心校", Level.NINE_YEAR, GROUP_TWO, "枫林乡"),
    _school("school13", "龙泉镇中心小学", "龙泉中心小学", Level.PRIMARY, GROUP_TWO, "龙泉镇"),
    _school("school14", "龙泉镇初级中学", "龙泉初中", Level.MIDDLE, GROUP_TWO, "龙泉镇"),
    _school("school15", "桃源乡中心校", "桃源中心校", Level.NINE_YEAR, GROUP_TWO, "桃源乡"),
    _school("school16", "青溪县职业中等专业学校", "县职专", Level.VOCATIONAL, GROUP_ONE, "城关镇"),
    _school("school17", "青溪县特殊教育学校", "县特教学校", Level.SPECIAL, GROUP_ONE, "城关镇"),
    _school("school18", "青溪启明外国语学校", "启明外国语学校", Level.NINE_YEAR, GROUP_ONE, "城关镇", private=True),
    _school("school19", "青溪县博文学校", "博文学校", Level.NINE_YEAR, GROUP_TWO, "柳塘镇", private=True),
    _school("kg01", "青溪县机关幼儿园", "机关幼儿园", Level.KINDERGARTEN, GROUP_ONE, "城关镇"),
    _school("kg02", "青溪县实验幼儿园", "县实验幼儿园", Level.KINDERGARTEN, GROUP_ONE, "城关镇"),
    _school("kg03", "城关镇中心幼儿园", "城关中心幼儿园", Level.KINDERGARTEN, GROUP_ONE, "城关镇"),
    _school("kg04", "柳塘镇中心幼儿园", "柳塘中心幼儿园", Level.KINDERGARTEN, GROUP_TWO, "柳塘镇"),
    _school("kg05", "白沙镇中心幼儿园", "白沙中心幼儿园", Level.KINDERGARTEN, GROUP_TWO, "白沙镇"),
    _school("kg06", "青溪县小蓓蕾幼儿园", "小蓓蕾幼儿园", Level.KINDERGARTEN, GROUP_ONE, "城关镇", private=True),
    _school("kg07", "青溪县金色童年幼儿园", "金色童年幼儿园", Level.KINDERGARTEN, GROUP_TWO, "龙泉镇", private=True),
]

# Off-campus training institutions and neighbourhoods that complaints mention; not units of the bureau.
INSTITUTIONS = [
    "青禾培训学校",
    "知新教育咨询中心",
    "乐韵艺术培训中心",
    "博远英语培训班",
    "墨香书法培训部",
    "小状元托管辅导班",
]
NEIGHBOURHOODS = ["溪畔花园", "柳岸新城", "桂香苑", "南湖安置区", "龙泉新村", "白沙老街", "枫林村", "桃源社区"]


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    role: str  # accounts.models.Role value
    unit: str  # unit name
    title: str  # 职务, shown in the logins table
    is_admin: bool = False


# The bureau-wide cast: named by hand, printed first in the logins table.
BUREAU_PEOPLE = [
    Person("coord", "刘建华", "coordinator", BUREAU_NAME, "活动办主任"),
    Person("coord2", "孙晓燕", "coordinator", BUREAU_NAME, "活动办干事"),
    Person("leader", "周文涛", "leader", BUREAU_NAME, "局长"),
    Person("leader2", "陈慧敏", "leader", BUREAU_NAME, "副局长"),
    Person("discipline", "郑国平", "discipline", "纪检组", "纪检组长"),
    Person("discipline2", "冯敏", "discipline", "纪检组", "纪检干事"),
    Person("inspector1", "马志远", "inspector", GROUP_ONE, "组长"),
    Person("inspector2", "黄丽", "inspector", GROUP_ONE, "组员"),
    Person("inspector3", "唐建军", "inspector", GROUP_TWO, "组长"),
    Person("inspector4", "许静", "inspector", GROUP_TWO, "组员"),
    Person("admin", "林涛", "admin", BUREAU_NAME, "系统管理员", is_admin=True),
    # 三权分立: two security administrators (纪检组 grants need a second one) and an audit administrator; staff of
    # the admin without its superuser power (demo.twofactor makes them staff and enrols everyone's 动态口令).
    Person("security", "何立新", "security_admin", BUREAU_NAME, "安全管理员"),
    Person("security2", "钟雪梅", "security_admin", BUREAU_NAME, "安全管理员（复核）"),
    Person("auditor", "袁振华", "audit_admin", BUREAU_NAME, "审计管理员"),
]
# Who heads what: (unit name, head username, deputy username).
HEADS = [
    (BUREAU_NAME, "leader", "leader2"),
    ("纪检组", "discipline", "discipline2"),
    (GROUP_ONE, "inspector1", "inspector2"),
    (GROUP_TWO, "inspector3", "inspector4"),
]

# Common surnames and given names, for staff and reporters; read one character (or word) at a time.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向汤"
)
# fmt: off
GIVEN = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "玉兰", "志强", "海燕", "红梅",
    "晓东", "春华", "建平", "文静", "国强", "丽娟", "小红", "晓明", "雪梅", "振华", "海波", "丽华", "宏伟", "雅琴",
    "俊杰", "玉梅", "志刚", "晓丽", "建军", "淑芬", "凤英", "德明", "思远", "欣怡", "浩然", "子涵", "雨欣", "梓轩",
    "佳怡", "宇航", "诗涵", "一鸣", "嘉豪", "若曦", "晨阳", "梦瑶", "泽宇", "可馨",
]
# fmt: on
STAFF_TITLES = {
    "office": ("联络员", "股长", "副股长"),
    "school": ("联络员", "校长", "分管副校长"),
    "kindergarten": ("联络员", "园长", "副园长"),
}


def _names(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in taken:
            taken.add(name)
            return name


def unit_people() -> list[Person]:
    """An officer (联络员), a head and a deputy for every office and school; names are drawn from a fixed seed."""
    rng = random.Random(2026)
    taken = {p.full_name for p in BUREAU_PEOPLE}
    people = []
    for spec in OFFICES + SCHOOLS:
        if spec.name == "纪检组":
            continue  # its head and deputy are the discipline role
        officer, head, deputy = STAFF_TITLES[spec.kind]
        people += [
            Person(f"{spec.code}-officer", _names(rng, taken), "unit_officer", spec.name, officer),
            Person(f"{spec.code}-head", _names(rng, taken), "unit_head", spec.name, head),
            Person(f"{spec.code}-deputy", _names(rng, taken), "unit_head", spec.name, deputy),
        ]
    return people


def all_people() -> list[Person]:
    return BUREAU_PEOPLE + unit_people()


def all_heads() -> list[tuple[str, str, str]]:
    unit_heads = [
        (spec.name, f"{spec.code}-head", f"{spec.code}-deputy") for spec in OFFICES + SCHOOLS if spec.name != "纪检组"
    ]
    return HEADS + unit_heads


def office_by_name(name: str) -> UnitSpec:
    return next(spec for spec in OFFICES if spec.name == name)
