from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from taizhang.accounts.models import Role, Unit, UnitKind, User
from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import today
from taizhang.demo import county, import_files
from taizhang.demo.story import Fate, build_story
from taizhang.followup.models import Rating
from taizhang.imports.models import ImportJob, JobStatus
from taizhang.intake.models import Channel, Opinion, OpinionStatus
from taizhang.problems.models import (
    Attachment,
    ClosureApplication,
    ClosureDecision,
    ClosureStage,
    Milestone,
    Problem,
    Status,
)
from taizhang.public.actions import PUBLIC_ACTOR
from taizhang.supervision.config import get_config
from taizhang.supervision.models import Instruction

# The full county takes most of a minute to load; the suite loads a twentieth of it (80 opinions, ~30 problems),
# which still walks every status. The full counts are checked on the plan, which needs no database.
SCALE = 0.05


def load_demo(**options: Any) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_it_plans_the_seeds_opinion_counts() -> None:
    story = build_story(dt.date(2026, 11, 23))
    assert story.group_counts() == {"four_winds": 59, "people_interests": 1400, "last_mile": 134}
    assert len(story.opinions) == 1593
    assert story.untriaged() == 150
    assert story.dismissed() == 80
    assert set(story.fates()) == set(Fate)
    # 问卷调查 and 其他渠道 come in only through file imports (the demo imports a questionnaire after the story).
    assert {o.channel for o in story.opinions} == set(Channel.values) - {Channel.QUESTIONNAIRE, Channel.OTHER}
    assert any(len(o.issues) == 2 for o in story.opinions), "some opinions raise two problems (拆分)"
    assert max(len(issue.opinions) for issue in story.issues) >= 8, "some problems have many duplicate opinions"


def test_it_plans_the_same_story_every_time() -> None:
    first, second = build_story(dt.date(2026, 11, 23)), build_story(dt.date(2026, 11, 23))
    assert [(o.text, o.received, o.triaged) for o in first.opinions] == [
        (o.text, o.received, o.triaged) for o in second.opinions
    ]
    assert first.steps == second.steps


def test_it_loads_the_planned_story_through_the_actions(db: Any) -> None:
    output = load_demo(scale=SCALE)
    story = build_story(today(), scale=SCALE)

    # The story; the rest came in from the county's files or through the public face (taizhang/demo/public.py).
    played = Opinion.objects.filter(import_key="").exclude(events__actor_name=PUBLIC_ACTOR)
    assert played.count() == len(story.opinions)
    assert played.filter(status=OpinionStatus.UNTRIAGED).count() == story.untriaged()
    assert played.filter(status=OpinionStatus.DISMISSED).count() == story.dismissed()
    linked = played.filter(status=OpinionStatus.LINKED).annotate(group=Min("links__problem__category__group"))
    assert Counter(linked.values_list("group", flat=True)) == story.linked_group_counts()
    statuses = Counter(Problem.objects.filter(import_key="").values_list("status", flat=True))
    # What the story closes waits in 待回访 while its reporters are being asked (the last working days' 验收: the
    # office phones on working days only). At this small scale the last 验收 may lie a week back, by the calendar.
    last_passed = Problem.objects.filter(import_key="", closed_at__isnull=False).order_by("-closed_at").first()
    assert last_passed is not None
    recent = get_config().calendar.workdays_between(timezone.localdate(last_passed.closed_at), today()) <= 1
    assert statuses[Status.FOLLOW_UP] > 0 or not recent
    closed = Counter({Status.CLOSED.value: statuses.pop(Status.FOLLOW_UP, 0)})
    assert statuses + closed == Counter(issue.fate.status for issue in story.issues if issue.fate)
    assert set(statuses) | {Status.FOLLOW_UP} == set(Status.values)
    assert Rating.objects.filter(via="phone").exists() and Rating.objects.filter(via="follow_page").exists()
    assert Problem.objects.overdue().filter(status=Status.RECTIFYING).exists()
    assert Problem.objects.filter(status=Status.RECTIFYING, reopen_count__gt=0).exists()
    assert Attachment.objects.filter(closure__isnull=False).exists()
    # 待验收 in each of its stages, played through the actions: with the unit head, waiting for a verifier to be
    # named, with its verifier; every application that got that far has its 路线图 done with evidence.
    # (A twentieth of the county has few applications left open: the full county has every stage.)
    pending = ClosureApplication.objects.filter(decision=ClosureDecision.PENDING, problem__import_key="")
    stages = [ClosureStage.HEAD_REVIEW, ClosureStage.AWAITING_VERIFIER, ClosureStage.VERIFYING]
    assert {c.stage for c in pending} == set(stages[: min(3, pending.count())])
    applied = Milestone.objects.filter(assignment__is_current=True, assignment__problem__closures__isnull=False)
    assert not applied.filter(done_at=None).exists()
    assert Attachment.objects.filter(milestone__isnull=False).exists()
    # 局长's 批示 to two schools from the 驾驶舱 (not on a problem): one answered, one still waiting.
    on_units = Instruction.objects.filter(problem__isnull=True, author__username="leader", unit__kind=UnitKind.SCHOOL)
    assert sorted(i.state_on(today()) for i in on_units) == ["replied", "waiting"]
    assert "已生成" in output and "哈希链校验通过" in output


