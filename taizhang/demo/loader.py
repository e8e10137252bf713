"""Play the demo story through the real actions, each at its own moment in the past (taizhang.clock.travel_to).

Units, users and the campaign have no actions yet, so they are created directly; every opinion and problem
change goes through a `do_*` action and so has its audit event, like one made from a page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from taizhang.accounts.models import Role, Unit, UnitKind, User
from taizhang.campaigns.models import Campaign, Stage, StageKind
from taizhang.clock import travel_to
from taizhang.demo import county, import_files
from taizhang.demo.assessment import assess_demo
from taizhang.demo.disclosure import publish_demo_batches
from taizhang.demo.evidence import pdf_bytes, png_bytes
from taizhang.demo.followup import follow_up_morning
from taizhang.demo.instructions import instruct_and_reply, instruct_units, record_accountability
from taizhang.demo.public import submit_public_opinions
from taizhang.demo.reports import generate_demo_reports
from taizhang.demo.story import DAY, PUBLIC_SUBMITTERS, Step, Story
from taizhang.imports import jobs
from taizhang.imports.models import ImportKind
from taizhang.intake import actions as intake
from taizhang.intake.models import Opinion
from taizhang.problems import actions, closure
from taizhang.problems.actions import MilestoneInput, Upload
from taizhang.problems.models import Category, Milestone, Problem
from taizhang.supervision import actions as supervision
from taizhang.supervision.models import ActionState, FormKind, Notification, SupervisionAction
from taizhang.supervision.scheduler import sweep

# Stage windows in days relative to the load day: the story sits in 整改落实, with the look-back ahead.
STAGES = [
    (StageKind.MOBILIZE, -84, -73),
    (StageKind.FIND, -72, -31),
    (StageKind.RECTIFY, -30, 20),
    (StageKind.LOOK_BACK, 21, 38),
]
PROGRESS_EVERY = 250
IMPORT_DAY = -15  # the office brings in its parent questionnaire and its pre-Taizhang ledger
SWEEP_MINUTE = 8 * 60 + 30  # the scheduler's morning run
REPLY_TEXT = (
    "已召开专题会议研究整改：一是约谈相关责任人，二是逐项制定整改措施和完成时限，三是建立周调度制度，"
    "整改完成后及时申请销号。"
)


@dataclass
class Loaded:
    units: int
    users: int
    opinions: int
    problems: int


class DemoLoader:
    def __init__(self, story: Story, *, report: Callable[[str], None]) -> None:
        self.story = story
        self.report = report
        self.midnight = dt.datetime.combine(story.anchor, dt.time(0), tzinfo=timezone.get_current_timezone())
        self.units: dict[str, Unit] = {}
        self.users: dict[str, User] = {}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.opinions: dict[int, Opinion] = {}
        self.problems: dict[int, Problem] = {}
        self.received = 0
        self.unanswered: set[int] = set()
        self.left_pending: dict[int, int] = {}  # application step → the stage it is left at
        self.accountability_number = 0  # the discipline office's own 问责 numbers, 青纪〔2026〕N号

    def load(self) -> Loaded:
        self._create_units()
        self._create_users()
        self._create_campaign()
        handlers: dict[str, Callable[[Step], None]] = {
            "receive": self._receive,
            "create": self._create,
            "link": self._link,
            "dismiss": self._dismiss,
            "assign": self._assign,
            "sign": self._sign,
            "return": self._return,
            "progress": self._progress,
            "apply": self._apply,
            "decide": self._decide,
            "reopen": self._reopen,
        }
        with travel_to(self.moment(self.story.steps[0].at if self.story.steps else 0)):
            # 局长 follows every school's red items, the deputy every office's (订阅 by group, not 41 buttons).
            supervision.do_set_group_subscription(self.users["leader"], UnitKind.SCHOOL, subscribed=True)
            supervision.do_set_group_subscription(self.users["leader2"], UnitKind.OFFICE, subscribed=True)
        open_applications: dict[int, int] = {}  # issue → its last application that nobody decided by the load day
        for step in self.story.steps:
            if step.action == "apply":
                open_applications[step.args["issue"]] = step.seq
            elif step.action == "decide":
                open_applications.pop(step.args["issue"], None)
        # In turn: left with the unit head, waiting for a verifier to be named, with its verifier.
        self.left_pending = {seq: n % 3 for n, seq in enumerate(sorted(open_applications.values()))}
        next_sweep: int | None = None
        for step in self.story.steps:
            if next_sweep is None:
                next_sweep = (step.at // DAY) * DAY + SWEEP_MINUTE
            while step.at >= next_sweep:  # the scheduler's morning run, on every day of the story
                self._supervise(next_sweep)
                next_sweep += DAY
            with travel_to(self.moment(step.at)):
                handlers[step.action](step)
        submit_public_opinions(self)  # the public face's own submissions (taizhang/demo/public.py)
        with travel_to(self.moment(IMPORT_DAY * DAY + 10 * 60)):
            self._import_files()
        while next_sweep is not None and next_sweep < 0:  # up to yesterday; today's is the running scheduler's
            self._supervise(next_sweep)
            next_sweep += DAY
        instruct_units(self)  # 局长's 批示 to two schools from the 驾驶舱: one answered, one waiting
        publish_demo_batches(self)  # 公示 of the problems the story closed and of those being fixed
        assess_demo(self)  # 考核: a scheme in two versions, last quarter's ranking published, a 民主评议
        return Loaded(len(self.units), len(self.users), len(self.opinions), len(self.problems))

    def _supervise(self, minute: int) -> None:
        """One morning of 督办, as the office lives it: the scheduler runs; everyone has read their older messages; the
        coordinator approves the heavy forms drafted the day before (declining one in four after talking to the
        unit); units sign four in five and answer two in three of the 督办 documents they received before."""
        with travel_to(self.moment(minute)):
            sweep()
            generate_demo_reports(self)  # on a month's first morning: last month's 通报, 台账 workbook, review pack
            yesterday = self.moment(minute) - dt.timedelta(hours=12)
            # People open their inbox: what came before yesterday has been read, so a newcomer's first login shows
            # the last day's messages unread, not ten weeks of them.
            Notification.objects.filter(read_at__isnull=True, created_at__lt=yesterday).update(
                read_at=self.moment(minute)
            )
            instruct_and_reply(self, self.moment(minute))  # 领导批示 on fresh 督办单, answered the day after
            record_accountability(self, self.moment(minute))  # 纪检组 decides a week after a heavy form is issued
            follow_up_morning(self, self.moment(minute))  # 回访 of what passed 验收
            coordinator = self.users["coord"]
            for action in SupervisionAction.objects.filter(state=ActionState.DRAFT, fired_at__lt=yesterday):
                decline = action.pk % 4 == 0
                note = "已约谈单位主要负责人，限期整改，暂不通报" if decline else "同意印发"
                supervision.do_review_document(action, actor=coordinator, approve=not decline, note=note)
            unsigned = SupervisionAction.objects.filter(
                state=ActionState.ISSUED,
                form_kind__in=(FormKind.SUPERVISION_NOTICE, FormKind.CRITICISM, FormKind.RECTIFICATION_NOTICE),
                signed_at__isnull=True,
                fired_at__lt=yesterday,
            )
            for action in unsigned:
                officer = self._officer(action.unit_id)
                if officer is not None and action.pk % 5:  # one in five is left unsigned, for the 待办 to show
                    supervision.do_sign_document(action, actor=officer)
            unanswered = SupervisionAction.objects.filter(
                state=ActionState.ISSUED,
                form_kind__in=supervision.REPLYABLE,
                replied_at__isnull=True,
                fired_at__lt=yesterday,
            ).exclude(pk__in=self.unanswered)
            for action in unanswered:
                officer = self._officer(action.unit_id)
                if officer is None or action.pk % 3 == 0:
                    self.unanswered.add(action.pk)  # some units never answer: the coordinator sees it
                    continue
                supervision.do_reply_document(action, actor=officer, text=REPLY_TEXT)

    def _officer(self, unit_id: int) -> User | None:
        return User.objects.filter(unit_id=unit_id, role=Role.UNIT_OFFICER, is_active=True).order_by("id").first()

    def moment(self, minutes: int) -> dt.datetime:
        return self.midnight + dt.timedelta(minutes=minutes)

    def day(self, offset: int) -> dt.date:
        return self.story.anchor + dt.timedelta(days=offset)

    # -- the frame: units, users, campaign ----------------------------------------------------------------------

    def _create_units(self) -> None:
        bureau = Unit.objects.create(name=county.BUREAU_NAME, short_name="县教育局", kind=UnitKind.BUREAU)
        self.units[bureau.name] = bureau
        specs = county.OFFICES + county.INSPECTION_GROUPS + county.SCHOOLS
        for order, spec in enumerate(specs, start=1):
            self.units[spec.name] = Unit.objects.create(
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                is_private=spec.private,
                parent=bureau,
                sort_order=order,
            )

    def _create_users(self) -> None:
        password = make_password(county.DEMO_PASSWORD)  # hashed once: a hash per user would take most of a minute
        joined = self.moment(-90 * DAY)
        for number, person in enumerate(county.all_people(), start=1):
            self.users[person.username] = User.objects.create(
                username=person.username,
                password=password,
                full_name=person.full_name,
                role=person.role,
                unit=self.units[person.unit],
                phone=f"0797-66{number:05d}",
                is_staff=person.is_admin,
                is_superuser=person.is_admin,
                date_joined=joined,
            )
        for unit_name, head, deputy in county.all_heads():
            unit = self.units[unit_name]
            unit.head, unit.deputy = self.users[head], self.users[deputy]
            unit.save(update_fields=["head", "deputy"])

    def _create_campaign(self) -> None:
        first, last = STAGES[0][1], STAGES[-1][2]
        campaign = Campaign.objects.create(
            name=county.CAMPAIGN_NAME, code=county.CAMPAIGN_CODE, starts_on=self.day(first), ends_on=self.day(last)
        )
        Stage.objects.bulk_create(
            Stage(campaign=campaign, kind=kind, starts_on=self.day(start), ends_on=self.day(end))
            for kind, start, end in STAGES
        )

    # -- intake and triage ----------------------------------------------------------------------------------------

    def _receive(self, step: Step) -> None:
        plan = self.story.opinions[step.args["opinion"]]
        data = intake.OpinionInput(
            channel=plan.channel,
            text=plan.text,
            reporter_name=plan.reporter_name,
            reporter_phone=plan.reporter_phone,
            is_anonymous=plan.is_anonymous,
            concerned_unit=self.units[plan.concerned_unit] if plan.concerned_unit else None,
            external_ref=plan.external_ref,
        )
        if plan.channel in PUBLIC_SUBMITTERS:
            opinion = intake.do_receive_opinion(data, actor=None, actor_name=PUBLIC_SUBMITTERS[plan.channel])
        else:
            clerk = self.users["coord2" if plan.key % 3 == 0 else "coord"]
            opinion = intake.do_receive_opinion(data, actor=clerk)
        self.opinions[plan.key] = opinion
        self.received += 1
        if self.received % PROGRESS_EVERY == 0 or self.received == len(self.story.opinions):
            self.report(f"已生成 {self.received}/{len(self.story.opinions)} 条意见…")

    def _create(self, step: Step) -> None:
        issues = [self.story.issues[key] for key in step.args["issues"]]
        items = [
            intake.NewProblem(
                title=issue.facts["brief"],
                description=issue.render(issue.template.cores[0]) + "。",
                category=self.categories[issue.category],
            )
            for issue in issues
        ]
        opinion = self.opinions[step.args["opinion"]]
        created = intake.do_split_opinion(opinion, items, actor=self.users[step.args["actor"]])
        for issue, problem in zip(issues, created, strict=True):
            self.problems[issue.key] = problem

    def _link(self, step: Step) -> None:
        opinion, problem = self.opinions[step.args["opinion"]], self.problems[step.args["issue"]]
        intake.do_link_opinion(opinion, problem, actor=self.users[step.args["actor"]])

    def _dismiss(self, step: Step) -> None:
        intake.do_dismiss_opinion(
            self.opinions[step.args["opinion"]],
            actor=self.users[step.args["actor"]],
            reason=step.args["reason"],
            answer=step.args["answer"],
        )

    # -- the problem's loop ---------------------------------------------------------------------------------------

    def _assign(self, step: Step) -> None:
        args = step.args
        actions.do_assign_problem(
            self.problems[args["issue"]],
            actor=self.users[args["actor"]],
            lead_unit=self.units[args["lead_unit"]],
            co_units=[self.units[name] for name in args["co_units"]],
            responsible_person=args["responsible_person"],
            measures=args["measures"],
            kind=args["kind"],
            deadline=self.day(args["deadline"]),
            milestones=[MilestoneInput(title, self.day(due)) for title, due in args["milestones"]],
        )

    def _sign(self, step: Step) -> None:
        actions.do_sign_problem(self.problems[step.args["issue"]], actor=self.users[step.args["actor"]])

    def _return(self, step: Step) -> None:
        problem = self.problems[step.args["issue"]]
        actions.do_return_problem(problem, actor=self.users[step.args["actor"]], reason=step.args["reason"])

    def _progress(self, step: Step) -> None:
        args = step.args
        problem = self.problems[args["issue"]]
        self._file_plan_first(problem, self.users[args["actor"]])
        uploads = [self._png(problem, f"进展{step.seq}", "整改现场照片.png")] if args["photo"] else []
        actions.do_report_progress(
            problem,
            actor=self.users[args["actor"]],
            text=args["text"],
            percent=args["percent"],
            uploads=uploads,
            public=step.seq % 2 == 0,  # half the notes are written for the reporters too (向反映人公开)
        )

    def _file_plan_first(self, problem: Problem, actor: User) -> None:
        """Units file their 整改方案 before their first progress report; laggards without progress get reminded."""
        fresh = Problem.objects.get(pk=problem.pk)
        if fresh.plan_submitted_at is None and actor.unit_id == fresh.lead_unit_id:
            actions.do_submit_plan(fresh, actor=actor, text=f"整改方案：{fresh.measures}")

    def _apply(self, step: Step) -> None:
        """The officer marks the 路线图 done (each node with a photo) and applies; the unit head approves at once,
        except on a third of the applications still open on the load day, and the coordinator names a verifier on
        another third of those — so the demo shows every stage of 待验收 (the rest wait for a verifier)."""
        args = step.args
        problem = Problem.objects.get(pk=self.problems[args["issue"]].pk)
        officer = self.users[args["actor"]]
        open_ones = Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True, done_at=None)
        for milestone in open_ones:
            photo = self._png(problem, f"节点{milestone.pk}", "节点完成佐证.png")
            note = f"已完成：{milestone.title}"
            closure.do_complete_milestone(problem, milestone, actor=officer, note=note, uploads=[photo])
        uploads = [self._png(problem, f"销号{step.seq}", "整改后现场照片.png")]
        if "pdf" in args["files"]:
            data = pdf_bytes(f"Rectification report {problem.number}")
            uploads.append(Upload(name=f"{problem.number}整改情况报告.pdf", size=len(data), stream=io.BytesIO(data)))
        closure.do_apply_closure(problem, actor=officer, summary=args["summary"], uploads=uploads)
        stage = self.left_pending.get(step.seq, 1)
        if stage == 0:
            return  # 待单位负责人审核
        heads = User.objects.filter(unit=problem.lead_unit, role=Role.UNIT_HEAD, is_active=True).order_by("id")
        closure.do_review_closure(problem, actor=heads[0], approve=True, note="经核实，整改到位，同意报请验收")
        if stage == 2:  # 已指定验收人, not yet decided
            verifier = self.users["inspector1" if args["issue"] % 2 else "inspector3"]
            closure.do_name_verifier(problem, actor=self.users["coord"], verifier=verifier)

    def _decide(self, step: Step) -> None:
        """The coordinator names the story's verifier (if not already named), who decides."""
        args = step.args
        problem = self.problems[args["issue"]]
        verifier = self.users[args["actor"]]
        pending = closure.pending_closure(problem)
        if pending is not None and pending.verifier_id != verifier.pk:
            closure.do_name_verifier(problem, actor=self.users["coord"], verifier=verifier)
        closure.do_decide_closure(problem, actor=verifier, accept=args["accept"], reason=args["reason"])

    def _reopen(self, step: Step) -> None:
        problem = self.problems[step.args["issue"]]
        actions.do_reopen_problem(problem, actor=self.users[step.args["actor"]], reason=step.args["reason"])

    # -- the county's own files -------------------------------------------------------------------------------

    def _import_files(self) -> None:
        """Through the same door as /imports/: checked, then confirmed. The files are also left under
        var/demo-files/ (with a 12345 export nobody has imported yet) for a newcomer to try the page with."""
        folder = Path(settings.VAR_DIR) / "demo-files"
        folder.mkdir(parents=True, exist_ok=True)
        anchor = self.story.anchor
        (folder / import_files.HOTLINE_NAME).write_bytes(import_files.hotline_xlsx(anchor))
        coordinator = self.users["coord"]
        for name, content in (
            (import_files.QUESTIONNAIRE_NAME, import_files.questionnaire_csv(anchor)),
            (import_files.LEDGER_NAME, import_files.ledger_xlsx(anchor)),
        ):
            (folder / name).write_bytes(content)
            job = jobs.start_job(content, name, actor=coordinator, kind=ImportKind.AUTO, profile=None)
            jobs.confirm(job, actor=coordinator)
        self.report(f"已导入示例文件（{folder}）。")

    def _png(self, problem: Problem, salt: str, name: str) -> Upload:
        data = png_bytes(f"{problem.number}/{salt}")
        return Upload(name=name, size=len(data), stream=io.BytesIO(data))
