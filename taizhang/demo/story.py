"""Plan the demo county's story without touching the database: who says what, when, and what becomes of it.

The plan is a list of steps in time order (minutes relative to midnight of the load day, all in the past), each
naming one action and its arguments by plain values: opinion and issue keys, usernames, unit names. The loader
plays the steps through the real actions. The same seed, scale and load date give the same story.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from taizhang.demo import county, texts
from taizhang.demo.county import UnitSpec

SEED = 20260901
GROUP_TARGETS = {"four_winds": 59, "people_interests": 1400, "last_mile": 134}  # the seeds' 1,593 opinions
UNTRIAGED_TARGET = 150
DISMISSED_TARGET = 80
FORGOTTEN_SHARE = 0.15  # of the untriaged: weeks old rather than just in
DAYS = 72  # opinions arrive over the last DAYS days
DAY = 1440  # minutes
HORIZON = -1  # nothing happens later than one minute before midnight of the load day

CLUSTER_SIZES: list[tuple[int, float]] = [
    (1, 40),
    (2, 22),
    (3, 14),
    (4, 9),
    (5, 6),
    (6, 4),
    (7, 2),
    (8, 1.5),
    (10, 1),
    (12, 0.5),
]
CHANNEL_WEIGHTS = {
    "four_winds": {
        "forum": 3, "inspection_feedback": 3, "covert_check": 2, "report": 4, "online_form": 2,
        "suggestion_box": 2, "media": 1, "hotline_12345": 1,
    },
    "people_interests": {
        "hotline_12345": 35, "online_form": 25, "suggestion_box": 10, "forum": 4, "leader_visit": 5, "report": 6,
        "media": 6, "inspection_feedback": 4, "covert_check": 2,
    },
    "last_mile": {
        "hotline_12345": 35, "online_form": 25, "leader_visit": 8, "report": 8, "media": 5, "covert_check": 8,
        "suggestion_box": 5, "forum": 3,
    },
}  # fmt: skip
SELF_FOUND_SHARE = 0.08
SPLIT_SHARE = 0.03
PUBLIC_SUBMITTERS = {"hotline_12345": "12345热线工单接口", "online_form": "群众网上留言"}
OFFICE_HOURS = (8 * 60 + 30, 17 * 60 + 30)


class Fate(StrEnum):
    """Where a problem's story ends on the load day."""

    NEW = "new"
    ASSIGNED = "assigned"
    RETURNED = "returned"
    RECTIFYING = "rectifying"
    OVERDUE = "overdue"
    VERIFYING = "verifying"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def status(self) -> str:
        """The problems.models.Status value the problem ends in."""
        return "rectifying" if self in (Fate.OVERDUE, Fate.REOPENED) else self.value


@dataclass
class OpinionPlan:
    key: int
    group: str
    channel: str
    text: str
    issues: list[int]  # one, or two when the opinion raises two problems (拆分)
    received: int  # minutes
    reporter_name: str = ""
    reporter_phone: str = ""
    is_anonymous: bool = False
    concerned_unit: str | None = None
    external_ref: str = ""
    triaged: int | None = None  # None: still untriaged on the load day
    dismissed: bool = False


@dataclass
class IssuePlan:
    """One concrete case (this school, this issue); it becomes a problem when its first opinion is triaged."""

    key: int
    group: str
    template: texts.IssueTemplate
    facts: dict[str, Any]
    unit: str | None  # the unit the opinions concern
    lead: str
    co_units: list[str]
    verifiers: list[str]
    opinions: list[int] = field(default_factory=list)
    created: int | None = None
    fate: Fate | None = None

    @property
    def category(self) -> str:
        return self.template.category

    def render(self, template: str) -> str:
        return template.format_map(self.facts)


@dataclass(frozen=True)
class Step:
    at: int  # minutes relative to midnight of the load day
    seq: int
    action: str  # the do_* action, without the prefix and the noun
    args: dict[str, Any]


