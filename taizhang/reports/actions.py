"""Generating a report: figures from the ledger, the file rendered, stored with its sha256 and archived as a new
version — one transaction with its audit event. Nothing is ever overwritten, and the scheduler generates only the
period that has just ended, never one per past month."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext

from taizhang.accounts.models import Role, User
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.campaigns.models import Campaign
from taizhang.clock import now, today
from taizhang.errors import Conflict, NotAllowed
from taizhang.lib.report_docx import render_report_docx
from taizhang.lib.scoring import Period
from taizhang.reports import bulletin as docs
from taizhang.reports.figures import Span, compute, last_complete_month
from taizhang.reports.models import KIND_FORMAT, BulletinCounter, GeneratedReport, ReportKind
from taizhang.reports.review import review_lines, write_review
from taizhang.reports.workbook import write_workbook

GENERATORS = (Role.COORDINATOR, Role.ADMIN)  # who generates (生成) reports
SCHEDULED_KINDS = (ReportKind.BULLETIN, ReportKind.WORKBOOK, ReportKind.REVIEW)
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEFAULT_SENT_TO = {ReportKind.BULLETIN: docs.RECIPIENT, ReportKind.SUMMARY: "上级活动办公室"}


@dataclasses.dataclass
class Rendered:
    content: bytes
    figures: dict[str, Any]
    doc_number: str = ""


def lock_reports(year: int) -> BulletinCounter:
    """One generation at a time: the year's 通报 counter row stays locked until the transaction ends, so versions
    are counted after any other generation has committed, and 通报 numbers are gapless and never issued twice."""
    counter, _created = BulletinCounter.objects.select_for_update().get_or_create(year=year)
    return counter


def take_bulletin_number(counter: BulletinCounter, prefix: str) -> str:
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}〔{counter.year}〕{counter.last_number}号"


def _headline(f: dict[str, Any]) -> dict[str, Any]:
    """What the archive keeps beside the file: the totals and rates, not the lists."""
    return {k: f[k] for k in ("period", "as_of", "opinions", "flows", "standing", "rates", "red_cards")}


def campaign_to_date(period: Period) -> Period:
    """The campaign summary covers the campaign from its start to the end of the period."""
    campaign = Campaign.objects.filter(starts_on__lte=period.ends_on).order_by("-starts_on", "-id").first()
    if campaign is None or campaign.starts_on >= period.starts_on:
        return period
    return Period(campaign.starts_on, period.ends_on, f"{campaign.starts_on.isoformat()}~{period.ends_on.isoformat()}")


def render(kind: str, period: Period, on: dt.date, counter: BulletinCounter) -> Rendered:
    out = io.BytesIO()
    issuer = docs.Issuer.current(period.ends_on)
    if kind == ReportKind.BULLETIN:
        f = compute(period, on)
        number = take_bulletin_number(counter, issuer.prefix)
        render_report_docx(docs.bulletin(f, issuer, number, on), out)
        return Rendered(out.getvalue(), _headline(f), number)
    if kind == ReportKind.SUMMARY:
        f = compute(campaign_to_date(period), on)
        render_report_docx(docs.summary(f, issuer, on), out)
        return Rendered(out.getvalue(), {**_headline(f), "text": docs.summary_text(f)})
    span = Span.of(period, on)
    if kind == ReportKind.WORKBOOK:
        f = compute(period, on)
        rows = write_workbook(f, span, out)
        return Rendered(out.getvalue(), {**_headline(f), "ledger_rows": rows})
    lines = review_lines(span)
    write_review(lines, span, out)
    return Rendered(out.getvalue(), {"lines": [dataclasses.asdict(line) for line in lines]})


def _require_generator(actor: User | None) -> None:
    if actor is not None and actor.role not in GENERATORS:
        raise NotAllowed(gettext("只有牵头部门或系统管理员可以生成通报和报表。"))


@transaction.atomic
def do_generate_report(
    kind: str, period: Period, *, actor: User | None, sent_to: str | None = None, only_first: bool = False
) -> GeneratedReport | None:
    """A new version of `kind` for `period`, dated and numbered today (`actor` None: the scheduler, 系统).
    With `only_first`, nothing is done when any version exists already (the scheduler's idempotence)."""
    _require_generator(actor)
    kind = ReportKind(kind)
    on = today()
    counter = lock_reports(on.year)
    existing = GeneratedReport.objects.filter(kind=kind, period_key=period.key)
    last = existing.aggregate(v=Max("version"))["v"] or 0
    if only_first and last:
        return None
    rendered = render(kind, period, on, counter)
    ext = KIND_FORMAT[kind]
    version = last + 1
    report = GeneratedReport(
        kind=kind,
        period_key=period.key,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        version=version,
        filename=f"{period.label}{kind.label}（第{version}版）.{ext}",
        content_type=CONTENT_TYPES[ext],
        size=len(rendered.content),
        sha256=hashlib.sha256(rendered.content).hexdigest(),
        doc_number=rendered.doc_number,
        generated_at=now(),
        generated_by=actor,
        sent_to=(sent_to if sent_to is not None else DEFAULT_SENT_TO.get(kind, "")).strip()[:200],
        figures=rendered.figures,
    )
    report.file.save(
        f"{kind.value}-{period.key.replace('~', '_')}-v{version}.{ext}", ContentFile(rendered.content), save=False
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        report.file.delete(save=False)
        raise Conflict(gettext("同一期间的报表正在由他人生成，请刷新页面后重试。")) from None
    record_event(
        Verb.REPORT_GENERATED,
        actor=actor,
        summary=f"生成{kind.label}：{period.label}，第{version}版"
        + (f"，{report.doc_number}" if report.doc_number else ""),
        data={
            "report": report.pk,
            "kind": kind.value,
            "period": period.key,
            "version": version,
            "sha256": report.sha256,
            "doc_number": report.doc_number,
            "sent_to": report.sent_to,
        },
    )
    return report


def generate_due_reports(on: dt.date | None = None) -> list[GeneratedReport]:
    """The scheduler's run: the monthly reports of the month that has just ended, once. Never a past month: a
    campaign on its hundredth day gets last month's reports, not one per month it has run. Nothing for a month in
    which no campaign ran."""
    period = last_complete_month(on or today())
    running = Campaign.objects.filter(starts_on__lte=period.ends_on, ends_on__gte=period.starts_on)
    if not running.exists():
        return []  # no campaign ran in that month: nothing to report on (a finished campaign stops its bulletins)
    made = []
    for kind in SCHEDULED_KINDS:
        try:
            report = do_generate_report(kind, period, actor=None, only_first=True)
        except Conflict:
            continue  # another worker generated it a moment ago (its number taken, ours rolled back)
        if report is not None:
            made.append(report)
    return made
