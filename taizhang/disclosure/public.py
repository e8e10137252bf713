"""What the public is shown of a problem: one function used by the preview, the freeze at publication and the
feeds, so the preview is exactly what is published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from taizhang.followup.actions import satisfaction_rate
from taizhang.followup.models import Rating
from taizhang.lib.masking import is_organisation, mask_public_text, names_in
from taizhang.problems.models import ClosureDecision, Status

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from taizhang.disclosure.models import BatchItem
    from taizhang.problems.models import Problem

# A problem's status in the public's words: internal steps (退单, 待签收) are the bureau's business.
PUBLIC_STATUS: dict[str, Promise] = {
    Status.NEW: _("待交办"),
    Status.RETURNED: _("待交办"),
    Status.ASSIGNED: _("已交办"),
    Status.RECTIFYING: _("整改中"),
    Status.VERIFYING: _("待验收"),
    Status.FOLLOW_UP: _("已整改，回访中"),
    Status.CLOSED: _("已整改"),
}
PUBLIC_FIELDS = (
    "public_number",
    "public_unit",
    "public_category",
    "public_category_code",
    "public_title",
    "public_measures",
    "public_deadline",
    "public_status",
    "public_result",
    "is_closed",
    "rated_count",
    "satisfaction_rate",
    "received_at",
    "updated_at",
)


@dataclass(frozen=True)
class PublicText:
    public_number: str
    public_unit: str
    public_category: str
    public_category_code: str
    public_title: str
    public_measures: str
    public_deadline: dt.date | None
    public_status: str
    public_result: str
    is_closed: bool
    rated_count: int
    satisfaction_rate: float | None
    received_at: dt.datetime | None
    updated_at: dt.datetime | None


def people_in(problem: Problem, texts: list[str]) -> list[str]:
    """Names and phone numbers of everyone who reported the problem, and every pupil or parent its records name
    after a cue (学生陈小虎): hidden wherever they are written, also bare (陈小虎已复课)."""
    people: list[str] = []
    for name, phone, text in problem.opinions.values_list("reporter_name", "reporter_phone", "text"):
        people += [phone] if is_organisation(name) else [name, phone]
        texts = [*texts, text]
    for text in texts:
        people += names_in(text)
    return [p for p in people if p]


def public_text(problem: Problem, redactions: list[str]) -> PublicText:

    def mask(text: str) -> str:
        return mask_public_text(text, names=names, redactions=redactions)

    closed = problem.status == Status.CLOSED
    result = ""
    if closed:
        accepted = problem.closures.filter(decision=ClosureDecision.ACCEPTED).order_by("-decided_at", "-id").first()
        result = accepted.summary if accepted else ""
    names = people_in(problem, [problem.title, problem.description, problem.measures, result])
    rated, rate = satisfaction_rate(Rating.objects.filter(problem=problem, round=problem.reopen_count))
    return PublicText(
        public_number=problem.number,
        public_unit=problem.lead_unit.name if problem.lead_unit else "",
        public_category=problem.category.name,
        public_category_code=problem.category.code,
        public_title=mask(problem.title),
        public_measures=mask(problem.measures),
        public_deadline=problem.deadline,
        public_status=problem.status,
        public_result=mask(result),
        is_closed=closed,
        rated_count=rated,
        satisfaction_rate=rate,
        received_at=problem.first_received_at or problem.created_at,
        updated_at=problem.closed_at if closed else (problem.assigned_at or problem.created_at),
    )


def preview_item(item: BatchItem) -> BatchItem:
    """A draft's item filled with what publishing it now would freeze (unsaved), for the preview."""
    for field, value in vars(public_text(item.problem, item.redactions)).items():
        setattr(item, field, value)
    return item


def status_label(code: str) -> str:
    """The public's word for a status; a status added later reads as its own label until it gets one here."""
    if code in PUBLIC_STATUS:
        return str(PUBLIC_STATUS[code])
    return str(Status(code).label) if code in Status.values else ""
