"""The demo's 考核: the coordinator writes a quarterly scheme (offices and schools ranked apart), publishes last
quarter's ranking with it, and later changes the weights (a second version; the published ranking keeps the first).
A 民主评议 of the offices and schools runs over the last two weeks: parents answer through the public link (one
browser each, a few units apiece), and six named raters through their own one-time links. Played after the story,
through the real actions, at their moments in the past."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from taizhang.accounts.models import Unit, UnitKind
from taizhang.assessment import actions
from taizhang.assessment.models import Grade, RaterKind
from taizhang.clock import travel_to
from taizhang.demo.story import DAY
from taizhang.lib.scoring import previous_period

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader

SCHEME_NAME = "作风建设季度考核"
SCHEME: dict[str, Any] = {
    "period_kind": "quarter",
    "indicators": [
        {"code": "on_time_rate", "weight": 25},
        {"code": "sign_timely_rate", "weight": 10},
        {"code": "closure_rate", "weight": 20},
        {"code": "satisfaction_rate", "weight": 15},
        {"code": "reopen_rate", "weight": 5},
        {"code": "return_rate", "weight": 5},
        {"code": "self_found_rate", "weight": 5},
        {"code": "appraisal", "weight": 15},
    ],
    "deductions": [
        {"code": "red_card", "points": 1, "cap": 10},
        {"code": "reopened", "points": 0.5, "cap": 5},
        {"code": "criticism", "points": 2, "cap": 10},
    ],
    "groups": [
        {"name": "股室", "kinds": [UnitKind.OFFICE]},
        {"name": "学校", "kinds": [UnitKind.SCHOOL, UnitKind.KINDERGARTEN]},
    ],
    "star_bands": [3, 6, 10, 15],
    "bottom_flagged": 2,
}
# The second version: the 民主评议 counts for more, signing for less.
REVISED = {
    **SCHEME,
    "indicators": [
        {**i, "weight": {"sign_timely_rate": 5, "appraisal": 20}.get(i["code"], i["weight"])}
        for i in SCHEME["indicators"]
    ],
}
VOTERS = 120
RATERS = [
    ("刘代表", RaterKind.DEPUTY, ""),
    ("黄委员", RaterKind.DEPUTY, ""),
    ("何家长", RaterKind.SERVICE_USER, ""),
    ("罗家长", RaterKind.SERVICE_USER, ""),
    ("人事股评议员", RaterKind.UNIT, "人事股"),
    ("计财股评议员", RaterKind.UNIT, "计划财务股"),
]


def _grade(*parts: object) -> str:
    """A steady spread of answers: most 满意 or 比较满意, some 基本满意, a few 不满意."""
    n = int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:6], 16) % 20
    return Grade.SATISFIED if n < 9 else Grade.FAIRLY if n < 15 else Grade.BASIC if n < 18 else Grade.DISSATISFIED


def assess_demo(loader: DemoLoader) -> None:
    coordinator = loader.users["coord"]
    with travel_to(loader.moment(-25 * DAY + 9 * 60)):
        version = actions.do_save_scheme(
            None, actor=coordinator, name=SCHEME_NAME, definition=SCHEME, note="按县局作风建设考核办法设置"
        )
    with travel_to(loader.moment(-20 * DAY + 15 * 60)):
        actions.do_publish_ranking(version, previous_period("quarter", loader.day(-20)), actor=coordinator)
    with travel_to(loader.moment(-3 * DAY + 9 * 60)):
        actions.do_save_scheme(
            version.scheme,
            actor=coordinator,
            name=SCHEME_NAME,
            definition=REVISED,
            note="民主评议权重由15调为20，签收及时率由10调为5",
        )
    _survey(loader)


def _survey(loader: DemoLoader) -> None:
    coordinator = loader.users["coord"]
    ranked = [u for u in loader.units.values() if u.kind in (UnitKind.OFFICE, UnitKind.SCHOOL, UnitKind.KINDERGARTEN)]
    opens = loader.day(-14)
    with travel_to(loader.moment(-14 * DAY + 8 * 60)):
        survey = actions.do_create_survey(
            actions.SurveyInput("第四季度作风建设民主评议", opens, loader.day(7), ranked), actor=coordinator
        )
        raters = actions.do_add_raters(
            survey,
            [actions.RaterInput(name, kind, loader.units.get(unit)) for name, kind, unit in RATERS],
            actor=coordinator,
        )
    for voter in range(VOTERS):
        # Each parent grades the few units they know: three or four, starting from a different one each.
        chosen = [ranked[(voter * 7 + k * 5) % len(ranked)] for k in range(3 + voter % 2)]
        minute = (voter % 14) * DAY + 8 * 60 + (voter * 37) % 600
        with travel_to(loader.moment(-14 * DAY + minute)):
            grades = {u.pk: _grade(voter, u.pk) for u in chosen}
            actions.do_answer_survey(survey, grades, voter_id=f"demo-voter-{voter:04d}")
    for n, (rater, _token) in enumerate(raters):
        with travel_to(loader.moment(-(5 - n % 3) * DAY + 15 * 60 + n)):
            own: Unit | None = rater.unit
            grades = {u.pk: _grade("rater", n, u.pk) for u in ranked if own is None or u.pk != own.pk}
            actions.do_answer_survey(survey, grades, rater=rater)
