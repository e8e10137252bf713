"""The demo's public face: a handful of opinions that parents and teachers sent through the public pages in the
last days — named and anonymous, one anonymous 举报, some with photos, one already merged into a problem being
fixed — so the triage inbox shows them and /track/ has codes to follow (printed by the loader)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from taizhang.clock import travel_to
from taizhang.demo.evidence import png_bytes
from taizhang.demo.story import DAY
from taizhang.intake.actions import do_link_opinion
from taizhang.intake.models import Opinion
from taizhang.problems.actions import Upload
from taizhang.problems.models import Problem, Status
from taizhang.public.actions import PublicSubmission, do_submit_public_opinion

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader


@dataclass(frozen=True)
class PublicPlan:
    minute: int  # relative to the load day's midnight, like the story's steps
    text: str
    unit: str = ""
    place: str = ""
    category: str = ""
    name: str = ""
    phone: str = ""
    whistleblowing: bool = False
    photos: int = 0


PLANS = [
    PublicPlan(
        -3 * DAY + 7 * 60 + 40,
        "实验小学东门早上送孩子的车辆乱停乱放，堵到了人行道上，孩子只能从车缝里穿过去，希望学校和交警能管一管。",
        unit="青溪县实验小学",
        category="campus_safety",
        name="陈晓梅",
        phone="13907310021",
        photos=2,
    ),
    PublicPlan(
        -3 * DAY + 21 * 60 + 5,
        "县二中食堂最近两周饭菜分量明显变少，价格却没变，学生反映吃不饱。",
        unit="县二中",  # the short name a parent writes, matched through the registry
        category="canteen",
    ),
    PublicPlan(
        -2 * DAY + 12 * 60 + 30,
        "城关镇文化路有一家没挂牌的托管班，周末给初中生集中补课，据说有在职老师参与。",
        place="城关镇文化路（不知道名称的托管班）",
        category="offcampus_training",
    ),
    PublicPlan(
        -2 * DAY + 22 * 60 + 45,
        "某校副校长借学校采购校服之机收受供货商好处，家长都知道但不敢说。",
        unit="青溪县第三中学",
        category="corruption",
        whistleblowing=True,
    ),
    PublicPlan(
        -1 * DAY + 9 * 60 + 15,
        "到教育局办教师资格认定，窗口要求补交的材料前后说法不一，跑了三趟还没办成。",
        unit="青溪县教育局",
        category="service_attitude",
        name="刘老师",
        phone="13874310388",
    ),
    PublicPlan(
        -1 * DAY + 19 * 60 + 50,
        "柳塘初中宿舍楼有两个灭火器过期一年多了，楼道应急灯也不亮，存在安全隐患。",
        unit="柳塘镇初级中学",
        category="campus_safety",
        photos=1,
    ),
]


def submit_public_opinions(loader: DemoLoader) -> list[Opinion]:
    """Each plan through the public face's own action at its moment; the first is then merged by the coordinator
    into a problem of its school that is being fixed, so following its code shows the office and the deadline."""
    opinions = []
    for n, plan in enumerate(PLANS):
        unit = loader.units.get(plan.unit) or next(
            (u for u in loader.units.values() if u.short_name == plan.unit), None
        )
        photos = [
            Upload(f"IMG_{n}{k}.png", len(data), io.BytesIO(data))
            for k in range(plan.photos)
            for data in [png_bytes(f"public-{n}-{k}", 480, 360)]
        ]
        submission = PublicSubmission(
            text=plan.text,
            unit=unit,
            place=plan.place,
            category_hint=plan.category,
            whistleblowing=plan.whistleblowing,
            anonymous=not plan.name,
            reporter_name=plan.name,
            reporter_phone=plan.phone,
        )
        with travel_to(loader.moment(plan.minute)):
            opinions.append(do_submit_public_opinion(submission, photos))
    target = Problem.objects.filter(status=Status.RECTIFYING, lead_unit__isnull=False).order_by("id").first()
    if target is not None:
        with travel_to(loader.moment(-1 * DAY + 10 * 60)):
            do_link_opinion(opinions[0], target, actor=loader.users["coord"])
    loader.report(
        f"群众端：{len(opinions)} 条意见（其中 {sum(not p.name for p in PLANS)} 条匿名），"
        f"查询码如 {opinions[0].receipt_code}（已归并办理）、{opinions[1].receipt_code}，可在 /track/ 查询。"
    )
    return opinions
