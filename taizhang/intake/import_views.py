"""意见批量导入 pages: upload → check (共 N 行，全部有效) → confirm → the receipt codes of what was imported.

The checked file waits under MEDIA_ROOT/imports/ keyed by a random token held in the session, so the
confirm step imports exactly the bytes that were checked; it is validated once more before writing,
because the ledger may have changed in between.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import User
from taizhang.clock import today
from taizhang.errors import ActionError
from taizhang.intake.access import opinions_visible_to
from taizhang.intake.actions import INTAKE_ROLES
from taizhang.intake.importer import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    XLSX_CONTENT_TYPE,
    ParsedSheet,
    SheetRejected,
    build_result_workbook,
    build_template_workbook,
    import_opinion_sheet,
    read_opinion_sheet,
)
from taizhang.intake.models import Channel

PENDING_KEY = "opinion_import_pending"
RESULT_KEY = "opinion_import_result"
SHOWN_CODES = 50
PREVIEW_ROWS = 10
SHOWN_ERRORS = 500
PENDING_MAX_AGE = dt.timedelta(days=1)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的 Excel 文件。"), "empty": _("上传的文件是空文件。")},
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext("文件超过 %(mb)d MB，请拆分后分批导入。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


def _importer(request: HttpRequest) -> User:
    """The signed-in user, if they may import; anyone else gets the 403 page with the reason."""
    user = request.user
    if not isinstance(user, User) or user.role not in INTAKE_ROLES:
        raise PermissionDenied(gettext("只有牵头部门和系统管理员可以批量导入意见。如需导入，请联系活动办公室。"))
    return user


def _attachment(filename: str, fallback: str) -> str:
    """RFC 6266/5987: an ASCII name for old clients, the Chinese one for everyone else."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _xlsx_response(build: Any, filename: str, fallback: str) -> HttpResponse:
    out = io.BytesIO()
    build(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def opinion_import_template(request: HttpRequest) -> HttpResponse:
    _importer(request)
    return _xlsx_response(build_template_workbook, "意见导入模板.xlsx", "opinion-import-template.xlsx")


@login_required
def opinion_import(request: HttpRequest) -> HttpResponse:
    _importer(request)
    if request.method == "POST":
        return _confirm(request) if request.POST.get("action") == "confirm" else _check(request)
    if request.GET.get("result") == "xlsx":
        return _result_download(request)
    result = _result(request) if request.GET.get("result") else None
    return _page(request, form=UploadForm(), result=result)


def _page(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", UploadForm())
    context.update(columns=COLUMNS, max_rows=MAX_ROWS, max_mb=MAX_FILE_BYTES // (1024 * 1024))
    sheet: ParsedSheet | None = context.get("sheet")
    if sheet is not None and sheet.errors:
        context.update(
            errors=sheet.errors[:SHOWN_ERRORS],
            errors_cut=len(sheet.errors) > SHOWN_ERRORS,
            bad_rows=row_ranges(sheet.bad_rows),
        )
    return render(request, "intake/import.html", context, status=status)


def _check(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read()
    filename = (upload.name or "未命名.xlsx")[:100]
    try:
        sheet = read_opinion_sheet(content)
    except SheetRejected as rejected:
        form.add_error("file", rejected.message)
        return _page(request, form=form, status=400)
    if not sheet.ok:
        return _page(request, sheet=sheet, filename=filename, status=400)
    token = _store_pending(request, content, filename)
    preview = [
        {"row": r.row, "channel": Channel(r.data.channel).label, "data": r.data} for r in sheet.rows[:PREVIEW_ROWS]
    ]
    return _page(request, form=None, sheet=sheet, filename=filename, token=token, preview=preview)


def _confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending or request.POST.get("token") != pending["token"]:
        messages.error(request, gettext("这次导入的确认已失效（可能已导入过或已超时），请重新上传文件。"))
        return redirect("opinion_import")
    path = _pending_path(pending["token"])
    content = path.read_bytes() if path.exists() else b""
    _discard_pending(request)
    try:
        sheet, imported = import_opinion_sheet(content, actor=_importer(request), filename=pending["filename"])
    except (SheetRejected, ActionError) as error:
        messages.error(request, gettext("未导入任何意见：%(reason)s") % {"reason": error.message})
        return redirect("opinion_import")
    if not imported:
        return _page(request, sheet=sheet, filename=pending["filename"], status=400)
    request.session[RESULT_KEY] = {
        "filename": pending["filename"],
        "rows": [item.row for item in imported],
        "ids": [item.opinion.pk for item in imported],
    }
    messages.success(
        request,
        gettext("已从《%(filename)s》导入 %(n)d 条意见，均已生成查询码。")
        % {"filename": pending["filename"], "n": len(imported)},
    )
    return redirect(reverse("opinion_import") + "?result=1")


def _result_rows(request: HttpRequest, limit: int | None = None) -> list[tuple[int, Any]] | None:
    stored = request.session.get(RESULT_KEY)
    if not stored:
        return None
    pairs = list(zip(stored["rows"], stored["ids"], strict=True))[:limit]
    visible = opinions_visible_to(_importer(request)).select_related("concerned_unit")
    by_id = visible.in_bulk([pk for _row, pk in pairs])
    return [(row, by_id[pk]) for row, pk in pairs if pk in by_id]


def _result(request: HttpRequest) -> dict[str, Any] | None:
    rows = _result_rows(request, limit=SHOWN_CODES)
    if rows is None:
        return None
    stored = request.session[RESULT_KEY]
    return {"filename": stored["filename"], "count": len(stored["ids"]), "rows": rows}


def _result_download(request: HttpRequest) -> HttpResponse:
    rows = _result_rows(request)
    if rows is None:
        messages.error(request, gettext("没有可下载的导入结果，请先导入。"))
        return redirect("opinion_import")
    stamp = today().strftime("%Y%m%d")
    return _xlsx_response(
        lambda out: build_result_workbook(rows, out), f"意见导入结果-{stamp}.xlsx", f"opinion-import-{stamp}.xlsx"
    )


def _imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _pending_path(token: str) -> Path:
    return _imports_dir() / f"{token}.xlsx"


def _store_pending(request: HttpRequest, content: bytes, filename: str) -> str:
    _discard_pending(request)
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_MAX_AGE.total_seconds()
    for stale in folder.glob("*.xlsx"):  # checked but never confirmed
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    _pending_path(token).write_bytes(content)
    request.session[PENDING_KEY] = {"token": token, "filename": filename}
    return token


def _discard_pending(request: HttpRequest) -> None:
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        _pending_path(pending["token"]).unlink(missing_ok=True)


def row_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → "3–5、9": every bad row is named, even when the table below is cut short."""
    parts = []
    for _step, group in itertools.groupby(enumerate(numbers), key=lambda pair: pair[1] - pair[0]):
        run = [n for _index, n in group]
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
    return "、".join(parts)
