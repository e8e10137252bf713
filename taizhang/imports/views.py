"""导入文件 pages: upload → check (preview, corrections) → import the valid rows or nothing → what was created."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Unit, User
from taizhang.errors import ActionError
from taizhang.imports import jobs
from taizhang.imports.fields import FIELD_CHOICES
from taizhang.imports.models import ImportJob, ImportKind, ImportProfile
from taizhang.intake.actions import INTAKE_ROLES
from taizhang.intake.models import Channel

SHOWN_ROWS = 300
NEW_UNIT = "new"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件（.xlsx、.xls 或 .csv）"),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("上传的文件是空文件。")},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    kind = forms.ChoiceField(label=_("导入类型"), choices=ImportKind.choices, initial=ImportKind.AUTO)
    profile = forms.ModelChoiceField(
        label=_("导入方案"),
        queryset=ImportProfile.objects.all(),
        required=False,
        empty_label=_("自动（按表头匹配已保存的方案）"),
    )


def _importer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in INTAKE_ROLES:
        raise PermissionDenied(gettext("只有牵头部门和系统管理员可以导入文件。"))
    return user


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = jobs.start_job(
                    upload.read(),
                    upload.name or "",
                    actor=user,
                    kind=form.cleaned_data["kind"],
                    profile=form.cleaned_data["profile"],
                )
            except ActionError as error:
                form.add_error("file", error.message)
            else:
                return redirect("import_job", job.pk)
        status = 400
    context = {"form": form, "jobs": jobs.jobs_of(user)[:10], "max_mb": settings.TAIZHANG_MAX_IMPORT_BYTES >> 20}
    return render(request, "imports/home.html", context, status=status)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    user = _importer(request)
    job = jobs.access_job(user, pk)
    if request.method == "POST":
        try:
            _act(request, job, user)
        except ActionError as error:
            return _page(request, job, error=error.message, status=error.status_code)
        return redirect("import_job", job.pk)
    if request.headers.get("HX-Request"):  # the progress block polling: it reloads the page once the work is done
        response = render(request, "imports/_progress.html", {"job": job})
        if job.status not in ("checking", "importing"):
            response["HX-Refresh"] = "true"
        return response
    return _page(request, job)


def _act(request: HttpRequest, job: ImportJob, user: User) -> None:
    action = request.POST.get("action")
    if action == "confirm":
        jobs.confirm(job, actor=user)
    elif action == "cancel":
        jobs.cancel(job)
    elif action == "recheck":
        jobs.recheck(job, choices=_choices(request, job))
    elif action == "profile":
        jobs.save_profile(job, name=request.POST.get("name", ""), actor=user)
    else:
        raise ActionError(gettext("未知的操作。"))


def _choices(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    mapping = {c["header"]: request.POST.get(f"map-{c['column']}", c["field"]) for c in job.report.get("columns", [])}
    units: dict[str, Any] = dict(job.choices.get("units") or {})
    for i, name in enumerate(job.report.get("new_units", [])):
        picked = request.POST.get(f"unit-{i}", NEW_UNIT)
        if picked.isdigit():
            units[name] = int(picked)
    channel = request.POST.get("channel", "")
    return {"mapping": mapping, "units": units, "channel": channel if channel in Channel.values else ""}


def _page(request: HttpRequest, job: ImportJob, *, error: str = "", status: int = 200) -> HttpResponse:
    report = job.report
    context = {
        "job": job,
        "report": report,
        "error": error,
        "field_choices": FIELD_CHOICES,
        "channels": Channel.choices,
        "chosen_channel": job.choices.get("channel", ""),
        "units": Unit.objects.filter(is_active=True).order_by("sort_order", "id"),
        "rejected": report.get("rejected", [])[:SHOWN_ROWS],
        "flagged": report.get("flagged", [])[:SHOWN_ROWS],
        "cut": max(len(report.get("rejected", [])), len(report.get("flagged", []))) > SHOWN_ROWS,
        "new_units": list(enumerate(report.get("new_units", []))),
        "to_create": report.get("importable", 0) - report.get("already_imported", 0),
    }
    return render(request, "imports/job.html", context, status=status)
