from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from taizhang.problems.models import Problem
from taizhang.supervision.timelimits import light_for

register = template.Library()


@register.simple_tag
def light(problem: Problem) -> str:
    """The status light: 绿灯 / 黄灯 / 红灯 with working days left or overdue; nothing for closed problems."""
    result = light_for(problem)
    if result.color == "none":
        return ""
    names = {"green": gettext("绿灯"), "yellow": gettext("黄灯"), "red": gettext("红灯")}
    return format_html(
        '<span class="{}" title="{}"><i aria-hidden="true"></i>{}</span>', result.css, names[result.color], result.label
    )


@register.inclusion_tag("supervision/_problem_panel.html", takes_context=True)
def supervision_panel(context: template.Context, problem: Problem) -> dict[str, Any]:
    from taizhang.clock import today
    from taizhang.problems.access import is_lead_unit_member
    from taizhang.problems.models import Status
    from taizhang.supervision.access import EXTENSION_DECIDERS, actions_visible_to
    from taizhang.supervision.config import get_config
    from taizhang.supervision.forms import (
        ExtensionDecisionForm,
        ExtensionRequestForm,
        InstructionForm,
        InstructionReplyForm,
    )
    from taizhang.supervision.instructions import can_instruct, can_reply, instructions_visible_to
    from taizhang.supervision.models import ExtensionStatus

    user = context["request"].user
    instructions = [
        (i, InstructionReplyForm(prefix=f"instruction_reply_{i.pk}") if can_reply(user, i) else None)
        for i in instructions_visible_to(user).filter(problem=problem)
    ]
    extensions = list(problem.extension_requests.select_related("requested_by", "decided_by"))
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    rule = get_config().rule_for(problem.category_id, problem.kind) if problem.kind else None
    open_status = problem.status in (Status.ASSIGNED, Status.RECTIFYING)
    return {
        "problem": problem,
        "rule": rule,
        # Only the documents this viewer may open: a co-unit is not shown what was sent to the lead unit.
        "actions": actions_visible_to(user).filter(problem=problem).order_by("due_on", "id"),
        "extensions": extensions,
        "pending": pending,
        "can_request": open_status and pending is None and is_lead_unit_member(user, problem),
        "can_decide": pending is not None and user.role in EXTENSION_DECIDERS,
        "request_form": ExtensionRequestForm(prefix="extension"),
        "decision_form": ExtensionDecisionForm(prefix="extension_decision"),
        "instructions": instructions,
        "can_instruct": can_instruct(user, problem),
        "instruction_form": InstructionForm(prefix="instruction"),
        "today": today(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def provisional(day: Any) -> str:
    """（暂定） after a deadline in a year whose holiday arrangement is not entered yet, with the reason on hover."""
    from taizhang.supervision.calendar_notice import is_provisional
    from taizhang.supervision.config import get_config

    if not isinstance(day, dt.date) or not is_provisional(day, get_config().arranged_years):
        return ""
    reason = gettext("%(year)s年节假日安排尚未录入，此时限按普通周末推算，录入后可能调整。") % {"year": day.year}
    return format_html('<span class="provisional" title="{}">{}</span>', reason, gettext("（暂定）"))
