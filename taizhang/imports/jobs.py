"""An uploaded file's way through check → preview → confirm, for the page and the API alike.

The bytes wait under MEDIA_ROOT/imports/ so that the confirmed import reads exactly what was checked. A large
file is checked and imported on a background thread that writes its progress to the job row between batches;
a small one is done before the request returns.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from taizhang.clock import now
from taizhang.errors import ActionError, Conflict, NotAllowed
from taizhang.imports.actions import do_import_plan, do_save_profile
from taizhang.imports.models import ImportJob, ImportKind, ImportProfile, JobStatus
from taizhang.imports.planning import ImportPlan, plan_file
from taizhang.intake.actions import INTAKE_ROLES
from taizhang.lib.tables import TableRejected

if TYPE_CHECKING:
    from taizhang.accounts.models import User

log = logging.getLogger(__name__)
STALE_AFTER_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_bytes(job: ImportJob) -> bytes:
    path = _folder() / job.stored_name
    if not path.exists():
        raise ActionError(gettext("上传的文件已不在服务器上（可能已导入或已取消），请重新上传。"))
    return path.read_bytes()


def jobs_of(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=user)


def access_job(user: User, pk: int) -> ImportJob:
    job: ImportJob | None = jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404(gettext("导入任务不存在或无权查看"))
    return job


def start_job(content: bytes, filename: str, *, actor: User, kind: str, profile: ImportProfile | None) -> ImportJob:
    if actor.role not in INTAKE_ROLES:
        raise NotAllowed(gettext("只有牵头部门和系统管理员可以导入文件。"))
    limit = settings.TAIZHANG_MAX_IMPORT_BYTES
    if len(content) > limit:
        raise ActionError(gettext("文件超过 %(mb)d MB，请拆分后分批导入。") % {"mb": limit // (1024 * 1024)})
    if not content:
        raise ActionError(gettext("上传的文件是空文件。"))
    if kind not in ImportKind.values:
        raise ActionError(gettext("导入类型无效。"))
    _remove_stale_uploads()
    stored = f"{secrets.token_urlsafe(18)}.upload"
    (_folder() / stored).write_bytes(content)
    job = ImportJob.objects.create(
        created_by=actor,
        created_at=now(),
        filename=filename[:200] or "未命名",
        stored_name=stored,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        kind=kind,
        profile=profile,
    )
    _run(job, _check)
    return job


def _remove_stale_uploads() -> None:
    """A file checked but never confirmed or cancelled is dropped after a day; its job then says so if opened."""
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in _folder().glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def plan_of(job: ImportJob) -> ImportPlan:
    return plan_file(job_bytes(job), job.filename, kind=job.kind, profile=job.profile, choices=job.choices)


def _check(job: ImportJob) -> None:
    try:
        plan = plan_of(job)
    except TableRejected as rejected:
        _finish(job, JobStatus.REJECTED, rejected.message, {})
        (_folder() / job.stored_name).unlink(missing_ok=True)
        return
    status = JobStatus.CHECKED if plan.rows else JobStatus.REJECTED
    message = "" if plan.rows else gettext("没有可导入的行。")
    _finish(job, status, message, plan.report())


def recheck(job: ImportJob, *, choices: dict[str, Any]) -> ImportJob:
    """The user corrected the column mapping, the units or the default channel in the preview."""
    _require_state(job, JobStatus.CHECKED)
    job.choices = choices
    job.status = JobStatus.CHECKING
    job.save(update_fields=["choices", "status"])
    _run(job, _check)
    return job


def save_profile(job: ImportJob, *, name: str, actor: User) -> ImportProfile:
    _require_state(job, JobStatus.CHECKED)
    profile = do_save_profile(plan_of(job), name=name, actor=actor, default_channel=job.choices.get("channel", ""))
    job.profile = profile
    job.save(update_fields=["profile"])
    return profile


def confirm(job: ImportJob, *, actor: User) -> ImportJob:
    """Import the valid rows. Claimed with a conditional UPDATE, so a double click imports once."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(status=JobStatus.IMPORTING)
    if not claimed:
        job.refresh_from_db()
        raise Conflict(gettext("这个文件当前不能导入（%(status)s）。") % {"status": job.get_status_display()})
    job.refresh_from_db()
    _run(job, lambda j: _commit(j, actor))
    return job


def cancel(job: ImportJob) -> ImportJob:
    """导入取消: nothing is written and the uploaded file is removed."""
    _require_state(job, JobStatus.CHECKED)
    _finish(job, JobStatus.CANCELLED, gettext("已取消，未导入任何数据。"), job.report)
    (_folder() / job.stored_name).unlink(missing_ok=True)
    return job


def _commit(job: ImportJob, actor: User) -> None:
    try:
        plan = plan_of(job)  # again: the ledger may have changed since the preview
        job.total = len(plan.to_create)
        job.save(update_fields=["total"])

        def progress(done: int, total: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

        created = do_import_plan(plan, actor=actor, filename=job.filename, progress=progress)
    except (TableRejected, ActionError) as error:
        _finish(job, JobStatus.FAILED, error.message, job.report)
        return
    _finish(job, JobStatus.DONE, "", plan.report(created))
    (_folder() / job.stored_name).unlink(missing_ok=True)


def _require_state(job: ImportJob, status: str) -> None:
    if job.status != status:
        raise Conflict(gettext("这个导入任务已是“%(status)s”，不能再操作。") % {"status": job.get_status_display()})


def _finish(job: ImportJob, status: str, message: str, report: dict[str, Any]) -> None:
    job.status = status
    job.message = message
    job.report = report
    job.finished_at = now()
    if status == JobStatus.DONE:
        job.done = job.total
    job.save(update_fields=["status", "message", "report", "finished_at", "done"])


def _run(job: ImportJob, work: Callable[[ImportJob], None]) -> None:
    """Small files before the request returns, large ones on a thread; either way a job never stays stuck in
    正在检查/正在导入 when something unexpected fails."""

    def guarded() -> None:
        try:
            work(job)
        except Exception:
            log.exception("import job %s failed", job.pk)
            message = gettext("导入时发生内部错误，未完成的批次已回滚，可重新导入（不会重复）。")
            _finish(job, JobStatus.FAILED, message, job.report)

    if job.size <= settings.TAIZHANG_IMPORT_INLINE_BYTES:
        guarded()
        return

    def background() -> None:
        close_old_connections()
        try:
            guarded()
        finally:
            connection.close()

    threading.Thread(target=background, name=f"import-{job.pk}", daemon=True).start()
