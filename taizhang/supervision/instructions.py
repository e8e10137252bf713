"""领导批示: a leader (局领导) writes an instruction to a unit — on a problem it leads (shown on the problem's
timeline), or on its work as a whole (a unit-level 批示, written from the 驾驶舱 and shown on that unit's dashboard).
The unit answers once with how it carried it out (办理情况). An unanswered instruction waits in both 待办 lists
against its reply date, and each side is told of the other's step (in-app, with the daily email digest).

Who may read one: on a problem, whoever may read the problem — co-units too, since the instruction is about work
they share and the problem's timeline records it; on a unit, the bureau-wide roles and that unit's own members.
Only the unit it is addressed to answers it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from taizhang.accounts.models import Role, Unit, UnitKind
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now, today
from taizhang.errors import ActionError, NotAllowed
from taizhang.i18n import message_date
from taizhang.lib.chinese_dates import chinese_date
from taizhang.problems.models import ACTIVE_STATUSES, Problem
from taizhang.supervision.config import get_config
from taizhang.supervision.models import Instruction
from taizhang.supervision.notify import Message, Recipients, notify_many, people_with_roles

if TYPE_CHECKING:
    from collections.abc import Iterable

    from taizhang.accounts.models import User

INSTRUCTORS = frozenset({Role.LEADER})
REPLY_WORKDAYS = 3  # the default 回复时限 of an instruction, in working days
MAX_REPLY_WORKDAYS = 30
MAX_TEXT = 2000
# A problem takes instructions while a unit is working on it (在办): assigned, under rectification or awaiting 验收.
OPEN_STATUSES = ACTIVE_STATUSES
# A unit-level 批示 goes to a unit whose own members (联络员, 负责人) can answer it: not the bureau's own offices of
# bureau-wide roles, nor an inspection group.
INSTRUCTABLE_KINDS = frozenset({UnitKind.OFFICE, UnitKind.SCHOOL, UnitKind.KINDERGARTEN})
# The states a list of instructions is filtered by (page and API alike).
STATES = {"waiting": Q(replied_at__isnull=True), "replied": Q(replied_at__isnull=False)}


def instructions_visible_to(user: User) -> QuerySet[Instruction]:
    qs = Instruction.objects.select_related("author", "unit", "replied_by", "problem")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_bureau_wide():  # every problem and every unit
        return qs
    if user.is_unit_role() and user.unit_id:
        on_problems = Q(problem__in=Problem.objects.visible_to(user))
        return qs.filter(on_problems | Q(problem__isnull=True, unit_id=user.unit_id))
    return qs.none()


def instructions_listed_for(user: User) -> QuerySet[Instruction]:
    """The 批示 list of a person: a leader's own, a unit's addressed to it, everyone's for the other bureau roles."""
    qs = instructions_visible_to(user)
    if user.role in INSTRUCTORS:
        return qs.filter(author=user)
    if user.is_unit_role():
        return qs.filter(unit_id=user.unit_id or 0)
    return qs


def filter_instructions(
    qs: QuerySet[Instruction], *, state: str = "", level: str = "", unit_id: int | None = None
) -> QuerySet[Instruction]:
    """state: waiting / overdue (unanswered past the reply date) / replied; level: unit / problem."""
    if state == "overdue":
        qs = qs.filter(replied_at__isnull=True, reply_due_on__lt=today())
    elif state in STATES:
        qs = qs.filter(STATES[state])
    if level in ("unit", "problem"):
        qs = qs.filter(problem__isnull=level == "unit")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-created_at", "-id")


def unit_instructions(user: User, unit: Unit) -> QuerySet[Instruction]:
    """The unit-level 批示 on a unit that this person may read: what the unit's dashboard shows."""
    return instructions_visible_to(user).filter(problem__isnull=True, unit=unit).order_by("-created_at", "-id")


def access_instruction_by_id(user: User, pk: int) -> Instruction:
    instruction = instructions_visible_to(user).filter(pk=pk).first()
    if instruction is None:
        raise Http404(gettext("批示不存在或无权查看"))
    return instruction


