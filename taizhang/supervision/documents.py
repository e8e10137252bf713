"""The numbered forms: wording from the admin's template, a gapless 发文字号 per year and kind, DOCX and PDF.

The wording and number are frozen on the SupervisionAction when the rung fires; the DOCX is rendered from those
frozen fields when first downloaded (and kept), so the sweep never spends its time laying out documents.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from taizhang.lib.chinese_dates import chinese_date
from taizhang.lib.official_docx import OfficialDocument, check_template, fill, render_docx
from taizhang.problems.models import Problem
from taizhang.supervision.config import SupervisionConfig
from taizhang.supervision.models import DocumentCounter, FormKind, SupervisionAction

log = logging.getLogger(__name__)

PROBLEM_PLACEHOLDERS = {
    "问题编号",
    "问题摘要",
    "问题描述",
    "责任单位",
    "责任人",
    "整改措施",
    "整改时限",
    "交办日期",
    "签收时限",
    "超期工作日",
    "销号日期",
}
COMMON_PLACEHOLDERS = {"督办日期", "回复时限", "主送单位"}
UNIT_PLACEHOLDERS = {"超期问题数", "问题清单"}
REQUIRED: dict[str, set[str]] = {
    FormKind.FORECAST: {"问题编号", "问题摘要", "整改时限"},
    FormKind.SOLVED_REPORT: {"问题编号", "问题摘要", "销号日期"},
    FormKind.SUPERVISION_NOTICE: {"问题编号", "问题摘要", "整改时限", "回复时限"},
    FormKind.CRITICISM: {"问题编号", "问题摘要", "责任单位"},
    FormKind.ORG_ADJUSTMENT: {"问题编号", "问题摘要", "责任单位"},
    FormKind.RECTIFICATION_NOTICE: {"超期问题数", "问题清单", "回复时限"},
}
REPLY_WORKDAYS = 3


def allowed_placeholders(kind: str) -> set[str]:
    if kind == FormKind.RECTIFICATION_NOTICE:
        return COMMON_PLACEHOLDERS | UNIT_PLACEHOLDERS
    return COMMON_PLACEHOLDERS | PROBLEM_PLACEHOLDERS


def template_errors(kind: str, body: str) -> list[str]:
    return check_template(body, required=REQUIRED.get(kind, set()), allowed=allowed_placeholders(kind))


def problem_values(problem: Problem, due_on: dt.date, config: SupervisionConfig) -> dict[str, str]:
    cal = config.calendar
    overdue = cal.workdays_between(problem.deadline, due_on) if problem.deadline else 0
    return {
        "问题编号": problem.number,
        "问题摘要": problem.title,
        "问题描述": problem.description,
        "责任单位": str(problem.lead_unit or ""),
        "责任人": problem.responsible_person,
        "整改措施": problem.measures,
        "整改时限": chinese_date(problem.deadline),
        "交办日期": chinese_date(timezone.localdate(problem.assigned_at)) if problem.assigned_at else "",
        "签收时限": chinese_date(problem.sign_due_on),
        "超期工作日": str(max(overdue, 0)),
        "销号日期": chinese_date(timezone.localdate(problem.closed_at)) if problem.closed_at else "",
        **common_values(str(problem.lead_unit or ""), due_on, config),
    }


def common_values(recipient: str, due_on: dt.date, config: SupervisionConfig) -> dict[str, str]:
    return {
        "督办日期": chinese_date(due_on),
        "回复时限": chinese_date(config.calendar.add_workdays(due_on, REPLY_WORKDAYS)),
        "主送单位": recipient,
    }


def take_number(kind: str, year: int, prefix: str) -> tuple[int, str]:
    """The next number for this kind and year. The counter row stays locked until the caller's transaction
    ends, and rolls back with it, so numbers are gapless and never issued twice."""
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(year=year, kind=kind)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{prefix}〔{year}〕{counter.last_number}号"


def fill_document(action: SupervisionAction, values: dict[str, str], config: SupervisionConfig) -> None:
    """Freeze the wording from the admin's template; the number is taken separately, in the same transaction."""
    template = config.templates.get(action.form_kind)
    if template is None:
        raise LookupError(f"没有“{FormKind(action.form_kind).label}”的文书模板")
    action.header = template.header
    action.title = template.title
    action.issuer = template.issuer
    action.body = fill(template.body, values)


def write_document(action: SupervisionAction, values: dict[str, str], config: SupervisionConfig) -> None:
    """Wording and number for one document (call inside the transaction that creates the action)."""
    fill_document(action, values, config)
    action.issued_on = action.issued_on or action.due_on
    action.doc_year = action.issued_on.year
    prefix = config.templates[action.form_kind].number_prefix
    action.doc_seq, action.doc_number = take_number(action.form_kind, action.doc_year, prefix)


class NumberBook:
    """Numbers for a whole batch: each (year, kind) counter row is locked once, numbers handed out in order, and
    the counters written back at the end of the batch — in the same transaction, so still gapless."""

    def __init__(self, config: SupervisionConfig) -> None:
        self.config = config
        self.counters: dict[tuple[int, str], DocumentCounter] = {}

    def number(self, action: SupervisionAction) -> None:
        assert action.issued_on is not None  # numbers follow issue dates: a catch-up issues today, numbered today
        key = (action.issued_on.year, action.form_kind)
        if key not in self.counters:
            self.counters[key], _ = DocumentCounter.objects.select_for_update().get_or_create(year=key[0], kind=key[1])
        counter = self.counters[key]
        counter.last_number += 1
        prefix = self.config.templates[action.form_kind].number_prefix
        action.doc_year, action.doc_seq = key[0], counter.last_number
        action.doc_number = f"{prefix}〔{key[0]}〕{counter.last_number}号"

    def save(self) -> None:
        for counter in self.counters.values():
            counter.save(update_fields=["last_number"])


def as_official(action: SupervisionAction) -> OfficialDocument:
    return OfficialDocument(
        header=action.header,
        number=action.doc_number,
        title=action.title,
        recipient=action.recipient,
        body=action.body,
        issuer=action.issuer,
        date=action.issued_on or action.due_on,
    )


def _document_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def docx_path(action: SupervisionAction) -> Path:
    """The DOCX for this action, rendered from its frozen fields on first use."""
    path = _document_dir() / f"{action.doc_year}-{action.form_kind}-{action.doc_seq}-{action.pk}.docx"
    if not path.exists():
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as tmp:
            render_docx(as_official(action), tmp)
        os.replace(tmp.name, path)
    return path


def pdf_converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


FONTS_CONF = Path(__file__).with_name("fonts.conf")


def pdf_path(action: SupervisionAction) -> Path | None:
    """The PDF via LibreOffice headless; None where no converter is installed or the conversion failed."""
    converter = pdf_converter()
    if converter is None:
        return None
    source = docx_path(action)
    target = source.with_suffix(".pdf")
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "HOME": work}  # LibreOffice writes its profile under HOME
        if FONTS_CONF.exists():
            env["FONTCONFIG_FILE"] = str(FONTS_CONF)
        try:
            subprocess.run(
                [converter, "--headless", "--convert-to", "pdf", "--outdir", work, str(source)],
                check=True,
                capture_output=True,
                timeout=120,
                env=env,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            log.warning("PDF conversion of %s failed: %s", source, exc)
            return None
        produced = Path(work) / source.with_suffix(".pdf").name
        if not produced.exists():
            return None
        shutil.move(str(produced), target)
    return target
