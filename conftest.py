"""The named cast every test uses: one bureau, two offices, a school, and a user for each role."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, sync_playwright

from taizhang.accounts.models import Role, Unit, UnitKind, User
from taizhang.campaigns.models import Campaign
from taizhang.clock import today
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure as closure_actions
from taizhang.problems.actions import MilestoneInput, Upload
from taizhang.problems.default_categories import DEFAULT_CATEGORIES
from taizhang.problems.models import Category, Milestone, Problem, RectificationKind, Status
from taizhang.supervision.config import forget_config, get_config
from taizhang.supervision.defaults import install_defaults
from taizhang.web.tests.browser import CHROMIUM, CHROMIUM_ARGS, Site, browser_unavailable

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The cast has nine users per test; PBKDF2's deliberate slowness would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The supervision configuration is cached per process; each test starts from its own database's.
    forget_config()


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch: Any) -> None:
    """client.force_login stands for a finished login, 动态口令 included (taizhang.accounts.twofactor): without the
    mark the session policy ends an administrator's or 纪检组's session. The login's own tests go through the pages."""
    from django.test import Client

    from taizhang.accounts import twofactor

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[twofactor.VERIFIED] = user.pk
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def cast(db: Any) -> SimpleNamespace:
    bureau = Unit.objects.create(name="青溪县教育局", short_name="县教育局", kind=UnitKind.BUREAU)
    basic = Unit.objects.create(name="基础教育股", kind=UnitKind.OFFICE, parent=bureau)
    safety = Unit.objects.create(name="安全稳定股", kind=UnitKind.OFFICE, parent=bureau)
    school = Unit.objects.create(name="青溪县实验小学", kind=UnitKind.SCHOOL, parent=bureau)
    inspection = Unit.objects.create(name="第一督导组", kind=UnitKind.INSPECTION_GROUP, parent=bureau)

    def user(username: str, full_name: str, role: Role, unit: Unit | None) -> User:
        return User.objects.create_user(username, password="pass-1234", full_name=full_name, role=role, unit=unit)

    # Transactional tests flush the data migrations' categories and supervision defaults; put them back.
    for order, (code, name, group) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "group": group, "sort_order": order})
    install_defaults()
    get_config()  # loaded from this test's database before any request, so query counts stay pinned
    campaign = Campaign.objects.create(
        name="作风建设专项整治", code="QX26", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    return SimpleNamespace(
        bureau=bureau,
        basic=basic,
        safety=safety,
        school=school,
        campaign=campaign,
        coordinator=user("coord", "王协调", Role.COORDINATOR, bureau),
        coordinator2=user("coord2", "李牵头", Role.COORDINATOR, bureau),
        officer=user("officer", "赵联络", Role.UNIT_OFFICER, basic),
        unit_head=user("head", "钱股长", Role.UNIT_HEAD, basic),
        other_officer=user("other", "孙联络", Role.UNIT_OFFICER, safety),
        inspector=user("inspector", "周督导", Role.INSPECTOR, inspection),
        leader=user("leader", "吴局长", Role.LEADER, bureau),
        discipline=user("discipline", "郑纪检", Role.DISCIPLINE, bureau),
        admin=user("admin", "管理员", Role.ADMIN, bureau),
        category=Category.objects.get(code="paid_tutoring"),
    )


def png_upload(name: str = "photo.png") -> Upload:
    return Upload(name=name, size=len(PNG_BYTES), stream=io.BytesIO(PNG_BYTES))


@pytest.fixture
def make_problem(cast: SimpleNamespace) -> Callable[..., Problem]:
    """Walk a problem through the real actions up to the status asked for."""

    def make(status: Status = Status.NEW, *, text: str = "实验小学有老师在校外有偿补课，每月收费800元。") -> Problem:
        opinion = do_receive_opinion(
            OpinionInput(channel="hotline_12345", text=text, reporter_name="张三", reporter_phone="13812345678"),
            actor=cast.coordinator,
        )
        problem = do_create_problem_from_opinion(
            opinion, NewProblem(title="教师有偿补课", description=text, category=cast.category), actor=cast.coordinator
        )
        if status == Status.NEW:
            return problem
        deadline = today() + dt.timedelta(days=30)
        problem_actions.do_assign_problem(
            problem,
            actor=cast.coordinator,
            lead_unit=cast.basic,
            co_units=[cast.safety],
            responsible_person="钱股长",
            measures="约谈涉事教师，清退补课费用，全县通报。",
            kind=RectificationKind.TIME_LIMITED,
            deadline=deadline,
            milestones=[MilestoneInput("完成调查核实", today() + dt.timedelta(days=7))],
        )
        if status == Status.ASSIGNED:
            return Problem.objects.get(pk=problem.pk)
        if status == Status.RETURNED:
            return problem_actions.do_return_problem(problem, actor=cast.officer, reason="不属于本股室职责")
        problem_actions.do_sign_problem(problem, actor=cast.officer)
        if status == Status.RECTIFYING:
            return Problem.objects.get(pk=problem.pk)
        problem = ready_to_decide(cast, problem)
        if status == Status.VERIFYING:
            return problem
        closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")
        if status == Status.FOLLOW_UP:
            return Problem.objects.get(pk=problem.pk)
        return rated_by_everyone(problem)

    return make


def rated_by_everyone(problem: Problem, satisfaction: str = "satisfied") -> Problem:
    """回访 done: every reporter of a problem in 待回访 answers on the follow page, which closes it."""
    from taizhang.followup.actions import do_rate, reporters

    for opinion in reporters(problem):
        do_rate(opinion, fixed=True, satisfaction=satisfaction)
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.status == Status.CLOSED, problem.status
    return problem


def milestones_done(cast: SimpleNamespace, problem: Problem) -> Problem:
    """Every open node of the problem's 路线图 marked done by the lead unit's officer, with a photo."""
    open_ones = Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True, done_at=None)
    for milestone in open_ones:
        closure_actions.do_complete_milestone(
            problem, milestone, actor=cast.officer, note="已完成。", uploads=[png_upload()]
        )
    return Problem.objects.get(pk=problem.pk)


def ready_to_decide(cast: SimpleNamespace, problem: Problem, *, verifier: User | None = None) -> Problem:
    """From 整改中 to the verifier's desk: milestones done, 销号 applied for, approved by the unit head, and a
    verifier (the inspector unless told) named by the second coordinator (the first assigned it)."""
    milestones_done(cast, problem)
    closure_actions.do_apply_closure(problem, actor=cast.officer, summary="已清退费用并通报。", uploads=[png_upload()])
    closure_actions.do_review_closure(problem, actor=cast.unit_head, approve=True)
    closure_actions.do_name_verifier(problem, actor=cast.coordinator2, verifier=verifier or cast.inspector)
    return Problem.objects.get(pk=problem.pk)


# Browser tests of every app: one Debian chromium per session, a live server per test.


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        browser_unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API leaves its asyncio loop marked as running on the test thread for as long as it is
    # open, and Django then refuses ORM calls there (test data, database flushes) as if they came from async
    # code. Nothing in these tests is async; the live server answers on its own threads.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            browser_unavailable(f"chromium at {CHROMIUM} did not start: {exc.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def site(
    browser: Browser,
    live_server: Any,
    django_db_serialized_rollback: None,  # the default categories come from a data migration
) -> Iterator[Site]:
    result = Site(browser, live_server.url)
    yield result
    result.close()