def can_instruct(user: User, problem: Problem) -> bool:
    return user.role in INSTRUCTORS and problem.status in OPEN_STATUSES and problem.lead_unit_id is not None


def can_instruct_unit(user: User, unit: Unit) -> bool:
    return user.role in INSTRUCTORS and unit_refusal(unit) is None


def unit_refusal(unit: Unit) -> str | None:
    """Why no unit-level 批示 can go to this unit, or None."""
    if not unit.is_active:
        return gettext("%(unit)s已停用，不能批示。") % {"unit": unit.name}
    if unit.kind not in INSTRUCTABLE_KINDS:
        return gettext("批示对象须为股室、学校或幼儿园，不能批示给%(unit)s。") % {"unit": unit.name}
    return None


def access_unit_to_instruct(user: User, pk: int) -> Unit:
    """The unit a leader writes to; anyone else is refused before the unit is even looked up."""
    if user.role not in INSTRUCTORS:
        raise NotAllowed(gettext("只有局领导可以作出批示。"))
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404(gettext("单位不存在：%(id)s") % {"id": pk})
    return unit


def access_unit_by_id(user: User, pk: int) -> Unit:
    """A unit whose 批示 this person may read: any for the bureau-wide roles, one's own for a unit."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not (user.is_bureau_wide() or (user.is_unit_role() and user.unit_id == unit.pk)):
        raise Http404(gettext("单位不存在或无权查看"))
    return unit


def can_reply(user: User, instruction: Instruction) -> bool:
    return instruction.replied_at is None and user.is_unit_role() and user.unit_id == instruction.unit_id


def _checked_text(text: str, *, field: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise ActionError(missing, field_errors={field: [missing]})
    if len(text) > MAX_TEXT:
        too_long = gettext("内容不能超过 %(max)d 字。") % {"max": MAX_TEXT}
        raise ActionError(too_long, field_errors={field: [too_long]})
    return text


def _checked_due(reply_due_on: dt.date | None, on: dt.date) -> dt.date:
    calendar = get_config().calendar
    if reply_due_on is None:
        return calendar.add_workdays(on, REPLY_WORKDAYS)
    latest = calendar.add_workdays(on, MAX_REPLY_WORKDAYS)
    if reply_due_on < on or reply_due_on > latest:
        error = gettext("回复时限须在今天到%(latest)s之间。") % {"latest": message_date(latest)}
        raise ActionError(error, field_errors={"reply_due_on": [error]})
    return reply_due_on


def instruction_url(instruction: Instruction) -> str:
    """Where an instruction is read and answered: its problem's timeline, or its own page for a unit-level one."""
    if instruction.problem_id is not None:
        return reverse("problem_detail", args=[instruction.problem_id]) + "#instructions"
    return reverse("supervision_instruction", args=[instruction.pk])


def _url(problem: Problem) -> str:
    return reverse("problem_detail", args=[problem.pk]) + "#instructions"


@transaction.atomic
def do_give_instruction(
    problem: Problem, *, actor: User, text: str, reply_due_on: dt.date | None = None
) -> Instruction:
    if actor.role not in INSTRUCTORS:
        raise NotAllowed(gettext("只有局领导可以作出批示。"))
    problem = Problem.objects.select_for_update(of=("self",)).select_related("lead_unit").get(pk=problem.pk)
    if problem.status not in OPEN_STATUSES or problem.lead_unit is None:
        raise ActionError(gettext("该问题尚未交办或已经销号，不能批示。"))
    text = _checked_text(text, field="text", missing=gettext("请填写批示内容。"))
    on = today()
    due = _checked_due(reply_due_on, on)
    instruction = Instruction.objects.create(
        problem=problem, unit=problem.lead_unit, author=actor, text=text, created_at=now(), reply_due_on=due
    )
    record_event(
        Verb.INSTRUCTION_GIVEN,
        actor=actor,
        problem=problem,
        summary=f"{actor.display_name}批示（请{problem.lead_unit}于{chinese_date(due)}前回复）：{text[:200]}",
        data={"instruction": instruction.pk, "unit": problem.lead_unit_id, "reply_due_on": due.isoformat()},
    )
    unit_people = list(Recipients().unit_members(problem.lead_unit.pk))
    body = f"“{problem.title}”\n{actor.display_name}批示：{text}"
    notify_many(
        [
            (
                unit_people,
                Message(
                    title=f"{problem.number} 领导批示，请于{chinese_date(due)}前回复办理情况",
                    body=body,
                    url=_url(problem),
                    problem=problem,
                ),
            ),
            (
                _others(people_with_roles(Role.COORDINATOR), actor),
                Message(
                    title=f"{problem.number} 领导批示（{problem.lead_unit}办理）",
                    body=body,
                    url=_url(problem),
                    problem=problem,
                ),
            ),
        ]
    )
    return instruction


