"""领导批示: a leader (局领导) writes an instruction on a problem to the unit leading it; the unit answers once with
how it carried it out (办理情况). An unanswered instruction waits in both 待办 lists against its reply date, and
each side is told of the other's step (in-app, with the daily email digest).

Who may read one: whoever may read the problem — co-units too, since the instruction is about work they share and
the problem's timeline records it; only the unit it is addressed to answers it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from taizhang.accounts.models import Role
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


def instructions_visible_to(user: User) -> QuerySet[Instruction]:
    qs = Instruction.objects.select_related("author", "unit", "replied_by", "problem")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(problem__in=Problem.objects.visible_to(user))


def access_instruction_by_id(user: User, pk: int) -> Instruction:
    instruction = instructions_visible_to(user).filter(pk=pk).first()
    if instruction is None:
        raise Http404(gettext("批示不存在或无权查看"))
    return instruction


def can_instruct(user: User, problem: Problem) -> bool:
    return user.role in INSTRUCTORS and problem.status in OPEN_STATUSES and problem.lead_unit_id is not None


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
        data={"instruction": instruction.pk},
    )
    message = Message(
        title=f"{problem.number} {instruction.unit}已回复批示{late}",
        body=f"“{problem.title}”\n批示：{instruction.text[:200]}\n办理情况：{text}",
        url=_url(problem),
        problem=problem,
    )
    readers = [instruction.author, *people_with_roles(Role.COORDINATOR)]
    notify_many([(_others(readers, actor), message)])
    return instruction


def _others(users: Iterable[User], actor: User) -> list[User]:
    return [u for u in {u.pk: u for u in users}.values() if u.pk != actor.pk and u.is_active]
