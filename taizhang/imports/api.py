"""/api/v1/imports: upload a file, poll the job, read its report, confirm or cancel — the page's steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from taizhang.api_common import ERRORS, api_user
from taizhang.errors import ActionError
from taizhang.imports import jobs
from taizhang.imports.models import ImportJob, ImportKind, ImportProfile

router = Router(tags=["文件导入"])


class ImportJobOut(Schema):
    id: int
    filename: str = Field(description="文件名")
    kind: str = Field(description="请求的导入类型：auto / opinions / ledger")
    status: str = Field(
        description="checking 正在检查 / checked 待确认 / rejected 无法导入 / importing 正在导入 / done 已导入 / "
        "cancelled 未导入 / failed 导入失败"
    )
    status_label: str
    message: str = Field(description="无法导入或失败的原因")
    done: int = Field(description="已写入的行数（导入中）")
    total: int = Field(description="要写入的行数")
    report: dict[str, Any] = Field(
        description="检查结果：kind、sheet、header_rows、rows、importable、rejected、flagged、duplicates、new_units、"
        "created（与 import_file --json 相同）"
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: ImportJob) -> str:
        return str(obj.get_status_display())


@router.post("", response={202: ImportJobOut, **ERRORS}, summary="上传文件并检查（不写入）")
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[ImportKind] = ImportKind.AUTO,
    profile: Form[str] = "",
) -> Status[ImportJob]:
    chosen = None
    if profile:
        chosen = ImportProfile.objects.filter(name=profile).first()
        if chosen is None:
            raise ActionError(gettext("没有名为“%(name)s”的导入方案。") % {"name": profile})
    content = file.read()
    job = jobs.start_job(content, file.name or "", actor=api_user(request), kind=kind, profile=chosen)
    return Status(202, job)


@router.get("/{job_id}", response={200: ImportJobOut, **ERRORS}, summary="导入任务：进度与检查结果")
def get_job(request: HttpRequest, job_id: int) -> ImportJob:
    return jobs.access_job(api_user(request), job_id)


@router.post("/{job_id}/commit", response={202: ImportJobOut, **ERRORS}, summary="确认导入有效行")
def commit(request: HttpRequest, job_id: int) -> Status[ImportJob]:
    user = api_user(request)
    return Status(202, jobs.confirm(jobs.access_job(user, job_id), actor=user))


@router.post("/{job_id}/cancel", response={200: ImportJobOut, **ERRORS}, summary="全部不导入")
def cancel(request: HttpRequest, job_id: int) -> ImportJob:
    return jobs.cancel(jobs.access_job(api_user(request), job_id))