def test_it_imports_the_countys_own_files_as_the_office_would(db: Any) -> None:
    load_demo(scale=SCALE)

    questionnaire = Opinion.objects.exclude(import_key="")
    assert questionnaire.count() == len(import_files.QUESTIONNAIRE)
    assert set(questionnaire.values_list("channel", flat=True)) == {Channel.QUESTIONNAIRE}
    assert questionnaire.filter(status=OpinionStatus.UNTRIAGED).count() == len(import_files.QUESTIONNAIRE)
    ledger = Counter(Problem.objects.exclude(import_key="").values_list("status", flat=True))
    assert ledger == {Status.CLOSED: 3, Status.RECTIFYING: 3}
    assert Problem.objects.exclude(import_key="").overdue().count() == 1
    jobs = ImportJob.objects.order_by("id")
    assert [(j.filename, j.status) for j in jobs] == [
        (import_files.QUESTIONNAIRE_NAME, JobStatus.DONE),
        (import_files.LEDGER_NAME, JobStatus.DONE),
    ]
    # the parent who sent the same answer twice (CSV lines 2 and 8: an answer over two lines comes between)
    assert any({2, 8} <= set(group) for group in jobs[0].report["duplicates"])
    assert (Path(settings.VAR_DIR) / "demo-files" / import_files.HOTLINE_NAME).exists()


def test_it_leaves_a_timeline_for_every_problem_and_an_intact_chain(db: Any) -> None:
    load_demo(scale=SCALE)

    created = AuditEvent.objects.filter(verb=Verb.PROBLEM_CREATED).values("problem").distinct().count()
    imported = AuditEvent.objects.filter(verb=Verb.PROBLEM_IMPORTED).values("problem").distinct().count()
    assert created == Problem.objects.filter(import_key="").count()
    assert imported == Problem.objects.exclude(import_key="").count() > 0
    closed = Problem.objects.filter(status=Status.CLOSED, import_key="")
    assert closed.count() == closed.filter(events__verb=Verb.CLOSURE_ACCEPTED).distinct().count()
    assert AuditEvent.objects.filter(verb=Verb.OPINION_RECEIVED).count() == Opinion.objects.count()
    checked, broken = verify_chain()
    assert broken is None
    assert checked == AuditEvent.objects.count()


def test_it_backdates_the_story_over_ten_weeks(db: Any) -> None:
    load_demo(scale=SCALE)

    midnight = timezone.make_aware(dt.datetime.combine(today(), dt.time(0)))
    assert not AuditEvent.objects.filter(at__gte=midnight).exists()
    oldest = AuditEvent.objects.order_by("at").values_list("at", flat=True).first()
    assert oldest is not None and oldest < midnight - dt.timedelta(weeks=8)
    waiting = Opinion.objects.filter(status=OpinionStatus.UNTRIAGED)
    assert waiting.filter(received_at__lt=midnight - dt.timedelta(days=10)).exists(), "some were forgotten"
    overdue = Problem.objects.overdue()
    assert overdue.exists()
    assert all(p.deadline is not None and p.deadline < today() for p in overdue)


def test_it_gives_every_role_a_user_with_the_demo_password(db: Any) -> None:
    load_demo(scale=SCALE)

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(username="coord").check_password(county.DEMO_PASSWORD)
    assert not Unit.objects.filter(head__isnull=True).exists()
    assert not Unit.objects.filter(deputy__isnull=True).exists()
    assert Unit.objects.filter(kind__in=[UnitKind.SCHOOL, UnitKind.KINDERGARTEN]).count() >= 20
    assert User.objects.filter(role=Role.COORDINATOR).count() >= 2


def test_it_only_prints_the_logins_when_already_loaded(db: Any) -> None:
    load_demo(scale=SCALE)
    counts = (Unit.objects.count(), User.objects.count(), Opinion.objects.count(), AuditEvent.objects.count())

    output = load_demo(scale=SCALE)

    assert "演示数据已装入" in output
    assert county.DEMO_PASSWORD in output and "coord" in output
    assert (Unit.objects.count(), User.objects.count(), Opinion.objects.count(), AuditEvent.objects.count()) == counts


def test_it_leaves_a_database_that_holds_other_data_alone(db: Any) -> None:
    Unit.objects.create(name="某某县教育局", kind=UnitKind.BUREAU)
    err = io.StringIO()

    call_command("load_demo", scale=SCALE, stdout=io.StringIO(), stderr=err)

    assert "只装入空库" in err.getvalue()
    assert Unit.objects.count() == 1
    assert not User.objects.exists()
    assert not Opinion.objects.exists()
