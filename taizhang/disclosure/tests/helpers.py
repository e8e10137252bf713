"""Problems with planted personal data, and batches built and published through the real actions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from conftest import milestones_done, png_upload, rated_by_everyone
from taizhang.clock import today
from taizhang.disclosure import actions
from taizhang.disclosure.models import Batch, BatchKind
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure as closure_actions
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import Problem, RectificationKind

# What must never reach a public page: the reporter's name, phone, e-mail and ID number, and a pupil's name and class.
REPORTER = "欧阳明远"
PHONE = "13912348765"
EMAIL = "oyangmy@example.cn"
ID_NUMBER = "110101199003074518"
STUDENT = "陈小虎"
CLASS = "初二(3)班"
SECRETS = (REPORTER, PHONE, EMAIL, "oyangmy", ID_NUMBER, STUDENT, CLASS, "13912348765"[3:7] + "8765")
PLANTED = f"家长{REPORTER}（电话{PHONE}，邮箱{EMAIL}，身份证{ID_NUMBER}）反映{CLASS}学生{STUDENT}被罚站"


def planted_problem(cast: SimpleNamespace, *, closed: bool) -> Problem:
    """A problem whose title, description, measures, closure summary and opinions all carry the secrets."""
    opinion = do_receive_opinion(
        OpinionInput(
            channel="online_form", text=PLANTED, reporter_name=REPORTER, reporter_phone=PHONE, reporter_email=EMAIL
        ),
        actor=cast.coordinator,
    )
    problem = do_create_problem_from_opinion(
        opinion,
        NewProblem(title=f"{REPORTER}反映{CLASS}学生{STUDENT}被罚站", description=PLANTED, category=cast.category),
        actor=cast.coordinator,
    )
    problem_actions.do_assign_problem(
        problem,
        actor=cast.coordinator,
        lead_unit=cast.basic,
        responsible_person="钱股长",
        measures=f"约谈{STUDENT}同学的班主任，回访{REPORTER}（{PHONE}，{EMAIL}）。",
        kind=RectificationKind.TIME_LIMITED,
        deadline=today() + dt.timedelta(days=30),
        milestones=[MilestoneInput("调查核实", today() + dt.timedelta(days=7))],
    )
    problem = problem_actions.do_sign_problem(Problem.objects.get(pk=problem.pk), actor=cast.officer)
    if not closed:
        return Problem.objects.get(pk=problem.pk)
    milestones_done(cast, problem)
    closure_actions.do_apply_closure(
        problem,
        actor=cast.officer,
        summary=f"已向{REPORTER}（身份证{ID_NUMBER}，邮箱{EMAIL}）反馈，{STUDENT}已复课。",
        uploads=[png_upload()],
    )
    closure_actions.do_review_closure(problem, actor=cast.unit_head, approve=True)
    closure_actions.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.inspector)
    closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")
    return rated_by_everyone(Problem.objects.get(pk=problem.pk))  # 回访: the reporter rates it, which closes it


def published(cast: SimpleNamespace, problems: list[Problem], *, kind: str = BatchKind.FIXED, days: int = 7) -> Batch:
    batch = actions.do_create_batch(actor=cast.coordinator, title="第一批整改公示", kind=kind)
    actions.do_add_problems(batch, [p.pk for p in problems], actor=cast.coordinator)
    return actions.do_publish_batch(
        batch, actor=cast.coordinator, starts_on=today(), ends_on=today() + dt.timedelta(days=days)
    )