@dataclass
class Story:
    anchor: dt.date
    opinions: list[OpinionPlan]
    issues: list[IssuePlan]
    steps: list[Step]

    def group_counts(self) -> dict[str, int]:
        return dict(Counter(o.group for o in self.opinions))

    def linked_group_counts(self) -> dict[str, int]:
        return dict(Counter(o.group for o in self.opinions if o.triaged is not None and not o.dismissed))

    def fates(self) -> dict[str, int]:
        return dict(Counter(str(i.fate) for i in self.issues if i.fate is not None))

    def untriaged(self) -> int:
        return sum(1 for o in self.opinions if o.triaged is None)

    def dismissed(self) -> int:
        return sum(1 for o in self.opinions if o.dismissed)

    def problems(self) -> int:
        return sum(1 for i in self.issues if i.fate is not None)


def build_story(anchor: dt.date, *, scale: float = 1.0, seed: int = SEED) -> Story:
    return _Planner(anchor, scale, seed).build()


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class _Planner:
    def __init__(self, anchor: dt.date, scale: float, seed: int) -> None:
        self.anchor = anchor
        self.scale = scale
        self.rng = random.Random(seed)
        self.opinions: list[OpinionPlan] = []
        self.issues: list[IssuePlan] = []
        self.steps: list[Step] = []
        self.used: set[tuple[str, str]] = set()
        self.people = {p.username: p for p in county.all_people()}
        self.units = {spec.name: spec for spec in county.OFFICES + county.SCHOOLS}
        self.hotline_seq = 0

    def build(self) -> Story:
        for group, target in GROUP_TARGETS.items():
            self._plan_group(group, round(target * self.scale))
        self._choose_untriaged()
        self._choose_dismissed()
        self._create_problems()
        self._choose_fates()
        for issue in self.issues:
            if issue.fate is not None:
                _Lifecycle(self, issue).plan()
        self.steps.sort(key=lambda s: (s.at, s.seq))
        return Story(self.anchor, self.opinions, self.issues, self.steps)

    def step(self, at: int, action: str, /, **args: Any) -> None:
        self.steps.append(Step(at, len(self.steps), action, args))

    # -- time -------------------------------------------------------------------------------------------------

    def is_workday(self, day: int) -> bool:
        return (self.anchor + dt.timedelta(days=day)).weekday() < 5

    def office_time(self, at: int) -> int:
        """The first office-hours minute at or after `at` (weekends skipped)."""
        day, minute = divmod(at, DAY)
        opens, closes = OFFICE_HOURS
        if minute > closes:
            day, minute = day + 1, opens + self.rng.randint(0, 90)
        elif minute < opens:
            minute = opens + self.rng.randint(0, 90)
        while not self.is_workday(day):
            day, minute = day + 1, opens + self.rng.randint(0, 90)
        return day * DAY + minute

    def month(self) -> int:
        return (self.anchor - dt.timedelta(days=self.rng.randint(15, DAYS))).month

    # -- opinions and issues ----------------------------------------------------------------------------------

    def _plan_group(self, group: str, budget: int) -> None:
        while budget > 0:
            if budget >= 2 and self.rng.random() < SPLIT_SHARE and (pair := self._split_pair(group)):
                budget -= self._plan_split(*pair, budget)
                continue
            issue = self._new_issue(group)
            size = min(_weighted(self.rng, dict(CLUSTER_SIZES)), budget)
            self._plan_opinions(issue, size)
            budget -= size

    def _new_issue(self, group: str, template: texts.IssueTemplate | None = None, unit: str | None = None) -> IssuePlan:
        for _attempt in range(200):
            tpl = template or self.rng.choice(texts.ISSUES_BY_GROUP[group])
            spec, facts = self._place(tpl, unit)
            if (tpl.brief, facts["unit"]) not in self.used:
                break
        self.used.add((tpl.brief, facts["unit"]))
        lead, co_units = self._responsibility(tpl, spec)
        issue = IssuePlan(
            key=len(self.issues),
            group=group,
            template=tpl,
            facts=facts,
            unit=spec.name if spec else None,
            lead=lead,
            co_units=co_units,
            verifiers=self._verifiers(spec),
        )
        issue.facts["office"] = spec.name if spec and spec.kind == "office" else (co_units or [lead])[0]
        issue.facts["brief"] = issue.render(tpl.brief)
        self.issues.append(issue)
        return issue

    def _place(self, tpl: texts.IssueTemplate, unit: str | None) -> tuple[UnitSpec | None, dict[str, Any]]:
        rng = self.rng
        town = rng.choice(["城关镇", "柳塘镇", "白沙镇", "枫林乡", "龙泉镇", "桃源乡"])
        spec: UnitSpec | None = None
        if unit:
            spec = self.units[unit]
        elif tpl.where == (texts.OFFICE,):
            spec = self.units[rng.choice(tpl.offices)]
        elif tpl.where not in ((texts.INSTITUTION,), (texts.AREA,)):
            spec = rng.choice([s for s in county.SCHOOLS if s.level in tpl.where])
        level = spec.level if spec and spec.level else "primary"
        grade = rng.choice(texts.GRADES[level])
        institution = rng.choice(county.INSTITUTIONS)
        if spec is not None:
            name, short, town = spec.name, spec.short_name, spec.town or town
        elif tpl.where == (texts.INSTITUTION,):
            name = short = institution
        else:
            name = short = town
        facts: dict[str, Any] = {
            "unit": name,
            "short": short,
            "town": town,
            "place": rng.choice(county.NEIGHBOURHOODS),
            "grade": grade,
            "klass": f"{grade}（{rng.randint(1, 12)}）班",
            "subject": rng.choice(texts.SUBJECTS[level]),
            "teacher": rng.choice(county.SURNAMES) + "老师",
            "amount": rng.choice([300, 400, 500, 600, 800, 1000, 1200, 1500]),
            "small_amount": rng.choice([50, 80, 100, 120, 150]),
            "big_amount": rng.randint(2, 30),
            "count": rng.randint(3, 12),
            "small_count": rng.randint(2, 6),
            "big_count": rng.randint(56, 72),
            "month": self.month(),
            "holiday": rng.choice(texts.HOLIDAYS),
            "price": rng.choice([12, 13, 15, 16, 18]),
            "institution": institution,
        }
        return spec, facts

    def _responsibility(self, tpl: texts.IssueTemplate, spec: UnitSpec | None) -> tuple[str, list[str]]:
        co = texts.CO_OFFICE[tpl.category]
        if spec is None:
            if tpl.where == (texts.INSTITUTION,):
                return texts.INSTITUTION_OFFICE, [co]
            return texts.AREA_OFFICE[tpl.category], []
        if spec.kind == "office":
            return spec.name, (["督导室"] if spec.name != "督导室" and self.rng.random() < 0.2 else [])
        if spec.private:
            return "民办教育管理股", [spec.name]
        if spec.kind == "kindergarten":
            return spec.name, ["学前教育股"]
        return spec.name, [co] + (["职业教育股"] if spec.level == county.Level.VOCATIONAL else [])

    def _verifiers(self, spec: UnitSpec | None) -> list[str]:
        if spec is not None and spec.inspection_group == county.GROUP_ONE:
            return ["inspector1", "inspector2"]
        if spec is not None and spec.inspection_group == county.GROUP_TWO:
            return ["inspector3", "inspector4"]
        return ["coord2", "inspector1", "inspector3"]

    def _split_pair(self, group: str) -> tuple[texts.IssueTemplate, texts.IssueTemplate, str] | None:
        """Two issues of different categories at the same school, raised together in one opinion."""
        first = self.rng.choice(texts.ISSUES_BY_GROUP[group])
        partners = [
            t
            for t in texts.ISSUES_BY_GROUP[group]
            if t.category != first.category and set(t.where) & set(first.where) and t.where[0] in texts.SCHOOLS
        ]
        if first.where[0] not in texts.SCHOOLS or not partners:
            return None
        second = self.rng.choice(partners)
        schools = [s for s in county.SCHOOLS if s.level in first.where and s.level in second.where]
        school = self.rng.choice(schools).name
        if (first.brief, school) in self.used or (second.brief, school) in self.used:
            return None
        return first, second, school

    def _plan_split(self, first: texts.IssueTemplate, second: texts.IssueTemplate, school: str, budget: int) -> int:
        group = next(g for g, templates in texts.ISSUES_BY_GROUP.items() if first in templates)
        a = self._new_issue(group, first, school)
        b = self._new_issue(group, second, school)
        received = self.rng.randint(-DAYS * DAY, -6 * DAY)
        channel = _weighted(self.rng, {"hotline_12345": 3, "online_form": 3, "leader_visit": 1, "forum": 1})
        core = a.render(self.rng.choice(a.template.cores)) + "；另外，" + b.render(self.rng.choice(b.template.cores))
        combined = self._opinion(a, channel, received, core=core)
        combined.issues.append(b.key)
        b.opinions.append(combined.key)
        used = 1
        for issue in (a, b):
            extra = min(self.rng.choice([0, 0, 1, 2]), budget - used)
            self._plan_duplicates(issue, extra, combined.received)
            used += extra
        return used

    def _plan_opinions(self, issue: IssuePlan, size: int) -> None:
        first_received = self.rng.randint(-DAYS * DAY, -1 * DAY)
        # The campaign's 查找问题 stage (the older half of the window) brings more opinions.
        if first_received > -(DAYS // 2) * DAY and self.rng.random() < 0.35:
            first_received -= (DAYS // 2) * DAY
        self_found = issue.unit is not None and self.rng.random() < SELF_FOUND_SHARE
        channel = "self_inspection" if self_found else self._channel(issue)
        first = self._opinion(issue, channel, first_received)
        self._plan_duplicates(issue, size - 1, first.received)

    def _plan_duplicates(self, issue: IssuePlan, count: int, after: int) -> None:
        for _n in range(count):
            gap = int(self.rng.expovariate(1 / 6) * DAY)
            received = after + 30 + gap
            if received > -DAY:
                received = self.rng.randint(after + 1, -DAY // 2) if after + 1 < -DAY // 2 else -DAY // 2
            self._opinion(issue, self._channel(issue), received, not_before=after + 1)

    def _channel(self, issue: IssuePlan) -> str:
        weights = dict(CHANNEL_WEIGHTS[issue.group])
        if issue.unit is None:  # an institution or a town: no inspection group visits it
            weights.pop("covert_check", None)
            weights.pop("inspection_feedback", None)
        return str(_weighted(self.rng, weights))

    def _opinion(
        self, issue: IssuePlan, channel: str, received: int, core: str | None = None, not_before: int | None = None
    ) -> OpinionPlan:
        rng = self.rng
        if channel in PUBLIC_SUBMITTERS or channel in ("report", "media"):
            received = received // DAY * DAY + rng.randint(7 * 60, 23 * 60)
        else:
            received = self.office_time(received)
        received = min(max(received, not_before or received), HORIZON - 60)
        core = core or issue.render(rng.choice(issue.template.cores))
        opinion = OpinionPlan(
            key=len(self.opinions),
            group=issue.group,
            channel=channel,
            text=self._text(issue, channel, core),
            issues=[issue.key],
            received=received,
            concerned_unit=issue.unit if rng.random() < 0.85 else None,
        )
        self._reporter(opinion, issue)
        self.opinions.append(opinion)
        issue.opinions.append(opinion.key)
        return opinion

    def _text(self, issue: IssuePlan, channel: str, core: str) -> str:
        rng = self.rng
        wrappers = list(texts.WRAPPERS[channel])
        if channel == "self_inspection":  # "城关初中自查发现：城关初中…" names the unit once
            core = core.removeprefix(issue.facts["unit"])
        if issue.unit and self.units[issue.unit].is_school:
            wrappers += texts.PARENT_WRAPPERS.get(channel, [])
        fields = {
            **issue.facts,
            "core": core,
            "demand": texts.DEMANDS[issue.category],
            "forum": rng.choice(texts.FORUMS).format(town=issue.facts["town"]),
            "speaker": rng.choice(texts.SPEAKERS),
            "visitor": rng.choice(texts.VISITORS).format(name=self._public_name(), small_count=rng.randint(2, 6)),
            "views": rng.choice(["三千", "五千", "一万", "两万"]),
            "self_unit": issue.unit or issue.lead,
            "group": rng.choice([county.GROUP_ONE, county.GROUP_TWO]),
        }
        if issue.unit and self.units[issue.unit].inspection_group:
            fields["group"] = self.units[issue.unit].inspection_group
        return rng.choice(wrappers).format_map(fields)

    def _public_name(self) -> str:
        surname = self.rng.choice(county.SURNAMES)
        if self.rng.random() < 0.5:
            return surname + self.rng.choice(["女士", "先生"])
        return surname + self.rng.choice(county.GIVEN)

    def _phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99_999_999):08d}"

    def _reporter(self, opinion: OpinionPlan, issue: IssuePlan) -> None:
        rng = self.rng
        channel = opinion.channel
        anonymous_share = {"hotline_12345": 0.15, "online_form": 0.35, "report": 0.5, "leader_visit": 0.0}
        if channel in ("suggestion_box", "media"):
            opinion.is_anonymous = True
        elif channel in anonymous_share:
            if rng.random() < anonymous_share[channel]:
                opinion.is_anonymous = True
            else:
                opinion.reporter_name, opinion.reporter_phone = self._public_name(), self._phone()
        elif channel in ("inspection_feedback", "covert_check"):
            opinion.reporter_name = self.units[issue.unit].inspection_group if issue.unit else ""
        elif channel == "self_inspection":
            opinion.reporter_name = issue.unit or ""
        if channel == "hotline_12345":
            self.hotline_seq += 1
            opinion.external_ref = f"QX12345-{self.hotline_seq:06d}"

    # -- triage -----------------------------------------------------------------------------------------------

    def _choose_untriaged(self) -> None:
        """Most opinions are triaged within days; the last few days' are not yet, and a few were forgotten."""
        split = {o.key for o in self.opinions if len(o.issues) > 1}
        for o in self.opinions:
            delay = int(self.rng.uniform(0.05, 3.5) * DAY)
            o.triaged = self.office_time(o.received + delay)
            if o.key in split:
                o.triaged = min(o.triaged, HORIZON - 30)
            elif o.triaged >= HORIZON:
                o.triaged = None
        target = round(UNTRIAGED_TARGET * self.scale)
        forgotten = round(target * FORGOTTEN_SHARE)
        candidates = [o for o in self.opinions if o.triaged is not None and o.key not in split]
        old = [o for o in candidates if o.received < -10 * DAY]
        for o in self.rng.sample(old, min(forgotten, len(old))):
            o.triaged = None
        missing = target - sum(1 for o in self.opinions if o.triaged is None)
        # The newer an opinion, the likelier it still waits (a weighted sample without replacement).
        recent = [o for o in candidates if o.triaged is not None and o.received >= -21 * DAY]
        weight = {o.key: 1 / (0.5 - o.received / DAY) ** 2 for o in recent}
        recent.sort(key=lambda o: self.rng.random() ** (1 / weight[o.key]), reverse=True)
        for o in recent[: max(missing, 0)]:
            o.triaged = None

    def _choose_dismissed(self) -> None:
        singles = [i for i in self.issues if len(i.opinions) == 1 and self.opinions[i.opinions[0]].triaged is not None]
        singles = [i for i in singles if len(self.opinions[i.opinions[0]].issues) == 1]
        for issue in self.rng.sample(singles, min(round(DISMISSED_TARGET * self.scale), len(singles))):
            opinion = self.opinions[issue.opinions[0]]
            opinion.dismissed = True
            reason = "untrue" if self.rng.random() < 0.6 else "not_accepted"
            answer = issue.render(self.rng.choice(texts.DISMISS_ANSWERS[reason]))
            self.step(opinion.received, "receive", opinion=opinion.key)
            self.step(opinion.triaged or 0, "dismiss", opinion=opinion.key, actor=self._triager(), reason=reason,
                      answer=answer)  # fmt: skip

    def _triager(self) -> str:
        return "coord" if self.rng.random() < 0.7 else "coord2"

    def _create_problems(self) -> None:
        """The first triaged opinion creates the problem; later ones are linked to it as duplicates."""
        done: set[int] = {o.key for o in self.opinions if o.dismissed}
        for o in self.opinions:
            if not o.dismissed:
                self.step(o.received, "receive", opinion=o.key)
        for issue in self.issues:
            triaged = sorted(
                (self.opinions[k] for k in issue.opinions if self.opinions[k].triaged is not None),
                key=lambda o: (len(o.issues) == 1, o.triaged),
            )
            if not triaged or triaged[0].dismissed:
                continue
            creator = triaged[0]
            assert creator.triaged is not None
            if issue.created is None:
                issue.created = creator.triaged
                if creator.key not in done:
                    done.add(creator.key)
                    self.step(creator.triaged, "create", opinion=creator.key, issues=creator.issues,
                              actor=self._triager())  # fmt: skip
                    for key in creator.issues:
                        self.issues[key].created = creator.triaged
            for o in triaged[1:]:
                if o.key in done:
                    continue
                assert o.triaged is not None
                o.triaged = min(max(o.triaged, issue.created + 5), HORIZON)
                if o.triaged <= issue.created:  # created in the last minutes of the story: no time left
                    o.triaged = None
                    continue
                done.add(o.key)
                self.step(o.triaged, "link", opinion=o.key, issue=issue.key, actor=self._triager())

    # -- fates ------------------------------------------------------------------------------------------------

    def _choose_fates(self) -> None:
        problems = [i for i in self.issues if i.created is not None]
        for issue in problems:
            assert issue.created is not None
            issue.fate = _weighted(self.rng, _fate_weights(-issue.created // DAY))
        self._ensure_every_fate(problems)

    def _ensure_every_fate(self, problems: list[IssuePlan]) -> None:
        """Every status appears even at a small scale, so the demo (and its test) always shows the whole loop."""
        if len(problems) < 3 * len(Fate):
            return
        oldest_first = sorted(problems, key=lambda i: i.created or 0)
        for fate in Fate:
            counts = Counter(i.fate for i in problems)
            if counts[fate]:
                continue
            common = counts.most_common(1)[0][0]
            pool = oldest_first if fate not in (Fate.NEW, Fate.ASSIGNED) else oldest_first[::-1]
            chosen = next(i for i in pool if i.fate == common)
            chosen.fate = fate


def _fate_weights(age: int) -> dict[Fate, float]:
    if age < 3:
        return {Fate.NEW: 6, Fate.ASSIGNED: 4}
    if age < 8:
        return {Fate.NEW: 4, Fate.ASSIGNED: 4, Fate.RETURNED: 1, Fate.RECTIFYING: 3, Fate.VERIFYING: 0.5}
    if age < 14:
        return {
            Fate.NEW: 1.5, Fate.ASSIGNED: 2.5, Fate.RETURNED: 0.8, Fate.RECTIFYING: 4, Fate.VERIFYING: 1.5,
            Fate.CLOSED: 2,
        }  # fmt: skip
    if age < 40:
        return {
            Fate.NEW: 0.35, Fate.ASSIGNED: 0.4, Fate.RETURNED: 0.3, Fate.RECTIFYING: 2.2, Fate.OVERDUE: 1.6,
            Fate.VERIFYING: 0.8, Fate.CLOSED: 5, Fate.REOPENED: 0.3,
        }  # fmt: skip
    return {
        Fate.NEW: 0.15, Fate.ASSIGNED: 0.1, Fate.RETURNED: 0.15, Fate.RECTIFYING: 1.2, Fate.OVERDUE: 1.5,
        Fate.VERIFYING: 0.5, Fate.CLOSED: 6.5, Fate.REOPENED: 0.4,
    }  # fmt: skip


class _Lifecycle:
    """The steps from a problem's creation to its fate, fitted between its creation and the load day."""

    def __init__(self, planner: _Planner, issue: IssuePlan) -> None:
        self.p = planner
        self.rng = planner.rng
        self.issue = issue
        self.officer = f"{planner.units[issue.lead].code}-officer"
        self.percent = 0
        self.reports = 0

    def plan(self) -> None:
        fate = self.issue.fate
        assert fate is not None and self.issue.created is not None
        if fate == Fate.NEW:
            return
        rng = self.rng
        moves: list[tuple[str, float]] = []
        misassigned = fate == Fate.RETURNED or (fate in (Fate.RECTIFYING, Fate.CLOSED) and rng.random() < 0.08)
        if misassigned:
            moves += [("assign_wrong", rng.uniform(0.5, 4))]
            if rng.random() < 0.4:
                moves += [("sign_wrong", rng.uniform(0.1, 1.5))]
            moves += [("return", rng.uniform(0.3, 3))]
        if fate != Fate.RETURNED:
            moves += [("assign", rng.uniform(0.5, 3))]
        if fate not in (Fate.RETURNED, Fate.ASSIGNED):
            moves += [("sign", rng.uniform(0.1, 2))]
            moves += self._work(max_reports=3 if fate == Fate.RECTIFYING else 2)
        if fate in (Fate.VERIFYING, Fate.CLOSED, Fate.REOPENED):
            moves += [("apply", rng.uniform(1, 8))]
        if fate in (Fate.CLOSED, Fate.REOPENED):
            if rng.random() < 0.15:
                moves += [("reject", rng.uniform(1, 5)), *self._work(1), ("apply", rng.uniform(1, 4))]
            moves += [("accept", rng.uniform(1, 6))]
        if fate == Fate.REOPENED or (fate == Fate.CLOSED and rng.random() < 0.03):
            moves += [("reopen", rng.uniform(8, 25)), *self._work(1)]
            if fate == Fate.CLOSED:
                moves += [("apply", rng.uniform(2, 6)), ("accept", rng.uniform(1, 4))]
        times = self._fit([gap for _move, gap in moves])
        self._emit([move for move, _gap in moves], times)

    def _work(self, max_reports: int) -> list[tuple[str, float]]:
        return [("progress", self.rng.uniform(3, 14)) for _n in range(self.rng.randint(0, max_reports))]

    def _fit(self, gaps: list[float]) -> list[int]:
        """Nominal gaps in days, squeezed when the problem is too young for them; office hours where possible."""
        start = self.issue.created
        assert start is not None
        limit = HORIZON - 10
        room = limit - start
        total = sum(gaps) * DAY
        factor = min(1.0, room * 0.9 / total) if total else 1.0
        times = []
        at = start
        for gap in gaps:
            candidate = self.p.office_time(at + max(1, int(gap * DAY * factor)))
            if candidate >= limit:  # a weekend pushed it past the load day: take part of what time is left
                candidate = at + int((limit - at) * self.rng.uniform(0.2, 0.6))
                if (snapped := self.p.office_time(candidate)) < limit:
                    candidate = snapped
            candidate = max(candidate, at + 1)
            times.append(candidate)
            at = candidate
        return times

    def _emit(self, moves: list[str], times: list[int]) -> None:
        issue, p, rng = self.issue, self.p, self.rng
        final_assign = max((n for n, m in enumerate(moves) if m == "assign"), default=-1)
        for n, (move, at) in enumerate(zip(moves, times, strict=True)):
            if move in ("assign", "assign_wrong"):
                unit = issue.lead if move == "assign" else self._wrong_unit()
                p.step(at, "assign", issue=issue.key, actor="coord", **self._assignment(unit, at, n == final_assign))
            elif move in ("sign", "sign_wrong"):
                unit = issue.lead if move == "sign" else self._wrong_unit()
                p.step(at, "sign", issue=issue.key, actor=f"{p.units[unit].code}-officer")
            elif move == "return":
                reason = rng.choice(texts.RETURN_REASONS).format(lead=issue.lead)
                p.step(at, "return", issue=issue.key, actor=f"{p.units[self._wrong_unit()].code}-officer",
                       reason=reason)  # fmt: skip
            elif move == "progress":
                self._progress(at)
            elif move == "apply":
                files = ["png", "pdf"] if rng.random() < 0.3 else ["png"]
                p.step(at, "apply", issue=issue.key, actor=self.officer, summary=issue.render(issue.template.closure),
                       files=files)  # fmt: skip
            elif move in ("accept", "reject"):
                reasons = texts.ACCEPT_REASONS if move == "accept" else texts.REJECT_REASONS
                p.step(at, "decide", issue=issue.key, actor=rng.choice(issue.verifiers), accept=move == "accept",
                       reason=rng.choice(reasons))  # fmt: skip
            elif move == "reopen":
                reason = issue.render(rng.choice(texts.REOPEN_REASONS))
                p.step(at, "reopen", issue=issue.key, actor="coord", reason=reason)
                self.percent = 0

    def _wrong_unit(self) -> str:
        """Where a first, mistaken assignment went: the co-office when a school leads, else the basic office."""
        issue = self.issue
        if issue.lead in _OFFICE_NAMES:
            return "基础教育股" if issue.lead != "基础教育股" else "办公室"
        co = next((u for u in issue.co_units if u in _OFFICE_NAMES and u != "纪检组"), "基础教育股")
        return co

    def _assignment(self, unit: str, at: int, current: bool) -> dict[str, Any]:
        rng, issue = self.rng, self.issue
        day = at // DAY
        kind = _weighted(rng, {"immediate": 25, "time_limited": 60, "long_term": 15})
        duration = {"immediate": (3, 10), "time_limited": (15, 45), "long_term": (60, 150)}[kind]
        deadline = day + rng.randint(*duration)
        if current and issue.fate == Fate.OVERDUE:
            if day <= -4:
                deadline = rng.randint(day + min(3, -1 - day), -1)
                kind = "immediate" if deadline - day <= 10 else "time_limited"
            else:
                issue.fate = Fate.RECTIFYING
        # Still open on the load day and not meant to be overdue: the deadline lies ahead (mostly).
        still_open = issue.fate == Fate.RECTIFYING or (issue.fate in _PENDING and rng.random() < 0.75)
        if (current or issue.fate == Fate.RETURNED) and still_open and deadline < 0:
            deadline = rng.randint(3, 60)
            kind = "long_term" if deadline - day > 60 else "time_limited"
        titles = rng.sample(texts.MILESTONES[:4], rng.randint(1, 3))
        titles.sort(key=texts.MILESTONES.index)
        dues = sorted(rng.randint(day, deadline) for _title in titles)
        head = next(q for q in self.p.people.values() if q.unit == unit and q.username.endswith("-head"))
        return {
            "lead_unit": unit,
            "co_units": [u for u in issue.co_units if u != unit],
            "responsible_person": f"{head.full_name}（{head.title}）",
            "measures": issue.render(issue.template.measures),
            "kind": kind,
            "deadline": deadline,
            "milestones": list(zip(titles, dues, strict=True)),
        }

    def _progress(self, at: int) -> None:
        rng, issue = self.rng, self.issue
        cap = 60 if issue.fate == Fate.OVERDUE else 90
        self.percent = min(cap, self.percent + rng.choice([10, 20, 30, 40]))
        text = issue.render(issue.template.progress[min(self.reports, 2)]).rstrip("。")
        self.reports += 1
        actor = self.officer
        helpers = [u for u in issue.co_units if u != "纪检组"]
        if helpers and rng.random() < 0.15:
            helper = rng.choice(helpers)
            actor = f"{self.p.units[helper].code}-officer"
            text = f"配合{issue.lead}整改，{text}"
        self.p.step(at, "progress", issue=issue.key, actor=actor, text=text, percent=self.percent,
                    photo=rng.random() < 0.3)  # fmt: skip


_OFFICE_NAMES = frozenset(spec.name for spec in county.OFFICES)
_PENDING = frozenset({Fate.ASSIGNED, Fate.RETURNED, Fate.VERIFYING})