@transaction.atomic
def do_give_unit_instruction(unit: Unit, *, actor: User, text: str, reply_due_on: dt.date | None = None) -> Instruction:
    """A 批示 on a unit's work as a whole (from the 驾驶舱), not on one problem."""
    if actor.role not in INSTRUCTORS:
        raise NotAllowed(gettext("只有局领导可以作出批示。"))
    unit = Unit.objects.get(pk=unit.pk)
    if (refusal := unit_refusal(unit)) is not None:
        raise ActionError(refusal)
    text = _checked_text(text, field="text", missing=gettext("请填写批示内容。"))
    on = today()
    due = _checked_due(reply_due_on, on)
    instruction = Instruction.objects.create(
        problem=None, unit=unit, author=actor, text=text, created_at=now(), reply_due_on=due
    )
    record_event(
        Verb.INSTRUCTION_GIVEN,
        actor=actor,
        summary=f"{actor.display_name}对{unit}批示（请于{chinese_date(due)}前回复）：{text[:200]}",
        data={"instruction": instruction.pk, "unit": unit.pk, "reply_due_on": due.isoformat()},
    )
    url = instruction_url(instruction)
    body = f"{actor.display_name}批示：{text}"
    notify_many(
        [
            (
                Recipients().unit_members(unit.pk),
                Message(title=f"领导批示，请于{chinese_date(due)}前回复办理情况", body=body, url=url),
            ),
            (
                _others(people_with_roles(Role.COORDINATOR), actor),
                Message(title=f"领导对{unit}的批示", body=body, url=url),
            ),
        ]
    )
    return instruction


@transaction.atomic
def do_reply_instruction(instruction: Instruction, *, actor: User, text: str) -> Instruction:
    instruction = (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("problem", "unit", "author")
        .get(pk=instruction.pk)
    )
    if not (actor.is_unit_role() and actor.unit_id == instruction.unit_id):
        raise NotAllowed(gettext("只有批示所交办的单位可以回复该批示。"))
    if instruction.replied_at is not None:
        raise ActionError(
            gettext("该批示已于%(date)s回复。") % {"date": message_date(timezone.localdate(instruction.replied_at))}
        )
    text = _checked_text(text, field="text", missing=gettext("请填写办理情况。"))
    instruction.reply, instruction.replied_at, instruction.replied_by = text, now(), actor
    instruction.save(update_fields=["reply", "replied_at", "replied_by"])
    problem = instruction.problem
    late = "（逾期回复）" if timezone.localdate(instruction.replied_at) > instruction.reply_due_on else ""
    record_event(
        Verb.INSTRUCTION_REPLIED,
        actor=actor,
        problem=problem,
        summary=f"{instruction.unit}回复{instruction.author.display_name}的批示{late}：{text[:200]}",
        data={"instruction": instruction.pk, "unit": instruction.unit_id},
    )
    about = f"“{problem.title}”\n" if problem else ""
    message = Message(
        title=f"{problem.number + ' ' if problem else ''}{instruction.unit}已回复批示{late}",
        body=f"{about}批示：{instruction.text[:200]}\n办理情况：{text}",
        url=instruction_url(instruction),
        problem=problem,
    )
    readers = [instruction.author, *people_with_roles(Role.COORDINATOR)]
    notify_many([(_others(readers, actor), message)])
    return instruction


def _others(users: Iterable[User], actor: User) -> list[User]:
    return [u for u in {u.pk: u for u in users}.values() if u.pk != actor.pk and u.is_active]
